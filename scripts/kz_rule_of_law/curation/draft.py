"""Draft a release's facts: every span of its Kazakh text a normalizer accepts, with its value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from ..errors import InputError
from .normalize import NORMALIZERS, parse_date_value, parse_money_qualified
from .quotes import _splits_token, spans

# A value is a few words at most ('2025 жылғы 21 қараша айында', 'шамамен 1,5 млн АҚШ доллары').
MAX_WORDS = 6
# In the order a tie between two kinds for the same span is settled ('2025' alone is a count).
KINDS = ("date", "period", "money", "duration", "legal-form", "count")
_WORD = re.compile(r"\S+")
# Punctuation that stands around a value but is not part of it ('«ҚҚ»', '(80-нен астам)', 'жж.,').
_OPENING = "«“\"'(["
_CLOSING = "»”\"')],;:!?."


@dataclass(frozen=True)
class Candidate:
    """A span of the text a normalizer accepts: its kind, exact quote, occurrence and value."""

    kind: str
    quote: str
    at: int | None
    start: int
    end: int
    value: dict
    record: str | None = None
    field: str | None = None

    def as_json(self) -> dict:
        """The candidate as one JSON object."""
        return asdict(self)


# Dates and amounts as the build reads them: a date may be a range or a month, an amount approximate.
_READERS = {
    **NORMALIZERS,
    "date": lambda quote: parse_date_value(quote).to_json(),
    "money": lambda quote: parse_money_qualified(quote).to_json(),
}


def value(kind: str, quote: str) -> dict | None:
    """The normalized JSON of a quote of this kind, or None if its normalizer does not accept it."""
    try:
        return _READERS[kind](quote)
    except (InputError, ValueError, ArithmeticError):
        return None


def _ends(text: str, start: int, end: int) -> list[int]:
    """Where a window ending with the word at `end` may end: the word's end, then before each of its
    closing punctuation marks ('жж.,' may end after 'жж.' or 'жж'), longest first."""
    ends = [end]
    while ends[-1] > start + 1 and text[ends[-1] - 1] in _CLOSING:
        ends.append(ends[-1] - 1)
    return ends


def _windows(text: str, words: list[re.Match[str]], first: int) -> Iterator[tuple[int, int]]:
    """The (start, end) spans of 1 to MAX_WORDS words from word `first`, longest first; none that
    cuts a token."""
    start = words[first].start()
    while start < words[first].end() - 1 and text[start] in _OPENING:
        start += 1
    if _splits_token(text, start):
        return
    for last in range(min(len(words), first + MAX_WORDS) - 1, first - 1, -1):
        for end in _ends(text, start, words[last].end()):
            if not _splits_token(text, end):
                yield start, end


def _accepted(text: str, start: int, end: int) -> Candidate | None:
    """The first kind whose normalizer accepts the span, as a candidate found again by quotes.locate."""
    quote = text[start:end]
    for kind in KINDS:
        normalized = value(kind, quote)
        if normalized is None:
            continue
        found = spans(text, quote)
        if (start, end) not in found:
            return None
        at = found.index((start, end)) + 1 if len(found) > 1 else None
        return Candidate(kind, quote, at, start, end, normalized)
    return None


def _longest(text: str, words: list[re.Match[str]], first: int) -> Candidate | None:
    """The longest candidate starting at word `first`, if any."""
    for start, end in _windows(text, words, first):
        candidate = _accepted(text, start, end)
        if candidate is not None:
            return candidate
    return None


def candidates(text: str) -> list[Candidate]:
    """Every value the normalizers find in the text, in its order, the longest at each word, never
    overlapping."""
    words = list(_WORD.finditer(text))
    found: list[Candidate] = []
    first = 0
    while first < len(words):
        candidate = _longest(text, words, first)
        if candidate is None:
            first += 1
            continue
        found.append(candidate)
        while first < len(words) and words[first].start() < candidate.end:
            first += 1
    return found
