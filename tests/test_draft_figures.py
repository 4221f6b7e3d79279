"""The draft of every release with a curated facts file, against that file: the figures of issue 13."""

from __future__ import annotations

from pathlib import Path

import pytest

from kz_rule_of_law.curation.draft_known import KnownNames
from kz_rule_of_law.curation.draft_measure import Score, releases, score, table, total
from workspace import ROOT, cli


@pytest.fixture(scope="module")
def scores() -> list[Score]:
    """The figures of every release with a curated facts file (facts/ with archive/, tests/releases/)."""
    index = KnownNames.from_package(ROOT)
    found = [score(facts_path, text_path, ROOT, index) for facts_path, text_path in releases(ROOT)]
    print("\n" + table(found))
    return found


def test_every_curated_release_is_measured(scores: list[Score]) -> None:
    names = {s.release for s in scores}
    assert {p.stem for p in (ROOT / "tests" / "releases").glob("synthetic-*.yml")} <= names
    assert any(not name.startswith("synthetic-") for name in names)
    assert all(s.values > 0 for s in scores)


def test_the_draft_finds_nine_in_ten_curated_values_with_their_quote(scores: list[Score]) -> None:
    same, total = sum(s.same for s in scores), sum(s.values for s in scores)
    assert same / total >= 0.9, table(scores)


def test_the_draft_gets_no_curated_value_wrong(scores: list[Score]) -> None:
    assert {s.release: s.wrong for s in scores if s.wrong} == {}


def test_the_draft_places_most_values_it_finds_where_the_curated_file_has_them(scores: list[Score]) -> None:
    all_ = total(scores)
    assert all_.placed / all_.same >= 0.8, table(scores)


def test_the_draft_names_eight_in_ten_known_records_by_their_id(scores: list[Score]) -> None:
    all_ = total(scores)
    assert all_.mentions > 0
    assert all_.right / all_.mentions >= 0.8, table(scores)


def test_the_figures_hold_on_releases_the_draft_was_not_written_against(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    root = generate(tmp_path / "corpus", sources=20, seed=13)
    assert cli(root, "build").returncode == 0
    index = KnownNames.from_package(root)
    found = [
        score(path, root / "archive" / f"{path.stem}.txt", root, index)
        for path in sorted(root.glob("facts/synthetic-*.yml"))
    ]
    same, values = sum(s.same for s in found), sum(s.values for s in found)
    assert len(found) == 20 and values > 100
    assert same / values >= 0.9, table(found)
    assert {s.release: s.wrong for s in found if s.wrong} == {}
    assert total(found).right / total(found).mentions >= 0.8, table(found)
    assert total(found).placed / total(found).same >= 0.8, table(found)
