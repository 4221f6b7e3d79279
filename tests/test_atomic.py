"""Builds killed or failing at any moment leave the published files either all old or all new."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kz_rule_of_law import build as building
from kz_rule_of_law.errors import DiskFull
from workspace import SEED, _env, copy_project, default_signals, snapshot


def changed_project(tmp_path: Path) -> Path:
    """A copy whose facts produce different outputs from the published ones."""
    root = copy_project(tmp_path / "project")
    building.build(root)
    facts = root / "facts" / f"{SEED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("en: effective investigation}", "en: effective investigations}"),
        encoding="utf-8",
    )
    return root


def test_a_build_that_fails_while_swapping_restores_every_old_file(tmp_path: Path, monkeypatch):
    root = changed_project(tmp_path)
    before = snapshot(root)
    real_replace, calls = os.replace, []

    def flaky_replace(src, dst):
        if ".build-" not in str(dst):  # the swap itself, not the moves into scratch folders
            calls.append(dst)
            if len(calls) == 5:
                raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(building.os, "replace", flaky_replace)
    with pytest.raises(DiskFull):
        building.build(root)
    monkeypatch.setattr(building.os, "replace", real_replace)
    assert len(calls) >= 5
    assert snapshot(root) == before
    assert not (root / building.JOURNAL).exists()
    assert not [p for folder in ("", "data", "docs", "build") for p in (root / folder).glob(".build-*")]


def test_recover_undoes_a_half_done_swap(tmp_path: Path, monkeypatch):
    root = changed_project(tmp_path)
    before = snapshot(root)

    def killed(root_: Path, scratch: str, package: Path, outputs: list[str], stale: list[str]) -> None:
        monkeypatch.setattr(building, "recover", lambda r: False)  # a SIGKILL runs no cleanup
        original_swap(root_, scratch, package, outputs, stale[:0])

    original_swap = building._swap
    real_replace = os.replace

    def dies_midway(src, dst):
        if str(dst).endswith("datapackage.json") and ".build-" not in str(dst):
            raise SystemExit("killed")  # the CSVs are swapped in, the descriptor is not
        return real_replace(src, dst)

    monkeypatch.setattr(building.os, "replace", dies_midway)
    monkeypatch.setattr(building, "_swap", killed)
    monkeypatch.setattr(building.shutil, "rmtree", lambda *a, **k: None)
    with pytest.raises(SystemExit):
        building.build(root)
    monkeypatch.undo()
    assert (root / building.JOURNAL).exists()
    assert snapshot(root) != before, "the simulated kill should leave a half-done swap"
    assert building.recover(root)
    assert snapshot(root) == before


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_real_builds_killed_at_several_moments_leave_old_or_new_outputs(tmp_path: Path, sig):
    root = changed_project(tmp_path)
    old = snapshot(root)
    reference = copy_project(tmp_path / "reference")
    facts = reference / "facts" / f"{SEED}.yml"
    facts.write_text((root / "facts" / f"{SEED}.yml").read_text(encoding="utf-8"), encoding="utf-8")
    building.build(reference)
    new = snapshot(reference)
    assert new != old
    # One copy a moment, all built at once: the kills land in every phase of a build at the cost of one.
    delays = (0.05, 0.3, 0.6, 0.9, 1.2, 1.6, 2.5)
    copies = [shutil.copytree(root, tmp_path / f"killed-{number}", symlinks=True) for number in range(len(delays))]
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "kz_rule_of_law", "build"],
            cwd=copy,
            env=_env(),
            preexec_fn=default_signals,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for copy in copies
    ]
    for delay, process in zip(delays, processes):
        time.sleep(max(0.0, started + delay - time.monotonic()))
        process.send_signal(sig)
    outcomes = set()
    for delay, process, copy in zip(delays, processes, copies):
        process.wait(timeout=60)
        building.recover(copy)
        state = snapshot(copy)
        assert state in (old, new), f"mixed outputs after a kill at {delay}s"
        outcomes.add("new" if state == new else "old")
    assert "old" in outcomes


def test_a_build_publishes_when_data_and_build_are_other_file_systems(tmp_path: Path, monkeypatch):
    root = changed_project(tmp_path)
    reference = copy_project(tmp_path / "reference")
    (reference / "facts" / f"{SEED}.yml").write_bytes((root / "facts" / f"{SEED}.yml").read_bytes())
    building.build(reference)
    real_replace, real_link, crossed = os.replace, os.link, []

    def device(path) -> str:
        """data/ and build/ as mounts of their own, the rest on the project's file system."""
        top = Path(path).relative_to(root).parts[0]
        return top if top in ("data", "build") else ""

    def replace(src, dst):
        if device(src) != device(dst):
            crossed.append(dst)
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    def link(src, dst, **kwargs):
        if device(src) != device(dst):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_link(src, dst, **kwargs)

    monkeypatch.setattr(building.os, "replace", replace)
    monkeypatch.setattr(building.os, "link", link)
    building.build(root)
    monkeypatch.undo()
    assert crossed, "the outputs should have had to cross file systems"
    assert snapshot(root) == snapshot(reference)
    assert not (root / building.JOURNAL).exists()
