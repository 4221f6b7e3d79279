"""Normalizers: parse Kazakh phrases (dates, money, periods, counts, durations, legal forms) into data.

Every parser is a pure function of one text. Text it does not understand raises InputError; it never
guesses. Kazakh words are matched with their grammar: a noun is its stem followed by one suffix from
the closed set that Kazakh vowel harmony and consonant assimilation allow for that stem (see _declension).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal, localcontext

from ..errors import InputError
from .legal_forms import LEGAL_FORMS, LegalForm
from .values import DateValue, Money, checked_period

# ---------------------------------------------------------------------------------------------------
# Text clean-up and Kazakh noun declension

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None)


def _clean(text: object, expected: str) -> str:
    """Return text NFC-normalized, casefolded, with single plain spaces and plain hyphens."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}", value=text, expected=expected, code="not-text")
    t = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_DASHES)
    t = " ".join(t.split()).casefold()  # str.split() splits on every Unicode space (U+00A0, U+202F...)
    if not t:
        raise InputError("empty text", value=text, expected=expected, code="empty-text")
    return t


_FRONT = str.maketrans("аығқ", "еігк")  # back-vowel suffix -> front-vowel suffix
_VOICING = str.maketrans("кқп", "гғб")  # final consonant before a vowel-initial suffix


def _is_front(stem: str) -> bool:
    """Tell whether a stem takes front-vowel suffixes (its last harmony vowel is front)."""
    if stem.endswith("ь"):
        return True
    for c in reversed(stem):
        if c in "аоұыя":
            return False
        if c in "әеөүіэ":
            return True
    return False


def _ending(stem: str) -> str:
    """Classify a stem's last sound: vowel, nasal, voiceless, voiced or sonorant."""
    last = stem.rstrip("ь")[-1:]
    for kind, letters in (
        ("vowel", "аәеёоөұүыіэюя"),
        ("nasal", "мнң"),
        ("voiceless", "кқпстфхцчшщһ"),
        ("voiced", "бвгғджз"),
    ):
        if last and last in letters:
            return kind
    return "sonorant"  # л р й у и


_AFTER_POSSESSIVE = {
    "nominative": "",
    "locative": "нда",
    "attributive": "ндағы",
    "genitive": "ның",
    "dative": "на",
    "ablative": "нан",
    "accusative": "н",
    "instrumental": "мен",
}


# Back-vowel case suffixes after each kind of final sound (front-vowel forms come from _FRONT).
_CASES = ("nominative", "locative", "attributive", "genitive", "dative", "ablative", "accusative", "instrumental")
_CASE_SUFFIXES = {
    kind: dict(zip(_CASES, ("", *suffixes.split(" "))))
    for kind, suffixes in (
        ("vowel", "да дағы ның ға дан ны мен"),
        ("nasal", "да дағы ның ға нан ды мен"),
        ("voiceless", "та тағы тың қа тан ты пен"),
        ("voiced", "да дағы дың ға дан ды бен"),
        ("sonorant", "да дағы дың ға дан ды мен"),
    )
}


def _possessive_base(stem: str, ending: str, poss_stem: str | None) -> tuple[str, str]:
    """Return the stem and the 3rd-person possessive suffix it takes (-сы after a vowel, else -ы)."""
    if ending == "vowel":
        return stem, "сы"
    return poss_stem or stem[:-1] + stem[-1].translate(_VOICING), "ы"


def _declension(stem: str, poss_stem: str | None = None) -> dict[str, str]:
    """Return every case form of a Kazakh noun, plain and after the 3rd-person possessive."""
    e = _ending(stem)
    harmony = _FRONT if _is_front(stem) else {}
    forms = {case: stem + suffix.translate(harmony) for case, suffix in _CASE_SUFFIXES[e].items()}
    base, poss = _possessive_base(stem, e, poss_stem)
    for case, suffix in _AFTER_POSSESSIVE.items():
        name = "possessive" if case == "nominative" else f"possessive-{case}"
        forms[name] = base + (poss + suffix).translate(harmony)
    return forms


def _plural(stem: str) -> str:
    """Return the plural of a Kazakh noun (-лар/-дар/-тар with harmony)."""
    e, last = _ending(stem), stem[-1]
    suffix = "тар" if e == "voiceless" else "лар" if e == "vowel" or last in "рйуи" else "дар"
    return stem + (suffix.translate(_FRONT) if _is_front(stem) else suffix)


# Suffixes written after a hyphen on digits and abbreviations ("80-нен", "ЖШС-ның", "млн-ға").
_HYPHEN_SUFFIXES = frozenset(
    s
    for back in (
        "да",
        "та",
        "дағы",
        "тағы",
        "ға",
        "қа",
        "на",
        "дан",
        "тан",
        "нан",
        "ның",
        "дың",
        "тың",
        "ны",
        "ды",
        "ты",
        "сы",
        "ы",
    )
    for s in (back, back.translate(_FRONT))
) | {"мен", "бен", "пен"}


def _number(digits: str, text: str, expected: str, limit: int = 15) -> int:
    """Convert ASCII digits (group spaces allowed) to int, refusing leading zeros and long numbers."""
    plain = digits.replace(" ", "")
    if len(plain) > limit:
        raise InputError(
            f"number {digits!r} has more than {limit} digits", value=text, expected=expected, code="malformed-number"
        )
    if len(plain) > 1 and plain.startswith("0"):
        raise InputError(
            f"number {digits!r} has a leading zero", value=text, expected=expected, code="malformed-number"
        )
    return int(plain)


_INT = r"(?P<int>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)"


def _glued(t: str, m: re.Match[str], text: str, expected: str, what: str) -> str:
    """Return the text after a matched number, refusing letters glued to it or badly grouped digits."""
    after = t[m.end() :]
    if after and after[0] != " " and not after.startswith("-"):
        bad = t[: m.end()].split(" ")[-1] + after.split(" ")[0]
        raise InputError(
            f"{what} {bad!r} is not a plain number", value=text, expected=expected, code="malformed-number"
        )
    if re.match(r" [0-9]", after):
        number = re.split(r"[^0-9 ]", t, maxsplit=1)[0].strip()  # the digits and spaces t starts with
        raise InputError(
            f"digit groups after the first must have exactly three digits: {number!r}",
            value=text,
            expected=expected,
            code="malformed-number",
        )
    return after.strip()


# ---------------------------------------------------------------------------------------------------
# Dates

MONTHS = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_DECLENSIONS = [_declension(m) for m in MONTHS]
_MONTH_FORMS = {form: (i, case) for i, forms in enumerate(_MONTH_DECLENSIONS, 1) for case, form in forms.items()}
_AY_FORMS = {f for case, f in _declension("ай").items() if case.startswith("possessive")}  # "қараша айында"
DATE_CASES = tuple(_MONTH_DECLENSIONS[0])
DATE_STYLES = ("жылғы", "жылы", "жылдың", "жыл", "ж.", "ж", "day-first", "numeric")
_DATE_EXPECTED = "a Kazakh date such as '2025 жылғы 21 қарашада', '21 қараша 2025 ж.' or '21.11.2025'"

_MARK = r"(?:жылғы|жылдың|жылы|жыл|ж\.|ж)"
_DAY = (
    r"(?P<q>[«\"“])?(?P<day>[0-9]{1,2})(?(q)[»\"”])"
    r"(?:-(?:і|ы|ші|шы|сі|сы|інші|ыншы|нші|ншы) |- ?| )"
)
_MONTH = r"(?P<month>[^\s,]+)(?: (?P<ay>ай\S*))?"
_END = r"(?=$|[ ,])"
_NUMERIC_DATES = [
    re.compile(p)
    for p in (
        rf"(?P<day>[0-9]{{1,2}})\.(?P<month>[0-9]{{1,2}})\.(?P<year>[0-9]{{4}})(?: ?{_MARK})?{_END}",
        rf"(?P<year>[0-9]{{4}})-(?P<month>[0-9]{{2}})-(?P<day>[0-9]{{2}}){_END}",
    )
]
_WORD_DATES = [
    re.compile(p)
    for p in (
        rf"(?P<year>[0-9]{{4}})(?:[ -]?(?:жылғы|жылдың|жылы|жыл|ж) |[ -]?ж\. ?| |, ){_DAY}{_MONTH}{_END}",
        rf"{_DAY}{_MONTH},? (?P<year>[0-9]{{4}})(?:[ -]?{_MARK})?{_END}",
    )
]


def _month_number(word: str, ay: str | None, text: str) -> int:
    """Return the month number of a Kazakh month word in any case form."""
    if word not in _MONTH_FORMS:
        raise InputError(f"unknown month word {word!r}", value=text, expected=_DATE_EXPECTED, code="unknown-month")
    month, case = _MONTH_FORMS[word]
    if ay is not None and (case != "nominative" or ay not in _AY_FORMS):
        raise InputError(
            f"unexpected {word + ' ' + ay!r}: write 'қараша айында' or 'қарашада'",
            value=text,
            expected=_DATE_EXPECTED,
            code="unknown-month",
        )
    return month


def _date_match(t: str, text: str) -> tuple[re.Match[str], int]:
    """Match a numeric or worded date at the start of t; return the match and its month number."""
    m = next((m for p in _NUMERIC_DATES if (m := p.match(t))), None)
    if m is not None:
        return m, int(m["month"])
    m = next((m for p in _WORD_DATES if (m := p.match(t))), None)
    if m is not None:
        return m, _month_number(m["month"], m["ay"], text)
    raise InputError("not a recognised date", value=text, expected=_DATE_EXPECTED, code="unrecognised-date")


def _make_date(year: int, month: int, day: int, month_text: str, text: str) -> datetime.date:
    """Build the date, refusing years outside 1900..2100 and days or months that do not exist."""
    if not 1900 <= year <= 2100:
        raise InputError(
            f"year {year} is outside 1900..2100", value=text, expected=_DATE_EXPECTED, code="year-out-of-range"
        )
    if not 1 <= month <= 12:
        raise InputError(f"no month {month_text}", value=text, expected=_DATE_EXPECTED, code="impossible-date")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise InputError(
            f"no {day} {_MONTHS_EN[month - 1]} in {year}", value=text, expected=_DATE_EXPECTED, code="impossible-date"
        ) from None


def parse_date(text: str) -> datetime.date:
    """Parse a Kazakh date ('2025 жылғы 21 қарашада', '21 қараша 2025 ж.', '21.11.2025')."""
    t = _clean(text, _DATE_EXPECTED)
    m, month = _date_match(t, text)
    if m.end() != len(t):
        raise InputError(
            f"unexpected words after the date: {t[m.end() :].strip(' ,')!r}",
            value=text,
            expected=_DATE_EXPECTED,
            code="unexpected-words",
        )
    return _make_date(int(m["year"]), month, int(m["day"]), m["month"], text)


_DAY_RANGE = re.compile(
    r"(?P<year>[0-9]{4}) (?P<mark>жылғы|жылдың|жылы) (?P<first>[0-9]{1,2}) ?[-–] ?"
    r"(?P<last>[0-9]{1,2}) (?P<month>\S+)"
)
_MONTH_ONLY = re.compile(r"(?P<year>[0-9]{4}) (?:жылғы|жылдың|жылы) (?P<month>[^\s0-9]\S*)(?: (?P<ay>ай\S*))?")
_YEAR_ONLY = re.compile(r"(?P<year>[0-9]{4}) (?:жылы|жылда|ж\.)")


def parse_date_value(text: str) -> DateValue:
    """Parse a date known to a day, month or year, or a range of days ('2026 жылғы 12-13 наурызда')."""
    t = _clean(text, _DATE_EXPECTED)
    if m := _DAY_RANGE.fullmatch(t):
        first = parse_date(f"{m['year']} жылғы {m['first']} {m['month']}")
        last = parse_date(f"{m['year']} жылғы {m['last']} {m['month']}")
        if last <= first:
            raise InputError(
                "the range of days ends before it starts", value=text, expected=_DATE_EXPECTED, code="impossible-date"
            )
        return DateValue(first.isoformat(), "day", last.isoformat())
    if m := _MONTH_ONLY.fullmatch(t):
        month = _month_number(m["month"], m["ay"], text)
        return DateValue(parse_date(f"{m['year']} жылғы 1 {MONTHS[month - 1]}").isoformat(), "month")
    if m := _YEAR_ONLY.fullmatch(t):
        return DateValue(parse_date(f"{m['year']} жылғы 1 қаңтар").isoformat(), "year")
    return DateValue(parse_date(t).isoformat(), "day")


def date_json(text: str) -> dict:
    """Parse a Kazakh date into {'date': 'YYYY-MM-DD'}."""
    return {"date": parse_date(text).isoformat()}


def format_date_kk(d: datetime.date, style: str = "жылғы", case: str = "locative") -> str:
    """Write a date in Kazakh, e.g. '2025 жылғы 21 қарашада' (case is ignored by day-first and numeric)."""
    if not isinstance(d, datetime.date):
        raise InputError("expected a date", value=d, expected="a datetime.date", code="bad-argument")
    if style not in DATE_STYLES:
        raise InputError(
            f"unknown date style {style!r}", value=style, expected=f"one of {DATE_STYLES}", code="bad-argument"
        )
    if case not in DATE_CASES:
        raise InputError(f"unknown case {case!r}", value=case, expected=f"one of {DATE_CASES}", code="bad-argument")
    if style == "numeric":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "day-first":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year} жыл"
    return f"{d.year} {style} {d.day} {_MONTH_DECLENSIONS[d.month - 1][case]}"


# ---------------------------------------------------------------------------------------------------
# Money

CURRENCIES = {"EUR": "еуро", "KZT": "теңге", "USD": "АҚШ доллары", "RUB": "рубль"}
_MONEY_EXPECTED = "an amount with a currency such as '777 895 еуро', '1,5 млн теңге' or '€12,50'"
_CURRENCY_SIGNS = {
    "€": "EUR",
    "$": "USD",
    "₸": "KZT",
    "₽": "RUB",
    "eur": "EUR",
    "usd": "USD",
    "kzt": "KZT",
    "rub": "RUB",
}
_CURRENCY_WORDS = dict(_CURRENCY_SIGNS, **{"тг": "KZT", "тг.": "KZT"})
for _stem, _code, _poss, _prefix in (
    ("еуро", "EUR", None, ""),
    ("евро", "EUR", None, ""),
    ("теңге", "KZT", None, ""),
    ("доллар", "USD", None, "ақш "),
    ("рубль", "RUB", "рубл", "ресей "),
):
    for _form in _declension(_stem, _poss).values():
        _CURRENCY_WORDS[_form] = _code
        if _prefix:
            _CURRENCY_WORDS[_prefix + _form] = _code

_MULTIPLIERS = {
    f: Decimal(10) ** p for w, p in (("мың", 3), ("миллион", 6), ("миллиард", 9)) for f in _declension(w).values()
}
for _abbr, _power in (("млн", 6), ("млрд", 9)):
    for _form in (_abbr, _abbr + ".", *(f"{_abbr}{dot}-{s}" for dot in ("", ".") for s in _HYPHEN_SUFFIXES)):
        _MULTIPLIERS[_form] = Decimal(10) ** _power


def _plain(d: Decimal) -> Decimal:
    """Drop trailing fractional zeros without switching to exponent notation."""
    s = format(d, "f")
    return Decimal(s.rstrip("0").rstrip(".") if "." in s else s)


def _money_sign(t: str, text: str) -> tuple[str | None, str]:
    """Split a leading currency sign off an amount ('€12,50'), refusing a plus or minus sign."""
    t = " ".join(re.sub(r"([€$₸₽])", r" \1 ", t).split())
    code = None
    first = t.split(" ")[0]
    if first in _CURRENCY_SIGNS:
        code, t = _CURRENCY_SIGNS[first], t[len(first) :].strip()
    if t[:1] in ("-", "+"):
        raise InputError(
            "amounts must be written without a sign (no negative amounts)",
            value=text,
            expected=_MONEY_EXPECTED,
            code="signed-amount",
        )
    return code, t


def _money_amount(t: str, text: str) -> tuple[Decimal, list[str]]:
    """Read the amount and its multiplier word ('1,5 млн'); return it and the words after."""
    m = re.match(_INT + r"(?:,(?P<frac>[0-9]+))?", t)
    if m is None:
        raise InputError("no amount in ASCII digits", value=text, expected=_MONEY_EXPECTED, code="unrecognised-amount")
    words = _glued(t, m, text, _MONEY_EXPECTED, "amount").split()
    digits = str(_number(m["int"], text, _MONEY_EXPECTED))
    value = Decimal(digits + "." + m["frac"] if m["frac"] else digits)
    if words and words[0] in _MULTIPLIERS:
        with localcontext() as ctx:
            ctx.prec = len(digits) + len(m["frac"] or "") + 12
            value = _plain(value * _MULTIPLIERS[words.pop(0)])
    return value, words


def _money_currency(words: list[str], text: str) -> tuple[str, list[str]]:
    """Read the currency word after the amount ('еуро', 'АҚШ долларын'); return its code and the words after."""
    if not words:
        raise InputError("no currency after the amount", value=text, expected=_MONEY_EXPECTED, code="missing-currency")
    if " ".join(words[:2]) in _CURRENCY_WORDS and len(words) > 1:
        return _CURRENCY_WORDS[" ".join(words[:2])], words[2:]
    if words[0] in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[words[0]], words[1:]
    raise InputError(
        f"unknown currency word {words[0]!r}", value=text, expected=_MONEY_EXPECTED, code="unknown-currency"
    )


def parse_money(text: str) -> tuple[Decimal, str]:
    """Parse an amount with its currency ('777 895 еуро', '1,5 млн теңге') into (Decimal, ISO code)."""
    code, t = _money_sign(_clean(text, _MONEY_EXPECTED), text)
    value, words = _money_amount(t, text)
    if code is None:
        code, words = _money_currency(words, text)
    if words:
        raise InputError(
            f"unexpected words after the amount: {' '.join(words)!r}",
            value=text,
            expected=_MONEY_EXPECTED,
            code="unexpected-words",
        )
    return value, code


# How exactly a release states an amount: a word before it, or a postposition after the currency
# word in the case the postposition governs ('1,2 млн еуродан астам', '650 млн теңгеге жуық').
_MONEY_PREFIXES = {
    "шамамен": "about",
    "шамасы": "about",
    "кем дегенде": "at_least",
    "ең кемі": "at_least",
    "кемінде": "at_least",
}
_MONEY_POSTPOSITIONS = {
    "астам": ("ablative", "more_than"),
    "артық": ("ablative", "more_than"),
    "жуық": ("dative", "about"),
    "таяу": ("dative", "about"),
    "дейін": ("dative", "up_to"),
}
_CASE_ENDINGS = {"ablative": ("нан", "нен", "дан", "ден", "тан", "тен"), "dative": ("ға", "ге", "қа", "ке", "на", "не")}


def parse_money_qualified(text: str) -> Money:
    """Parse an amount and how exactly it is stated ('шамамен 650 млн теңге', '1 млн еуроға дейін')."""
    t = _clean(text, _MONEY_EXPECTED)
    prefix = next((p for p in _MONEY_PREFIXES if t.startswith(p + " ")), None)
    if prefix is not None:
        return Money(*parse_money(t[len(prefix) + 1 :]), qualifier=_MONEY_PREFIXES[prefix])
    words = t.split(" ")
    if len(words) > 2 and words[-1] in _MONEY_POSTPOSITIONS:
        case, qualifier = _MONEY_POSTPOSITIONS[words[-1]]
        if not words[-2].endswith(_CASE_ENDINGS[case]):
            raise InputError(
                f"'{words[-1]}' needs the currency word in the {case} case before it",
                value=text,
                expected=_MONEY_EXPECTED,
                code="unexpected-words",
            )
        return Money(*parse_money(" ".join(words[:-1])), qualifier=qualifier)
    return Money(*parse_money(t), qualifier="exact")


def money_json(text: str) -> dict:
    """Parse an amount into {'amount': '777895', 'currency': 'EUR'} (amount as a plain decimal string)."""
    amount, currency = parse_money(text)
    return {"amount": format(amount, "f"), "currency": currency}


def format_money_kk(amount: Decimal, currency: str, sep: str = " ") -> str:
    """Write an amount in Kazakh, e.g. '777 895 еуро' or '12,50 теңге' (groups of three, decimal comma)."""
    if not isinstance(amount, (Decimal, int)) or isinstance(amount, bool) or not Decimal(amount).is_finite():
        raise InputError(
            "expected a finite Decimal",
            value=amount,
            expected="a Decimal such as Decimal('777895')",
            code="bad-argument",
        )
    if amount < 0:
        raise InputError("negative amount", value=amount, expected="an amount of zero or more", code="bad-argument")
    if currency not in CURRENCIES:
        raise InputError(
            f"unknown currency {currency!r}",
            value=currency,
            expected=f"one of {tuple(CURRENCIES)}",
            code="unknown-currency",
        )
    if len(sep) != 1 or not sep.isspace():
        raise InputError(
            "the group separator must be one space character",
            value=sep,
            expected="' ', U+00A0 or U+202F",
            code="bad-argument",
        )
    whole, _, frac = format(Decimal(amount).copy_abs(), "f").partition(".")
    groups = [whole[max(i - 3, 0) : i] for i in range(len(whole), 0, -3)][::-1]
    return sep.join(groups) + ("," + frac if frac else "") + " " + CURRENCIES[currency]


# ---------------------------------------------------------------------------------------------------
# Periods

_PERIOD_EXPECTED = "a year range such as '2024-2026 жж.' or '2024–2026 жылдары'"
_PERIOD_MARKS = {"жж.", "жж", "ж.ж.", "ж.ж", *_declension("жылдар").values()}
_SPAN_WORDS = {f for case, f in _declension("аралық").items() if case.startswith("possessive")}
_PERIOD_PATTERNS = [
    re.compile(p)
    for p in (
        r"(?P<a>[0-9]{4}) ?- ?(?P<b>[0-9]{4})(?: ?(?P<mark>\S+)(?: (?P<span>\S+))?)?(?P<rest>.*)",
        r"(?P<a>[0-9]{4})(?: жылдан|-[дтн][ае]н)(?: бастап)? (?P<b>[0-9]{4})(?: жылға|-[ғгқкн][ае]) "
        r"(?:дейін|шейін)(?P<rest>.*)",
    )
]


def _period_match(text: str) -> re.Match[str]:
    """Match a year range, with or without brackets around it."""
    t = _clean(text, _PERIOD_EXPECTED)
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    m = next((m for p in _PERIOD_PATTERNS if (m := p.fullmatch(t))), None)
    if m is None:
        raise InputError(
            "not a recognised year range", value=text, expected=_PERIOD_EXPECTED, code="unrecognised-period"
        )
    return m


def _check_period_words(m: re.Match[str], text: str) -> None:
    """Refuse words after the years other than a plural 'years' mark and 'аралығы'."""
    mark, span = m.groupdict().get("mark"), m.groupdict().get("span")
    if mark is not None and mark not in _PERIOD_MARKS:
        raise InputError(
            f"unknown word {mark!r} after the years", value=text, expected=_PERIOD_EXPECTED, code="unknown-word"
        )
    if (span is not None and span not in _SPAN_WORDS) or m["rest"]:
        extra = " ".join(filter(None, (span, m["rest"].strip())))
        raise InputError(
            f"unexpected words after the years: {extra!r}",
            value=text,
            expected=_PERIOD_EXPECTED,
            code="unexpected-words",
        )


def parse_period(text: str) -> tuple[int, int]:
    """Parse a year range ('2024-2026 жж.', '(2024–2026 жылдары)') into (start_year, end_year)."""
    m = _period_match(text)
    _check_period_words(m, text)
    start, end = int(m["a"]), int(m["b"])
    checked_period(start, end, text, _PERIOD_EXPECTED)
    return start, end


def period_json(text: str) -> dict:
    """Parse a year range into {'start_year': 2024, 'end_year': 2026}."""
    start, end = parse_period(text)
    return {"start_year": start, "end_year": end}


def format_period_kk(start: int, end: int, dash: str = "-") -> str:
    """Write a year range in Kazakh, e.g. '2024-2026 жж.'."""
    if dash not in ("-", "\u2013", "\u2014"):
        raise InputError("unknown dash", value=dash, expected="'-', '–' or '—'", code="bad-argument")
    return f"{start}{dash}{end} жж."


# ---------------------------------------------------------------------------------------------------
# Counts

COUNT_QUALIFIERS: tuple[str, ...] = ("exact", "more_than", "at_least", "about", "up_to", "less_than")
_COUNT_EXPECTED = "a count such as '80', '80-нен астам', '80-ге жуық', 'шамамен 80' or '80-ге дейін'"
_PREFIXES = {
    "шамамен": "about",
    "шамасы": "about",
    "жуық": "about",
    "кем дегенде": "at_least",
    "ең кемі": "at_least",
    "кемінде": "at_least",
}
_SUFFIX_CASES = {
    **dict.fromkeys(("нан", "нен", "дан", "ден", "тан", "тен"), "ablative"),
    **dict.fromkeys(("ға", "ге", "қа", "ке", "на", "не"), "dative"),
    **dict.fromkeys(("дай", "дей", "тай", "тей"), "similative"),
}
_POSTPOSITIONS = {
    ("ablative", "астам"): "more_than",
    ("ablative", "артық"): "more_than",
    ("ablative", "көп"): "more_than",
    ("ablative", "кем емес"): "at_least",
    ("ablative", "кем"): "less_than",
    ("ablative", "аз"): "less_than",
    ("dative", "жуық"): "about",
    ("dative", "таяу"): "about",
    ("dative", "тарта"): "about",
    ("dative", "жақын"): "about",
    ("dative", "дейін"): "up_to",
    ("dative", "шейін"): "up_to",
    (None, "астам"): "more_than",
    (None, "жуық"): "about",
    (None, "дейін"): "up_to",
    (None, "шамасында"): "about",
    (None, "шамасы"): "about",
    (None, "шақты"): "about",
}
# The nouns a count may name: people and bodies; and what an event produces (recommendations, proposals, decisions).
_NOUNS = ("қатысушы", "адам", "өкіл", "ұйым", "ел", "ұсыным", "ұсыныс", "шешім", "келісім")
_NOUN_FORMS = {
    **{_plural(n): "nominative" for n in _NOUNS},
    **{f: c for n in _NOUNS for c, f in _declension(n).items() if c in ("nominative", "ablative", "dative")},
}


def _count_prefix(t: str) -> tuple[str | None, str]:
    """Split a qualifier word ('шамамен', 'кем дегенде') off the front of a count."""
    for prefix, q in _PREFIXES.items():
        if t.startswith(prefix + " "):
            return q, t[len(prefix) + 1 :]
    return None, t


def _count_suffix(rest: str, text: str) -> tuple[str | None, str]:
    """Read the case of a hyphenated suffix on the number ('80-нен'); return it and the words after."""
    if not rest.startswith("-"):
        return None, rest
    suffix, _, rest = rest[1:].partition(" ")
    if suffix not in _SUFFIX_CASES:
        raise InputError(
            f"unknown suffix '-{suffix}' after the number", value=text, expected=_COUNT_EXPECTED, code="unknown-suffix"
        )
    return _SUFFIX_CASES[suffix], rest


def _count_postposition(case: str | None, words: list[str], text: str) -> tuple[str, list[str]]:
    """Read the qualifier a postposition gives ('астам', 'жуық'), or the one the bare case implies."""
    for n in (2, 1):
        if len(words) >= n and (case, " ".join(words[:n])) in _POSTPOSITIONS:
            return _POSTPOSITIONS[case, " ".join(words[:n])], words[n:]
    if case in ("ablative", "dative"):
        raise InputError(
            f"the {case} needs a word such as 'астам', 'жуық' or 'дейін' after it",
            value=text,
            expected=_COUNT_EXPECTED,
            code="missing-qualifier",
        )
    return ("about" if case == "similative" else "exact"), words


def _count_tail(words: list[str], noun_seen: bool, text: str) -> None:
    """Allow one noun in the nominative ('80 адам') after the qualifier, and nothing else."""
    if not noun_seen and words and _NOUN_FORMS.get(words[0]) == "nominative":
        words = words[1:]
    if words:
        raise InputError(
            f"unexpected words in the count: {' '.join(words)!r}",
            value=text,
            expected=_COUNT_EXPECTED,
            code="unexpected-words",
        )


def parse_count(text: str) -> tuple[int, str]:
    """Parse a count ('80-нен астам', '80-ге жуық', 'шамамен 80 адам') into (value, qualifier)."""
    qualifier, t = _count_prefix(_clean(text, _COUNT_EXPECTED))
    m = re.match(_INT, t)
    if m is None:
        raise InputError("no count in ASCII digits", value=text, expected=_COUNT_EXPECTED, code="unrecognised-count")
    value = _number(m["int"], text, _COUNT_EXPECTED)
    case, rest = _count_suffix(_glued(t, m, text, _COUNT_EXPECTED, "count"), text)
    words = rest.split()
    noun_seen = False
    if case is None and words and _NOUN_FORMS.get(words[0]) in ("ablative", "dative"):  # "80 адамнан астам"
        case, noun_seen = _NOUN_FORMS[words.pop(0)], True
    if qualifier and case:
        raise InputError(
            f"{t.split(' ')[0]!r} cannot follow a qualifier word",
            value=text,
            expected=_COUNT_EXPECTED,
            code="misplaced-qualifier",
        )
    if not qualifier:
        qualifier, words = _count_postposition(case, words, text)
    _count_tail(words, noun_seen, text)
    return value, qualifier


def count_json(text: str) -> dict:
    """Parse a count into {'value': 80, 'qualifier': 'more_than'}."""
    value, qualifier = parse_count(text)
    return {"value": value, "qualifier": qualifier}


# ---------------------------------------------------------------------------------------------------
# Durations

_DURATION_EXPECTED = "a number of years such as 'үш жыл', 'он екі жылға' or '3 жыл ішінде'"
_UNITS = {w: i for i, w in enumerate(("бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"), 1)}
_TENS = {
    w: 10 * i for i, w in enumerate(("он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"), 1)
}
_YEAR_FORMS = {f for c, f in _declension("жыл").items() if not c.startswith("possessive")} | {"жылдық"}
_DURATION_TAILS = {
    "жыл": {"ішінде", "ішіндегі", "бойы", "бойына", "бойында"},
    "жылдық": set(_declension("мерзім").values()),
}
_DURATION_RE = re.compile(r"(?P<num>[^()]+?)(?: \((?P<alt>[^()]+)\))? (?P<year>жыл\S*)(?: (?P<tail>.+))?")


def _years_number(words: str, text: str) -> int:
    """Read a number of years written in ASCII digits or Kazakh number words (1..99)."""
    if re.fullmatch(r"[0-9]+", words):
        n = _number(words, text, _DURATION_EXPECTED, limit=3)
    else:
        ws, n, i = words.split(" "), 0, 0
        for table in (_TENS, _UNITS):  # tens first, then units: "он екі" = 12
            if i < len(ws) and ws[i] in table:
                n, i = n + table[ws[i]], i + 1
        if i < len(ws):
            what = "number word out of order" if ws[i] in _TENS or ws[i] in _UNITS else "unknown number word"
            raise InputError(f"{what} {ws[i]!r}", value=text, expected=_DURATION_EXPECTED, code="unknown-number-word")
    if n == 0:
        raise InputError(
            "a duration must be at least one year", value=text, expected=_DURATION_EXPECTED, code="zero-duration"
        )
    return n


def parse_duration(text: str) -> int:
    """Parse a duration in years ('үш жыл', 'үш жылды', 'он екі жыл ішінде', '3 жылға') into an int."""
    t = _clean(text, _DURATION_EXPECTED)
    m = _DURATION_RE.fullmatch(t)
    if m is None:
        raise InputError("not a number of years", value=text, expected=_DURATION_EXPECTED, code="unrecognised-duration")
    if m["year"] not in _YEAR_FORMS:
        raise InputError(
            f"unknown word {m['year']!r} for 'year'", value=text, expected=_DURATION_EXPECTED, code="unknown-word"
        )
    years = _years_number(m["num"], text)
    if m["alt"] is not None and _years_number(m["alt"], text) != years:
        raise InputError(
            f"the number in brackets ({m['alt']}) differs from {m['num']!r}",
            value=text,
            expected=_DURATION_EXPECTED,
            code="inconsistent-number",
        )
    tails = _DURATION_TAILS.get(m["year"], set())
    if m["tail"] is not None and m["tail"] not in tails:
        raise InputError(
            f"unexpected words after the duration: {m['tail']!r}",
            value=text,
            expected=_DURATION_EXPECTED,
            code="unexpected-words",
        )
    return years


def duration_json(text: str) -> dict:
    """Parse a duration into {'years': 3}."""
    return {"years": parse_duration(text)}


# ---------------------------------------------------------------------------------------------------
# Legal forms


# One table of legal forms for every language's normalizer (curation/legal_forms.py).
_LEGAL_EXPECTED = "a legal form such as 'ҚҚ', 'қоғамдық қоры', 'ЖШС' or 'ТОО'"
_IRREGULAR_POSSESSIVE = {"кәсіпорын": "кәсіпорн"}  # кәсіпорын + ы -> кәсіпорны
_LEGAL_ABBREVIATIONS = {k.casefold(): lf for lf in LEGAL_FORMS.values() for k in (lf.code, lf.abbr_ru)}
_LEGAL_NAMES = {n.casefold(): lf for lf in LEGAL_FORMS.values() for n in (lf.name_ru, lf.name_en)}
for _lf in LEGAL_FORMS.values():
    *_head, _last = _lf.name_kk.split(" ")
    for _form in _declension(_last, _IRREGULAR_POSSESSIVE.get(_last)).values():
        _LEGAL_NAMES[" ".join([*_head, _form])] = _lf


def parse_legal_form(text: str) -> LegalForm:
    """Parse a legal form ('ҚҚ', 'Қ.Қ.', 'ЖШС-ның', 'қоғамдық қоры', 'ТОО') into a LegalForm."""
    t = _clean(text, _LEGAL_EXPECTED)
    if t in _LEGAL_NAMES:
        return _LEGAL_NAMES[t]
    abbr, _, suffix = t.partition("-")
    abbr = re.sub(r"[. ]", "", abbr)
    if abbr in _LEGAL_ABBREVIATIONS and (not suffix or suffix in _HYPHEN_SUFFIXES):
        return _LEGAL_ABBREVIATIONS[abbr]
    raise InputError(f"unknown legal form {t!r}", value=text, expected=_LEGAL_EXPECTED, code="unknown-legal-form")


def legal_form_json(text: str) -> dict:
    """Parse a legal form into {'code', 'name_kk', 'name_ru', 'abbr_ru', 'name_en'}."""
    return asdict(parse_legal_form(text))


NORMALIZERS: dict[str, Callable[[str], dict]] = {
    "date": date_json,
    "money": money_json,
    "period": period_json,
    "count": count_json,
    "duration": duration_json,
    "legal-form": legal_form_json,
}
