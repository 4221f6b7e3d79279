"""The package's one type grammar: how a cell reads, how a curated value casts, how a value is
written, and which SQLite type a column of each Table Schema type gets.

The lexical forms are the Table Schema's, in ASCII: an integer is an optional sign and digits; a
number adds a decimal point and an exponent (never NaN or an infinity: the package's numbers are
amounts and shares); a year is four digits, 1000 to 9999, so that the number written back is the
text read; a date is YYYY-MM-DD, a day of the calendar; a boolean is one of the specification's
default true and false values (true, True, TRUE, 1; false, False, FALSE, 0). Python's int() and
Decimal(), and so frictionless, also read spaces around a number, other scripts' digits ('٣') and
underscores ('1_000'); here they are refused, so that whatever validates loads into SQLite as it
reads. For the same reason an integer is one SQLite stores (64 bits, at most 9223372036854775807
either way), and a number has at most 15 significant digits and an exponent within a double's, so
that it reads back exactly.

The same grammar reads a CSV cell (`READERS`, for validation and the SQLite load) and a curated value
in a facts file (`cast`), so that what the build writes (`format_cell`) reads back as the value it
wrote. The one difference is layout: YAML leaves whitespace around a quoted or block value (a block
scalar ends with a newline), so `cast` trims it first, for every type; a CSV cell is taken as it is.
So, in both places: '1_000' is refused; '+5' is the integer 5 (written back as 5); a year '27' is
refused; '1' is a boolean true and 'yes' or 'tRuE' are refused. ' 3 ' is 3 in a facts file and
refused in a CSV cell. An empty value is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import InputError, InternalError

if TYPE_CHECKING:
    from .descriptor import Field

_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_YEAR = re.compile(r"[1-9][0-9]{3}")
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
        raise OutOfRange(
            f"a number of at most {NUMBER_DIGITS} significant digits, with an exponent "
            f"from {NUMBER_EXPONENTS.start} to {NUMBER_EXPONENTS.stop - 1}"
        )
    raise ValueError(text)


def year(text: str) -> int:
    """A year cell: four ASCII digits, 1000 to 9999."""
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


# The reader of every type a column may have; None: the text as it is. Other Table Schema types
# (time, datetime, ...) are read as text by validation and the load, and refused by `cast`.
READERS: dict[str, Callable[[str], Any] | None] = {
    "string": None,
    "integer": integer,
    "number": number,
    "year": year,
    "date": date,
    "boolean": boolean,
}

# The SQLite types a column of each descriptor type may get. A number column is INTEGER when it has
# values and every one is whole and within INTEGER, REAL otherwise (SQLite has no exact decimal).
SQLITE_TYPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("string", "date", "time", "datetime", "yearmonth", "duration"), ("TEXT",)),
    **dict.fromkeys(("integer", "year", "boolean"), ("INTEGER",)),
    "number": ("INTEGER", "REAL"),
}


def sqlite_type(field: Field, all_whole: bool = False) -> str:
    """The SQLite type of a column; a number column's depends on its values (`all_whole`)."""
    try:
        choices = SQLITE_TYPES[field.type]
    except KeyError:
        raise InternalError(f"field {field.name}: type {field.type} cannot be stored in SQLite") from None
    if len(choices) > 1:
        return "INTEGER" if all_whole else "REAL"
    return choices[0]


def cast(field: Field, value: Any) -> Any:
    """A curated value (text, from YAML) as the column's type, read with the cell grammar once the
    surrounding whitespace is trimmed; None when it is missing; else InputError."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise InputError("wrong shape", value=value, expected=f"a single {field.type} value", code="wrong-shape")
    text = str(value).strip()
    if not text:
        return None
    if field.type not in READERS:
        raise InternalError(f"field {field.name}: type {field.type} is not supported by the build")
    read = READERS[field.type]
    if read is None:
        return text
    try:
        return read(text)
    except OutOfRange as e:
        raise InputError("cannot be stored exactly", value=value, expected=str(e), code="not-storable") from None
    except ValueError:
        raise InputError(
            "wrong type", value=value, expected=f"{article(field.type)} {field.type}", code="wrong-type"
        ) from None


def format_cell(value: Any) -> str:
    """A typed value as the CSV text that reads back as the same value; None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def article(word: str) -> str:
    """'an' before a vowel, 'a' otherwise."""
    return "an" if word[:1] in "aeiou" else "a"
