"""Bounded work per request: no client makes the site run many queries at once for it.

- Facets: every facet parameter (`_facet`, `_facet_array`, `_facet_date`, a `{"simple": ...}` or
  `{"column": ...}` config included) runs one query of up to `facet_time_limit_ms`, and Datasette
  runs a repeated one (or one of the table's metadata facets) again each time. Such repeats are
  dropped from the query string; more than EXTRA_FACETS facets beside the table's metadata facets
  answer 400, as do facet parameters Datasette cannot read (a broken JSON config; `_facetx`, which
  Datasette 0.65.5 runs as the facet type of the parameter before it).
- Arbitrary SQL (`?sql=` on a database page, `_where=` on a table page; any format) that misses
  the response cache: at most SQL_PER_CLIENT such requests of one client run at once, and at most
  `num_sql_threads - 1` of all clients, so that one SQL thread stays free for the other pages; and
  after one that ran for half the time limit or more, a client waits as long before the next (one
  client's slow queries take at most half a thread's time). Beyond that the answer is 429 with
  `Retry-After` (the wait, or the SQL time limit, in whole seconds). Cached pages, and table, row
  and canned query pages without `_where`, are never limited. The counts are per process: each
  replica behind nginx keeps its own.
- A client is its peer address; behind a proxy on a loopback address (nginx in deploy/nginx.conf)
  or one listed in KZ_TRUSTED_PROXIES, the last address of `X-Forwarded-For`, which the proxy sets.
"""

from __future__ import annotations

import collections
import ipaddress
import json
import math
import os
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from datasette import Response
from datasette.utils import tilde_decode

from . import patches
from .asgi import App, Receive, Scope, Send, respond

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

EXTRA_FACETS = 5  # facets a request may add to the table's metadata facets
SQL_PER_CLIENT = 1
MAX_RESTING = 4096  # clients remembered for their wait; past that, those whose wait is over go
TRUSTED_PROXIES = "KZ_TRUSTED_PROXIES"  # comma-separated addresses besides loopback
DATABASE_PATH = re.compile(r"/(?P<database>[^/.]+)(?:\.\w+)?$")
TABLE_PATH = re.compile(r"/(?P<database>[^/.]+)/(?P<table>[^/.]+)(?:\.\w+)?$")
SQL_PARAMETERS = {DATABASE_PATH: "sql", TABLE_PATH: "_where"}


class FacetError(ValueError):
    """A facet parameter the site does not run."""


# Facets


def wrap_facets(datasette: Datasette, app: App) -> App:
    """`app` without repeated facet parameters, and 400 for too many or unreadable ones."""
    metadata_facets = metadata_facet_reader(datasette)

    async def bounded(scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string") or b""
        if scope["type"] != "http" or b"_facet" not in query:
            return await app(scope, receive, send)
        try:
            kept, added = new_facets(query, metadata_facets(scope.get("path", "")))
        except FacetError as e:
            return await respond(refusal(scope, 400, str(e)), send)
        if added > EXTRA_FACETS:
            return await respond(
                refusal(
                    scope,
                    400,
                    (
                        f"Too many facets: {added} distinct _facet, _facet_array and _facet_date parameters "
                        f"beside the table's own facets, at most {EXTRA_FACETS}"
                    ),
                ),
                send,
            )
        if kept != query:
            scope = dict(scope, query_string=kept)
        return await app(scope, receive, send)

    return bounded


def new_facets(query: bytes, metadata: frozenset[tuple[str, str]] = frozenset()) -> tuple[bytes, int]:
    """`query` minus the facets it repeats or the table's metadata has, and how many it adds."""
    seen = set(metadata)
    kept = []
    for part in query.split(b"&"):
        name, _, value = (_decode(p) for p in part.partition(b"="))
        facet = facet_of(name, value)
        if facet in seen:
            continue
        if facet is not None:
            seen.add(facet)
        kept.append(part)
    return (query if len(kept) == query.count(b"&") + 1 else b"&".join(kept)), len(seen) - len(metadata)


def facet_of(name: str, value: str) -> tuple[str, str] | None:
    """The (type, column) a query parameter facets by, None if it is no facet."""
    if not name.startswith("_facet") or name in patches.FACET_OPTIONS:
        return None
    if name == "_facet":
        kind = "column"
    elif name.startswith("_facet_"):
        kind = name[len("_facet_") :]
    else:
        raise FacetError(f"Unknown facet parameter {name!r}: use _facet, _facet_array or _facet_date")
    if kind not in patches.FACET_TYPES:
        return None  # Datasette has no facet of this type and ignores it
    return kind, (config_column(name, value) if value.startswith("{") else value)


def config_column(name: str, value: str) -> str:
    """The column of a facet's JSON configuration, `{"column": ...}` or `{"simple": ...}`."""
    try:
        config = json.loads(value)
    except ValueError:
        config = None
    column = (config.get("column") or config.get("simple")) if isinstance(config, dict) else None
    if not isinstance(column, str):
        raise FacetError(f'Invalid {name} configuration {value!r}: expected a column name or {{"column": "<name>"}}')
    return column


def metadata_facet_reader(datasette: Datasette) -> Callable[[str], frozenset[tuple[str, str]]]:
    """The (type, column) of the metadata facets of the table of a path (none for other paths)."""
    known: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}

    def read(path: str) -> frozenset[tuple[str, str]]:
        match = TABLE_PATH.match(path)
        if match is None:
            return frozenset()
        database, table = tilde_decode(match["database"]), tilde_decode(match["table"])
        if database not in patches.database_routes(datasette):
            return frozenset()
        if (database, table) not in known:
            if len(known) >= patches.PERMISSION_CACHE_SIZE:
                known.clear()  # a URL can name any table
            configs = datasette.metadata("facets", database=database, table=table, fallback=False)
            known[database, table] = frozenset(metadata_facet(c) for c in configs or [])
        return known[database, table]

    return read


def metadata_facet(config: str | dict) -> tuple[str, str]:
    """The (type, column) of one facet of the metadata: a column name or `{type: config}`."""
    if isinstance(config, str):
        return "column", config
    kind, inner = next(iter(config.items()))
    return kind, inner if isinstance(inner, str) else (inner.get("column") or inner.get("simple"))


def _decode(part: bytes) -> str:
    """One name or value of a query string, decoded as Datasette decodes it."""
    return unquote_plus(part.decode("latin-1"), encoding="utf-8", errors="replace")


# Arbitrary SQL


class SqlLimits:
    """How many arbitrary-SQL requests run now, in all and per client, when each client may send the
    next one, and the caps on all three."""

    def __init__(
        self,
        per_client: int,
        total: int,
        retry_after_s: int,
        trusted: frozenset[str] = frozenset(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """No requests running yet; at most `per_client` of one client and `total` in all; a request
        that runs for half of `retry_after_s` or more makes its client rest as long."""
        self.per_client, self.total, self.retry_after_s, self.trusted = per_client, total, retry_after_s, trusted
        self.clock, self.rest_after_s = clock, retry_after_s / 2
        self.running: collections.Counter[str] = collections.Counter()
        self.resting: dict[str, float] = {}  # client: when (on `clock`) it may send the next one

    @classmethod
    def for_site(cls, datasette: Datasette) -> SqlLimits:
        """The caps of this site: one SQL thread kept free, the time limit as the wait."""
        threads = datasette.setting("num_sql_threads") or 1  # 0: queries run on the event loop
        retry = max(1, math.ceil(datasette.setting("sql_time_limit_ms") / 1000))
        trusted = frozenset(a.strip() for a in os.environ.get(TRUSTED_PROXIES, "").split(",") if a.strip())
        return cls(SQL_PER_CLIENT, max(1, threads - 1), retry, trusted)

    def wrap(self, datasette: Datasette, app: App) -> App:
        """`app` with arbitrary-SQL requests beyond the caps answered 429."""

        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or not runs_arbitrary_sql(datasette, scope):
                return await app(scope, receive, send)
            client = client_address(scope, self.trusted)
            refused = self.acquire(client)
            if refused is not None:
                message, wait = refused
                response = refusal(scope, 429, message)
                response.headers["Retry-After"] = str(wait)
                return await respond(response, send)
            started = self.clock()
            try:
                return await app(scope, receive, send)
            finally:
                self.release(client, started)

        return limited

    def acquire(self, client: str) -> tuple[str, int] | None:
        """Count one more request of `client`; or, if a cap is reached, why not and how long to wait."""
        rest = self.resting.get(client, 0.0) - self.clock()
        if rest > 0:
            return ("Your last SQL query ran for a while: wait as long before the next one", max(1, math.ceil(rest)))
        if self.running[client] >= self.per_client:
            return (
                f"Too many SQL queries at once: at most {self.per_client} per client; wait for yours to finish",
                self.retry_after_s,
            )
        if sum(self.running.values()) >= self.total:
            return "Too many SQL queries at once on the site: retry shortly", self.retry_after_s
        self.running[client] += 1
        return None

    def release(self, client: str, started: float) -> None:
        """Count one request of `client` fewer; after a slow one, it rests as long as that ran."""
        self.running[client] -= 1
        if self.running[client] <= 0:
            del self.running[client]
        now = self.clock()
        if now - started < self.rest_after_s:
            return
        if len(self.resting) >= MAX_RESTING:
            self.resting = {c: t for c, t in self.resting.items() if t > now}
        self.resting[client] = max(self.resting.get(client, 0.0), now + (now - started))


def runs_arbitrary_sql(datasette: Datasette, scope: Scope) -> bool:
    """Whether a request runs SQL its client wrote: `sql` on a database, `_where` on a table."""
    query = scope.get("query_string") or b""
    if b"sql" not in query and b"_where" not in query:
        return False
    path = scope.get("path", "")
    for pattern, parameter in SQL_PARAMETERS.items():
        match = pattern.match(path)
        if match and tilde_decode(match["database"]) in patches.database_routes(datasette):
            return any(
                _decode(name) == parameter and value
                for name, _, value in (p.partition(b"=") for p in query.split(b"&"))
            )
    return False


def client_address(scope: dict, trusted: frozenset[str] = frozenset()) -> str:
    """The client's address: the peer's, or the one a trusted proxy forwards."""
    peer = (scope.get("client") or ("",))[0] or ""
    if not is_trusted_proxy(peer, trusted):
        return peer
    forwarded = [v for k, v in scope.get("headers") or [] if k.lower() == b"x-forwarded-for"]
    if not forwarded:
        return peer
    return forwarded[-1].decode("latin-1").split(",")[-1].strip() or peer


def is_trusted_proxy(address: str, trusted: frozenset[str]) -> bool:
    """Whether `address` is loopback or one of `trusted`."""
    if address in trusted:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def refusal(scope: dict, status: int, message: str) -> Response:
    """A refusal as JSON for .json paths, as text otherwise."""
    if scope.get("path", "").endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": status, "title": None}, status=status)
    return Response.text(message, status=status)
