"""The languages a press release may be in, and the normalizers that read each: one table for the build,
`check` and `draft`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ..errors import InputError
from . import normalize, normalize_en, normalize_ru
from .legal_forms import LegalForm
from .values import Count, DateValue, Duration, Money, Period

# ISO 639-1 codes of the languages a source may be in, and how messages name them.
LANGUAGE_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}
LANGUAGES = tuple(LANGUAGE_NAMES)


@dataclass(frozen=True)
class Normalizers:
    """The parsers of one language, each a pure function of a quote with the same output shape in
    every language; `json` is the `normalize` command's table of kind -> JSON shape."""

    language: str
    date: Callable[[str], DateValue]
    money: Callable[[str], Money]
    period: Callable[[str], Period]
    count: Callable[[str], Count]
    duration: Callable[[str], Duration]
    legal_form: Callable[[str], LegalForm]
    json: dict[str, Callable[[str], dict]]


def _kk_period(text: str) -> Period:
    """A Kazakh period as a Period."""
    return Period(*normalize.parse_period(text))


def _kk_count(text: str) -> Count:
    """A Kazakh count as a Count."""
    return Count(*normalize.parse_count(text))


def _kk_duration(text: str) -> Duration:
    """A Kazakh duration (always in years) as a Duration."""
    return Duration(years=normalize.parse_duration(text))


def _first_days(value: DateValue) -> DateValue:
    """A date value with each end written as a whole date (the first day of its month or year), as
    the Kazakh normalizer writes them; the precision says how much of it the text states."""
    return DateValue(_first_day(value.date), value.precision, value.end_date and _first_day(value.end_date))


def _first_day(date: str) -> str:
    """'2024-11' -> '2024-11-01', '2024' -> '2024-01-01'; a whole date as it is."""
    return date + "-01-01"[len(date) - 4 :] if len(date) < 10 else date


@cache
def normalizers(language: str) -> Normalizers:
    """The normalizers of a source's language (kk, ru, en); InputError for any other."""
    if language == "kk":
        return Normalizers(
            "kk",
            normalize.parse_date_value,
            normalize.parse_money_qualified,
            _kk_period,
            _kk_count,
            _kk_duration,
            normalize.parse_legal_form,
            normalize.NORMALIZERS,
        )
    if language in ("ru", "en"):
        module = normalize_ru if language == "ru" else normalize_en
        return Normalizers(
            language,
            lambda text: _first_days(module.parse_date(text)),
            module.parse_money,
            module.parse_period,
            module.parse_count,
            module.parse_duration,
            module.parse_legal_form,
            module.NORMALIZERS,
        )
    raise InputError(
        "unknown language",
        value=language,
        expected="one of: " + ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items()),
        code="unknown-language",
    )
