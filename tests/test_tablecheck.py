"""The project's table checks find what frictionless finds: same verdict on every broken CSV."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from workspace import ROOT, copy_project

from kz_rule_of_law.package.descriptor import load_descriptor, tables
from kz_rule_of_law.validation.tables import check_package
from kz_rule_of_law.validation.validate import frictionless_errors


def rehash(root: Path) -> None:
    """Record every CSV's current size and sha256 in the descriptor, as if built so."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (root / resource["path"]).read_bytes()
        resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def ours(root: Path) -> list[str]:
    """The problems the project's table checks find."""
    descriptor = load_descriptor(root / "datapackage.json")
    return [str(p) for p in check_package(root, descriptor, tables(descriptor))]


# (file, text in it, replacement, what our message says)
BREAKAGES = [
    ("events.csv", ",80,more_than", ",eighty,more_than", "got 'eighty', expected an integer"),
    ("events.csv", ",80,more_than", ",-3,more_than", "got '-3', expected at least 0"),
    ("events.csv", ",more_than", ",lots", "got 'lots', expected one of"),
    ("events.csv", "2025-11-21", "2025-02-30", "got '2025-02-30', expected a date"),
    ("projects.csv", "2024,2027,3", "2024,27,3", "got '27', expected a year"),
    ("budgets.csv", ",EUR,768490", ",EURO,768490", "got 'EURO', expected one of"),
    ("budgets.csv", "768490,730000", "768k,730000", "got '768k', expected a number"),
    ("organizations.csv", ",IPHR,", ",iphr,", "got 'iphr', expected text matching"),
    ("organizations.csv", ",official,,IPHR", ",,,IPHR", "got '', expected a value (the field is required)"),
    ("organizations.csv", "pri-central-asia,", "pri,", "duplicate primary key: got 'pri'"),
    ("organizations.csv", ",KZ,pri,", ",KZ,pri-europe,", "foreign key: no row of organizations"),
    ("people.csv", "Aleška Simkić\n", "Aleška Simkić,extra\n", "row has 4 cells"),
    ("countries.csv", "country,name_en", "code,name_en", "header differs from the schema"),
    ("sources.csv", ",6760,", ",0,", "got '0', expected at least 1"),
]


def test_the_published_package_passes_both():
    assert ours(ROOT) == []
    assert frictionless_errors(ROOT / "datapackage.json") == []


@pytest.mark.parametrize("name, old, new, message", BREAKAGES, ids=[f"{b[0]}:{b[3][:30]}" for b in BREAKAGES])
def test_each_broken_csv_fails_ours_and_frictionless(tmp_path: Path, name: str, old: str, new: str, message: str):
    root = copy_project(tmp_path / "project")
    path = root / "data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    rehash(root)
    found = ours(root)
    assert any(message in f for f in found), found
    assert found[0].startswith(f"data/{name}"), found
    assert frictionless_errors(root / "datapackage.json"), "frictionless should find it too"


@pytest.mark.parametrize("cell", ["٨٠", " 80", "8_0"])
def test_integer_forms_python_reads_but_the_schema_does_not_are_refused(tmp_path: Path, cell: str):
    root = copy_project(tmp_path / "project")
    path = root / "data" / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",80,more_than", f",{cell},more_than", 1), encoding="utf-8")
    rehash(root)
    assert [f for f in ours(root) if "participants" in f] == [
        f"data/events.csv:2: participants: constraint error: got '{cell}', expected an integer"]


def test_an_integer_sqlite_cannot_store_is_refused_with_the_range(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    path = root / "data" / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",80,more_than", ",9223372036854775808,more_than", 1),
                    encoding="utf-8")
    rehash(root)
    assert [f for f in ours(root) if "participants" in f] == [
        "data/events.csv:2: participants: constraint error: got '9223372036854775808', "
        "expected an integer from -9223372036854775808 to 9223372036854775807"]
