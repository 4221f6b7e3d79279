"""The shape of the SQLite database, derived from the descriptor: tables, keys, indexes, search, views.

Column types come from the one type grammar (package/cells.py `sqlite_type`). `required` is NOT
NULL; primary and foreign keys are declared; every foreign key column is indexed, and the name,
title, text and abbreviation columns and every column in a language (`*_kk`, `*_en`, `*_ru`: names,
titles, cities, themes, statements, quotes) get an FTS5 index with the default unicode61 tokenizer.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from ..errors import InputError, Problem
from ..package.descriptor import Table

# Searched: every text in a language (a column ending in its code), and names, titles, texts and
# abbreviations that have none (code lists' English names).
LANGUAGE_SUFFIX = re.compile(r".+_(kk|en|ru)")
SEARCHABLE = re.compile(r"name|title|text|abbreviation|.+_(kk|en|ru)")
LABELS = re.compile(r"(name|title)(_kk|_en)?")
LABEL_PREFERENCE = ("name_en", "title_en", "name", "title", "text_en")

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
    (
        "funding_per_project",
        "budgets",
        "Funding per project",
        "Each project's budget as stated, with the EU contribution, the co-financing and the EU "
        "share, next to the project's Kazakh and English titles.",
    ),
    (
        "who_does_what",
        "project_organizations",
        "Who does what",
        "Every organization's role in every project, with the project's title, the organization's "
        "name and the IATI OrganisationRole name.",
    ),
    (
        "facts_with_quotes",
        "quotes",
        "Facts with their quotes",
        "Every published value taken from a source: table, record and field, the exact Kazakh quote, "
        "its English rendering and the title of the press release it is quoted from.",
    ),
)


def database_name(descriptor: dict[str, Any]) -> str:
    """The database's name on the site: the package's name."""
    name: str = descriptor["name"]
    return name


def searchable_columns(table: Table) -> list[str]:
    """The string columns full-text search covers: every column in a language, and name, title, text
    and abbreviation."""
    return [f.name for f in table.fields if f.type == "string" and SEARCHABLE.fullmatch(f.name)]


def label_columns(table: Table) -> list[str]:
    """The columns naming a row: name or title, in Kazakh and English."""
    return [f.name for f in table.fields if f.type == "string" and LABELS.fullmatch(f.name)]


def label_column(table: Table) -> str | None:
    """The one column that best labels a row (English name or title first)."""
    return next((c for c in LABEL_PREFERENCE if c in table.columns), None)


def views(schema: dict[str, Table]) -> list[View]:
    """The views of the database, their SQL and column descriptions derived from the schema (a view
    whose base table the schema lacks is left out)."""
    return [
        _labelled_view(name, schema[base], schema, title, description)
        for name, base, title, description in VIEWS
        if base in schema
    ]


def _labelled_view(name: str, base: Table, schema: dict[str, Table], title: str, description: str) -> View:
    """A view of `base` where every foreign key is followed by the names of the row it points to."""
    select: list[str] = []
    joins: list[str] = []
    columns: dict[str, str] = {}
    for field in base.fields:
        select.append(f"t.[{field.name}]")
        columns[field.name] = field.description
        fk = next((fk for fk in base.foreign_keys if fk.fields == (field.name,)), None)
        if fk is None:
            continue
        target, alias = schema[fk.resource], f"j{len(joins)}"
        joins.append(f"LEFT JOIN [{target.name}] AS {alias} ON {alias}.[{fk.reference_fields[0]}] = t.[{field.name}]")
        stem = field.name.removesuffix("_id")
        for column in label_columns(target):
            select.append(f"{alias}.[{column}] AS [{stem}_{column}]")
            columns[f"{stem}_{column}"] = f"{target.field(column).description} (from {target.name}.{column})"
    order = ", ".join(f"t.[{c}]" for c in base.primary_key)
    sql = (
        "SELECT\n  "
        + ",\n  ".join(select)
        + f"\nFROM [{base.name}] AS t\n"
        + "".join(j + "\n" for j in joins)
        + f"ORDER BY {order}"
    )
    return View(name, title, description, sql, columns)


def create_table(db: sqlite_utils.Database, table: Table, types: dict[str, str]) -> None:
    """Create a table, empty, with its column `types`, keys and NOT NULL constraints."""
    db.table(table.name).create(
        types,
        pk=table.primary_key[0] if len(table.primary_key) == 1 else table.primary_key,
        not_null={f.name for f in table.fields if f.required},
        foreign_keys=[
            (fk.fields[0], fk.resource, fk.reference_fields[0])
            if len(fk.fields) == 1
            else (fk.fields, fk.resource, fk.reference_fields)
            for fk in table.foreign_keys
        ],
    )


def add_indexes(db: sqlite_utils.Database, table: Table) -> None:
    """Index every foreign key not already led by the primary key, every unique column, and the
    orders the site lists rows in (SORT_INDEXES)."""
    _add_sort_indexes(db, table)
    for fk in table.foreign_keys:
        if table.primary_key[: len(fk.fields)] != fk.fields:
            db.table(table.name).create_index(list(fk.fields))
    _add_unique_indexes(db, table)


def _add_sort_indexes(db: sqlite_utils.Database, table: Table) -> None:
    """Index the orders the site lists the table's rows in, where the table has their columns."""
    for columns in SORT_INDEXES.get(table.name, ()):
        names = [c.split()[0] for c in columns]
        if all(n in table.columns for n in names):
            db.execute(
                f"CREATE INDEX [idx_{table.name}_{'_'.join(names)}] ON [{table.name}] "
                f"({', '.join(f'[{n}]' + c[len(n) :] for n, c in zip(names, columns))})"
            )


def _add_unique_indexes(db: sqlite_utils.Database, table: Table) -> None:
    """Add a unique index on every unique column that is not the whole primary key."""
    for field in table.fields:
        if field.constraints.get("unique") and table.primary_key != (field.name,):
            try:
                db.table(table.name).create_index([field.name], unique=True)
            except sqlite3.IntegrityError:
                raise InputError(
                    Problem("values of a unique column repeat", file=table.path, field=field.name, code="not-unique")
                ) from None


def add_search(db: sqlite_utils.Database, table: Table) -> None:
    """Add the table's full-text index (FTS5) over its searchable columns, if it has any."""
    columns = searchable_columns(table)
    if columns:
        db.table(table.name).enable_fts(columns, create_triggers=False)
