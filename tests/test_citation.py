"""The licences, CITATION.cff and .zenodo.json: present, valid, and in agreement with the descriptor."""

from __future__ import annotations

import hashlib
import json
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from kz_rule_of_law.versions.citation import citation, render_citation, render_zenodo, zenodo
from kz_rule_of_law.web.downloads import write_downloads
from workspace import cli, copy_project

ROOT = Path(__file__).resolve().parent.parent
CFF_SCHEMA = Path(__file__).parent / "reference" / "cff" / "schema-1.2.0.json"
# sha256 of the Apache License 2.0 as the Apache Software Foundation publishes it (LICENSE-2.0.txt).
APACHE_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"


def descriptor() -> dict[str, Any]:
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def cff_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_license_files_are_the_published_texts() -> None:
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == APACHE_SHA256
    data = (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert data.startswith("Attribution 4.0 International\n")
    assert "Creative Commons Attribution 4.0 International Public License" in data
    # the whole legal code: all eight sections and the closing notice
    for section in range(1, 9):
        assert f"\nSection {section} -- " in data
    assert data.endswith("Creative Commons may be contacted at creativecommons.org.\n")


def test_pyproject_declares_the_code_licence_in_spdx() -> None:
    config = pyproject()
    assert config["project"]["license"] == "Apache-2.0"
    assert config["project"]["license-files"] == ["LICENSE"]
    setuptools = [r for r in config["build-system"]["requires"] if r.startswith("setuptools")]
    assert setuptools == ["setuptools>=77"]  # PEP 639's fields need setuptools 77


def test_the_descriptor_states_the_data_licence() -> None:
    assert descriptor()["licenses"][0]["name"] == "CC-BY-4.0"


def test_citation_file_is_valid_cff_1_2_0() -> None:
    document = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    errors = sorted(cff_validator().iter_errors(document), key=str)
    assert errors == []


def test_the_cff_schema_rejects_a_broken_citation() -> None:
    broken = citation(descriptor())
    del broken["authors"]
    broken["date-released"] = "2026-13-01"
    messages = {error.message for error in cff_validator().iter_errors(broken)}
    assert "'authors' is a required property" in messages
    assert any("2026-13-01" in message for message in messages)


def test_citation_and_zenodo_files_are_what_the_descriptor_gives() -> None:
    d = descriptor()
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == render_citation(d)
    assert (ROOT / ".zenodo.json").read_text(encoding="utf-8") == render_zenodo(d)


def test_every_version_and_title_agrees() -> None:
    d = descriptor()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    deposit = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert cff["version"] == deposit["version"] == pyproject()["project"]["version"] == d["version"]
    assert cff["title"] == deposit["title"] == d["title"]
    assert cff["license"] == d["licenses"][0]["name"]
    assert deposit["license"] == d["licenses"][0]["name"].lower()
    assert cff["date-released"] == deposit["publication_date"] == d["created"][:10]


def test_zenodo_deposit_metadata_has_its_keys() -> None:
    deposit = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert {"title", "upload_type", "description", "creators", "license", "version", "keywords"} <= set(deposit)
    assert deposit["upload_type"] == "dataset"
    assert deposit["creators"] and all(c["name"] for c in deposit["creators"])


def with_contributors(contributors: list[dict[str, Any]]) -> dict[str, Any]:
    return {**descriptor(), "contributors": contributors}


@pytest.mark.parametrize(
    "contributors",
    [
        [{"title": "A. Curator", "role": "author"}, {"title": "B. Wrangler", "role": "wrangler"}],  # Data Package v1
        [{"title": "A. Curator", "roles": ["creator"]}, {"title": "B. Wrangler", "roles": ["wrangler"]}],  # v2
    ],
)
def test_contributors_are_named_with_their_roles(contributors: list[dict[str, Any]]) -> None:
    d = with_contributors(contributors)
    assert citation(d)["authors"] == [{"name": "A. Curator"}]
    assert zenodo(d)["creators"] == [{"name": "A. Curator"}]
    assert zenodo(d)["contributors"] == [{"name": "B. Wrangler", "type": "DataCurator"}]
    assert list(cff_validator().iter_errors(citation(d))) == []


def test_the_readme_says_how_to_cite() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## How to cite" in readme
    assert "CITATION.cff" in readme


def test_the_download_bundle_carries_the_licences_citation_and_changelog(tmp_path: Path) -> None:
    write_downloads(ROOT, tmp_path)
    d = descriptor()
    with zipfile.ZipFile(tmp_path / f"{d['name']}.zip") as bundle:
        names = set(bundle.namelist())
        for name in ("README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "CHANGELOG.md", "datapackage.json"):
            assert bundle.read(name) == (ROOT / name).read_bytes()
        assert {r["path"] for r in d["resources"]} <= names
        archived = [s["path"] for s in d["sources"] if s["path"].startswith("archive/")]
        assert archived and all(bundle.read(path) == (ROOT / path).read_bytes() for path in archived)
    for name in ("CHANGELOG.md", "CITATION.cff", "LICENSE-DATA"):  # served beside the zip too
        assert (tmp_path / name).read_bytes() == (ROOT / name).read_bytes()


def test_cite_prints_the_reference_and_writes_the_files(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    d = descriptor()
    ran = cli(project, "cite", "--write")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == (
        f"kz-rule-of-law contributors ({d['created'][:4]}). {d['title']} (version {d['version']}) [Data set]. "
        "CC-BY-4.0."
    )
    assert (project / "CITATION.cff").read_bytes() == (ROOT / "CITATION.cff").read_bytes()
    assert (project / ".zenodo.json").read_bytes() == (ROOT / ".zenodo.json").read_bytes()


def test_a_homepage_and_a_uri_id_go_into_the_citation() -> None:
    d = {**descriptor(), "homepage": "https://example.org/kz", "id": "https://example.org/kz/datapackage.json"}
    found = citation(d)
    assert found["url"] == "https://example.org/kz"
    assert found["identifiers"] == [
        {"type": "url", "value": "https://example.org/kz/datapackage.json", "description": "The package's id."}
    ]
    assert list(cff_validator().iter_errors(found)) == []
    assert "url" not in citation({**descriptor(), "homepage": "not a url"})
