"""`/-/releases/<source id>`: a press release to read, its quoted spans highlighted with the facts they
support; `/-/releases`: every release."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils.asgi import Request

from ..downloads import downloads_url
from . import marked_text, quote_links, release_data

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

View = Callable[["Datasette", Request], Awaitable[Response]]
RELEASES_SQL = "SELECT source_id, title_kk, title_en, date, language FROM sources ORDER BY date DESC, source_id"


def routes() -> list[tuple[str, View]]:
    """The list of releases and the page of each."""
    return [(r"^/-/releases$", releases_list), (r"^/-/releases/(?P<source_id>[^/]+)$", release_page)]


async def releases_list(datasette: Datasette, request: Request) -> Response:
    """Every release, newest first, each linking to its page."""
    database = await release_data.quotes_database(datasette)
    if database is None:
        return await not_found(datasette, request, "No database holds press releases")
    result = await datasette.get_database(database).execute(RELEASES_SQL)
    releases = [dict(row, url=quote_links.release_url(datasette, row["source_id"])) for row in result.rows]
    return Response.html(await datasette.render_template("releases.html", {"releases": releases}, request=request))


async def release_page(datasette: Datasette, request: Request) -> Response:
    """One release: its details, the archived text paragraph by paragraph with every quote highlighted."""
    source_id = request.url_vars["source_id"]
    database = await release_data.quotes_database(datasette)
    found = await _release_with_text(datasette, database, source_id)
    if database is None or found is None:
        return await not_found(datasette, request, f"No press release {source_id!r}")
    release, text = found
    db = datasette.get_database(database)
    claims = await release_data.claims(db, source_id)
    marked = marked_text.highlights(text, claims)
    for highlight in marked:
        for claim in highlight.quotes:
            claim.update(links(datasette, database, claim))
    placed = {str(claim["quote_id"]) for highlight in marked for claim in highlight.quotes}
    context = {
        "release": release,
        "paragraphs": marked_text.paragraphs(text, marked),
        "claims": len(claims),
        "unplaced": [c for c in claims if c["quote_id"] not in placed],
        "versions": [
            dict(v, url=quote_links.release_url(datasette, v["source_id"]))
            for v in await release_data.versions(db, release)
        ],
        "raw_url": datasette.urls.path(downloads_url(release["path"])),
        "source_row_url": quote_links.record_url(datasette, database, "sources", source_id),
        "releases_url": datasette.urls.path("/-/releases"),
    }
    return Response.html(await datasette.render_template("release.html", context, request=request))


async def _release_with_text(
    datasette: Datasette, database: str | None, source_id: str
) -> tuple[dict[str, Any], str] | None:
    """A release's row and its archived text; None if either is missing."""
    if database is None:
        return None
    release = await release_data.release(datasette.get_database(database), source_id)
    text = release_data.archived_text(datasette, release["path"]) if release else None
    return (release, text) if release and text is not None else None


def links(datasette: Datasette, database: str, claim: dict[str, Any]) -> dict[str, str]:
    """The addresses a claim links to: its record's row, its quote page."""
    return {
        "row_url": quote_links.record_url(datasette, database, claim["table_name"], claim["record_id"]),
        "quote_url": quote_links.quote_url(datasette, claim["quote_id"]),
        "anchor": marked_text.anchor_id(claim["quote_id"]),
    }


async def not_found(datasette: Datasette, request: Request, message: str) -> Response:
    """A 404 page that says what is missing and leads back to the releases and the home page."""
    context = {"message": message, "releases_url": datasette.urls.path("/-/releases")}
    return Response.html(await datasette.render_template("provenance_404.html", context, request=request), status=404)
