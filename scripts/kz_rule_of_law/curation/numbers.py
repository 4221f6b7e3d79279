"""Reading written numbers and the words before them: digit groups, decimal marks, multipliers, qualifiers."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

from ..errors import InputError
from .normalize import _number, _plain


def read_number(
    t: str, group: str, decimal: str, text: str, expected: str, missing: str = "unrecognised-amount"
) -> tuple[Decimal, int, str]:
    """Read the number at the start of t (groups of three, a decimal mark); return (value, digits, rest)."""
    # Any other mark glued to the number (a dot in Russian, a comma group of two digits in English, a
    # letter) is refused rather than read one way or the other.
    g, d = re.escape(group), re.escape(decimal)
    m = re.match(rf"(?P<int>[0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}(?P<frac>[0-9]+))?", t)
    if m is None:
        raise InputError("no number in ASCII digits", value=text, expected=expected, code=missing)
    rest = t[m.end() :]
    if rest and rest[0] != " ":
        word = t[: m.end()].split(" ")[-1] + rest.split(" ")[0]
        raise InputError(
            f"{word!r} is not a number written with digit groups {group!r} and decimal mark {decimal!r}",
            value=text,
            expected=expected,
            code="malformed-number",
        )
    if re.match(rf"{g}[0-9]", rest) or re.match(r" [0-9]", rest):
        run = re.match(rf"[0-9{g} ]+", t)  # t starts with the number m matched
        number = run[0].strip() if run else ""
        raise InputError(
            f"digit groups after the first must have exactly three digits: {number!r}",
            value=text,
            expected=expected,
            code="malformed-number",
        )
    whole = str(_number(m["int"].replace(group, ""), text, expected))
    frac = m["frac"] or ""
    return Decimal(whole + "." + frac if frac else whole), len(whole) + len(frac), rest.strip()


def scale(value: Decimal, digits: int, multiplier: Decimal) -> Decimal:
    """Multiply exactly (value written with `digits` digits) and drop the fractional zeros it leaves."""
    with localcontext() as ctx:
        ctx.prec = digits + 15
        return _plain(value * multiplier)


def take_prefix(t: str, table: dict[str, str]) -> tuple[str | None, str]:
    """Match the longest word sequence of table at the start of t; return (its value, the rest)."""
    for words in sorted(table, key=len, reverse=True):
        if t.startswith(words + " "):
            return table[words], t[len(words) + 1 :]
    return None, t


def count_noun(rest: str, text: str, expected: str, noun: re.Pattern[str], language: str) -> str | None:
    """The one noun a count may have after its number ('80 участников', '150 participants'), or None;
    InputError for more words, or for a word that is not a noun of the language."""
    words = rest.split(" ") if rest else []
    if len(words) > 1:
        raise InputError(
            f"unexpected words after the count: {' '.join(words[1:])!r}",
            value=text,
            expected=expected,
            code="unexpected-words",
        )
    if not words:
        return None
    if not noun.fullmatch(words[0]):
        raise InputError(f"{words[0]!r} is not {language} noun", value=text, expected=expected, code="unexpected-words")
    return words[0]
