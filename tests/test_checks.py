"""The project's rules find the same failures in a chunk of rows as in its rows one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kz_rule_of_law.errors import Problem
from kz_rule_of_law.package.descriptor import load_descriptor, tables
from kz_rule_of_law.validation.rules import Checker
from workspace import ROOT

SCHEMA = tables(load_descriptor(ROOT / "datapackage.json"))
# Texts made of formula prefixes, markup pieces, newlines (which the chunk's screen joins on) and letters.
TEXTS = st.one_of(st.none(), st.text(alphabet="=+-@\t\r\n</ !?aбZ", max_size=8))
PROJECTS = st.lists(
    st.tuples(TEXTS, TEXTS, st.integers(2020, 2030), st.integers(2020, 2030), st.one_of(st.none(), st.integers(1, 12))),
    max_size=25,
)


def shown(i: int, problem: Problem) -> tuple:
    """A failure at row `i` as the tests compare it: code, location, and the whole text."""
    return (i, problem.code, problem.file, problem.line, problem.record, problem.field, str(problem))


def one_by_one(checker: Checker, table: str, columns: list[str], rows: list[tuple]) -> list[tuple]:
    """The failures `check` finds row by row, with each row's position."""
    return [
        shown(i, f.problem) for i, values in enumerate(rows) for f in checker.check(table, dict(zip(columns, values)))
    ]


@settings(max_examples=200, deadline=None)
@given(PROJECTS)
def test_a_chunk_of_projects_fails_as_its_rows_do(values):
    columns = SCHEMA["projects"].columns
    rows = [
        (f"p{i}", "s", title_kk, "Title", "official", start, end, stated, aim, None, "KZ", None)
        for i, (title_kk, aim, start, end, stated) in enumerate(values)
    ]
    checker = Checker(SCHEMA, lambda source_id: None)
    chunked = [shown(i, f.problem) for i, f in checker.check_chunk("projects", columns, rows)]
    assert chunked == one_by_one(Checker(SCHEMA, lambda source_id: None), "projects", columns, rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXTS, TEXTS), max_size=25))
def test_a_chunk_of_topics_fails_as_its_rows_do(values):
    columns = SCHEMA["topics"].columns
    rows = [(f"t{i}", "e", i + 1, title_kk, title_en) for i, (title_kk, title_en) in enumerate(values)]
    checker = Checker(SCHEMA, lambda source_id: None)
    chunked = [shown(i, f.problem) for i, f in checker.check_chunk("topics", columns, rows)]
    assert chunked == one_by_one(checker, "topics", columns, rows)


def test_a_formula_is_found_at_its_row_and_a_line_inside_a_text_is_not_one():
    columns = SCHEMA["topics"].columns
    rows = [
        ("t0", "e", 1, "құқық\n-үстемдігі", "rule\n=of law"),
        ("t1", "e", 2, "сот", "=SUM(A1)"),
        ("t2", "e", 3, None, "a <b>bold</b> title"),
    ]
    found = Checker(SCHEMA, lambda source_id: None).check_chunk("topics", columns, rows)
    assert [
        (i, f.problem.code, f.problem.file, f.problem.line, f.problem.record, f.problem.field) for i, f in found
    ] == [(1, "formula-prefix", None, None, "t1", "title_en"), (2, "markup", None, None, "t2", "title_en")]
