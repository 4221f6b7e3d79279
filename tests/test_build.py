"""The build: reproducible outputs, --check against drift, and nothing published changed by a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from kz_rule_of_law.build import build, check_published, compile_package
from kz_rule_of_law.errors import InputError
from workspace import DATABASE, ROOT, SEED, cli, copy_project, snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project to build in."""
    return copy_project(tmp_path / "project")


def test_two_builds_give_byte_identical_outputs(project: Path):
    build(project)
    first = snapshot(project)
    build(project)
    assert snapshot(project) == first
    committed = {path: data for path, data in snapshot(ROOT).items() if path != DATABASE}
    assert {path: data for path, data in first.items() if path != DATABASE} == committed, (
        "the committed package differs from what the facts produce"
    )
    assert DATABASE in first


def test_committed_package_matches_the_facts(project_copy: Path):
    assert check_published(project_copy)[1] == []


def test_build_check_fails_on_a_csv_edited_by_hand(project: Path):
    budgets = project / "data" / "budgets.csv"
    budgets.write_text(budgets.read_text(encoding="utf-8").replace("777895", "777896"), encoding="utf-8")
    result = cli(project, "build", "--check")
    assert result.returncode == 1
    assert "data/budgets.csv differs from what the facts produce" in result.stderr
    assert "datapackage.json" not in result.stderr.replace("data/budgets.csv", "")


def test_build_check_passes_on_an_untouched_copy(project: Path):
    result = cli(project, "build", "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_failed_build_leaves_published_files_untouched(project: Path):
    before = snapshot(project)
    facts = project / "facts" / f"{SEED}.yml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("739 000 еуро,", "739 000 фунт,"), encoding="utf-8")
    result = cli(project, "build")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before


def test_build_reports_file_line_record_field_value_and_expectation(project: Path):
    facts = project / "facts" / f"{SEED}.yml"
    text = facts.read_text(encoding="utf-8")
    line = text.split("\n").index("  date: {kk: 2025 жылғы 21 қарашада, en: 21 November 2025}") + 1
    facts.write_text(
        text.replace(
            "  date: {kk: 2025 жылғы 21 қарашада, en: 21 November 2025}",
            "  date: {kk: 2025 жылғы 31 ақпанда, en: 31 February 2025}",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(project, None)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        m.startswith(f"facts/{SEED}.yml:{line}: record {SEED}: date: ") and "31 ақпанда" in m for m in messages
    ), messages


def test_check_reports_every_problem_of_a_facts_file_at_once(project: Path):
    facts = project / "facts" / f"{SEED}.yml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace("iati_type: 21\n    country: BE", "iati_type: 99\n    country: BE")
    text = text.replace("organization_id: kibhr", "organization_id: no-such-org")
    text = text.replace("kk: заңгерлер,", "kk: заңгерлерге,")
    facts.write_text(text, encoding="utf-8")
    result = cli(project, "check", f"facts/{SEED}.yml")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3, result.stderr
    assert any("record lawyers: name: quote not found in the source: got 'заңгерлерге'" in e for e in errors)
    assert any("unknown organizations reference: got 'no-such-org'" in e for e in errors)
    assert any("record iphr" in e and "iati_type" in e for e in errors)
    assert all(e.startswith(f"error: facts/{SEED}.yml:") for e in errors)


def test_check_accepts_the_seed_facts(project_copy: Path):
    result = cli(project_copy, "check", f"facts/{SEED}.yml")
    assert result.returncode == 0, result.stderr


def test_source_whose_bytes_changed_is_refused(project: Path):
    archived = project / "archive" / f"{SEED}.txt"
    archived.write_bytes(archived.read_bytes().replace("80-нен".encode(), "90-нан".encode()))
    before = snapshot(project)
    result = cli(project, "build")
    assert result.returncode == 2
    assert "source bytes no longer match the recorded sha256" in result.stderr
    assert snapshot(project) == before
