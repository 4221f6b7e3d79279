"""The corpus of bad inputs: each gives its exact error, code and exit code, and changes no published file.

A case with a `code:` runs with `--format json`, and the problem its error line shows must carry that code.
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kz_rule_of_law.cli import app
from workspace import copy_project, snapshot

CASES = sorted((Path(__file__).parent / "bad_inputs").glob("*.yml"))


def apply(case: dict, root: Path) -> None:
    """Make the mistake a case describes in a copy of the project."""
    target = root / case["file"]
    for link, points_to in case.get("symlink", {}).items():
        os.symlink(points_to, root / link)
    if "content" in case:
        target.write_text(case["content"], encoding="utf-8")
    if "replace" in case:
        text = target.read_text(encoding="utf-8")
        assert text.count(case["replace"]) >= 1, case["replace"]
        target.write_text(text.replace(case["replace"], case["with"], 1), encoding="utf-8")
    if "insert_bytes" in case:
        lines = target.read_bytes().split(b"\n")
        index = case["at_line"] - 1
        lines[index] = codecs.escape_decode(case["insert_bytes"])[0] + lines[index]
        target.write_bytes(b"\n".join(lines))
    if case.get("crlf"):
        target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    if "long_line" in case:
        with open(target, "ab") as handle:
            handle.write(b"# " + b"a" * case["long_line"] + b"\n")


def code_of(line: str, report: dict) -> str | None:
    """The code of the problem printed as `line`: 'error: TEXT', or 'stale: FILE ...' for a stale file."""
    for problem in report["problems"]:
        if line in (f"error: {problem['text']}", f"stale: {problem['file']} {problem['message']}"):
            return problem["code"]
    return None


def test_corpus_has_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input_gives_its_exact_error_and_changes_nothing(path: Path, tmp_path: Path, monkeypatch):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    root = copy_project(tmp_path / "project")
    apply(case, root)
    before = snapshot(root)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, case["command"] + (["--format", "json"] if "code" in case else []))
    lines = result.stderr.splitlines()
    assert result.exit_code == case["exit"], result.stderr
    assert case["error"] in lines, "\n".join(lines)
    assert "Traceback" not in result.stderr
    assert snapshot(root) == before
    if "code" in case:
        report = json.loads(result.stdout)
        assert not report["ok"]
        assert code_of(case["error"], report) == case["code"], report["problems"]
