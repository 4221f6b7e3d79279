"""Versions of the data: `diff REF` on hand-made packages in throwaway git repositories, and `release`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import escape

from kz_rule_of_law.versions import changelog
from kz_rule_of_law.versions.citation import render_citation, render_zenodo
from kz_rule_of_law.versions.diff import diff_packages
from kz_rule_of_law.versions.semver import Step, bump, is_rendering, parse_version
from kz_rule_of_law.versions.state import PackageState, working_tree
from kz_rule_of_law.web.plugin.changes import atom, release_id
from workspace import ROOT, cli

# Hand-made tables: name -> (primary key, columns). project_organizations has a composite key.
TABLES = {
    "sources": (["source_id"], ["source_id", "title_en"]),
    "budgets": (["project_id"], ["project_id", "total_budget", "currency", "equivalent_en"]),
    "project_organizations": (
        ["project_id", "organization_id", "iati_role"],
        ["project_id", "organization_id", "iati_role"],
    ),
    "quotes": (["quote_id"], ["quote_id", "value", "text_en"]),
}
BEFORE = {
    "sources": [["synthetic-one", "Release one"]],
    "budgets": [["p1", "1000", "EUR", "about KZT 500,000"], ["p2", "500", "EUR", ""]],
    "project_organizations": [["p1", "org-a", "1"], ["p1", "org-b", "4"]],
    "quotes": [["budgets/p1/total_budget/synthetic-one", "1000 EUR", "EUR 1,000"]],
}


def descriptor(version: str) -> dict[str, Any]:
    """A small descriptor of TABLES."""
    return {
        "name": "hand-made",
        "title": "A hand-made package",
        "description": "Tables made by hand to test the diff.",
        "version": version,
        "created": "2026-01-15T00:00:00Z",
        "keywords": ["test"],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "contributors": [{"title": "Test contributors", "role": "author"}],
        "resources": [
            {
                "name": name,
                "path": f"data/{name}.csv",
                "schema": {"fields": [{"name": c, "type": "string"} for c in columns], "primaryKey": key},
            }
            for name, (key, columns) in TABLES.items()
        ],
    }


def write_package(root: Path, rows: dict[str, list[list[str]]], version: str = "0.1.0") -> None:
    """Write the descriptor and a CSV per table under `root`."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "facts").mkdir(exist_ok=True)
    (root / "facts" / ".keep").write_text("", encoding="utf-8")
    (root / "datapackage.json").write_text(json.dumps(descriptor(version), indent=2) + "\n", encoding="utf-8")
    for name, (_, columns) in TABLES.items():
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([columns, *rows[name]])
        (root / "data" / f"{name}.csv").write_text(text.getvalue(), encoding="utf-8")


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a fixed identity; its output."""
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *identity, *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, message: str, tag: str | None = None) -> None:
    """Commit everything under `root`, and tag it (annotated) when `tag` is given."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    if tag:
        git(root, "tag", "-a", tag, "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit, tagged v0.1.0, holds the BEFORE package."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_package(root, BEFORE)
    (root / "pyproject.toml").write_text('[project]\nname = "hand-made"\nversion = "0.1.0"\n', encoding="utf-8")
    commit(root, "first", tag="v0.1.0")
    return root


def edited(**tables: list[list[str]]) -> dict[str, list[list[str]]]:
    """BEFORE with some tables replaced."""
    return {**BEFORE, **tables}


# A changed amount, an added release (its source and claim), a removed row, a composite key changed.
AFTER = edited(
    sources=[["synthetic-one", "Release one"], ["synthetic-two", "Release two"]],
    budgets=[["p1", "1200", "EUR", "about KZT 500,000"]],
    project_organizations=[["p1", "org-a", "1"], ["p1", "org-b", "2"]],
    quotes=[
        ["budgets/p1/total_budget/synthetic-one", "1000 EUR", "EUR 1,000"],
        ["budgets/p1/total_budget/synthetic-two", "1200 EUR", "EUR 1,200"],
    ],
)


def test_diff_names_every_change_by_primary_key(repo: Path) -> None:
    write_package(repo, AFTER)
    ran = cli(repo, "diff", "v0.1.0")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        "data diff: v0.1.0 (version 0.1.0) -> the working tree (version 0.1.0)",
        "sources: +1 -0 ~0",
        "  + synthetic-two",
        "budgets: +0 -1 ~1",
        "  - p2",
        '  ~ p1: total_budget: "1000" -> "1200"',
        "project_organizations: +1 -1 ~0",
        "  + p1/org-b/2",
        "  - p1/org-b/4",
        "quotes: +1 -0 ~0",
        "  + budgets/p1/total_budget/synthetic-two",
        "claims added: 1",
        "implied step: major (rows removed from budgets: 1 (first: p2))",
    ]


def test_diff_as_json_has_whole_rows_and_both_values(repo: Path) -> None:
    write_package(repo, AFTER)
    ran = cli(repo, "diff", "v0.1.0", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert (found["ref"], found["implied_step"], found["claims_added"]) == ("v0.1.0", "major", 1)
    assert list(found["tables"]) == ["sources", "budgets", "project_organizations", "quotes"]
    budgets = found["tables"]["budgets"]
    assert budgets["changed"] == [{"key": {"project_id": "p1"}, "field": "total_budget", "old": "1000", "new": "1200"}]
    assert budgets["removed"] == [{"project_id": "p2", "total_budget": "500", "currency": "EUR", "equivalent_en": ""}]
    links = found["tables"]["project_organizations"]
    assert links["key"] == ["project_id", "organization_id", "iati_role"]
    assert links["added"] == [{"project_id": "p1", "organization_id": "org-b", "iati_role": "2"}]
    assert links["removed"] == [{"project_id": "p1", "organization_id": "org-b", "iati_role": "4"}]
    assert found["tables"]["sources"]["added"] == [{"source_id": "synthetic-two", "title_en": "Release two"}]


def test_diff_against_a_commit_and_a_branch(repo: Path) -> None:
    write_package(repo, edited(budgets=[BEFORE["budgets"][0]]))
    commit(repo, "remove p2")
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    assert cli(repo, "diff", first).stdout.splitlines()[1:3] == ["budgets: +0 -1 ~0", "  - p2"]
    assert cli(repo, "diff", "main").stdout.splitlines()[1:] == [
        "claims added: 0",
        "implied step: none (no change to the data)",
    ]


def test_a_changed_rendering_is_a_patch_and_added_rows_a_minor_step(repo: Path) -> None:
    renderings = [["p1", "1000", "EUR", "about KZT 0.5 million"], BEFORE["budgets"][1]]
    write_package(repo, edited(budgets=renderings))
    assert cli(repo, "diff", "v0.1.0").stdout.splitlines()[-1] == (
        "implied step: patch (rendering changed: budgets.equivalent_en of p1)"
    )
    write_package(repo, edited(budgets=[*renderings, ["p3", "7", "EUR", ""]]))
    assert cli(repo, "diff", "v0.1.0").stdout.splitlines()[-1] == "implied step: minor (rows added to budgets: 1)"


def test_a_changed_primary_value_of_a_composite_key_row_is_a_removal(repo: Path) -> None:
    write_package(repo, edited(project_organizations=[["p1", "org-a", "1"], ["p1", "org-c", "4"]]))
    lines = cli(repo, "diff", "v0.1.0").stdout.splitlines()
    assert lines[1:4] == ["project_organizations: +1 -1 ~0", "  + p1/org-c/4", "  - p1/org-b/4"]
    assert lines[-1] == "implied step: major (rows removed from project_organizations: 1 (first: p1/org-b/4))"


def test_an_unknown_ref_is_an_input_error(repo: Path) -> None:
    ran = cli(repo, "diff", "v9.9.9")
    assert ran.returncode == 2
    assert ran.stderr.strip() == (
        "error: no such git ref: got 'v9.9.9', expected a tag, branch or commit of this repository"
    )


def test_a_project_outside_git_cannot_diff(tmp_path: Path) -> None:
    write_package(tmp_path, BEFORE)
    ran = cli(tmp_path, "diff", "HEAD")
    assert ran.returncode == 2
    assert "not in a git repository" in ran.stderr


def test_release_refuses_a_smaller_step_than_the_diff_implies(repo: Path) -> None:
    write_package(repo, AFTER)
    before = {
        p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts and p.name != ".build.lock"
    }
    for step in ("minor", "patch"):
        ran = cli(repo, "release", step)
        assert ran.returncode == 2
        assert ran.stderr.startswith(
            f"error: a {step} release is too small for the changes since v0.1.0: rows removed from budgets: 1"
        )
        assert "expected major (or larger)" in ran.stderr
    assert {
        p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts and p.name != ".build.lock"
    } == before


def test_release_writes_the_version_everywhere_and_the_changelog_entry(repo: Path) -> None:
    write_package(repo, AFTER)
    ran = cli(repo, "release", "major", "--date", "2026-12-01")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == '  git tag -a v1.0.0 -m "Release 1.0.0 of the data"'
    package = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["version"], package["created"]) == ("1.0.0", "2026-12-01T00:00:00Z")
    assert 'version = "1.0.0"' in (repo / "pyproject.toml").read_text(encoding="utf-8")
    assert (repo / "CITATION.cff").read_text(encoding="utf-8") == render_citation(package)
    assert yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))["date-released"] == "2026-12-01"
    assert json.loads((repo / ".zenodo.json").read_text(encoding="utf-8"))["version"] == "1.0.0"
    assert (repo / ".zenodo.json").read_text(encoding="utf-8") == render_zenodo(package)
    [entry] = changelog.parse((repo / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert (entry.version, entry.date) == ("1.0.0", "2026-12-01")
    assert (
        entry.paragraphs[0]
        == "Major release after 0.1.0, compared with v0.1.0: rows removed from budgets: 1 (first: p2)."
    )
    assert entry.counts == [
        ["sources", "1", "0", "0"],
        ["budgets", "0", "1", "1"],
        ["project_organizations", "1", "1", "0"],
        ["quotes", "1", "0", "0"],
    ]
    assert entry.paragraphs[1] == "Claims added: 1."
    assert entry.notable == [
        'press release added: synthetic-two ("Release two")',
        "budgets: removed p2",
        "project_organizations: removed p1/org-b/4",
        'budgets: p1: total_budget: "1000" -> "1200"',
    ]


def test_release_twice_needs_the_tag_then_adds_an_entry_on_top(repo: Path) -> None:
    git(repo, "tag", "-d", "v0.1.0")  # no release yet: the whole package is new
    assert cli(repo, "release", "minor", "--date", "2026-12-01").returncode == 0
    again = cli(repo, "release", "patch", "--date", "2026-12-02")
    assert again.returncode == 2
    assert "release 0.2.0 is written but not tagged" in again.stderr
    commit(repo, "release 0.2.0", tag="v0.2.0")
    write_package(repo, edited(budgets=[["p1", "1000", "EUR", "about KZT 0.5 million"], BEFORE["budgets"][1]]), "0.2.0")
    assert cli(repo, "release", "patch", "--date", "2026-12-02").returncode == 0
    entries = changelog.parse((repo / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert [(e.version, e.date) for e in entries] == [("0.2.1", "2026-12-02"), ("0.2.0", "2026-12-01")]
    assert entries[1].paragraphs[0] == (
        "Minor release after 0.1.0, compared with an empty package (the first release): rows added to sources: 1."
    )
    assert entries[0].notable == ['budgets: p1: equivalent_en: "about KZT 500,000" -> "about KZT 0.5 million"']


def test_release_redo_makes_the_untagged_release_again_with_its_note(repo: Path) -> None:
    assert cli(repo, "release", "minor", "--redo").returncode == 2  # nothing written yet
    git(repo, "tag", "-d", "v0.1.0")
    assert cli(repo, "release", "minor", "--date", "2026-12-01").returncode == 0
    write_package(repo, edited(sources=AFTER["sources"]), "0.2.0")  # a merge adds a release
    assert "is written but not tagged" in cli(repo, "release", "minor").stderr
    note = "Why 0.2.0: the first release."
    ran = cli(repo, "release", "minor", "--redo", "--note", note, "--date", "2026-12-03")
    assert ran.returncode == 0, ran.stderr
    [entry] = changelog.parse((repo / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert (entry.version, entry.date, entry.previous) == ("0.2.0", "2026-12-03", "0.1.0")
    assert entry.paragraphs[1] == note
    assert entry.counts[0] == ["sources", "2", "0", "0"]
    assert json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"] == "0.2.0"
    commit(repo, "release 0.2.0", tag="v0.2.0")
    tagged = cli(repo, "release", "minor", "--redo")
    assert tagged.returncode == 2
    assert "no untagged entry of the current version 0.2.0 to make again" in tagged.stderr


def test_release_date_must_be_a_date(repo: Path) -> None:
    ran = cli(repo, "release", "major", "--date", "2026-13-01")
    assert ran.returncode == 2
    assert ran.stderr.strip() == "error: not a date: got '2026-13-01', expected YYYY-MM-DD"


@pytest.mark.parametrize(
    ("version", "step", "expected"),
    [("0.1.0", Step.minor, "0.2.0"), ("0.2.3", Step.patch, "0.2.4"), ("1.4.2", Step.major, "2.0.0")],
)
def test_bump(version: str, step: Step, expected: str) -> None:
    assert bump(parse_version(version, "test"), step) == expected


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "01.2.3", "1.2.3-rc1", ""])
def test_versions_are_three_numbers(version: str) -> None:
    with pytest.raises(Exception, match="not a version"):
        parse_version(version, "test")


def test_only_english_renderings_are_renderings() -> None:
    assert [c for c in ("title_en", "name_en_status", "title_kk", "total_budget", "value") if is_rendering(c)] == [
        "title_en",
        "name_en_status",
    ]


def test_descriptor_texts_are_a_patch_and_come_and_go_with_their_tables(repo: Path) -> None:
    changed = descriptor("0.1.0")
    changed["resources"][1]["schema"]["fields"][1]["description"] = "Total budget as stated."
    changed["title"] = "A package made by hand"
    (repo / "datapackage.json").write_text(json.dumps(changed), encoding="utf-8")
    assert cli(repo, "diff", "v0.1.0").stdout.splitlines()[1:] == [
        "descriptor: ~2",
        '  ~ title: "A hand-made package" -> "A package made by hand"',
        '  ~ budgets.total_budget.description: "" -> "Total budget as stated."',
        "claims added: 0",
        "implied step: patch (descriptor text changed: title)",
    ]
    assert diff_packages(PackageState(), working_tree(repo)).texts == []  # all new: its texts come with it


# The site: the version and date of the data on every page, the releases' page and their feed.

ATOM = "{http://www.w3.org/2005/Atom}"


def root_entries() -> list[changelog.Entry]:
    return changelog.parse((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "path", ["/", "/kz-rule-of-law", "/kz-rule-of-law/budgets", "/-/funding", "/-/changes", "/no-such-page"]
)
def test_every_page_shows_the_version_and_date_of_the_data(get, descriptor, path: str) -> None:
    page = get(path).text
    date = descriptor["created"][:10]
    assert f'Data version\n<a href="/-/changes">{descriptor["version"]}</a>' in page
    assert f'(released <time datetime="{date}">{date}</time>)' in page
    if not path.startswith(("/-/", "/no-")):  # Datasette's own part of the footer stays on its pages
        assert 'href="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</a>' in page


def test_the_changes_page_shows_every_release_of_the_changelog(get) -> None:
    response = get("/-/changes")
    assert response.status_code == 200
    entries = root_entries()
    assert entries, "CHANGELOG.md has at least the first release"
    for entry in entries:
        assert f'<section class="kz-release" id="v{entry.version}">' in response.text
        assert f'<time datetime="{entry.date}">{entry.date}</time>' in response.text
        for table, added, removed, changed in entry.counts:
            assert f"<tr><td>{table}</td><td>{added}</td><td>{removed}</td><td>{changed}</td></tr>" in response.text
        for line in entry.notable:
            assert f"<li>{escape(line)}</li>" in response.text
    assert '<link rel="alternate" type="application/atom+xml"' in response.text


def test_each_release_has_its_page(get) -> None:
    entry = root_entries()[-1]
    response = get(f"/-/changes/{entry.version}")
    assert response.status_code == 200
    assert response.text.count('<section class="kz-release"') == 1
    assert f'id="v{entry.version}"' in response.text
    assert get("/-/changes/999.0.0").status_code == 404


def test_the_feed_is_atom_with_an_entry_per_release(get, descriptor) -> None:
    response = get("/-/changes.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    assert feed.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/-/changes.atom")
    found = feed.findall(f"{ATOM}entry")
    entries = root_entries()
    assert [e.findtext(f"{ATOM}id") for e in found] == [release_id(descriptor["name"], x.version) for x in entries]
    assert [e.findtext(f"{ATOM}updated") for e in found] == [f"{x.date}T00:00:00Z" for x in entries]
    assert feed.findtext(f"{ATOM}updated") == f"{entries[0].date}T00:00:00Z"
    assert all(e.findtext(f"{ATOM}summary") and e.find(f"{ATOM}link").get("href") for e in found)
    assert get("/-/changes.atom").content == response.content


def test_feed_ids_are_stable_whatever_the_host_and_differ_per_release(descriptor) -> None:
    entries = [changelog.Entry("0.3.0", "2027-01-02", ["Patch."]), changelog.Entry("0.2.0", "2026-12-02", ["Minor."])]
    one = ET.fromstring(atom(descriptor, entries, "http://a.example/-/changes", "http://a.example/-/changes.atom"))
    two = ET.fromstring(atom(descriptor, entries, "https://b.example/-/changes", "https://b.example/-/changes.atom"))
    ids = [e.findtext(f"{ATOM}id") for e in one.findall(f"{ATOM}entry")]
    assert ids == [e.findtext(f"{ATOM}id") for e in two.findall(f"{ATOM}entry")]
    assert len(set(ids)) == 2 and one.findtext(f"{ATOM}id") == two.findtext(f"{ATOM}id")
    assert one.find(f"{ATOM}entry/{ATOM}link").get("href") == "http://a.example/-/changes/0.3.0"


def test_tables_and_columns_added_and_removed(repo: Path) -> None:
    changed = descriptor("0.1.0")
    budgets = changed["resources"][1]["schema"]
    budgets["fields"].append({"name": "note_en", "type": "string"})
    changed["resources"] = [r for r in changed["resources"] if r["name"] != "quotes"]
    changed["resources"].append(
        {
            "name": "events",
            "path": "data/events.csv",
            "schema": {"fields": [{"name": "event_id", "type": "string"}], "primaryKey": "event_id"},
        }
    )
    (repo / "datapackage.json").write_text(json.dumps(changed), encoding="utf-8")
    (repo / "data" / "events.csv").write_text("event_id\nforum\n", encoding="utf-8")
    (repo / "data" / "budgets.csv").write_text(
        'project_id,total_budget,currency,equivalent_en,note_en\np1,1000,EUR,"about KZT 500,000",x\np2,500,EUR,,\n',
        encoding="utf-8",
    )
    assert cli(repo, "diff", "v0.1.0").stdout.splitlines() == [
        "data diff: v0.1.0 (version 0.1.0) -> the working tree (version 0.1.0)",
        "budgets: +0 -0 ~0 (columns added: note_en)",
        "events: +1 -0 ~0 (new table)",
        "  + forum",
        "quotes: +0 -1 ~0 (table removed)",
        "  - budgets/p1/total_budget/synthetic-one",
        "claims added: 0",
        "implied step: major (rows removed from quotes: 1 (first: budgets/p1/total_budget/synthetic-one))",
    ]
