"""Tests for kz_rule_of_law.curation.normalize: Kazakh dates, money, periods, counts, durations and legal forms."""

from __future__ import annotations

import datetime
import inspect
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kz_rule_of_law.curation import normalize as nz
from kz_rule_of_law.curation.normalize import (
    COUNT_QUALIFIERS,
    DATE_CASES,
    DATE_STYLES,
    LEGAL_FORMS,
    NORMALIZERS,
    LegalForm,
    format_date_kk,
    format_money_kk,
    format_period_kk,
    parse_count,
    parse_date,
    parse_duration,
    parse_legal_form,
    parse_money,
    parse_period,
)
from kz_rule_of_law.errors import InputError

D = datetime.date
NBSP, NNBSP = "\u00a0", "\u202f"


def rejects(parse, text: str, bad: str | None = None) -> InputError:
    """Assert that parse(text) raises InputError naming the input and (if given) the bad part."""
    with pytest.raises(InputError) as info:
        parse(text)
    err = info.value
    assert err.problems[0].value == text
    assert (bad or text) in str(err)
    return err


# --- dates --------------------------------------------------------------------------------------------


def test_seed_date_in_locative_with_zhylgy():
    assert parse_date("2025 жылғы 21 қарашада") == D(2025, 11, 21)
    assert NORMALIZERS["date"]("2025 жылғы 21 қарашада") == {"date": "2025-11-21"}


# Forms written out by hand (not generated) so the grammar of the module is checked independently.
MONTH_FORMS = {
    1: ["қаңтар", "қаңтарда", "қаңтардағы", "қаңтардың", "қаңтарға", "қаңтары", "қаңтарында"],
    2: ["ақпан", "ақпанда", "ақпандағы", "ақпанның", "ақпанға", "ақпаннан", "ақпаны", "ақпанында"],
    3: ["наурыз", "наурызда", "наурыздағы", "наурыздың", "наурызға", "наурыздан", "наурызы", "наурызында"],
    4: ["сәуір", "сәуірде", "сәуірдегі", "сәуірдің", "сәуірге", "сәуірден", "сәуірі", "сәуірінде"],
    5: ["мамыр", "мамырда", "мамырдағы", "мамырдың", "мамырға", "мамырдан", "мамыры", "мамырында"],
    6: ["маусым", "маусымда", "маусымдағы", "маусымның", "маусымға", "маусымнан", "маусымы", "маусымында"],
    7: ["шілде", "шілдеде", "шілдедегі", "шілденің", "шілдеге", "шілдеден", "шілдесі", "шілдесінде"],
    8: ["тамыз", "тамызда", "тамыздағы", "тамыздың", "тамызға", "тамыздан", "тамызы", "тамызында"],
    9: [
        "қыркүйек",
        "қыркүйекте",
        "қыркүйектегі",
        "қыркүйектің",
        "қыркүйекке",
        "қыркүйектен",
        "қыркүйегі",
        "қыркүйегінде",
        "қыркүйегіндегі",
    ],
    10: ["қазан", "қазанда", "қазандағы", "қазанның", "қазанға", "қазаннан", "қазаны", "қазанында"],
    11: [
        "қараша",
        "қарашада",
        "қарашадағы",
        "қарашаның",
        "қарашаға",
        "қарашадан",
        "қарашаны",
        "қарашасы",
        "қарашасында",
        "қарашасындағы",
    ],
    12: [
        "желтоқсан",
        "желтоқсанда",
        "желтоқсандағы",
        "желтоқсанның",
        "желтоқсанға",
        "желтоқсаннан",
        "желтоқсаны",
        "желтоқсанында",
    ],
}


@pytest.mark.parametrize("month,word", [(m, w) for m, ws in MONTH_FORMS.items() for w in ws])
def test_every_month_parses_in_its_case_forms(month, word):
    assert parse_date(f"2024 жылғы 5 {word}") == D(2024, month, 5)


@pytest.mark.parametrize("marker", ["жылғы", "жылы", "жылдың", "жыл", "ж.", "ж"])
def test_year_markers(marker):
    assert parse_date(f"2024 {marker} 5 мамырда") == D(2024, 5, 5)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2023 жылдың 8 қыркүйегінде", D(2023, 9, 8)),
        ("2024 ж.5 мамырда", D(2024, 5, 5)),
        ("2025 жылғы 21-і қарашада", D(2025, 11, 21)),
        ("2025 жылғы 21-ші қарашада", D(2025, 11, 21)),
        ("2025 жылғы 21- қарашада", D(2025, 11, 21)),
        ("2025 жылғы 1-шілдеде", D(2025, 7, 1)),
        ("2025 жылғы «21» қарашадағы", D(2025, 11, 21)),
        ("2025 жылғы 21 қараша айында", D(2025, 11, 21)),
        ("21 қараша 2025 жыл", D(2025, 11, 21)),
        ("21 қарашадағы 2025 ж.", D(2025, 11, 21)),
        ("21 қараша, 2025 жылы", D(2025, 11, 21)),
        ("21.11.2025", D(2025, 11, 21)),
        ("21.11.2025 ж.", D(2025, 11, 21)),
        ("2025-11-21", D(2025, 11, 21)),
        ("  2025\u00a0ЖЫЛҒЫ 21\u202fҚарашада ", D(2025, 11, 21)),
        ("2024 жылғы 29 ақпанда", D(2024, 2, 29)),
    ],
)
def test_date_variants(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text,bad",
    [
        ("2025 жылғы 31 ақпанда", "no 31 February in 2025"),
        ("2023 жылғы 29 ақпан", "no 29 February in 2023"),
        ("2025 жылғы 0 қарашада", "no 0 November"),
        ("1899 жылғы 5 мамыр", "1899"),
        ("2101 жылғы 5 мамыр", "2101"),
        ("31.04.2025", "no 31 April"),
        ("21.13.2025", "no month 13"),
        ("2025 жылғы 21 ақпанн", "'ақпанн'"),
        ("2025 жылғы 21 қарашаде", "'қарашаде'"),  # wrong vowel harmony
        ("2025 жылғы 21 қыркүйекде", "'қыркүйекде'"),  # -те after voiceless к
        ("2025 жылғы 21 қыркүйекі", "'қыркүйекі'"),  # к must voice to г: қыркүйегі
        ("2025 жылғы 21 қазандың", "'қазандың'"),  # genitive after н is -ның
        ("2025 жылғы 21 ноябрь", "'ноябрь'"),
        ("2025 жылғы 21 қарашада өтті", "'өтті'"),
        ("21 қараша 2025 жылдан", "'жылдан'"),
        ("2025 жылғы 21 қарашадан айтылды", "айтылды"),
        ("2025 жылғы ٢١ қарашада", None),  # Arabic-Indic digits
        ("қараша", None),
        ("", None),
        ("   ", None),
    ],
)
def test_bad_dates_raise_input_error_naming_the_problem(text, bad):
    rejects(parse_date, text, bad)


@pytest.mark.parametrize("value", [None, 20251121, D(2025, 11, 21), b"2025"])
def test_non_text_input_raises_input_error(value):
    for parse in NORMALIZERS.values():
        with pytest.raises(InputError):
            parse(value)


# --- money --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,amount,currency",
    [
        ("777 895 еуро", "777895", "EUR"),
        ("768 490 еуроны", "768490", "EUR"),
        ("739 000 еуро", "739000", "EUR"),
        (f"777{NBSP}895 еуро", "777895", "EUR"),
        (f"777{NNBSP}895 еуро", "777895", "EUR"),
        ("777895 еуро", "777895", "EUR"),
        ("12,5 еуро", "12.5", "EUR"),
        ("1,50 еуро", "1.50", "EUR"),
        ("1 234 567,89 теңге", "1234567.89", "KZT"),
        ("0 еуро", "0", "EUR"),
        ("5 мың еуро", "5000", "EUR"),
        ("1,5 млн еуро", "1500000", "EUR"),
        ("1,5 млн. еуро", "1500000", "EUR"),
        ("2 миллион теңге", "2000000", "KZT"),
        ("3 млрд теңгеге", "3000000000", "KZT"),
        ("1,25 миллиард теңге", "1250000000", "KZT"),
        ("1,2345 мың еуро", "1234.5", "EUR"),
        ("€12,50", "12.50", "EUR"),
        ("12,50 €", "12.50", "EUR"),
        ("$5 млн", "5000000", "USD"),
        ("€1,5 млн-ға", "1500000", "EUR"),
        ("100 ₸", "100", "KZT"),
        ("EUR 100", "100", "EUR"),
        ("100 USD", "100", "USD"),
        ("100 rub", "100", "RUB"),
        ("100 тг.", "100", "KZT"),
    ],
)
def test_money_forms(text, amount, currency):
    assert parse_money(text) == (Decimal(amount), currency)
    assert NORMALIZERS["money"](text) == {"amount": amount, "currency": currency}


@pytest.mark.parametrize(
    "word,currency",
    [
        *[(w, "EUR") for w in ["еуро", "еуроны", "еуроға", "еуродан", "еуроның", "еуросы", "еурода", "евро", "евроға"]],
        *[(w, "KZT") for w in ["теңге", "теңгені", "теңгеге", "теңгеден", "теңгенің", "теңгесі"]],
        *[
            (w, "USD")
            for w in [
                "АҚШ доллары",
                "АҚШ долларын",
                "АҚШ долларына",
                "АҚШ долларынан",
                "АҚШ долларының",
                "доллар",
                "долларға",
                "доллардан",
            ]
        ],
        *[(w, "RUB") for w in ["рубль", "рубльді", "рубльге", "рубльден", "рубльдің", "ресей рублі", "ресей рублін"]],
    ],
)
def test_currency_words_in_case_forms(word, currency):
    assert parse_money(f"1 000 {word}") == (Decimal(1000), currency)


@pytest.mark.parametrize(
    "text,bad",
    [
        ("77 78 95 еуро", "77 78 95"),
        ("7 7895 еуро", "7 7895"),
        ("77a 895 еуро", "77a"),
        ("-5 еуро", "-5 еуро"),
        ("\u22125 еуро", "without a sign"),
        ("1e400 еуро", "1e400"),
        ("12.5 еуро", "12.5"),
        ("5, еуро", "5,"),
        ("1 234 567 890 123 456 еуро", "more than 15 digits"),
        ("007 еуро", "leading zero"),
        ("5 фунт", "'фунт'"),
        ("5 еурооо", "'еурооо'"),
        ("777 895", "no currency"),
        ("еуро", None),
        ("777 895 еуроны құрайды", "'құрайды'"),
        ("€5 еуро", "'еуро'"),
        ("٥ еуро", None),
    ],
)
def test_bad_money_raises_input_error(text, bad):
    rejects(parse_money, text, bad)


def test_money_never_uses_exponent_notation():
    assert NORMALIZERS["money"]("100 млрд еуро") == {"amount": "100000000000", "currency": "EUR"}
    assert NORMALIZERS["money"]("0,000 еуро")["amount"] == "0.000"


# --- periods ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024-2026 жж.",
        "2024–2026 жж.",
        "2024—2026 жж.",
        "2024 - 2026 жж",
        "2024-2026 жылдар",
        "2024–2026 жылдары",
        "(2024-2026 жж.)",
        "2024-2026",
        "2024-2026 жылдарға",
        "2024-2026 жылдар аралығында",
        "2024 жылдан 2026 жылға дейін",
    ],
)
def test_period_forms(text):
    assert parse_period(text) == (2024, 2026)
    assert NORMALIZERS["period"](text) == {"start_year": 2024, "end_year": 2026}


@pytest.mark.parametrize(
    "text,bad",
    [
        ("2026-2024 жж.", "end year 2024 is before start year 2026"),
        ("1899-2026", "1899"),
        ("2024-26 жж.", None),
        ("2024-2026 жж. бастап", "'бастап'"),
        ("2024-2026 ай", "'ай'"),
        ("2024", None),
    ],
)
def test_bad_periods_raise_input_error(text, bad):
    rejects(parse_period, text, bad)


# --- counts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value,qualifier",
    [
        ("80-нен астам", 80, "more_than"),
        ("80-ден астам", 80, "more_than"),
        ("80-нан астам", 80, "more_than"),
        ("80 астам", 80, "more_than"),
        ("80-нен астам қатысушы", 80, "more_than"),
        ("80 адамнан астам", 80, "more_than"),
        ("80-ге жуық", 80, "about"),
        ("жуық 80", 80, "about"),
        ("шамамен 80 адам", 80, "about"),
        ("80-дей", 80, "about"),
        ("80 шамасында", 80, "about"),
        ("80-ге дейін", 80, "up_to"),
        ("80 дейін", 80, "up_to"),
        ("кем дегенде 80", 80, "at_least"),
        ("80-нен кем емес", 80, "at_least"),
        ("80-нен аз", 80, "less_than"),
        ("80", 80, "exact"),
        ("1 200 адам", 1200, "exact"),
        (f"1{NBSP}200-ден астам өкілдер", 1200, "more_than"),
        ("15 ұйым", 15, "exact"),
        ("20-дан астам ел", 20, "more_than"),
    ],
)
def test_count_forms(text, value, qualifier):
    assert parse_count(text) == (value, qualifier)
    assert NORMALIZERS["count"](text) == {"value": value, "qualifier": qualifier}
    assert qualifier in COUNT_QUALIFIERS


def test_count_qualifiers_include_the_required_ones():
    assert {"exact", "more_than", "about", "up_to"} <= set(COUNT_QUALIFIERS)


@pytest.mark.parametrize(
    "text,bad",
    [
        ("80-нен", "ablative"),
        ("80-хх астам", "'-хх'"),
        ("80-нен астам мысық", "'мысық'"),
        ("80 адамдар астам", "'астам'"),
        ("шамамен 80-нен астам", None),
        ("80a", "80a"),
        ("сексен", None),
    ],
)
def test_bad_counts_raise_input_error(text, bad):
    rejects(parse_count, text, bad)


# --- durations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,years",
    [
        ("үш жыл", 3),
        ("үш жылды", 3),
        ("үш жыл ішінде", 3),
        ("3 жыл", 3),
        ("3 жылға", 3),
        ("он екі жыл", 12),
        ("он жыл", 10),
        ("жиырма бес жылдан", 25),
        ("тоқсан тоғыз жыл", 99),
        ("бір жылдың", 1),
        ("екі жылдық мерзімге", 2),
        ("үш (3) жыл", 3),
        ("Үш жыл бойы", 3),
    ],
)
def test_duration_forms(text, years):
    assert parse_duration(text) == years
    assert NORMALIZERS["duration"](text) == {"years": years}


@pytest.mark.parametrize(
    "text,bad",
    [
        ("0 жыл", "at least one year"),
        ("бесс жыл", "'бесс'"),
        ("екі он жыл", "'он'"),
        ("үш ай", None),
        ("үш жылға дейін", "'дейін'"),
        ("үш (4) жыл", "differs"),
        ("үш жылым", "'жылым'"),
    ],
)
def test_bad_durations_raise_input_error(text, bad):
    rejects(parse_duration, text, bad)


# --- legal forms --------------------------------------------------------------------------------------


def test_seed_legal_form_public_foundation():
    lf = parse_legal_form("ҚҚ")
    assert (lf.name_en, lf.abbr_ru, lf.code) == ("Public Foundation", "ОФ", "ҚҚ")
    assert NORMALIZERS["legal-form"]("ҚҚ") == {
        "code": "ҚҚ",
        "name_kk": "қоғамдық қор",
        "name_ru": "общественный фонд",
        "abbr_ru": "ОФ",
        "name_en": "Public Foundation",
        "abbr_en": "PF",
    }


@pytest.mark.parametrize(
    "text,code",
    [
        ("ққ", "ҚҚ"),
        ("Қ.Қ.", "ҚҚ"),
        ("Қ Қ", "ҚҚ"),
        ("қоғамдық қоры", "ҚҚ"),
        ("Қоғамдық қорының", "ҚҚ"),
        ("ОФ", "ҚҚ"),
        ("общественный фонд", "ҚҚ"),
        ("ҚБ", "ҚБ"),
        ("қоғамдық бірлестігі", "ҚБ"),
        ("қоғамдық бірлестікке", "ҚБ"),
        ("ОО", "ҚБ"),
        ("РҚБ", "РҚБ"),
        ("республикалық қоғамдық бірлестігі", "РҚБ"),
        ("РОО", "РҚБ"),
        ("ЖШС", "ЖШС"),
        ("ЖШС-ның", "ЖШС"),
        ("жауапкершілігі шектеулі серіктестігі", "ЖШС"),
        ("ТОО", "ЖШС"),
        ("АҚ", "АҚ"),
        ("акционерлік қоғамы", "АҚ"),
        ("АО", "АҚ"),
        ("Joint-Stock Company", "АҚ"),
        ("КЕАҚ", "КЕАҚ"),
        ("коммерциялық емес акционерлік қоғам", "КЕАҚ"),
        ("НАО", "КЕАҚ"),
        ("РМК", "РМК"),
        ("республикалық мемлекеттік кәсіпорны", "РМК"),
        ("РГП", "РМК"),
    ],
)
def test_legal_forms_by_abbreviation_name_and_case_form(text, code):
    assert parse_legal_form(text) is LEGAL_FORMS[code]


@pytest.mark.parametrize("text", ["ООО", "ЖШСС", "қоғамдық", "ЖШС-хх", "«Адам» ҚБ"])
def test_unknown_legal_form_raises_input_error(text):
    rejects(parse_legal_form, text)


def test_legal_form_table_is_complete_and_frozen():
    assert set(LEGAL_FORMS) == {"ҚҚ", "ҚБ", "РҚБ", "ЖШС", "АҚ", "КЕАҚ", "РМК", "ЗТБ"}
    assert [lf.abbr_ru for lf in LEGAL_FORMS.values()] == ["ОФ", "ОО", "РОО", "ТОО", "АО", "НАО", "РГП", "ОЮЛ"]
    with pytest.raises(AttributeError):
        LEGAL_FORMS["ҚҚ"].code = "x"  # type: ignore[misc]
    assert isinstance(LEGAL_FORMS["ҚҚ"], LegalForm)


# --- formatting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d,style,case,expected",
    [
        (D(2025, 11, 21), "жылғы", "locative", "2025 жылғы 21 қарашада"),
        (D(2023, 9, 8), "жылдың", "possessive-locative", "2023 жылдың 8 қыркүйегінде"),
        (D(2023, 9, 8), "жылғы", "locative", "2023 жылғы 8 қыркүйекте"),
        (D(2023, 9, 8), "жылғы", "attributive", "2023 жылғы 8 қыркүйектегі"),
        (D(2024, 12, 1), "жылы", "genitive", "2024 жылы 1 желтоқсанның"),
        (D(2024, 7, 1), "ж.", "nominative", "2024 ж. 1 шілде"),
        (D(2024, 7, 1), "day-first", "locative", "1 шілде 2024 жыл"),
        (D(2024, 7, 1), "numeric", "locative", "01.07.2024"),
    ],
)
def test_format_date_kk(d, style, case, expected):
    assert format_date_kk(d, style, case) == expected


def test_format_money_and_period():
    assert format_money_kk(Decimal("777895"), "EUR") == "777 895 еуро"
    assert format_money_kk(Decimal("1234.5"), "USD", NBSP) == f"1{NBSP}234,5 АҚШ доллары"
    assert format_money_kk(Decimal("0"), "KZT") == "0 теңге"
    assert format_period_kk(2024, 2026) == "2024-2026 жж."
    assert format_period_kk(2024, 2026, "–") == "2024–2026 жж."
    with pytest.raises(InputError):
        format_money_kk(Decimal("-1"), "EUR")
    with pytest.raises(InputError):
        format_money_kk(Decimal("1"), "GBP")


# --- properties ---------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.dates(D(1900, 1, 1), D(2100, 12, 31)), st.sampled_from(DATE_STYLES), st.sampled_from(DATE_CASES))
def test_date_round_trip(d, style, case):
    assert parse_date(format_date_kk(d, style, case)) == d


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10**15 - 1),
    st.integers(0, 2),
    st.sampled_from([" ", NBSP, NNBSP]),
    st.sampled_from(sorted(nz.CURRENCIES)),
)
def test_money_round_trip(units, places, sep, currency):
    amount = Decimal(units).scaleb(-places)
    text = format_money_kk(amount, currency, sep)
    assert parse_money(text) == (amount, currency)
    assert NORMALIZERS["money"](text)["amount"] == format(amount, "f")


@settings(max_examples=200, deadline=None)
@given(st.integers(1900, 2100), st.integers(1900, 2100), st.sampled_from(["-", "\u2013", "\u2014"]))
def test_period_round_trip(a, b, dash):
    start, end = min(a, b), max(a, b)
    assert parse_period(format_period_kk(start, end, dash)) == (start, end)


VOCAB = [
    *sorted({w for ws in MONTH_FORMS.values() for w in ws}),
    "ақпанн",
    "қыркүйекі",
    "2025",
    "21",
    "0",
    "00",
    "29",
    "31",
    "1899",
    "1e400",
    "12,5",
    "-5",
    "٢١",
    "１２",
    "999999999999999999999",
    "жылғы",
    "жылы",
    "жылдың",
    "жыл",
    "ж.",
    "ж",
    "жж.",
    "жылдар",
    "аралығында",
    "айында",
    "еуро",
    "еуроны",
    "теңгеге",
    "АҚШ",
    "доллары",
    "ресей",
    "рублі",
    "фунт",
    "€",
    "$",
    "₸",
    "EUR",
    "мың",
    "млн",
    "млрд",
    "млн.",
    "миллион",
    "астам",
    "жуық",
    "дейін",
    "шамамен",
    "кем",
    "дегенде",
    "емес",
    "адам",
    "қатысушылар",
    "-нен",
    "-ге",
    "-дей",
    "-і",
    "үш",
    "он",
    "екі",
    "тоқсан",
    "ішінде",
    "жылдық",
    "ҚҚ",
    "Қ.Қ.",
    "ЖШС",
    "қоғамдық",
    "қоры",
    "ТОО",
    "(",
    ")",
    "«",
    "»",
    "-",
    "–",
    ",",
    ".",
]
kazakh_texts = st.lists(
    st.tuples(st.sampled_from(VOCAB), st.sampled_from([" ", "", "-", NBSP, NNBSP, "\u2013", "\n"])),
    min_size=1,
    max_size=7,
).map(lambda parts: "".join(w + s for w, s in parts))


@pytest.mark.parametrize("name", sorted(NORMALIZERS))
@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), kazakh_texts))
def test_any_text_gives_a_result_or_input_error(name, text):
    try:
        result = NORMALIZERS[name](text)
    except InputError:
        return
    assert isinstance(result, dict)
    json.dumps(result, ensure_ascii=False)


def test_normalizers_table():
    assert set(NORMALIZERS) == {"date", "money", "period", "count", "duration", "legal-form"}


def test_public_functions_have_docstrings_and_type_hints():
    for name, obj in vars(nz).items():
        if inspect.isfunction(obj) and obj.__module__ == nz.__name__:
            assert obj.__doc__ and "\n" not in obj.__doc__.strip(), name
            assert "return" in obj.__annotations__, name


@pytest.mark.parametrize(
    "text, amount, currency, qualifier",
    [
        ("шамамен 650 млн теңге", "650000000", "KZT", "about"),
        ("1,2 млн еуроға жуық", "1200000", "EUR", "about"),
        ("1 млн еуродан астам", "1000000", "EUR", "more_than"),
        ("600 млн теңгеге дейін", "600000000", "KZT", "up_to"),
        ("кемінде 500 000 еуро", "500000", "EUR", "at_least"),
        ("777 895 еуроны", "777895", "EUR", "exact"),
    ],
)
def test_amounts_keep_how_exactly_they_are_stated(text, amount, currency, qualifier):
    money = nz.parse_money_qualified(text)
    assert (format(money.amount, "f"), money.currency, money.qualifier) == (amount, currency, qualifier)


def test_a_postposition_needs_its_case_before_it():
    with pytest.raises(InputError) as caught:
        nz.parse_money_qualified("1 млн еуро астам")
    assert caught.value.problems[0].code == "unexpected-words"


@pytest.mark.parametrize("text, value", [("12 ұсыным", 12), ("5 ұсыныс", 5), ("3 шешім", 3)])
def test_a_count_of_what_an_event_produced(text, value):
    assert nz.parse_count(text) == (value, "exact")


@pytest.mark.parametrize(
    "text, shape",
    [
        ("2026 жылғы 12-13 наурызда", {"date": "2026-03-12", "precision": "day", "end_date": "2026-03-13"}),
        ("2026 жылғы наурызда", {"date": "2026-03-01", "precision": "month"}),
        ("2026 жылғы наурыз айында", {"date": "2026-03-01", "precision": "month"}),
        ("2026 жылы", {"date": "2026-01-01", "precision": "year"}),
        ("2025 жылғы 21 қарашада", {"date": "2025-11-21", "precision": "day"}),
    ],
)
def test_dates_keep_their_precision_and_ranges(text, shape):
    assert nz.parse_date_value(text).to_json() == shape


def test_a_range_of_days_runs_forward():
    with pytest.raises(InputError) as caught:
        nz.parse_date_value("2026 жылғы 13-12 наурызда")
    assert caught.value.problems[0].code == "impossible-date"
