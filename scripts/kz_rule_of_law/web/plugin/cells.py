"""Cells as people read them, on table, row and query pages: an amount with its currency and
qualifier ("EUR 777,895", "about EUR 1.2 million"), a count with its qualifier ("more than 80"), a
share as a percentage ("95.00%"), each in a <data> element that keeps the number as published; and
in query results, ids linked to their rows (row_links).

A number column is read with the columns beside it in the same row: `<column>_qualifier` says how
exactly the source states it (`derived_qualifier` for what is computed), `currency` makes it an
amount, and a name ending in `_percent` a share.

In query results a value taken from a release links to its quotes (quote_links), shown formatted;
an id that is no such value links to its row (row_links).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .. import formatting
from . import language, quote_links, row_links

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

# Columns that are numbers but not quantities: years, positions, character offsets.
NOT_QUANTITIES = ("_year", "_years", "position", "char_start", "char_end", "bytes", "adopted", "un_resolution")


def render_cell(
    row: Any, value: object, column: str, table: str | None, database: str, datasette: Datasette
) -> Callable[[], Awaitable[Markup | None]] | None:
    """The cell formatted (a number with what qualifies it) and, in a query result, linked to its
    quotes or its row; None to leave it to the other steps."""
    formatted = format_number(row, value, column, language.current())
    if table is not None:
        return None if formatted is None else _ready(formatted)
    quoted = quote_links.render_cell(row, value if formatted is None else formatted, column, database, datasette)

    async def linked() -> Markup | None:
        found = await quoted() if quoted is not None else None
        if found is None:
            found = await row_links.link(row, value, column, table, database, datasette)
        return formatted if found is None else found

    return linked


def _ready(formatted: Markup) -> Callable[[], Awaitable[Markup]]:
    """A cell already rendered, as render_cell returns it."""

    async def done() -> Markup:
        return formatted

    return done


def format_number(row: Any, value: object, column: str, lang: str = language.DEFAULT) -> Markup | None:
    """A share, amount or qualified count as text in a <data> element holding the number; None for
    any other cell."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or column.endswith(NOT_QUANTITIES):
        return None
    cell = row_links.cell
    qualifier = cell(row, f"{column}_qualifier")
    derived = cell(row, "derived_qualifier")
    if column.endswith("_percent"):
        text = formatting.share(value, qualifier or derived, lang)
    elif cell(row, "currency"):
        text = formatting.amount(value, cell(row, "currency"), qualifier or derived, lang)
    elif qualifier is not None:
        text = formatting.quantity(value, qualifier, lang)
    else:
        return None
    return Markup('<data value="{}">{}</data>').format(value, text)
