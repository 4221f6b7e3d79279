"""Delivery of the site: gzip, cache headers and 304s, page weight, the downloads page, the data
dictionary as HTML, spreadsheet downloads, and what search engines read."""

from __future__ import annotations

import asyncio
import csv
import gzip
import html
import io
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

import httpx
import openpyxl
import pytest

from benchmarks.page_weight import BUDGET_BYTES, measure, page_types
from kz_rule_of_law.web import formulas, spreadsheets
from kz_rule_of_law.web.downloads import BUNDLE_FILES
from kz_rule_of_law.web.plugin import cache, compress, http_cache, seo
from workspace import copy_tree

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
    assert response.headers["cache-control"] == "public, max-age=600"
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


def test_every_page_type_weighs_under_the_budget_with_its_assets(datasette, descriptor, csv_rows):
    pages = page_types(descriptor, csv_rows("sources")[0]["source_id"], csv_rows("quotes")[0]["quote_id"])
    assert {"home", "database", "table", "row", "arbitrary SQL", "downloads", "release", "quote"} <= set(pages)
    weights = asyncio.run(measure(datasette, pages))
    for kind, weight in weights.items():
        assert weight.total < BUDGET_BYTES, (kind, weight)
        assert weight.html_bytes > 0 and weight.assets >= 1, kind  # app.css at least: assets are counted


# The downloads page, error pages, the data dictionary


def test_the_downloads_page_lists_every_download_with_its_size_and_description(datasette, descriptor):
    page = fetch(datasette, "/package/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = html.unescape(page.text)
    folder = Path(datasette.static_mounts[0][1])
    for resource in descriptor["resources"]:
        assert f'href="/package/{resource["path"]}"' in text, resource["name"]
        assert resource["description"] in text
        for path in (f"spreadsheets/{resource['name']}.xlsx", f"spreadsheets/{resource['name']}.csv"):
            assert f'href="/package/{path}"' in text
            assert fetch(datasette, f"/package/{path}").status_code == 200
    budgets = (folder / "data" / "budgets.csv").stat().st_size
    assert f"{budgets:,} bytes" in text or f"{budgets / 1000:.1f} KB" in text
    assert f'href="/package/{descriptor["name"]}.zip"' in text
    for note in BUNDLE_FILES:
        if (folder / note).is_file():
            assert f'href="/package/{note}"' in text
    assert 'href="/-/data-dictionary"' in text
    for query in datasette.metadata()["databases"][DB]["queries"]:
        assert f'href="/{DB}/{query}.xlsx"' in text and f'href="/{DB}/{query}.csv?_bom=1"' in text


@pytest.mark.parametrize(
    ("path", "status"), [("/no-such-page", 404), ("/package/no-such-file.csv", 404), ("/package/archive/", 403)]
)
def test_error_pages_lead_home(datasette, path, status):
    page = fetch(datasette, path)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert '<a href="/">' in page.text and 'href="/package/"' in page.text


def test_the_data_dictionary_is_a_page_with_anchored_tables_linked_from_home(datasette, descriptor):
    page = fetch(datasette, "/-/data-dictionary")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<table>" in text and "| --- |" not in text
    anchors = set(re.findall(r'id="([^"]+)"', text))
    for resource in descriptor["resources"]:
        assert resource["name"] in anchors
    assert set(re.findall(r'href="#([^"]+)"', text)) <= anchors  # every link inside the page lands
    assert "<script" not in text.split('class="data-dictionary"')[1].split("</div>")[0]
    assert 'href="/-/data-dictionary"' in fetch(datasette, "/").text


# Spreadsheets


def _xlsx_rows(content: bytes) -> list[dict]:
    """The rows of an XLSX's first sheet, by its header."""
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


AMOUNTS = ("total_budget", "eu_contribution", "cofinancing", "eu_share_percent")


@pytest.mark.parametrize("path", ["/package/spreadsheets/budgets.xlsx", f"/{DB}/budgets.xlsx?_size=max"])
def test_the_xlsx_holds_the_exact_amounts_of_budgets(datasette, csv_rows, path):
    response = fetch(datasette, path)
    assert response.status_code == 200
    assert response.headers["content-type"] == spreadsheets.XLSX_TYPE
    by_key = {row["project_id"]: row for row in _xlsx_rows(response.content)}
    for row in csv_rows("budgets"):
        sheet = by_key[row["project_id"]]
        for field in AMOUNTS:
            if row[field]:
                assert isinstance(sheet[field], (int, float)), (field, sheet[field])
                assert Decimal(str(sheet[field])) == Decimal(row[field]), (row["project_id"], field)
        assert sheet["currency"] == row["currency"]


def test_every_table_and_canned_query_has_an_xlsx_download(datasette, descriptor):
    for resource in descriptor["resources"]:
        response = fetch(datasette, f"/{DB}/{resource['name']}.xlsx")
        assert response.status_code == 200, resource["name"]
        assert response.headers["content-disposition"].startswith("attachment;")
        assert _xlsx_rows(response.content) is not None
    for query in datasette.metadata()["databases"][DB]["queries"]:
        response = fetch(datasette, f"/{DB}/{query}.xlsx")
        assert response.status_code == 200, query
        assert f'filename="{query}.xlsx"' in response.headers["content-disposition"]


def test_the_csv_for_excel_has_a_bom_and_reads_right_where_excel_uses_windows_1251(datasette, csv_rows):
    data = fetch(datasette, "/package/spreadsheets/organizations.csv").content
    assert data.startswith(b"\xef\xbb\xbf")  # what makes Excel read UTF-8 instead of the code page
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    published = {row["organization_id"]: row for row in csv_rows("organizations")}
    assert {row["organization_id"] for row in rows} == set(published)
    kazakh = [(row, column) for row in rows for column, value in row.items() if re.search("[а-яәғқңөұүһі]", value)]
    assert kazakh
    for row, column in kazakh:
        assert row[column] == formulas.escape_cell(published[row["organization_id"]][column])
        # without the BOM, Excel set to Russian or Kazakh would read these bytes as Windows-1251
        assert row[column].encode("utf-8").decode("cp1251", errors="replace") != row[column]


def test_the_package_csvs_stay_byte_for_byte(datasette, descriptor, root):
    for resource in descriptor["resources"]:
        assert fetch(datasette, f"/package/{resource['path']}").content == (root / resource["path"]).read_bytes()


def test_the_csv_answers_download_and_bom_makes_them_excel_ready(datasette):
    plain = fetch(datasette, f"/{DB}/budgets.csv")
    assert plain.headers["content-disposition"].startswith("attachment;")
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    excel = fetch(datasette, f"/{DB}/budgets.csv?_bom=1")
    assert excel.content == b"\xef\xbb\xbf" + plain.content
    query = fetch(datasette, f"/{DB}/eu_funding_per_project.csv?_bom=1")
    assert query.status_code == 200 and query.content.startswith(b"\xef\xbb\xbf")


def test_spreadsheets_never_hold_a_formula():
    cells = ['=HYPERLINK("http://x")', "+1+2", "-5", "+1.5e3", "@SUM(A1)", "\tx", "-", "Еуропалық"]
    out = io.BytesIO()
    spreadsheets.write_excel_csv(["value"], [[c] for c in cells], out)
    read = [row[0] for row in csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline=""))][1:]
    assert read == ['\'=HYPERLINK("http://x")', "'+1+2", "-5", "+1.5e3", "'@SUM(A1)", "'\tx", "'-", "Еуропалық"]
    book = io.BytesIO()
    spreadsheets.write_xlsx("t", ["value"], [[c] for c in cells], book)
    sheet = openpyxl.load_workbook(io.BytesIO(book.getvalue())).worksheets[0]
    values = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in values] == cells  # the text exactly as published
    assert all(cell.data_type == "s" for cell in values)  # text, never a formula


def test_an_sql_answer_with_any_value_makes_a_sheet(datasette):
    response = fetch(datasette, f"/{DB}.xlsx?sql=select+1e999+as+a,+-1e999+as+b,+x'00ff'+as+c,+'=1%2B1'+as+d,+2.5+as+e")
    assert response.status_code == 200
    row = _xlsx_rows(response.content)[0]
    assert row == {"a": "inf", "b": "-inf", "c": "00ff", "d": "=1+1", "e": 2.5}


def test_labelled_foreign_keys_become_value_and_label_columns(datasette, csv_rows):
    rows = _xlsx_rows(fetch(datasette, f"/{DB}/project_organizations.xlsx?_labels=on&_size=max").content)
    names = {row["organization_id"]: row["name_en"] for row in csv_rows("organizations")}
    published = {(r["project_id"], r["organization_id"]) for r in csv_rows("project_organizations")}
    assert {(row["project_id"], row["organization_id"]) for row in rows} == published
    assert all(row["organization_id_label"] == names[row["organization_id"]] for row in rows)


def test_the_same_rows_give_the_same_xlsx_bytes():
    made = []
    for _ in range(2):
        out = io.BytesIO()
        spreadsheets.write_xlsx("t", ["a", "b"], [["x", "1.50"]], out, [False, True])
        made.append(out.getvalue())
    assert made[0] == made[1]


# What search engines read


def _json_ld(page: str) -> list[dict]:
    """Every JSON-LD object of a page, parsed."""
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert all("</" not in script for script in scripts)
    return [json.loads(script) for script in scripts]


def test_the_home_page_describes_the_dataset_in_schema_org_json_ld(datasette, descriptor, csv_rows):
    found = _json_ld(fetch(datasette, "/").text)
    assert len(found) == 1
    ld = found[0]
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Dataset"
    assert ld["name"] == descriptor["title"] and ld["description"] == descriptor["description"]
    assert ld["license"] == descriptor["licenses"][0]["path"]
    assert ld["version"] == descriptor["version"]
    assert ld["creator"] and all(c["@type"] == "Organization" and c["name"] for c in ld["creator"])
    assert {c["name"] for c in ld["creator"]} == {c["title"] for c in descriptor["contributors"]}
    urls = {d["contentUrl"]: d for d in ld["distribution"]}
    assert all(d["@type"] == "DataDownload" and d["encodingFormat"] for d in ld["distribution"])
    for resource in descriptor["resources"]:
        download = urls[f"http://localhost/package/{resource['path']}"]
        assert download["encodingFormat"] == "text/csv"
    assert fetch(datasette, next(iter(urls)).removeprefix("http://localhost")).status_code == 200
    places = {p["name"]: p for p in ld["spatialCoverage"]}
    for source in csv_rows("sources"):
        assert places[source["place_en"]]["@type"] == "Place"
        if source["place_wikidata"]:
            assert places[source["place_en"]]["sameAs"] == f"https://www.wikidata.org/wiki/{source['place_wikidata']}"
    days = [s["date"] for s in csv_rows("sources")] + [
        d for e in csv_rows("events") for d in (e["date"][:10], e["end_date"][:10]) if d
    ]
    first, last = min(days), max(days)
    assert ld["temporalCoverage"] == (first if first == last else f"{first}/{last}")
    assert set(ld["inLanguage"]) >= {s["language"] for s in csv_rows("sources")}


def test_every_page_has_open_graph_tags_and_only_home_the_json_ld(datasette):
    for path in ("/", f"/{DB}/budgets", "/package/"):
        page = fetch(datasette, path).text
        head = page.split("</head>")[0]
        title = html.unescape(re.search(r"<title>(.*?)</title>", head, re.S).group(1).strip())
        tags = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)">', head))
        assert html.unescape(tags["og:title"]) == title
        assert tags["og:url"] == f"http://localhost{path}"
        assert tags["og:type"] == "website" and tags["og:description"]
    assert _json_ld(fetch(datasette, f"/{DB}/budgets").text) == []


def _sitemap_locs(text: str) -> list[str]:
    """The <loc>s of a sitemap or sitemap index."""
    root = ElementTree.fromstring(text)
    return [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def test_the_sitemap_lists_home_tables_core_rows_and_releases(datasette, descriptor, csv_rows):
    response = fetch(datasette, "/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    locs = set(_sitemap_locs(response.text))
    base = "http://localhost"
    assert {f"{base}/", f"{base}/package/", f"{base}/-/data-dictionary"} <= locs
    for resource in descriptor["resources"]:
        assert f"{base}/{DB}/{resource['name']}" in locs
    for source in csv_rows("sources"):
        assert f"{base}/{DB}/sources/{source['source_id']}" in locs
        assert f"{base}/-/releases/{source['source_id']}" in locs
    for table, key in (("organizations", "organization_id"), ("projects", "project_id"), ("events", "event_id")):
        for row in csv_rows(table):
            assert f"{base}/{DB}/{table}/{row[key]}" in locs
    assert not any("?" in loc for loc in locs)
    assert fetch(datasette, f"/{DB}/organizations/{csv_rows('organizations')[0]['organization_id']}").status_code == 200


def test_the_sitemap_lists_each_page_in_every_language_with_its_alternates(datasette):
    root = ElementTree.fromstring(fetch(datasette, "/sitemap.xml").text)
    sitemap, xhtml = "{http://www.sitemaps.org/schemas/sitemap/0.9}", "{http://www.w3.org/1999/xhtml}"
    locs = {url.find(f"{sitemap}loc").text: url for url in root.iter(f"{sitemap}url")}
    assert {"http://localhost/", "http://localhost/kk/", "http://localhost/ru/"} <= set(locs)
    for loc, url in locs.items():
        alternates = {link.get("hreflang"): link.get("href") for link in url.iter(f"{xhtml}link")}
        assert set(alternates) == {"en", "kk", "ru"} and loc in alternates.values()


def test_a_large_sitemap_is_an_index_of_parts(datasette, monkeypatch):
    monkeypatch.setattr(seo, "SITEMAP_LIMIT", 7)
    index = fetch(datasette, "/sitemap.xml")
    parts = _sitemap_locs(index.text)
    assert "<sitemapindex" in index.text and len(parts) >= 2
    every = [loc for n in range(1, len(parts) + 1) for loc in _sitemap_locs(fetch(datasette, f"/sitemap-{n}.xml").text)]
    assert 0 < len(_sitemap_locs(fetch(datasette, "/sitemap-1.xml").text)) <= 7
    assert len(every) == len(set(every)) and "http://localhost/" in every
    assert fetch(datasette, f"/sitemap-{len(parts) + 1}.xml").status_code == 404


def _allowed(rules: list[tuple[str, str]], url: str) -> bool:
    """Whether robots.txt rules let a crawler fetch `url`, as Google reads them: the longest
    matching rule wins, Allow on a tie; `*` is any text and a final `$` the end of the URL."""
    best: tuple[int, bool] = (-1, True)
    for kind, pattern in rules:
        regex = re.escape(pattern).replace(r"\*", ".*")
        regex = regex[:-2] + "$" if regex.endswith(r"\$") else regex
        if re.match(regex, url):
            candidate = (len(pattern), kind == "allow")
            best = max(best, candidate)
    return best[1]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/", True),
        (f"/{DB}/budgets", True),
        (f"/{DB}/organizations/lprc", True),
        (f"/kk/{DB}/budgets", True),
        ("/package/data/budgets.csv", True),
        ("/package/datapackage.json", True),
        ("/-/releases/000_54035fae270ab93c", True),
        ("/-/releases", True),
        ("/-/quotes/budgets/breaking-the-vicious-cycle/total_budget/000_54035fae270ab93c", True),
        ("/-/changes", True),
        ("/-/data-dictionary", True),
        ("/-/funding", True),
        ("/-/static/app.css", True),
        (f"/{DB}?sql=select+1", False),
        (f"/ru/{DB}?sql=select+1", False),
        (f"/{DB}/budgets?currency=EUR&_sort=total_budget", False),
        (f"/{DB}/budgets?_sort_desc=total_budget", False),
        (f"/{DB}/events?_facet=country", False),
        (f"/{DB}/budgets?_where=1", False),
        (f"/{DB}/budgets.json", False),
        (f"/{DB}/budgets.csv?_size=max", False),
        (f"/{DB}/budgets.xlsx", False),
        (f"/{DB}/search?q=forum&_search=x", False),
        (f"/{DB}.db", False),
        ("/-/versions", False),
    ],
)
def test_robots_keep_crawlers_off_sql_sorts_facets_and_answers(datasette, url, allowed):
    text = fetch(datasette, "/robots.txt").text
    rules = [
        (kind.lower(), value.strip())
        for kind, value in re.findall(r"^(Allow|Disallow):(.*)$", text, re.M)
        if value.strip()
    ]
    assert _allowed(rules, url) is allowed
    assert "Sitemap: http://localhost/sitemap.xml" in text


# Through `serve` (uvicorn): gzip, HEAD and 304 on the wire


@pytest.mark.server
@pytest.mark.slow
def test_the_served_site_sends_gzip_heads_and_304s(live_server, built_project, tmp_path):
    running = live_server(copy_tree(built_project, tmp_path / "project"))
    try:
        with httpx.Client(base_url=running.url, timeout=10) as client:
            for path in ("/", f"/{DB}/budgets", "/package/data/budgets.csv", "/package/", "/sitemap.xml"):
                got = client.get(path, headers=GZIP)
                assert got.status_code == 200 and got.headers["content-encoding"] == "gzip", path
                head = client.head(path, headers=GZIP)
                assert head.status_code == 200 and head.content == b"", path
                assert head.headers["content-encoding"] == "gzip" and head.headers["etag"] == got.headers["etag"]
                again = client.get(path, headers={**GZIP, "if-none-match": got.headers["etag"]})
                assert again.status_code == 304 and again.content == b"", path
            spreadsheet = client.get("/package/spreadsheets/budgets.xlsx", headers=GZIP)
            assert "content-encoding" not in spreadsheet.headers and spreadsheet.content.startswith(b"PK")
    finally:
        running.stop()
