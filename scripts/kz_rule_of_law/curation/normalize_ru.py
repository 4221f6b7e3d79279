"""Normalizers for Russian: parse dates, money, periods, counts, durations and legal forms into data.

Every parser is a pure function of one text; text it does not understand raises InputError, never a
guess. Russian words are matched with their grammar: nouns, adjectives and numerals are declined by their
declension class (see _noun, _adjective, _numeral), and a month's case must be the one its construction
governs ('21 ноября', 'в ноябре', 'ноябрь 2025'). Amounts group digits with spaces and mark decimals with
a comma; a dot in an amount ('1.200.000', '1.2') is refused, since Russian texts write both meanings.
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
from .normalize import _CURRENCY_SIGNS, _MONTHS_EN, _clean
from .numbers import count_noun, read_number, scale, take_prefix
from .values import QUALIFIERS, Count, DateValue, Duration, Money, Period, checked_period

CASES = ("nom", "gen", "dat", "acc", "ins", "prep")


def _text(text: object, expected: str) -> str:
    """Clean text as the Kazakh normalizers do, and write ё as е (Russian texts use both)."""
    return _clean(text, expected).replace("ё", "е")


# ---------------------------------------------------------------------------------------------------
# Declension

_AFTER_HUSH = "гкхжшчщ"  # spelling rule: ы is written и after these letters


def _spell(stem: str, ending: str) -> str:
    """Join a stem and an ending, writing ы as и where Russian spelling requires it."""
    if ending.startswith("ы") and stem[-1:] in _AFTER_HUSH:
        ending = "и" + ending[1:]
    return stem + ending


# Endings by declension class, for the cases in CASES order, singular then plural (inanimate nouns).
_NOUN_ENDINGS = {
    "hard": (("", "а", "у", "", "ом", "е"), ("ы", "ов", "ам", "ы", "ами", "ах")),
    "ц": (("", "а", "у", "", "ем", "е"), ("ы", "ев", "ам", "ы", "ами", "ах")),  # месяц: unstressed о -> е
    "ь": (("ь", "я", "ю", "ь", "ем", "е"), ("и", "ей", "ям", "и", "ями", "ях")),
    "й": (("й", "я", "ю", "й", "ем", "е"), ("и", "ев", "ям", "и", "ями", "ях")),
    "ие": (("ие", "ия", "ию", "ие", "ием", "ии"), ("ия", "ий", "иям", "ия", "иями", "иях")),
    "о": (("о", "а", "у", "о", "ом", "е"), ("а", "", "ам", "а", "ами", "ах")),
    "ча": (("а", "и", "е", "у", "ей", "е"), ("и", "", "ам", "и", "ами", "ах")),  # тысяча
    "а": (("а", "ы", "е", "у", "ой", "е"), ("ы", "", "ам", "ы", "ами", "ах")),
}


def _noun_class(word: str) -> tuple[str, str, str]:
    """Return (declension class, stem, gender) of a noun given in the nominative singular."""
    if word.endswith("ие"):
        return "ие", word[:-2], "n"
    if word.endswith("о"):
        return "о", word[:-1], "n"
    if word.endswith(("ча", "жа", "ша", "ща")):
        return "ча", word[:-1], "f"
    if word.endswith("а"):
        return "а", word[:-1], "f"
    if word[-1] in "ьй":
        return word[-1], word[:-1], "m"
    return ("ц" if word.endswith("ц") else "hard"), word, "m"


def _noun(word: str) -> dict[tuple[str, str], str]:
    """Return every form of a Russian noun keyed by (number, case): ('sg', 'gen') -> 'фонда'."""
    kind, stem, _ = _noun_class(word)
    forms = {}
    for number, endings in zip(("sg", "pl"), _NOUN_ENDINGS[kind]):
        for case, ending in zip(CASES, endings):
            forms[number, case] = _spell(stem, ending)
    return forms


_ADJECTIVE_ENDINGS = {
    "m": ("ый", "ого", "ому", "ый", "ым", "ом"),
    "n": ("ое", "ого", "ому", "ое", "ым", "ом"),
    "f": ("ая", "ой", "ой", "ую", "ой", "ой"),
    "pl": ("ые", "ых", "ым", "ые", "ыми", "ых"),
}


def _adjective(word: str, gender: str, number: str, case: str) -> str:
    """Decline an adjective given in the nominative of `gender` ('общественный', 'акционерное')."""
    stem = word[:-2]
    key = "pl" if number == "pl" else gender
    if key == "m" and case in ("nom", "acc"):
        return word  # the masculine nominative keeps its written ending (-ый, -ий or stressed -ой)
    return _spell(stem, _ADJECTIVE_ENDINGS[key][CASES.index(case)])


def _is_adjective(word: str) -> bool:
    """Tell whether a word of a name in the nominative is an adjective by its ending."""
    return word.endswith(("ый", "ий", "ой", "ое", "ее", "ая", "яя"))


def _phrase(name: str) -> dict[tuple[str, str], str]:
    """Decline a noun phrase 'adjectives head rest' ('общественный фонд'): the adjectives agree with the head."""
    words = name.split(" ")
    i = next(i for i, w in enumerate(words) if not _is_adjective(w))
    head, tail = words[i], words[i + 1 :]
    gender = _noun_class(head)[2]
    forms = {}
    for (number, case), form in _noun(head).items():
        forms[number, case] = " ".join([*(_adjective(a, gender, number, case) for a in words[:i]), form, *tail])
    return forms


# ---------------------------------------------------------------------------------------------------
# Numerals 1..99 in words, every case

# These four decline like pronouns, not by one pattern: written out, masculine first.
_UNIT_FORMS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {
        "nom": (
            "один",
            "одна",
            "одно",
            "одни",
        ),
        "gen": (
            "одного",
            "одной",
            "одних",
        ),
        "dat": (
            "одному",
            "одной",
            "одним",
        ),
        "acc": (
            "один",
            "одну",
            "одно",
            "одного",
            "одни",
            "одних",
        ),
        "ins": (
            "одним",
            "одной",
            "одною",
            "одними",
        ),
        "prep": (
            "одном",
            "одной",
            "одних",
        ),
    },
    2: {
        "nom": (
            "два",
            "две",
        ),
        "gen": ("двух",),
        "dat": ("двум",),
        "acc": (
            "два",
            "две",
        ),
        "ins": ("двумя",),
        "prep": ("двух",),
    },
    3: {"nom": ("три",), "gen": ("трех",), "dat": ("трем",), "acc": ("три",), "ins": ("тремя",), "prep": ("трех",)},
    4: {
        "nom": ("четыре",),
        "gen": ("четырех",),
        "dat": ("четырем",),
        "acc": ("четыре",),
        "ins": ("четырьмя",),
        "prep": ("четырех",),
    },
}
_SOFT_NUMERALS = {
    5: "пять",
    6: "шесть",
    7: "семь",
    8: "восемь",
    9: "девять",
    10: "десять",
    11: "одиннадцать",
    12: "двенадцать",
    13: "тринадцать",
    14: "четырнадцать",
    15: "пятнадцать",
    16: "шестнадцать",
    17: "семнадцать",
    18: "восемнадцать",
    19: "девятнадцать",
    20: "двадцать",
    30: "тридцать",
}


def _soft_numeral(word: str) -> dict[str, tuple[str, ...]]:
    """Decline a numeral in -ь (пять, двадцать): -и in the oblique cases, -ью in the instrumental."""
    stem = "восьм" if word == "восемь" else word[:-1]  # the е of восемь is fleeting
    ins = ("восемью", "восьмью") if word == "восемь" else (stem + "ью",)
    return {
        "nom": (word,),
        "acc": (word,),
        "gen": (stem + "и",),
        "dat": (stem + "и",),
        "prep": (stem + "и",),
        "ins": ins,
    }


def _numeral(n: int) -> dict[str, tuple[str, ...]]:
    """Return the forms of the simple numeral n by case (n a unit, a teen or a round ten)."""
    if n in _UNIT_FORMS:
        return _UNIT_FORMS[n]
    if n in _SOFT_NUMERALS:
        return _soft_numeral(_SOFT_NUMERALS[n])
    if n in (40, 90):  # сорок, девяносто: one oblique form
        nom, oblique = ("сорок", "сорока") if n == 40 else ("девяносто", "девяноста")
        return {c: (nom if c in ("nom", "acc") else oblique,) for c in CASES}
    unit = _soft_numeral(_SOFT_NUMERALS[n // 10])  # пятьдесят..восемьдесят: both halves decline
    tail = {"nom": "десят", "acc": "десят", "gen": "десяти", "dat": "десяти", "prep": "десяти", "ins": "десятью"}
    return {c: tuple(u + tail[c] for u in unit[c]) for c in CASES}


_NUMERAL_WORDS: dict[str, tuple[int, frozenset[str]]] = {}
for _n in [*range(1, 21), *range(30, 100, 10)]:
    for _case, _forms in _numeral(_n).items():
        for _form in _forms:
            _value, _cases = _NUMERAL_WORDS.get(_form, (_n, frozenset()))
            _NUMERAL_WORDS[_form] = (_n, _cases | {_case})


def _numeral_value(words: list[str], text: str, expected: str) -> int:
    """Read a number 1..99 written in Russian words ('двадцать три', 'трех', 'двадцати одного')."""
    if not words or len(words) > 2:
        raise InputError(
            f"not a number in words: {' '.join(words)!r}", value=text, expected=expected, code="unknown-number-word"
        )
    for w in words:
        if w not in _NUMERAL_WORDS:
            raise InputError(f"unknown number word {w!r}", value=text, expected=expected, code="unknown-number-word")
    (first, cases), rest = _NUMERAL_WORDS[words[0]], words[1:]
    if not rest:
        return first
    second, cases2 = _NUMERAL_WORDS[rest[0]]
    if first < 20 or first % 10 or second > 9:
        raise InputError(
            f"number words out of order: {' '.join(words)!r}", value=text, expected=expected, code="unknown-number-word"
        )
    if not cases & cases2:
        raise InputError(
            f"number words in different cases: {' '.join(words)!r}",
            value=text,
            expected=expected,
            code="unknown-number-word",
        )
    return first + second


def format_numeral_ru(n: int, case: str = "nom") -> str:
    """Write 1..99 in Russian words in a case, e.g. 23 gen -> 'двадцати трех'."""
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 99:
        raise InputError("expected a whole number from 1 to 99", value=n, expected="1..99", code="bad-argument")
    if case not in CASES:
        raise InputError(f"unknown case {case!r}", value=case, expected=f"one of {CASES}", code="bad-argument")
    parts = [n] if n <= 20 or n % 10 == 0 else [n - n % 10, n % 10]
    return " ".join(_numeral(p)[case][0] for p in parts)


# ---------------------------------------------------------------------------------------------------
# Dates

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
_MONTH_DECLENSIONS = [{case: f for (number, case), f in _noun(m).items() if number == "sg"} for m in MONTHS]
_MONTH_FORMS: dict[str, tuple[int, set[str]]] = {}
for _i, _declension in enumerate(_MONTH_DECLENSIONS, 1):
    for _case, _form in _declension.items():
        _MONTH_FORMS.setdefault(_form, (_i, set()))[1].add(_case)
_DATE_EXPECTED = (
    "a Russian date such as '21 ноября 2025 года', '21.11.2025', 'в ноябре 2025 года', "
    "'2025 год' or 'с 19 по 21 августа 2024 года'"
)
_DAY_MARKS = {None, "года", "г.", "г"}
_SIDE = re.compile(
    r"(?:(?P<day>[0-9]{1,2})(?:-го)?(?: |$))?(?:(?P<month>[а-я]+)(?: |$))?"
    r"(?:(?P<year>[0-9]{4})(?: ?(?P<mark>года|году|год|г\.|г)(?![а-я])|$))?"
)
_NUMERIC = re.compile(r"(?P<day>[0-9]{1,2})\.(?P<month>[0-9]{1,2})\.(?P<year>[0-9]{4})(?: ?(?P<mark>года|г\.|г))?")
_ISO = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")


class _Side(TypedDict):
    """One side of a date as read: its numbers, the month word and the cases it can be in, the year's mark."""

    day: int | None
    month: int | None
    year: int | None
    mark: str | None
    cases: set[str] | None
    word: str | None


def _side(s: str, text: str) -> _Side:
    """Split one side of a date ('21 ноября 2025 года', '19', 'сентября') into day, month, year and mark."""
    s = s.strip()
    for pattern in (_ISO, _NUMERIC):
        if m := pattern.fullmatch(s):
            return {
                "day": int(m["day"]),
                "month": int(m["month"]),
                "year": int(m["year"]),
                "mark": m.groupdict().get("mark"),
                "cases": None,
                "word": m["month"],
            }
    m = _SIDE.fullmatch(s)
    if m is None or not s or s.endswith(" "):
        raise _unrecognised_side(s, text)
    side: _Side = {
        "day": int(m["day"]) if m["day"] else None,
        "month": None,
        "cases": None,
        "word": m["month"],
        "year": int(m["year"]) if m["year"] else None,
        "mark": m["mark"],
    }
    if m["month"]:
        if m["month"] not in _MONTH_FORMS:
            raise InputError(
                f"unknown month word {m['month']!r}", value=text, expected=_DATE_EXPECTED, code="unknown-month"
            )
        side["month"], side["cases"] = _MONTH_FORMS[m["month"]]
    return side


def _unrecognised_side(s: str, text: str) -> InputError:
    """The error for a side of a date that is not one, naming its first word that is no date word."""
    first = next(
        (w for w in s.split(" ") if not re.fullmatch(r"[0-9]{1,4}(?:-го)?|г\.?|год[ау]?", w) and w not in _MONTH_FORMS),
        s,
    )
    return InputError(
        f"not a recognised date: {first!r}" if first else "not a recognised date",
        value=text,
        expected=_DATE_EXPECTED,
        code="unrecognised-date",
    )


def _check_month_case(side: _Side, allowed: set[str], hint: str, text: str) -> None:
    """Refuse a month word in a case its construction does not govern ('21 ноябрь', 'в ноября')."""
    if side["cases"] is not None and not side["cases"] & allowed:
        raise InputError(
            f"{side['word']!r} is in the wrong case here: write {hint}",
            value=text,
            expected=_DATE_EXPECTED,
            code="unknown-month",
        )


def _iso(year: int, month: int | None, day: int | None, text: str) -> tuple[datetime.date, str]:
    """Check a (partial) date and return it with its precision."""
    if not 1900 <= year <= 2100:
        raise InputError(
            f"year {year} is outside 1900..2100", value=text, expected=_DATE_EXPECTED, code="year-out-of-range"
        )
    if month is not None and not 1 <= month <= 12:
        raise InputError(f"no month {month}", value=text, expected=_DATE_EXPECTED, code="impossible-date")
    try:
        d = datetime.date(year, month or 1, 1 if day is None else day)
    except ValueError:
        raise InputError(
            f"no {day} {_MONTHS_EN[(month or 1) - 1]} in {year}",
            value=text,
            expected=_DATE_EXPECTED,
            code="impossible-date",
        ) from None
    return d, "day" if day is not None else "month" if month is not None else "year"


def _shown(d: datetime.date, precision: str) -> str:
    """Write a date to its precision: '2025-11-21', '2025-11' or '2025'."""
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": str(d.year)}[precision]


def _single_marks(side: _Side, prep: str | None, text: str) -> None:
    """Check the year word of a single date against its construction ('2025 года', 'в 2025 году')."""
    if side["day"] is not None or side["month"] is not None:
        allowed = _DAY_MARKS
    elif prep:
        allowed = {None, "году", "г.", "г"}
    else:
        allowed = {None, "год", "года", "г.", "г"}
    if side["mark"] not in allowed:
        raise InputError(
            f"{side['mark']!r} does not fit this date", value=text, expected=_DATE_EXPECTED, code="unknown-word"
        )


def parse_date(text: str) -> DateValue:
    """Parse a Russian date, month, year or range ('21 ноября 2025 года', 'в ноябре 2025 г.', '19–21 августа')."""
    t = _text(text, _DATE_EXPECTED)
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    t = re.sub(r"^(?:в|за) период (?=с )", "", t)  # 'в период с 19 по 21 августа 2024 года'
    prep = None
    if m := re.match(r"(во?) ", t):
        prep, t = m[1], t[m.end() :]
    left, range_word, right = _date_ends(t, prep, text)
    r = _side(right, text)
    _year(r, text)  # the end states the year: checked before the start is read
    if left is None:
        return _single_date(r, prep, text)
    return _date_range(_side(left, text), r, range_word, prep, text)


def _year(side: _Side, text: str) -> int:
    """The year of a date, which every date states (a range's start may take it from the end)."""
    if side["year"] is None:
        raise InputError("no year in the date", value=text, expected=_DATE_EXPECTED, code="unrecognised-date")
    return side["year"]


def _date_ends(t: str, prep: str | None, text: str) -> tuple[str | None, str | None, str]:
    """The start (None for one date), the range word and the end of a date text."""
    if _ISO.fullmatch(t):
        return None, None, t
    if m := re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2}) ?- ?([0-9]{4}-[0-9]{2}-[0-9]{2})", t):
        return m[1], "-", m[2]
    if m := re.fullmatch(r"с (.+?) (по|до) (.+)", t):
        if prep:
            raise InputError(
                f"unexpected {prep!r} before 'с'", value=text, expected=_DATE_EXPECTED, code="unrecognised-date"
            )
        return m[1], m[2], m[3]
    dashes = [m.start() for m in re.finditer(r"-(?!го(?: |$))", t)]
    if len(dashes) == 1:
        return t[: dashes[0]], "-", t[dashes[0] + 1 :]
    if dashes:
        raise InputError(
            "more than one dash in the date", value=text, expected=_DATE_EXPECTED, code="unrecognised-date"
        )
    return None, None, t


def _single_date(r: _Side, prep: str | None, text: str) -> DateValue:
    """One date, month or year, its month in the case its preposition governs."""
    if r["day"] is not None:
        _check_month_case(r, {"gen"}, "the month in the genitive, e.g. '21 ноября'", text)
        if prep:
            raise InputError(
                f"unexpected {prep!r} before a day", value=text, expected=_DATE_EXPECTED, code="unrecognised-date"
            )
    elif prep:
        _check_month_case(r, {"prep"}, "'в' with the prepositional, e.g. 'в ноябре'", text)
    else:
        _check_month_case(r, {"nom"}, "the nominative, e.g. 'ноябрь 2025 года', or 'в ноябре'", text)
    _single_marks(r, prep, text)
    d, precision = _iso(_year(r, text), r["month"], r["day"], text)
    return DateValue(_shown(d, precision), precision)


def _date_range(lft: _Side, r: _Side, range_word: str | None, prep: str | None, text: str) -> DateValue:
    """A range of dates, months or years: both ends of one kind, the end after the start."""
    _complete_start(lft, r, text)
    _check_range_end(lft, "с" if range_word in ("по", "до") else "-", prep, text)
    _check_range_end(r, range_word, prep, text)
    if prep and range_word != "-":
        raise InputError(
            f"unexpected {prep!r} before the range", value=text, expected=_DATE_EXPECTED, code="unrecognised-date"
        )
    start, precision = _iso(_year(lft, text), lft["month"], lft["day"], text)
    end, _ = _iso(_year(r, text), r["month"], r["day"], text)
    if _shown(end, precision) <= _shown(start, precision):
        raise InputError(
            f"the range ends ({_shown(end, precision)}) before it starts ({_shown(start, precision)})",
            value=text,
            expected=_DATE_EXPECTED,
            code="end-before-start",
        )
    return DateValue(_shown(start, precision), precision, _shown(end, precision))


def _complete_start(lft: _Side, r: _Side, text: str) -> None:
    """Fill the start's month and year the end gives ('19–21 августа'), then check both are of one kind."""
    if lft["day"] is not None and lft["month"] is None and r["day"] is not None:
        lft["month"] = r["month"]
    if lft["year"] is None:
        lft["year"] = r["year"]
    if (lft["day"] is None) != (r["day"] is None) or (lft["month"] is None) != (r["month"] is None):
        raise InputError(
            "the two ends of the range are not dates of the same kind",
            value=text,
            expected=_DATE_EXPECTED,
            code="unrecognised-date",
        )


def _check_range_end(side: _Side, after: str | None, prep: str | None, text: str) -> None:
    """One end of a range: its month in the case the word before it governs, its marks those of a date."""
    if side["day"] is not None:
        _check_month_case(side, {"gen"}, "the month in the genitive, e.g. '21 ноября'", text)
    elif after == "с" or after == "до":
        _check_month_case(side, {"gen"}, f"the genitive after {after!r}, e.g. '{after} ноября'", text)
    elif after == "по":
        _check_month_case(side, {"nom"}, "the accusative after 'по', e.g. 'по ноябрь'", text)
    else:
        _check_month_case(side, {"prep"} if prep else {"nom"}, "'в сентябре–ноябре' or 'сентябрь–ноябрь'", text)
    if (side["day"] is not None or side["month"] is not None) and side["mark"] not in _DAY_MARKS:
        raise InputError(
            f"{side['mark']!r} does not fit this date", value=text, expected=_DATE_EXPECTED, code="unknown-word"
        )


def date_json(text: str) -> dict:
    """Parse a Russian date into {'date', 'precision'} (+ 'end_date' for a range)."""
    return parse_date(text).to_json()


DATE_STYLES = ("года", "г.", "numeric", "в")


def format_date_ru(
    start: datetime.date,
    precision: str = "day",
    end: datetime.date | None = None,
    style: str = "года",
    dash: str = "\u2013",
) -> str:
    """Write a date, month, year or range in Russian, e.g. '21 ноября 2025 года', 'с 19 по 21 августа 2024 г.'."""
    _check_date_arguments(start, precision, end, style)
    if end is None:
        return _one_date_ru(start, precision, style)
    if precision == "day":
        return _day_range_ru(start, end, style, dash)
    if precision == "month":
        return _month_range_ru(start, end, style, dash)
    return f"с {start.year} по {end.year} год"


def _check_date_arguments(start: object, precision: str, end: object, style: str) -> None:
    """Refuse what format_date_ru cannot write: no date, an unknown precision or style."""
    if not isinstance(start, datetime.date) or (end is not None and not isinstance(end, datetime.date)):
        raise InputError("expected a date", value=start, expected="a datetime.date", code="bad-argument")
    if precision not in ("day", "month", "year") or style not in DATE_STYLES:
        raise InputError(
            "unknown precision or style",
            value=(precision, style),
            expected=f"a precision of day, month or year and a style of {DATE_STYLES}",
            code="bad-argument",
        )


def _year_mark(style: str) -> str:
    """The word after a year in a date: 'г.' or 'года'."""
    return "г." if style == "г." else "года"


def _day_ru(d: datetime.date, style: str, with_month: bool = True, with_year: bool = True) -> str:
    """A day, with its month and year unless a range shares them."""
    if style == "numeric" and with_month and with_year:
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    words = [str(d.day)] + ([_MONTH_DECLENSIONS[d.month - 1]["gen"]] if with_month else [])
    return " ".join(words + ([f"{d.year} {_year_mark(style)}"] if with_year else []))


def _one_date_ru(start: datetime.date, precision: str, style: str) -> str:
    """One day, month or year."""
    if precision == "day":
        return _day_ru(start, style)
    if precision == "month":
        case = "prep" if style == "в" else "nom"
        month = _MONTH_DECLENSIONS[start.month - 1][case]
        return ("в " if style == "в" else "") + f"{month} {start.year} {_year_mark(style)}"
    return f"в {start.year} году" if style == "в" else f"{start.year} {'г.' if style == 'г.' else 'год'}"


def _day_range_ru(start: datetime.date, end: datetime.date, style: str, dash: str) -> str:
    """A range of days, the start without the month and year it shares with the end."""
    if style == "numeric":
        return f"{_day_ru(start, style)}{dash}{_day_ru(end, style)}"
    same_year, same_month = start.year == end.year, (start.year, start.month) == (end.year, end.month)
    left = _day_ru(start, style, not same_month, not same_year)
    if style == "в":
        return f"с {left} по {_day_ru(end, style)}"
    return f"{left}{dash}{_day_ru(end, style)}" if same_month else f"{left} {dash} {_day_ru(end, style)}"


def _month_range_ru(start: datetime.date, end: datetime.date, style: str, dash: str) -> str:
    """A range of months, the start without the year it shares with the end."""
    mark = _year_mark(style)
    first = "" if start.year == end.year else f" {start.year} {mark}"
    if style == "в":
        return (
            f"с {_MONTH_DECLENSIONS[start.month - 1]['gen']}{first} по "
            f"{_MONTH_DECLENSIONS[end.month - 1]['nom']} {end.year} {mark}"
        )
    return (
        f"{_MONTH_DECLENSIONS[start.month - 1]['nom']}{first}{dash}"
        f"{_MONTH_DECLENSIONS[end.month - 1]['nom']} {end.year} {mark}"
    )


# ---------------------------------------------------------------------------------------------------
# Qualifiers, shared by money and counts

# Words before an amount or count, and whether they govern the genitive (which sets the counted noun's form).
_QUALIFIER_WORDS = {
    "около": ("about", True),
    "порядка": ("about", True),
    "примерно": ("about", False),
    "приблизительно": ("about", False),
    "более": ("more_than", True),
    "свыше": ("more_than", True),
    "больше": ("more_than", True),
    "более чем": ("more_than", False),
    "не менее": ("at_least", True),
    "не меньше": ("at_least", True),
    "как минимум": ("at_least", False),
    "до": ("up_to", True),
    "не более": ("up_to", True),
    "не больше": ("up_to", True),
    "менее": ("less_than", True),
    "меньше": ("less_than", True),
}
QUALIFIER_WORDS = {q: tuple(w for w, (q2, _) in _QUALIFIER_WORDS.items() if q2 == q) for q in QUALIFIERS}


# ---------------------------------------------------------------------------------------------------
# Money

CURRENCIES = {"EUR": "евро", "KZT": "тенге", "USD": "доллар США", "RUB": "рубль"}
_MONEY_EXPECTED = "an amount with a currency such as '777 895 евро', '1,2 млн евро' or 'около 300 000 долларов США'"
_CURRENCY_WORDS = {
    **_CURRENCY_SIGNS,
    "евро": "EUR",
    "тенге": "KZT",
    "тг": "KZT",
    "тг.": "KZT",
    "руб": "RUB",
    "руб.": "RUB",
    "долл.": "USD",
    "долл. сша": "USD",
}
for _form in _noun("доллар").values():
    _CURRENCY_WORDS[_form] = _CURRENCY_WORDS[_form + " сша"] = "USD"
for (_number, _case), _form in _noun("рубль").items():
    _CURRENCY_WORDS[_form] = "RUB"
    _CURRENCY_WORDS[_adjective("российский", "m", _number, _case) + " " + _form] = "RUB"
_MULTIPLIERS = {"тыс.": 3, "тыс": 3, "млн": 6, "млн.": 6, "млрд": 9, "млрд.": 9, "трлн": 12, "трлн.": 12}
for _word, _power in (("тысяча", 3), ("миллион", 6), ("миллиард", 9), ("триллион", 12)):
    _MULTIPLIERS.update(dict.fromkeys(_noun(_word).values(), _power))


def parse_money(text: str) -> Money:
    """Parse an amount ('777 895 евро', 'около 1,2 млн евро', '€1,2 млн') into a Money."""
    t = _text(text, _MONEY_EXPECTED)
    t = " ".join(re.sub(r"([€$₸₽])", r" \1 ", t).split())
    qualifier, t = take_prefix(t, {w: q for w, (q, _) in _QUALIFIER_WORDS.items()})
    code = None
    if t.split(" ")[0] in _CURRENCY_SIGNS:
        code, t = _CURRENCY_SIGNS[t.split(" ")[0]], t.partition(" ")[2]
    _check_amount_start(t, text)
    value, digits, rest = read_number(t, " ", ",", text, _MONEY_EXPECTED)
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


def _check_amount_start(t: str, text: str) -> None:
    """Refuse a signed amount, and a dot that could be a digit group or a decimal mark."""
    if t[:1] in ("-", "+"):
        raise InputError(
            "amounts must be written without a sign (no negative amounts)",
            value=text,
            expected=_MONEY_EXPECTED,
            code="signed-amount",
        )
    if "." in t.split(" ")[0]:
        raise InputError(
            f"{t.split(' ')[0]!r}: write digit groups with spaces ('1 200 000') and decimals with a "
            "comma ('1,2'); a dot could mean either",
            value=text,
            expected=_MONEY_EXPECTED,
            code="malformed-number",
        )


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


def _group(whole: str, sep: str) -> str:
    """Group the digits of a whole number by threes with sep."""
    return sep.join(whole[max(i - 3, 0) : i] for i in range(len(whole), 0, -3)[::-1])


def format_money_ru(
    amount: Decimal,
    currency: str,
    qualifier: str = "exact",
    sep: str = " ",
    form: tuple[str, str] = ("pl", "gen"),
    multiplier: str | None = None,
) -> str:
    """Write an amount in Russian, e.g. 'около 1,2 млн евро' or '300 000 долларов США'."""
    _check_money_arguments(amount, currency, qualifier)
    if multiplier is not None:
        amount = scale(amount, len(format(amount, "f")), Decimal(10) ** -_MULTIPLIERS[multiplier])
    whole, _, frac = format(amount, "f").partition(".")
    number = _group(whole, sep) + ("," + frac if frac else "") + (" " + multiplier if multiplier else "")
    noun = CURRENCIES[currency]
    if currency in ("USD", "RUB"):
        noun = _noun(noun.split(" ")[0])[form] + (" США" if currency == "USD" else "")
    words = QUALIFIER_WORDS[qualifier][0] + " " if qualifier != "exact" else ""
    return f"{words}{number} {noun}"


def _check_money_arguments(amount: object, currency: str, qualifier: str) -> None:
    """Refuse what format_money_ru cannot write: no finite amount of zero or more, an unknown currency."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise InputError(
            "expected a finite Decimal of zero or more", value=amount, expected="Decimal('777895')", code="bad-argument"
        )
    if currency not in CURRENCIES or qualifier not in QUALIFIERS:
        raise InputError(
            "unknown currency or qualifier",
            value=(currency, qualifier),
            expected=f"one of {tuple(CURRENCIES)} and one of {QUALIFIERS}",
            code="bad-argument",
        )


# ---------------------------------------------------------------------------------------------------
# Periods

_PERIOD_EXPECTED = "a year range such as '2024–2026 гг.', 'в 2024–2026 годах' or 'с 2024 по 2026 год'"
_YEAR_PLURAL = {f for (number, _), f in _noun("год").items() if number == "pl"}
_PERIOD_MARKS: dict[str | None, set[str | None]] = {
    None: {*_YEAR_PLURAL, "гг.", "гг", "г.г.", None},
    "в": {"годах", "годы", "гг.", "гг", "г.г."},
    "на": {"годы", "гг.", "гг", "г.г."},
    "за": {"годы", "гг.", "гг", "г.г."},
}
_YEAR_WORD = r"(?: ?(?:год[ауы]?|г\.|г)(?![а-я]))?"
_PERIOD_PATTERNS = [
    re.compile(p)
    for p in (
        r"(?:(?P<prep>в|на|за) )?(?P<a>[0-9]{4}) ?- ?(?P<b>[0-9]{4})(?: ?(?P<mark>[а-я.]+))?",
        rf"с (?P<a>[0-9]{{4}}){_YEAR_WORD} (?:по|до) (?P<b>[0-9]{{4}})"
        r"(?: ?(?P<mark>год|года|годы|г\.|гг\.|г|гг)(?![а-я]))?",
        rf"с начала (?P<a>[0-9]{{4}}){_YEAR_WORD} (?:до|по) конца (?P<b>[0-9]{{4}}){_YEAR_WORD}",
        rf"с начала (?P<a>[0-9]{{4}}){_YEAR_WORD} по конец (?P<b>[0-9]{{4}}){_YEAR_WORD}",
    )
]


def parse_period(text: str) -> Period:
    """Parse a year range ('2024–2026 гг.', 'в 2024–2026 годах', 'с 2024 по 2026 год') into a Period."""
    t = _text(text, _PERIOD_EXPECTED)
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    t = re.sub(r"^(?:в|на|за) период ", "", t)  # 'в период 2024–2026 гг.', 'на период с 2024 по 2026 год'
    m = next((m for p in _PERIOD_PATTERNS if (m := p.fullmatch(t))), None)
    if m is None:
        raise InputError(
            "not a recognised year range", value=text, expected=_PERIOD_EXPECTED, code="unrecognised-period"
        )
    groups = m.groupdict()
    if "prep" in groups and groups["mark"] not in _PERIOD_MARKS[groups["prep"]]:
        raise InputError(
            f"unexpected word {groups['mark']!r} after the years",
            value=text,
            expected=_PERIOD_EXPECTED,
            code="unknown-word",
        )
    start, end = int(m["a"]), int(m["b"])
    return checked_period(start, end, text, _PERIOD_EXPECTED)


def period_json(text: str) -> dict:
    """Parse a year range into {'start_year': 2024, 'end_year': 2026}."""
    return parse_period(text).to_json()


PERIOD_STYLES = ("гг.", "годы", "в годах", "с по", "с начала")


def format_period_ru(start: int, end: int, style: str = "гг.", dash: str = "\u2013") -> str:
    """Write a year range in Russian, e.g. '2024–2026 гг.' or 'с 2024 по 2026 год'."""
    if style not in PERIOD_STYLES:
        raise InputError(
            f"unknown period style {style!r}", value=style, expected=f"one of {PERIOD_STYLES}", code="bad-argument"
        )
    return {
        "гг.": f"{start}{dash}{end} гг.",
        "годы": f"{start}{dash}{end} годы",
        "в годах": f"в {start}{dash}{end} годах",
        "с по": f"с {start} по {end} год",
        "с начала": f"с начала {start} года до конца {end} года",
    }[style]


# ---------------------------------------------------------------------------------------------------
# Counts

_COUNT_EXPECTED = "a count such as '80', 'более 80', 'около 50 человек' or '12 рекомендаций'"
# Dictionary forms from the forms a noun takes after a number, by ending (longest first). An ending that
# several declensions share ('-ия' of заседания and организация) has no rule: the lemma is then None.
_IRREGULAR_NOUNS = {
    "человек": "человек",
    "человека": "человек",
    "людей": "человек",
    "лет": "год",
    "года": "год",
    "год": "год",
    "детей": "ребенок",
    "ребенка": "ребенок",
    "раз": "раз",
    "раза": "раз",
}
_LEMMA_RULES = {
    "gen_pl": (
        ("телей", "тель"),
        ("ций", "ция"),
        ("сий", "сия"),
        ("гий", "гия"),
        ("ений", "ение"),
        ("ятий", "ятие"),
        ("аев", "ай"),
        ("еев", "ей"),
        ("иев", "ий"),
        ("ов", ""),
    ),
    "gen_sg": (
        ("теля", "тель"),
        ("ии", "ия"),
        ("ения", "ение"),
        ("ания", "ание"),
        ("ятия", "ятие"),
        ("ки", "ка"),
        ("ги", "га"),
        ("хи", "ха"),
        ("ы", "а"),
    ),
}
_CONSONANT_A = re.compile(r"[бвгдзклмнпрстфхцчшщ]а")  # masculine genitive singular: участника -> участник


def _lemma(word: str, form: str) -> str | None:
    """Return the dictionary form of a noun in the form a number gives it, or None if no rule decides."""
    if word in _IRREGULAR_NOUNS:
        return _IRREGULAR_NOUNS[word]
    if form == "nom_sg":
        return word
    for ending, replacement in _LEMMA_RULES[form]:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: len(word) - len(ending)] + replacement
    if form == "gen_sg" and _CONSONANT_A.search(word[-2:]) and len(word) > 3:
        return word[:-1]
    return None


def _counted_form(value: int, governs: bool) -> str:
    """Return the form of a noun after a number: '1 участник', '2 участника', '5 участников', 'более 2 участников'."""
    one = value % 10 == 1 and value % 100 != 11
    few = value % 10 in (2, 3, 4) and value % 100 not in (12, 13, 14)
    if governs:
        return "gen_sg" if one else "gen_pl"
    return "nom_sg" if one else "gen_sg" if few else "gen_pl"


_NOUN = re.compile(r"[а-я]+(?:-[а-я]+)?")


def parse_count(text: str) -> Count:
    """Parse a count ('80', 'более 80 участников', 'около 50 человек') into a Count."""
    qualifier, governs, t = _count_qualifier(_text(text, _COUNT_EXPECTED))
    if "." in t.split(" ")[0] or "," in t.split(" ")[0]:
        raise InputError(
            f"{t.split(' ')[0]!r} is not a whole number", value=text, expected=_COUNT_EXPECTED, code="malformed-number"
        )
    value, _, rest = read_number(t, " ", ",", text, _COUNT_EXPECTED, "unrecognised-count")
    noun = count_noun(rest, text, _COUNT_EXPECTED, _NOUN, "a Russian")
    if noun is None:
        return Count(int(value), qualifier or "exact")
    return Count(int(value), qualifier or "exact", _lemma(noun, _counted_form(int(value), governs)), True)


def _count_qualifier(t: str) -> tuple[str | None, bool, str]:
    """The qualifier a count starts with (the longest), whether it governs the genitive, and the rest."""
    for phrase in sorted(_QUALIFIER_WORDS, key=len, reverse=True):
        if t.startswith(phrase + " "):
            qualifier, governs = _QUALIFIER_WORDS[phrase]
            return qualifier, governs, t[len(phrase) + 1 :]
    return None, False, t


def count_json(text: str) -> dict:
    """Parse a count into {'value': 80, 'qualifier': 'more_than'} (+ 'noun' when one follows)."""
    return parse_count(text).to_json()


# Nouns whose forms after a number the lemma rules decide: dictionary form -> (nominative singular,
# genitive singular, genitive plural).
COUNTED_NOUNS = {
    "участник": ("участник", "участника", "участников"),
    "рекомендация": ("рекомендация", "рекомендации", "рекомендаций"),
    "человек": ("человек", "человека", "человек"),
    "представитель": ("представитель", "представителя", "представителей"),
    "мероприятие": ("мероприятие", "мероприятия", "мероприятий"),
    "решение": ("решение", "решения", "решений"),
    "организация": ("организация", "организации", "организаций"),
    "эксперт": ("эксперт", "эксперта", "экспертов"),
    "проект": ("проект", "проекта", "проектов"),
    "комиссия": ("комиссия", "комиссии", "комиссий"),
}


def format_count_ru(
    value: int, qualifier: str = "exact", noun: str | None = None, sep: str = " ", word: str | None = None
) -> str:
    """Write a count in Russian with the noun in the form the number gives it, e.g. 'более 80 участников'."""
    word = _count_word(qualifier, noun, word)
    text = (word + " " if word else "") + _group(str(value), sep)
    if noun is not None:
        form = _counted_form(value, _QUALIFIER_WORDS[word][1] if word else False)
        text += " " + COUNTED_NOUNS[noun][("nom_sg", "gen_sg", "gen_pl").index(form)]
    return text


def _count_word(qualifier: str, noun: str | None, word: str | None) -> str | None:
    """The qualifier's word for format_count_ru (`word`, or the first word that says it), the arguments checked."""
    if qualifier not in QUALIFIERS or (noun is not None and noun not in COUNTED_NOUNS):
        raise InputError(
            "unknown qualifier or noun",
            value=(qualifier, noun),
            expected=f"one of {QUALIFIERS} and one of {tuple(COUNTED_NOUNS)}",
            code="bad-argument",
        )
    word = word or (QUALIFIER_WORDS[qualifier][0] if qualifier != "exact" else None)
    if word is not None and _QUALIFIER_WORDS.get(word, (None,))[0] != qualifier:
        raise InputError(
            f"{word!r} does not say {qualifier}",
            value=word,
            expected=str(QUALIFIER_WORDS[qualifier]),
            code="bad-argument",
        )
    return word


# ---------------------------------------------------------------------------------------------------
# Durations

_DURATION_EXPECTED = "a duration such as 'три года', 'в течение трех лет' or '24 месяца'"
_UNIT_WORDS = {
    **{f: "years" for (number, _), f in _noun("год").items()},
    "лет": "years",
    **{f: "months" for f in _noun("месяц").values()},
}
_UNIT_WORDS.pop("годов")  # 'годов' counts decades ('90-х годов'), never a length of time
_HALF = {"полтора", "полутора"}
_DURATION_PREFIXES = ("в течение", "на протяжении", "сроком на", "на срок", "на", "за")


def parse_duration(text: str) -> Duration:
    """Parse a duration ('три года', 'в течение трех лет', '24 месяца') into a Duration; 'полтора года' is 18 months."""
    t = _without_duration_prefix(_text(text, _DURATION_EXPECTED))
    if t in ("полгода", "полугода"):
        return Duration(months=6)
    *number, unit = t.split(" ")
    if unit not in _UNIT_WORDS:
        raise InputError(
            f"{unit!r} is not a word for years or months", value=text, expected=_DURATION_EXPECTED, code="unknown-word"
        )
    if number in ([h] for h in _HALF) or number in (["1,5"], ["одного", "с", "половиной"]):
        return _year_and_a_half(unit, text)
    n = _duration_number(number, unit, text)
    if n == 0 or n > 1200:
        raise InputError(
            f"a duration of {n} is out of range (1..1200)",
            value=text,
            expected=_DURATION_EXPECTED,
            code="zero-duration" if n == 0 else "unrecognised-duration",
        )
    return Duration(years=n) if _UNIT_WORDS[unit] == "years" else Duration(months=n)


def _without_duration_prefix(t: str) -> str:
    """A duration without the first of _DURATION_PREFIXES it starts with ('в течение')."""
    for prefix in _DURATION_PREFIXES:
        if t.startswith(prefix + " "):
            return t[len(prefix) + 1 :]
    return t


def _year_and_a_half(unit: str, text: str) -> Duration:
    """'полтора года': 18 months; a month and a half is refused."""
    if _UNIT_WORDS[unit] == "months":
        raise InputError(
            "a month and a half is not a whole number of months",
            value=text,
            expected=_DURATION_EXPECTED,
            code="unrecognised-duration",
        )
    return Duration(months=18)


def _duration_number(number: list[str], unit: str, text: str) -> int:
    """The whole number of a duration, in digits or in words."""
    if not number:
        raise InputError(
            f"no number before {unit!r}", value=text, expected=_DURATION_EXPECTED, code="unrecognised-duration"
        )
    if len(number) == 1 and re.fullmatch(r"[0-9]+,[0-9]+", number[0]):
        raise InputError(
            f"{number[0]!r} is not a whole number of {_UNIT_WORDS[unit]} (only 1,5 years is read, as 18 months)",
            value=text,
            expected=_DURATION_EXPECTED,
            code="unrecognised-duration",
        )
    if len(number) == 1 and re.fullmatch(r"[0-9]+", number[0]):
        return int(read_number(number[0], " ", ",", text, _DURATION_EXPECTED, "unrecognised-duration")[0])
    return _numeral_value(number, text, _DURATION_EXPECTED)


def duration_json(text: str) -> dict:
    """Parse a duration into {'years': 3} or {'months': 24}."""
    return parse_duration(text).to_json()


def format_duration_ru(value: Duration, words: bool = True, case: str = "nom", prefix: str | None = None) -> str:
    """Write a duration in Russian with the noun agreeing, e.g. 'три года', 'в течение трех лет', '24 месяца'."""
    n, unit = (value.years, "год") if value.years is not None else (value.months, "месяц")
    if not isinstance(n, int) or not 1 <= n <= (99 if words else 1200) or case not in CASES:
        raise InputError(
            "expected 1..99 years or months in words (1..1200 in digits) and a case",
            value=value,
            expected="Duration(years=3)",
            code="bad-argument",
        )
    number = format_numeral_ru(n, case) if words else str(n)
    return (prefix + " " if prefix else "") + f"{number} {_duration_noun(unit, n, case)}"


def _duration_noun(unit: str, n: int, case: str) -> str:
    """'год' or 'месяц' in the form the number n in `case` gives it ('лет' for the genitive plural of 'год')."""
    forms = _noun(unit)
    last = n % 100 if n % 100 < 20 else n % 10
    if case in ("nom", "acc"):
        noun = forms["sg", "nom"] if last == 1 else forms["sg", "gen"] if last in (2, 3, 4) else forms["pl", "gen"]
    else:
        noun = forms["sg", case] if last == 1 else forms["pl", case]
    return "лет" if unit == "год" and noun == "годов" else noun


# ---------------------------------------------------------------------------------------------------
# Legal forms

_LEGAL_EXPECTED = "a legal form such as 'ОФ', 'общественный фонд', 'ТОО' or 'объединения юридических лиц'"
_LEGAL_ABBREVIATIONS = {lf.abbr_ru.casefold(): lf for lf in LEGAL_FORMS.values()}
_LEGAL_NAMES = {form: lf for lf in LEGAL_FORMS.values() for form in _phrase(lf.name_ru).values()}


def parse_legal_form(text: str) -> LegalForm:
    """Parse a legal form ('ОФ', 'О.Ф.', 'общественного фонда', 'объединение юридических лиц') into a LegalForm."""
    t = _text(text, _LEGAL_EXPECTED)
    if t in _LEGAL_NAMES:
        return _LEGAL_NAMES[t]
    abbr = re.sub(r"[. ]", "", t)
    if abbr in _LEGAL_ABBREVIATIONS:
        return _LEGAL_ABBREVIATIONS[abbr]
    raise InputError(f"unknown legal form {t!r}", value=text, expected=_LEGAL_EXPECTED, code="unknown-legal-form")


def legal_form_json(text: str) -> dict:
    """Parse a legal form into its fields {'code', 'name_kk', 'name_ru', 'abbr_ru', 'name_en', 'abbr_en'}."""
    return asdict(parse_legal_form(text))


def format_legal_form_ru(lf: LegalForm, case: str = "nom", number: str = "sg") -> str:
    """Write a legal form's Russian name in a case and number, e.g. ('gen', 'sg') -> 'общественного фонда'."""
    if case not in CASES or number not in ("sg", "pl"):
        raise InputError(
            "unknown case or number", value=(case, number), expected=f"one of {CASES}; sg or pl", code="bad-argument"
        )
    return _phrase(lf.name_ru)[number, case]


NORMALIZERS: dict[str, Callable[[str], dict]] = {
    "date": date_json,
    "money": money_json,
    "period": period_json,
    "count": count_json,
    "duration": duration_json,
    "legal-form": legal_form_json,
}
