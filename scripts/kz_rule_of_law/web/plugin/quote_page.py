"""`/-/quotes/<quote id>`: one quote (claim) in its sentence, with its release and how to cite it;
`/-/quotes/<quote id>.csl.json`: the citation as CSL-JSON, to download."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils.asgi import Request

from ..downloads import downloads_url
from . import citation, marked_text, quote_links, release_data, release_page, sentences
from .language import language_of, translator

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette
    from datasette.database import Database

View = Callable[["Datasette", Request], Awaitable[Response]]
# The other claims on the same value: the same table, record and field, in other releases.
SAME_VALUE_SQL = """
SELECT q.quote_id, q.source_id, q.value, coalesce(q.text_kk, q.text_ru, q.text_en) AS quote_text, s.language, s.date
FROM quotes AS q JOIN sources AS s ON s.source_id = q.source_id
WHERE q.quote_id > :prefix AND q.quote_id < :upper AND q.quote_id != :quote
  AND q.table_name = :table AND q.record_id = :record AND q.field = :field
ORDER BY s.date, q.source_id
"""


def routes() -> list[tuple[str, View]]:
    """The CSL-JSON download (its suffix first) and the page of each quote."""
    suffix = quote_links.CSL_SUFFIX.replace(".", r"\.")
    return [
        (rf"^{quote_links.QUOTES_PATH}(?P<quote_id>.+){suffix}$", quote_csl),
        (rf"^{quote_links.QUOTES_PATH}(?P<quote_id>.+)$", quote_page),
    ]


def _addresses(datasette: Datasette, request: Request, claim: dict, release: dict) -> tuple[str, str]:
    """The quote's permalink and the address of its release's archived text, absolute."""
    permalink = datasette.absolute_url(request, quote_links.quote_url(datasette, claim["quote_id"]))
    raw_url = datasette.absolute_url(request, datasette.urls.path(downloads_url(release["path"])))
    return permalink, raw_url


async def quote_page(datasette: Datasette, request: Request) -> Response:
    """The quote in its sentence, highlighted, with its release, the facts it states and its citation."""
    found = await _found(datasette, request)
    if isinstance(found, Response):
        return found
    database, claim, release, text = found
    permalink, raw_url = _addresses(datasette, request, claim, release)
    context = {
        "claim": claim,
        "release": release,
        "sentence": sentence_parts(text, claim),
        "permalink": permalink,
        "citation": citation.citation_text(claim, release, permalink, translator(language_of(request))),
        "csl": json.dumps([citation.csl_item(claim, release, permalink, raw_url)], ensure_ascii=False, indent=2),
        "csl_url": quote_links.csl_url(datasette, claim["quote_id"]),
        "raw_url": raw_url,
        "release_url": quote_links.release_url(datasette, release["source_id"]),
        "anchor": marked_text.anchor_id(claim["quote_id"]),
        "row_url": quote_links.record_url(datasette, database, claim["table_name"], claim["record_id"]),
        "others": [
            dict(other, url=quote_links.quote_url(datasette, other["quote_id"]))
            for other in await same_value(datasette.get_database(database), claim)
        ],
        "releases_url": datasette.urls.path("/-/releases"),
    }
    return Response.html(await datasette.render_template("quote.html", context, request=request))


async def quote_csl(datasette: Datasette, request: Request) -> Response:
    """The quote's citation as a CSL-JSON file (a list of one item)."""
    found = await _found(datasette, request)
    if isinstance(found, Response):
        return found
    _, claim, release, _ = found
    permalink, raw_url = _addresses(datasette, request, claim, release)
    body = json.dumps([citation.csl_item(claim, release, permalink, raw_url)], ensure_ascii=False, indent=2)
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in claim["quote_id"])
    return Response(
        body,
        content_type=f"{citation.CSL_MEDIA_TYPE}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csl.json"'},
    )


async def _found(
    datasette: Datasette, request: Request
) -> tuple[str, dict[str, Any], dict[str, Any], str | None] | Response:
    """The database, claim, release and archived text a quote path names, or the 404 page."""
    quote_id = request.url_vars["quote_id"]
    database = await release_data.quotes_database(datasette)
    db = datasette.get_database(database) if database else None
    claim = await release_data.claim(db, quote_id) if db else None
    release = await release_data.release(db, claim["source_id"]) if db and claim else None
    if database is None or claim is None or release is None:
        return await release_page.not_found(datasette, request, f"No quote {quote_id!r}")
    return database, claim, release, release_data.archived_text(datasette, release["path"])


def sentence_parts(text: str | None, claim: dict[str, Any]) -> dict[str, str]:
    """The sentence around the quote, cut into what comes before it, the quote and what follows."""
    start, end = claim["char_start"], claim["char_end"]
    if text is None or text[start:end] != claim["quote_text"]:
        return {"before": "", "quote": claim["quote_text"], "after": ""}  # the text is not there: the quote alone
    first, last = sentences.sentence_bounds(text, start, end)
    return {"before": text[first:start], "quote": text[start:end], "after": text[end:last]}


async def same_value(db: Database, claim: dict[str, Any]) -> list[dict[str, Any]]:
    """The other claims on the same table, record and field (other releases)."""
    prefix = "/".join((claim["table_name"], claim["record_id"], claim["field"])) + "/"
    params = {
        "prefix": prefix,
        "upper": prefix[:-1] + "0",  # '0' follows '/'
        "quote": claim["quote_id"],
        "table": claim["table_name"],
        "record": claim["record_id"],
        "field": claim["field"],
    }
    return [dict(row) for row in (await db.execute(SAME_VALUE_SQL, params)).rows]
