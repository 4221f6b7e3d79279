"""Each validation rule, with a fixture that breaks it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kz_rule_of_law.errors import Problem
from kz_rule_of_law.package.descriptor import lint, load_descriptor, tables
from kz_rule_of_law.validation.rules import RULES
from kz_rule_of_law.validation.validate import frictionless_errors, validate_package
from workspace import ROOT, SEED, cli, copy_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the published package to break."""
    return copy_project(tmp_path / "project")


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file's text (which must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def where(problems: list[Problem]) -> list[tuple]:
    """Each problem's code and location: (code, file, line, record, field)."""
    return [(p.code, p.file, p.line, p.record, p.field) for p in problems]


def test_published_package_is_valid():
    assert validate_package(ROOT) == []


def test_frictionless_alone_accepts_the_package():
    from frictionless import Package

    assert Package(str(ROOT / "datapackage.json")).validate().valid


def test_eu_contribution_above_total_fails(project: Path):
    edit(project / "data" / "budgets.csv", "768490,730000,38490,94.99", "768490,868490,-100000,113.01")
    problems = validate_package(project)
    assert where(problems) == [
        ("size-mismatch", "data/budgets.csv", None, None, None),
        ("digest-mismatch", "data/budgets.csv", None, None, None),
        ("below-minimum", "data/budgets.csv", 2, None, "cofinancing"),
        ("above-maximum", "data/budgets.csv", 2, None, "eu_share_percent"),
        ("budget-eu-above-total", "data/budgets.csv", 2, "breaking-the-vicious-cycle", "eu_contribution"),
    ]
    assert (problems[-1].value, problems[-1].expected) == (868490, "at most the total budget 768490 EUR")


def test_event_date_outside_project_period_fails(project: Path):
    edit(project / "data" / "events.csv", "2025-11-21", "2023-05-01")
    problems = validate_package(project)
    assert where(problems)[1:] == [
        (
            "event-outside-project-period",
            "data/event_projects.csv",
            2,
            "forum-2025-penitentiary-system/breaking-the-vicious-cycle",
            "project_id",
        ),
        (
            "event-outside-project-period",
            "data/event_projects.csv",
            3,
            "forum-2025-penitentiary-system/coordinated-actions-rule-of-law",
            "project_id",
        ),
    ]
    assert problems[1].message == "event date 2023-05-01 outside the project's period"


def test_stated_duration_longer_than_year_span_fails(project: Path):
    edit(project / "data" / "projects.csv", "2024,2027,3", "2024,2027,5")
    problems = validate_package(project)
    assert where(problems)[1:] == [
        ("project-duration-too-long", "data/projects.csv", 2, "breaking-the-vicious-cycle", "duration_years")
    ]
    assert (problems[1].value, problems[1].expected) == (5, "at most 4 years")


def test_quote_moved_from_its_span_fails(project: Path):
    edit(
        project / "data" / "quotes.csv",
        '777 895 еуроны,"EUR 777,895",2463,2477',
        '777 895 еуроны,"EUR 777,895",2464,2478',
    )
    problems = validate_package(project)
    assert where(problems)[1:] == [
        (
            "quote-span-mismatch",
            "data/quotes.csv",
            5,
            "budgets/coordinated-actions-rule-of-law/total_budget/000_54035fae270ab93c",
            "char_start",
        )
    ]
    assert problems[1].value == "2464-2478"


def test_cell_starting_like_a_formula_fails(project: Path):
    edit(
        project / "data" / "organizations.csv",
        "Penal Reform International Office in Central Asia",
        '"=HYPERLINK(""http://example.com"")"',
    )
    problems = validate_package(project)
    assert where(problems)[2:] == [("formula-prefix", "data/organizations.csv", 8, "pri-central-asia", "name_en")]


def test_markup_in_a_title_fails(project: Path):
    edit(project / "data" / "topics.csv", "guarantees of human rights", "<script>alert(1)</script>")
    problems = validate_package(project)
    assert where(problems)[2:] == [("markup", "data/topics.csv", 2, "human-rights-guarantees", "title_en")]
    assert problems[2].value == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "good, bad",
    [
        ("foreignKeys", "foreignkeys"),
        ("primaryKey", "primarykey"),
        ("constraints", "constraint"),
        ("missingValues", "missingvalues"),
    ],
)
def test_misspelled_descriptor_key_fails_the_lint(project: Path, good: str, bad: str):
    edit(project / "datapackage.json", f'"{good}"', f'"{bad}"')
    problems = validate_package(project)
    assert {(p.code, p.file) for p in problems} == {("descriptor-unknown-key", "datapackage.json")}
    assert any(f"unknown key '{bad}'" in p.message for p in problems), problems
    result = cli(project, "validate", "--format", "json")
    assert result.returncode == 2 and f"unknown key '{bad}'" in result.stderr
    report = json.loads(result.stdout)
    assert not report["ok"]
    assert [(p["code"], p["file"], p["text"]) for p in report["problems"]] == [
        (p.code, p.file, str(p)) for p in problems
    ]


def test_archived_text_changed_fails_on_its_sources_row_and_the_quotes_of_it(project: Path):
    edit(project / "archive" / f"{SEED}.txt", "80-нен астам", "90-нан астам")
    problems = validate_package(project)
    assert where(problems)[0] == ("digest-mismatch", "data/sources.csv", 2, SEED, "sha256")
    assert {(p.code, p.file, p.field) for p in problems[1:]} == {
        ("source-text-unavailable", "data/quotes.csv", "source_id")
    }


def test_every_rule_names_a_table_of_the_descriptor():
    assert set(RULES) <= set(tables(load_descriptor(ROOT / "datapackage.json")))


def test_committed_descriptor_uses_only_keys_the_spec_defines():
    assert lint(load_descriptor(ROOT / "datapackage.json")) == []


def test_descriptor_is_strict():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for key in ("name", "title", "description", "version", "licenses", "sources", "contributors", "keywords"):
        assert descriptor[key], key
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        assert schema["primaryKey"] and schema["missingValues"] == [""]
        for field in schema["fields"]:
            assert field["title"] and field["description"], (resource["name"], field["name"])
        assert resource["encoding"] == "utf-8" and resource["format"] == "csv"
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0


def test_hand_edited_csv_fails_the_size_and_hash_checks(project: Path):
    edit(project / "data" / "people.csv", "Aleška Simkić", "Aleska Simkic")
    problems = validate_package(project)
    assert where(problems) == [
        ("size-mismatch", "data/people.csv", None, None, None),
        ("digest-mismatch", "data/people.csv", None, None, None),
    ]
    assert (problems[0].value, problems[0].expected) == ("89 bytes", "91 bytes")
    assert sorted(where(frictionless_errors(project / "datapackage.json"))) == [
        ("frictionless:byte-count", "data/people.csv", None, None, None),
        ("frictionless:hash-count", "data/people.csv", None, None, None),
    ]


def test_descriptor_enums_match_what_the_normalizers_produce():
    from kz_rule_of_law.curation.normalize import COUNT_QUALIFIERS, CURRENCIES, LEGAL_FORMS

    schema = tables(load_descriptor(ROOT / "datapackage.json"))
    assert set(schema["events"].field("participants_qualifier").constraints["enum"]) == set(COUNT_QUALIFIERS)
    assert set(schema["budgets"].field("currency").constraints["enum"]) == set(CURRENCIES)
    import re

    pattern = schema["organizations"].field("legal_form").constraints["pattern"]
    assert all(re.fullmatch(pattern, code) for code in LEGAL_FORMS)


def test_derived_values_edited_by_hand_fail(project: Path):
    edit(project / "data" / "budgets.csv", "768490,730000,38490,94.99", "768490,730000,38000,95.99")
    problems = validate_package(project)
    assert where(problems)[1:] == [
        ("budget-cofinancing-mismatch", "data/budgets.csv", 2, "breaking-the-vicious-cycle", "cofinancing"),
        ("budget-eu-share-mismatch", "data/budgets.csv", 2, "breaking-the-vicious-cycle", "eu_share_percent"),
    ]
    assert [str(p.value) + " -> " + p.expected for p in problems[1:]] == [
        "38000 -> 38490 (computed)",
        "95.99 -> 94.99 (computed)",
    ]
