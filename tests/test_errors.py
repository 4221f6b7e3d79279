"""Error codes: every problem the code makes carries a registered code, and docs/errors.md lists them all."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kz_rule_of_law.errors import (
    CODES,
    SECTIONS,
    InputError,
    InternalError,
    Problem,
    StaleOutputs,
    ValidationFailed,
    codes_markdown,
    registered,
)
from workspace import ROOT

PACKAGE = ROOT / "scripts" / "kz_rule_of_law"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def calls(name: str) -> list[tuple[Path, ast.Call]]:
    """Every call of `name` (as a bare name) in the package's sources."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
                found.append((path, node))
    return found


def literal_codes() -> list[tuple[str, str]]:
    """Every code written as `code="..."` in the package's sources, with where it is."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                found.append((f"{path.relative_to(ROOT)}:{node.value.lineno}", node.value.value))
    return found


def has_code(call: ast.Call) -> bool:
    """Whether a call passes `code=`."""
    return any(k.arg == "code" for k in call.keywords)


def test_every_problem_made_in_the_code_has_a_code():
    missing = [f"{path.relative_to(ROOT)}:{call.lineno}" for path, call in calls("Problem") if not has_code(call)]
    assert missing == []


def test_every_input_error_made_from_a_message_has_a_code():
    def from_message(call: ast.Call) -> bool:
        """An InputError built from text rather than from Problems."""
        first = call.args[0] if call.args else None
        return first is not None and not isinstance(first, (ast.Starred, ast.Call, ast.GeneratorExp))

    missing = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, call in calls("InputError")
        if from_message(call) and not has_code(call)
    ]
    assert missing == []


def test_every_code_used_is_registered():
    assert [(where, code) for where, code in literal_codes() if not registered(code)] == []


def test_every_registered_code_is_used():
    used = {code for _, code in literal_codes()}
    assert [code for code in CODES if code not in used and not code.startswith("frictionless:")] == []


def test_codes_are_kebab_case_and_described_once():
    names = [code for section in SECTIONS.values() for code in section]
    assert len(names) == len(set(names)) == len(CODES)
    for code, meaning in CODES.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*|frictionless:<type>", code), code
        assert meaning.endswith("."), code


@pytest.mark.parametrize(
    "code, known",
    [
        ("duplicate-id", True),
        ("frictionless:type-error", True),
        ("frictionless:", False),
        ("duplicate_id", False),
        ("", False),
    ],
)
def test_registered_knows_the_codes_and_frictionless_family(code, known):
    assert registered(code) is known


def test_docs_errors_md_lists_every_code():
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert text == codes_markdown(), "docs/errors.md is out of date: write kz_rule_of_law.errors.codes_markdown() to it"
    for code in CODES:
        assert f"| `{code}` |" in text


def test_every_error_type_reports_its_problems_the_same_way():
    problem = Problem("quote not found", value="x", file="facts/a.yml", line=3, code="quote-not-found")
    assert InputError(problem).problems == ValidationFailed([problem]).problems == [problem]
    assert InputError("unknown kind", value="weight", code="unknown-kind").problems == [
        Problem("unknown kind", value="weight", code="unknown-kind")
    ]
    assert InternalError("disk full").problems == [Problem("disk full", code="internal-error")]
    assert InputError(problem, problem).lines() == ["error: facts/a.yml:3: quote not found: got 'x'"] * 2 + [
        "2 problems"
    ]
    assert StaleOutputs(["data/a.csv"]).lines() == [
        "stale: data/a.csv differs from what the facts produce",
        "run 'kz-rule-of-law build' and commit the result",
    ]
    assert [p.code for p in StaleOutputs(["data/a.csv"]).problems] == ["stale-output"]


def test_a_problem_as_json_has_its_code_location_and_text():
    problem = Problem(
        "wrong type",
        value="twenty-one",
        expected="an integer",
        file="facts/a.yml",
        line=60,
        record="iphr",
        field="iati_type",
        code="wrong-type",
    )
    assert problem.as_dict() == {
        "code": "wrong-type",
        "file": "facts/a.yml",
        "line": 60,
        "record": "iphr",
        "field": "iati_type",
        "value": "twenty-one",
        "expected": "an integer",
        "message": "wrong type",
        "text": "facts/a.yml:60: record iphr: iati_type: wrong type: got 'twenty-one', expected an integer",
    }
    assert Problem("file not found", file="data/a.csv", code="file-not-found").as_dict()["value"] is None
