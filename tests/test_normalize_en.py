"""Tests for kz_rule_of_law.curation.normalize_en: English dates, money, periods, counts, durations, legal forms."""

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
from kz_rule_of_law.curation import normalize_en as en
from kz_rule_of_law.curation.normalize_en import (
    COUNTED_NOUNS,
    CURRENCIES,
    DATE_STYLES,
    LEGAL_STYLES,
    MONEY_STYLES,
    NORMALIZERS,
    PERIOD_STYLES,
    QUALIFIER_WORDS,
    format_count_en,
    format_date_en,
    format_duration_en,
    format_legal_form_en,
    format_money_en,
    format_number_en,
    format_period_en,
    parse_count,
    parse_date,
    parse_duration,
    parse_legal_form,
    parse_money,
    parse_period,
)
from kz_rule_of_law.curation.values import Count, DateValue, Duration, Money, Period
from kz_rule_of_law.errors import InputError

D = datetime.date
NBSP = "\u00a0"


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
        ("21 November 2025", {"date": "2025-11-21", "precision": "day"}),
        ("November 21, 2025", {"date": "2025-11-21", "precision": "day"}),
        ("November 21 2025", {"date": "2025-11-21", "precision": "day"}),
        ("21 Nov 2025", {"date": "2025-11-21", "precision": "day"}),
        ("21 Nov. 2025", {"date": "2025-11-21", "precision": "day"}),
        ("Sept. 3, 2024", {"date": "2024-09-03", "precision": "day"}),
        ("21st November 2025", {"date": "2025-11-21", "precision": "day"}),
        ("the 2nd of May 2024", {"date": "2024-05-02", "precision": "day"}),
        ("on 13 December 2024", {"date": "2024-12-13", "precision": "day"}),
        ("2025-11-21", {"date": "2025-11-21", "precision": "day"}),
        (f"21{NBSP}NOVEMBER 2025", {"date": "2025-11-21", "precision": "day"}),
        ("November 2025", {"date": "2025-11", "precision": "month"}),
        ("in November 2025", {"date": "2025-11", "precision": "month"}),
        ("Nov 2025", {"date": "2025-11", "precision": "month"}),
        ("2025", {"date": "2025", "precision": "year"}),
        ("in 2025", {"date": "2025", "precision": "year"}),
        ("19–21 August 2024", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("19-21 August 2024", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("19 August – 2 September 2024", {"date": "2024-08-19", "precision": "day", "end_date": "2024-09-02"}),
        ("August 19–21, 2024", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("August 30 – September 2, 2024", {"date": "2024-08-30", "precision": "day", "end_date": "2024-09-02"}),
        ("from 19 to 21 August 2024", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
        ("30 December 2024 – 2 January 2025", {"date": "2024-12-30", "precision": "day", "end_date": "2025-01-02"}),
        ("September–November 2025", {"date": "2025-09", "precision": "month", "end_date": "2025-11"}),
        ("between 2024 and 2026", {"date": "2024", "precision": "year", "end_date": "2026"}),
        ("2024-08-19–2024-08-21", {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}),
    ],
)
def test_date_forms(text, expected):
    assert NORMALIZERS["date"](text) == expected


@pytest.mark.parametrize(
    "text,bad",
    [
        ("31 June 2025", "no 31 June in 2025"),
        ("29 February 2023", "no 29 February in 2023"),
        ("0 May 2025", "no 0 May"),
        ("21nd November 2025", "'21nd'"),
        ("11th May 2025", None),
        ("11/12/2025", "ambiguous"),
        ("11.12.2025", "ambiguous"),
        ("21 Novembre 2025", "'novembre'"),
        ("21 November", None),
        ("November", None),
        ("21 November 1899", "1899"),
        ("21 November 2025 in Astana", None),
        ("21–19 August 2024", "before it starts"),
        ("19 August – November 2024", "same kind"),
        ("19-21-23 August 2024", "more than one dash"),
        ("", None),
    ],
)
def test_bad_dates_raise_input_error_naming_the_problem(text, bad):
    if text == "11th May 2025":  # 11th is right: it parses
        assert parse_date(text) == DateValue("2025-05-11", "day")
        return
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
        ("EUR 777,895", "777895", "EUR", "exact"),
        ("EUR777,895", "777895", "EUR", "exact"),
        ("€1.2 million", "1200000", "EUR", "exact"),
        ("USD 300,000", "300000", "USD", "exact"),
        ("KZT 650 million", "650000000", "KZT", "exact"),
        ("$300,000", "300000", "USD", "exact"),
        ("1.2 million euros", "1200000", "EUR", "exact"),
        ("777,895 euros", "777895", "EUR", "exact"),
        ("300,000 US dollars", "300000", "USD", "exact"),
        ("650 million tenge", "650000000", "KZT", "exact"),
        ("5,000 roubles", "5000", "RUB", "exact"),
        ("€1.2m", "1200000", "EUR", "exact"),
        ("$3bn", "3000000000", "USD", "exact"),
        ("€12.50", "12.50", "EUR", "exact"),
        ("about €1.2 million", "1200000", "EUR", "about"),
        ("some $300,000", "300000", "USD", "about"),
        ("approximately KZT 650 million", "650000000", "KZT", "about"),
        ("more than 1.2 million euros", "1200000", "EUR", "more_than"),
        ("over EUR 700,000", "700000", "EUR", "more_than"),
        ("at least $5,000", "5000", "USD", "at_least"),
        ("up to EUR 100,000", "100000", "EUR", "up_to"),
        ("less than KZT 1 billion", "1000000000", "KZT", "less_than"),
    ],
)
def test_money_forms(text, amount, currency, qualifier):
    assert parse_money(text) == Money(Decimal(amount), currency, qualifier)
    assert NORMALIZERS["money"](text) == {"amount": amount, "currency": currency, "qualifier": qualifier}


@pytest.mark.parametrize(
    "text,bad",
    [
        ("1,2 million euros", "'1,2'"),
        ("EUR 77,78,95", None),
        ("777 895 EUR", "exactly three digits"),
        ("EUR 1.200.000", None),
        ("-5 euros", "without a sign"),
        ("5 pounds", "'pounds'"),
        ("777,895", "no currency"),
        ("EUR 007", "leading zero"),
        ("€5 euros", "'euros'"),
        ("EUR 777,895 in grants", "'in grants'"),
    ],
)
def test_bad_money_raises_input_error(text, bad):
    rejects(parse_money, text, bad)


# --- periods ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024-2026",
        "2024–2026",
        "2024 – 2026",
        "2024 to 2026",
        "from 2024 to 2026",
        "between 2024 and 2026",
        "in 2024–2026",
        "for 2024-2026",
        "(2024–2026)",
        "2024–26",
        "the 2024–2026 period",
        "2024 through 2026",
    ],
)
def test_period_forms(text):
    assert parse_period(text) == Period(2024, 2026)
    assert NORMALIZERS["period"](text) == {"start_year": 2024, "end_year": 2026}


@pytest.mark.parametrize(
    "text,bad",
    [
        ("2026-2024", "end year 2024 is before start year 2026"),
        ("2024–23", "before start year"),
        ("1899-2026", "1899"),
        ("2024 and 2026", "between"),
        ("from 2024 and 2026", "between"),
        ("2024", None),
        ("2024-2026 onwards", None),
    ],
)
def test_bad_periods_raise_input_error(text, bad):
    rejects(parse_period, text, bad)


# --- counts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("more than 80", {"value": 80, "qualifier": "more_than"}),
        ("over 80", {"value": 80, "qualifier": "more_than"}),
        ("some 150", {"value": 150, "qualifier": "about"}),
        ("about 40", {"value": 40, "qualifier": "about"}),
        ("around 40", {"value": 40, "qualifier": "about"}),
        ("up to 30", {"value": 30, "qualifier": "up_to"}),
        ("at least 20", {"value": 20, "qualifier": "at_least"}),
        ("fewer than 10", {"value": 10, "qualifier": "less_than"}),
        ("80", {"value": 80, "qualifier": "exact"}),
        ("1,200", {"value": 1200, "qualifier": "exact"}),
        ("more than 80 participants", {"value": 80, "qualifier": "more_than", "noun": "participant"}),
        ("some 1,200 people", {"value": 1200, "qualifier": "about", "noun": "person"}),
        ("12 recommendations", {"value": 12, "qualifier": "exact", "noun": "recommendation"}),
        ("12 countries", {"value": 12, "qualifier": "exact", "noun": "country"}),
        ("5 witnesses", {"value": 5, "qualifier": "exact", "noun": "witness"}),
        ("1 judge", {"value": 1, "qualifier": "exact", "noun": "judge"}),
        ("3 cases", {"value": 3, "qualifier": "exact", "noun": None}),  # case or cas? the ending does not say
    ],
)
def test_count_forms(text, expected):
    assert NORMALIZERS["count"](text) == expected


@pytest.mark.parametrize(
    "text,bad",
    [
        ("more than", None),
        ("eighty", None),
        ("80a", "80a"),
        ("80.5", "not a whole number"),
        ("80 civil society representatives", "'society representatives'"),
        ("80 участников", "not an English noun"),
    ],
)
def test_bad_counts_raise_input_error(text, bad):
    rejects(parse_count, text, bad)


# --- durations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("three years", {"years": 3}),
        ("3 years", {"years": 3}),
        ("24 months", {"months": 24}),
        ("for three years", {"years": 3}),
        ("over 24 months", {"months": 24}),
        ("one year", {"years": 1}),
        ("a year", {"years": 1}),
        ("twenty-one years", {"years": 21}),
        ("twenty one years", {"years": 21}),
        ("ninety-nine years", {"years": 99}),
        ("a three-year", {"years": 3}),
        ("3-year", {"years": 3}),
        ("an eighteen-month", {"months": 18}),
        ("a year and a half", {"months": 18}),
        ("two and a half years", {"months": 30}),
        ("a period of five years", {"years": 5}),
    ],
)
def test_duration_forms(text, expected):
    assert NORMALIZERS["duration"](text) == expected


@pytest.mark.parametrize(
    "text,bad",
    [
        ("0 years", "out of range"),
        ("one years", "does not agree"),
        ("three year", "does not agree"),
        ("threee years", "'threee'"),
        ("one twenty years", "out of order"),
        ("three days", None),
        ("two and a half months", "half months"),
        ("three years ago", None),
    ],
)
def test_bad_durations_raise_input_error(text, bad):
    rejects(parse_duration, text, bad)


# --- legal forms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,code",
    [
        ("PF", "ҚҚ"),
        ("P.F.", "ҚҚ"),
        ("Public Foundation", "ҚҚ"),
        ("public foundation", "ҚҚ"),
        ("PA", "ҚБ"),
        ("Public Association", "ҚБ"),
        ("Republican Public Association", "РҚБ"),
        ("LLP", "ЖШС"),
        ("Limited Liability Partnership", "ЖШС"),
        ("JSC", "АҚ"),
        ("Joint-Stock Company", "АҚ"),
        ("joint stock company", "АҚ"),
        ("NJSC", "КЕАҚ"),
        ("Non-profit Joint-Stock Company", "КЕАҚ"),
        ("non-commercial joint-stock company", "КЕАҚ"),
        ("RSE", "РМК"),
        ("Republican State Enterprise", "РМК"),
        ("ALE", "ЗТБ"),
        ("Association of Legal Entities", "ЗТБ"),
    ],
)
def test_legal_forms_by_abbreviation_and_name(text, code):
    assert parse_legal_form(text) is legal_forms.LEGAL_FORMS[code]


@pytest.mark.parametrize("text", ["LLC", "Ltd", "public", "foundation", "PF Adam"])
def test_unknown_legal_form_raises_input_error(text):
    rejects(parse_legal_form, text)


# --- round trips --------------------------------------------------------------------------------------


@st.composite
def date_values(draw):
    """A date, month, year or range with the precision and the style a release writes it in."""
    precision = draw(st.sampled_from(["day", "month", "year"]))
    start = draw(st.dates(D(1900, 1, 1), D(2100, 12, 31)))
    end = None
    if start < D(2100, 12, 31) and draw(st.booleans()):
        end = draw(st.dates(start + datetime.timedelta(days=1), D(2100, 12, 31)))
        if precision == "month" and (end.year, end.month) == (start.year, start.month):
            end = None
        if precision == "year" and end.year == start.year:
            end = None
    return start, precision, end, draw(st.sampled_from(DATE_STYLES)), draw(st.sampled_from(["-", "–", "—"]))


@settings(max_examples=300, deadline=None)
@given(date_values())
def test_date_round_trip(value):
    start, precision, end, style, dash = value
    text = format_date_en(start, precision, end, style, dash)
    cut = {"day": 10, "month": 7, "year": 4}[precision]
    expected = DateValue(start.isoformat()[:cut], precision, end.isoformat()[:cut] if end else None)
    assert parse_date(text) == expected, text


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10**12),
    st.integers(0, 2),
    st.sampled_from(sorted(CURRENCIES)),
    st.sampled_from([w for ws in QUALIFIER_WORDS.values() for w in ws] + [None]),
    st.sampled_from(MONEY_STYLES),
    st.sampled_from([None, "thousand", "million", "billion", "m", "bn"]),
)
def test_money_round_trip(units, places, currency, word, style, multiplier):
    amount = Decimal(units).scaleb(-places)
    qualifier = en._QUALIFIER_WORDS[word] if word else "exact"
    text = format_money_en(amount, currency, qualifier, style, multiplier)
    if word:
        text = word + text.split(QUALIFIER_WORDS[qualifier][0], 1)[1]
    parsed = parse_money(text)
    assert (parsed.amount, parsed.currency, parsed.qualifier) == (amount, currency, qualifier), text


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1900, 2100),
    st.integers(1900, 2100),
    st.sampled_from(PERIOD_STYLES),
    st.sampled_from(["-", "\u2013", "\u2014"]),
)
def test_period_round_trip(a, b, style, dash):
    start, end = min(a, b), max(a, b)
    assert parse_period(format_period_en(start, end, style, dash)) == Period(start, end)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10**9),
    st.sampled_from([w for ws in QUALIFIER_WORDS.values() for w in ws] + [None]),
    st.sampled_from([None, *COUNTED_NOUNS]),
)
def test_count_round_trip(value, word, noun):
    qualifier = en._QUALIFIER_WORDS[word] if word else "exact"
    text = format_count_en(value, qualifier, noun, word)
    assert parse_count(text) == Count(value, qualifier, noun, noun is not None), text


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 99),
    st.sampled_from(["years", "months"]),
    st.booleans(),
    st.sampled_from([None, "for", "over", "within"]),
    st.booleans(),
)
def test_duration_round_trip(n, unit, words, prefix, adjective):
    value = Duration(**{unit: n})
    text = format_duration_en(value, words, prefix, adjective)
    assert parse_duration(text) == value, text


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(list(legal_forms.LEGAL_FORMS.values())), st.sampled_from(LEGAL_STYLES))
def test_legal_form_round_trip(lf, style):
    if style in ("abbreviation", "dotted") and lf.abbr_en is None:
        return
    assert parse_legal_form(format_legal_form_en(lf, style)) is lf


def test_numbers_in_words():
    assert [format_number_en(n) for n in (1, 13, 20, 21, 99)] == [
        "one",
        "thirteen",
        "twenty",
        "twenty-one",
        "ninety-nine",
    ]


# --- any text -----------------------------------------------------------------------------------------

VOCAB = [
    "January",
    "Nov",
    "Nov.",
    "Sept",
    "May",
    "2025",
    "21",
    "21st",
    "2nd",
    "0",
    "00",
    "31",
    "1899",
    "1e400",
    "1,2",
    "1.2",
    "777,895",
    "-5",
    "٢١",
    "１２",
    "999999999999999999999",
    "of",
    "the",
    "on",
    "in",
    "from",
    "to",
    "between",
    "and",
    "EUR",
    "€",
    "$",
    "US",
    "dollars",
    "euros",
    "tenge",
    "million",
    "m",
    "bn",
    "more",
    "than",
    "over",
    "some",
    "about",
    "up",
    "at",
    "least",
    "participants",
    "people",
    "three",
    "twenty",
    "one",
    "years",
    "year",
    "month",
    "-year",
    "a",
    "half",
    "PF",
    "P.F.",
    "public",
    "foundation",
    "(",
    ")",
    "-",
    "–",
    ",",
    ".",
]
english_texts = st.lists(
    st.tuples(st.sampled_from(VOCAB), st.sampled_from([" ", "", "-", NBSP, "\u2013", "\n"])),
    min_size=1,
    max_size=7,
).map(lambda parts: "".join(w + s for w, s in parts))


@pytest.mark.parametrize("name", sorted(NORMALIZERS))
@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), english_texts))
def test_any_text_gives_a_result_or_input_error(name, text):
    try:
        result = NORMALIZERS[name](text)
    except InputError:
        return
    assert isinstance(result, dict)
    json.dumps(result, ensure_ascii=False)


def test_formatters_refuse_bad_values_with_input_error():
    for call in (
        lambda: format_money_en(Decimal(-1), "EUR"),
        lambda: format_money_en(Decimal(1), "GBP"),
        lambda: format_date_en("2025-11-21"),
        lambda: format_period_en(2024, 2026, "x"),
        lambda: format_count_en(1, "roughly"),
        lambda: format_count_en(1, "about", word="over"),
        lambda: format_duration_en(Duration(years=0)),
        lambda: format_number_en(100),
        lambda: format_legal_form_en(legal_forms.LEGAL_FORMS["РҚБ"], "abbreviation"),
    ):
        with pytest.raises(InputError):
            call()


def test_normalizers_table():
    assert set(NORMALIZERS) == set(kk.NORMALIZERS)


def test_functions_have_docstrings_and_type_hints():
    for name, obj in vars(en).items():
        if inspect.isfunction(obj) and obj.__module__ == en.__name__:
            assert obj.__doc__ and "\n" not in obj.__doc__.strip(), name
            assert "return" in obj.__annotations__, name


# --- command line -------------------------------------------------------------------------------------


def test_cli_normalizes_english_with_lang_en():
    result = CliRunner().invoke(app, ["normalize", "--lang", "en", "date", "19–21 August 2024"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"date": "2024-08-19", "precision": "day", "end_date": "2024-08-21"}


def test_cli_english_error_exits_2_naming_the_text():
    result = CliRunner().invoke(app, ["normalize", "--lang", "en", "money", "1,2 million euros"])
    assert result.exit_code == 2
    assert "'1,2'" in result.stderr and result.stdout == ""
