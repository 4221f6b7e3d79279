"""Reading facts files and finding quotes: located errors, and no exception but the project's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kz_rule_of_law.build import facts_files
from kz_rule_of_law.curation.facts import load, parse_yaml, to_fact
from kz_rule_of_law.curation.quotes import locate, spans
from kz_rule_of_law.errors import InputError
from workspace import ROOT, SEED, cli, copy_project, snapshot

TEXT = (ROOT / "archive" / f"{SEED}.txt").read_text(encoding="utf-8")


def test_quote_matches_across_the_line_break_inside_a_sentence():
    start, end = locate(TEXT, "адам құқығы мен бостандықтарының")
    assert TEXT[start:end] == "адам құқығы\nмен бостандықтарының"


def test_quote_matches_on_word_boundaries_only():
    assert spans(TEXT, "Қазақстан") != spans(TEXT, "Қазақстанның")
    assert all(TEXT[e : e + 1] in " ,." for _, e in spans(TEXT, "Қазақстан"))


def test_quote_occurring_twice_needs_at():
    with pytest.raises(InputError, match="quote occurs 2 times in the source: got 'ҚБ', expected 'at: N' \\(1 to 2\\)"):
        locate(TEXT, "ҚБ")
    assert TEXT[slice(*locate(TEXT, "ҚБ", 2))] == "ҚБ"


def test_quote_not_in_source_is_refused():
    with pytest.raises(InputError, match="quote not found in the source: got '90-нан астам'"):
        locate(TEXT, "90-нан астам")


RENAMED = "expected facts/<source id>.yml (.yml in lowercase): rename it, or move it out of facts/"
NESTED = (
    "in a subfolder of facts/, where facts files are not read: "
    "expected facts/<source id>.yml, directly in facts/: move it up, or out of facts/"
)


@pytest.mark.parametrize("name", [f"{SEED}.yaml", f"{SEED}.YML", f"{SEED}.json", f"{SEED}.yml~", "README"])
def test_a_file_in_facts_not_named_as_a_facts_file_fails_the_build_naming_it(tmp_path: Path, name: str):
    root = copy_project(tmp_path / "project")
    (root / "facts" / f"{SEED}.yml").rename(root / "facts" / name)
    before = snapshot(root)
    result = cli(root, "build")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: facts/{name}: not a facts file name: got '{name}', {RENAMED}"]
    assert snapshot(root) == before


def test_facts_files_in_a_subfolder_fail_the_build_naming_each(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    (root / "facts" / "2025" / "november").mkdir(parents=True)
    (root / "facts" / f"{SEED}.yml").rename(root / "facts" / "2025" / f"{SEED}.yml")
    (root / "facts" / "2025" / "november" / "other.yml").write_text("source: {}\n", encoding="utf-8")
    (root / "facts" / "2025" / ".other.yml.swp").write_bytes(b"\0")
    before = snapshot(root)
    result = cli(root, "build")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: facts/2025/{SEED}.yml: {NESTED}",
        f"error: facts/2025/november/other.yml: {NESTED}",
        "2 problems",
    ]
    assert snapshot(root) == before


def test_hidden_editor_files_in_facts_are_left_alone(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    for name in (f".{SEED}.yml.swp", f".{SEED}.yml~", ".DS_Store"):
        (root / "facts" / name).write_bytes(b"\0")
    (root / "facts" / ".backup").mkdir()
    (root / "facts" / ".backup" / f"{SEED}.yaml").write_text("source: {}\n", encoding="utf-8")
    listed = facts_files(root)
    assert root / "facts" / f"{SEED}.yml" in listed
    assert root / "facts" / "reference.yml" in listed
    assert all(p.suffix == ".yml" and not p.name.startswith(".") for p in listed)
    assert all(p.parent == root / "facts" for p in listed)
    assert cli(root, "build", "--check").returncode == 0


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.yml"
    path.write_text("source:\n  id: x\n  title: {kk: a, en: b\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    problem = caught.value.problems[0]
    assert problem.file == str(path) and problem.line == 4 and "YAML syntax error" in problem.message


def test_duplicate_key_is_refused_not_silently_overwritten(tmp_path: Path):
    path = tmp_path / "dup.yml"
    path.write_text("source:\n  id: a\n  id: b\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate key 'id' \\(first on line 2\\)"):
        load(path)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the facts file is empty"),
        (b"- a\n- b\n", "wrong shape at the top level"),
        (b"\xef\xbb\xbfsource: {}\n", "byte-order mark"),
        (b"source: {}\r\n", "CRLF line end"),
        (b"source: \x00\n", "NUL byte"),
        (b"source: \xff\n", "invalid UTF-8 byte 0xff"),
        (b"source: " + b"a" * 20_000 + b"\n", "line is 20,008 characters long"),
    ],
)
def test_unreadable_facts_files_are_refused_with_the_reason(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "facts.yml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load(path)


def test_fact_with_unknown_key_and_no_english_reports_both():
    mapping = parse_yaml("f: {kk: үш жыл, eng: three years}\n", "x.yml")["f"]
    with pytest.raises(InputError) as caught:
        to_fact(mapping)
    messages = [str(p) for p in caught.value.problems]
    assert any("unknown key 'eng'" in m for m in messages) and any(
        "English rendering is missing" in m for m in messages
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_the_project_error(text: str):
    try:
        parse_yaml(text, "fuzz.yml")
    except InputError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.integers(min_value=1, max_value=5)))
def test_locate_returns_a_span_of_the_quote_or_raises_the_project_error(quote: str, at):
    try:
        start, end = locate(TEXT, quote, at)
    except InputError:
        return
    assert TEXT[start:end].split() == quote.split()


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(TEXT) - 1), st.integers(min_value=1, max_value=60))
def test_any_unique_slice_of_the_source_is_found_where_it_stands(start: int, length: int):
    piece = TEXT[start : start + length].strip()
    if not piece or len(spans(TEXT, piece)) != 1:
        return
    found = locate(TEXT, piece)
    assert TEXT[found[0] : found[1]].split() == piece.split()


SECTION_NAMES = st.sampled_from(
    [
        "source",
        "organizations",
        "projects",
        "budgets",
        "events",
        "people",
        "quotes",
        "countries",
        "id",
        "kk",
        "name",
        "date",
        "total_budget",
    ]
)
SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["ҚҚ", "2025 жылғы 21 қарашада", "777 895 еуроны", "80-нен астам", "lprc", "1", "", "Q458"]),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(SECTION_NAMES, st.text(max_size=6)), children, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(DOCUMENTS)
def test_any_facts_document_compiles_or_raises_the_project_error(tmp_path_factory, document):
    import yaml as pyyaml

    from kz_rule_of_law.curation.rows import Compiler
    from kz_rule_of_law.package.descriptor import load_descriptor, tables

    root = tmp_path_factory.mktemp("fuzz")
    (root / "archive").mkdir()
    (root / "archive" / f"{SEED}.txt").write_bytes((ROOT / "archive" / f"{SEED}.txt").read_bytes())
    path = root / "facts.yml"
    path.write_text(pyyaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    schema = tables(load_descriptor(ROOT / "datapackage.json"))
    compiler = Compiler(root, schema)
    for _ in compiler.run([path]):  # problems are collected, never raised
        pass
    assert all(problem.file for problem in compiler.problems)
