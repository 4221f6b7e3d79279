"""Numbers as people read them (web/formatting.py): one formatter for amounts, counts and shares."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kz_rule_of_law.web import formatting
from kz_rule_of_law.web.plugin.cells import format_number


@pytest.mark.parametrize(
    ("value", "currency", "qualifier", "language", "expected"),
    [
        (768490, "EUR", "exact", "en", "EUR\u00a0768,490"),
        (768490, "EUR", None, "kk", "EUR\u00a0768\u00a0490"),
        (1_200_000, "EUR", "about", "en", "about EUR\u00a01.2 million"),
        (1_200_000, "EUR", "exact", "en", "EUR\u00a01,200,000"),  # an exact amount in full
        (1_234_567, "EUR", "more_than", "en", "more than EUR\u00a01,234,567"),  # not round: in full
        (650_000_000, "KZT", "up_to", "en", "up to KZT\u00a0650 million"),
    ],
)
def test_amounts_read_with_currency_separators_and_qualifier(value, currency, qualifier, language, expected):
    assert formatting.amount(value, currency, qualifier, language) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        (80, "more_than", "more than 80"),
        (80, "exact", "80"),
        (12, "at_least", "at least 12"),
        (1500, "about", "about 1,500"),
    ],
)
def test_counts_read_with_their_qualifier(value, qualifier, expected):
    assert formatting.quantity(value, qualifier) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(95.0, "95.00%"), (95, "95.00%"), (Decimal("95.00"), "95.00%"), (94.99, "94.99%")]
)
def test_a_share_reads_the_same_whatever_its_type(value, expected):
    assert formatting.share(value) == expected


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_a_share_keeps_two_decimals_of_the_published_value(value):
    assert formatting.share(float(value)).replace(",", "") == f"{value:.2f}%"


def test_cells_are_formatted_from_the_columns_beside_them():
    budget = {"currency": "EUR", "total_budget_qualifier": "about", "derived_qualifier": "approximate"}
    assert format_number(budget, 1_200_000, "total_budget") == '<data value="1200000">about EUR\u00a01.2 million</data>'
    assert format_number(budget, 95.0, "eu_share_percent") == '<data value="95.0">about 95.00%</data>'
    assert (
        format_number({"participants_qualifier": "more_than"}, 80, "participants")
        == '<data value="80">more than 80</data>'
    )
    assert format_number({"currency": "EUR"}, 2024, "start_year") is None
    assert format_number({}, 80, "participants") is None  # nothing says what it counts
    assert format_number({"currency": "EUR"}, "EUR", "currency") is None
