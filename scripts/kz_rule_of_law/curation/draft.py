"""Draft a release's facts: every span of its text a normalizer of its language accepts, with its value."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace

from ..errors import InputError
from . import normalize_en, normalize_ru
from .draft_cues import DURATION_TAILS, PEOPLE
from .languages import LANGUAGES, normalizers
from .normalize import NORMALIZERS, parse_date_value, parse_money_qualified
from .quotes import _splits_token, spans

# A value is a few words at most ('2025 жылғы 21 қараша айында', 'шамамен 1,5 млн АҚШ доллары').
MAX_WORDS = 6
# In the order a tie between two kinds for the same span is settled (a range of years is a period).
KINDS = ("period", "date", "money", "duration", "legal-form", "count")
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
    id: str | None = None

    def as_json(self) -> dict:
        """The candidate as one JSON object."""
        return asdict(self)


# Dates and amounts as the build reads them: a date may be a range or a month, an amount approximate.
_READERS = {
    **NORMALIZERS,
    "date": lambda quote: parse_date_value(quote).to_json(),
    "money": lambda quote: parse_money_qualified(quote).to_json(),
}


def readers(language: str = "kk") -> dict[str, Callable[[str], dict]]:
    """The normalizers of a source's language, by kind (Kazakh for a language without its own)."""
    if language == "kk" or language not in LANGUAGES:
        return _READERS
    return normalizers(language).json


def value(kind: str, quote: str, language: str = "kk") -> dict | None:
    """The normalized JSON of a quote of this kind, or None if its normalizer does not accept it."""
    try:
        return readers(language)[kind](quote)
    except (InputError, ValueError, ArithmeticError):
        return None


# What a quote of each kind holds, whatever its language: digits (a date, an amount, a period, a
# count), a word for years or months (a duration); a span without it is not tried, which spares
# the normalizers most of a text's windows.
_HOLDS = {
    "date": re.compile(r"[0-9]"),
    "money": re.compile(r"[0-9]"),
    "period": re.compile(r"[0-9]"),
    "count": re.compile(r"[0-9]"),
    "duration": re.compile(r"жыл|year|год|лет|месяц|month", re.IGNORECASE),
}


def _may_be(kind: str, quote: str) -> bool:
    """Whether a span may be a value of this kind at all (see _HOLDS)."""
    holds = _HOLDS.get(kind)
    return holds is None or holds.search(quote) is not None


def _plausible(kind: str, quote: str, normalized: dict, language: str) -> bool:
    """Whether an accepted span is the value it seems: a number alone is neither a count nor a date
    (a year, a reference), a legal form's abbreviation is in capitals, and a count names what is
    counted only with a noun its language counts ('3 марта' is a date without its year)."""
    if kind in ("count", "date") and _bare_number(quote):
        return False
    if kind == "legal-form" and " " not in quote.strip() and not quote.partition("-")[0].isupper():
        return False  # an abbreviation is written in capitals: 'Ақ жол' is a name, not an АҚ
    noun = normalized.get("noun") if kind == "count" else None
    return noun is None or noun in counted_nouns(language)


# The nouns Russian and English counts name (their normalizers keep the noun in a count's value).
_COUNTED_NOUNS = {"ru": frozenset(normalize_ru.COUNTED_NOUNS), "en": frozenset(normalize_en.COUNTED_NOUNS)}


def counted_nouns(language: str) -> frozenset[str]:
    """The nouns a count of this language may name (Kazakh counts keep no noun in their value)."""
    return _COUNTED_NOUNS.get(language, frozenset())


# One number: digits, in groups of three or not, with a decimal part or not ('2025', '1 500', '1,5'),
# never a numeric date ('13.01.2025').
_NUMBER = re.compile(r"[0-9]{1,3}(?:[ ,.'’][0-9]{3})*(?:[,.][0-9]+)?|[0-9]+(?:[,.][0-9]+)?")


def _bare_number(quote: str) -> bool:
    """Whether a quote is a number alone ('2025', '80'): a year or a reference as often as a count."""
    return _NUMBER.fullmatch(quote.strip()) is not None


def _words_to_leave_out(kind: str, language: str) -> tuple[str, ...]:
    """The word stems that end a quote of this kind without being part of it (see draft_cues)."""
    if kind == "count":
        return PEOPLE.get(language, ())
    if kind == "duration":
        return DURATION_TAILS.get(language, ())
    return ()


def _trimmed(text: str, candidate: Candidate, language: str) -> Candidate:
    """The candidate without a last word that names what the field already says (a count's people
    after a qualifier, a duration's 'ішінде'), when its value stays the same without it."""
    stems = _words_to_leave_out(candidate.kind, language)
    head, _, last = candidate.quote.rstrip().rpartition(" ")
    if not head or not last.lower().startswith(stems):
        return candidate
    end = candidate.start + len(head.rstrip())
    if value(candidate.kind, text[candidate.start : end], language) != candidate.value or _splits_token(text, end):
        return candidate
    if _bare_number(text[candidate.start : end]):
        return candidate  # '40 қатысушы' stays whole: a number alone would say nothing of what it counts
    found = spans(text, text[candidate.start : end])
    at = found.index((candidate.start, end)) + 1 if len(found) > 1 else None
    return replace(candidate, quote=text[candidate.start : end], end=end, at=at)


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


def _accepted(text: str, start: int, end: int, language: str) -> Candidate | None:
    """The first kind whose normalizer accepts the span, as a candidate found again by quotes.locate."""
    quote = text[start:end]
    for kind in KINDS:
        normalized = value(kind, quote, language) if _may_be(kind, quote) else None
        if normalized is None or not _plausible(kind, quote, normalized, language):
            continue
        found = spans(text, quote)
        if (start, end) not in found:
            return None
        at = found.index((start, end)) + 1 if len(found) > 1 else None
        return Candidate(kind, quote, at, start, end, normalized)
    return None


def _longest(text: str, words: list[re.Match[str]], first: int, language: str) -> Candidate | None:
    """The longest candidate starting at word `first`, if any, without a last word the field says."""
    for start, end in _windows(text, words, first):
        candidate = _accepted(text, start, end, language)
        if candidate is not None:
            return _trimmed(text, candidate, language)
    return None


def candidates(text: str, language: str = "kk") -> list[Candidate]:
    """Every value the normalizers of the text's language find in it, in its order, the longest at
    each word, never overlapping."""
    words = list(_WORD.finditer(text))
    found: list[Candidate] = []
    first = 0
    while first < len(words):
        candidate = _longest(text, words, first, language)
        if candidate is None:
            first += 1
            continue
        found.append(candidate)
        while first < len(words) and words[first].start() < candidate.end:
            first += 1
    return found
