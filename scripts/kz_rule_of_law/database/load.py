"""Load the published package into SQLite: types, keys, indexes, search, views, streamed.

Everything is derived from datapackage.json. Column types:

- string, date, time, datetime, yearmonth, duration: TEXT (dates as ISO 8601 text);
- integer, year: INTEGER; boolean: INTEGER 0/1;
- number: SQLite has no exact decimal type. A number column is INTEGER when it has values and
  every one is whole and within INTEGER (amounts stay 777895, never 777895.0), otherwise REAL; a value REAL cannot
  hold exactly (more than 15 significant digits) is refused. Trailing zeros are not kept
  (95.00 reads back as 95.0): the CSVs served with the site keep the published text.

Empty cells (and the resource's other missingValues) are NULL, `required` is NOT NULL, primary and
foreign keys are declared, every foreign key column is indexed, and the name, title and text
columns (Kazakh and English) get an FTS5 index with the default unicode61 tokenizer.

The load streams, so its memory stays flat whatever the size of the package: each CSV is read
with csv.reader and inserted with one executemany. A table without REAL or boolean columns hands
SQLite the rows as read (SQL makes missing values NULL, INTEGER columns convert the text, one pass
afterwards checks what got through). The other tables take the careful path, where Python
converts each cell with a converter chosen once per column (only tables with number columns are
read twice, first to choose INTEGER or REAL); when the fast path meets any problem, the whole load
runs again on the careful path. Both paths give the same bytes. Cells are read with the grammar
validation uses (package/cells.py). The build validated the CSVs; a cell that still does not
convert, or breaks NOT NULL or a key, is an InputError with its file, line, record and field. (On
its own, without the build's validation, the fast path also takes the few integer forms SQLite's
type affinity reads though the grammar refuses them: ' 3', '3.0', a year '27'.)

A large package (SPLIT_BYTES) uses both cores: a helper process loads the largest table into a
scratch database while this one loads, checks and indexes the rest; the helper's tables are then
copied in whole. Any problem in the helper sends the whole load to the careful path, in one
process, which locates it. The split gives the same rows, indexes and search as one process.

The database is written to a scratch file that is swapped in whole or deleted, so the load runs
without a journal or syncing; secondary indexes and search come after the rows, then ANALYZE:
with its statistics SQLite walks the primary key instead of sorting when a filtered column has few
distinct values (fast for a common value, slower for a rare one; mostly-empty columns look like
few values). Pages are 8 KiB (5% faster than 4 KiB at 2.3 M rows). There is no VACUUM: it would
rewrite the whole file to reclaim the few pages full-text segment merges free (0.4% of the file at
2.3 M rows). The same package always gives the same bytes.
"""

from __future__ import annotations

import csv
import itertools
import os
import pickle
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from ..package.cells import INTEGER_LIMIT, READERS, OutOfRange, boolean, number
from ..package.descriptor import Field, Table, article, dependency_order, lint, load_descriptor, tables
from ..errors import InputError, InternalError, Problem

TEXT_TYPES = {"string", "date", "time", "datetime", "yearmonth", "duration"}
INTEGER_TYPES = {"integer", "year", "boolean"}
SEARCHABLE = re.compile(r"(name|title|text)(_kk|_en)?")
LABELS = re.compile(r"(name|title)(_kk|_en)?")
LABEL_PREFERENCE = ("name_en", "title_en", "name", "title", "text_en")
MAX_PROBLEMS = 100
# The scratch file is swapped in whole or deleted: no journal, no syncing, no sharing. Rows come in
# key order within each press release, so a 16 MiB cache holds what the inserts touch (a larger one
# is no faster). Index sorts spill to temporary files, the default: in memory they would grow with
# the largest table (57 MB more at 2.3 M rows) and run no faster.
LOAD_PRAGMAS = ("page_size = 8192", "journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE",
                "cache_size = -16384")
# A package whose largest CSV has at least this many bytes loads its rows in two processes when a
# second core is free: a helper process loads the largest table (and whatever else balances the
# bytes) into a scratch database of its own while this one loads the rest and indexes it; then
# SQLite copies the helper's tables in whole (INSERT INTO ... SELECT * into an empty table of the
# same shape copies the stored records without decoding them). Below it, starting the helper
# (about 0.3 s) costs more than it saves.
SPLIT_BYTES = 32 * 2**20


# The orders the site's canned queries list rows in, beyond key order: an index each, so the first
# page of a list is read in order instead of sorting the whole table.
SORT_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "budgets": (("total_budget DESC", "project_id"),),
    "events": (("date", "event_id"),),
    "organizations": (("name_en", "organization_id"),),
}


@dataclass(frozen=True)
class View:
    """A view of the database: its SQL and a description of each of its columns."""

    name: str
    title: str
    description: str
    sql: str
    columns: dict[str, str]


# The views: (name, base table, title, description). Their columns are the base table's, each
# foreign key followed by the name or title columns of the row it points to.
VIEWS = (
    ("funding_per_project", "budgets", "Funding per project",
     "Each project's budget as stated, with the EU contribution, the co-financing and the EU "
     "share, next to the project's Kazakh and English titles."),
    ("who_does_what", "project_organizations", "Who does what",
     "Every organization's role in every project, with the project's title, the organization's "
     "name and the IATI OrganisationRole name."),
    ("facts_with_quotes", "quotes", "Facts with their quotes",
     "Every published value taken from a source: table, record and field, the exact Kazakh quote, "
     "its English rendering and the title of the press release it is quoted from."),
)


def database_name(descriptor: dict[str, Any]) -> str:
    """The database's name on the site: the package's name."""
    return descriptor["name"]


def searchable_columns(table: Table) -> list[str]:
    """The string columns full-text search covers: name, title and text, in Kazakh and English."""
    return [f.name for f in table.fields if f.type == "string" and SEARCHABLE.fullmatch(f.name)]


def label_columns(table: Table) -> list[str]:
    """The columns naming a row: name or title, in Kazakh and English."""
    return [f.name for f in table.fields if f.type == "string" and LABELS.fullmatch(f.name)]


def label_column(table: Table) -> str | None:
    """The one column that best labels a row (English name or title first)."""
    return next((c for c in LABEL_PREFERENCE if c in table.columns), None)


def sqlite_type(field: Field, all_whole: bool = False) -> str:
    """The SQLite type of a column, from its descriptor type; a number column is INTEGER when it
    has values and all of them are whole (`all_whole`, found by reading the column)."""
    if field.type in TEXT_TYPES:
        return "TEXT"
    if field.type in INTEGER_TYPES:
        return "INTEGER"
    if field.type == "number":
        return "INTEGER" if all_whole else "REAL"
    raise InternalError(f"field {field.name}: type {field.type} cannot be stored in SQLite")


def views(schema: dict[str, Table]) -> list[View]:
    """The views of the database, their SQL and column descriptions derived from the schema (a view
    whose base table the schema lacks is left out)."""
    return [_labelled_view(name, schema[base], schema, title, description)
            for name, base, title, description in VIEWS if base in schema]


def _labelled_view(name: str, base: Table, schema: dict[str, Table], title: str, description: str) -> View:
    """A view of `base` where every foreign key is followed by the names of the row it points to."""
    select, joins, columns = [], [], {}
    for field in base.fields:
        select.append(f"t.[{field.name}]")
        columns[field.name] = field.description
        fk = next((fk for fk in base.foreign_keys if fk.fields == (field.name,)), None)
        if fk is None:
            continue
        target, alias = schema[fk.resource], f"j{len(joins)}"
        joins.append(f"LEFT JOIN [{target.name}] AS {alias} "
                     f"ON {alias}.[{fk.reference_fields[0]}] = t.[{field.name}]")
        stem = field.name.removesuffix("_id")
        for column in label_columns(target):
            select.append(f"{alias}.[{column}] AS [{stem}_{column}]")
            columns[f"{stem}_{column}"] = (f"{target.field(column).description} "
                                           f"(from {target.name}.{column})")
    order = ", ".join(f"t.[{c}]" for c in base.primary_key)
    sql = ("SELECT\n  " + ",\n  ".join(select) + f"\nFROM [{base.name}] AS t\n"
           + "".join(j + "\n" for j in joins) + f"ORDER BY {order}")
    return View(name, title, description, sql, columns)


def write_database(package_root: Path, db_path: Path) -> None:
    """Write the package under `package_root` to a SQLite database at `db_path`, atomically."""
    descriptor = load_descriptor(package_root / "datapackage.json")
    problems = lint(descriptor)
    if problems:
        raise InputError(*(p.located(file="datapackage.json") for p in problems))
    schema = tables(descriptor)
    missing = {res["name"]: frozenset(res["schema"].get("missingValues", [""]))
               for res in descriptor["resources"]}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(handle)
    try:
        try:
            _write(scratch, package_root, schema, missing, fast=True, aside=aside_tables(schema, package_root))
        except _Careful:  # a row the fast path cannot take: the careful path locates every problem
            os.unlink(scratch)
            _write(scratch, package_root, schema, missing, fast=False)
        os.chmod(scratch, 0o644)
        os.replace(scratch, db_path)
    except sqlite3.Error as e:
        raise InternalError(f"{db_path}: cannot write the database: {e}") from None
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)


class _Careful(Exception):
    """The fast load met a row it cannot take as it is: load again on the careful path."""


def aside_tables(schema: dict[str, Table], root: Path) -> tuple[str, ...]:
    """The tables a helper process loads while this one loads the others (see SPLIT_BYTES): the
    largest table's share when the CSV bytes are split in two, or none."""
    try:
        sizes = {name: (root / table.path).stat().st_size for name, table in schema.items()}
    except OSError:
        return ()  # the load reports the missing file
    if _cores() < 2 or max(sizes.values(), default=0) < SPLIT_BYTES:
        return ()
    shares: tuple[list[str], list[str]] = ([], [])
    weights = [0, 0]
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):  # largest first, into the lighter share
        lighter = weights.index(min(weights))
        shares[lighter].append(name)
        weights[lighter] += sizes[name]
    return tuple(name for name in dependency_order(schema) if name in shares[0])


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _write(path: str, root: Path, schema: dict[str, Table], missing: dict[str, frozenset[str]],
           fast: bool, aside: tuple[str, ...] = ()) -> None:
    """Create the database file at `path` and fill it (`fast`: tables through `_load_fast`;
    `aside`: tables a helper process loads)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _prepare(conn)
        _fill(conn, root, schema, missing, fast, aside)
    finally:
        conn.close()


def _prepare(conn: sqlite3.Connection) -> None:
    """Set a new database file up for the load."""
    for pragma in LOAD_PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")


def _fill(conn: sqlite3.Connection, root: Path, schema: dict[str, Table],
          missing: dict[str, frozenset[str]], fast: bool = False, aside: tuple[str, ...] = ()) -> None:
    """Create and fill every table, check the keys, then add indexes, search, views and statistics.

    With tables `aside`, a helper process loads them meanwhile; the other tables are indexed while
    it works and its tables are copied in when it is done."""
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    order = dependency_order(schema)
    types = {name: _column_types(schema[name], root, missing[name]) for name in order}
    _create(db, schema, order, types)
    done: list[str] = []
    with _helper(conn, root, schema, missing, types, aside) as copy_aside:
        _load_tables(conn, schema, [n for n in order if n not in aside], root, types, missing, fast)
        if aside:  # meanwhile, finish the tables loaded here that point at none of the helper's
            done = [n for n in order if n not in aside
                    and not any(fk.resource in aside for fk in schema[n].foreign_keys)]
            _check_foreign_keys(conn, schema, done)
            _index_and_search(db, schema, set(done))
            copy_aside()
    rest = [n for n in order if n not in done]
    _check_foreign_keys(conn, schema, rest)
    _index_and_search(db, schema, set(rest))
    for view in views(schema):
        db.create_view(view.name, view.sql)
    conn.execute("ANALYZE")


def _create(db: sqlite_utils.Database, schema: dict[str, Table], order: list[str],
            types: dict[str, dict[str, str]]) -> None:
    """Create every table, empty, with its columns, keys and NOT NULL constraints."""
    for name in order:
        table = schema[name]
        db[name].create(
            types[name],
            pk=table.primary_key[0] if len(table.primary_key) == 1 else table.primary_key,
            not_null={f.name for f in table.fields if f.required},
            foreign_keys=[
                (fk.fields[0], fk.resource, fk.reference_fields[0]) if len(fk.fields) == 1
                else (fk.fields, fk.resource, fk.reference_fields)
                for fk in table.foreign_keys
            ],
        )


def _load_tables(conn: sqlite3.Connection, schema: dict[str, Table], names: list[str], root: Path,
                 types: dict[str, dict[str, str]], missing: dict[str, frozenset[str]], fast: bool) -> None:
    """Insert the rows of the tables `names` in one transaction; InputError with every problem."""
    problems: list[Problem] = []
    conn.execute("BEGIN")
    for name in names:
        if not (fast and _load_fast(conn, schema[name], root, types[name], missing[name])):
            _load(conn, schema[name], root, types[name], missing[name], problems)
    conn.execute("COMMIT")
    if problems:
        raise InputError(*problems)


def _index_and_search(db: sqlite_utils.Database, schema: dict[str, Table], names: set[str]) -> None:
    """Add the indexes of the tables `names`, then their full-text search, in schema order."""
    for add in (_index, _search):
        for name, table in schema.items():
            if name in names:
                add(db, table)


# What the helper process runs: argv[1] names this module; stdin holds sys.path and the arguments.
HELPER = """
import importlib, pickle, sys
path, arguments = pickle.load(sys.stdin.buffer)
sys.path[:] = path
sys.exit(importlib.import_module(sys.argv[1])._load_aside(*arguments))
"""
CAREFUL_EXIT = 3


@contextmanager
def _helper(conn: sqlite3.Connection, root: Path, schema: dict[str, Table], missing: dict[str, frozenset[str]],
            types: dict[str, dict[str, str]], aside: tuple[str, ...]) -> Iterator[Callable[[], None]]:
    """Start a process loading the tables `aside` into a scratch database beside `conn`'s; yield
    what waits for it and copies its tables in. The process is stopped and its file deleted on the
    way out, whatever happens."""
    if not aside:
        yield lambda: None
        return
    main = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    handle, scratch = tempfile.mkstemp(prefix=f"{main.name}.", suffix=".aside", dir=main.parent)
    os.close(handle)
    errors = tempfile.TemporaryFile()
    # A plain child interpreter: unlike multiprocessing it neither imports the caller's __main__
    # nor forks a process that may run threads.
    process = subprocess.Popen([sys.executable, "-c", HELPER, __name__], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=errors)
    try:
        try:
            with process.stdin:
                process.stdin.write(pickle.dumps((sys.path, (scratch, root, schema, missing, types, aside))))
        except BrokenPipeError:
            pass  # it ended early: copy_aside reports how

        def copy_aside() -> None:
            """Wait for the helper, then copy its tables into the empty ones here."""
            code = process.wait()
            if code == CAREFUL_EXIT:
                raise _Careful
            if code:
                errors.seek(0)
                raise InternalError(f"the process loading {', '.join(aside)} failed ({code}): "
                                    f"{errors.read().decode(errors='replace').strip()[-2000:]}")
            conn.execute("ATTACH DATABASE ? AS aside", [scratch])
            conn.execute("BEGIN")
            for name in aside:
                conn.execute(f"INSERT INTO main.[{name}] SELECT * FROM aside.[{name}]")
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE aside")

        yield copy_aside
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        errors.close()
        os.unlink(scratch)


def _load_aside(path: str, root: Path, schema: dict[str, Table], missing: dict[str, frozenset[str]],
                types: dict[str, dict[str, str]], names: tuple[str, ...]) -> int:
    """In the helper process: create every table in the database at `path` and load `names` on the
    fast path; exit 0, or CAREFUL_EXIT on any problem (the careful load then locates it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _prepare(conn)
        _create(sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False),
                schema, dependency_order(schema), types)
        _load_tables(conn, schema, list(names), root, types, missing, fast=True)
    except (_Careful, InputError):
        return CAREFUL_EXIT
    finally:
        conn.close()
    return 0


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
                if len(cells) != len(table.fields):
                    continue
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
    except (OSError, UnicodeDecodeError, csv.Error):
        return set()  # the load reports it
    return present - fractional


@dataclass
class _Position:
    """Where the load is in a CSV: the line and cells of the row last handed to SQLite."""

    line: int | None = None
    cells: Sequence[str] = ()


def _load_fast(conn: sqlite3.Connection, table: Table, root: Path, types: dict[str, str],
               missing: frozenset[str]) -> bool:
    """Insert a table's CSV handing SQLite the rows as `csv.reader` reads them: SQL turns missing
    values of optional columns into NULL and the INTEGER columns convert the text. False when the
    table needs `_load` (REAL or boolean columns, which Python converts exactly); _Careful on any
    row it cannot take, so that `_load` reports every problem with its location."""
    if any(f.type == "boolean" or types[f.name] == "REAL" for f in table.fields):
        return False
    nulls = ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(missing))
    values = ", ".join(f"?{i}" if f.required else f"NULLIF(?{i}, {nulls})" if len(missing) == 1 else
                       f"CASE WHEN ?{i} IN ({nulls}) THEN NULL ELSE ?{i} END"
                       for i, f in enumerate(table.fields, start=1))
    try:
        with open(root / table.path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            if next(reader, None) != table.columns:
                raise _Careful
            conn.executemany(f"INSERT INTO [{table.name}] VALUES ({values})", reader)
    except (OSError, UnicodeDecodeError, csv.Error, sqlite3.Error):
        raise _Careful from None
    # One pass for what the insert let through: a required cell missing (kept as text, not NULL),
    # an integer cell SQLite kept as text or turned into a real.
    wrong = [f"[{f.name}] IN ({nulls})" for f in table.fields if f.required] + [
        f"typeof([{f.name}]) NOT IN ('integer', 'null')" for f in table.fields if types[f.name] == "INTEGER"]
    if wrong and conn.execute(f"SELECT 1 FROM [{table.name}] WHERE {' OR '.join(wrong)} LIMIT 1").fetchone():
        raise _Careful
    return True


def _load(conn: sqlite3.Connection, table: Table, root: Path, types: dict[str, str],
          missing: frozenset[str], problems: list[Problem]) -> None:
    """Insert the rows of one table's CSV, streamed; cells that do not convert become problems."""
    converters = [(i, convert) for i, f in enumerate(table.fields)
                  if (convert := _converter(f, types[f.name])) is not None]
    insert = f"INSERT INTO [{table.name}] VALUES ({', '.join('?' * len(table.fields))})"
    at = _Position()
    try:
        with open(root / table.path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            if header != table.columns:
                problems.append(Problem("header differs from the descriptor", file=table.path, line=1,
                                        value=",".join(header), expected=",".join(table.columns),
                                        code="header-mismatch"))
                return
            try:
                conn.executemany(insert, _rows(reader, table, converters, missing, problems, at))
            except sqlite3.IntegrityError as e:
                raise InputError(*problems, _constraint_problem(e, table, missing, at)) from None
    except OSError as e:
        problems.append(Problem(f"cannot read: {e}", file=table.path, code="cannot-read"))
    except UnicodeDecodeError as e:  # decoding runs ahead of the rows read: no exact line
        problems.append(Problem(f"cannot read: not UTF-8 ({e.reason}) after line {at.line or 1}",
                                file=table.path, code="not-utf8"))
    except csv.Error as e:
        problems.append(Problem(f"cannot read: {e}", file=table.path, line=(at.line or 1) + 1,
                                code="cannot-read"))


def _rows(reader: Any, table: Table, converters: list[tuple[int, Callable[[str], Any]]],
          missing: frozenset[str], problems: list[Problem], at: _Position) -> Iterator[list[Any]]:
    """The CSV's rows as SQLite stores them: missing values None, typed cells converted.

    A row with a cell that does not convert is left out and its problems recorded; the load
    stops after MAX_PROBLEMS."""
    width = len(table.fields)
    blank_only = missing == {""}
    for cells in reader:
        at.line, at.cells = reader.line_num, cells
        if len(cells) != width:
            _add(problems, Problem("wrong number of cells", value=len(cells), expected=str(width),
                                   file=table.path, line=reader.line_num, code="wrong-cell-count"))
            continue
        row = [c or None for c in cells] if blank_only else [None if c in missing else c for c in cells]
        try:
            for i, convert in converters:
                value = row[i]
                if value is not None:
                    row[i] = convert(value)
        except (ValueError, InputError):
            for problem in _cell_problems(table, cells, converters, missing, reader.line_num):
                _add(problems, problem)
            continue
        yield row


def _add(problems: list[Problem], problem: Problem) -> None:
    """Record a problem; past MAX_PROBLEMS stop the load with every problem so far."""
    problems.append(problem)
    if len(problems) >= MAX_PROBLEMS:
        raise InputError(*problems, Problem(f"stopped after {MAX_PROBLEMS} problems", code="too-many-problems"))


def _cell_problems(table: Table, cells: list[str], converters: list[tuple[int, Callable[[str], Any]]],
                   missing: frozenset[str], line: int) -> Iterator[Problem]:
    """Every cell of a row that does not convert, located."""
    where = {"file": table.path, "line": line, "record": _record(table, cells, missing)}
    for i, convert in converters:
        cell, field = cells[i], table.fields[i]
        if cell in missing:
            continue
        try:
            convert(cell)
        except OutOfRange as e:
            yield Problem("cannot be stored exactly", value=cell, expected=str(e), field=field.name,
                          code="not-storable", **where)
        except ValueError:
            yield Problem("wrong type", value=cell, expected=f"{article(field.type)} {field.type}",
                          field=field.name, code="wrong-type", **where)
        except InputError as e:
            yield from (p.located(field=field.name, **where) for p in e.problems)


def _record(table: Table, cells: Sequence[str], missing: frozenset[str]) -> str | None:
    """The primary key of a row, as the error messages show it; None when a key cell is missing."""
    columns = table.columns
    if len(cells) != len(columns):
        return None
    key = [cells[columns.index(c)] for c in table.primary_key]
    return None if not key or any(c in missing for c in key) else "/".join(key)


def _constraint_problem(error: sqlite3.IntegrityError, table: Table, missing: frozenset[str],
                        at: _Position) -> Problem:
    """A constraint the row last handed to SQLite broke (NOT NULL, a repeated key), located."""
    text = str(error)
    where = {"file": table.path, "line": at.line, "record": _record(table, at.cells, missing)}
    columns = [c.split(".", 1)[-1] for c in text.split(": ", 1)[-1].split(", ")]
    if text.startswith("NOT NULL constraint failed"):
        return Problem("required cell is empty", field=columns[0], code="missing-value", **where)
    if text.startswith("UNIQUE constraint failed"):
        return Problem("key already used by an earlier row", field=",".join(columns),
                       expected="a key of its own", code="duplicate-id", **where)
    return Problem(f"cannot be stored: {text}", code="not-storable", **where)


def _converter(field: Field, column_type: str) -> Callable[[str], Any] | None:
    """How a present cell of `field` becomes the value SQLite stores; None: the text as it is."""
    if field.type in ("integer", "year"):
        return READERS[field.type]
    if field.type == "boolean":
        return _boolean
    if field.type == "number":
        return _whole if column_type == "INTEGER" else _real
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


def _index(db: sqlite_utils.Database, table: Table) -> None:
    """Index every foreign key not already led by the primary key, every unique column, and the
    orders the site lists rows in (SORT_INDEXES)."""
    for columns in SORT_INDEXES.get(table.name, ()):
        names = [c.split()[0] for c in columns]
        if all(n in table.columns for n in names):
            db.execute(f"CREATE INDEX [idx_{table.name}_{'_'.join(names)}] ON [{table.name}] "
                       f"({', '.join(f'[{n}]' + c[len(n):] for n, c in zip(names, columns))})")
    for fk in table.foreign_keys:
        if table.primary_key[: len(fk.fields)] != fk.fields:
            db[table.name].create_index(list(fk.fields))
    for field in table.fields:
        if field.constraints.get("unique") and table.primary_key != (field.name,):
            try:
                db[table.name].create_index([field.name], unique=True)
            except sqlite3.IntegrityError:
                raise InputError(Problem("values of a unique column repeat", file=table.path,
                                         field=field.name, code="not-unique")) from None


def _search(db: sqlite_utils.Database, table: Table) -> None:
    """Add the table's full-text index (FTS5) over its searchable columns, if it has any."""
    columns = searchable_columns(table)
    if columns:
        db[table.name].enable_fts(columns, create_triggers=False)


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
        problems.append(Problem("foreign key points at no row", value="/".join(map(str, values[size:])),
                                expected=f"a key of {target}", file=table.path,
                                record="/".join(map(str, values[:size])), field=",".join(columns),
                                code="foreign-key"))
    if problems:
        raise InputError(*problems)
