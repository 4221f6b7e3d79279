"""The synthetic corpus generator (benchmarks/generate.py): deterministic, marked synthetic, and accepted
by the real pipeline (quotes found at their spans, `check` clean, build and validation clean).

No timings here: the benchmarks themselves run with `python -m benchmarks.run`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` is not an installed package; make it importable under plain pytest
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import BANNER, MARKER, generate
from kz_rule_of_law.build import build, facts_files
from kz_rule_of_law.curation.facts import load
from kz_rule_of_law.curation.quotes import collapse
from kz_rule_of_law.curation.rows import Compiler
from kz_rule_of_law.curation.sources import read_source
from kz_rule_of_law.package.descriptor import load_descriptor, tables
from kz_rule_of_law.validation.validate import validate_package
from workspace import cli

SOURCES = 10


def _files(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10-source corpus, generated once for the read-only tests."""
    return generate(tmp_path_factory.mktemp("synthetic") / "corpus", SOURCES, seed=0)


@dataclass
class Compiled:
    """A compiled corpus: every table's rows, each source's text and the facts file of each row."""

    rows: dict[str, list[dict[str, Any]]]
    texts: dict[str, str]
    files: dict[tuple[str, tuple], str]


@pytest.fixture(scope="module")
def compiled(corpus: Path) -> Compiled:
    """The corpus compiled by the real pipeline, file by file, with no problem."""
    schema = tables(load_descriptor(corpus / "datapackage.json"))
    compiler = Compiler(corpus, schema)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in schema}
    files: dict[tuple[str, tuple], str] = {}
    for chunk in compiler.run(facts_files(corpus)):
        for name, table_rows in chunk.rows.items():
            rows[name].extend(table_rows)
        files.update(dict.fromkeys(chunk.lines, chunk.name))
    assert compiler.problems == []
    texts = {r["source_id"]: read_source(corpus, r["path"], r["sha256"]).text for r in rows["sources"]}
    return Compiled(rows, texts, files)


def test_same_seed_gives_identical_bytes(corpus: Path, tmp_path: Path):
    again = generate(tmp_path / "again", SOURCES, seed=0)
    first, second = _files(corpus), _files(again)
    assert sorted(first) == sorted(second)
    assert len([p for p in first if p.startswith("facts/synthetic-")]) == SOURCES
    assert len([p for p in first if p.startswith("archive/synthetic-")]) == SOURCES
    for path in first:
        assert first[path] == second[path], f"{path} differs between two runs with the same seed"


def test_another_seed_gives_another_corpus(corpus: Path, tmp_path: Path):
    other = generate(tmp_path / "other", SOURCES, seed=1)
    assert (other / "archive" / "synthetic-000001.txt").read_bytes() != (
        corpus / "archive" / "synthetic-000001.txt"
    ).read_bytes()


def test_layout_is_a_project_root(corpus: Path):
    assert (corpus / "datapackage.json").is_file()
    assert (corpus / MARKER).is_file()
    assert (corpus / "facts" / "reference.yml").read_bytes() == (ROOT / "facts" / "reference.yml").read_bytes()
    names = sorted(p.name for p in (corpus / "facts").glob("*.yml"))
    assert names == ["reference.yml"] + [f"synthetic-{i:06d}.yml" for i in range(1, SOURCES + 1)]


def test_compiles_and_every_quote_is_at_its_span(corpus: Path, compiled):
    rows, texts = compiled.rows, compiled.texts
    assert len(texts) == SOURCES
    quoted = {}  # every Kazakh quote each facts file states, whitespace collapsed
    for path in sorted((corpus / "facts").glob("synthetic-*.yml")):
        document = load(path)
        sid = document["source"]["id"]
        quoted[sid] = set()
        stack = [document]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                if "kk" in value:
                    quoted[sid].add(collapse(value["kk"]))
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
    assert rows["quotes"], "no quotes compiled"
    for row in rows["quotes"]:
        span = texts[row["source_id"]][row["char_start"] : row["char_end"]]
        assert span == row["text_kk"], row["quote_id"]
        assert collapse(span) in quoted[row["source_id"]], row["quote_id"]
    # at 20,000 sources the quotes table must pass 1,000,000 rows
    assert len(rows["quotes"]) / SOURCES >= 50


def test_values_are_normalized_from_the_quotes(compiled):
    rows = compiled.rows
    assert {r["currency"] for r in rows["budgets"]} <= {"EUR", "KZT"}
    assert all(r["eu_contribution"] <= r["total_budget"] for r in rows["budgets"])
    assert all(r["start_year"] <= r["end_year"] for r in rows["projects"])
    assert all(r["duration_years"] <= r["end_year"] - r["start_year"] + 1 for r in rows["projects"])
    assert {r["participants_qualifier"] for r in rows["events"]} - {
        "exact",
        "more_than",
        "at_least",
        "about",
        "up_to",
        "less_than",
    } == set()
    assert any(r["legal_form"] for r in rows["organizations"])


def test_ids_unique_and_organizations_referred_to_across_files(compiled):
    rows, files = compiled.rows, compiled.files
    for table in ("organizations", "people", "projects", "positions", "events", "statements"):
        key = {
            "organizations": "organization_id",
            "people": "person_id",
            "projects": "project_id",
            "positions": "position_id",
            "events": "event_id",
            "statements": "statement_id",
        }[table]
        ids = [r[key] for r in rows[table]]
        assert len(ids) == len(set(ids)), table
    defined_in = {
        r["organization_id"]: files[("organizations", (r["organization_id"],))] for r in rows["organizations"]
    }
    referred = [
        r
        for r in rows["project_organizations"]
        if defined_in[r["organization_id"]]
        != files[("project_organizations", (r["project_id"], r["organization_id"], r["iati_role"]))]
    ]
    assert referred, "no organization is referred to from a later facts file"


def test_everything_is_marked_synthetic(corpus: Path, compiled):
    rows = compiled.rows
    for path in sorted((corpus / "archive").glob("*.txt")):
        assert path.name.startswith("synthetic-")
        assert path.read_text(encoding="utf-8").split("\n", 1)[0] == BANNER
    for row in rows["sources"]:
        assert row["source_id"].startswith("synthetic-")
        assert "[synthetic]" in row["title_kk"] and "[synthetic]" in row["title_en"]
        assert "synthetic" in row["rights"].lower()
    for table, table_rows in rows.items():
        if table in ("countries", "legal_forms", "iati_organisation_types", "iati_organisation_roles"):
            continue
        for row in table_rows:
            for column, value in row.items():
                if column == "quote_id":
                    value = value.split("/", 1)[1]  # table/record/field
                if column.endswith("_id") and value is not None:
                    assert str(value).startswith("synthetic-"), (table, column, value)
    for path in sorted((corpus / "facts").glob("synthetic-*.yml")):
        assert path.read_text(encoding="utf-8").startswith("# SYNTHETIC")


def test_facts_files_are_plain_yaml(corpus: Path):
    for path in sorted((corpus / "facts").glob("synthetic-*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["source"]["id"] == path.stem
        assert isinstance(document["organizations"], list)


def test_facts_files_pass_check(corpus: Path):
    for name in [f"synthetic-{i:06d}.yml" for i in range(1, SOURCES + 1)]:
        result = cli(corpus, "check", f"facts/{name}")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"ok: facts/{name}"


def test_whole_pipeline_builds_and_validates(tmp_path: Path):
    root = generate(tmp_path / "built", SOURCES, seed=3)
    built = build(root)
    assert built.counts["sources"] == SOURCES
    assert (root / "data" / "quotes.csv").is_file()
    assert validate_package(root) == []


def test_refuses_to_write_into_the_repository_or_a_foreign_folder(tmp_path: Path):
    for target in (ROOT, ROOT / "facts", ROOT / "data", ROOT / "archive" / "x"):
        with pytest.raises(ValueError):
            generate(target, 1)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError):
        generate(foreign, 1)
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"
