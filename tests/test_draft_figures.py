"""The draft of every release with a curated facts file, against that file: the figures of issue 13."""

from __future__ import annotations

from pathlib import Path

import pytest

from kz_rule_of_law.curation.draft_measure import Score, releases, score, table
from workspace import ROOT


@pytest.fixture(scope="module")
def scores() -> list[Score]:
    """The figures of every release with a curated facts file (facts/ with archive/, tests/releases/)."""
    found = [score(facts_path, text_path, ROOT) for facts_path, text_path in releases(ROOT)]
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


def test_the_figures_hold_on_releases_the_draft_was_not_written_against(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    root = generate(tmp_path / "corpus", sources=20, seed=13)
    found = [
        score(path, root / "archive" / f"{path.stem}.txt", root) for path in sorted(root.glob("facts/synthetic-*.yml"))
    ]
    same, total = sum(s.same for s in found), sum(s.values for s in found)
    assert len(found) == 20 and total > 100
    assert same / total >= 0.9, table(found)
    assert {s.release: s.wrong for s in found if s.wrong} == {}
