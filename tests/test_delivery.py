"""Delivery of the site: gzip, cache headers and 304s, page weight, the downloads page, the data
dictionary as HTML, spreadsheet downloads, and what search engines read."""

from __future__ import annotations

import asyncio
import gzip
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pytest

from benchmarks.page_weight import BUDGET_BYTES, measure
from kz_rule_of_law.web.plugin import cache, compress, http_cache

DB = "kz-rule-of-law"
GZIP = {"accept-encoding": "gzip"}


def fetch(datasette, path: str, method: str = "GET", **headers: str) -> httpx.Response:
    """One request to the site, its body left as sent (not decoded)."""

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=datasette.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            response = await client.request(method, path, headers=headers)
            return response

    return asyncio.run(run())


def sent_bytes(datasette, path: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """An answer and its body's bytes as they came over the wire."""

    async def run() -> tuple[httpx.Response, bytes]:
        transport = httpx.ASGITransport(app=datasette.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            async with client.stream("GET", path, headers=headers) as response:
                body = b"".join([chunk async for chunk in response.aiter_raw()])
            return response, body

    return asyncio.run(run())


# gzip


def _untimed(page: bytes) -> bytes:
    """A page minus the query times Datasette prints (they differ from request to request)."""
    return re.sub(rb'\d+(?:\.\d+)?ms|"query_ms": ?[\d.e-]+', b"", page)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/{DB}/budgets",
        f"/{DB}/budgets.json",
        f"/{DB}/budgets.csv",
        "/package/data/budgets.csv",
        "/-/static/app.css",
    ],
)
def test_text_answers_are_gzipped_for_clients_that_accept_it(datasette, path):
    response, body = sent_bytes(datasette, path, **GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert "content-length" not in response.headers or int(response.headers["content-length"]) == len(body)
    plain, plain_body = sent_bytes(datasette, path, **{"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["vary"]
    assert _untimed(gzip.decompress(body)) == _untimed(plain_body)
    assert len(body) < len(plain_body)


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [("gzip", True), ("br, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False), ("br", False), ("*;q=0", False)],
)
def test_accept_encoding_is_honoured(accept, gzipped):
    assert compress.accepts_gzip([(b"accept-encoding", accept.encode())]) is gzipped


def test_a_range_request_and_a_binary_answer_are_not_gzipped(datasette):
    ranged, _ = sent_bytes(datasette, "/package/data/budgets.csv", range="bytes=0-10", **GZIP)
    assert "content-encoding" not in ranged.headers
    database, _ = sent_bytes(datasette, f"/{DB}.db", **GZIP)
    assert database.status_code == 200
    assert "content-encoding" not in database.headers


async def _call(app, method: str, headers: list[tuple[bytes, bytes]]) -> tuple[dict, bytes]:
    """Run an ASGI app once; its response start and body."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "scheme": "http", "path": "/p", "raw_path": b"/p", "query_string": b""}
    await app(dict(scope, headers=headers), receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0], body


def test_a_kept_page_is_compressed_once_and_each_encoding_is_kept_apart():
    calls = []
    page = "<p>Қазақстан</p>".encode() * 200

    async def app(scope, receive, send):
        calls.append(scope["method"])
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": page[:1000], "more_body": True})
        await send({"type": "http.response.body", "body": page[1000:]})

    site = cache.ResponseCache(1 << 20, 1 << 20).wrap(compress.wrap(app))
    first = asyncio.run(_call(site, "GET", [(b"accept-encoding", b"gzip")]))
    second = asyncio.run(_call(site, "GET", [(b"accept-encoding", b"gzip")]))
    assert len(calls) == 1  # the second answer is the kept gzip bytes
    assert first[1] == second[1] and gzip.decompress(second[1]) == page
    assert (b"x-kz-cache", b"hit") in second[0]["headers"]
    plain = asyncio.run(_call(site, "GET", []))
    assert len(calls) == 2 and plain[1] == page
    head = asyncio.run(_call(site, "HEAD", [(b"accept-encoding", b"gzip")]))
    assert (b"content-encoding", b"gzip") in head[0]["headers"] and head[1] == b""


def test_an_encoded_answer_is_not_gzipped_twice():
    async def app(scope, receive, send):
        headers = [(b"content-type", b"text/plain"), (b"content-encoding", b"gzip")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": gzip.compress(b"x" * 1000)})

    start, body = asyncio.run(_call(compress.wrap(app), "GET", [(b"accept-encoding", b"gzip")]))
    assert gzip.decompress(body) == b"x" * 1000
    assert [v for k, v in start["headers"] if k == b"content-encoding"] == [b"gzip"]


# Cache headers and 304


def _data_date(csv_rows, descriptor) -> str:
    """The newest release date of the package, or the descriptor's `created` if later."""
    newest = max([row["date"][:10] for row in csv_rows("sources")] + [descriptor.get("created", "")[:10]])
    return format_datetime(datetime.fromisoformat(newest).replace(tzinfo=UTC), usegmt=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/{DB}",
        f"/{DB}/budgets",
        f"/{DB}/budgets.csv",
        f"/{DB}/eu_funding_per_project",
        "/package/datapackage.json",
    ],
)
def test_pages_and_downloads_carry_validators_and_answer_304(datasette, path, csv_rows, descriptor):
    response = fetch(datasette, path, **GZIP)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["last-modified"] == _data_date(csv_rows, descriptor)
    again = fetch(datasette, path, **GZIP, **{"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "Accept-Encoding" in again.headers["vary"]
    assert fetch(datasette, path, **GZIP, **{"if-none-match": f'"other", W/{etag}'}).status_code == 304
    assert fetch(datasette, path, **GZIP, **{"if-none-match": '"other"'}).status_code == 200
    plain = fetch(datasette, path, **{"accept-encoding": "identity"})
    assert plain.headers["etag"] != etag  # other bytes, another strong tag
    assert fetch(datasette, path, **{"accept-encoding": "identity", "if-none-match": etag}).status_code == 200


def test_if_modified_since_answers_304_from_the_data_date(datasette, csv_rows, descriptor):
    modified = parsedate_to_datetime(_data_date(csv_rows, descriptor))
    later = format_datetime(modified + timedelta(days=1), usegmt=True)
    earlier = format_datetime(modified - timedelta(seconds=1), usegmt=True)
    assert fetch(datasette, f"/{DB}/budgets", **{"if-modified-since": later}).status_code == 304
    assert fetch(datasette, f"/{DB}/budgets", **{"if-modified-since": earlier}).status_code == 200
    # If-None-Match wins over If-Modified-Since
    assert fetch(datasette, f"/{DB}/budgets", **{"if-modified-since": later, "if-none-match": '"x"'}).status_code == 200


def test_etags_differ_by_path_and_query(datasette):
    tags = {
        fetch(datasette, p, **GZIP).headers["etag"]
        for p in (f"/{DB}/budgets", f"/{DB}/projects", f"/{DB}/budgets?_size=1")
    }
    assert len(tags) == 3


def test_static_assets_are_kept_long_and_arbitrary_sql_briefly_and_privately(datasette):
    css = fetch(datasette, "/-/static/app.css?abc123")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    editor = fetch(datasette, "/-/static/codemirror-5.57.0.min.js")
    assert "immutable" in editor.headers["cache-control"]
    sql = fetch(datasette, f"/{DB}?sql=select+1")
    assert sql.headers["cache-control"] == "private, max-age=300"
    assert fetch(datasette, f"/{DB}/budgets?_where=1").headers["cache-control"] == "private, max-age=300"


def test_errors_and_refusals_carry_no_validators(datasette):
    missing = fetch(datasette, "/no-such-page")
    assert missing.status_code == 404 and "etag" not in missing.headers


def test_the_validators_are_keyed_on_the_full_path():
    scope = {"scheme": "http", "raw_path": b"/kk/kz-rule-of-law/budgets", "query_string": b""}
    identity = http_cache.SiteIdentity.__new__(http_cache.SiteIdentity)
    identity.digest = b"d"
    other = dict(scope, raw_path=b"/kz-rule-of-law/budgets")
    assert identity.etag(scope, {}, b"") != identity.etag(other, {}, b"")


# Page weight

# Pages that load Datasette's SQL editor (CodeMirror 5, ~80 KB gzipped) are measured in
# benchmarks/RESULTS-page-weight.md; every other page type stays under the budget.
EDITOR_PAGES = ("database", "arbitrary SQL")


def test_pages_without_the_sql_editor_weigh_under_the_budget_with_their_assets(datasette, csv_rows):
    first = csv_rows("sources")[0]["source_id"]
    pages = {
        "home": "/",
        "table": f"/{DB}/budgets",
        "table, large": f"/{DB}/quotes",
        "row": f"/{DB}/sources/{first}",
        "chart": "/-/funding",
        "not found": "/no-such-page",
    }
    weights = asyncio.run(measure(datasette, pages))
    for kind, weight in weights.items():
        assert weight.total < BUDGET_BYTES, (kind, weight)
        assert weight.html_bytes > 0
