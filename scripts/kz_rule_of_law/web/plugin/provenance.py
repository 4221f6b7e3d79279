"""Row pages name the press releases behind the row's values, and link each value taken from a
release to its quotes (one per release that states it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette.utils import urlsafe_components

from . import quote_links

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

# The claims on one record with their releases. Quote ids are table/record/field/source, so a
# record's claims run from 'table/record/' to 'table/record0' ('0' follows '/') on the primary key.
CLAIMS_SQL = """
SELECT q.quote_id, q.source_id, q.field, q.value, q.text_kk, q.text_en,
  s.title_kk, s.title_en, s.date, s.language
FROM quotes AS q JOIN sources AS s ON s.source_id = q.source_id
WHERE q.quote_id > :table || '/' || :record || '/' AND q.quote_id < :table || '/' || :record || '0'
  AND q.record_id = :record
ORDER BY q.field, s.date, q.source_id
"""


def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """On a row page, `kz_releases` (the releases that state the row's values, with the fields each
    states) and `kz_claims` (each field taken from a release, with its quotes); none for code lists."""
    if view_name != "row" or not database or not table or request is None:
        return None

    async def releases() -> dict[str, Any]:
        db = datasette.get_database(database)
        record = "/".join(urlsafe_components(request.url_vars["pks"]))
        if not {"quotes", "sources"} <= set(await db.table_names()):
            return {"kz_releases": [], "kz_claims": [], "kz_record": record}
        result = await db.execute(CLAIMS_SQL, {"table": table, "record": record})
        claims = [
            dict(
                row,
                quote_url=quote_links.quote_url(datasette, row["quote_id"]),
                release_url=quote_links.release_url(datasette, row["source_id"]),
            )
            for row in result.rows
        ]
        return {"kz_releases": by_release(claims), "kz_claims": by_field(claims), "kz_record": record}

    return releases


def by_release(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The releases behind the claims, oldest first, each with the fields it states."""
    releases: dict[str, dict[str, Any]] = {}
    for claim in sorted(claims, key=lambda c: (c["date"], c["source_id"])):
        found = releases.setdefault(
            claim["source_id"],
            {key: claim[key] for key in ("source_id", "title_kk", "title_en", "date", "language", "release_url")}
            | {"fields": []},
        )
        if claim["field"] not in found["fields"]:
            found["fields"].append(claim["field"])
    return [dict(r, fields=", ".join(r["fields"])) for r in releases.values()]


def by_field(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields taken from releases, in order, each with its claims (one per release that states it)."""
    fields: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        fields.setdefault(claim["field"], []).append(claim)
    return [{"field": field, "claims": found} for field, found in fields.items()]
