"""One build at a time: a second build or a serve waits for the lock; refused, it says why in one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kz_rule_of_law import build as building
from kz_rule_of_law.cli import app
from kz_rule_of_law.web.serve import check_database
from workspace import DATABASE, SEED, _env, copy_project, default_signals, snapshot

pytestmark = pytest.mark.slow  # real processes, stopped and resumed mid-build

PREPARE = "from pathlib import Path; from kz_rule_of_law.web.serve import prepare; prepare(Path.cwd())"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project whose facts produce outputs other than the published ones, never built."""
    root = copy_project(tmp_path / "project")
    facts = root / "facts" / f"{SEED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("en: effective investigation}", "en: effective investigations}"),
        encoding="utf-8",
    )
    return root


def expected(tmp_path: Path, project: Path) -> dict[str, bytes]:
    """What one build of the project's facts publishes, built in a copy of its own."""
    reference = copy_project(tmp_path / "reference")
    (reference / "facts" / f"{SEED}.yml").write_bytes((project / "facts" / f"{SEED}.yml").read_bytes())
    building.build(reference)
    return snapshot(reference)


def start(root: Path, *args: str) -> subprocess.Popen:
    """Start a command of the project in `root`."""
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=root,
        env=_env(),
        preexec_fn=default_signals,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def settled(root: Path) -> bool:
    """Whether nothing of a build is left: no journal, no scratch folder anywhere."""
    return not (root / building.JOURNAL).exists() and not [
        p for folder in ("", "data", "docs", "build") for p in (root / folder).glob(".build-*")
    ]


@contextmanager
def stopped_mid_build(root: Path) -> Iterator[subprocess.Popen]:
    """A build stopped (SIGSTOP) once it has made its scratch folder; continued when the block ends."""
    build = start(root, "-m", "kz_rule_of_law", "build")
    try:
        while build.poll() is None and not any(p.is_dir() for p in root.glob(".build-*")):
            time.sleep(0.01)
        assert build.poll() is None, build.communicate()
        build.send_signal(signal.SIGSTOP)
        yield build
    finally:
        build.send_signal(signal.SIGCONT)
        try:
            build.wait(timeout=300)
        finally:
            build.kill()


def test_a_build_started_during_another_waits_and_both_publish_the_same_package(tmp_path: Path, project: Path):
    with stopped_mid_build(project) as first:
        second = start(project, "-m", "kz_rule_of_law", "build")
        told = second.stderr.readline()  # before the lock, the second build ran to its end here
    assert told == f"waiting: another build is running (pid {first.pid})\n"
    for process in (first, second):
        out, err = process.communicate(timeout=300)
        assert (process.returncode, err) == (0, ""), err
        assert out.startswith(f"built {project / 'datapackage.json'}")
    assert snapshot(project) == expected(tmp_path, project)
    assert settled(project)


def test_serve_started_during_a_build_waits_for_it_and_checks_the_new_database(tmp_path: Path, project: Path):
    with stopped_mid_build(project) as build:
        serve = start(project, "-c", PREPARE)  # what `serve` does before starting Datasette
        told = serve.stderr.readline()
    assert told == f"waiting: another build is running (pid {build.pid})\n"
    for process in (build, serve):
        assert process.wait(timeout=300) == 0, process.communicate()[1]
    assert snapshot(project) == expected(tmp_path, project)
    check_database(project / DATABASE)
    assert settled(project)


def test_a_build_refused_by_the_lock_says_who_holds_it_in_one_line(project: Path, monkeypatch):
    monkeypatch.setattr(building, "LOCK_WAIT", 0)
    monkeypatch.chdir(project)
    before = snapshot(project)
    with building.locked(project):
        assert (project / building.LOCK).read_text(encoding="ascii") == f"{os.getpid()}\n"
        result = CliRunner().invoke(app, ["build"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: another build is running (pid {os.getpid()}); waited 0 s: run the command again when it has finished"
    ]
    assert snapshot(project) == before
    assert (project / building.LOCK).read_text(encoding="ascii") == ""


def test_a_build_does_not_swap_while_a_check_reads_the_outputs(project: Path, monkeypatch):
    monkeypatch.setattr(building, "LOCK_WAIT", 0)
    with building.locked(project, shared=True):
        with building.locked(project, shared=True):  # readers share the lock
            pass
        with pytest.raises(building.InternalError, match=r"^another kz-rule-of-law command is reading the outputs; "):
            building.build(project)
    building.build(project)
    assert settled(project)
