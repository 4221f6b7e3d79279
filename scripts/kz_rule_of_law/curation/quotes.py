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


def _is_word(char: str) -> bool:
    """Whether a character belongs to a word (as regex \\w does)."""
    return char.isalnum() or char == "_"


def spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) character span at which the quote stands in the text."""
    needle = " ".join(quote.split())
    if not needle:
        return []
    collapsed = _collapsed(text)
    haystack = collapsed.text
    check_head, check_tail = _is_word(needle[0]), _is_word(needle[-1])
    found, start = [], haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        if not (check_head and start and _is_word(haystack[start - 1])) and \
                not (check_tail and end < len(haystack) and _is_word(haystack[end])):
            found.append((_original(collapsed, start), _original(collapsed, end - 1) + 1))
        start = haystack.find(needle, start + 1)
    return found


def locate(text: str, quote: str, at: int | None = None) -> tuple[int, int]:
    """The span of the quote (its `at`-th occurrence when it occurs more than once)."""
    found = spans(text, quote)
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
