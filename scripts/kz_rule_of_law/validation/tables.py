"""Check CSVs against their table schemas, column by column: what frictionless checks, faster.

It reads each CSV once in chunks, checks every column of a chunk with one tight loop per rule
(type, required, pattern, enum, minimum/maximum, length, unique), then the primary key, the
foreign keys across tables, the header, the row width, and each file's size and sha256 against
the descriptor. Memory grows with the distinct keys only, not with the rows.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..package.cells import READERS, OutOfRange
from ..package.descriptor import Field, Table, article, dependency_order

CHUNK_ROWS = 20_000
MAX_PROBLEMS_PER_RULE = 20


@dataclass
class TableResult:
    """What checking one table found: problems, and the keys other tables may refer to."""

    problems: list[Problem] = dataclass_field(default_factory=list)
    keys: dict[tuple[str, ...], set[tuple]] = dataclass_field(default_factory=dict)
    references: dict[tuple[str, ...], dict[tuple, int]] = dataclass_field(default_factory=dict)


Out = Callable[..., None]  # out(line, field, value, expected, code=..., message="")


class _Column:
    """The compiled rules of one column."""

    def __init__(self, field: Field, missing: set[str]) -> None:
        """Compile the field's type and constraints."""
        c = field.constraints
        self.field, self.missing = field, missing
        self.read = READERS.get(field.type, None)
        self.required = bool(c.get("required"))
        self.pattern = re.compile(c["pattern"]) if "pattern" in c else None
        self.enum = set(c["enum"]) if "enum" in c else None
        self.enum_shown = "one of " + ", ".join(map(str, c.get("enum", ())))  # the descriptor's order, not the set's
        self.minimum, self.maximum = c.get("minimum"), c.get("maximum")
        self.min_length, self.max_length = c.get("minLength"), c.get("maxLength")
        self.unique = bool(c.get("unique"))
        self.seen: set[Any] = set()
        self.repeated: list[int] = []

    def check(self, cells: list[str], lines: list[int], out: Out, unreadable: set[int]) -> list[Any]:
        """Check one chunk of the column; return the typed values (None where missing or bad).

        The positions of rows with a cell that is missing though required, or that does not read
        as the column's type, are added to `unreadable`.
        """
        present = [(i, v) for i, v in enumerate(cells) if v not in self.missing]
        if self.required and len(present) != len(cells):
            self._check_required(cells, lines, out, unreadable)
        values = self._read_values(cells, present, lines, out, unreadable)
        typed = [(i, values[i]) for i, _ in present if values[i] is not None]
        self._check_constraints(cells, present, typed, lines, out)
        return values

    def _check_constraints(
        self, cells: list[str], present: list[tuple[int, str]], typed: list[tuple[int, Any]], lines: list[int], out: Out
    ) -> None:
        """The column's constraints on the cells present: pattern, enum and range, length, uniqueness."""
        if self.pattern is not None:
            self._check_pattern(present, lines, out)
        self._check_values(cells, typed, lines, out)
        if self.min_length is not None or self.max_length is not None:
            self._check_length(present, lines, out)
        if self.unique:
            self._check_unique(cells, typed, lines, out)

    def _check_required(self, cells: list[str], lines: list[int], out: Out, unreadable: set[int]) -> None:
        """Every missing cell of a required column."""
        for i, v in enumerate(cells):
            if v in self.missing:
                out(lines[i], self.field.name, v, "a value (the field is required)", code="missing-value")
                unreadable.add(i)

    def _read_values(
        self, cells: list[str], present: list[tuple[int, str]], lines: list[int], out: Out, unreadable: set[int]
    ) -> list[Any]:
        """The cells read as the column's type: None where missing, or where a cell does not read."""
        values: list[Any] = [None] * len(cells)
        read, name = self.read, self.field.name
        if read is None:
            for i, v in present:
                values[i] = v
            return values
        for i, v in present:
            try:
                values[i] = read(v)
            except OutOfRange as e:
                out(lines[i], name, v, str(e), code="not-storable")
                unreadable.add(i)
            except (ValueError, ArithmeticError):
                out(lines[i], name, v, f"{article(self.field.type)} {self.field.type}", code="wrong-type")
                unreadable.add(i)
        return values

    def _check_pattern(self, present: list[tuple[int, str]], lines: list[int], out: Out) -> None:
        """Cells whose text does not match the column's pattern."""
        if self.pattern is None:
            return
        match, expected = self.pattern.fullmatch, f"text matching {self.pattern.pattern}"
        for i, v in present:
            if not match(v):
                out(lines[i], self.field.name, v, expected, code="pattern-mismatch")

    def _check_length(self, present: list[tuple[int, str]], lines: list[int], out: Out) -> None:
        """Cells whose text is shorter or longer than the column allows."""
        low, high = self.min_length or 0, self.max_length
        expected = f"a length from {low}" + (f" to {high}" if high is not None else "")
        for i, v in present:
            if len(v) < low or (high is not None and len(v) > high):
                out(lines[i], self.field.name, v, expected, code="wrong-length")

    def _check_values(self, cells: list[str], typed: list[tuple[int, Any]], lines: list[int], out: Out) -> None:
        """The constraints on a cell's typed value: enum, minimum and maximum."""
        name = self.field.name
        if self.enum is not None:
            for i, v in typed:
                if v not in self.enum:
                    out(lines[i], name, cells[i], self.enum_shown, code="not-in-enum")
        if self.minimum is not None:
            for i, v in typed:
                if v < self.minimum:
                    out(lines[i], name, cells[i], f"at least {self.minimum}", code="below-minimum")
        if self.maximum is not None:
            for i, v in typed:
                if v > self.maximum:
                    out(lines[i], name, cells[i], f"at most {self.maximum}", code="above-maximum")

    def _check_unique(self, cells: list[str], typed: list[tuple[int, Any]], lines: list[int], out: Out) -> None:
        """Values seen before in the column; their positions in the chunk are kept in `repeated`."""
        seen, self.repeated = self.seen, []
        for i, v in typed:
            if v in seen:
                out(lines[i], self.field.name, cells[i], "a value used once in the column (unique)", code="not-unique")
                self.repeated.append(i)
            seen.add(v)


RowsCallback = Callable[[Table, list[int], list[tuple]], None]


def check_table(
    table: Table,
    path: Path,
    missing_values: Iterable[str],
    size: int | None,
    digest: str | None,
    key_sets: Iterable[tuple[str, ...]],
    reference_sets: Iterable[tuple[str, ...]],
    on_rows: RowsCallback | None = None,
) -> TableResult:
    """Check one CSV against its table schema; collect the keys named by `key_sets` and `reference_sets`.

    `on_rows(table, lines, rows)` receives each chunk of typed rows (tuples in column order) that
    broke no rule, so further checks run on the same single read of the file.
    """
    result = TableResult()
    if not path.is_file():
        result.problems.append(Problem("file not found", file=table.path, code="file-not-found"))
        return result
    _check_file(path, size, digest, result, table.path)
    _TableCheck(table, result, set(missing_values), key_sets, reference_sets, on_rows).run(path)
    return result


class _TableCheck:
    """One read of a CSV in chunks: the columns' rules, the primary key, and the keys other tables need."""

    def __init__(
        self,
        table: Table,
        result: TableResult,
        missing: set[str],
        key_sets: Iterable[tuple[str, ...]],
        reference_sets: Iterable[tuple[str, ...]],
        on_rows: RowsCallback | None,
    ) -> None:
        """Compile the columns and prepare the key sets."""
        self.table, self.result, self.on_rows = table, result, on_rows
        self.counts: dict[str | None, int] = {}
        self.columns = [_Column(f, missing) for f in table.fields]
        self.pk_positions = [table.columns.index(k) for k in table.primary_key]
        self.key_sets = [tuple(k) for k in key_sets]
        self.reference_sets = [tuple(k) for k in reference_sets]
        self.pk_column = self._unique_key_column()
        # A primary key of one unique column shares that column's set of values: keys are held once.
        self.primary: set[Any] = self.pk_column.seen if self.pk_column is not None else set()
        for k in self.key_sets:
            result.keys[k] = self.primary if k == table.primary_key else set()
        for k in self.reference_sets:
            result.references[k] = {}

    def _unique_key_column(self) -> _Column | None:
        """The column of a one-column primary key, if the column is unique."""
        if len(self.pk_positions) != 1:
            return None
        column = self.columns[self.pk_positions[0]]
        return column if column.unique else None

    def out(self, line: int, field: str | None, value: str, expected: str, code: str, message: str = "") -> None:
        """Report a problem, up to MAX_PROBLEMS_PER_RULE of each rule (each column's constraints count as one)."""
        rule = message or field
        self.counts[rule] = self.counts.get(rule, 0) + 1
        if self.counts[rule] <= MAX_PROBLEMS_PER_RULE:
            self.result.problems.append(
                Problem(
                    message or "constraint error",
                    value=value,
                    expected=expected,
                    file=self.table.path,
                    line=line,
                    field=field,
                    code=code,
                )
            )

    def run(self, path: Path) -> None:
        """Read the CSV and check its header, then its rows chunk by chunk."""
        table = self.table
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != table.columns:
                self.result.problems.append(
                    Problem(
                        "header differs from the schema",
                        value=",".join(header or []),
                        expected=",".join(table.columns),
                        file=table.path,
                        line=1,
                        code="header-mismatch",
                    )
                )
                return
            while True:
                chunk, lines = self._read_chunk(reader)
                if not chunk:
                    break
                self._check_chunk(chunk, lines)

    def _read_chunk(self, reader: Any) -> tuple[list[list[str]], list[int]]:
        """The next rows of the CSV and their lines, leaving out (and reporting) rows of the wrong width."""
        width = len(self.columns)
        chunk: list[list[str]] = []
        lines: list[int] = []
        for cells in islice(reader, CHUNK_ROWS):
            if len(cells) != width:
                self.out(
                    reader.line_num,
                    None,
                    ",".join(cells)[:80],
                    f"{width} cells",
                    code="wrong-cell-count",
                    message=f"row has {len(cells)} cells",
                )
                continue
            chunk.append(cells)
            lines.append(reader.line_num)
        return chunk, lines

    def _check_chunk(self, chunk: list[list[str]], lines: list[int]) -> None:
        """Check a chunk's columns, hand its readable rows on, and check and collect its keys."""
        unreadable: set[int] = set()
        typed = [col.check(list(cells), lines, self.out, unreadable) for col, cells in zip(self.columns, zip(*chunk))]
        rows = list(zip(*typed))
        if self.on_rows is not None:
            readable = [i for i in range(len(rows)) if i not in unreadable] if unreadable else range(len(rows))
            self.on_rows(self.table, [lines[i] for i in readable], [rows[i] for i in readable])
        self._check_primary_key(lines, rows)
        self._collect_keys(lines, rows)

    def _check_primary_key(self, lines: list[int], rows: list[tuple]) -> None:
        """Report each row whose primary key an earlier row has."""
        table, positions = self.table, self.pk_positions
        if self.pk_column is not None:
            for i in self.pk_column.repeated:
                self.out(
                    lines[i],
                    table.primary_key[0],
                    str(rows[i][positions[0]]),
                    "a primary key used once",
                    code="duplicate-id",
                    message="duplicate primary key",
                )
        elif positions:
            primary = self.primary
            for line, row in zip(lines, rows):
                key = _key(row, positions)
                if key in primary:
                    self.out(
                        line,
                        ",".join(table.primary_key),
                        _shown(key),
                        "a primary key used once",
                        code="duplicate-id",
                        message="duplicate primary key",
                    )
                primary.add(key)

    def _collect_keys(self, lines: list[int], rows: list[tuple]) -> None:
        """Keep the keys other tables refer to, and the first line of each reference this table makes."""
        columns = self.table.columns
        for names in self.key_sets:
            if names != self.table.primary_key:
                positions = [columns.index(n) for n in names]
                self.result.keys[names].update(_key(row, positions) for row in rows)
        for names in self.reference_sets:
            positions = [columns.index(n) for n in names]
            found = self.result.references[names]
            for line, row in zip(lines, rows):
                key = _key(row, positions)
                if key not in found and _refers(key, len(positions)):
                    found[key] = line


def _refers(key: Any, width: int) -> bool:
    """Whether a reference key of `width` columns names a row: not all its values missing."""
    return key is not None if width == 1 else any(v is not None for v in key)


def _key(row: tuple, positions: list[int]) -> Any:
    """A row's key in `positions`: the value itself for one column (held once, no tuple), else a tuple."""
    return row[positions[0]] if len(positions) == 1 else tuple(row[p] for p in positions)


def _shown(key: Any) -> str:
    """A key as messages show it: its values joined by '/'."""
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _check_file(path: Path, size: int | None, digest: str | None, result: TableResult, shown: str) -> None:
    """Compare the file's size and sha256 with the descriptor's `bytes` and `hash`."""
    hasher, total = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            hasher.update(block)
            total += len(block)
    if size is not None and size != total:
        result.problems.append(
            Problem(
                "file size differs from the descriptor",
                value=f"{total} bytes",
                expected=f"{size} bytes",
                file=shown,
                code="size-mismatch",
            )
        )
    if digest:
        algorithm, _, expected = digest.rpartition(":")
        if algorithm not in ("", "sha256"):
            hasher = hashlib.new(algorithm or "md5", path.read_bytes())
        elif not algorithm:
            hasher = hashlib.md5(path.read_bytes())
        if hasher.hexdigest() != expected:
            result.problems.append(
                Problem(
                    "file hash differs from the descriptor",
                    value=hasher.hexdigest(),
                    expected=digest,
                    file=shown,
                    code="digest-mismatch",
                )
            )


def check_package(
    root: Path, descriptor: dict[str, Any], schema: dict[str, Table], on_rows: RowsCallback | None = None
) -> list[Problem]:
    """Check every table of the package, referenced tables first, and the foreign keys between them."""
    wanted_keys, wanted_refs = _wanted_keys(schema)
    results: dict[str, TableResult] = {}
    problems: list[Problem] = []
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    for name in dependency_order(schema):
        table, resource = schema[name], resources[name]
        missing = resource["schema"].get("missingValues", [""])
        results[table.name] = check_table(
            table,
            root / table.path,
            missing,
            resource.get("bytes"),
            resource.get("hash"),
            wanted_keys[table.name],
            wanted_refs[table.name],
            on_rows,
        )
        problems.extend(results[table.name].problems)
    for name, table in schema.items():
        problems.extend(_foreign_key_problems(table, results[name], results))
    return problems


def _wanted_keys(
    schema: dict[str, Table],
) -> tuple[dict[str, set[tuple[str, ...]]], dict[str, set[tuple[str, ...]]]]:
    """By table: the keys other tables refer to, and the references it makes."""
    wanted_keys: dict[str, set[tuple[str, ...]]] = {name: set() for name in schema}
    wanted_refs: dict[str, set[tuple[str, ...]]] = {name: set() for name in schema}
    for name, table in schema.items():
        for fk in table.foreign_keys:
            wanted_keys[fk.resource].add(fk.reference_fields)
            wanted_refs[name].add(fk.fields)
    return wanted_keys, wanted_refs


def _foreign_key_problems(table: Table, result: TableResult, results: dict[str, TableResult]) -> list[Problem]:
    """Each reference of `table` to a row its foreign key's table does not have, first lines first."""
    problems: list[Problem] = []
    for fk in table.foreign_keys:
        keys = results[fk.resource].keys.get(fk.reference_fields, set())
        refs = result.references.get(fk.fields, {})
        bad = [(line, key) for key, line in refs.items() if key not in keys]
        for line, key in sorted(bad, key=lambda b: b[0])[:MAX_PROBLEMS_PER_RULE]:
            problems.append(
                Problem(
                    f"foreign key: no row of {fk.resource} with {','.join(fk.reference_fields)} = {_shown(key)}",
                    value=_shown(key),
                    expected=f"a key of {fk.resource}",
                    file=table.path,
                    line=line,
                    field=",".join(fk.fields),
                    code="foreign-key",
                )
            )
    return problems
