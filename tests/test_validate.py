"""Each validation rule, with a fixture that breaks it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workspace import ROOT, cli, copy_project

from kz_rule_of_law.package.descriptor import lint, load_descriptor
from kz_rule_of_law.validation.validate import frictionless_errors, validate_package


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the published package to break."""
    return copy_project(tmp_path / "project")


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file's text (which must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_published_package_is_valid():
    assert validate_package(ROOT) == []


def test_frictionless_alone_accepts_the_package():
    from frictionless import Package

    assert Package(str(ROOT / "datapackage.json")).validate().valid


def test_eu_contribution_above_total_fails(project: Path):
    edit(project / "data" / "budgets.csv", "768490,730000,38490,94.99", "768490,868490,-100000,113.01")
    failures = validate_package(project)
    assert any("EU contribution above the total budget: got '868490'" in f for f in failures), failures


def test_event_date_outside_project_period_fails(project: Path):
    edit(project / "data" / "events.csv", "2025-11-21", "2023-05-01")
    failures = validate_package(project)
    assert any("event date 2023-05-01 outside the project's period" in f for f in failures), failures


def test_stated_duration_longer_than_year_span_fails(project: Path):
    edit(project / "data" / "projects.csv", "2024,2027,3", "2024,2027,5")
    failures = validate_package(project)
    assert any("stated duration is longer than the period 2024-2027: got '5', expected at most 4 years" in f
               for f in failures), failures


def test_quote_moved_from_its_span_fails(project: Path):
    edit(project / "data" / "quotes.csv", "777 895 еуроны,\"EUR 777,895\",2463,2477", "777 895 еуроны,\"EUR 777,895\",2464,2478")
    failures = validate_package(project)
    assert any("quote not found at its recorded span: got '2464-2478'" in f for f in failures), failures


def test_cell_starting_like_a_formula_fails(project: Path):
    edit(project / "data" / "organizations.csv", "Penal Reform International Office in Central Asia",
         '"=HYPERLINK(""http://example.com"")"')
    failures = validate_package(project)
    assert any(f.startswith("data/organizations.csv:") and
               "record pri-central-asia: name_en: text begins like a spreadsheet formula" in f
               for f in failures), failures


def test_markup_in_a_title_fails(project: Path):
    edit(project / "data" / "topics.csv", "guarantees of human rights", "<script>alert(1)</script>")
    failures = validate_package(project)
    assert any("markup in text: got '<script>alert(1)</script>'" in f for f in failures), failures


@pytest.mark.parametrize("good, bad", [("foreignKeys", "foreignkeys"), ("primaryKey", "primarykey"),
                                       ("constraints", "constraint"), ("missingValues", "missingvalues")])
def test_misspelled_descriptor_key_fails_the_lint(project: Path, good: str, bad: str):
    edit(project / "datapackage.json", f'"{good}"', f'"{bad}"')
    failures = validate_package(project)
    assert any(f"unknown key '{bad}'" in f for f in failures), failures
    result = cli(project, "validate")
    assert result.returncode == 2 and f"unknown key '{bad}'" in result.stderr


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
    failures = validate_package(project)
    assert any("data/people.csv: file hash differs from the descriptor" in f for f in failures), failures
    assert any("data/people.csv: file size differs from the descriptor: got '80 bytes'" in f for f in failures)
    assert any("hash-count" in f for f in frictionless_errors(project / "datapackage.json"))


def test_descriptor_enums_match_what_the_normalizers_produce():
    from kz_rule_of_law.curation.normalize import COUNT_QUALIFIERS, CURRENCIES, LEGAL_FORMS
    from kz_rule_of_law.package.descriptor import tables

    schema = tables(load_descriptor(ROOT / "datapackage.json"))
    assert set(schema["events"].field("participants_qualifier").constraints["enum"]) == set(COUNT_QUALIFIERS)
    assert set(schema["budgets"].field("currency").constraints["enum"]) == set(CURRENCIES)
    import re
    pattern = schema["organizations"].field("legal_form").constraints["pattern"]
    assert all(re.fullmatch(pattern, code) for code in LEGAL_FORMS)


def test_derived_values_edited_by_hand_fail(project: Path):
    edit(project / "data" / "budgets.csv", "768490,730000,38490,94.99", "768490,730000,38000,95.99")
    failures = validate_package(project)
    assert any("co-financing is not total minus EU contribution: got '38000', expected 38490 (computed)" in f
               for f in failures), failures
    assert any("EU share does not follow from the amounts: got '95.99', expected 94.99 (computed)" in f
               for f in failures), failures
