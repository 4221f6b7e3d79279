"""Normalizers for English: parse dates, money, periods, counts, durations and legal forms into data.

Every parser is a pure function of one text; text it does not understand raises InputError, never a
guess. Amounts group digits with commas and mark decimals with a point; a comma group that is not three
digits ('1,2 million') is refused, and so are all-numeric dates with slashes ('11/12/2025'), whose day
and month order differs between British and American texts.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal
from typing import TypedDict

from ..errors import InputError
from .legal_forms import LEGAL_FORMS, LegalForm
from .normalize import _CURRENCY_SIGNS as CURRENCY_SIGNS
from .normalize import _MONTHS_EN, _clean
from .numbers import count_noun, read_number, scale, take_prefix
from .values import QUALIFIERS, Count, DateValue, Duration, Money, Period, checked_period

# ---------------------------------------------------------------------------------------------------
# Dates

_MONTHS = {m.casefold(): i for i, m in enumerate(_MONTHS_EN, 1)}
_MONTHS.update({m[:3].casefold(): i for m, i in zip(_MONTHS_EN, range(1, 13))})
_MONTHS.update({m + ".": i for m, i in list(_MONTHS.items()) if len(m) == 3}, sept=9, **{"sept.": 9})
_DATE_EXPECTED = (
    "an English date such as '21 November 2025', 'November 21, 2025', '2025-11-21', "
    "'November 2025' or '19–21 August 2024'"
)
_ORD = r"(?P<{}>[0-9]{{1,2}})(?P<{}>st|nd|rd|th)?"
_D = _ORD.format("day", "suffix")
_M, _Y = r"(?P<month>[a-z]+\.?)", r"(?P<year>[0-9]{4})"
_SIDES = [
    re.compile(p)
    for p in (
        r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})",
        rf"(?:the )?{_D} (?:of )?{_M},? {_Y}",
        rf"{_M} (?:the )?{_D},? {_Y}",
        rf"{_M},? {_Y}",
        _Y,
    )
]
_PARTIAL_SIDES = [
    re.compile(p)
    for p in (  # a range's first date may leave out what its second says
        rf"(?:the )?{_D}(?: (?:of )?{_M})?",
        rf"{_M} (?:the )?{_D}",
        _M,
        rf"{_D},? {_Y}",  # the second date of 'August 19–21, 2024'
    )
]


def _suffix_ok(day: int, suffix: str | None) -> bool:
    """Tell whether an ordinal suffix fits its day (1st, 2nd, 3rd, 4th, 11th, 21st...)."""
    if suffix is None:
        return True
    if day % 100 in (11, 12, 13):
        return suffix == "th"
    return suffix == {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


class _Side(TypedDict):
    """One date of a text as read: day, month and year, each None where the text leaves it out."""

    day: int | None
    month: int | None
    year: int | None


def _side(s: str, text: str, partial: bool) -> _Side:
    """Split one date of a text ('21 November 2025', '19', 'August 19') into day, month and year."""
    patterns = _SIDES + (_PARTIAL_SIDES if partial else [])
    m = next((m for p in patterns if (m := p.fullmatch(s.strip()))), None)
    if m is None:
        raise _unrecognised_side(s.strip(), text)
    g = m.groupdict()
    side: _Side = {
        "day": int(g["day"]) if g.get("day") else None,
        "year": int(g["year"]) if g.get("year") else None,
        "month": _month_number(g["month"], text) if g.get("month") else None,
    }
    if side["day"] is not None and not _suffix_ok(side["day"], g.get("suffix")):
        raise InputError(
            f"wrong ordinal suffix {str(side['day']) + g['suffix']!r}",
            value=text,
            expected=_DATE_EXPECTED,
            code="unknown-suffix",
        )
    return side


def _unrecognised_side(s: str, text: str) -> InputError:
    """The error for a date that is not one; a numeric date is ambiguous in English."""
    if re.fullmatch(r"[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}", s):
        return InputError(
            f"{s!r} is ambiguous: British and American texts order day and month differently; write '21 November 2025'",
            value=text,
            expected=_DATE_EXPECTED,
            code="unrecognised-date",
        )
    return InputError(f"not a recognised date: {s!r}", value=text, expected=_DATE_EXPECTED, code="unrecognised-date")


def _month_number(word: str, text: str) -> int:
    """The number of a month given in digits or by name."""
    if word.isdigit():
        return int(word)
    if word in _MONTHS:
        return _MONTHS[word]
    raise InputError(f"unknown month word {word!r}", value=text, expected=_DATE_EXPECTED, code="unknown-month")


def _checked(side: _Side, text: str) -> tuple[datetime.date, str]:
    """Check a (partial) date and return it with its precision."""
    year, month, day = side["year"], side["month"], side["day"]
    if year is None:  # the patterns of a whole date require one; a range's start takes the end's
        raise InputError("no year in the date", value=text, expected=_DATE_EXPECTED, code="unrecognised-date")
    if not 1900 <= year <= 2100:
        raise InputError(
            f"year {year} is outside 1900..2100", value=text, expected=_DATE_EXPECTED, code="year-out-of-range"
        )
    d = _date(year, month, day, text)
    return d, "day" if day is not None else "month" if month is not None else "year"


def _date(year: int, month: int | None, day: int | None, text: str) -> datetime.date:
    """The first day of the year, month or day given, if there is such a day."""
    if month is not None and not 1 <= month <= 12:
        raise InputError(f"no month {month}", value=text, expected=_DATE_EXPECTED, code="impossible-date")
    try:
        return datetime.date(year, month or 1, 1 if day is None else day)
    except ValueError:
        raise InputError(
            f"no {day} {_MONTHS_EN[(month or 1) - 1]} in {year}",
            value=text,
            expected=_DATE_EXPECTED,
            code="impossible-date",
        ) from None


def _shown(d: datetime.date, precision: str) -> str:
    """Write a date to its precision: '2025-11-21', '2025-11' or '2025'."""
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": str(d.year)}[precision]


def parse_date(text: str) -> DateValue:
    """Parse an English date, month, year or range ('21 November 2025', 'November 2025', '19–21 August 2024')."""
    t = _clean(text, _DATE_EXPECTED)
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    t = re.sub(r"^(?:on|in|during) ", "", t)
    left, right = _date_ends(t, text)
    r = _side(right, text, partial=left is not None)
    if left is None:
        d, precision = _checked(r, text)
        return DateValue(_shown(d, precision), precision)
    lft = _side(left, text, partial=True)
    _complete_ends(lft, r, text)
    start, precision = _checked(lft, text)
    end, _ = _checked(r, text)
    if _shown(end, precision) <= _shown(start, precision):
        raise InputError(
            f"the range ends ({_shown(end, precision)}) before it starts ({_shown(start, precision)})",
            value=text,
            expected=_DATE_EXPECTED,
            code="end-before-start",
        )
    return DateValue(_shown(start, precision), precision, _shown(end, precision))


def _date_ends(t: str, text: str) -> tuple[str | None, str]:
    """The start (None for one date) and the end of a date text."""
    iso = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    if (
        m := re.fullmatch(r"(?:from )?(.+?) (?:to|until|till|through) (.+)", t)
        or re.fullmatch(r"between (.+?) and (.+)", t)
        or re.fullmatch(rf"({iso}) ?- ?({iso})", t)
    ):
        return m[1], m[2]
    if not re.fullmatch(iso, t) and t.count("-") == 1:
        left, _, right = t.partition("-")
        return left, right
    if "-" in t and not re.fullmatch(iso, t):
        raise InputError(
            "more than one dash in the date", value=text, expected=_DATE_EXPECTED, code="unrecognised-date"
        )
    return None, t


def _complete_ends(lft: _Side, r: _Side, text: str) -> None:
    """Give each end of a range the month and year only the other states, then check both are of one kind."""
    if r["year"] is None:
        raise InputError("no year after the range", value=text, expected=_DATE_EXPECTED, code="unrecognised-date")
    if r["month"] is None and r["day"] is not None:
        r["month"] = lft["month"]  # 'August 19–21, 2024'
    if lft["month"] is None and lft["day"] is not None:
        lft["month"] = r["month"]  # '19–21 August 2024'
    if lft["year"] is None:
        lft["year"] = r["year"]
    if (lft["day"] is None) != (r["day"] is None) or (lft["month"] is None) != (r["month"] is None):
        raise InputError(
            "the two ends of the range are not dates of the same kind",
            value=text,
            expected=_DATE_EXPECTED,
            code="unrecognised-date",
        )


def date_json(text: str) -> dict:
    """Parse an English date into {'date', 'precision'} (+ 'end_date' for a range)."""
    return parse_date(text).to_json()


DATE_STYLES = ("dmy", "mdy", "abbreviated", "iso", "from")


def format_date_en(
    start: datetime.date,
    precision: str = "day",
    end: datetime.date | None = None,
    style: str = "dmy",
    dash: str = "\u2013",
) -> str:
    """Write a date, month, year or range in English, e.g. '21 November 2025', '19–21 August 2024'."""
    if not isinstance(start, datetime.date) or (end is not None and not isinstance(end, datetime.date)):
        raise InputError("expected a date", value=start, expected="a datetime.date", code="bad-argument")
    if precision not in ("day", "month", "year") or style not in DATE_STYLES:
        raise InputError(
            "unknown precision or style",
            value=(precision, style),
            expected=f"a precision of day, month or year and a style of {DATE_STYLES}",
            code="bad-argument",
        )
    if end is None:
        return _one_en(start, precision, style)
    return _range_en(start, end, precision, style, dash)


def _month_en(d: datetime.date, style: str) -> str:
    """The month's name, abbreviated in the abbreviated style."""
    name = _MONTHS_EN[d.month - 1]
    return name[:3] if style == "abbreviated" else name


def _one_en(d: datetime.date, precision: str, style: str, with_month: bool = True, with_year: bool = True) -> str:
    """One day, month or year, without the month or year a range shares."""
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return _month_en(d, style) + (f" {d.year}" if with_year else "")
    return _day_en(d, style, with_month, with_year)


def _day_en(d: datetime.date, style: str, with_month: bool, with_year: bool) -> str:
    """A day, in the order of the style, without the month or year a range shares."""
    if style == "iso" and with_month and with_year:
        return d.isoformat()
    if style == "mdy":
        return (f"{_month_en(d, style)} " if with_month else "") + f"{d.day}" + (f", {d.year}" if with_year else "")
    return f"{d.day}" + (f" {_month_en(d, style)}" if with_month else "") + (f" {d.year}" if with_year else "")


def _range_en(start: datetime.date, end: datetime.date, precision: str, style: str, dash: str) -> str:
    """A range, the start without what it shares with the end."""
    same_year = start.year == end.year
    same_month = (start.year, start.month) == (end.year, end.month)
    last = _one_en(end, precision, style)
    if style == "from":
        return f"from {_one_en(start, precision, style, True, not same_year)} to {last}"
    if precision == "day" and style == "mdy":
        if same_month:
            return f"{_month_en(start, style)} {start.day}{dash}{end.day}, {end.year}"
        return f"{_one_en(start, precision, style, True, not same_year)} {dash} {last}"
    iso = style == "iso"
    left = _one_en(start, precision, style, precision != "day" or not same_month or iso, not same_year or iso)
    return f"{left}{dash}{last}" if precision == "day" and same_month else f"{left} {dash} {last}"


# ---------------------------------------------------------------------------------------------------
# Qualifiers, shared by money and counts

_QUALIFIER_WORDS = {
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "in excess of": "more_than",
    "some": "about",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "an estimated": "about",
    "at least": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "no fewer than": "at_least",
    "up to": "up_to",
    "no more than": "up_to",
    "not more than": "up_to",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
}
QUALIFIER_WORDS = {q: tuple(w for w, q2 in _QUALIFIER_WORDS.items() if q2 == q) for q in QUALIFIERS}

# ---------------------------------------------------------------------------------------------------
# Money

CURRENCIES = {"EUR": "euros", "KZT": "tenge", "USD": "US dollars", "RUB": "roubles"}
_MONEY_EXPECTED = "an amount with a currency such as 'EUR 777,895', '€1.2 million' or '1.2 million euros'"
_CURRENCY_SIGNS = {**CURRENCY_SIGNS, "us$": "USD"}
_CURRENCY_WORDS = {
    **_CURRENCY_SIGNS,
    "euro": "EUR",
    "euros": "EUR",
    "tenge": "KZT",
    "dollar": "USD",
    "dollars": "USD",
    "us dollar": "USD",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "u.s. dollar": "USD",
    "american dollars": "USD",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "russian roubles": "RUB",
    "russian rubles": "RUB",
}
_MULTIPLIERS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "m": 6, "mn": 6, "bn": 9}


def parse_money(text: str) -> Money:
    """Parse an amount ('EUR 777,895', 'about €1.2 million', '1.2 million euros') into a Money."""
    t = _clean(text, _MONEY_EXPECTED)
    t = " ".join(re.sub(r"(us\$|[€$₸₽])", r" \1 ", t).split())
    t = re.sub(r"(?<=[0-9])(m|mn|bn)(?= |$)", r" \1", t)  # '€1.2m', '$3bn'
    t = re.sub(r"^(eur|usd|kzt|rub)(?=[0-9])", r"\1 ", t)  # 'EUR777,895'
    qualifier, t = take_prefix(t, _QUALIFIER_WORDS)
    code = None
    if t.split(" ")[0] in _CURRENCY_SIGNS:
        code, t = _CURRENCY_SIGNS[t.split(" ")[0]], t.partition(" ")[2]
    if t[:1] in ("-", "+"):
        raise InputError(
            "amounts must be written without a sign (no negative amounts)",
            value=text,
            expected=_MONEY_EXPECTED,
            code="signed-amount",
        )
    value, digits, rest = read_number(t, ",", ".", text, _MONEY_EXPECTED)
    words = rest.split(" ") if rest else []
    if words and words[0] in _MULTIPLIERS:
        value = scale(value, digits, Decimal(10) ** _MULTIPLIERS[words.pop(0)])
    if code is None:
        code, words = _currency_after(words, text)
    if words:
        raise InputError(
            f"unexpected words after the amount: {' '.join(words)!r}",
            value=text,
            expected=_MONEY_EXPECTED,
            code="unexpected-words",
        )
    return Money(value, code, qualifier or "exact")


def _currency_after(words: list[str], text: str) -> tuple[str, list[str]]:
    """The currency the words after an amount start with (one or two words), and the words left."""
    if not words:
        raise InputError("no currency after the amount", value=text, expected=_MONEY_EXPECTED, code="missing-currency")
    for n in (2, 1):
        if len(words) >= n and " ".join(words[:n]) in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[" ".join(words[:n])], words[n:]
    raise InputError(
        f"unknown currency word {words[0]!r}", value=text, expected=_MONEY_EXPECTED, code="unknown-currency"
    )


def money_json(text: str) -> dict:
    """Parse an amount into {'amount': '777895', 'currency': 'EUR', 'qualifier': 'exact'}."""
    return parse_money(text).to_json()


MONEY_STYLES = ("code", "sign", "word")
_SIGNS = {"EUR": "€", "USD": "$", "KZT": "₸", "RUB": "₽"}


def format_money_en(
    amount: Decimal, currency: str, qualifier: str = "exact", style: str = "code", multiplier: str | None = None
) -> str:
    """Write an amount in English, e.g. 'EUR 777,895', 'about €1.2 million' or '300,000 US dollars'."""
    _check_money_arguments(amount, currency, qualifier, style)
    if multiplier is not None:
        amount = scale(amount, len(format(amount, "f")), Decimal(10) ** -_MULTIPLIERS[multiplier])
    whole, _, frac = format(amount, "f").partition(".")
    number = f"{int(whole):,}" + ("." + frac if frac else "") + (" " + multiplier if multiplier else "")
    words = QUALIFIER_WORDS[qualifier][0] + " " if qualifier != "exact" else ""
    if style == "code":
        return f"{words}{currency} {number}"
    if style == "sign":
        return f"{words}{_SIGNS[currency]}{number}"
    return f"{words}{number} {CURRENCIES[currency]}"


def _check_money_arguments(amount: object, currency: str, qualifier: str, style: str) -> None:
    """Refuse what format_money_en cannot write: no finite amount of zero or more, an unknown currency."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise InputError(
            "expected a finite Decimal of zero or more", value=amount, expected="Decimal('777895')", code="bad-argument"
        )
    if currency not in CURRENCIES or qualifier not in QUALIFIERS or style not in MONEY_STYLES:
        raise InputError(
            "unknown currency, qualifier or style",
            value=(currency, qualifier, style),
            expected=f"one of {tuple(CURRENCIES)}, {QUALIFIERS} and {MONEY_STYLES}",
            code="bad-argument",
        )


# ---------------------------------------------------------------------------------------------------
# Periods

_PERIOD_EXPECTED = "a year range such as '2024–2026', '2024 to 2026' or 'from 2024 to 2026'"
_PERIOD_RE = re.compile(
    r"(?:(?:in|for|over|during|from|between) )?(?:the )?(?:years? )?(?P<a>[0-9]{4})"
    r"(?: ?- ?| to | until | through | and )(?P<b>[0-9]{4}|[0-9]{2})(?: period)?"
)


def parse_period(text: str) -> Period:
    """Parse a year range ('2024–2026', '2024 to 2026', 'from 2024 to 2026', '2024–26') into a Period."""
    t = _clean(text, _PERIOD_EXPECTED)
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    m = _PERIOD_RE.fullmatch(t)
    if m is None:
        raise InputError(
            "not a recognised year range", value=text, expected=_PERIOD_EXPECTED, code="unrecognised-period"
        )
    if (" and " in t) != t.startswith("between "):
        raise InputError(
            "write 'between 2024 and 2026' or 'from 2024 to 2026'",
            value=text,
            expected=_PERIOD_EXPECTED,
            code="unrecognised-period",
        )
    start = int(m["a"])
    # '2024–26' is the usual English short form: the end keeps the start's century.
    end = int(m["b"]) if len(m["b"]) == 4 else start - start % 100 + int(m["b"])
    return checked_period(start, end, text, _PERIOD_EXPECTED)


def period_json(text: str) -> dict:
    """Parse a year range into {'start_year': 2024, 'end_year': 2026}."""
    return parse_period(text).to_json()


PERIOD_STYLES = ("dash", "to", "from", "between", "short")


def format_period_en(start: int, end: int, style: str = "dash", dash: str = "\u2013") -> str:
    """Write a year range in English, e.g. '2024–2026', 'from 2024 to 2026' or '2024–26'."""
    if style not in PERIOD_STYLES:
        raise InputError(
            f"unknown period style {style!r}", value=style, expected=f"one of {PERIOD_STYLES}", code="bad-argument"
        )
    if style == "short" and start // 100 == end // 100:
        return f"{start}{dash}{end % 100:02d}"
    return {
        "dash": f"{start}{dash}{end}",
        "to": f"{start} to {end}",
        "from": f"from {start} to {end}",
        "between": f"between {start} and {end}",
        "short": f"{start}{dash}{end}",
    }[style]


# ---------------------------------------------------------------------------------------------------
# Counts

_COUNT_EXPECTED = "a count such as '80', 'more than 80', 'some 150 participants' or 'up to 30'"
_IRREGULAR_PLURALS = {
    "people": "person",
    "persons": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "staff": "staff",
    "police": "police",
    "series": "series",
    "species": "species",
}


def _lemma(word: str, value: int) -> str | None:
    """Return the singular of a noun after a number, or None if no rule decides ('series', 'analyses')."""
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if value == 1:
        return word
    if re.search(r"[^aeiou]ies$", word):
        return word[:-3] + "y"  # countries
    if re.search(r"(?:ss|sh|ch|x|z)es$", word):
        return word[:-2]  # witnesses, speeches
    if re.search(r"[^su]s$", word) and not word.endswith(("ies", "ses", "is")):
        return word[:-1]  # participants, representatives
    if word.endswith("ses") and not word.endswith("sses"):
        return None  # cases -> case, analyses -> analysis: the ending alone does not decide
    return None


_NOUN = re.compile(r"[a-z]+(?:-[a-z]+)?")


def parse_count(text: str) -> Count:
    """Parse a count ('80', 'more than 80', 'some 150 participants') into a Count."""
    t = _clean(text, _COUNT_EXPECTED)
    qualifier, t = take_prefix(t, _QUALIFIER_WORDS)
    if "." in t.split(" ")[0]:
        raise InputError(
            f"{t.split(' ')[0]!r} is not a whole number", value=text, expected=_COUNT_EXPECTED, code="malformed-number"
        )
    value, _, rest = read_number(t, ",", ".", text, _COUNT_EXPECTED, "unrecognised-count")
    noun = count_noun(rest, text, _COUNT_EXPECTED, _NOUN, "an English")
    if noun is None:
        return Count(int(value), qualifier or "exact")
    return Count(int(value), qualifier or "exact", _lemma(noun, int(value)), True)


def count_json(text: str) -> dict:
    """Parse a count into {'value': 80, 'qualifier': 'more_than'} (+ 'noun' when one follows)."""
    return parse_count(text).to_json()


COUNTED_NOUNS = {
    "participant": "participants",
    "person": "people",
    "country": "countries",
    "recommendation": "recommendations",
    "witness": "witnesses",
    "event": "events",
    "representative": "representatives",
    "child": "children",
}


def format_count_en(value: int, qualifier: str = "exact", noun: str | None = None, word: str | None = None) -> str:
    """Write a count in English, e.g. 'more than 80 participants' or 'some 1,200 people'."""
    word = _count_word(qualifier, noun, word)
    text = (word + " " if word else "") + f"{value:,}"
    if noun is not None:
        text += " " + (noun if value == 1 else COUNTED_NOUNS[noun])
    return text


def _count_word(qualifier: str, noun: str | None, word: str | None) -> str | None:
    """The qualifier's word for format_count_en (`word`, or the first word that says it), the arguments checked."""
    if qualifier not in QUALIFIERS or (noun is not None and noun not in COUNTED_NOUNS):
        raise InputError(
            "unknown qualifier or noun",
            value=(qualifier, noun),
            expected=f"one of {QUALIFIERS} and one of {tuple(COUNTED_NOUNS)}",
            code="bad-argument",
        )
    word = word or (QUALIFIER_WORDS[qualifier][0] if qualifier != "exact" else None)
    if word is not None and _QUALIFIER_WORDS.get(word) != qualifier:
        raise InputError(
            f"{word!r} does not say {qualifier}",
            value=word,
            expected=str(QUALIFIER_WORDS[qualifier]),
            code="bad-argument",
        )
    return word


# ---------------------------------------------------------------------------------------------------
# Durations

_DURATION_EXPECTED = "a duration such as 'three years', '3 years', 'for 24 months' or 'a three-year'"
_ONES = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS = {w: i for i, w in enumerate(_ONES, 1)} | {w: 10 * i for i, w in enumerate(_TENS, 2)}


def _number_words(words: str, text: str) -> int:
    """Read 1..99 written in English words ('three', 'twenty-one', 'twenty one', 'a')."""
    if words in ("a", "an"):
        return 1
    parts = re.split(r"[- ]", words)
    if any(p not in _NUMBER_WORDS for p in parts):
        bad = next(p for p in parts if p not in _NUMBER_WORDS)
        raise InputError(
            f"unknown number word {bad!r}", value=text, expected=_DURATION_EXPECTED, code="unknown-number-word"
        )
    if len(parts) == 1:
        return _NUMBER_WORDS[parts[0]]
    if len(parts) == 2 and parts[0] in _TENS and _NUMBER_WORDS[parts[1]] < 10:
        return _NUMBER_WORDS[parts[0]] + _NUMBER_WORDS[parts[1]]
    raise InputError(
        f"number words out of order: {words!r}", value=text, expected=_DURATION_EXPECTED, code="unknown-number-word"
    )


_DURATION_RE = re.compile(
    r"(?:(?:for|over|within|during|in) )?(?:a period of |a term of )?(?P<num>.+?)"
    r"(?:(?P<half> and a half)? (?P<unit>years?|months?)|-(?P<adj>year|month)(?: period| term)?)"
)


def parse_duration(text: str) -> Duration:
    """Parse a duration ('three years', 'for 24 months', 'a three-year', 'a year and a half') into a Duration."""
    t = _clean(text, _DURATION_EXPECTED)
    if t in ("a year and a half", "one year and a half", "1.5 years"):
        return Duration(months=18)
    m = _DURATION_RE.fullmatch(t)
    if m is None:
        raise InputError(
            "not a number of years or months", value=text, expected=_DURATION_EXPECTED, code="unrecognised-duration"
        )
    n = _duration_number(m, text)
    unit = m["unit"] or m["adj"]
    if m["half"]:
        return _and_a_half(n, unit, text)
    if m["unit"] and (n == 1) == unit.endswith("s"):
        raise InputError(
            f"{m['num']} {unit!r}: the noun's number does not agree",
            value=text,
            expected=_DURATION_EXPECTED,
            code="unknown-word",
        )
    return Duration(years=n) if unit.startswith("year") else Duration(months=n)


def _duration_number(m: re.Match[str], text: str) -> int:
    """The whole number of a duration, in digits or in words, from 1 to 1200."""
    num = m["num"]
    if m["adj"] and re.match(r"an? ", num):
        num = num.split(" ", 1)[1]  # 'a three-year (programme)'
    if re.fullmatch(r"[0-9][0-9,]*", num):
        n = int(read_number(num, ",", ".", text, _DURATION_EXPECTED, "unrecognised-duration")[0])
    else:
        n = _number_words(num, text)
    if n == 0 or n > 1200:
        raise InputError(
            f"a duration of {n} is out of range (1..1200)",
            value=text,
            expected=_DURATION_EXPECTED,
            code="zero-duration" if n == 0 else "unrecognised-duration",
        )
    return n


def _and_a_half(n: int, unit: str, text: str) -> Duration:
    """'two and a half years': whole months; half months are refused."""
    if unit.startswith("month") or (n != 1 and not unit.endswith("s")):
        raise InputError(
            "half months are not whole months",
            value=text,
            expected=_DURATION_EXPECTED,
            code="unrecognised-duration",
        )
    return Duration(months=12 * n + 6)


def duration_json(text: str) -> dict:
    """Parse a duration into {'years': 3} or {'months': 24}."""
    return parse_duration(text).to_json()


def format_number_en(n: int) -> str:
    """Write 1..99 in English words, e.g. 21 -> 'twenty-one'."""
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 99:
        raise InputError("expected a whole number from 1 to 99", value=n, expected="1..99", code="bad-argument")
    if n < 20:
        return _ONES[n - 1]
    return _TENS[n // 10 - 2] + (f"-{_ONES[n % 10 - 1]}" if n % 10 else "")


def format_duration_en(value: Duration, words: bool = True, prefix: str | None = None, adjective: bool = False) -> str:
    """Write a duration in English, e.g. 'three years', 'for 24 months' or 'a three-year'."""
    n, unit = (value.years, "year") if value.years is not None else (value.months, "month")
    if not isinstance(n, int) or not 1 <= n <= (99 if words else 1200):
        raise InputError(
            "expected 1..99 years or months in words (1..1200 in digits)",
            value=value,
            expected="Duration(years=3)",
            code="bad-argument",
        )
    number = format_number_en(n) if words else str(n)
    if adjective:
        return f"a {number}-{unit}"
    return (prefix + " " if prefix else "") + f"{number} {unit}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------------------
# Legal forms

_LEGAL_EXPECTED = "a legal form such as 'PF', 'Public Foundation', 'LLP' or 'joint-stock company'"
_LEGAL_ABBREVIATIONS = {lf.abbr_en.casefold(): lf for lf in LEGAL_FORMS.values() if lf.abbr_en}
_LEGAL_NAMES = {lf.name_en.casefold().replace("-", " "): lf for lf in LEGAL_FORMS.values()}
_LEGAL_NAMES["non commercial joint stock company"] = LEGAL_FORMS["КЕАҚ"]
_LEGAL_NAMES["association of legal persons"] = LEGAL_FORMS["ЗТБ"]


def parse_legal_form(text: str) -> LegalForm:
    """Parse a legal form ('PF', 'P.F.', 'public foundation', 'joint stock company') into a LegalForm."""
    t = _clean(text, _LEGAL_EXPECTED)
    name = t.replace("-", " ")
    if name in _LEGAL_NAMES:
        return _LEGAL_NAMES[name]
    abbr = re.sub(r"[. ]", "", t)
    if abbr in _LEGAL_ABBREVIATIONS:
        return _LEGAL_ABBREVIATIONS[abbr]
    raise InputError(f"unknown legal form {t!r}", value=text, expected=_LEGAL_EXPECTED, code="unknown-legal-form")


def legal_form_json(text: str) -> dict:
    """Parse a legal form into its fields {'code', 'name_kk', 'name_ru', 'abbr_ru', 'name_en', 'abbr_en'}."""
    return asdict(parse_legal_form(text))


LEGAL_STYLES = ("name", "lower", "abbreviation", "dotted")


def format_legal_form_en(lf: LegalForm, style: str = "name") -> str:
    """Write a legal form in English: its name ('Public Foundation') or abbreviation ('PF', 'P.F.')."""
    if style not in LEGAL_STYLES or (style in ("abbreviation", "dotted") and not lf.abbr_en):
        raise InputError(
            f"no {style!r} for {lf.code}", value=style, expected=f"one of {LEGAL_STYLES}", code="bad-argument"
        )
    return {
        "name": lf.name_en,
        "lower": lf.name_en.lower(),
        "abbreviation": lf.abbr_en or "",  # checked above: the styles that need it have it
        "dotted": "".join(c + "." for c in lf.abbr_en or ""),
    }[style]


NORMALIZERS: dict[str, Callable[[str], dict]] = {
    "date": date_json,
    "money": money_json,
    "period": period_json,
    "count": count_json,
    "duration": duration_json,
    "legal-form": legal_form_json,
}
