"""The descriptor is Data Package v2, and the lint knows v2's keys and nothing more."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kz_rule_of_law.package.descriptor import PACKAGE_PROFILE, lint, load_descriptor
from kz_rule_of_law.validation.validate import frictionless_errors
from workspace import ROOT, cli, copy_project

V2 = "https://datapackage.org/profiles/2.0/datapackage.json"


@pytest.fixture(scope="module")
def descriptor() -> dict[str, Any]:
    """The committed descriptor, parsed."""
    return load_descriptor(ROOT / "datapackage.json")


def test_the_descriptor_declares_data_package_v2(descriptor: dict[str, Any]):
    assert PACKAGE_PROFILE == V2
    assert descriptor["$schema"] == V2
    assert "profile" not in descriptor
    assert all(r["type"] == "table" and "profile" not in r for r in descriptor["resources"])
    assert descriptor["id"].startswith("urn:uuid:") and len(descriptor["id"]) == len("urn:uuid:") + 36
    assert all(isinstance(c["roles"], list) and c["roles"] and "role" not in c for c in descriptor["contributors"])


def test_frictionless_reads_the_descriptor_as_v2_and_finds_no_error(descriptor: dict[str, Any]):
    from frictionless import Package

    assert Package.effective_datapackage_version(descriptor, None) == "v2"
    assert frictionless_errors(ROOT / "datapackage.json") == []


def test_frictionless_validate_command_passes():
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_constraints_v2_frictionless_does_not_enforce_stay_enum_and_keys(descriptor: dict[str, Any]):
    # frictionless 5.21 ignores `categories` and `uniqueKeys`: codes are `enum`s, keys primary and foreign.
    for resource in descriptor["resources"]:
        assert "uniqueKeys" not in resource["schema"] and resource["schema"]["primaryKey"]
        assert all("categories" not in f for f in resource["schema"]["fields"])


@pytest.mark.parametrize(
    "where, good, bad",
    [
        ((), "$schema", "$shema"),
        (("resources", 0), "type", "tpye"),
        (("contributors", 0), "roles", "role"),
        (("contributors", 0), "roles", "rolls"),
        (("resources", 0, "schema"), "missingValues", "missingValue"),
        (("resources", 0, "schema", "fields", 0), "constraints", "constraint"),
    ],
)
def test_the_lint_fails_on_a_misspelled_v2_key(descriptor: dict[str, Any], where: tuple, good: str, bad: str):
    broken = copy.deepcopy(descriptor)
    part = broken
    for step in where:
        part = part[step]
    part[bad] = part.pop(good)
    codes = {(p.code, p.message) for p in lint(broken)}
    assert any(code == "descriptor-unknown-key" and f"unknown key '{bad}'" in m for code, m in codes), codes


@pytest.mark.parametrize(
    "where, key, value",
    [
        (("resources", 0, "schema"), "uniqueKeys", [["source_id"]]),
        (("resources", 0, "schema"), "fieldsMatch", "exact"),
        (("resources", 0, "schema", "fields", 3), "categories", ["kk", "ru", "en"]),
        (("resources", 0, "schema", "fields", 3), "categoriesOrdered", False),
        (("contributors", 0), "givenName", "Ada"),
        (("contributors", 0), "organization", "Legal Policy Research Centre"),
        (("sources", 0), "version", "1"),
        (("resources", 0, "schema", "fields", 10, "constraints"), "exclusiveMinimum", 0),
    ],
)
def test_the_lint_accepts_every_key_v2_defines(descriptor: dict[str, Any], where: tuple, key: str, value: Any):
    widened = copy.deepcopy(descriptor)
    part = widened
    for step in where:
        part = part[step]
    part[key] = value
    assert lint(widened) == []


def test_the_lint_fails_on_a_v1_descriptor(descriptor: dict[str, Any]):
    v1 = copy.deepcopy(descriptor)
    del v1["$schema"]
    v1["profile"] = "data-package"
    del v1["resources"][0]["type"]
    v1["id"] = "kz-rule-of-law"
    problems = [(p.code, p.message) for p in lint(v1)]
    assert ("descriptor-unknown-key", problems[0][1]) == problems[0] and "'profile'" in problems[0][1]
    assert sorted(m for c, m in problems if c == "descriptor-not-v2") == sorted(
        [
            f"package: $schema is None, expected {V2!r}",
            "package: id 'kz-rule-of-law' is not a URI",
            "resource sources: type is None, expected 'table'",
        ]
    )


@pytest.mark.slow
def test_a_misspelled_v2_key_fails_the_build_with_exit_2(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    path = root / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    assert text.count('"type": "table"') > 1
    path.write_text(text.replace('"type": "table"', '"typ": "table"', 1), encoding="utf-8")
    result = cli(root, "build")
    assert result.returncode == 2
    assert "resource sources: unknown key 'typ'" in result.stderr
    assert "resource sources: type is None, expected 'table'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_build_writes_v2_from_the_descriptor_it_reads(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    assert cli(root, "build").returncode == 0
    written = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert written["$schema"] == V2 and all(r["type"] == "table" for r in written["resources"])
    assert all(set(s) <= {"title", "path", "email", "version"} for s in written["sources"])
    assert lint(written) == []
