"""The swap journal steers recovery only to what the build writes; anything else is refused, saying how to repair."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kz_rule_of_law import build as building
from kz_rule_of_law.errors import InputError
from workspace import ROOT, cli, copy_project, snapshot

UNTRUSTED = (
    "error: .build-journal.json: not followed: run 'kz-rule-of-law build --recover' to discard it "
    "without touching what it names, then 'kz-rule-of-law build' to write every output afresh"
)
OUTPUTS = "datapackage.json, metadata.yml, docs/data-dictionary.md, data/<name>.csv or build/<name>.db"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A built copy of the project, with a folder and a file beside it that no build may touch."""
    root = copy_project(tmp_path / "project")
    building.build(root)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("kept", encoding="utf-8")
    (tmp_path / "x").write_text("kept", encoding="utf-8")
    return root


def journal(root: Path, entry: object) -> None:
    """Leave a journal as an interrupted build would, with whatever it says."""
    (root / building.JOURNAL).write_text(entry if isinstance(entry, str) else json.dumps(entry), encoding="utf-8")


def test_a_journal_naming_a_folder_outside_the_project_deletes_nothing(project: Path):
    outside = project.parent / "outside"
    journal(project, {"scratch": str(outside), "existing": [], "written": []})
    before = snapshot(project)
    result = cli(project, "build")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: .build-journal.json: scratch: not a scratch folder the build makes: got '{outside}', "
        "expected '.build-' and 8 letters, digits or '_', directly in the project",
        UNTRUSTED,
        "2 problems",
    ]
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "kept"
    assert snapshot(project) == before


def test_a_journal_naming_the_project_itself_deletes_nothing(project: Path):
    (project / ".git").mkdir()
    journal(project, {"scratch": ".", "existing": [], "written": []})
    with pytest.raises(InputError, match=re.escape("scratch: not a scratch folder the build makes: got '.'")):
        building.recover(project)
    assert (project / ".git").is_dir() and (project / "facts").is_dir() and (project / "datapackage.json").is_file()


@pytest.mark.parametrize(
    "path",
    [
        "../x",
        "{outside}/x",
        "data/../../x",
        "facts/reference.yml",
        "data/sub/a.csv",
        "build/a/b.db",
        "archive/000_54035fae270ab93c.txt",
        "",
    ],
)
def test_a_journal_naming_a_file_the_build_does_not_write_touches_nothing(project: Path, path: str):
    path = path.format(outside=project.parent)  # an absolute path, to a file of this test only
    scratch = project / ".build-abcdefgh"
    (scratch / "old").mkdir(parents=True)
    (scratch / "old" / "x").write_text("planted", encoding="utf-8")
    journal(project, {"scratch": scratch.name, "existing": [path], "written": [path]})
    before = snapshot(project)
    with pytest.raises(InputError) as caught:
        building.recover(project)
    assert [str(p) for p in caught.value.problems] == [
        f".build-journal.json: existing: not a file the build writes: got '{path}', expected {OUTPUTS}",
        f".build-journal.json: written: not a file the build writes: got '{path}', expected {OUTPUTS}",
        UNTRUSTED.removeprefix("error: "),
    ]
    assert (project.parent / "x").read_text(encoding="utf-8") == "kept"
    assert (project / "facts" / "reference.yml").read_bytes() == (ROOT / "facts" / "reference.yml").read_bytes()
    assert snapshot(project) == before


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{bad", "unreadable: invalid JSON at line 1 column 2 (Expecting property name enclosed in double quotes)"),
        ("[]", "not a journal the build writes: got '[]', expected an object of scratch, existing and written"),
        (
            '{"scratch": ".build-abcdefgh"}',
            "not a journal the build writes: got '{\\'scratch\\': \\'.build-abcdefgh\\'}', "
            "expected an object of scratch, existing and written",
        ),
        (
            '{"scratch": ".build-abcdefgh", "existing": "data", "written": []}',
            f"existing: not a list: got 'data', expected a list of the files the build writes: {OUTPUTS}",
        ),
    ],
)
def test_a_corrupt_journal_is_a_located_error_with_the_command_that_repairs_it(
    project: Path, content: str, problem: str
):
    journal(project, content)
    result = cli(project, "build")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: .build-journal.json: {problem}", UNTRUSTED, "2 problems"]
    assert "Traceback" not in result.stderr


def test_build_recover_discards_an_untrusted_journal_then_build_works(project: Path):
    outside = project.parent / "outside"
    journal(project, {"scratch": str(outside), "existing": ["../x"], "written": ["../x"]})
    (project / ".build-abcdefgh" / "old").mkdir(parents=True)  # what an interrupted build left
    before = snapshot(project)
    recovered = cli(project, "build", "--recover")
    assert recovered.returncode == 0, recovered.stderr
    assert recovered.stdout.splitlines() == [
        "discarded .build-journal.json without touching what it named; "
        "run 'kz-rule-of-law build' to write every output afresh"
    ]
    assert not (project / building.JOURNAL).exists() and not (project / ".build-abcdefgh").exists()
    assert (outside / "keep.txt").exists() and (project.parent / "x").exists()
    assert snapshot(project) == before
    assert cli(project, "build").returncode == 0
    assert cli(project, "build", "--recover").stdout.splitlines() == ["nothing to recover: no build was interrupted"]


def test_check_and_validate_say_a_build_was_interrupted_and_how_to_finish_it(project: Path, monkeypatch):
    interrupted_swap(project, monkeypatch)
    note = (
        "error: a build was interrupted while swapping in its outputs (.build-journal.json is there), so the "
        "published files may mix two builds: 'kz-rule-of-law build --recover' puts the old ones back, "
        "'kz-rule-of-law build' puts them back and builds again"
    )
    checked = cli(project, "build", "--check")
    assert checked.returncode == 1 and checked.stderr.splitlines() == [note]
    validated = cli(project, "validate")
    assert validated.returncode == 2 and note in validated.stderr.splitlines()
    recovered = cli(project, "build", "--recover")
    assert recovered.stdout.splitlines() == ["put back the outputs an interrupted build had replaced"]
    assert cli(project, "build", "--check").returncode == 0
    assert cli(project, "validate").returncode == 0


def interrupted_swap(root: Path, monkeypatch) -> None:
    """A build of changed facts killed after replacing the CSVs, before the descriptor: a mixed package."""
    facts = root / "facts" / "000_54035fae270ab93c.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("en: effective investigation}", "en: effective investigations}"),
        encoding="utf-8",
    )
    real_replace = building.os.replace

    def killed(src, dst):
        if str(dst).endswith("datapackage.json") and ".build-" not in str(dst):
            raise SystemExit("killed")
        return real_replace(src, dst)

    with monkeypatch.context() as patched:
        patched.setattr(building.os, "replace", killed)
        patched.setattr(building, "recover", lambda root_: False)  # a SIGKILL runs no cleanup
        patched.setattr(building.shutil, "rmtree", lambda *a, **k: None)
        with pytest.raises(SystemExit):
            building.build(root)
    facts.write_text((ROOT / "facts" / "000_54035fae270ab93c.yml").read_text(encoding="utf-8"), encoding="utf-8")
    assert (root / building.JOURNAL).exists()


def test_the_build_writes_only_journals_its_recovery_follows(project: Path, monkeypatch):
    written = []
    real_write = building._write_journal
    monkeypatch.setattr(
        building, "_write_journal", lambda root, entry: (written.append(entry), real_write(root, entry))
    )
    (project / "data" / "old table.csv").write_text("a\n1\n", encoding="utf-8")  # stale: the build removes it
    building.build(project)
    (entry,) = written
    assert "data/old table.csv" in entry["written"] and "build/kz-rule-of-law.db" in entry["written"]
    assert building._journal_problems(entry) == []
    assert not (project / "data" / "old table.csv").exists()


def test_a_resource_path_outside_data_is_refused_before_anything_is_written(project: Path):
    descriptor = project / "datapackage.json"
    descriptor.write_text(
        descriptor.read_text(encoding="utf-8").replace('"path": "data/countries.csv"', '"path": "../countries.csv"'),
        encoding="utf-8",
    )
    result = cli(project, "build")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: datapackage.json: resource countries: path outside data/: got '../countries.csv', "
        "expected data/<name>.csv, a CSV directly in data/"
    ]
    assert not (project.parent / "countries.csv").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_ignores_the_journal_the_lock_and_scratch_folders(tmp_path: Path):
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    names = [
        ".build-journal.json",
        ".build-journal.json.tmp",
        ".build.lock",
        ".build-abcdefgh/package/x",
        ".check-abcdefgh/data/x.csv",
        "data/.build-abcdefgh/new/x.csv",
        "build/.build-abcdefgh/old/x.db",
    ]
    ignored = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", "--no-index", *names], capture_output=True, text=True
    )
    assert ignored.stdout.splitlines() == names
