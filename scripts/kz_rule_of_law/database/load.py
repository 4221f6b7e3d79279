"""Load the published package into SQLite, streamed: one pass over each CSV, in one process.

Everything is derived from datapackage.json (the tables, keys, indexes, search and views:
database/schema.py). Cells read with the package's one type grammar (package/cells.py), the one
validation uses, so whatever validates loads and whatever does not is refused here too:

- string, date, time, datetime, yearmonth, duration: TEXT (dates as ISO 8601 text, checked);
- integer, year: INTEGER; boolean: INTEGER 0/1;
- number: SQLite has no exact decimal type. A number column is INTEGER when it has values and
  every one is whole and within INTEGER (amounts stay 777895, never 777895.0), otherwise REAL (the
  grammar keeps numbers to what a double holds exactly). Trailing zeros are not kept (95.00 reads
  back as 95.0): the CSVs served with the site keep the published text.

Empty cells (and the resource's other missingValues) are NULL. Each CSV is read with csv.reader
and inserted with one executemany, Python converting the typed cells with a converter chosen once
per column (a table with number columns is read twice, first to choose INTEGER or REAL), so memory
stays flat whatever the size of the package.

The build validates the package before loading it, but `write_database` may be given a package
nobody validated: a cell that does not convert, a row of the wrong width, a missing required cell,
a repeated primary key or a foreign key pointing at no row is an InputError with its file, line,
record and field, and no database is written. The foreign keys are declared and checked once, by
SQLite, over whole tables after the rows are in.

The database is written to a scratch file that is swapped in whole or deleted, so the load runs
without a journal or syncing; secondary indexes and search come after the rows, then ANALYZE:
with its statistics SQLite walks the primary key instead of sorting when a filtered column has few
distinct values (fast for a common value, slower for a rare one; mostly-empty columns look like
few values). Pages are 8 KiB. There is no VACUUM: it would rewrite the whole file to reclaim the
few pages full-text segment merges free. The same package always gives the same bytes.
"""

from __future__ import annotations

import csv
import itertools
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import sqlite_utils

from ..errors import InputError, InternalError, Problem
from ..package.cells import INTEGER_LIMIT, READERS, OutOfRange, article, boolean, date, number, sqlite_type
from ..package.descriptor import Field, Table, dependency_order, lint, load_descriptor, tables
from .schema import (  # noqa: F401 - public
    add_indexes,
    add_search,
    create_table,
    database_name,
    label_column,
    label_columns,
    searchable_columns,
    views,
)

MAX_PROBLEMS = 100
# The scratch file is swapped in whole or deleted: no journal, no syncing, no sharing. Rows come in
# key order within each press release, so a 16 MiB cache holds what the inserts touch (a larger one
# is no faster). Index sorts spill to temporary files, the default: in memory they would grow with
# the largest table and run no faster.
LOAD_PRAGMAS = (
    "page_size = 8192",
    "journal_mode = OFF",
    "synchronous = OFF",
    "locking_mode = EXCLUSIVE",
    "cache_size = -16384",
)


def write_database(package_root: Path, db_path: Path) -> None:
    """Write the package under `package_root` to a SQLite database at `db_path`, atomically."""
    descriptor = load_descriptor(package_root / "datapackage.json")
    problems = lint(descriptor)
    if problems:
        raise InputError(*(p.located(file="datapackage.json") for p in problems))
    schema = tables(descriptor)
    missing = {res["name"]: frozenset(res["schema"].get("missingValues", [""])) for res in descriptor["resources"]}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(handle)
    try:
        conn = sqlite3.connect(scratch, isolation_level=None)
        try:
            for pragma in LOAD_PRAGMAS:
                conn.execute(f"PRAGMA {pragma}")
            _fill(conn, package_root, schema, missing)
        finally:
            conn.close()
        os.chmod(scratch, 0o644)
        os.replace(scratch, db_path)
    except sqlite3.Error as e:
        raise InternalError(f"{db_path}: cannot write the database: {e}") from None
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)


def _fill(conn: sqlite3.Connection, root: Path, schema: dict[str, Table], missing: dict[str, frozenset[str]]) -> None:
    """Create and fill every table, check the foreign keys, then add indexes, search, views and statistics."""
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    order = dependency_order(schema)
    types = {name: _column_types(schema[name], root, missing[name]) for name in order}
    for name in order:
        create_table(db, schema[name], types[name])
    load_rows(conn, [schema[name] for name in order], root, types, missing)
    _check_foreign_keys(conn, schema, order)
    for table in schema.values():
        add_indexes(db, table)
    for table in schema.values():
        add_search(db, table)
    for view in views(schema):
        db.create_view(view.name, view.sql)
    conn.execute("ANALYZE")


def load_rows(
    conn: sqlite3.Connection,
    order: list[Table],
    root: Path,
    types: dict[str, dict[str, str]],
    missing: dict[str, frozenset[str]],
) -> None:
    """Insert the rows of every table in one transaction; InputError with every problem."""
    problems: list[Problem] = []
    conn.execute("BEGIN")
    for table in order:
        _load(conn, table, root, types[table.name], missing[table.name], problems)
    conn.execute("COMMIT")
    if problems:
        raise InputError(*problems)


def _column_types(table: Table, root: Path, missing: frozenset[str]) -> dict[str, str]:
    """The SQLite type of every column; number columns need a pass over the table's CSV."""
    numbers = [i for i, f in enumerate(table.fields) if f.type == "number"]
    whole = _whole_columns(table, root, missing, numbers) if numbers else set()
    return {f.name: sqlite_type(f, i in whole) for i, f in enumerate(table.fields)}


def _whole_columns(table: Table, root: Path, missing: frozenset[str], numbers: list[int]) -> set[int]:
    """The number columns (by position) that have values, all whole (see sqlite_type), streamed.

    Cells that are not numbers are skipped here: the load reports them with their location."""
    present: set[int] = set()
    fractional: set[int] = set()
    try:
        with open(root / table.path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            if next(reader, None) != table.columns:
                return set()
            for cells in reader:
                if len(cells) == len(table.fields):
                    _note_numbers(cells, numbers, missing, present, fractional)
    except (OSError, UnicodeDecodeError, csv.Error):
        return set()  # the load reports it
    return present - fractional


def _note_numbers(
    cells: list[str], numbers: list[int], missing: frozenset[str], present: set[int], fractional: set[int]
) -> None:
    """Add the number columns of one row that have a number to `present`, and those not whole to `fractional`."""
    for i in numbers:
        cell = cells[i]
        if cell in missing or i in fractional:
            continue
        try:
            value = number(cell)
        except ValueError:
            continue
        present.add(i)
        if value != value.to_integral_value() or not -INTEGER_LIMIT <= value < INTEGER_LIMIT:
            fractional.add(i)  # REAL: a fraction, or whole beyond INTEGER


class _Where(TypedDict):
    """Where a row's problem is: its file, line and record."""

    file: str
    line: int | None
    record: str | None


@dataclass
class _Position:
    """Where the load is in a CSV: the line and cells of the row last handed to SQLite."""

    line: int | None = None
    cells: Sequence[str] = ()


def _load(
    conn: sqlite3.Connection,
    table: Table,
    root: Path,
    types: dict[str, str],
    missing: frozenset[str],
    problems: list[Problem],
) -> None:
    """Insert the rows of one table's CSV, streamed; cells that do not convert become problems."""
    converters = [
        (i, convert) for i, f in enumerate(table.fields) if (convert := _converter(f, types[f.name])) is not None
    ]
    insert = f"INSERT INTO [{table.name}] VALUES ({', '.join('?' * len(table.fields))})"
    at = _Position()
    try:
        with open(root / table.path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            if header != table.columns:
                problems.append(
                    Problem(
                        "header differs from the descriptor",
                        file=table.path,
                        line=1,
                        value=",".join(header),
                        expected=",".join(table.columns),
                        code="header-mismatch",
                    )
                )
                return
            try:
                conn.executemany(insert, _rows(reader, table, converters, missing, problems, at))
            except sqlite3.IntegrityError as e:
                raise InputError(*problems, _constraint_problem(e, table, missing, at)) from None
    except OSError as e:
        problems.append(Problem(f"cannot read: {e}", file=table.path, code="cannot-read"))
    except UnicodeDecodeError as e:  # decoding runs ahead of the rows read: no exact line
        problems.append(
            Problem(f"cannot read: not UTF-8 ({e.reason}) after line {at.line or 1}", file=table.path, code="not-utf8")
        )
    except csv.Error as e:
        problems.append(Problem(f"cannot read: {e}", file=table.path, line=(at.line or 1) + 1, code="cannot-read"))


def _rows(
    reader: Any,
    table: Table,
    converters: list[tuple[int, Callable[[str], Any]]],
    missing: frozenset[str],
    problems: list[Problem],
    at: _Position,
) -> Iterator[list[Any]]:
    """The CSV's rows as SQLite stores them: missing values None, typed cells converted.

    A row with a cell that does not convert is left out and its problems recorded; the load
    stops after MAX_PROBLEMS."""
    width = len(table.fields)
    blank_only = missing == {""}
    for cells in reader:
        at.line, at.cells = reader.line_num, cells
        if len(cells) != width:
            _add(
                problems,
                Problem(
                    "wrong number of cells",
                    value=len(cells),
                    expected=str(width),
                    file=table.path,
                    line=reader.line_num,
                    code="wrong-cell-count",
                ),
            )
            continue
        row = [c or None for c in cells] if blank_only else [None if c in missing else c for c in cells]
        try:
            _convert(row, converters)
        except ValueError:
            for problem in _cell_problems(table, cells, converters, missing, reader.line_num):
                _add(problems, problem)
            continue
        yield row


def _convert(row: list[Any], converters: list[tuple[int, Callable[[str], Any]]]) -> None:
    """Convert the typed cells of a row in place, missing ones left None (ValueError if one does not convert)."""
    for i, convert in converters:
        value = row[i]
        if value is not None:
            row[i] = convert(value)


def _add(problems: list[Problem], problem: Problem) -> None:
    """Record a problem; past MAX_PROBLEMS stop the load with every problem so far."""
    problems.append(problem)
    if len(problems) >= MAX_PROBLEMS:
        raise InputError(*problems, Problem(f"stopped after {MAX_PROBLEMS} problems", code="too-many-problems"))


def _cell_problems(
    table: Table,
    cells: list[str],
    converters: list[tuple[int, Callable[[str], Any]]],
    missing: frozenset[str],
    line: int,
) -> Iterator[Problem]:
    """Every cell of a row that does not convert, located."""
    where: _Where = {"file": table.path, "line": line, "record": _record(table, cells, missing)}
    for i, convert in converters:
        cell, field = cells[i], table.fields[i]
        if cell in missing:
            continue
        try:
            convert(cell)
        except OutOfRange as e:
            yield Problem(
                "cannot be stored exactly", value=cell, expected=str(e), field=field.name, code="not-storable", **where
            )
        except ValueError:
            yield Problem(
                "wrong type",
                value=cell,
                expected=f"{article(field.type)} {field.type}",
                field=field.name,
                code="wrong-type",
                **where,
            )


def _record(table: Table, cells: Sequence[str], missing: frozenset[str]) -> str | None:
    """The primary key of a row, as the error messages show it; None when a key cell is missing."""
    columns = table.columns
    if len(cells) != len(columns):
        return None
    key = [cells[columns.index(c)] for c in table.primary_key]
    return None if not key or any(c in missing for c in key) else "/".join(key)


def _constraint_problem(error: sqlite3.IntegrityError, table: Table, missing: frozenset[str], at: _Position) -> Problem:
    """A constraint the row last handed to SQLite broke (NOT NULL, a repeated key), located."""
    text = str(error)
    where: _Where = {"file": table.path, "line": at.line, "record": _record(table, at.cells, missing)}
    columns = [c.split(".", 1)[-1] for c in text.split(": ", 1)[-1].split(", ")]
    if text.startswith("NOT NULL constraint failed"):
        return Problem("required cell is empty", field=columns[0], code="missing-value", **where)
    if text.startswith("UNIQUE constraint failed"):
        return Problem(
            "key already used by an earlier row",
            field=",".join(columns),
            expected="a key of its own",
            code="duplicate-id",
            **where,
        )
    return Problem(f"cannot be stored: {text}", code="not-storable", **where)


def _converter(field: Field, column_type: str) -> Callable[[str], Any] | None:
    """How a present cell of `field` becomes the value SQLite stores; None: the text as it is."""
    if field.type in ("integer", "year"):
        return READERS[field.type]
    if field.type == "boolean":
        return _boolean
    if field.type == "number":
        return _whole if column_type == "INTEGER" else _real
    if field.type == "date":
        return _date
    return None


def _whole(cell: str) -> int:
    """A cell of a number column whose values are all whole, as an int."""
    return int(number(cell))


def _boolean(cell: str) -> int:
    """A boolean cell as 1 or 0."""
    return int(boolean(cell))


def _real(cell: str) -> float:
    """A cell of a REAL number column (the grammar keeps numbers to what a double holds exactly)."""
    return float(number(cell))


def _date(cell: str) -> str:
    """A date cell, checked, as its ISO 8601 text."""
    date(cell)
    return cell


def _check_foreign_keys(conn: sqlite3.Connection, schema: dict[str, Table], names: list[str]) -> None:
    """Raise InputError naming every row of the tables `names` whose foreign key points at no row."""
    problems = []
    broken = (row for name in names for row in conn.execute(f"PRAGMA foreign_key_check([{name}])"))
    for name, rowid, target, fkid in itertools.islice(broken, MAX_PROBLEMS):
        table = schema[name]
        columns = [r[3] for r in conn.execute(f"PRAGMA foreign_key_list([{name}])") if r[0] == fkid]
        keys = ", ".join(f"[{c}]" for c in (*table.primary_key, *columns))
        values = conn.execute(f"SELECT {keys} FROM [{name}] WHERE rowid = ?", [rowid]).fetchone()
        size = len(table.primary_key)
        problems.append(
            Problem(
                "foreign key points at no row",
                value="/".join(map(str, values[size:])),
                expected=f"a key of {target}",
                file=table.path,
                record="/".join(map(str, values[:size])),
                field=",".join(columns),
                code="foreign-key",
            )
        )
    if problems:
        raise InputError(*problems)
