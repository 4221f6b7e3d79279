"""Datasette 0.65 plugin of the kz-rule-of-law site: safe paths, prefix search, labels, chart.

Self-contained (imports nothing from `scripts`): `datasette publish` copies this folder alone.

- Paths starting with two slashes or backslashes (`//example.com/`, `/\\example.com/`) answer 404:
  Datasette 0.65.5 redirects them to `/\\example.com`, which browsers follow off-site.
- The site is read-only: methods other than GET, HEAD and OPTIONS answer 405. Request targets over
  8 KiB answer 414; a format extension no renderer knows (`/db/table.xyz`) answers 404 instead of
  the HTML page.
- Errors are rendered as Datasette's default handler renders them, without its rich traceback
  (printed with every local for every 404 when `rich` is installed: ~0.2 s of blocked event loop
  per error, and a bare 500 for a 404 raised outside an `except`, e.g. `/a/b/c/d`). Bad `_sort`,
  `_sort_desc` and `_through` parameters answer 400, not 500.
- No SQL value (string, blob or row) may exceed 32 KiB (SQLite's length limit, 1 GB by default):
  `select zeroblob(1000000000)` otherwise takes the server to gigabytes of memory. `printf()` and
  `format()` answer NULL at once when their `%c` precisions add up to more than that: SQLite 3.40
  loops once per unit of precision inside one step, where the time limit cannot interrupt
  (`printf('%.*c', 2000000000, 'x')` takes 6 s to give NULL, and one call may hold thousands).
- Complete 200 responses to GET and HEAD are kept in memory (64 MiB at most, none over 1 MiB,
  least recently used out first): the database is immutable, so a page does not change while the
  server runs. Responses that set a cookie and requests that carry an actor are never cached;
  the `x-kz-cache` header says `hit` or `miss`. A request with `Cache-Control: no-cache` is
  answered afresh (and its answer kept); the environment variable `KZ_SITE_CACHE=off` turns the
  cache off (`x-kz-cache: off`), to measure what pages cost.
- Static files (the downloads) are UTF-8: their text types get `charset=utf-8`, Markdown is
  shown as plain text.
- `escape_fts()` makes every search term match the beginnings of words: Kazakh adds endings to
  words (азаптау, азаптауға, азаптаулардың), so whole-word matching finds almost nothing. Table
  search, search-all and the canned search query all use it. An empty search matches nothing.
- Row pages show each foreign key with the label of the row it points to, as table pages do.
- A query that fails in an SQL thread (above all one cut at the time limit) lets go of its cursor
  in that thread. In Datasette 0.65.5 the exception's traceback keeps the cursor alive until the
  error page is done, on the event loop; freeing it there calls sqlite3_reset, which waits for the
  connection's mutex while its thread runs the next slow query: with more slow queries than SQL
  threads, every request (cached pages too) stopped for up to the time limit per interrupted query
  (3-4 s seen with 8 clients on the 1M-row database; benchmarks/RESULTS-site-scale.md).
- The metadata and the schema do not change while the site runs (immutable database, metadata
  read once), so two of Datasette 0.65.5's lookups are remembered: the view-table permission rules
  of a table (each check deep-copied the whole metadata: 8 a row page, ~4 ms of its 15 ms profiled) and
  the hidden tables of an immutable database (~140 FTS shadow tables matched by prefix, twice a page).
- `/-/funding`: a bar chart of the EU contribution and co-financing of each project.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import threading
import traceback
from collections import OrderedDict
from typing import Any, Awaitable, Callable

from datasette import hookimpl
from datasette.utils import add_cors_headers, escape_sqlite, tilde_decode, tilde_encode
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup

UNSAFE_PATH = re.compile(r"[/\\]{2}")
INVISIBLE = re.compile(r"[\t\n\r]")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_TARGET_BYTES = 8192
MAX_VALUE_BYTES = 32 * 1024
CACHE_BYTES = 64 * 1024 * 1024
CACHE_ITEM_BYTES = 1024 * 1024
CACHE_SWITCH = "KZ_SITE_CACHE"  # "off" (or "0", "no", "false") turns the response cache off
PERMISSION_CACHE_SIZE = 4096  # (database, table) pairs; a URL can name any table
# Datasette's database, table and row routes, each with a format extension (".json", ".csv", ...)
FORMAT_ROUTES = (
    (re.compile(r"/(?P<database>[^/.]+)\.(?P<format>\w+)$"), ("db",)),
    (re.compile(r"/(?P<database>[^/.]+)/[^/.]+\.(?P<format>\w+)$"), ()),
    (re.compile(r"/(?P<database>[^/.]+)/[^/]+?/[^/]+?\.(?P<format>\w+)$"), ()),
)
# A conversion of SQLite's printf(): flags, width, precision, length, type
PRINTF_CONVERSION = re.compile(r"%[-+ #!0,]*(\*|\d+)?(?:\.(\*|\d*))?l*(.)?", re.S)
PRINTF_TYPES = "dsgzqQwcoxXfieEGiprn%"
LEADING_INTEGER = re.compile(rb"\s*[-+]?\d+")
# Client errors Datasette 0.65.5 raises as DatasetteError with its default status, 500
CLIENT_ERRORS = ("Cannot sort table by ", "Cannot use _sort and _sort_desc", "Invalid _through")
FTS_TERMS = re.compile(r'\s+|(".*?")')
FUNDING_VIEW = "funding_per_project"
CHART_WIDTH = 760
LABEL_HEIGHT = 44
BAR_HEIGHT = 22
ROW_HEIGHT = 104

_foreign_keys: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}


def is_unsafe_path(path: str) -> bool:
    """Whether a redirect to this path (minus a trailing slash) could leave the site."""
    return bool(UNSAFE_PATH.match(INVISIBLE.sub("", path)))


@hookimpl
def asgi_wrapper(datasette):
    """Refuse writes, overlong URLs, off-site paths and unknown formats; mark static files as UTF-8."""

    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if scope.get("method", "GET") not in READ_METHODS:
                return await Response.text("Method not allowed: this site is read-only", status=405, headers={
                    "Allow": ", ".join(READ_METHODS)}).asgi_send(send)
            raw = (scope.get("raw_path") or b"").decode("latin-1")
            if len(raw) + len(scope.get("query_string") or b"") > MAX_TARGET_BYTES:
                return await Response.text("URI too long", status=414).asgi_send(send)
            if is_unsafe_path(scope.get("path", "")) or is_unsafe_path(raw):
                return await Response.text("Not found", status=404).asgi_send(send)
            extension = unknown_format(datasette, raw.partition("?")[0] or scope.get("path", ""))
            if extension:
                return await Response.text(f"Not found: no .{extension} format", status=404).asgi_send(send)
            mounts = tuple(f"/{mount}/" for mount, _ in datasette.static_mounts)
            if not scope.get("path", "").startswith(mounts):
                return await cache.serve(scope, receive, send, app)

            async def utf8_send(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=[
                        (k, _utf8(v) if k.lower() == b"content-type" else v)
                        for k, v in message.get("headers", [])
                    ])
                await send(message)

            return await cache.serve(scope, receive, utf8_send, app)

        return wrapped

    off = os.environ.get(CACHE_SWITCH, "").strip().lower() in ("off", "0", "no", "false")
    cache = ResponseCache(0 if off else CACHE_BYTES, CACHE_ITEM_BYTES)

    return wrap


class ResponseCache:
    """Complete 200 responses to GET and HEAD, kept in memory: the database is immutable, so a page
    is the same until the server restarts. Bounded in bytes (least recently used first out); no
    response that sets a cookie, no request that carries an actor; `x-kz-cache` says hit or miss."""

    def __init__(self, max_bytes: int, max_item_bytes: int) -> None:
        """An empty cache of at most `max_bytes` (0: no cache), keeping no response over `max_item_bytes`."""
        self.max_bytes, self.max_item_bytes = max_bytes, max_item_bytes
        self.entries: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()
        self.size = 0

    async def serve(self, scope, receive, send, app) -> None:
        """Answer from the cache, or run `app` and keep its answer if it may be kept."""
        if not self.max_bytes:
            async def marked(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=[*message.get("headers", []), (b"x-kz-cache", b"off")])
                await send(message)

            return await app(scope, receive, marked)
        headers = dict(scope.get("headers") or [])
        if b"ds_actor" in headers.get(b"cookie", b"") or b"authorization" in headers:
            return await app(scope, receive, send)
        key = (scope.get("method"), scope.get("raw_path") or scope.get("path", "").encode(), scope.get("query_string", b""))
        fresh = b"no-cache" in headers.get(b"cache-control", b"").lower()
        entry = None if fresh else self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            start, body = entry
            await send(dict(start, headers=[*start["headers"], (b"x-kz-cache", b"hit")]))
            await send({"type": "http.response.body", "body": body})
            return
        captured: dict[str, Any] = {"start": None, "body": [], "size": 0, "keep": True}

        async def capture(message):
            if message["type"] == "http.response.start":
                keep = message.get("status") == 200 and not any(
                    k.lower() == b"set-cookie" for k, _ in message.get("headers", []))
                captured.update(start=message, keep=keep)
                message = dict(message, headers=[*message.get("headers", []), (b"x-kz-cache", b"miss")])
            elif message["type"] == "http.response.body" and captured["keep"]:
                captured["size"] += len(message.get("body", b""))
                if captured["size"] > self.max_item_bytes:
                    captured.update(keep=False, body=[])
                else:
                    captured["body"].append(message.get("body", b""))
            await send(message)

        await app(scope, receive, capture)
        if captured["keep"] and captured["start"] is not None:
            self.put(key, captured["start"], b"".join(captured["body"]))

    def put(self, key: tuple, start: dict, body: bytes) -> None:
        """Keep one response, dropping the least recently used ones beyond the byte bound."""
        size = len(body) + sum(len(k) + len(v) for k, v in start.get("headers", []))
        if size > self.max_item_bytes:
            return
        if key in self.entries:
            old_start, old_body = self.entries.pop(key)
            self.size -= len(old_body) + sum(len(k) + len(v) for k, v in old_start.get("headers", []))
        self.entries[key] = (start, body)
        self.size += size
        while self.size > self.max_bytes and self.entries:
            _, (old_start, old_body) = self.entries.popitem(last=False)
            self.size -= len(old_body) + sum(len(k) + len(v) for k, v in old_start.get("headers", []))


def unknown_format(datasette, path: str) -> str | None:
    """The format extension of a database, table or row path that no renderer knows, if any."""
    routes = {db.route or name for name, db in datasette.databases.items()}
    for pattern, extra in FORMAT_ROUTES:
        match = pattern.match(path)
        if match and tilde_decode(match["database"]) in routes:
            known = {*datasette.renderers, "csv", "jsono", *extra}
            return None if match["format"] in known else match["format"]
    return None


def _utf8(content_type: bytes) -> bytes:
    """A text content type with charset=utf-8; Markdown as plain text."""
    if content_type.startswith(b"text/markdown"):
        return b"text/plain; charset=utf-8"
    if content_type.startswith(b"text/") and b"charset" not in content_type:
        return content_type + b"; charset=utf-8"
    return content_type


def escape_fts(query: str | None) -> str:
    """Datasette's escape_fts, with every term a prefix; '""' (matches nothing) when empty."""
    query = query or ""
    if query.count('"') % 2:
        query += '"'
    terms = [t for t in FTS_TERMS.split(query) if t and t != '""']
    if not terms:
        return '""'
    return " ".join((t if t.startswith('"') else f'"{t}"') + "*" for t in terms)


@hookimpl(trylast=True)
def prepare_connection(conn):
    """Replace Datasette's escape_fts (registered before this runs) with the prefix version; cap values."""
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, _guarded_printf(name), deterministic=True)


_printf_connections = threading.local()


def _guarded_printf(name: str) -> Callable[..., Any]:
    """SQLite's own printf() (run on a private in-memory connection), minus the slow way to NULL."""

    def printf(*args: Any) -> Any:
        template = args[0] if args else None
        if isinstance(template, bytes):
            template = template.decode("utf-8", "replace")
        if isinstance(template, str) and printf_repeats_too_much(template, args[1:]):
            return None  # what SQLite returns for a result over the length limit, without the wait
        side = getattr(_printf_connections, "connection", None)
        if side is None:
            side = _printf_connections.connection = sqlite3.connect(":memory:")
            side.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        placeholders = ", ".join("?" * len(args))
        return side.execute(f"SELECT {name}({placeholders})", args).fetchone()[0]

    return printf


def printf_repeats_too_much(template: str, args: tuple[Any, ...]) -> bool:
    """Whether the %c conversions of `template` alone would write more than MAX_VALUE_BYTES."""
    used = repeated = 0
    for match in PRINTF_CONVERSION.finditer(template):
        width, precision, kind = match.groups()
        if width == "*":
            used += 1
        if precision == "*":
            precision = _integer(args[used] if used < len(args) else None)
            used += 1
        if kind is None or kind not in PRINTF_TYPES:
            break  # SQLite stops at an unknown conversion
        if kind in "%n":
            continue  # no argument
        if kind == "c" and precision:
            repeated += abs(int(precision))
        used += 1
    return repeated > MAX_VALUE_BYTES


def _integer(value: Any) -> int:
    """The integer SQLite reads from an argument (sqlite3_value_int64, roughly)."""
    if isinstance(value, (int, float)):
        return int(max(min(value, 2**63 - 1), -(2**63)))
    if isinstance(value, (str, bytes)):
        match = LEADING_INTEGER.match(value.encode() if isinstance(value, str) else value)
        return int(match.group()) if match else 0
    return 0


@hookimpl(hookwrapper=True)
def handle_exception(datasette, request, exception):
    """Replace Datasette's default error handler (the last result) with `error_response`."""
    outcome = yield
    others = [r for r in outcome.get_result() if getattr(r, "__module__", None) != "datasette.handle_exception"]
    outcome.force_result([*others, lambda: error_response(datasette, request, exception)])


async def error_response(datasette, request, exception: Exception) -> Response:
    """The error page (JSON for .json paths) of Datasette 0.65.5's handler, minus its rich traceback."""
    title = None
    info: dict[str, Any] = {}
    if isinstance(exception, Base400):
        status, message = exception.status, exception.args[0]
    elif isinstance(exception, DatasetteError):
        status, info, title = exception.status, dict(exception.error_dict), exception.title
        message = Markup(exception.message) if exception.message_is_html else exception.message
        if status == 500 and str(exception.message).startswith(CLIENT_ERRORS):
            status = 400
    elif isinstance(exception, (ValueError, KeyError, TypeError)) and _raised_in(exception, "datasette/filters.py"):
        status, message = 400, f"Invalid filter: {type(exception).__name__}: {exception}"
    elif isinstance(exception, sqlite3.ProgrammingError) and _raised_in(exception, "datasette/views/row.py"):
        status, message = 404, "Row not found (too few primary key values)"
    else:
        status, message = 500, str(exception)
        traceback.print_exception(exception)
    info.update({"ok": False, "error": message, "status": status, "title": title})
    headers: dict[str, str] = {}
    if datasette.cors:
        add_cors_headers(headers)
    if request.path.split("?")[0].endswith(".json"):
        return Response.json(info, status=status, headers=headers)
    template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
    return Response.html(await template.render_async(dict(
        info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [],
    )), status=status, headers=headers)


def _raised_in(exception: BaseException, filename: str) -> bool:
    """Whether `exception` was raised inside (or below) code of `filename`."""
    return any(frame.f_code.co_filename.replace("\\", "/").endswith(filename)
               for frame, _ in traceback.walk_tb(exception.__traceback__))


@hookimpl
def render_cell(value, column, table, database, datasette) -> Callable[[], Awaitable[Any]] | None:
    """A raw foreign key value (row pages) as a link labelled with the row it points to."""
    if table is None or value is None or isinstance(value, (dict, bytes)):
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
            f"SELECT {escape_sqlite(label_column)} FROM {escape_sqlite(fk['other_table'])} "
            f"WHERE {escape_sqlite(fk['other_column'])} = ?", [value])
        row = result.first()
        if row is None or row[0] in (None, ""):
            return None
        href = datasette.urls.row(database, fk["other_table"], tilde_encode(str(value)))
        return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, row[0], value)

    return label


@hookimpl
def startup(datasette):
    """Run each database's SQL through `_frees_cursor_in_thread`; remember the permission rules of
    tables and the hidden tables of immutable databases (see the module's docstring)."""
    for db in datasette.databases.values():
        if not getattr(db.execute_fn, "_kz_frees_cursor", False):
            db.execute_fn = _frees_cursor_in_thread(db.execute_fn)
        if not db.is_mutable and not getattr(db.hidden_table_names, "_kz_remembered", False):
            db.hidden_table_names = _remembered(db.hidden_table_names)
    rules = getattr(datasette, "_table_permission_allows", None)
    if rules is not None and not hasattr(rules, "cache_info"):
        datasette._table_permission_allows = functools.lru_cache(maxsize=PERMISSION_CACHE_SIZE)(
            lambda database, table: tuple(rules(database, table)))


def _remembered(lookup: Callable[[], Awaitable[list[str]]]) -> Callable[[], Awaitable[list[str]]]:
    """An async lookup without arguments, run once; each caller gets its own copy of the list."""
    known: list[list[str]] = []

    async def remembered() -> list[str]:
        if not known:
            known.append(list(await lookup()))
        return list(known[0])

    remembered._kz_remembered = True
    return remembered


def _frees_cursor_in_thread(original: Callable[[Callable], Awaitable[Any]]) -> Callable[[Callable], Awaitable[Any]]:
    """`Database.execute_fn` whose function, when it raises, drops the locals of its finished frames
    (the cursor among them) in the SQL thread, before the exception reaches the event loop."""

    async def execute_fn(fn):
        def in_thread(conn):
            try:
                return fn(conn)
            except BaseException as e:
                for exception in _chain(e):
                    traceback.clear_frames(exception.__traceback__)
                raise

        return await original(in_thread)

    execute_fn._kz_frees_cursor = True
    return execute_fn


def _chain(exception: BaseException) -> list[BaseException]:
    """An exception and those it was raised from or during."""
    seen: list[BaseException] = []
    while exception is not None and not any(exception is s for s in seen):
        seen.append(exception)
        exception = exception.__cause__ or exception.__context__
    return seen


@hookimpl
def register_routes():
    """The funding chart."""
    return [(r"^/-/funding$", funding_chart)]


async def funding_chart(datasette, request) -> Response:
    """An SVG bar chart of each project's budget: EU contribution and co-financing."""
    database = await _database_with(datasette, FUNDING_VIEW)
    if database is None:
        return Response.html("No database has the funding_per_project view", status=404)
    result = await datasette.get_database(database).execute(
        f"SELECT * FROM {FUNDING_VIEW} ORDER BY currency, total_budget DESC, project_id")
    rows = [dict(r) for r in result.rows]
    scale = {}
    for r in rows:
        scale[r["currency"]] = max(scale.get(r["currency"], 0), r["total_budget"] or 0)
    bars = []
    for i, r in enumerate(rows):
        top = scale[r["currency"]] or 1
        eu = CHART_WIDTH * (r["eu_contribution"] or 0) / top
        bars.append({
            **r,
            "y": i * ROW_HEIGHT,
            "bar_y": i * ROW_HEIGHT + LABEL_HEIGHT,
            "eu_width": round(eu, 1),
            "co_x": round(eu, 1),
            "co_width": round(CHART_WIDTH * (r["cofinancing"] or 0) / top, 1),
            "total_text": _amount(r["total_budget"]),
            "eu_text": _amount(r["eu_contribution"]),
            "co_text": _amount(r["cofinancing"]),
            "share_text": "" if r["eu_share_percent"] is None else f"{r['eu_share_percent']:.2f}%",
        })
    return Response.html(await datasette.render_template("funding.html", {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "bar_height": BAR_HEIGHT,
        "view_url": datasette.urls.table(database, FUNDING_VIEW),
        "csv_url": datasette.urls.table(database, FUNDING_VIEW, format="csv") + "?_size=max",
    }, request=request))


async def _database_with(datasette, view: str) -> str | None:
    """The first database that has `view`."""
    for name, db in datasette.databases.items():
        if view in await db.view_names():
            return name
    return None


def _amount(value: int | float | None) -> str:
    """An amount with thousands separators; decimals only where it has them."""
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"
