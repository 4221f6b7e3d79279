"""A throwaway copy of the project's inputs and outputs, for tests that build or break things."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = "000_54035fae270ab93c"
PUBLISHED = ("datapackage.json", "data", "archive", "facts", "metadata.yml", "docs")
DATABASE = "build/kz-rule-of-law.db"


def copy_project(target: Path) -> Path:
    """Copy the descriptor, data, archive and facts into `target` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PUBLISHED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def copy_tree(source: Path, target: Path) -> Path:
    """Copy a project folder whole, with its files' times, and return the copy."""
    return Path(shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2))


def snapshot(root: Path) -> dict[str, bytes]:
    """Every published file under `root` by relative path, with its bytes."""
    files = {}
    for name in ("datapackage.json", "metadata.yml", "docs/data-dictionary.md", DATABASE):
        if (root / name).exists():
            files[name] = (root / name).read_bytes()
    for path in sorted((root / "data").glob("*")):
        if not path.is_dir():  # a killed build's scratch folder is no published file
            files[f"data/{path.name}"] = path.read_bytes()
    return files


@dataclass(frozen=True)
class Ran:
    """What one command printed and its exit status, as a finished process reports them."""

    returncode: int
    stdout: str
    stderr: str


def cli(root: Path, *args: str, timeout: float = 120) -> Ran:
    """Run the kz-rule-of-law command in `root`, in this process, and capture its output.

    `timeout` only bounds `run_process`; in-process commands end when their work does."""
    from typer.testing import CliRunner

    from kz_rule_of_law.cli import app

    previous = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(app, list(args))
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_process(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the kz-rule-of-law command in `root` as a child process, for tests where the process is the point."""
    return subprocess.run(
        [sys.executable, "-m", "kz_rule_of_law", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
        preexec_fn=default_signals,
    )


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env() -> dict[str, str]:
    """The environment with the project importable from any working directory."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "scripts") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def default_signals() -> None:
    """In a child before exec: SIGINT back to its default, so that Python turns it into
    KeyboardInterrupt even when the test runner was started with SIGINT ignored (a background job)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
