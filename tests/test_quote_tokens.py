"""Quotes match whole tokens: never the tail or head of a number, whatever separates its digits."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from kz_rule_of_law.curation.quotes import locate, spans
from kz_rule_of_law.errors import InputError
from workspace import SEED, cli, copy_project

TEXT = "Бюджеті 1 500 000 еуроны, салымы 1,5 млн еуроны, 2025 жылғы 21 қарашада, 12.5 пайыз."


@pytest.mark.parametrize(
    "quote",
    [
        "500 000 еуроны",  # the tail of 1 500 000
        "000 еуроны",
        "5 млн еуроны",  # the decimal part of 1,5
        "1 500",  # the head of 1 500 000
        "1",
        "Бюджеті 1 500",
        "салымы 1",
        ",5 млн",
        "1,",
        "5 пайыз",
        "12",
    ],
)
def test_a_quote_starting_or_ending_inside_a_number_is_not_found(quote: str):
    assert spans(TEXT, quote) == []


@pytest.mark.parametrize(
    "quote",
    ["1 500 000 еуроны", "1,5 млн еуроны", "2025 жылғы 21 қарашада", "21 қарашада", "12.5 пайыз", "еуроны, салымы"],
)
def test_whole_numbers_and_words_are_found(quote: str):
    ((start, end),) = spans(TEXT, quote)
    assert TEXT[start:end] == quote


@pytest.mark.parametrize("separator", [" ", "\u00a0", "\u202f", "\u2009", ",", ".", "'", "’"])
def test_every_group_separator_joins_the_digits_of_one_number(separator: str):
    text = f"бюджеті 1{separator}500{separator}000 еуроны"
    assert spans(text, "500 000 еуроны".replace(" ", separator if not separator.isspace() else " ")) == []
    assert spans(text, f"1{separator}500{separator}000 еуроны") == [(8, len(text))]


def test_numbers_side_by_side_in_a_list_are_separate_tokens():
    text = "2024, 2025 жылдары, 80-нен астам"
    assert spans(text, "2025 жылдары") == [(6, 18)]
    assert spans(text, "80-нен астам") == [(20, 32)]


def test_a_quote_cutting_a_number_says_so():
    with pytest.raises(
        InputError,
        match="quote found only as part of a longer word or number of the source: "
        "got '500 000 еуроны', expected whole words and whole numbers",
    ):
        locate(TEXT, "500 000 еуроны")


def with_amounts(root: Path, total: str, quote: str) -> None:
    """Make the seed source state `total` where it states 777 895 EUR, and the facts quote `quote` for it."""
    archived = root / "archive" / f"{SEED}.txt"
    data = archived.read_bytes().replace("777 895 еуроны".encode(), total.encode())
    archived.write_bytes(data)
    facts = root / "facts" / f"{SEED}.yml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace(
        "sha256: 2c9e1d826df921a3cafb985ba58baab3b3783b4e2fb1801953db818fffc4e4ee",
        f"sha256: {hashlib.sha256(data).hexdigest()}",
    )
    text = text.replace("bytes: 6760", f"bytes: {len(data)}")
    facts.write_text(
        text.replace("total_budget: {kk: 777 895 еуроны", f"total_budget: {{kk: '{quote}'"), encoding="utf-8"
    )


def published_totals(root: Path) -> list[str]:
    """The total budgets the package publishes for the seed release's projects."""
    with open(root / "data" / "projects.csv", encoding="utf-8", newline="") as handle:
        seed_projects = {row["project_id"] for row in csv.DictReader(handle) if row["source_id"] == SEED}
    with open(root / "data" / "budgets.csv", encoding="utf-8", newline="") as handle:
        return sorted(row["total_budget"] for row in csv.DictReader(handle) if row["project_id"] in seed_projects)


@pytest.mark.parametrize("total, tail", [("1 500 000 еуроны", "500 000 еуроны"), ("1,5 млн еуроны", "5 млн еуроны")])
def test_build_refuses_the_tail_of_a_larger_amount_and_publishes_the_whole(tmp_path: Path, total: str, tail: str):
    root = copy_project(tmp_path / "refused")
    with_amounts(root, total, tail)
    refused = cli(root, "build")
    assert refused.returncode == 2, refused.stderr
    assert (
        f"error: facts/{SEED}.yml:168: record coordinated-actions-rule-of-law: total_budget: "
        "quote found only as part of a "
        f"longer word or number of the source: got '{tail}', expected whole words and whole numbers "
        "(all of '1 500 000', never '500 000' of it)"
    ) in refused.stderr.splitlines()
    root = copy_project(tmp_path / "built")
    with_amounts(root, total, total)
    built = cli(root, "build")
    assert built.returncode == 0, built.stderr
    assert published_totals(root) == ["1500000", "768490"]
