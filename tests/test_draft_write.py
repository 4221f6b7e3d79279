"""`kz-rule-of-law draft archive/<id>.txt` writes a draft facts file that `check` reads."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kz_rule_of_law.curation import facts
from kz_rule_of_law.curation.draft_write import fact, quote
from workspace import ROOT, cli, copy_project

RELEASES = ROOT / "tests" / "releases"


@given(st.text())
def test_a_quoted_scalar_reads_back_as_written(text: str) -> None:
    assert yaml.safe_load(f"key: {quote(text)}\n") == {"key": text}


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_a_drafted_fact_reads_back_through_the_facts_loader(text: str) -> None:
    document = facts.parse_yaml(f"value: {fact(text, 2, 'kk')}  # review\n", "draft.yml")
    assert dict(document["value"]) == {"kk": text, "at": "2", "en": ""}


@pytest.mark.parametrize(
    "text", ["1,2 млн еуро", "бюджеті: 5 млн", "№ 5 # үшін", "- 80-нен астам", 'ол "иә" деді', "'а'"]
)
def test_the_values_that_break_plain_yaml_are_quoted_safely(text: str) -> None:
    assert yaml.safe_load("{" + f"kk: {quote(text)}, en: {quote(text)}" + "}") == {"kk": text, "en": text}


def _project_with(tmp_path: Path, name: str) -> Path:
    """A copy of the project with a synthetic release's text archived (and no facts file for it)."""
    root = copy_project(tmp_path / "project")
    shutil.copy(RELEASES / f"{name}.txt", root / "archive" / f"{name}.txt")
    return root


@pytest.mark.parametrize("name", sorted(p.stem for p in RELEASES.glob("synthetic-*.txt")))
def test_a_draft_passes_check_but_for_the_fields_a_person_fills(tmp_path: Path, name: str) -> None:
    root = _project_with(tmp_path, name)
    ran = cli(root, "draft", f"archive/{name}.txt")
    assert ran.returncode == 0, ran.stderr
    drafted = root / "facts" / f"{name}.yml"
    lines = drafted.read_text(encoding="utf-8").splitlines()
    checked = cli(root, "check", "--format", "json", f"facts/{name}.yml")
    problems = json.loads(checked.stdout)["problems"]
    assert problems, "a draft always leaves a person something to fill"
    for problem in problems:
        assert '""' in lines[problem["line"] - 1], (problem, lines[problem["line"] - 1])


def test_the_draft_fills_the_source_record_from_the_archive_and_the_dateline(tmp_path: Path) -> None:
    name = "synthetic-approximate-grant"
    root = _project_with(tmp_path, name)
    assert cli(root, "draft", f"archive/{name}.txt").returncode == 0
    text = (root / "facts" / f"{name}.yml").read_text(encoding="utf-8")
    source = facts.parse_yaml(text, "draft.yml")["source"]
    data = (root / "archive" / f"{name}.txt").read_bytes()
    assert (source["id"], source["path"], source["language"]) == (name, f"archive/{name}.txt", "kk")
    assert (source["sha256"], source["bytes"]) == (hashlib.sha256(data).hexdigest(), str(len(data)))
    assert (source["place"]["kk"], source["date"]["kk"]) == ("ҚАРАҒАНДЫ", "2026 жылғы 10 сәуірде")
    assert 'total_budget: {kk: "шамамен 650 млн теңге", en: ""}  # review' in text
    assert 'equivalent: {kk: "1,2 млн еуроға жуық", en: ""}  # review' in text
    assert 'title: {kk: "Түзеу мекемелеріндегі құқықтық көмек", en: ""}  # review' in text


def test_values_it_cannot_place_and_known_records_are_listed_in_comments(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "archive" / "synthetic-unplaced.txt").write_text(
        "СИНТЕТИКАЛЫҚ МӘТІН.\nАСТАНА, 2026 жылғы 1 маусымда. Кеше 1 200 еуро табылды; Еуропалық Одақтың өкілі келді.\n",
        encoding="utf-8",
    )
    assert cli(root, "draft", "archive/synthetic-unplaced.txt").returncode == 0
    text = (root / "facts" / "synthetic-unplaced.yml").read_text(encoding="utf-8")
    assert '#   money: "1 200 еуро"' in text
    assert '#   organization = eu: "Еуропалық Одақтың"' in text


def test_draft_refuses_to_overwrite_a_facts_file_without_force(tmp_path: Path) -> None:
    name = "synthetic-forum-outcome"
    root = _project_with(tmp_path, name)
    assert cli(root, "draft", f"archive/{name}.txt").returncode == 0
    (root / "facts" / f"{name}.yml").write_text("# mine\n", encoding="utf-8")
    again = cli(root, "draft", f"archive/{name}.txt")
    assert again.returncode == 2
    assert "the facts file exists already" in again.stderr and "Traceback" not in again.stderr
    assert (root / "facts" / f"{name}.yml").read_text(encoding="utf-8") == "# mine\n"
    assert cli(root, "draft", "--force", f"archive/{name}.txt").returncode == 0
    assert "source:" in (root / "facts" / f"{name}.yml").read_text(encoding="utf-8")


def test_draft_refuses_a_text_outside_the_archive_or_with_no_source_id(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "release.txt").write_text("Мәтін.\n", encoding="utf-8")
    (root / "archive" / "release.txt").write_text("Мәтін.\n", encoding="utf-8")
    outside = cli(root, "draft", "release.txt")
    assert outside.returncode == 2 and "not in archive/" in outside.stderr
    unnamed = cli(root, "draft", "archive/release.txt")
    assert unnamed.returncode == 2 and "not a source id" in unnamed.stderr
