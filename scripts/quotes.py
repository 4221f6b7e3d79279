"""Find quotes in source texts: whitespace-insensitive, on word boundaries, with their spans."""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import InputError


@lru_cache(maxsize=4096)
def _pattern(quote: str) -> re.Pattern[str]:
    """A regex matching the quote with any run of whitespace where it has whitespace."""
    words = quote.split()
    body = r"\s+".join(re.escape(w) for w in words)
    head = r"(?<!\w)" if words and words[0][:1].isalnum() else ""
    tail = r"(?!\w)" if words and words[-1][-1:].isalnum() else ""
    return re.compile(head + body + tail)


def spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) character span at which the quote stands in the text."""
    if not quote.split():
        return []
    return [m.span() for m in _pattern(quote).finditer(text)]


def locate(text: str, quote: str, at: int | None = None) -> tuple[int, int]:
    """The span of the quote (its `at`-th occurrence when it occurs more than once)."""
    found = spans(text, quote)
    if not found:
        raise InputError("quote not found in the source", value=quote,
                         expected="the exact words of the source (whitespace may differ)")
    if at is None:
        if len(found) > 1:
            raise InputError(f"quote occurs {len(found)} times in the source", value=quote,
                             expected=f"'at: N' (1 to {len(found)}) to say which occurrence is meant")
        return found[0]
    if at > len(found):
        raise InputError(f"quote occurs {len(found)} time(s) in the source", value=f"at: {at}",
                         expected=f"at between 1 and {len(found)}")
    return found[at - 1]


def same_words(a: str, b: str) -> bool:
    """Whether two texts are equal once runs of whitespace are collapsed."""
    return a.split() == b.split()


def collapse(text: str) -> str:
    """The text with every run of whitespace replaced by one space."""
    return " ".join(text.split())
