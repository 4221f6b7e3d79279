"""Read a curated facts file (YAML) into mappings that remember the line of every key."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem

MAX_FACTS_BYTES = 2_000_000
MAX_LINE_CHARS = 10_000


class Mapping(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    lines: dict[str, int]


class _Loader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):  # libyaml when present: ~10x faster
    """A YAML loader that keeps every scalar as text and records line numbers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:
        """Build a Mapping, refusing duplicate keys instead of keeping the last one."""
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain name", key_node.start_mark)
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first on line {mapping.lines[key]})",
                    key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)


@dataclass(frozen=True)
class Fact:
    """A statement of the source: the Kazakh quote, its English rendering, which occurrence."""

    kk: str
    en: str
    at: int | None
    line: int


def read_text(path: Path, what: str = "facts file", limit: int = MAX_FACTS_BYTES, name: str | None = None) -> str:
    """Read a UTF-8 text file, refusing what a person's editor may have slipped in."""
    name = name or str(path)
    try:
        if path.stat().st_size > limit:
            raise InputError(Problem(f"{what} is {path.stat().st_size:,} bytes",
                                     expected=f"at most {limit:,} bytes", file=name, code="file-too-large"))
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(f"{what} not found", file=name, code="file-not-found")) from None
    except IsADirectoryError:
        raise InputError(Problem(f"{what} is a directory", file=name, code="not-a-file")) from None
    except OSError as e:
        raise InputError(Problem(f"cannot read {what}: {e.strerror}", file=name, code="cannot-read")) from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError(Problem("starts with a byte-order mark (BOM)", file=name, line=1,
                                 expected="UTF-8 without a BOM", code="byte-order-mark"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(Problem(f"invalid UTF-8 byte 0x{data[e.start]:02x}", file=name, line=line,
                                 expected="UTF-8 text", code="not-utf8")) from None
    problems = []
    if "\r" in text:
        crlf = text.count("\r\n")
        line = text[: text.index("\r")].count("\n") + 1
        problems.append(Problem(f"{crlf:,} CRLF line ends" if crlf else "carriage return in text", file=name,
                                line=line, expected="LF line ends only (save the file with Unix line ends)",
                                code="carriage-return"))
    for number, content in enumerate(text.split("\n"), start=1):
        if "\x00" in content:
            problems.append(Problem("NUL byte in text", file=name, line=number,
                                    expected="text without NUL bytes", code="nul-byte"))
        if len(content) > MAX_LINE_CHARS:
            problems.append(Problem(f"line is {len(content):,} characters long", file=name, line=number,
                                    expected=f"lines of at most {MAX_LINE_CHARS:,} characters", code="line-too-long"))
        if len(problems) >= 20:
            break
    if problems:
        raise InputError(*problems)
    return text


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text into Mappings, lists and strings; syntax errors name the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - BaseLoader subclass builds no objects
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        reason = e.problem or e.context or "YAML error"
        raise InputError(Problem(f"YAML syntax error: {reason}", file=name, line=line, code="yaml-syntax")) from None
    except yaml.YAMLError as e:
        raise InputError(Problem(f"YAML error: {e}", file=name, code="yaml-syntax")) from None


def load(path: Path, name: str | None = None) -> Mapping:
    """Read and parse one facts file; its top level must be a mapping of sections."""
    name = name or str(path)
    document = parse_yaml(read_text(path, name=name), name)
    if document is None or document == "":
        raise InputError(Problem("the facts file is empty", file=name, line=1,
                                 expected="a mapping with a 'source' section and tables of facts", code="empty-file"))
    if not isinstance(document, Mapping):
        raise InputError(Problem("wrong shape at the top level", file=name, line=1,
                                 value=_kind(document), expected="a mapping of sections", code="wrong-shape"))
    return document


def is_fact(value: Any) -> bool:
    """Whether a YAML value is written as a fact (a mapping with a Kazakh quote)."""
    return isinstance(value, Mapping) and "kk" in value


def to_fact(value: Mapping) -> Fact:
    """Read {kk, en, at} into a Fact, raising InputError on anything else."""
    problems = []
    for key in value:
        if key not in ("kk", "en", "at"):
            problems.append(Problem(f"unknown key '{key}' in a fact", line=value.lines[key],
                                    expected="only kk (the Kazakh quote), en (its English rendering) and at",
                                    code="unknown-fact-key"))
    kk, en, at = value.get("kk"), value.get("en"), value.get("at")
    if not isinstance(kk, str) or not kk.strip():
        problems.append(Problem("the Kazakh quote is empty or not text", line=value.line, value=kk,
                                expected="the exact words of the source", code="empty-quote"))
    if not isinstance(en, str) or not en.strip():
        problems.append(Problem("the English rendering is missing", line=value.line,
                                expected="en: <English rendering of the quote>", code="missing-english"))
    occurrence = None
    if at is not None:
        if isinstance(at, str) and at.isascii() and at.isdigit() and int(at) >= 1:
            occurrence = int(at)
        else:
            problems.append(Problem("bad occurrence number", line=value.lines["at"], value=at,
                                    expected="at: a whole number from 1", code="bad-occurrence"))
    if problems:
        raise InputError(*problems)
    return Fact(unicodedata.normalize("NFC", kk.strip()), " ".join(en.split()), occurrence, value.line)


def _kind(value: Any) -> str:
    """Name the YAML shape of a value for error messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the text {value!r}"[:60]
