"""Small inputs with large costs, faults of files and disks, and messages that must not mislead."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kz_rule_of_law import build as building
from kz_rule_of_law.atomic import atomic_write
from kz_rule_of_law.cli import app
from kz_rule_of_law.curation.facts import MAX_DEPTH, load, parse_yaml, read_text
from kz_rule_of_law.curation.quotes import MAX_OCCURRENCES, locate
from kz_rule_of_law.database import load as database_load
from kz_rule_of_law.errors import DiskFull, InputError, Problem
from kz_rule_of_law.package.descriptor import load_descriptor, tables
from kz_rule_of_law.validation.rules import Checker
from workspace import ROOT, SEED, cli, copy_project, snapshot

FACTS = f"facts/{SEED}.yml"


def codes(error: InputError) -> list[tuple[int | None, str]]:
    """The line and code of each problem of an error."""
    return [(p.line, p.code) for p in error.problems]


# YAML: aliases, nesting, tags


def alias_bomb(levels: int) -> str:
    """A few lines of YAML whose aliases double the value at each level."""
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_aliases_that_repeat_a_value_beyond_the_limit_are_refused_on_an_anchor_line():
    with pytest.raises(InputError) as raised:
        parse_yaml(alias_bomb(30), "bomb.yml")
    [(line, code)] = codes(raised.value)
    assert code == "yaml-too-large"
    assert 1 <= line <= 30


def test_aliases_of_small_values_still_load_as_the_same_values():
    document = parse_yaml("k: &x {kk: a, en: b}\nl: *x\nm: [*x, *x]\n", "f.yml")
    assert document["l"] == document["m"][1] == {"kk": "a", "en": "b"}


def test_nesting_past_the_limit_is_a_located_error_not_a_recursion_error():
    depth = 400
    with pytest.raises(InputError) as raised:
        parse_yaml("source: {}\nkey: " + "[" * depth + "x" + "]" * depth + "\n", "deep.yml")
    assert codes(raised.value) == [(2, "yaml-too-deep")]
    assert f"more than {MAX_DEPTH} levels" in raised.value.problems[0].message


@pytest.mark.parametrize(
    "tagged, shown",
    [
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!str x", "!!str"),
        ("!custom x", "!custom"),
        ("!!map {a: b}", "!!map"),
        ("!!seq [a]", "!!seq"),
        ("!!python/object:os.system x", "!!python/object:os.system"),
    ],
)
def test_every_tag_written_in_a_facts_file_is_refused_on_its_line(tagged: str, shown: str):
    with pytest.raises(InputError) as raised:
        parse_yaml(f"a: b\nc:\n  d: {tagged}\n", "tagged.yml")
    assert codes(raised.value) == [(3, "yaml-tag")]
    assert raised.value.problems[0].message == f"YAML tag '{shown}'"


def test_an_error_value_is_rendered_from_its_first_items_only():
    rendered = []

    class Item:
        def __repr__(self) -> str:
            rendered.append(self)
            return "item"

    text = str(Problem("wrong shape", value=[Item()] * 10_000, code="wrong-shape"))
    assert text.startswith("wrong shape: got '[item, item, ") and text.endswith("…'")
    assert len(rendered) < 30


def test_an_error_value_shows_invisible_characters_as_escapes():
    text = str(Problem("bad", value="a\u200bb\u2028c\x00d қ", code="wrong-type"))
    assert text == "bad: got 'a\\u200bb\\u2028c\\x00d қ'"


# Line breaks YAML counts and editors do not


@pytest.mark.parametrize(
    "char, name",
    [("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR"), ("\x85", "U+0085 NEXT LINE")],
)
def test_a_yaml_line_break_is_refused_on_the_line_sed_shows(tmp_path: Path, char: str, name: str):
    path = tmp_path / "facts" / "f.yml"
    path.parent.mkdir()
    text = f"a: b\nc: one{char}two\nd: e\nd: again\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load(path, "f.yml")
    [problem] = raised.value.problems
    assert (problem.line, problem.code, problem.message) == (2, "line-separator", f"{name} at column 7")
    assert char in text.split("\n")[problem.line - 1]  # what `sed -n 2p` shows


# Values that are not NFC


def test_a_value_not_in_nfc_is_refused_naming_its_field_and_the_character(tmp_path: Path):
    path = tmp_path / "facts" / "f.yml"
    path.parent.mkdir()
    path.write_text(
        "source:\n  id: x\n  names:\n    - Cafe\u0301\n  title: {kk: Қазақстандағы и\u0306гі іс, en: e}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        load(path, "f.yml")
    assert [(p.line, p.field, p.code) for p in raised.value.problems] == [(3, "names", "not-nfc"), (5, "kk", "not-nfc")]
    assert "U+0301 COMBINING ACUTE ACCENT at character 5" in raised.value.problems[0].message


def test_comments_not_in_nfc_are_no_values_and_are_accepted(tmp_path: Path):
    path = tmp_path / "facts" / "f.yml"
    path.parent.mkdir()
    path.write_text("# Cafe\u0301\nsource: {id: x}\n", encoding="utf-8")
    assert load(path, "f.yml") == {"source": {"id": "x"}}


# Quotes


def test_a_quote_too_common_is_refused_after_a_bounded_count():
    text = "Бұл мәтін. " * (MAX_OCCURRENCES + 500)
    for quote in (".", "мәтін."):
        with pytest.raises(InputError) as raised:
            locate(text, quote, at=3)
        assert [p.code for p in raised.value.problems] == ["quote-too-common"]


def test_a_quote_found_a_few_times_still_says_how_many():
    with pytest.raises(InputError) as raised:
        locate("Бұл мәтін. " * 7, "мәтін.")
    assert raised.value.problems[0].message == "quote occurs 7 times in the source"


@pytest.mark.parametrize(
    "char, name",
    [
        ("\u200b", "ZERO WIDTH SPACE"),
        ("\u200c", "ZERO WIDTH NON-JOINER"),
        ("\u200d", "ZERO WIDTH JOINER"),
        ("\u2060", "WORD JOINER"),
        ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
        ("\u00ad", "SOFT HYPHEN"),
    ],
)
def test_a_quote_not_found_names_its_invisible_characters_and_where(char: str, name: str):
    with pytest.raises(InputError) as raised:
        locate("Бұл мәтін жақсы.", f"мәт{char}ін жақсы")
    [problem] = raised.value.problems
    assert problem.code == "quote-not-found"
    assert f"U+{ord(char):04X} {name} at character 4" in problem.message


# Files that are no regular files


def test_a_facts_file_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    os.mkfifo(root / "facts" / "001_synthetic0000000.yml")
    result = cli(root, "build", timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "error: facts/001_synthetic0000000.yml: facts file is not a regular file but a FIFO: "
        "expected a regular file (or a symlink to one inside the project)"
    ]


def test_an_archived_text_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    archived = root / "archive" / f"{SEED}.txt"
    archived.unlink()
    os.mkfifo(archived)
    before = snapshot(root)
    result = cli(root, "build", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "path: archived source is not a regular file but a FIFO: got 'archive/" in result.stderr
    assert snapshot(root) == before


def test_a_facts_file_linked_out_of_the_project_is_refused_unread(tmp_path: Path):
    root = tmp_path / "project"
    (root / "facts").mkdir(parents=True)
    link = root / "facts" / "001_synthetic0000000.yml"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError) as raised:
        read_text(link, root=root)
    assert [(p.code, p.value) for p in raised.value.problems] == [("not-regular-file", "/dev/zero")]
    assert raised.value.problems[0].message == "facts file is a symlink out of the project"


def test_a_facts_file_linked_to_a_fifo_inside_the_project_is_refused_without_waiting(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    os.mkfifo(root / "pipe")
    (root / "facts" / "001_synthetic0000000.yml").symlink_to("../pipe")
    result = cli(root, "build", "--format", "json", timeout=60)
    assert result.returncode == 2, result.stderr
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["not-regular-file"]
    assert "facts file is not a regular file but a FIFO" in result.stderr


# A full disk


def build_in(root: Path, monkeypatch) -> tuple[int, list[str]]:
    """Run `build` in `root` through the command line; its exit code and stderr lines."""
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["build"])
    return result.exit_code, result.stderr.splitlines()


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_while_writing_the_csvs_is_one_line_and_publishes_nothing(tmp_path: Path, monkeypatch, number: int):
    root = copy_project(tmp_path / "project")
    before = snapshot(root)

    def write(self, rows):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(building.PackageWriter, "write", write)
    status, lines = build_in(root, monkeypatch)
    assert status == 1
    assert len(lines) == 1 and re.fullmatch(
        rf"error: no space left on device while writing {re.escape(str(root))}/"
        r"\.build-[^/]+/package",
        lines[0],
    ), lines
    assert snapshot(root) == before
    assert not list(root.glob(".build-*"))


def test_a_full_disk_named_by_the_system_names_the_file(tmp_path: Path, monkeypatch):
    root = copy_project(tmp_path / "project")
    before = snapshot(root)
    target = str(root / "data" / "scratch.csv")

    def write(self, rows):
        raise OSError(errno.ENOSPC, "No space left on device", target)

    monkeypatch.setattr(building.PackageWriter, "write", write)
    assert build_in(root, monkeypatch) == (1, [f"error: no space left on device while writing {target}"])
    assert snapshot(root) == before


def test_a_database_that_fills_its_disk_is_a_full_disk_not_an_internal_error(tmp_path: Path, monkeypatch):
    root = copy_project(tmp_path / "project")
    before = snapshot(root)
    monkeypatch.setattr(database_load, "LOAD_PRAGMAS", [*database_load.LOAD_PRAGMAS, "max_page_count = 8"])
    status, lines = build_in(root, monkeypatch)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith("error: no space left on device while writing "), lines
    assert snapshot(root) == before


def test_a_full_disk_while_writing_a_file_atomically_names_it_and_keeps_the_old_one(tmp_path: Path):
    target = tmp_path / "site" / "metadata.json"
    target.parent.mkdir()
    target.write_bytes(b"old")
    with pytest.raises(DiskFull) as raised, atomic_write(target) as out:
        out.write(b"new")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert raised.value.lines() == [f"error: no space left on device while writing {target}"]
    assert raised.value.problems[0].code == "disk-full"
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["metadata.json"]


# Messages printed as they are


def test_values_are_printed_as_text_never_as_emoji_or_markup(monkeypatch, tmp_path: Path):
    monkeypatch.chdir(copy_project(tmp_path / "project"))
    result = CliRunner().invoke(app, ["normalize", "date", ":x: [bold]21[/bold] :smile:"])
    assert result.exit_code == 2
    assert ":x: [bold]21[/bold] :smile:" in result.stderr
    assert "❌" not in result.stderr


# Organizations' parents


def organization_rows(schema, pairs: list[tuple[str, str | None]]) -> list[dict]:
    """Organizations rows with ids and parents, their other columns empty."""
    empty = dict.fromkeys(schema["organizations"].columns)
    return [empty | {"organization_id": organization, "parent_id": parent} for organization, parent in pairs]


@pytest.fixture(scope="module")
def schema():
    return tables(load_descriptor(ROOT / "datapackage.json"))


def test_parent_cycles_are_found_once_each_on_their_first_organization(schema):
    checker = Checker(schema, lambda source_id: None)
    rows = organization_rows(
        schema, [("top", None), ("a", "b"), ("b", "c"), ("c", "a"), ("d", "a"), ("x", "y"), ("y", "x")]
    )
    columns = list(rows[0])
    assert (
        checker.check_chunk("organizations", columns, [tuple(r.values()) for r in rows], lines=list(range(2, 9))) == []
    )
    found = [(f.key, f.problem.line, f.problem.code, f.problem.message) for f in checker.finish()]
    assert found == [
        (("a",), 3, "organization-parent-cycle", "organizations' parents form a cycle: a -> b -> c -> a"),
        (("x",), 7, "organization-parent-cycle", "organizations' parents form a cycle: x -> y -> x"),
    ]


def test_an_organization_that_is_its_own_parent_fails_on_its_row(schema):
    checker = Checker(schema, lambda source_id: None)
    [row] = organization_rows(schema, [("self", "self")])
    [failure] = checker.check("organizations", row)
    assert (failure.key, failure.problem.code) == (("self",), "organization-parent-cycle")
    assert checker.finish() == []


def test_one_archived_text_under_two_source_ids_fails_on_the_second(schema):
    checker = Checker(schema, lambda source_id: None)
    digest = "0" * 64
    assert checker.check("sources", {"source_id": "999_synthetic-a", "sha256": digest}) == []
    assert checker.check("sources", {"source_id": "999_synthetic-a", "sha256": digest}) == []  # the same row again
    [failure] = checker.check("sources", {"source_id": "999_synthetic-b", "sha256": digest})
    assert (failure.key, failure.problem.field, failure.problem.code) == (
        ("999_synthetic-b",),
        "sha256",
        "duplicate-source-text",
    )
