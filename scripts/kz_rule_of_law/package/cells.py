"""How a CSV cell reads as its Table Schema type: one grammar, for validation and the SQLite load.

The lexical forms are the Table Schema's, in ASCII: an integer is an optional sign and digits; a
number adds a decimal point and an exponent (never NaN or an infinity: the package's numbers are
amounts and shares); a year is four digits; a date is YYYY-MM-DD; a boolean is one of the
specification's default true and false values. Python's int() and Decimal(), and so frictionless,
also read spaces around a number, other scripts' digits ('٣') and underscores ('1_000'); here they
are refused, so that whatever validates loads into SQLite as it reads. For the same reason an
integer is one SQLite stores (64 bits, at most 9223372036854775807 either way), and a number has
at most 15 significant digits and an exponent within a double's, so that it reads back exactly."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER_LIMIT = 2**63  # SQLite's INTEGER: from -2**63 to 2**63 - 1
NUMBER_DIGITS = 15  # significant digits a double always gives back exactly
NUMBER_EXPONENTS = range(-307, 308)  # adjusted exponents of normal doubles
TRUE_VALUES = frozenset({"true", "True", "TRUE", "1"})
FALSE_VALUES = frozenset({"false", "False", "FALSE", "0"})


class OutOfRange(ValueError):
    """A cell in its type's form holding a value SQLite cannot store exactly; says what fits."""


def integer(text: str) -> int:
    """An integer cell: an optional sign, then ASCII digits, within SQLite's INTEGER."""
    if (text.isdigit() and text.isascii()) or _INTEGER.fullmatch(text):
        value = int(text)
        if -INTEGER_LIMIT <= value < INTEGER_LIMIT:
            return value
        raise OutOfRange(f"an integer from {-INTEGER_LIMIT} to {INTEGER_LIMIT - 1}")
    raise ValueError(text)


def number(text: str) -> Decimal:
    """A number cell, exactly: an optional sign, ASCII digits with a decimal point, an exponent;
    at most NUMBER_DIGITS significant digits, within NUMBER_EXPONENTS unless zero."""
    if _NUMBER.fullmatch(text):
        value = Decimal(text)
        significant = "".join(map(str, value.as_tuple().digits)).rstrip("0")  # exact, unlike normalize()
        if not significant or (len(significant) <= NUMBER_DIGITS and value.adjusted() in NUMBER_EXPONENTS):
            return value
        raise OutOfRange(f"a number of at most {NUMBER_DIGITS} significant digits, with an exponent "
                         f"from {NUMBER_EXPONENTS.start} to {NUMBER_EXPONENTS.stop - 1}")
    raise ValueError(text)


def year(text: str) -> int:
    """A year cell: four ASCII digits."""
    if _YEAR.fullmatch(text):
        return int(text)
    raise ValueError(text)


def date(text: str) -> dt.date:
    """A date cell: ISO 8601 YYYY-MM-DD, a day of the calendar."""
    if _DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    raise ValueError(text)


def boolean(text: str) -> bool:
    """A boolean cell: true, True, TRUE or 1; false, False, FALSE or 0."""
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    raise ValueError(text)


# The reader of every type a column may have; None: the text as it is.
READERS: dict[str, Callable[[str], Any] | None] = {
    "string": None, "integer": integer, "number": number, "year": year, "date": date, "boolean": boolean,
}
