"""Ids in canned query results link to their rows.

A column named for a table's own key (`project_id`, `event_id`, ...: a one-column primary key that
is not also a foreign key, so `project_id` means projects, not budgets) links to that table's row;
an `id` or `record_id` column links to the row of the table its row names in `kind` or
`table_name` (the search and quotes queries), and that column itself links to the table, by its
title. Table pages link their keys already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datasette.utils import tilde_encode
from markupsafe import Markup

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

# Columns holding a record's id, with the column of the same row that names its table.
RECORD_COLUMNS = {"id": "kind", "record_id": "table_name"}

# The database is immutable: its tables, and the table each key column names, are read once.
_schema: dict[str, tuple[frozenset[str], dict[str, str]]] = {}


async def link(
    row: Any, value: object, column: str, table: str | None, database: str, datasette: Datasette
) -> Markup | None:
    """A query result's id as a link to its row; None when the cell is no id (or not in a query result)."""
    if table is not None or not isinstance(value, str) or not value:
        return None
    if column in RECORD_COLUMNS.values():
        return await _table_link(value, database, datasette)
    target = await _table_of(row, column, database, datasette)
    if target is None:
        return None
    key = ",".join(tilde_encode(part) for part in value.split("/")) if column == "record_id" else tilde_encode(value)
    return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, target, key), value)


async def _table_link(name: str, database: str, datasette: Datasette) -> Markup | None:
    """A table's name as a link to it, labelled with its title; None if no table has the name."""
    tables, _ = await schema(database, datasette)
    if name not in tables:
        return None
    title = datasette.metadata("title", database=database, table=name, fallback=False) or name
    return Markup('<a href="{}">{}</a>').format(datasette.urls.table(database, name), title)


async def _table_of(row: Any, column: str, database: str, datasette: Datasette) -> str | None:
    """The table whose row a result's column names, if any."""
    tables, keys = await schema(database, datasette)
    named_by = RECORD_COLUMNS.get(column)
    if named_by is None:
        return keys.get(column)
    named = cell(row, named_by)
    return named if named in tables else None


def cell(row: Any, column: str) -> Any:
    """A result row's value in `column`, None if it has no such column (`in` on a sqlite3.Row looks
    at its values, not its columns)."""
    try:
        return row[column]
    except (IndexError, KeyError, TypeError):
        return None


async def schema(database: str, datasette: Datasette) -> tuple[frozenset[str], dict[str, str]]:
    """The database's tables, and each table's own key column (one column ending in _id that is not
    a foreign key) with the table."""
    if database not in _schema:
        db = datasette.get_database(database)
        names = await db.table_names()
        keys: dict[str, str] = {}
        for name in names:
            primary = await db.primary_keys(name)
            foreign = {fk["column"] for fk in await db.foreign_keys_for_table(name)}
            if len(primary) == 1 and primary[0].endswith("_id") and primary[0] not in foreign:
                keys.setdefault(primary[0], name)
        _schema[database] = (frozenset(names), keys)
    return _schema[database]
