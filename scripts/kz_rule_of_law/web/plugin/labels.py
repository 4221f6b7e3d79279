"""Row pages show each foreign key with the label of the row it points to, as table pages do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup

from . import quote_links

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

_foreign_keys: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}


@hookimpl
def render_cell(
    row: Any, value: object, column: str, table: str | None, database: str, datasette: Datasette
) -> Callable[[], Awaitable[Any]] | None:
    """A raw foreign key value (row pages) as a link labelled with the row it points to; in canned
    queries, a value taken from a release as a link to its quotes (quote_links)."""
    if table is None:
        return quote_links.render_cell(row, value, column, database, datasette)
    if value is None or isinstance(value, (dict, bytes)):
        return None

    async def label() -> Markup | None:
        db = datasette.get_database(database)
        key = (database, table)
        if key not in _foreign_keys:
            _foreign_keys[key] = {fk["column"]: fk for fk in await db.foreign_keys_for_table(table)}
        fk = _foreign_keys[key].get(column)
        if fk is None:
            return None
        label_column = await db.label_column_for_table(fk["other_table"])
        if not label_column:
            return None
        result = await db.execute(
            f"SELECT {quoted(label_column)} FROM {quoted(fk['other_table'])} WHERE {quoted(fk['other_column'])} = ?",
            [value],
        )
        row = result.first()
        if row is None or row[0] in (None, ""):
            return None
        href = datasette.urls.row(database, fk["other_table"], tilde_encode(str(value)))
        return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, row[0], value)

    return label


def quoted(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'
