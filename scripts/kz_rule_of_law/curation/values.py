"""Normalized values (dates, money, periods, counts, durations) and their JSON shapes, shared by every language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import InputError

PRECISIONS = ("day", "month", "year")
QUALIFIERS = ("exact", "more_than", "at_least", "about", "up_to", "less_than")


@dataclass(frozen=True)
class DateValue:
    """A date known to a day, a month or a year ('2025-11-21', '2025-11', '2025'), or a range of such."""

    date: str
    precision: str
    end_date: str | None = None

    def to_json(self) -> dict:
        """Return {'date', 'precision'} plus 'end_date' for a range."""
        shape = {"date": self.date, "precision": self.precision}
        if self.end_date is not None:
            shape["end_date"] = self.end_date
        return shape


@dataclass(frozen=True)
class Money:
    """An amount of money in an ISO 4217 currency, with how exactly the text states it."""

    amount: Decimal
    currency: str
    qualifier: str = "exact"

    def to_json(self) -> dict:
        """Return {'amount', 'currency', 'qualifier'}, the amount a plain decimal string."""
        return {"amount": format(self.amount, "f"), "currency": self.currency, "qualifier": self.qualifier}


@dataclass(frozen=True)
class Period:
    """A range of whole years, both ends included."""

    start_year: int
    end_year: int

    def to_json(self) -> dict:
        """Return {'start_year', 'end_year'}."""
        return {"start_year": self.start_year, "end_year": self.end_year}


def checked_period(start: int, end: int, text: str, expected: str) -> Period:
    """The period from `start` to `end` as a release states it in `text`: InputError for a year
    outside 1900..2100 or a range that ends before it starts, in every language alike."""
    for year in (start, end):
        if not 1900 <= year <= 2100:
            raise InputError(
                f"year {year} is outside 1900..2100", value=text, expected=expected, code="year-out-of-range"
            )
    if end < start:
        raise InputError(
            f"end year {end} is before start year {start}", value=text, expected=expected, code="end-before-start"
        )
    return Period(start, end)


@dataclass(frozen=True)
class Count:
    """A number of things, with how exactly the text states it and the noun counted if one follows."""

    value: int
    qualifier: str = "exact"
    noun: str | None = None
    has_noun: bool = False  # a noun followed even when its dictionary form could not be derived (noun None)

    def to_json(self) -> dict:
        """Return {'value', 'qualifier'} plus 'noun' (its dictionary form, or None) when a noun followed."""
        shape: dict = {"value": self.value, "qualifier": self.qualifier}
        if self.has_noun:
            shape["noun"] = self.noun
        return shape


@dataclass(frozen=True)
class Duration:
    """A length of time in whole years or whole months."""

    years: int | None = None
    months: int | None = None

    def to_json(self) -> dict:
        """Return {'years': N} or {'months': N}."""
        return {"years": self.years} if self.years is not None else {"months": self.months}
