"""Turn curated facts into normalized table rows, with a quote row for every value from a source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError, InternalError, Problem
from ..package.descriptor import Field, Table, cast
from ..validation.rules import Checker
from . import normalize
from .claims import RESOLUTIONS, RESTATES, Claim, Claims, claim_value, restated_ids
from .codelists import codelist_rows
from .countries import country_rows
from .derive import DERIVED, DERIVED_COLUMNS
from .facts import REFERENCE_FILE, Fact, Mapping, is_fact, load, to_fact
from .quotes import collapse, locate
from .sources import check_source_id, field_of, read_source

# Sections reference.yml may have: none today, since the IATI codelists come from IATI's own files
# (codelists.py); the file stays as the place for curated lists no release states.
REFERENCE_SECTIONS: tuple[str, ...] = ()
QUOTES = "quotes"
CODELIST_TABLES = ("iati_organisation_types", "iati_organisation_roles", "dac_sectors")
GENERATED_TABLES = ("sources", "legal_forms", "countries", *CODELIST_TABLES, QUOTES, RESOLUTIONS)
PROVENANCE_ONLY = "evidence"
NO_REFERENCE_SECTIONS = (
    "no section: the IATI and DAC codelists come from IATI's files (scripts/kz_rule_of_law/reference/iati/),"
    " the countries from ISO 3166-1"
)

# Fields whose quote the build normalizes, and the normalizer that does it.
KIND_BY_FIELD = {
    "date": "date",
    "period": "period",
    "duration": "duration",
    "participants": "count",
    "count": "count",
    "legal_form": "legal-form",
    "total_budget": "money",
    "eu_contribution": "money",
    "amount": "money",
}


@dataclass
class Origin:
    """Where a row was written: the facts file and line."""

    file: str
    line: int


@dataclass
class FileRows:
    """The rows one facts file contributes (or the code, for the legal forms), and their lines."""

    name: str
    number: int
    rows: dict[str, list[dict[str, Any]]]
    lines: dict[tuple[str, tuple], int] = field(default_factory=dict)
    # Rows held back from the files that defined them (records a later file restates): their
    # origins, packed as Compiler.code does, by (table, key).
    origins: dict[tuple[str, tuple], int] = field(default_factory=dict)


def normalized_columns(kind: str, name: str, fact: Fact, columns: frozenset[str] | None = None) -> dict[str, Any]:
    """The columns a normalizer fills from one quote (of a table with `columns`, when given)."""
    if kind == "date":
        return _date_columns(name, fact, columns)
    if kind == "period":
        start, end = normalize.parse_period(fact.kk)
        return {"start_year": start, "end_year": end}
    if kind == "duration":
        return {"duration_years": normalize.parse_duration(fact.kk)}
    if kind == "count":
        value, qualifier = normalize.parse_count(fact.kk)
        return {name: value, f"{name}_qualifier": qualifier}
    if kind == "legal-form":
        return {name: normalize.parse_legal_form(fact.kk).code}
    if kind == "money":
        money = normalize.parse_money_qualified(fact.kk)
        return {name: money.amount, "currency": money.currency, f"{name}_qualifier": money.qualifier}
    raise AssertionError(kind)


def _date_columns(name: str, fact: Fact, columns: frozenset[str] | None) -> dict[str, Any]:
    """A date's columns: the first day, its precision and the last day of a range, where the table
    records them; elsewhere a date must be one day."""
    value = normalize.parse_date_value(fact.kk)
    first = dt.date.fromisoformat(value.date)
    if columns is None or "date_precision" in columns:
        end = dt.date.fromisoformat(value.end_date) if value.end_date else None
        return {name: first, "date_precision": value.precision, "end_date": end}
    if value.precision != "day" or value.end_date:
        raise InputError(
            "not a single day",
            value=fact.kk,
            code="date-not-a-day",
            expected="a date to the day: this table records no month, year or range of days",
        )
    return {name: first}


class _FileCompiler:
    """Compiles the sections of one facts file into rows; collects every problem."""

    def __init__(self, path: Path, compiler: Compiler, chunk: FileRows) -> None:
        """Prepare to compile `path` into `chunk`."""
        self.path, self.root, self.tables = path, compiler.root, compiler.tables
        self.compiler, self.chunk, self.name = compiler, chunk, chunk.name
        self.source_id: str | None = None
        self.text: str | None = None

    def problem(self, problem: Problem | InputError, **where: Any) -> None:
        """Record one or more problems, located in this file."""
        items = problem.problems if isinstance(problem, InputError) else [problem]
        self.compiler.problems.extend(p.located(file=self.name, **where) for p in items)

    def run(self, document: Mapping) -> None:
        """Compile every section of the document."""
        is_reference = self.path.name == REFERENCE_FILE
        allowed = REFERENCE_SECTIONS if is_reference else self._release_sections(document)
        for section, records in document.items():
            line = document.lines[section]
            if section == "source" and not is_reference:
                continue
            if section == RESOLUTIONS and not is_reference:
                self.compiler.claims.read_resolutions(records, line, self)
            elif section not in allowed:
                named = allowed if is_reference else (*allowed, RESOLUTIONS)
                self.problem(
                    Problem(
                        f"unknown section '{section}'",
                        line=line,
                        expected=("one of: " + ", ".join(named)) if named else NO_REFERENCE_SECTIONS,
                        code="unknown-section",
                    )
                )
            else:
                self.compile_section(section, records, line)

    def _release_sections(self, document: Mapping) -> tuple[str, ...]:
        """Compile a release's `source` section (or report it missing); the sections it may have."""
        if "source" not in document:
            self.problem(
                Problem(
                    "no 'source' section",
                    line=1,
                    expected="a 'source' mapping that records the archived text",
                    code="missing-source-section",
                )
            )
        else:
            self.compile_source(document["source"], document.lines["source"])
        return tuple(n for n in self.tables if n not in REFERENCE_SECTIONS + GENERATED_TABLES)

    def compile_section(self, section: str, records: Any, line: int) -> None:
        """Compile the records of one section (a list of mappings)."""
        if not isinstance(records, list):
            self.problem(
                Problem(
                    "wrong shape",
                    line=line,
                    field=section,
                    value=_shape(records),
                    expected="a list of records",
                    code="wrong-shape",
                )
            )
            return
        for record in records:
            if not isinstance(record, Mapping):
                self.problem(
                    Problem(
                        "wrong shape",
                        line=line,
                        field=section,
                        value=_shape(record),
                        expected="a record (a mapping of fields)",
                        code="wrong-shape",
                    )
                )
                continue
            self.compile_record(self.tables[section], record)

    def compile_source(self, record: Any, line: int) -> None:
        """Compile the `source` section into a sources row, reading and checking the archived text."""
        if not isinstance(record, Mapping):
            self.problem(
                Problem(
                    "wrong shape",
                    line=line,
                    field="source",
                    value=_shape(record),
                    expected="a mapping",
                    code="wrong-shape",
                )
            )
            return
        sid = record.get("id")
        self.source_id = sid if isinstance(sid, str) and sid else None
        if self.source_id is not None:
            for problem in check_source_id(self.source_id, self.path.stem):
                self.problem(problem, line=record.lines.get("id", record.line), record=sid, field="id")
        try:
            size = cast(self.tables["sources"].field("bytes"), record.get("bytes"))
            text = read_source(self.root, str(record.get("path", "")), str(record.get("sha256", "")), size)
        except InputError as e:
            key = field_of(e.problems[0])
            self.problem(e, line=record.lines.get(key, record.line), record=sid, field=key)
        else:
            self.text = text.text
        self.compile_record(self.tables["sources"], record)

    def compile_record(self, table: Table, record: Mapping) -> None:
        """Compile one record of a section into a row of `table` and its quotes."""
        if RESTATES in record:
            self.compile_restatement(table, record)
            return
        rid = _record_id(table, record)
        bad = len(self.compiler.problems)
        row: dict[str, Any] = {}
        facts: list[tuple[str, Fact, tuple[int, int] | None]] = []
        for key, value, line in self._read_facts(table, record, rid, row, facts):
            self._read_plain(table, key, value, line, rid, row)
        self._complete(table, record, rid, row, clean=len(self.compiler.problems) == bad)
        primary_key = tuple(row.get(k) for k in table.primary_key)
        if self._claim(table, primary_key, record.line):
            self._publish(table, primary_key, row, record.line, facts)

    def _read_facts(
        self,
        table: Table,
        record: Mapping,
        rid: str | None,
        row: dict[str, Any],
        facts: list[tuple[str, Fact, tuple[int, int] | None]],
    ) -> list[tuple[str, Any, int]]:
        """Read a record's facts into the row; its plain fields, (column, value, line), to read after."""
        plain: list[tuple[str, Any, int]] = []
        for key, value in record.items():
            line = record.lines[key]
            if key == "id" and len(table.primary_key) != 1:
                self.problem(
                    Problem(
                        "this table has no 'id'",
                        line=line,
                        record=rid,
                        field=key,
                        expected="the key fields " + ", ".join(table.primary_key),
                        code="no-id-field",
                    )
                )
            elif key == "id":
                plain.append((table.primary_key[0], value, line))
            elif key == PROVENANCE_ONLY or is_fact(value) or key in KIND_BY_FIELD:
                self._read_fact(table, key, value, line, rid, row, facts)
            else:
                plain.append((key, value, line))
        return plain

    def _publish(
        self,
        table: Table,
        key: tuple,
        row: dict[str, Any],
        line: int,
        facts: list[tuple[str, Fact, tuple[int, int] | None]],
    ) -> None:
        """Add a compiled row to the chunk (or hold it, if a later file restates it) and its quotes."""
        self.chunk.lines[(table.name, key)] = line
        for f in table.fields:
            row.setdefault(f.name, None)
        record_id = "/".join(str(k) for k in key)
        claims = self.compiler.claims
        if len(key) == 1 and key[0] in claims.restated:
            # a later file restates this record: it is published once every claim is in
            claims.hold(table.name, key, row, self.compiler.code(self.chunk.number, line))
            self._first_claims(table, record_id, facts)
        else:
            self.chunk.rows[table.name].append(row)
        self._quote_rows(table, record_id, facts)

    def _put(
        self,
        row: dict[str, Any],
        column: str,
        value: Any,
        line: int,
        key: str,
        rid: str | None,
        overridable: bool = False,
    ) -> None:
        """Set a column of the row, unless another field of the record set it to something else."""
        if column in row and not overridable and row[column] != value:
            if column == "currency":
                self.problem(
                    Problem(
                        "mixed currencies in one record",
                        line=line,
                        record=rid,
                        field=key,
                        value=value,
                        expected=f"{row[column]}, the currency of the other amounts",
                        code="mixed-currencies",
                    )
                )
            else:
                self.problem(
                    Problem(
                        "value given twice",
                        line=line,
                        record=rid,
                        field=key,
                        value=value,
                        expected=f"one value for column {column}",
                        code="value-given-twice",
                    )
                )
            return
        row[column] = value

    def _read_fact(
        self,
        table: Table,
        key: str,
        value: Any,
        line: int,
        rid: str | None,
        row: dict[str, Any],
        facts: list[tuple[str, Fact, tuple[int, int] | None]],
    ) -> None:
        """Read a field written as a fact: locate its quote, and fill the columns it stands for."""
        if not is_fact(value):
            self.problem(
                Problem(
                    "a value the build computes was typed in",
                    line=line,
                    record=rid,
                    field=key,
                    value=value,
                    code="not-a-fact",
                    expected="a fact {kk: <Kazakh quote>, en: <English>}; the build normalizes it",
                )
            )
            return
        try:
            fact = to_fact(value)
        except InputError as e:
            self.problem(e, record=rid, field=key)
            return
        facts.append((key, fact, self.find(fact, rid, key)))
        if key == PROVENANCE_ONLY:
            return
        kind, columns = KIND_BY_FIELD.get(key), self.compiler.columns[table.name]
        if kind:
            try:
                for column, cell in normalized_columns(kind, key, fact, columns).items():
                    self._put(row, column, cell, fact.line, key, rid)
            except InputError as e:
                self.problem(e, line=fact.line, record=rid, field=key)
        elif f"{key}_kk" in columns and f"{key}_en" in columns:
            self._put(row, f"{key}_kk", collapse(fact.kk), fact.line, key, rid)
            self._put(row, f"{key}_en", fact.en, fact.line, key, rid, overridable=True)
        else:
            self.problem(
                Problem(
                    f"unknown field '{key}' for table {table.name}",
                    line=line,
                    record=rid,
                    field=key,
                    expected="one of: " + ", ".join(_writable(table)),
                    code="unknown-field",
                )
            )

    def _read_plain(self, table: Table, key: str, value: Any, line: int, rid: str | None, row: dict[str, Any]) -> None:
        """Read a field written as a plain value into its column, cast to the column's type."""
        refused = self._refuse_plain(table, key, value)
        if refused is not None:
            self.problem(refused, line=line, record=rid, field=key)
            return
        try:
            value = cast(table.field(key), value)
        except InputError as e:
            self.problem(e, line=line, record=rid, field=key)
            return
        if key in row and f"{key[:-3]}_kk" in row and key.endswith("_en"):
            row[key] = value  # a curated English name wins over the rendering of the quote
        else:
            self._put(row, key, value, line, key, rid)

    def _refuse_plain(self, table: Table, key: str, value: Any) -> Problem | None:
        """Why a plain value cannot go into the table (computed, not a single value, unknown), if it cannot."""
        columns = self.compiler.columns[table.name]
        if key in DERIVED_COLUMNS.get(table.name, ()) or (key == "source_id" and table.name != "sources"):
            return Problem(
                f"'{key}' is computed by the build, never typed in",
                value=value,
                expected=f"no {key} field in the facts file",
                code="computed-field",
            )
        if isinstance(value, (list, dict)):
            fact_like = f"{key}_kk" in columns or key in KIND_BY_FIELD
            return Problem(
                "wrong shape",
                value=_shape(value),
                expected="a fact {kk: <Kazakh quote>, en: <English>}" if fact_like else "a single value",
                code="wrong-shape",
            )
        if key not in columns:
            return Problem(
                f"unknown field '{key}' for table {table.name}",
                expected="one of: " + ", ".join(_writable(table)),
                code="unknown-field",
            )
        return None

    def _complete(self, table: Table, record: Mapping, rid: str | None, row: dict[str, Any], clean: bool) -> None:
        """Add the source and the derived columns; if the record had no other problem, report the first
        required field it leaves empty."""
        if "source_id" in self.compiler.columns[table.name] and table.name != "sources":
            row["source_id"] = self.source_id
        row.update(DERIVED.get(table.name, lambda r: {})(row))
        if not clean:
            return
        missing = self._first_missing(table, row)
        if missing is not None:
            self.problem(
                Problem(
                    "missing required field",
                    line=record.line,
                    record=rid,
                    field=missing.name,
                    expected=missing.description or "a value",
                    code="missing-value",
                )
            )

    def _first_missing(self, table: Table, row: dict[str, Any]) -> Field | None:
        """The first required field the row leaves empty, if any."""
        for f in table.fields:
            if f.name == "source_id" and self.source_id is None and table.name != "sources":
                continue  # the missing source record is reported once
            if f.required and row.get(f.name) is None:
                return f
        return None

    def _claim(self, table: Table, key: tuple, line: int) -> bool:
        """Record the row's key as defined here; False, after reporting it, if a row already has it."""
        index = self.compiler.keys.get(table.name)
        if index is None:
            return True
        compact = key_of(key)
        first = index.get(compact)
        if first is not None:
            origin = self.compiler.origin(first)
            record_id = "/".join(str(k) for k in key)
            self.problem(
                Problem(
                    f"duplicate id in table {table.name} (first defined at {origin.file}:{origin.line})",
                    line=line,
                    record=record_id,
                    field=table.primary_key[0] if len(key) == 1 else None,
                    value=record_id,
                    expected="an id used once across all facts files",
                    code="duplicate-id",
                )
            )
            return False
        index[compact] = self.compiler.code(self.chunk.number, line)
        return True

    def _quote_rows(self, table: Table, record_id: str, facts: list[tuple[str, Fact, tuple[int, int] | None]]) -> None:
        """Add a quote row for every fact of the record found in the source."""
        for key_name, fact, span in facts:
            if span is None or self.text is None:
                continue
            start, end = span
            quote_id = f"{table.name}/{record_id}/{key_name}/{self.source_id}"
            self.chunk.lines[(QUOTES, (quote_id,))] = fact.line
            self.chunk.rows[QUOTES].append(
                {
                    "quote_id": quote_id,
                    "source_id": self.source_id,
                    "table_name": table.name,
                    "record_id": record_id,
                    "field": key_name,
                    "value": self._claim_value(table, key_name, fact),
                    "text_kk": self.text[start:end],
                    "text_en": fact.en,
                    "char_start": start,
                    "char_end": end,
                }
            )

    def compile_restatement(self, table: Table, record: Mapping) -> None:
        """Compile `- restates: <id>` and the facts a later release states again about that record:
        its claims (and quotes); the record's row stays the one its first file defined."""
        rid, line = record.get(RESTATES), record.lines[RESTATES]
        if not self.compiler.claims.can_restate(self, table, rid, line) or not isinstance(rid, str):
            return  # can_restate holds for a text id only
        facts: list[tuple[str, Fact, tuple[int, int] | None]] = []
        for key, value in record.items():
            if key == RESTATES:
                continue
            if not is_fact(value) or key == PROVENANCE_ONLY:
                self.problem(
                    Problem(
                        "a restatement states quoted facts only",
                        line=record.lines[key],
                        record=rid,
                        field=key,
                        value=_shape(value) if isinstance(value, (list, dict)) else value,
                        expected="a fact {kk: <Kazakh quote>, en: <English>} of a field of the record",
                        code="restatement-not-a-fact",
                    )
                )
                continue
            try:
                fact = to_fact(value)
                claim = Claim(
                    table.name,
                    rid,
                    key,
                    self.source_id,
                    self.name,
                    fact.line,
                    collapse(fact.kk),
                    self._claim_value(table, key, fact),
                    self._columns(table, key, fact),
                )
            except InputError as e:
                self.problem(e, line=record.lines[key], record=rid, field=key)
                continue
            if claim.columns is None:
                self.problem(
                    Problem(
                        f"unknown field '{key}' for table {table.name}",
                        line=record.lines[key],
                        record=rid,
                        field=key,
                        expected="one of: " + ", ".join(_writable(table)),
                        code="unknown-field",
                    )
                )
                continue
            facts.append((key, fact, self.find(fact, rid, key)))
            self.compiler.claims.add(claim, self)
        self._quote_rows(table, rid, facts)

    def _first_claims(
        self, table: Table, record_id: str, facts: list[tuple[str, Fact, tuple[int, int] | None]]
    ) -> None:
        """The claims of the record's defining file, for a record a later file restates."""
        for key, fact, _ in facts:
            if key == PROVENANCE_ONLY:
                continue
            try:
                columns = self._columns(table, key, fact)
            except InputError:
                continue  # reported where the fact was read
            self.compiler.claims.add(
                Claim(
                    table.name,
                    record_id,
                    key,
                    self.source_id,
                    self.name,
                    fact.line,
                    collapse(fact.kk),
                    self._claim_value(table, key, fact),
                    columns,
                )
            )

    def _columns(self, table: Table, key: str, fact: Fact) -> dict[str, Any] | None:
        """The columns a fact fills (its normalized value, or its Kazakh and English text); None if
        the field is not one of the table's. Raises InputError if it does not normalize."""
        kind = KIND_BY_FIELD.get(key)
        if kind:
            return normalized_columns(kind, key, fact, self.compiler.columns[table.name])
        if f"{key}_kk" in self.compiler.columns[table.name]:
            return {f"{key}_kk": collapse(fact.kk), f"{key}_en": fact.en}
        return None

    def _claim_value(self, table: Table, key: str, fact: Fact) -> str | None:
        """The normalized value a fact states, as text (None for a text field, or one that does not
        normalize: that is reported where the fact is read)."""
        kind = KIND_BY_FIELD.get(key)
        if kind is None:
            return None
        try:
            return claim_value(kind, normalized_columns(kind, key, fact, self.compiler.columns[table.name]))
        except InputError:
            return None

    def find(self, fact: Fact, rid: str | None, key: str) -> tuple[int, int] | None:
        """The span of a fact's quote in this file's source, or None after recording why not."""
        if self.path.name == REFERENCE_FILE:
            self.problem(
                Problem(
                    "a quote in the reference file",
                    line=fact.line,
                    record=rid,
                    field=key,
                    expected="plain values: reference lists state no source",
                    code="quote-in-reference",
                )
            )
            return None
        if self.text is None:
            return None
        try:
            return locate(self.text, fact.kk, fact.at)
        except InputError as e:
            self.problem(e, line=fact.line, record=rid, field=key)
            return None


def _record_id(table: Table, record: Mapping) -> str | None:
    """How errors name a record: its id, or its key fields joined by '/'."""
    rid = record.get("id")
    if isinstance(rid, str):
        return rid
    parts = [record.get(k) for k in table.primary_key if k != "source_id"]
    texts = [p for p in parts if isinstance(p, str)]
    return "/".join(texts) if parts and len(texts) == len(parts) else None


def _writable(table: Table) -> list[str]:
    """The fields a facts file may set in a table (fact fields by their short names)."""
    names = []
    for c in table.columns:
        if c in DERIVED_COLUMNS.get(table.name, ()) or c == "source_id":
            continue
        names.append(c)
    return names


def _shape(value: Any) -> str:
    """Describe the YAML shape of a value."""
    shapes: dict[type, str] = {dict: "a mapping", Mapping: "a mapping", list: "a list"}
    return shapes.get(type(value), repr(value)[:40])


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the project where possible."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def reference_rows() -> dict[str, list[dict[str, Any]]]:
    """Rows the code owns: the legal forms the normalizer knows, the countries of ISO 3166-1 and the
    IATI codelists."""
    return {
        "countries": country_rows(),
        **codelist_rows(),
        "legal_forms": [
            {"code": f.code, "name_kk": f.name_kk, "name_ru": f.name_ru, "abbr_ru": f.abbr_ru, "name_en": f.name_en}
            for f in normalize.LEGAL_FORMS.values()
        ],
    }


def key_of(values: tuple) -> Any:
    """A key as the indexes hold it: the value itself when the key has one column."""
    return values[0] if len(values) == 1 else values


class Compiler:
    """Compile facts files one at a time, checking keys, references and rules across files.

    Only what spans files stays in memory: every key with the file and line that defined it
    (quote ids are unique by construction and not kept), references not yet resolved, and the
    few columns of the rule across tables. Rows are handed on file by file.
    """

    def __init__(self, root: Path, tables: dict[str, Table]) -> None:
        """Prepare to compile facts files of the project at `root` into `tables`."""
        self.root, self.tables = root, tables
        self.problems: list[Problem] = []
        self.names: list[str] = []
        self.keys: dict[str, dict[Any, int]] = {name: {} for name in tables if name != QUOTES}
        self.pending: list[tuple[str, tuple, tuple, Any, int]] = []
        self.counts = {name: 0 for name in tables}
        self.columns = {name: frozenset(table.columns) for name, table in tables.items()}
        self.sources: list[dict[str, Any]] = []
        self.texts: dict[str, str] = {}
        self.checker = Checker(tables, self.texts.get)
        self.claims = Claims(tables)

    @staticmethod
    def code(number: int, line: int) -> int:
        """An origin packed in one int: the file's number and the line."""
        return number << 32 | line

    def origin(self, code: int) -> Origin:
        """The origin a packed int stands for."""
        return Origin(self.names[code >> 32], code & 0xFFFFFFFF)

    def run(self, paths: Iterable[Path]) -> Iterator[FileRows]:
        """Each file's rows, sorted by primary key within the file, code-owned rows first; then `finish`."""
        paths = list(paths)
        self.claims.restated = restated_ids(paths, self.root)
        yield self._accept(self._reference_rows(), clean=True)
        for path in paths:
            before = len(self.problems)
            chunk = self._compile(path)
            if chunk is not None:
                yield self._accept(chunk, clean=len(self.problems) == before)
        before = len(self.problems)
        held = self._chunk("(records restated by later files)")
        self.claims.settle(held, self)
        yield self._accept(held, clean=len(self.problems) == before)
        self.finish()

    def _reference_rows(self) -> FileRows:
        """The rows the code owns, as if from a file of their own."""
        chunk = self._chunk("scripts/kz_rule_of_law/curation/normalize.py")
        for name, rows in reference_rows().items():
            pk = self.tables[name].primary_key
            for row in rows:
                key = tuple(row[k] for k in pk)
                self.keys[name][key_of(key)] = self.code(chunk.number, 0)
                chunk.lines[(name, key)] = 0
                chunk.rows[name].append(row)
        return chunk

    def _chunk(self, name: str) -> FileRows:
        """An empty chunk for the next file, numbered in the order files come."""
        self.names.append(name)
        return FileRows(name, len(self.names) - 1, {table: [] for table in self.tables})

    def _compile(self, path: Path) -> FileRows | None:
        """Compile one facts file; None if it cannot be read at all."""
        name = display_path(path, self.root)
        try:
            document = load(path, name)
        except InputError as e:
            self.problems.extend(e.problems)
            return None
        chunk = self._chunk(name)
        compiler = _FileCompiler(path, self, chunk)
        compiler.run(document)
        self.texts.clear()
        if compiler.source_id and compiler.text is not None:
            self.texts[compiler.source_id] = compiler.text
        return chunk

    def _accept(self, chunk: FileRows, clean: bool) -> FileRows:
        """Check a file's rows against the rules and references, sort them, and count them."""
        for name, table in self.tables.items():
            rows = chunk.rows[name]
            if clean:
                self._check_rows(chunk, name, rows)
            self._references(chunk, table, rows)
            if name == "sources":
                self.sources.extend(rows)
            self.counts[name] += len(rows)
        sort_rows(chunk.rows, self.tables)
        return chunk

    def _references(self, chunk: FileRows, table: Table, rows: list[dict[str, Any]]) -> None:
        """Keep the references of a chunk's rows that no row compiled so far resolves, for `finish`."""
        for fk in table.foreign_keys:
            for row in rows:
                value = tuple(row.get(k) for k in fk.fields)
                if all(v is None for v in value) or self._known(fk.resource, fk.reference_fields, value):
                    continue
                pk = tuple(row.get(k) for k in table.primary_key)
                self.pending.append((table.name, fk.fields, pk, value, self._where(chunk, table.name, pk)))

    def _check_rows(self, chunk: FileRows, name: str, rows: list[dict[str, Any]]) -> None:
        """Run the rules on a chunk's rows of one table, locating each failure on its row's line."""
        for row in rows:
            for failure in self.checker.check(name, row):
                origin = self.origin(self._where(chunk, name, failure.key))
                self.problems.append(failure.problem.located(file=origin.file, line=origin.line))

    def _where(self, chunk: FileRows, table: str, key: tuple) -> int:
        """The packed origin of a row of the chunk: its file and line."""
        code = chunk.origins.get((table, key))
        return code if code is not None else self.code(chunk.number, chunk.lines.get((table, key), 0))

    def _known(self, table: str, fields: tuple[str, ...], value: tuple) -> bool:
        """Whether a row of `table` has `value` in `fields` (its primary key)."""
        if fields != self.tables[table].primary_key or table not in self.keys:
            raise InternalError(f"foreign keys must name the primary key of {table} (got {', '.join(fields)})")
        return key_of(value) in self.keys[table]

    def finish(self) -> None:
        """Report references that no file resolved, then the rule across tables."""
        for name, fields, pk, value, code in self.pending:
            fk = next(fk for fk in self.tables[name].foreign_keys if fk.fields == fields)
            if self._known(fk.resource, fk.reference_fields, value):
                continue
            origin = self.origin(code)
            self.problems.append(
                Problem(
                    f"unknown {fk.resource} reference",
                    file=origin.file,
                    line=origin.line,
                    record="/".join(str(k) for k in pk),
                    field=",".join(fields),
                    value="/".join(str(v) for v in value),
                    expected=f"the id of a row of {fk.resource} defined in a facts file",
                    code="foreign-key",
                )
            )
        self.pending.clear()
        if self.problems:
            return
        for failure in self.checker.finish():
            origin = self.origin(self.keys[failure.table][key_of(failure.key)])
            self.problems.append(failure.problem.located(file=origin.file, line=origin.line))


def sort_rows(rows: dict[str, list[dict[str, Any]]], tables: dict[str, Table]) -> None:
    """Order every table's rows by primary key, in place."""
    for name, table in tables.items():
        rows[name].sort(key=lambda r: tuple(_sortable(r[k]) for k in table.primary_key))


def _sortable(value: Any) -> tuple[int, Any]:
    """A sort key that orders None first and never compares unlike types."""
    if value is None:
        return (0, "")
    if isinstance(value, (int, Decimal)):
        return (1, value)
    return (2, str(value))
