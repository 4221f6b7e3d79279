"""Row pages name the press releases behind the row's values, with the fields each one states."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette.utils import urlsafe_components

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

# The claims of one record, one row per release: the quotes table holds every claim with its source.
RELEASES_SQL = """
SELECT q.source_id, s.title_kk, s.title_en, s.date, group_concat(q.field, ', ') AS fields
FROM quotes AS q JOIN sources AS s ON s.source_id = q.source_id
WHERE q.table_name = :table AND q.record_id = :record
GROUP BY q.source_id, s.title_kk, s.title_en, s.date
ORDER BY s.date, q.source_id
"""


def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """On a row page, `kz_releases`: the releases that state the row's values (none for code lists)."""
    if view_name != "row" or not database or not table or request is None:
        return None

    async def releases() -> dict[str, Any]:
        db = datasette.get_database(database)
        record = "/".join(urlsafe_components(request.url_vars["pks"]))
        if not {"quotes", "sources"} <= set(await db.table_names()):
            return {"kz_releases": [], "kz_record": record}
        result = await db.execute(RELEASES_SQL, {"table": table, "record": record})
        return {"kz_releases": [dict(row) for row in result.rows], "kz_record": record}

    return releases
