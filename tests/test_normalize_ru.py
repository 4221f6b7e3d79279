"""Tests for kz_rule_of_law.curation.normalize_ru: Russian dates, money, periods, counts, durations, legal forms."""

from __future__ import annotations

import datetime
import inspect
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kz_rule_of_law.cli import app
from kz_rule_of_law.curation import legal_forms
from kz_rule_of_law.curation import normalize as kk
from kz_rule_of_law.curation import normalize_ru as ru
from kz_rule_of_law.curation.normalize_ru import (
    CASES,
    COUNTED_NOUNS,
    CURRENCIES,
    DATE_STYLES,
    NORMALIZERS,
    PERIOD_STYLES,
    QUALIFIER_WORDS,
    format_count_ru,
    format_date_ru,
    format_duration_ru,
    format_legal_form_ru,
    format_money_ru,
    format_numeral_ru,
    format_period_ru,
    parse_count,
    parse_date,
    parse_duration,
    parse_legal_form,
    parse_money,
    parse_period,
)
from kz_rule_of_law.curation.values import QUALIFIERS, Count, DateValue, Duration, Money, Period
from kz_rule_of_law.errors import InputError

D = datetime.date
NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


def rejects(parse, text: str, bad: str | None = None) -> InputError:
    """Assert that parse(text) raises InputError naming the input and (if given) the bad part."""
    with pytest.raises(InputError) as info:
        parse(text)
    err = info.value
    assert err.problems[0].value == text
    assert (bad or text) in str(err)
    return err


# --- dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("21 ноября 2025 года", {"date": "2025-11-21", "precision": "day"}),
        ("21 ноября 2025 г.", {"date": "2025-11-21", "precision": "day"}),
        ("21 ноября 2025г.", {"date": "2025-11-21", "precision": "day"}),
        ("21 ноября 2025", {"date": "2025-11-21", "precision": "day"}),
        ("21-го ноября 2025 года", {"date": "2025-11-21", "precision": "day"}),
        ("21.11.2025", {"date": "2025-11-21", "precision": "day"}),
        ("1.3.2024 г.", {"date": "2024-03-01", "precision": "day"}),
        ("2025-11-21", {"date": "2025-11-21", "precision": "day"}),
        (f"  21{NBSP}НОЯБРЯ 2025{NNBSP}года ", {"date": "2025-11-21", "precision": "day"}),
        ("29 февраля 2024 года", {"date": "2024-02-29", "precision": "day"}),
        ("в ноябре 2025 года", {"date": "2025-11", "precision": "month"}),
        ("в мае 2024 г.", {"date": "2024-05", "precision": "month"}),
        ("Ноябрь 2025 года", {"date": "2025-11", "precision": "month"}),
        ("март 2024", {"date": "2024-03", "precision": "month"}),
        ("2025 год", {"date": "2025", "precision": "year"}),
        ("в 2025 году", {"date": "2025", "precision": "year"}),
        ("2025 г.", {"date": "2025", "precision": "year"}),
        ("2025", {"date": "2025", "precision": "year"}),
        ("с 19 по 21 августа 2024 года", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("в период с 19 по 21 августа 2024 года", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("19–21 августа 2024 г.", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("19-21 августа 2024 г.", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("с 30 сентября по 2 октября 2025 года", {"date": "2025-09-30", "precision": "day", "end_date": "2025-10-02"}),
        ("30 сентября – 2 октября 2025 года", {"date": "2025-09-30", "precision": "day", "end_date": "2025-10-02"}),
        (
            "с 30 декабря 2024 года по 2 января 2025 года",
            {"date": "2024-12-30", "precision": "day", "end_date": "2025-01-02"},
        ),
        ("19.08.2024–21.08.2024", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("2024-08-19 – 2024-08-21", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("с сентября по ноябрь 2025 года", {"date": "2025-09", "precision": "month", "end_date": "2025-11"}),
        ("с января до марта 2025 года", {"date": "2025-01", "precision": "month", "end_date": "2025-03"}),
        ("сентябрь–ноябрь 2025 г.", {"date": "2025-09", "precision": "month", "end_date": "2025-11"}),
        ("в сентябре–ноябре 2025 г.", {"date": "2025-09", "precision": "month", "end_date": "2025-11"}),
        ("с 2024 по 2026 год", {"date": "2024", "precision": "year", "end_date": "2026"}),
    ],
)
def test_date_forms(text, expected):
    assert NORMALIZERS["date"](text) == expected


# Written out by hand, not generated, so that the module's declension is checked independently.
MONTH_FORMS = {
    1: ("январь", "января", "январе"),
    2: ("февраль", "февраля", "феврале"),
    3: ("март", "марта", "марте"),
    4: ("апрель", "апреля", "апреле"),
    5: ("май", "мая", "мае"),
    6: ("июнь", "июня", "июне"),
    7: ("июль", "июля", "июле"),
    8: ("август", "августа", "августе"),
    9: ("сентябрь", "сентября", "сентябре"),
    10: ("октябрь", "октября", "октябре"),
    11: ("ноябрь", "ноября", "ноябре"),
    12: ("декабрь", "декабря", "декабре"),
}


@pytest.mark.parametrize("month", sorted(MONTH_FORMS))
def test_every_month_in_the_nominative_genitive_and_prepositional(month):
    nominative, genitive, prepositional = MONTH_FORMS[month]
    assert parse_date(f"5 {genitive} 2024 года") == DateValue(f"2024-{month:02d}-05", "day")
    assert parse_date(f"в {prepositional} 2024 года") == DateValue(f"2024-{month:02d}", "month")
    assert parse_date(f"{nominative} 2024 г.") == DateValue(f"2024-{month:02d}", "month")


@pytest.mark.parametrize(
    "text,bad",
    [
        ("31 июня 2025 года", "no 31 June in 2025"),
        ("29 февраля 2023 года", "no 29 February in 2023"),
        ("0 мая 2025 года", "no 0 May"),
        ("31.04.2025", "no 31 April"),
        ("21.13.2025", "no month 13"),
        ("21 ноября 1899 года", "1899"),
        ("21 ноябре 2025 года", "'ноябре'"),  # a day takes the genitive
        ("21 ноябрь 2025 года", "'ноябрь'"),
        ("в ноября 2025 года", "'ноября'"),  # в takes the prepositional
        ("ноябре 2025 года", "'ноябре'"),
        ("в 2025 года", "'года'"),
        ("21 ноября 2025 год", "'год'"),
        ("21 ноябряя 2025 года", "'ноябряя'"),
        ("21 november 2025", "'november'"),
        ("21 ноября", "no year"),
        ("ноябрь", "no year"),
        ("21 ноября 2025 года состоялось", "'состоялось'"),
        ("с 21 по 19 августа 2024 года", "before it starts"),
        ("с 19 по 21 августа", "no year"),
        ("19 августа – ноябрь 2024 года", "same kind"),
        ("19-21-23 августа 2024 года", "more than one dash"),
        ("11/21/2025", None),
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
    "text,amount,currency,qualifier",
    [
        ("777 895 евро", "777895", "EUR", "exact"),
        (f"777{NBSP}895 евро", "777895", "EUR", "exact"),
        (f"777{NNBSP}895 евро", "777895", "EUR", "exact"),
        (f"777{THIN}895 евро", "777895", "EUR", "exact"),
        ("739 тыс. евро", "739000", "EUR", "exact"),
        ("1,2 млн евро", "1200000", "EUR", "exact"),
        ("2,5 млрд тенге", "2500000000", "KZT", "exact"),
        ("300 000 долларов США", "300000", "USD", "exact"),
        ("500 тыс. рублей", "500000", "RUB", "exact"),
        ("€1,2 млн", "1200000", "EUR", "exact"),
        ("1 234 567,89 тенге", "1234567.89", "KZT", "exact"),
        ("12,50 евро", "12.50", "EUR", "exact"),
        ("3 миллиона тенге", "3000000", "KZT", "exact"),
        ("1,5 миллиарда тенге", "1500000000", "KZT", "exact"),
        ("5 тысяч евро", "5000", "EUR", "exact"),
        ("около 1,2 млн евро", "1200000", "EUR", "about"),
        ("порядка 500 тыс. рублей", "500000", "RUB", "about"),
        ("примерно 40 000 евро", "40000", "EUR", "about"),
        ("приблизительно 40 000 евро", "40000", "EUR", "about"),
        ("более 300 000 долларов США", "300000", "USD", "more_than"),
        ("свыше 2 млрд тенге", "2000000000", "KZT", "more_than"),
        ("больше 10 евро", "10", "EUR", "more_than"),
        ("не менее 5 000 долларов", "5000", "USD", "at_least"),
        ("до 100 000 евро", "100000", "EUR", "up_to"),
        ("менее 1 млн тенге", "1000000", "KZT", "less_than"),
        ("100 ₸", "100", "KZT", "exact"),
        ("EUR 100", "100", "EUR", "exact"),
        ("100 руб.", "100", "RUB", "exact"),
    ],
)
def test_money_forms(text, amount, currency, qualifier):
    assert parse_money(text) == Money(Decimal(amount), currency, qualifier)
    assert NORMALIZERS["money"](text) == {"amount": amount, "currency": currency, "qualifier": qualifier}


@pytest.mark.parametrize(
    "word,currency",
    [
        *[(w, "EUR") for w in ["евро"]],
        *[(w, "KZT") for w in ["тенге", "тг"]],
        *[
            (w, "USD")
            for w in [
                "доллар США",
                "доллара США",
                "долларов США",
                "долларах США",
                "долларам США",
                "долларами США",
                "долларом США",
                "доллары",
                "долларов",
            ]
        ],
        *[
            (w, "RUB")
            for w in [
                "рубль",
                "рубля",
                "рублей",
                "рублях",
                "рублям",
                "рублями",
                "рублем",
                "рублём",
                "рубле",
                "рубли",
                "российских рублей",
                "российского рубля",
            ]
        ],
    ],
)
def test_currency_words_in_every_case_and_number(word, currency):
    assert parse_money(f"1 000 {word}") == Money(Decimal(1000), currency)


@pytest.mark.parametrize(
    "text,bad",
    [
        ("1.200.000 тенге", "a dot could mean either"),
        ("1.2 млн евро", "a dot could mean either"),
        ("77 78 95 евро", "77 78 95"),
        ("7 7895 евро", "7 7895"),
        ("77а евро", "77а"),
        ("-5 евро", "without a sign"),
        ("1 234 567 890 123 456 евро", "more than 15 digits"),
        ("007 евро", "leading zero"),
        ("5 фунтов", "'фунтов'"),
        ("777 895", "no currency"),
        ("евро", None),
        ("777 895 евро составила", "'составила'"),
        ("около евро", None),
    ],
)
def test_bad_money_raises_input_error(text, bad):
    rejects(parse_money, text, bad)


# --- periods ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024–2026 гг.",
        "2024-2026 гг",
        "2024 - 2026 гг.",
        "2024-2026 годы",
        "2024–2026 годов",
        "в 2024–2026 годах",
        "в 2024–2026 гг.",
        "на 2024–2026 годы",
        "(2024–2026 гг.)",
        "2024-2026",
        "с 2024 по 2026 год",
        "с 2024 по 2026 годы",
        "с 2024 года по 2026 год",
        "с 2024 г. по 2026 г.",
        "с 2024 до 2026 года",
        "с начала 2024 года до конца 2026 года",
        "с начала 2024 г. по конец 2026 г.",
        "в период 2024–2026 гг.",
        "на период 2024–2026 годов",
        "на период с 2024 по 2026 год",
    ],
)
def test_period_forms(text):
    assert parse_period(text) == Period(2024, 2026)
    assert NORMALIZERS["period"](text) == {"start_year": 2024, "end_year": 2026}


@pytest.mark.parametrize(
    "text,bad",
    [
        ("2026-2024 гг.", "end year 2024 is before start year 2026"),
        ("1899-2026", "1899"),
        ("2024-26 гг.", None),
        ("в 2024–2026 годов", "'годов'"),
        ("2024–2026 месяцы", "'месяцы'"),
        ("2024", None),
        ("с 2024 по 2026 год включительно", None),
    ],
)
def test_bad_periods_raise_input_error(text, bad):
    rejects(parse_period, text, bad)


# --- counts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("более 80", {"value": 80, "qualifier": "more_than"}),
        ("свыше 100", {"value": 100, "qualifier": "more_than"}),
        ("около 50", {"value": 50, "qualifier": "about"}),
        ("порядка 40", {"value": 40, "qualifier": "about"}),
        ("до 30", {"value": 30, "qualifier": "up_to"}),
        ("не менее 20", {"value": 20, "qualifier": "at_least"}),
        ("менее 10", {"value": 10, "qualifier": "less_than"}),
        ("80", {"value": 80, "qualifier": "exact"}),
        (f"1{NBSP}200", {"value": 1200, "qualifier": "exact"}),
        ("более 80 участников", {"value": 80, "qualifier": "more_than", "noun": "участник"}),
        ("около 50 человек", {"value": 50, "qualifier": "about", "noun": "человек"}),
        ("12 рекомендаций", {"value": 12, "qualifier": "exact", "noun": "рекомендация"}),
        ("3 рекомендации", {"value": 3, "qualifier": "exact", "noun": "рекомендация"}),
        ("21 рекомендация", {"value": 21, "qualifier": "exact", "noun": "рекомендация"}),
        ("2 участника", {"value": 2, "qualifier": "exact", "noun": "участник"}),
        ("более 21 участника", {"value": 21, "qualifier": "more_than", "noun": "участник"}),
        ("15 представителей", {"value": 15, "qualifier": "exact", "noun": "представитель"}),
        ("10 мероприятий", {"value": 10, "qualifier": "exact", "noun": "мероприятие"}),
        ("2 заседания", {"value": 2, "qualifier": "exact", "noun": "заседание"}),
        ("7 решений", {"value": 7, "qualifier": "exact", "noun": "решение"}),
        ("4 страны", {"value": 4, "qualifier": "exact", "noun": "страна"}),
        ("30 случаев", {"value": 30, "qualifier": "exact", "noun": "случай"}),
        ("5 судей", {"value": 5, "qualifier": "exact", "noun": None}),  # судья or судей? no rule decides
        ("6 дел", {"value": 6, "qualifier": "exact", "noun": None}),
        ("5 стран", {"value": 5, "qualifier": "exact", "noun": None}),  # a bare stem: страна? стран? no rule decides
    ],
)
def test_count_forms(text, expected):
    assert NORMALIZERS["count"](text) == expected
    assert parse_count(text).qualifier in QUALIFIERS


@pytest.mark.parametrize(
    "text,bad",
    [
        ("более", None),
        ("восемьдесят", None),
        ("80а", "80а"),
        ("80,5", "not a whole number"),
        ("80 участников семинара", "'семинара'"),
        ("80 participants", "not a Russian noun"),
        ("более более 80", None),
    ],
)
def test_bad_counts_raise_input_error(text, bad):
    rejects(parse_count, text, bad)


# --- durations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("три года", {"years": 3}),
        ("в течение трёх лет", {"years": 3}),
        ("в течение трех лет", {"years": 3}),
        ("3 года", {"years": 3}),
        ("24 месяца", {"months": 24}),
        ("на 24 месяца", {"months": 24}),
        ("один год", {"years": 1}),
        ("одного года", {"years": 1}),
        ("пять лет", {"years": 5}),
        ("пяти лет", {"years": 5}),
        ("восьми месяцев", {"months": 8}),
        ("двадцать один год", {"years": 21}),
        ("двадцати одного года", {"years": 21}),
        ("сорока лет", {"years": 40}),
        ("девяноста девяти лет", {"years": 99}),
        ("пятидесяти лет", {"years": 50}),
        ("восьмидесяти пяти лет", {"years": 85}),
        ("двенадцать месяцев", {"months": 12}),
        ("четырьмя годами", {"years": 4}),
        ("сроком на два года", {"years": 2}),
        ("за пять лет", {"years": 5}),
        ("полтора года", {"months": 18}),
        ("полутора лет", {"months": 18}),
        ("полгода", {"months": 6}),
        ("1,5 года", {"months": 18}),
        ("в течение полутора лет", {"months": 18}),
    ],
)
def test_duration_forms(text, expected):
    assert NORMALIZERS["duration"](text) == expected


@pytest.mark.parametrize(
    "text,bad",
    [
        ("0 лет", "out of range"),
        ("пять двадцать лет", "out of order"),
        ("двадцать трем годам", "different cases"),
        ("пятт лет", "'пятт'"),
        ("три дня", "'дня'"),
        ("три годов", "'годов'"),
        ("полтора месяца", "not a whole number of months"),
        ("три года назад", "'назад'"),
        ("года", "no number before 'года'"),
        ("2,5 года", "not a whole number"),
    ],
)
def test_bad_durations_raise_input_error(text, bad):
    rejects(parse_duration, text, bad)


@pytest.mark.parametrize(
    "n,case,expected",
    [
        (3, "gen", "трех"),
        (8, "gen", "восьми"),
        (8, "ins", "восемью"),
        (21, "gen", "двадцати одного"),
        (40, "dat", "сорока"),
        (50, "ins", "пятьюдесятью"),
        (90, "nom", "девяносто"),
        (11, "prep", "одиннадцати"),
    ],
)
def test_numerals_decline_by_rule(n, case, expected):
    assert format_numeral_ru(n, case) == expected


# --- legal forms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,code",
    [
        ("ОФ", "ҚҚ"),
        ("О.Ф.", "ҚҚ"),
        ("общественный фонд", "ҚҚ"),
        ("общественного фонда", "ҚҚ"),
        ("Общественным фондом", "ҚҚ"),
        ("общественном фонде", "ҚҚ"),
        ("общественные фонды", "ҚҚ"),
        ("ОО", "ҚБ"),
        ("общественное объединение", "ҚБ"),
        ("общественного объединения", "ҚБ"),
        ("общественному объединению", "ҚБ"),
        ("общественным объединением", "ҚБ"),
        ("РОО", "РҚБ"),
        ("республиканского общественного объединения", "РҚБ"),
        ("ТОО", "ЖШС"),
        ("товарищество с ограниченной ответственностью", "ЖШС"),
        ("товариществом с ограниченной ответственностью", "ЖШС"),
        ("товариществе с ограниченной ответственностью", "ЖШС"),
        ("АО", "АҚ"),
        ("акционерное общество", "АҚ"),
        ("акционерного общества", "АҚ"),
        ("акционерных обществ", "АҚ"),
        ("НАО", "КЕАҚ"),
        ("некоммерческое акционерное общество", "КЕАҚ"),
        ("некоммерческим акционерным обществом", "КЕАҚ"),
        ("РГП", "РМК"),
        ("республиканское государственное предприятие", "РМК"),
        ("республиканского государственного предприятия", "РМК"),
        ("ОЮЛ", "ЗТБ"),
        ("объединение юридических лиц", "ЗТБ"),
        ("объединения юридических лиц", "ЗТБ"),
        ("объединением юридических лиц", "ЗТБ"),
    ],
)
def test_legal_forms_by_abbreviation_and_any_case_of_the_name(text, code):
    assert parse_legal_form(text) is legal_forms.LEGAL_FORMS[code]


@pytest.mark.parametrize(
    "text", ["ООО", "ИП", "общественный", "общественной фонд", "общественного фонд", "фонд", "«Адам» ОФ"]
)
def test_unknown_legal_form_raises_input_error(text):
    rejects(parse_legal_form, text)


def test_legal_form_json_has_every_field():
    assert NORMALIZERS["legal-form"]("ОЮЛ") == {
        "code": "ЗТБ",
        "name_kk": "заңды тұлғалар бірлестігі",
        "name_ru": "объединение юридических лиц",
        "abbr_ru": "ОЮЛ",
        "name_en": "Association of Legal Entities",
        "abbr_en": "ALE",
    }


def test_every_normalizer_reads_legal_forms_from_one_table():
    assert kk.LEGAL_FORMS is legal_forms.LEGAL_FORMS
    assert kk.parse_legal_form("заңды тұлғалар бірлестігі").code == "ЗТБ"
    assert kk.parse_legal_form("ОЮЛ") == legal_forms.LEGAL_FORMS["ЗТБ"]


# --- round trips --------------------------------------------------------------------------------------

dates = st.dates(D(1900, 1, 1), D(2100, 12, 31))


@st.composite
def date_values(draw):
    """A date, month, year or range with the precision and the style a release writes it in."""
    precision = draw(st.sampled_from(["day", "month", "year"]))
    start = draw(dates)
    end = None
    if start < D(2100, 12, 31) and draw(st.booleans()):
        end = draw(st.dates(start + datetime.timedelta(days=1), D(2100, 12, 31)))
        if precision == "month" and (end.year, end.month) == (start.year, start.month):
            end = None
        if precision == "year" and end.year == start.year:
            end = None
    return start, precision, end, draw(st.sampled_from(DATE_STYLES)), draw(st.sampled_from(["-", "–", "—"]))


def expected_date(start: D, precision: str, end: D | None) -> DateValue:
    """The DateValue of a formatted date."""
    cut = {"day": 10, "month": 7, "year": 4}[precision]
    return DateValue(start.isoformat()[:cut], precision, end.isoformat()[:cut] if end else None)


@settings(max_examples=300, deadline=None)
@given(date_values())
def test_date_round_trip(value):
    start, precision, end, style, dash = value
    text = format_date_ru(start, precision, end, style, dash)
    assert parse_date(text) == expected_date(start, precision, end), text


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10**12),
    st.integers(0, 2),
    st.sampled_from([" ", NBSP, NNBSP, THIN]),
    st.sampled_from(sorted(CURRENCIES)),
    st.sampled_from(QUALIFIERS),
    st.sampled_from([(n, c) for n in ("sg", "pl") for c in CASES]),
    st.sampled_from([None, "тыс.", "млн", "млрд"]),
)
def test_money_round_trip(units, places, sep, currency, qualifier, form, multiplier):
    amount = Decimal(units).scaleb(-places)
    text = format_money_ru(amount, currency, qualifier, sep, form, multiplier)
    parsed = parse_money(text)
    assert (parsed.amount, parsed.currency, parsed.qualifier) == (amount, currency, qualifier), text
    assert Decimal(NORMALIZERS["money"](text)["amount"]) == amount


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1900, 2100),
    st.integers(1900, 2100),
    st.sampled_from(PERIOD_STYLES),
    st.sampled_from(["-", "\u2013", "\u2014"]),
)
def test_period_round_trip(a, b, style, dash):
    start, end = min(a, b), max(a, b)
    assert parse_period(format_period_ru(start, end, style, dash)) == Period(start, end)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10**9),
    st.sampled_from([w for ws in QUALIFIER_WORDS.values() for w in ws] + [None]),
    st.sampled_from([None, *COUNTED_NOUNS]),
    st.sampled_from([" ", NBSP, NNBSP]),
)
def test_count_round_trip(value, word, noun, sep):
    qualifier = ru._QUALIFIER_WORDS[word][0] if word else "exact"
    text = format_count_ru(value, qualifier, noun, sep, word)
    assert parse_count(text) == Count(value, qualifier, noun, noun is not None), text


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 99),
    st.sampled_from(["years", "months"]),
    st.booleans(),
    st.sampled_from(CASES),
    st.sampled_from([None, "в течение", "на", "сроком на", "за"]),
)
def test_duration_round_trip(n, unit, words, case, prefix):
    value = Duration(**{unit: n})
    text = format_duration_ru(value, words, case, prefix)
    assert parse_duration(text) == value, text


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(list(legal_forms.LEGAL_FORMS.values())),
    st.sampled_from(CASES),
    st.sampled_from(["sg", "pl"]),
    st.sampled_from([str.lower, str.upper, str.capitalize]),
)
def test_legal_form_round_trip(lf, case, number, letters):
    assert parse_legal_form(letters(format_legal_form_ru(lf, case, number))) is lf


# --- any text -----------------------------------------------------------------------------------------

VOCAB = [
    *sorted({w for ws in MONTH_FORMS.values() for w in ws}),
    "ноябряя",
    "2025",
    "21",
    "0",
    "00",
    "31",
    "1899",
    "1e400",
    "1,2",
    "1.2",
    "1.200.000",
    "-5",
    "٢١",
    "１２",
    "999999999999999999999",
    "года",
    "год",
    "году",
    "г.",
    "г",
    "гг.",
    "годы",
    "годах",
    "лет",
    "месяца",
    "месяцев",
    "с",
    "по",
    "до",
    "в",
    "на",
    "начала",
    "конца",
    "в течение",
    "евро",
    "тенге",
    "долларов",
    "США",
    "рублей",
    "€",
    "$",
    "₸",
    "EUR",
    "тыс.",
    "млн",
    "млрд",
    "миллиона",
    "около",
    "более",
    "не",
    "менее",
    "свыше",
    "порядка",
    "участников",
    "человек",
    "рекомендаций",
    "три",
    "трех",
    "двадцати",
    "одного",
    "полтора",
    "полгода",
    "ОФ",
    "О.Ф.",
    "общественного",
    "фонда",
    "объединение",
    "юридических",
    "лиц",
    "ТОО",
    "(",
    ")",
    "-",
    "–",
    ",",
    ".",
]
russian_texts = st.lists(
    st.tuples(st.sampled_from(VOCAB), st.sampled_from([" ", "", "-", NBSP, NNBSP, "\u2013", "\n"])),
    min_size=1,
    max_size=7,
).map(lambda parts: "".join(w + s for w, s in parts))


@pytest.mark.parametrize("name", sorted(NORMALIZERS))
@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), russian_texts))
def test_any_text_gives_a_result_or_input_error(name, text):
    try:
        result = NORMALIZERS[name](text)
    except InputError:
        return
    assert isinstance(result, dict)
    json.dumps(result, ensure_ascii=False)


def test_formatters_refuse_bad_values_with_input_error():
    for call in (
        lambda: format_money_ru(Decimal(-1), "EUR"),
        lambda: format_money_ru(Decimal(1), "GBP"),
        lambda: format_date_ru("2025-11-21"),
        lambda: format_period_ru(2024, 2026, "x"),
        lambda: format_count_ru(1, "roughly"),
        lambda: format_count_ru(1, "about", word="более"),
        lambda: format_duration_ru(Duration(years=0)),
        lambda: format_numeral_ru(100),
        lambda: format_legal_form_ru(legal_forms.LEGAL_FORMS["ҚҚ"], "loc"),
    ):
        with pytest.raises(InputError):
            call()


def test_normalizers_table():
    assert set(NORMALIZERS) == set(kk.NORMALIZERS)


def test_functions_have_docstrings_and_type_hints():
    for name, obj in vars(ru).items():
        if inspect.isfunction(obj) and obj.__module__ == ru.__name__:
            assert obj.__doc__ and "\n" not in obj.__doc__.strip(), name
            assert "return" in obj.__annotations__, name


# --- command line -------------------------------------------------------------------------------------


def test_cli_normalizes_russian_with_lang_ru():
    result = CliRunner().invoke(app, ["normalize", "--lang", "ru", "money", "около 1,2 млн евро"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"amount": "1200000", "currency": "EUR", "qualifier": "about"}


def test_cli_defaults_to_kazakh():
    result = CliRunner().invoke(app, ["normalize", "date", "2025 жылғы 21 қарашада"])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"date": "2025-11-21"}


def test_cli_russian_error_exits_2_naming_the_text():
    result = CliRunner().invoke(app, ["normalize", "--lang", "ru", "date", "31 июня 2025 года"])
    assert result.exit_code == 2
    assert "no 31 June in 2025" in result.stderr and result.stdout == ""


def test_cli_unknown_language_exits_2():
    result = CliRunner().invoke(app, ["normalize", "--lang", "de", "date", "21. November 2025"])
    assert result.exit_code == 2 and "--lang" in result.stderr and result.stdout == ""


def test_russian_errors_carry_registered_codes():
    assert rejects(parse_date, "31 июня 2025 года").problems[0].code == "impossible-date"
    assert rejects(parse_date, "21 ноябре 2025 года").problems[0].code == "unknown-month"
    assert rejects(parse_money, "1.200.000 тенге").problems[0].code == "malformed-number"
    assert rejects(parse_count, "более").problems[0].code == "unrecognised-count"
    assert rejects(parse_duration, "0 лет").problems[0].code == "zero-duration"
