"""Links from published values to their quotes: the addresses of the release and quote pages and of
a claim's row, and, in canned-query results, each value taken from a release as a link to
its quotes.

A canned query's row says which record a value belongs to by its columns: `quote_id`; or
`table_name`, `record_id`, `field` and `source_id` (the quotes table's own columns); or an id
column (`project_id`) that is the whole primary key of tables with claims (projects, budgets). In
the last case the value's column names the field (`total_budget`; `title_en` is `title`;
`project_title_en` beside `project_id` is `title` too), and the value links to every claim on that
field of that record, one per release.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as percent_encoded

from datasette.utils import tilde_encode
from markupsafe import Markup

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette
    from datasette.database import Database

RELEASES_PATH = "/-/releases/"
QUOTES_PATH = "/-/quotes/"
CSL_SUFFIX = ".csl.json"
LANGUAGE_SUFFIXES = ("_kk", "_en", "_ru")
QUOTED_COLUMNS = ("value", "quote_kk", "quote_en", "text_kk", "text_en")  # a quote row's columns that show the claim
KEY_COLUMNS = ("table_name", "record_id", "field", "source_id")
# A record's claims: quote ids are table/record/field/source, so a record's run from 'table/record/' to 'table/record0'.
RECORD_CLAIMS_SQL = """
SELECT quote_id, source_id, field, text_kk FROM quotes
WHERE quote_id > :table || '/' || :record || '/' AND quote_id < :table || '/' || :record || '0'
  AND record_id = :record
ORDER BY quote_id
"""
RECORDS_REMEMBERED = 512


def release_url(datasette: Datasette, source_id: str) -> str:
    """The page of one release."""
    return str(datasette.urls.path(RELEASES_PATH + percent_encoded(source_id, safe="")))


def quote_url(datasette: Datasette, quote_id: str) -> str:
    """The page (permalink) of one quote."""
    return str(datasette.urls.path(QUOTES_PATH + percent_encoded(quote_id, safe="/")))


def csl_url(datasette: Datasette, quote_id: str) -> str:
    """The CSL-JSON download of one quote's citation."""
    return quote_url(datasette, quote_id) + CSL_SUFFIX


def record_url(datasette: Datasette, database: str, table: str, record_id: str) -> str:
    """The row page of a claim's record: its id's parts (joined by `/` in quote ids) are the row's key."""
    return str(datasette.urls.row(database, table, ",".join(tilde_encode(part) for part in record_id.split("/"))))


class Claims:
    """What one database knows about claims: the tables keyed by each id column, and recent records' claims."""

    def __init__(self) -> None:
        """Nothing known yet."""
        self.keyed_by: dict[str, list[str]] | None = None
        self.records: OrderedDict[tuple[str, str], list[dict[str, Any]]] = OrderedDict()

    async def tables_keyed_by(self, db: Database) -> dict[str, list[str]]:
        """Each column that is the whole primary key of tables, with those tables; none if the database
        has no claims (read once: the database is immutable)."""
        if self.keyed_by is None:
            keyed: dict[str, list[str]] = {}
            names = await db.table_names()
            for table in names if {"quotes", "sources"} <= set(names) else []:
                keys = await db.primary_keys(table)
                if len(keys) == 1:
                    keyed.setdefault(keys[0], []).append(table)
            self.keyed_by = keyed
        return self.keyed_by

    async def of_record(self, db: Database, table: str, record: str) -> list[dict[str, Any]]:
        """Every claim on one record, remembered for the next cells of its row."""
        key = (table, record)
        if key not in self.records:
            result = await db.execute(RECORD_CLAIMS_SQL, {"table": table, "record": record})
            self.records[key] = [dict(row) for row in result.rows]
            if len(self.records) > RECORDS_REMEMBERED:
                self.records.popitem(last=False)
        self.records.move_to_end(key)
        return self.records[key]


_known: weakref.WeakKeyDictionary[Datasette, dict[str, Claims]] = weakref.WeakKeyDictionary()


def known(datasette: Datasette, database: str) -> Claims:
    """The claims known of one database of one site."""
    return _known.setdefault(datasette, {}).setdefault(database, Claims())


def render_cell(
    row: Any, value: object, column: str, database: str, datasette: Datasette
) -> Callable[[], Awaitable[Markup | None]] | None:
    """In a canned query's results, a value taken from a release as a link to its quotes."""
    if value in (None, "") or isinstance(value, (bytes, dict)) or row is None:
        return None
    columns = list(row.keys())

    async def linked() -> Markup | None:
        db = datasette.get_database(database)
        claims = known(datasette, database)
        if not await claims.tables_keyed_by(db):
            return None  # no claims in this database
        ids = await _quote_ids(db, dict(zip(columns, row)), column, claims)
        return with_links(datasette, value, ids) if ids else None

    return linked


async def _quote_ids(db: Database, cells: dict[str, Any], column: str, claims: Claims) -> list[str]:
    """The quote ids a cell's value is taken from, as far as its row says."""
    if column in QUOTED_COLUMNS:
        named = _named_quote(cells)
        if named is not None:
            return [named]
    found: list[str] = []
    keyed = await claims.tables_keyed_by(db)
    for id_column, record in cells.items():
        if id_column == column or id_column not in keyed or record in (None, ""):
            continue
        fields = field_names(column, id_column)
        for table in keyed[id_column]:
            found += [c["quote_id"] for c in await claims.of_record(db, table, str(record)) if c["field"] in fields]
    return found


def _named_quote(cells: dict[str, Any]) -> str | None:
    """The quote id a row of claims names: its `quote_id`, or the parts of one."""
    if cells.get("quote_id"):
        return str(cells["quote_id"])
    if all(cells.get(key) for key in KEY_COLUMNS):
        return "/".join(str(cells[key]) for key in KEY_COLUMNS)
    return None


def field_names(column: str, id_column: str) -> set[str]:
    """The fields a column may show: its name, without a language suffix, without the id column's stem."""
    names = {column}
    for suffix in LANGUAGE_SUFFIXES:
        if column.endswith(suffix):
            names.add(column.removesuffix(suffix))
    stem = id_column.removesuffix("id")  # project_id: project_
    names |= {name.removeprefix(stem) for name in names if name.startswith(stem)}
    return names


def with_links(datasette: Datasette, value: object, quote_ids: list[str]) -> Markup:
    """A value as a link to its first quote, followed by a numbered link to each other quote."""
    first, *others = quote_ids
    link = Markup('<a class="kz-quote-link" href="{}" title="{}">{}</a>')
    return Markup(" ").join(
        [
            link.format(quote_url(datasette, first), first, value),
            *(link.format(quote_url(datasette, other), other, f"[{n}]") for n, other in enumerate(others, 2)),
        ]
    )
