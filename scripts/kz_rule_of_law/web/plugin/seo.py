"""What search engines read: schema.org `Dataset` JSON-LD on the home page, Open Graph tags on
every page, `/sitemap.xml` and `/robots.txt`.

- The JSON-LD is made from the descriptor served for download (name, description, license,
  creator, keywords, version, the downloads as distribution) and from the data: the places of the
  releases and the events (spatial coverage, with their Wikidata items), the first and last day
  of the releases and the events (temporal coverage), the releases' languages.
- Open Graph tags (title from the page's `<title>`, the package's description, the page's URL)
  go into the `<head>` of every HTML page, by rewriting its start as it streams.
- The sitemap lists the home page, the downloads and dictionary pages, the chart, every table and
  canned query page, the row pages of the core tables and each release's page
  (`/-/releases/<source id>`); past 50,000 URLs it is an index of numbered parts.
- robots.txt keeps crawlers off what is endless or heavy: arbitrary SQL (`sql=`, `_where=`),
  sorted and faceted views, searches, the JSON, CSV and XLSX answers of the database, and the
  database file; the downloads, the chart, the dictionary, the release, quote and changes pages
  stay open.
"""

from __future__ import annotations

import html
import json
import re
import weakref
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from datasette import Response
from datasette.utils import tilde_encode
from datasette.utils.asgi import Request

from . import http_cache, static
from .asgi import App, Message, Receive, Scope, Send
from .language import LANGUAGES, url_in

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (sitemaps.org); each page is listed once in every language
CORE_TABLES = ("sources", "organizations", "people", "projects", "events", "funding_programmes")
RELEASE_PAGE = "/-/releases/{}"
SITE_PAGES = ("/", "/package/", "/-/data-dictionary", "/-/funding", "/-/releases", "/-/changes")
# Where the data states places and days: (table, name column, Wikidata column); (table, date columns)
PLACES = (("sources", "place_en", "place_wikidata"), ("events", "city_en", "city_wikidata"))
DAYS = (("sources", ("date",)), ("events", ("date", "end_date")))
HOME = re.compile(r"^/(?:(?:kk|ru|en)/?)?$")  # the home page, in each language
HEAD_END = b"</head>"
TITLE = re.compile(rb"<title>(.*?)</title>", re.S)
DESCRIPTION_CHARS = 300
MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip"}
ROBOTS = """User-agent: *
Disallow: /*?sql=
Disallow: /*&sql=
Disallow: /*_where=
Disallow: /*_sort
Disallow: /*_facet
Disallow: /*_search
Disallow: /*_next=
Disallow: /*.json
Disallow: /*.jsono
Disallow: /*.csv
Disallow: /*.xlsx
Disallow: /*.db$
Disallow: /-/
Allow: /-/static/
Allow: /-/funding$
Allow: /-/data-dictionary$
Allow: /-/releases
Allow: /-/quotes/
Allow: /-/changes
Allow: /package/
"""


def routes() -> list[tuple[str, Callable[[Datasette, Request], Awaitable[Response]]]]:
    """robots.txt and the sitemap."""
    return [(r"^/robots\.txt$", robots_txt), (r"^/sitemap(?:-(?P<part>\d+))?\.xml$", sitemap_xml)]


def site_url(request: Request) -> str:
    """The site's address as the request names it, without a trailing slash."""
    return f"{request.scheme}://{request.host}"


async def robots_txt(datasette: Datasette, request: Request) -> Response:
    """The crawl rules, and where the sitemap is."""
    return Response.text(ROBOTS + f"Sitemap: {site_url(request)}/sitemap.xml\n")


# The sitemap


async def site_paths(datasette: Datasette) -> list[str]:
    """Every path the sitemap lists, pages of the site first."""
    paths = list(SITE_PAGES)
    for name, db in datasette.databases.items():
        if not db.is_memory:
            paths += await _database_paths(datasette, db.route or name)
    return paths


async def _database_paths(datasette: Datasette, route: str) -> list[str]:
    """The table, canned query, core row and release pages of one database."""
    db = datasette.get_database(route)
    tables = [t for t in await db.table_names() if not await db.execute_fn(_is_hidden(t))]
    paths = [datasette.urls.table(route, table) for table in tables]
    paths += [f"/{route}/{query}" for query in await datasette.get_canned_queries(route, None)]
    for table in CORE_TABLES:
        if table in tables:
            paths += await _row_paths(datasette, route, table)
    if "sources" in tables:
        result = await db.execute("SELECT source_id FROM sources ORDER BY source_id")
        paths += [RELEASE_PAGE.format(quote(str(row[0]), safe="")) for row in result.rows]
    return paths


def _is_hidden(table: str) -> Callable[[Any], bool]:
    """A check, run in an SQL thread, whether a table is a full-text index's shadow table."""

    def hidden(conn: Any) -> bool:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()
        return bool(row and row[0] and row[0].upper().startswith("CREATE VIRTUAL")) or "_fts" in table

    return hidden


async def _row_paths(datasette: Datasette, database: str, table: str) -> list[str]:
    """The row pages of one table (with a single-column primary key)."""
    db = datasette.get_database(database)
    keys = await db.primary_keys(table)
    if len(keys) != 1:
        return []
    column = keys[0].replace('"', '""')
    result = await db.execute(f'SELECT "{column}" FROM "{table}" ORDER BY 1', custom_time_limit=5000)
    return [datasette.urls.row(database, table, tilde_encode(str(row[0]))) for row in result.rows]


async def sitemap_xml(datasette: Datasette, request: Request) -> Response:
    """The sitemap (or its index, or one of its parts, when it has more than per_file URLs)."""
    paths = await site_paths(datasette)
    per_file = max(1, SITEMAP_LIMIT // len(LANGUAGES))
    identity = http_cache.identity_of(datasette)
    await identity.ready()
    lastmod = identity.data_day.isoformat() if identity.data_day else None
    base = site_url(request)
    part = request.url_vars.get("part")
    if len(paths) <= per_file and part is None:
        return _xml(_urlset(base, paths, lastmod))
    if part is None:
        count = -(-len(paths) // per_file)
        return _xml(_index(base, count, lastmod))
    number = int(part)
    chunk = paths[(number - 1) * per_file : number * per_file]
    if number < 1 or not chunk:
        return Response.text("Not found", status=404)
    return _xml(_urlset(base, chunk, lastmod))


def _xml(text: str) -> Response:
    """An XML answer."""
    return Response(text, content_type="application/xml; charset=utf-8")


def _urlset(base: str, paths: list[str], lastmod: str | None) -> str:
    """A sitemap of `paths` under `base`, each page with its versions in every language (hreflang)."""
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    entries = "".join(
        f"<url><loc>{html.escape(base + url_in(code, path))}</loc>{modified}{_alternates(base, path)}</url>\n"
        for path in paths
        for code in LANGUAGES
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{entries}</urlset>\n"
    )


def _alternates(base: str, path: str) -> str:
    """The page at `path` in each language, as a sitemap says it (xhtml:link rel=alternate)."""
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{code}" href="{html.escape(base + url_in(code, path))}"/>'
        for code in LANGUAGES
    )


def _index(base: str, count: int, lastmod: str | None) -> str:
    """A sitemap index of `count` numbered parts."""
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    entries = "".join(
        f"<sitemap><loc>{html.escape(base)}/sitemap-{n}.xml</loc>{modified}</sitemap>\n" for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n'
    )


# The Dataset JSON-LD


class Facts:
    """What the JSON-LD says about the data, worked out once per site (the data never changes while it runs)."""

    def __init__(self) -> None:
        """Not worked out yet."""
        self.places: list[dict[str, str]] | None = None
        self.days: tuple[date, date] | None = None
        self.languages: list[str] = []


FACTS: weakref.WeakKeyDictionary[Datasette, Facts] = weakref.WeakKeyDictionary()


async def facts_of(datasette: Datasette) -> Facts:
    """The places, days and languages of the data."""
    found = FACTS.get(datasette)
    if found is not None and found.places is not None:
        return found
    facts = Facts()
    places: dict[tuple[str, str], dict[str, str]] = {}
    days: list[date] = []
    for db in datasette.databases.values():
        if db.is_memory:
            continue
        places.update(await _places(db))
        days += await _days(db)
        facts.languages += [found for found in await _languages(db) if found not in facts.languages]
    facts.places = sorted(places.values(), key=lambda p: p["name"])
    facts.days = (min(days), max(days)) if days else None
    FACTS[datasette] = facts
    return facts


async def _places(db: Any) -> dict[tuple[str, str], dict[str, str]]:
    """The places of the releases and the events, by name and Wikidata item."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for table, name, wikidata in PLACES:
        if await _has_columns(db, table, (name, wikidata)):
            result = await db.execute(f'SELECT DISTINCT "{name}", "{wikidata}" FROM "{table}" WHERE "{name}" != \'\'')
            for row in result.rows:
                found.setdefault((row[0], row[1] or ""), _place(row[0], row[1]))
    return found


async def _days(db: Any) -> list[date]:
    """The first and last day of each date column of the releases and the events."""
    found: list[date] = []
    for table, columns in DAYS:
        for column in columns:
            if await _has_columns(db, table, (column,)):
                found += await _first_and_last(db, table, column)
    return found


async def _languages(db: Any) -> list[str]:
    """The languages of the releases."""
    if not await _has_columns(db, "sources", ("language",)):
        return []
    result = await db.execute("SELECT DISTINCT language FROM sources WHERE language != '' ORDER BY 1")
    return [row[0] for row in result.rows]


async def _has_columns(db: Any, table: str, columns: tuple[str, ...]) -> bool:
    """Whether `table` exists with every one of `columns`."""
    if not await db.table_exists(table):
        return False
    return set(columns) <= set(await db.table_columns(table))


async def _first_and_last(db: Any, table: str, column: str) -> list[date]:
    """The first and last ISO day of a date column."""
    result = await db.execute(
        f'SELECT min(substr("{column}", 1, 10)), max(substr("{column}", 1, 10)) FROM "{table}" '
        f"WHERE \"{column}\" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
    )
    row = result.first()
    return [date.fromisoformat(value) for value in (row or ()) if value]


def _place(name: str, wikidata: str | None) -> dict[str, str]:
    """A schema.org Place, with its Wikidata item when known."""
    place = {"@type": "Place", "name": name}
    if wikidata:
        place["sameAs"] = f"https://www.wikidata.org/wiki/{wikidata}"
    return place


def _creators(descriptor: dict[str, Any]) -> list[dict[str, str]]:
    """The descriptor's contributors as schema.org Organizations."""
    return [{"@type": "Organization", "name": c["title"]} for c in descriptor.get("contributors", []) if c.get("title")]


def temporal_coverage(days: tuple[date, date] | None) -> str | None:
    """An ISO 8601 day or interval."""
    if days is None:
        return None
    first, last = days
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"


def dataset(descriptor: dict[str, Any], facts: Facts, base: str, mount: str, database: str | None) -> dict[str, Any]:
    """The schema.org Dataset of the package."""
    licenses = descriptor.get("licenses") or []
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": descriptor.get("title") or descriptor.get("name"),
        "description": descriptor.get("description", ""),
        "url": f"{base}/",
        "identifier": descriptor.get("id") or descriptor.get("name"),
        "version": descriptor.get("version"),
        "keywords": descriptor.get("keywords", []),
        "license": licenses[0].get("path") if licenses else None,
        "creator": _creators(descriptor),
        "isAccessibleForFree": True,
        "inLanguage": sorted({*facts.languages, "en"}),  # the releases' languages, and the English renderings
        "distribution": distribution(descriptor, base, mount, database),
        "spatialCoverage": facts.places or None,
        "temporalCoverage": temporal_coverage(facts.days),
        "dateModified": descriptor.get("created"),
    }
    return {key: value for key, value in found.items() if value not in (None, [], "")}


def distribution(descriptor: dict[str, Any], base: str, mount: str, database: str | None) -> list[dict[str, str]]:
    """The downloads as schema.org DataDownloads: the zip, the descriptor, each table, the database."""
    found = [_download(base, mount, f"{descriptor['name']}.zip", "The data package (zip)")]
    found.append(_download(base, mount, "datapackage.json", "The descriptor (Frictionless Data Package)"))
    found += [_download(base, mount, r["path"], r.get("title") or r["name"]) for r in descriptor.get("resources", [])]
    if database:
        found.append(
            {
                "@type": "DataDownload",
                "name": "SQLite database",
                "encodingFormat": "application/vnd.sqlite3",
                "contentUrl": f"{base}/{database}.db",
            }
        )
    return found


def _download(base: str, mount: str, path: str, name: str) -> dict[str, str]:
    """One download as a schema.org DataDownload."""
    suffix = path[path.rfind(".") :]
    return {
        "@type": "DataDownload",
        "name": name,
        "encodingFormat": MEDIA_TYPES.get(suffix, "application/octet-stream"),
        "contentUrl": f"{base}/{mount}/{path}",
    }


def script_json(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element (no `<`, `>` or `&` to end it)."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# The head of every page


def wrap(datasette: Datasette, app: App) -> App:
    """`app` with Open Graph tags in the head of its HTML pages, and the JSON-LD on the home page."""

    async def tagged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return await app(scope, receive, send)
        return await app(scope, receive, _HeadRewriter(send, datasette, scope))

    return tagged


class _HeadRewriter:
    """A `send` that holds an HTML page's start until `</head>`, then adds the tags before it."""

    def __init__(self, send: Send, datasette: Datasette, scope: Scope) -> None:
        """Nothing seen yet."""
        self.send, self.datasette, self.scope = send, datasette, scope
        self.start: Message | None = None
        self.held = b""
        self.done = True

    async def __call__(self, message: Message) -> None:
        """Pass one message on; the start and the body's beginning wait for the head's end."""
        if message["type"] == "http.response.start":
            self.done = not _is_html_page(message)
            if self.done:
                return await self.send(message)
            self.start = dict(
                message, headers=[(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
            )
            return None
        if message["type"] != "http.response.body" or self.done:
            return await self.send(message)
        self.held += message.get("body", b"")
        more = message.get("more_body", False)
        if HEAD_END not in self.held and more:
            return None
        self.done = True
        body = await self._tagged(self.held)
        assert self.start is not None
        await self.send(self.start)
        return await self.send(dict(message, body=body))

    async def _tagged(self, page: bytes) -> bytes:
        """The page with the tags before its `</head>` (as it is, if it has none)."""
        at = page.find(HEAD_END)
        if at < 0:
            return page
        tags = await head_tags(self.datasette, self.scope, page[:at])
        return page[:at] + tags.encode("utf-8") + page[at:]


def _is_html_page(message: Message) -> bool:
    """Whether a response start is a 200 HTML page, not encoded yet."""
    headers = {k.lower(): v for k, v in message.get("headers", [])}
    return (
        message.get("status") == 200
        and headers.get(b"content-type", b"").startswith(b"text/html")
        and b"content-encoding" not in headers
    )


async def head_tags(datasette: Datasette, scope: Scope, head: bytes) -> str:
    """The Open Graph tags of a page (and on the home page the Dataset JSON-LD)."""
    request = Request(scope, None)  # only its URL is read
    identity = http_cache.identity_of(datasette)
    await identity.ready()
    descriptor = identity.descriptor
    text = open_graph(descriptor, head, site_url(request) + request.path)
    found = static.downloads_folder(datasette)
    if HOME.match(scope.get("path", "")) and descriptor and found:
        facts = await facts_of(datasette)
        database = next((db.route or n for n, db in datasette.databases.items() if not db.is_memory), None)
        ld = script_json(dataset(descriptor, facts, site_url(request), found[0], database))
        text += f'<script type="application/ld+json">{ld}</script>\n'
    return text


def open_graph(descriptor: dict[str, Any], head: bytes, url: str) -> str:
    """Open Graph and description tags: the page's title, the package's name and description."""
    title_match = TITLE.search(head)
    title = html.unescape(title_match.group(1).decode("utf-8", "replace").strip()) if title_match else ""
    site_name = descriptor.get("title") or descriptor.get("name") or ""
    description = summary(str(descriptor.get("description", "")))
    tags = {
        "og:type": "website",
        "og:site_name": site_name,
        "og:title": title or site_name,
        "og:description": description,
        "og:url": url,
    }
    text = "".join(f'<meta property="{k}" content="{html.escape(v)}">\n' for k, v in tags.items() if v)
    if description:
        text += f'<meta name="description" content="{html.escape(description)}">\n'
    return text


def summary(text: str) -> str:
    """A text cut at a word to at most DESCRIPTION_CHARS characters (with an ellipsis when cut)."""
    words = " ".join(text.split())
    if len(words) <= DESCRIPTION_CHARS:
        return words
    return words[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
