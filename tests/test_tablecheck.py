"""The project's table checks find what frictionless finds: same verdict on every broken CSV."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kz_rule_of_law.errors import Problem
from kz_rule_of_law.package.descriptor import load_descriptor, tables
from kz_rule_of_law.validation.tables import check_package
from kz_rule_of_law.validation.validate import frictionless_errors
from workspace import ROOT, copy_project


def rehash(root: Path) -> None:
    """Record every CSV's current size and sha256 in the descriptor, as if built so."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (root / resource["path"]).read_bytes()
        resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def ours(root: Path) -> list[Problem]:
    """The problems the project's table checks find."""
    descriptor = load_descriptor(root / "datapackage.json")
    return check_package(root, descriptor, tables(descriptor))


def where(problem: Problem) -> tuple:
    """A problem's code and location: (code, file, line, record, field)."""
    return (problem.code, problem.file, problem.line, problem.record, problem.field)


# (file, text in it, replacement, the first problem's code, line and field, and the value it shows)
BREAKAGES = [
    ("events.csv", ",80,more_than", ",eighty,more_than", ("wrong-type", 2, "participants"), "eighty"),
    ("events.csv", ",80,more_than", ",-3,more_than", ("below-minimum", 2, "participants"), "-3"),
    ("events.csv", ",more_than", ",lots", ("not-in-enum", 2, "participants_qualifier"), "lots"),
    ("events.csv", "2025-11-21", "2025-02-30", ("wrong-type", 2, "date"), "2025-02-30"),
    ("projects.csv", "2024,2027,3", "2024,27,3", ("wrong-type", 2, "end_year"), "27"),
    ("budgets.csv", ",EUR,768490", ",EURO,768490", ("not-in-enum", 2, "currency"), "EURO"),
    ("budgets.csv", "768490,730000", "768k,730000", ("wrong-type", 2, "total_budget"), "768k"),
    ("organizations.csv", ",IPHR,", ",iphr,", ("pattern-mismatch", 4, "abbreviation"), "iphr"),
    ("organizations.csv", ",official,,IPHR", ",,,IPHR", ("missing-value", 4, "name_en_status"), ""),
    ("organizations.csv", "pri-central-asia,", "pri,", ("duplicate-id", 8, "organization_id"), "pri"),
    ("organizations.csv", ",KZ,pri,", ",KZ,pri-europe,", ("foreign-key", 8, "parent_id"), "pri-europe"),
    (
        "people.csv",
        "Aleška Simkić,\n",
        "Aleška Simkić,,extra\n",
        ("wrong-cell-count", 2, None),
        "aleska-simkic,Алешка Симкич,Aleška Simkić,,extra",
    ),
    (
        "countries.csv",
        "country,name_en",
        "code,name_en",
        ("header-mismatch", 1, None),
        "code,name_en,name_kk,wikidata,name_ru",
    ),
    ("sources.csv", ",6760,", ",0,", ("below-minimum", 2, "bytes"), "0"),
]


def test_the_published_package_passes_both():
    assert ours(ROOT) == []
    assert frictionless_errors(ROOT / "datapackage.json") == []


@pytest.mark.parametrize("name, old, new, first, value", BREAKAGES, ids=[f"{b[0]}:{b[3][0]}" for b in BREAKAGES])
def test_each_broken_csv_fails_ours_and_frictionless(
    tmp_path: Path, name: str, old: str, new: str, first: tuple, value: str
):
    root = copy_project(tmp_path / "project")
    path = root / "data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    rehash(root)
    found = ours(root)
    code, line, field = first
    assert where(found[0]) == (code, f"data/{name}", line, None, field), found
    assert found[0].value == value
    assert frictionless_errors(root / "datapackage.json"), "frictionless should find it too"


def test_an_enum_is_shown_in_the_descriptor_order(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    path = root / "data" / "budgets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",EUR,768490", ",EURO,768490", 1), encoding="utf-8")
    rehash(root)
    descriptor = load_descriptor(root / "datapackage.json")
    enum = tables(descriptor)["budgets"].field("currency").constraints["enum"]
    assert ours(root)[0].expected == "one of " + ", ".join(enum)


@pytest.mark.parametrize("cell", ["٨٠", " 80", "8_0"])
def test_integer_forms_python_reads_but_the_schema_does_not_are_refused(tmp_path: Path, cell: str):
    root = copy_project(tmp_path / "project")
    path = root / "data" / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",80,more_than", f",{cell},more_than", 1), encoding="utf-8")
    rehash(root)
    assert [(where(p), str(p)) for p in ours(root) if p.field == "participants"] == [
        (
            ("wrong-type", "data/events.csv", 2, None, "participants"),
            f"data/events.csv:2: participants: constraint error: got '{cell}', expected an integer",
        )
    ]


def test_an_integer_sqlite_cannot_store_is_refused_with_the_range(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    path = root / "data" / "events.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",80,more_than", ",9223372036854775808,more_than", 1), encoding="utf-8"
    )
    rehash(root)
    assert [(where(p), str(p)) for p in ours(root) if p.field == "participants"] == [
        (
            ("not-storable", "data/events.csv", 2, None, "participants"),
            "data/events.csv:2: participants: constraint error: got '9223372036854775808', "
            "expected an integer from -9223372036854775808 to 9223372036854775807",
        )
    ]
