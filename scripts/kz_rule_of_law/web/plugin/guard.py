"""Requests the site refuses or tidies before Datasette sees them.

- The site is read-only: methods other than GET, HEAD and OPTIONS answer 405.
- Request targets over 8 KiB answer 414.
- Paths starting with two slashes or backslashes (`//example.com/`, `/\\example.com/`) answer 404:
  Datasette 0.65.5 redirects them to `/\\example.com`, which browsers follow off-site.
- A format extension no renderer knows (`/db/table.xyz`) answers 404 instead of the HTML page.
- `_ttl` is dropped from the query string: the site, not the client, sets how long a page may
  be kept (Datasette's `default_cache_ttl`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from datasette import Response
from datasette.utils import tilde_decode

from . import patches
from .asgi import App, Receive, Scope, Send, respond

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

UNSAFE_PATH = re.compile(r"[/\\]{2}")
INVISIBLE = re.compile(r"[\t\n\r]")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_TARGET_BYTES = 8192
CLIENT_SET_PARAMETERS = ("_ttl",)
# Datasette's database, table and row routes, each with a format extension (".json", ".csv", ...)
FORMAT_ROUTES = (
    (re.compile(r"/(?P<database>[^/.]+)\.(?P<format>\w+)$"), ("db",)),
    (re.compile(r"/(?P<database>[^/.]+)/[^/.]+\.(?P<format>\w+)$"), ()),
    (re.compile(r"/(?P<database>[^/.]+)/[^/]+?/[^/]+?\.(?P<format>\w+)$"), ()),
)


def wrap(datasette: Datasette, app: App) -> App:
    """`app` behind the refusals and the query-string tidying of this module."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if scope.get("method", "GET") not in READ_METHODS:
            return await respond(
                Response.text(
                    "Method not allowed: this site is read-only", status=405, headers={"Allow": ", ".join(READ_METHODS)}
                ),
                send,
            )
        raw = (scope.get("raw_path") or b"").decode("latin-1")
        if len(raw) + len(scope.get("query_string") or b"") > MAX_TARGET_BYTES:
            return await respond(Response.text("URI too long", status=414), send)
        if is_unsafe_path(scope.get("path", "")) or is_unsafe_path(raw):
            return await respond(Response.text("Not found", status=404), send)
        extension = unknown_format(datasette, raw.partition("?")[0] or scope.get("path", ""))
        if extension:
            return await respond(Response.text(f"Not found: no .{extension} format", status=404), send)
        query = scope.get("query_string") or b""
        if query:
            scope = dict(scope, query_string=without_parameters(query, CLIENT_SET_PARAMETERS))
        return await app(scope, receive, send)

    return guarded


def is_unsafe_path(path: str) -> bool:
    """Whether a redirect to this path (minus a trailing slash) could leave the site."""
    return bool(UNSAFE_PATH.match(INVISIBLE.sub("", path)))


def format_route(datasette: Datasette, path: str) -> tuple[str, set[str]] | None:
    """The format extension of a database, table or row path, and the formats it may have."""
    routes = patches.database_routes(datasette)
    for pattern, extra in FORMAT_ROUTES:
        match = pattern.match(path)
        if match and tilde_decode(match["database"]) in routes:
            return match["format"], {*patches.renderer_extensions(datasette), "csv", "jsono", *extra}
    return None


def unknown_format(datasette: Datasette, path: str) -> str | None:
    """The format extension of a database, table or row path that no renderer knows, if any."""
    found = format_route(datasette, path)
    if found is None:
        return None
    extension, known = found
    return None if extension in known else extension


def without_parameters(query: bytes, names: tuple[str, ...]) -> bytes:
    """`query` minus every parameter called one of `names` (however its name is encoded)."""
    parts = query.split(b"&")
    kept = [part for part in parts if _name(part) not in names]
    return query if len(kept) == len(parts) else b"&".join(kept)


def _name(part: bytes) -> str:
    """The decoded name of one `name=value` part of a query string."""
    return unquote_plus(part.partition(b"=")[0].decode("latin-1"), encoding="utf-8", errors="replace")
