"""One type grammar for facts files, validation and the SQLite load: the Table Schema's forms, in ASCII."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kz_rule_of_law.errors import InputError, InternalError
from kz_rule_of_law.package import cells
from kz_rule_of_law.package.descriptor import Field


@pytest.mark.parametrize(
    ("read", "text", "value"),
    [
        (cells.integer, "0", 0),
        (cells.integer, "-7", -7),
        (cells.integer, "+3", 3),
        (cells.integer, "007", 7),
        (cells.number, "777895", Decimal(777895)),
        (cells.number, "94.99", Decimal("94.99")),
        (cells.number, "-0.5", Decimal("-0.5")),
        (cells.number, ".5", Decimal("0.5")),
        (cells.number, "5.", Decimal(5)),
        (cells.number, "1e3", Decimal(1000)),
        (cells.number, "2.5E-2", Decimal("0.025")),
        (cells.number, "+12.00", Decimal("12.00")),
    ],
)
def test_integers_and_numbers_read_exactly_in_the_schema_forms(read, text, value):
    assert read(text) == value


@pytest.mark.parametrize(
    ("read", "text"),
    [
        *((cells.integer, t) for t in (" 3", "3 ", "٣", "１", "1_000", "3.0", "1e3", "", "+", "-", "0x10", "3\n")),
        *(
            (cells.number, t)
            for t in ("NaN", "Infinity", "-inf", "1_000", "١٢", " 1", "1,5", "", ".", "e3", "1e", "768k")
        ),
    ],
)
def test_forms_python_reads_but_the_schema_does_not_are_refused(read, text):
    with pytest.raises(ValueError):
        read(text)


def test_years_dates_and_booleans_read_their_schema_forms():
    assert cells.year("2024") == 2024 and cells.date("2025-11-21") == dt.date(2025, 11, 21)
    assert [cells.boolean(t) for t in ("true", "True", "TRUE", "1", "false", "False", "FALSE", "0")] == [True] * 4 + [
        False
    ] * 4
    for read, text in [
        (cells.year, "27"),
        (cells.year, "٢٠٢٤"),
        (cells.date, "2025-02-30"),
        (cells.date, "2025-1-31"),
        (cells.date, "٢٠٢٥-11-21"),
        (cells.boolean, "yes"),
        (cells.boolean, "tRuE"),
    ]:
        with pytest.raises(ValueError):
            read(text)


@given(st.integers(-(2**63), 2**63 - 1))
def test_every_integer_sqlite_stores_reads_back_from_its_text(n):
    assert cells.integer(str(n)) == n


@given(st.builds(lambda n, e: Decimal(n).scaleb(e), st.integers(-(10**15 - 1), 10**15 - 1), st.integers(-290, 290)))
def test_every_number_of_15_digits_reads_back_from_its_text_and_from_a_double(d):
    value = cells.number(str(d))
    assert value == d and str(value) == str(d)
    assert Decimal(repr(float(value))) == value  # what SQLite's REAL gives back


@pytest.mark.parametrize(
    ("read", "text"),
    [
        (cells.integer, "9223372036854775807"),
        (cells.integer, "-9223372036854775808"),
        (cells.number, "123456789012345"),
        (cells.number, "1E20"),
        (cells.number, "0.000000000000000000001"),
        (cells.number, "1.000000000000000000"),
        (cells.number, "0E-999"),
    ],
)
def test_the_largest_values_sqlite_stores_exactly_read(read, text):
    assert read(text) == (int(text) if read is cells.integer else Decimal(text))


@pytest.mark.parametrize(
    ("read", "text"),
    [
        (cells.integer, "9223372036854775808"),
        (cells.integer, "-9223372036854775809"),
        (cells.number, "1234567890123456"),
        (cells.number, "94.123456789012345678"),
        (cells.number, "1E999"),
        (cells.number, "1E-400"),
        (cells.number, "1.00000000000000000000000000001"),
    ],
)
def test_values_sqlite_cannot_store_exactly_are_refused(read, text):
    with pytest.raises(ValueError):
        read(text)


# The one grammar reads CSV cells and casts curated values (facts files) alike, and the text the build
# writes for a value reads back as that value.


def column(type_: str) -> Field:
    """A field of the type `type_`."""
    return Field("f", type_, "f", "", {})


def read(type_: str, text: str):
    """What a CSV cell reads as in a column of `type_` (a string column keeps the text)."""
    reader = cells.READERS[type_]
    return text if reader is None else reader(text)


REFUSED = object()


def outcome(function, *args):
    """The value `function` returns, or REFUSED when it refuses its input."""
    try:
        return function(*args)
    except (ValueError, InputError):
        return REFUSED


# Texts near every type's forms: digits, signs, points, exponents, spaces, underscores, other
# scripts' digits, dates, and boolean words; and well-formed texts of every type.
TEXTS = st.one_of(
    st.text(alphabet="0123456789+-.eE _٣１\n\t", min_size=1, max_size=8),
    st.text(alphabet="trueTRUEfalsFALSyno01", min_size=1, max_size=6),
    st.from_regex(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}(?:-[0-9]{1,2}){0,2}", fullmatch=True),
    st.integers(-(2**64), 2**64).map(str),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(sorted(cells.TRUE_VALUES | cells.FALSE_VALUES)),
)


@given(type_=st.sampled_from(sorted(cells.READERS)), text=TEXTS)
def test_cast_accepts_exactly_what_a_cell_reads_and_as_the_same_value(type_, text):
    expected = outcome(read, type_, text) if text == text.strip() else REFUSED
    if text == text.strip():
        assert outcome(cells.cast, column(type_), text) == expected
    else:  # whitespace around a value is YAML layout, trimmed before reading; never a CSV cell's
        assert outcome(read, type_, text) is REFUSED or type_ == "string"
        assert outcome(cells.cast, column(type_), text) == outcome(cells.cast, column(type_), text.strip())


@given(type_=st.sampled_from(sorted(cells.READERS)), text=TEXTS)
def test_what_the_build_writes_for_a_cast_value_reads_back_as_it(type_, text):
    value = outcome(cells.cast, column(type_), text)
    if value is REFUSED or value is None:
        return
    written = cells.format_cell(value)
    assert read(type_, written) == value
    assert type(read(type_, written)) is type(value)
    assert cells.format_cell(read(type_, written)) == written


@given(
    st.one_of(
        st.tuples(st.just("integer"), st.integers(-(2**63), 2**63 - 1)),
        st.tuples(st.just("year"), st.integers(1000, 9999)),
        st.tuples(st.just("date"), st.dates()),
        st.tuples(st.just("boolean"), st.booleans()),
        st.tuples(
            st.just("number"),
            st.builds(
                lambda n, e: Decimal(n).scaleb(e), st.integers(-(10**15 - 1), 10**15 - 1), st.integers(-290, 290)
            ),
        ),
    )
)
def test_every_value_of_every_type_is_written_as_text_that_casts_and_reads_back_to_it(typed):
    type_, value = typed
    written = cells.format_cell(value)
    assert read(type_, written) == value and cells.cast(column(type_), written) == value


@pytest.mark.parametrize(
    ("type_", "text", "value"),
    [
        ("integer", "1_000", REFUSED),
        ("number", "1_000", REFUSED),
        ("integer", "+5", 5),
        ("number", "+5", Decimal(5)),
        ("year", "27", REFUSED),
        ("year", "0999", REFUSED),
        ("year", "2024", 2024),
        ("boolean", "1", True),
        ("boolean", "0", False),
        ("boolean", "tRuE", REFUSED),
        ("boolean", "yes", REFUSED),
        ("date", "20240131", REFUSED),
        ("date", "2024-01-31", dt.date(2024, 1, 31)),
    ],
)
def test_the_forms_the_two_grammars_disagreed_on_have_one_answer(type_, text, value):
    assert outcome(read, type_, text) == value
    assert outcome(cells.cast, column(type_), text) == value


def test_a_facts_file_value_is_trimmed_and_a_csv_cell_is_not():
    assert cells.cast(column("integer"), " 3 ") == 3 and outcome(read, "integer", " 3 ") is REFUSED
    assert cells.cast(column("string"), "text\n") == "text"
    assert cells.cast(column("integer"), "  ") is None and cells.cast(column("string"), "") is None


def test_a_curated_value_sqlite_cannot_store_exactly_is_refused_saying_what_fits():
    with pytest.raises(InputError) as caught:
        cells.cast(column("integer"), "9223372036854775808")
    assert str(caught.value) == (
        "cannot be stored exactly: got '9223372036854775808', expected an integer "
        "from -9223372036854775808 to 9223372036854775807"
    )
    with pytest.raises(InputError) as caught:
        cells.cast(column("boolean"), "yes")
    assert str(caught.value) == "wrong type: got 'yes', expected a boolean"


@pytest.mark.parametrize(
    ("type_", "whole", "expected"),
    [
        ("string", False, "TEXT"),
        ("date", False, "TEXT"),
        ("integer", False, "INTEGER"),
        ("year", False, "INTEGER"),
        ("boolean", False, "INTEGER"),
        ("number", True, "INTEGER"),
        ("number", False, "REAL"),
    ],
)
def test_each_descriptor_type_has_its_sqlite_type(type_, whole, expected):
    assert cells.sqlite_type(column(type_), whole) == expected


def test_a_type_sqlite_cannot_store_is_an_internal_error():
    with pytest.raises(InternalError):
        cells.sqlite_type(column("geojson"))
