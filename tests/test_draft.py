"""Drafting a facts file: the values the normalizers find in a release's text, against its curated facts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kz_rule_of_law.curation import facts, quotes
from kz_rule_of_law.curation.draft import Candidate, candidates, value
from kz_rule_of_law.curation.draft_known import KnownNames
from kz_rule_of_law.curation.draft_release import everything
from kz_rule_of_law.curation.rows import KIND_BY_FIELD
from workspace import ROOT, cli, copy_project

RELEASES = ROOT / "tests" / "releases"


def _archived() -> list[str]:
    """The source ids of the facts files whose text is in archive/."""
    ids = []
    for path in sorted((ROOT / "facts").glob("*.yml")):
        source = facts.load(path, root=ROOT).get("source") or {}
        if (ROOT / "archive" / f"{source.get('id')}.txt").is_file():
            ids.append(source["id"])
    return ids


def _normalized(document: Any) -> Iterator[tuple[str, facts.Fact]]:
    """(kind, fact) for every fact of a facts file in a field the build normalizes."""
    if isinstance(document, list):
        for item in document:
            yield from _normalized(item)
    elif isinstance(document, dict):
        for key, item in document.items():
            if key in KIND_BY_FIELD and facts.is_fact(item):
                yield KIND_BY_FIELD[key], facts.to_fact(item)
            else:
                yield from _normalized(item)


def _score(facts_path: Path, text: str) -> tuple[int, int, list[str]]:
    """How many normalized facts the draft finds with the same quote and value, and the quotes of
    those it finds at the same span with another kind or value."""
    found = {(c.start, c.end): c for c in candidates(text)}
    same, wrong = 0, []
    expected = list(_normalized(facts.load(facts_path, root=facts_path.parent.parent)))
    for kind, fact in expected:
        drafted = found.get(quotes.locate(text, fact.kk, fact.at))
        if drafted is None:
            continue
        if (drafted.kind, drafted.value) == (kind, value(kind, fact.kk)):
            same += 1
        else:
            wrong.append(fact.kk)
    return same, len(expected), wrong


@pytest.mark.parametrize("source_id", _archived())
def test_draft_finds_the_curated_values_of_an_archived_release(source_id: str) -> None:
    text = (ROOT / "archive" / f"{source_id}.txt").read_text(encoding="utf-8")
    same, total, wrong = _score(ROOT / "facts" / f"{source_id}.yml", text)
    assert total > 0
    assert same / total >= 0.8, f"{same} of {total} found"
    assert wrong == []


@pytest.mark.parametrize("name", sorted(p.stem for p in RELEASES.glob("*.txt")))
def test_draft_gives_no_wrong_value_on_a_synthetic_release(name: str) -> None:
    text = (RELEASES / f"{name}.txt").read_text(encoding="utf-8")
    _, _, wrong = _score(RELEASES / f"{name}.yml", text)
    assert wrong == []


def test_every_drafted_quote_is_located_again_at_its_span() -> None:
    for path in [*(ROOT / "archive").glob("*.txt"), *RELEASES.glob("*.txt")]:
        text = path.read_text(encoding="utf-8")
        for c in candidates(text):
            assert quotes.locate(text, c.quote, c.at) == (c.start, c.end)
            assert text[c.start : c.end] == c.quote


def test_draft_takes_the_longest_value_and_never_cuts_a_number() -> None:
    text = "Жоба 2025 жылғы 21 қарашада басталды, бюджеті 1 500 000 еуро, 2024-2026 жж. үш жыл ішінде."
    assert [(c.kind, c.quote, c.value) for c in candidates(text)] == [
        ("date", "2025 жылғы 21 қарашада", {"date": "2025-11-21", "precision": "day"}),
        ("money", "1 500 000 еуро", {"amount": "1500000", "currency": "EUR", "qualifier": "exact"}),
        ("period", "2024-2026 жж.", {"start_year": 2024, "end_year": 2026}),
        ("duration", "үш жыл", {"years": 3}),
    ]


def test_a_bare_number_is_no_count_and_a_count_leaves_its_people_out() -> None:
    text = "2027 жылы емес, 2026 жылы 150-ге жуық қатысушы және 30 адам келді; 7 ұсыным қабылданды, 2025 емес."
    assert [(c.kind, c.quote, c.value) for c in candidates(text)] == [
        ("date", "2027 жылы", {"date": "2027-01-01", "precision": "year"}),
        ("date", "2026 жылы", {"date": "2026-01-01", "precision": "year"}),
        ("count", "150-ге жуық", {"value": 150, "qualifier": "about"}),
        ("count", "30 адам", {"value": 30, "qualifier": "exact"}),
        ("count", "7 ұсыным", {"value": 7, "qualifier": "exact"}),
    ]


def test_a_duration_leaves_out_the_postposition_after_it() -> None:
    drafted = candidates("Жоба бес жыл бойы іске асырылды, тағы екі жылға ұзартылды.")
    assert [(c.kind, c.quote, c.value) for c in drafted] == [
        ("duration", "бес жыл", {"years": 5}),
        ("duration", "екі жылға", {"years": 2}),
    ]


def test_draft_reads_a_text_with_the_normalizers_of_its_language() -> None:
    russian = candidates("Бюджет проекта составил 1,2 млн евро, в форуме приняли участие более 80 участников.", "ru")
    assert [(c.kind, c.quote) for c in russian][:1] == [("money", "1,2 млн евро")]
    english = candidates("The project's budget is EUR 777,895 and runs from 2024 to 2026.", "en")
    assert [(c.kind, c.quote) for c in english] == [("money", "EUR 777,895"), ("period", "from 2024 to 2026")]


def test_a_count_names_only_what_its_language_counts_and_a_bare_year_is_no_date() -> None:
    russian = candidates("3 марта 2026 года и 3 марта; 2025, и более 80 участников.", "ru")
    assert [(c.kind, c.quote) for c in russian] == [
        ("date", "3 марта 2026 года"),
        ("count", "более 80 участников"),
    ]


def test_a_numeric_date_is_a_date_and_a_bare_count_keeps_its_noun() -> None:
    drafted = candidates("КӨКШЕТАУ, 13.01.2025. Оған 116 қатысушы және 1 500 адам келді, 2025.")
    assert [(c.kind, c.quote) for c in drafted] == [
        ("date", "13.01.2025"),
        ("count", "116 қатысушы"),
        ("count", "1 500 адам"),
    ]


def test_a_legal_form_abbreviation_is_written_in_capitals() -> None:
    drafted = candidates("Ақ жол ЖШС, ЖШС-ның өкілі, Қ.Қ. және қоғамдық қоры")
    assert [c.quote for c in drafted] == ["ЖШС", "ЖШС-ның", "Қ.Қ.", "қоғамдық қоры"]


def test_draft_numbers_a_repeated_quote_and_leaves_record_and_field_empty() -> None:
    drafted = candidates("«ҚБ» және ҚБ-ның өкілдері")
    assert [(c.quote, c.at, c.record, c.field) for c in drafted] == [
        ("ҚБ", 1, None, None),
        ("ҚБ-ның", None, None, None),
    ]
    assert drafted[0] == Candidate("legal-form", "ҚБ", 1, 1, 3, drafted[0].value)


def test_draft_json_prints_one_object_per_candidate(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    source_id = _archived()[0]
    ran = cli(root, "draft", "--json", f"archive/{source_id}.txt")
    assert ran.returncode == 0
    lines = [json.loads(line) for line in ran.stdout.splitlines()]
    text = (root / "archive" / f"{source_id}.txt").read_text(encoding="utf-8")
    assert [Candidate(**line) for line in lines] == everything(text, "kk", KnownNames.from_package(root))
    assert {line["kind"] for line in lines} >= {"date", "money", "organization", "project", "country"}
    assert {"eu", "lprc"} <= {line["id"] for line in lines if line["kind"] == "organization"}
    assert not (root / "build" / "draft-names.json").exists(), "draft --json writes nothing"
    assert set(lines[0]) == {"kind", "quote", "at", "start", "end", "value", "record", "field", "id"}


def test_draft_of_a_missing_text_is_an_input_error(tmp_path: Path) -> None:
    ran = cli(copy_project(tmp_path / "project"), "draft", "--json", "archive/none.txt")
    assert ran.returncode == 2
    assert "archive/none.txt: source text not found" in ran.stderr
