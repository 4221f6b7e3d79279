"""One cell grammar for validation and the SQLite load: the Table Schema's forms, in ASCII."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kz_rule_of_law.package import cells


@pytest.mark.parametrize(("read", "text", "value"), [
    (cells.integer, "0", 0), (cells.integer, "-7", -7), (cells.integer, "+3", 3), (cells.integer, "007", 7),
    (cells.number, "777895", Decimal(777895)), (cells.number, "94.99", Decimal("94.99")),
    (cells.number, "-0.5", Decimal("-0.5")), (cells.number, ".5", Decimal("0.5")), (cells.number, "5.", Decimal(5)),
    (cells.number, "1e3", Decimal(1000)), (cells.number, "2.5E-2", Decimal("0.025")),
    (cells.number, "+12.00", Decimal("12.00")),
])
def test_integers_and_numbers_read_exactly_in_the_schema_forms(read, text, value):
    assert read(text) == value


@pytest.mark.parametrize(("read", "text"), [
    *((cells.integer, t) for t in (" 3", "3 ", "٣", "１", "1_000", "3.0", "1e3", "", "+", "-", "0x10", "3\n")),
    *((cells.number, t) for t in ("NaN", "Infinity", "-inf", "1_000", "١٢", " 1", "1,5", "", ".", "e3", "1e", "768k")),
])
def test_forms_python_reads_but_the_schema_does_not_are_refused(read, text):
    with pytest.raises(ValueError):
        read(text)


def test_years_dates_and_booleans_read_their_schema_forms():
    assert cells.year("2024") == 2024 and cells.date("2025-11-21") == dt.date(2025, 11, 21)
    assert [cells.boolean(t) for t in ("true", "True", "TRUE", "1", "false", "False", "FALSE", "0")] == [True] * 4 + [False] * 4
    for read, text in [(cells.year, "27"), (cells.year, "٢٠٢٤"), (cells.date, "2025-02-30"),
                       (cells.date, "2025-1-31"), (cells.date, "٢٠٢٥-11-21"), (cells.boolean, "yes"),
                       (cells.boolean, "tRuE")]:
        with pytest.raises(ValueError):
            read(text)


@given(st.integers(-2**63, 2**63 - 1))
def test_every_integer_sqlite_stores_reads_back_from_its_text(n):
    assert cells.integer(str(n)) == n


@given(st.builds(lambda n, e: Decimal(n).scaleb(e), st.integers(-(10**15 - 1), 10**15 - 1), st.integers(-290, 290)))
def test_every_number_of_15_digits_reads_back_from_its_text_and_from_a_double(d):
    value = cells.number(str(d))
    assert value == d and str(value) == str(d)
    assert Decimal(repr(float(value))) == value  # what SQLite's REAL gives back


@pytest.mark.parametrize(("read", "text"), [
    (cells.integer, "9223372036854775807"), (cells.integer, "-9223372036854775808"),
    (cells.number, "123456789012345"), (cells.number, "1E20"), (cells.number, "0.000000000000000000001"),
    (cells.number, "1.000000000000000000"), (cells.number, "0E-999"),
])
def test_the_largest_values_sqlite_stores_exactly_read(read, text):
    assert read(text) == (int(text) if read is cells.integer else Decimal(text))


@pytest.mark.parametrize(("read", "text"), [
    (cells.integer, "9223372036854775808"), (cells.integer, "-9223372036854775809"),
    (cells.number, "1234567890123456"), (cells.number, "94.123456789012345678"), (cells.number, "1E999"),
    (cells.number, "1E-400"), (cells.number, "1.00000000000000000000000000001"),
])
def test_values_sqlite_cannot_store_exactly_are_refused(read, text):
    with pytest.raises(ValueError):
        read(text)
