"""Datasette 0.65 plugin of the kz-rule-of-law site: safe paths, prefix search, labels, chart.

Self-contained (imports nothing from `scripts`): `datasette publish` copies this folder alone.

- Paths starting with two slashes or backslashes (`//example.com/`, `/\\example.com/`) answer 404:
  Datasette 0.65.5 redirects them to `/\\example.com`, which browsers follow off-site.
- Static files (the downloads) are UTF-8: their text types get `charset=utf-8`, Markdown is
  shown as plain text.
- `escape_fts()` makes every search term match the beginnings of words: Kazakh adds endings to
  words (азаптау, азаптауға, азаптаулардың), so whole-word matching finds almost nothing. Table
  search, search-all and the canned search query all use it. An empty search matches nothing.
- Row pages show each foreign key with the label of the row it points to, as table pages do.
- `/-/funding`: a bar chart of the EU contribution and co-financing of each project.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable

from datasette import hookimpl
from datasette.utils import escape_sqlite, tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

UNSAFE_PATH = re.compile(r"[/\\]{2}")
INVISIBLE = re.compile(r"[\t\n\r]")
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
    """Refuse off-site paths; mark static files as UTF-8."""

    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            raw = (scope.get("raw_path") or b"").decode("latin-1")
            if is_unsafe_path(scope.get("path", "")) or is_unsafe_path(raw):
                return await Response.text("Not found", status=404).asgi_send(send)
            mounts = tuple(f"/{mount}/" for mount, _ in datasette.static_mounts)
            if not scope.get("path", "").startswith(mounts):
                return await app(scope, receive, send)

            async def utf8_send(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=[
                        (k, _utf8(v) if k.lower() == b"content-type" else v)
                        for k, v in message.get("headers", [])
                    ])
                await send(message)

            return await app(scope, receive, utf8_send)

        return wrapped

    return wrap


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
    """Replace Datasette's escape_fts (registered before this runs) with the prefix version."""
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


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
