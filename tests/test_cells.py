"""One cell grammar for validation and the SQLite load: the Table Schema's forms, in ASCII."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scripts import cells


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("-7", -7), ("+3", 3), ("007", 7), ("777895", 777895)])
def test_an_integer_is_a_sign_and_ascii_digits(text, value):
    assert cells.integer(text) == value


@pytest.mark.parametrize("text", [" 3", "3 ", "٣", "１", "1_000", "3.0", "1e3", "", "+", "-", "0x10", "3\n"])
def test_integer_forms_python_reads_but_the_schema_does_not_are_refused(text):
    with pytest.raises(ValueError):
        cells.integer(text)


@pytest.mark.parametrize(("text", "value"), [
    ("777895", Decimal(777895)), ("94.99", Decimal("94.99")), ("-0.5", Decimal("-0.5")), (".5", Decimal("0.5")),
    ("5.", Decimal(5)), ("1e3", Decimal(1000)), ("2.5E-2", Decimal("0.025")), ("+12.00", Decimal("12.00")),
])
def test_a_number_reads_exactly(text, value):
    assert cells.number(text) == value


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "1_000", "١٢", " 1", "1,5", "", ".", "e3", "1e", "768k"])
def test_numbers_that_are_not_finite_ascii_decimals_are_refused(text):
    with pytest.raises(ValueError):
        cells.number(text)


def test_years_dates_and_booleans_read_their_schema_forms():
    assert cells.year("2024") == 2024 and cells.date("2025-11-21") == dt.date(2025, 11, 21)
    assert [cells.boolean(t) for t in ("true", "True", "TRUE", "1", "false", "False", "FALSE", "0")] == [True] * 4 + [False] * 4
    for read, text in [(cells.year, "27"), (cells.year, "٢٠٢٤"), (cells.date, "2025-02-30"),
                       (cells.date, "2025-1-31"), (cells.date, "٢٠٢٥-11-21"), (cells.boolean, "yes"),
                       (cells.boolean, "tRuE")]:
        with pytest.raises(ValueError):
            read(text)


@given(st.integers())
def test_every_integer_reads_back_from_its_text(n):
    assert cells.integer(str(n)) == n


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_every_finite_decimal_reads_back_from_its_text(d):
    value = cells.number(str(d))
    assert value == d and str(value) == str(d)
