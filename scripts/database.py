"""Load the published package into SQLite with sqlite-utils: types, keys, indexes, search, views.

Everything is derived from datapackage.json. Column types:

- string, date, time, datetime, yearmonth, duration: TEXT (dates as ISO 8601 text);
- integer, year: INTEGER; boolean: INTEGER 0/1;
- number: SQLite has no exact decimal type. A number column is INTEGER when it has values and
  every one is whole (amounts stay 777895, never 777895.0), otherwise REAL; a value REAL cannot
  hold exactly (more than 15 significant digits) is refused. Trailing zeros are not kept
  (95.00 reads back as 95.0): the CSVs served with the site keep the published text.

Empty cells are NULL, `required` is NOT NULL, primary and foreign keys are declared, every
foreign key column is indexed, and the name, title and text columns (Kazakh and English) get an
FTS5 index with the default unicode61 tokenizer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from .descriptor import Field, Table, lint, load_descriptor, tables
from .errors import InputError, InternalError, Problem
from .gcpause import paused_gc
from .package import read_rows

TEXT_TYPES = {"string", "date", "time", "datetime", "yearmonth", "duration"}
INTEGER_TYPES = {"integer", "year", "boolean"}
SEARCHABLE = re.compile(r"(name|title|text)(_kk|_en)?")
LABELS = re.compile(r"(name|title)(_kk|_en)?")
LABEL_PREFERENCE = ("name_en", "title_en", "name", "title", "text_en")


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


def sqlite_type(field: Field, values: list[Any]) -> str:
    """The SQLite type of a column, from its descriptor type (and, for numbers, its values)."""
    if field.type in TEXT_TYPES:
        return "TEXT"
    if field.type in INTEGER_TYPES:
        return "INTEGER"
    if field.type == "number":
        present = [v for v in values if v is not None]
        return "INTEGER" if present and all(v == v.to_integral_value() for v in present) else "REAL"
    raise InternalError(f"field {field.name}: type {field.type} cannot be stored in SQLite")


def sqlite_value(value: Any, column_type: str) -> Any:
    """A typed cell as the value SQLite stores, or raise InputError if it would not be exact."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        if column_type == "INTEGER":
            return int(value)
        number = float(value)
        if Decimal(repr(number)) != value:
            raise InputError("number cannot be stored exactly", value=str(value),
                             expected="at most 15 significant digits")
        return number
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def creation_order(schema: dict[str, Table]) -> list[str]:
    """Table names with every referenced table before the tables referring to it."""
    order: list[str] = []
    pending = list(schema)
    while pending:
        for name in pending:
            needs = {fk.resource for fk in schema[name].foreign_keys} - {name}
            if needs <= set(order):
                order.append(name)
                pending.remove(name)
                break
        else:
            raise InternalError("foreign keys form a cycle among: " + ", ".join(pending))
    return order


def views(schema: dict[str, Table]) -> list[View]:
    """The views of the database, their SQL and column descriptions derived from the schema."""
    return [_labelled_view(name, schema[base], schema, title, description)
            for name, base, title, description in VIEWS]


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
        raise InputError(*(Problem(p, file="datapackage.json") for p in problems))
    schema = tables(descriptor)
    with paused_gc():
        rows, problems = read_rows(package_root, schema)
    if problems:
        raise InputError(*problems)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(handle)
    try:
        db = sqlite_utils.Database(scratch)
        try:
            _fill(db, schema, rows)
        finally:
            db.close()
        os.chmod(scratch, 0o644)
        os.replace(scratch, db_path)
    except sqlite3.Error as e:
        raise InternalError(f"{db_path}: cannot write the database: {e}") from None
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)


def _fill(db: sqlite_utils.Database, schema: dict[str, Table], rows: dict[str, list[dict[str, Any]]]) -> None:
    """Create and fill every table, then add indexes, search and views, and check the keys."""
    for name in creation_order(schema):
        table = schema[name]
        types = {f.name: sqlite_type(f, [r.get(f.name) for r in rows[name]]) for f in table.fields}
        db[name].create(
            types,
            pk=table.primary_key[0] if len(table.primary_key) == 1 else table.primary_key,
            not_null={f.name for f in table.fields if f.required},
            foreign_keys=[
                (fk.fields[0], fk.resource, fk.reference_fields[0]) if len(fk.fields) == 1
                else (fk.fields, fk.resource, fk.reference_fields)
                for fk in table.foreign_keys
            ],
        )
        db[name].insert_all(_stored(table, types, rows[name]))
    for name, table in schema.items():
        _index(db, table)
        columns = searchable_columns(table)
        if columns:
            db[name].enable_fts(columns, create_triggers=False)
    for view in views(schema):
        db.create_view(view.name, view.sql)
    _check_foreign_keys(db, schema)
    db.vacuum()


def _stored(table: Table, types: dict[str, str], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as SQLite stores them; a value that would not be exact is an error with its location."""
    stored = []
    for number, row in enumerate(rows, start=2):
        try:
            stored.append({c: sqlite_value(row.get(c), types[c]) for c in table.columns})
        except InputError as e:
            raise e.located(file=table.path, line=number) from None
    return stored


def _index(db: sqlite_utils.Database, table: Table) -> None:
    """Index every foreign key not already led by the primary key, and every unique column."""
    for fk in table.foreign_keys:
        if table.primary_key[: len(fk.fields)] != fk.fields:
            db[table.name].create_index(list(fk.fields))
    for field in table.fields:
        if field.constraints.get("unique") and table.primary_key != (field.name,):
            db[table.name].create_index([field.name], unique=True)


def _check_foreign_keys(db: sqlite_utils.Database, schema: dict[str, Table]) -> None:
    """Raise InputError naming every row whose foreign key points at no row."""
    problems = []
    for name, rowid, target, fkid in db.execute("PRAGMA foreign_key_check").fetchall():
        table = schema[name]
        columns = [r[3] for r in db.execute(f"PRAGMA foreign_key_list([{name}])") if r[0] == fkid]
        keys = ", ".join(f"[{c}]" for c in (*table.primary_key, *columns))
        values = db.execute(f"SELECT {keys} FROM [{name}] WHERE rowid = ?", [rowid]).fetchone()
        size = len(table.primary_key)
        problems.append(Problem("foreign key points at no row", value="/".join(map(str, values[size:])),
                                expected=f"a key of {target}", file=table.path,
                                record="/".join(map(str, values[:size])), field=",".join(columns)))
    if problems:
        raise InputError(*problems)
