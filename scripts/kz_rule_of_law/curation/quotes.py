"""Find quotes in source texts: whitespace-insensitive, on word boundaries, with their spans."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class _Collapsed:
    """A text with every run of whitespace made one space, and the way back to the original offsets."""

    text: str
    starts: list[int]  # where each word starts in the collapsed text
    origins: list[int]  # where the same word starts in the original text


@lru_cache(maxsize=16)
def _collapsed(text: str) -> _Collapsed:
    """Collapse the whitespace of a source text once, remembering where each word came from."""
    words = list(_WORD.finditer(text))
    starts, position = [], 0
    for match in words:
        starts.append(position)
        position += match.end() - match.start() + 1
    return _Collapsed(" ".join(m.group() for m in words), starts, [m.start() for m in words])


def _original(collapsed: _Collapsed, position: int) -> int:
    """The original offset of a character of the collapsed text."""
    word = bisect_right(collapsed.starts, position) - 1
    return collapsed.origins[word] + position - collapsed.starts[word]


# What stands between the digits of one number: digit groups (1 500 000, 1,500,000, 1.500.000,
# 1'500'000, 1’500’000) and a decimal part (1,5 or 1.5). The collapsed text has every run of
# whitespace (NBSP, narrow NBSP and thin space among them) as one space.
NUMBER_SEPARATORS = frozenset(" ,.'’")


def _is_word(char: str) -> bool:
    """Whether a character belongs to a word (as regex \\w does)."""
    return char.isalnum() or char == "_"


def _splits_token(text: str, at: int) -> bool:
    """Whether a quote starting or ending at `at` would cut a token of the text in two.

    Tokens are words, and numbers with their digit groups and decimal part: a quote never starts
    or ends between two letters or digits, nor between a digit and a separator followed by a digit
    (`500 000` is not in `1 500 000`, nor `5 млн` in `1,5 млн`).
    """
    if at <= 0 or at >= len(text):
        return False
    before, after = text[at - 1], text[at]
    if _is_word(before) and _is_word(after):
        return True
    if before.isdecimal() and after in NUMBER_SEPARATORS:
        return text[at + 1:at + 2].isdecimal()
    if before in NUMBER_SEPARATORS and after.isdecimal():
        return text[at - 2:at - 1].isdecimal()
    return False


def _occurrences(haystack: str, needle: str) -> list[int]:
    """Where the needle starts in the haystack, anywhere, token boundaries or not."""
    found, start = [], haystack.find(needle)
    while start != -1:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) character span at which the quote stands in the text, as whole tokens."""
    needle = " ".join(quote.split())
    if not needle:
        return []
    collapsed = _collapsed(text)
    haystack = collapsed.text
    return [(_original(collapsed, start), _original(collapsed, start + len(needle) - 1) + 1)
            for start in _occurrences(haystack, needle)
            if not _splits_token(haystack, start) and not _splits_token(haystack, start + len(needle))]


def locate(text: str, quote: str, at: int | None = None) -> tuple[int, int]:
    """The span of the quote (its `at`-th occurrence when it occurs more than once)."""
    found = spans(text, quote)
    if not found and _occurrences(_collapsed(text).text, " ".join(quote.split())):
        raise InputError("quote found only as part of a longer word or number of the source", value=quote,
                         expected="whole words and whole numbers (all of '1 500 000', never '500 000' of it)",
                         code="quote-splits-token")
    if not found:
        raise InputError("quote not found in the source", value=quote,
                         expected="the exact words of the source (whitespace may differ)", code="quote-not-found")
    if at is None:
        if len(found) > 1:
            raise InputError(f"quote occurs {len(found)} times in the source", value=quote,
                             expected=f"'at: N' (1 to {len(found)}) to say which occurrence is meant",
                             code="quote-ambiguous")
        return found[0]
    if at > len(found):
        raise InputError(f"quote occurs {len(found)} time(s) in the source", value=f"at: {at}",
                         expected=f"at between 1 and {len(found)}", code="occurrence-out-of-range")
    return found[at - 1]


def collapse(text: str) -> str:
    """The text with every run of whitespace replaced by one space."""
    return " ".join(text.split())
