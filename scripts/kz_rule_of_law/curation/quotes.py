"""Find quotes in source texts: whitespace-insensitive, on word boundaries, with their spans."""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError

_WORD = re.compile(r"\S+")
_SPACE = re.compile(" ")
# Beyond this many occurrences (inside words and numbers too) a quote is too short to tell which
# passage it means, and the work on it would grow with the source ("." in a long text).
MAX_OCCURRENCES = 1000


@dataclass(frozen=True)
class _Collapsed:
    """A text with every run of whitespace made one space, and the way back to the original offsets."""

    text: str
    starts: array[int]  # where each word starts in the collapsed text
    origins: array[int]  # where the same word starts in the original text


# The build reads one source at a time; a few collapsed texts are enough, and each holds its source.
@lru_cache(maxsize=2)
def _collapsed(text: str) -> _Collapsed:
    """Collapse the whitespace of a source text once, remembering where each word came from."""
    collapsed = " ".join(text.split())
    origins = array("q", (match.start() for match in _WORD.finditer(text)))
    starts = array("q", [0] if collapsed else [])
    starts.extend(match.end() for match in _SPACE.finditer(collapsed))
    return _Collapsed(collapsed, starts, origins)


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
        return text[at + 1 : at + 2].isdecimal()
    if before in NUMBER_SEPARATORS and after.isdecimal():
        return text[at - 2 : at - 1].isdecimal()
    return False


def _occurrences(haystack: str, needle: str) -> Iterator[int]:
    """Where the needle starts in the haystack, anywhere, token boundaries or not; past
    MAX_OCCURRENCES of them, an InputError."""
    start, count = haystack.find(needle), 0
    while start != -1:
        count += 1
        if count > MAX_OCCURRENCES:
            raise InputError(
                f"quote occurs more than {MAX_OCCURRENCES:,} times in the source (inside words and numbers included)",
                value=needle,
                expected="a longer quote, that says which passage is meant",
                code="quote-too-common",
            )
        yield start
        start = haystack.find(needle, start + 1)


def _spans(text: str, quote: str) -> Iterator[tuple[int, int]]:
    """Every (start, end) character span at which the quote stands in the text, as whole tokens."""
    needle = " ".join(quote.split())
    if not needle:
        return
    collapsed = _collapsed(text)
    haystack = collapsed.text
    for start in _occurrences(haystack, needle):
        if not _splits_token(haystack, start) and not _splits_token(haystack, start + len(needle)):
            yield _original(collapsed, start), _original(collapsed, start + len(needle) - 1) + 1


def spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) character span at which the quote stands in the text, as whole tokens."""
    return list(_spans(text, quote))


def locate(text: str, quote: str, at: int | None = None) -> tuple[int, int]:
    """The span of the quote (its `at`-th occurrence when it occurs more than once)."""
    found = spans(text, quote)
    if not found and next(_occurrences(_collapsed(text).text, " ".join(quote.split())), None) is not None:
        raise InputError(
            "quote found only as part of a longer word or number of the source",
            value=quote,
            expected="whole words and whole numbers (all of '1 500 000', never '500 000' of it)",
            code="quote-splits-token",
        )
    if not found:
        from .lookalike import suggestion  # only on this error path: the search is bounded but not free

        raise InputError(
            "quote not found in the source" + _invisible(quote),
            value=quote,
            expected="the exact words of the source (whitespace may differ)" + suggestion(text, quote),
            code="quote-not-found",
        )
    if at is None:
        if len(found) > 1:
            raise InputError(
                f"quote occurs {len(found)} times in the source",
                value=quote,
                expected=f"'at: N' (1 to {len(found)}) to say which occurrence is meant",
                code="quote-ambiguous",
            )
        return found[0]
    if at > len(found):
        raise InputError(
            f"quote occurs {len(found)} time(s) in the source",
            value=f"at: {at}",
            expected=f"at between 1 and {len(found)}",
            code="occurrence-out-of-range",
        )
    return found[at - 1]


def _invisible(quote: str) -> str:
    """Name the invisible characters of a quote (zero-width, soft hyphen, byte-order mark...) and
    where they stand: a reader of the message cannot see them."""
    named = [
        f"U+{ord(char):04X} {unicodedata.name(char, 'FORMAT CHARACTER')} at character {index}"
        for index, char in enumerate(quote, start=1)
        if unicodedata.category(char) == "Cf"
    ]
    if not named:
        return ""
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    return f" (the quote holds invisible {', '.join(named[:3])}{more})"


def collapse(text: str) -> str:
    """The text with every run of whitespace replaced by one space."""
    return " ".join(text.split())
