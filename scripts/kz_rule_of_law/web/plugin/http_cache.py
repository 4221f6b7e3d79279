"""Cache headers, so that browsers, proxies and CDNs keep the immutable site, and 304 answers.

Every 200 answer to GET or HEAD (pages, JSON, CSV, downloads, static files) gets:

- `ETag`: a strong tag of what the answer is made from: the site's identity (the databases' content
  hashes, the metadata, the descriptor and the notes served for download (README, licences,
  citation, changelog), the plugin's code and templates,
  Datasette's version) and the request's scheme, host, full path (a language prefix too), query
  string and content encoding (the gzip and the plain answer are different bytes);
- `Last-Modified`: the data's date, the newest release date in the `sources` table (or the
  descriptor's `created`, when later), never a file's mtime, which every build changes;
- `Cache-Control`: `public, max-age=600` for pages and downloads: any cache may keep them, and
  after ten minutes asks again with the ETag, which costs a 304 until a new release (so a release
  is seen within ten minutes); a year and `immutable` for Datasette's static files whose URL
  carries a version (a hash in the query string, a version in the name), a day for its others;
  `private, max-age=300` for arbitrary SQL (`?sql=` or `_where=`): its URLs are unbounded and
  seldom asked twice, so a shared cache should not fill with them, while the visitor's own
  browser may keep an answer for going back and forth (the database never changes while the
  site runs, so the answer is not stale).

`If-None-Match` (weak comparison, `*` too) is answered 304; `If-Modified-Since` only when the request
has no `If-None-Match`, as RFC 9110 says. Answers for a request with an actor (a login cookie,
`Authorization`) or that set a cookie are left as they are.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import re
import weakref
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import datasette as datasette_module
from datasette import hookimpl

from ...identity import combine, file_digest
from ..downloads import BUNDLE_FILES
from . import static
from .asgi import App, Message, Receive, Scope, Send
from .language import SCOPE_KEY

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

PAGES = b"public, max-age=600"
ARBITRARY_SQL = b"private, max-age=300"
VERSIONED_STATIC = b"public, max-age=31536000, immutable"
STATIC = b"public, max-age=86400"
STATIC_PREFIXES = ("/-/static/", "/-/static-plugins/")
VERSIONED_NAME = re.compile(r"-\d+(?:\.\d+)+[.-]")  # codemirror-5.57.0.min.js
SQL_PARAMETER = re.compile(rb"(?:^|&)(?:sql|_where)=")
CODE_FOLDER = Path(__file__).resolve().parent.parent  # web/: the plugin, templates, queries
DESCRIPTOR = static.DESCRIPTOR
KEPT_ON_304 = (b"etag", b"cache-control", b"last-modified", b"vary", b"expires", b"content-location")
DATA_DATE_SQL = "SELECT max(date) FROM sources WHERE date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"


class SiteIdentity:
    """What the site's answers are made from, worked out once (the site is immutable while it runs)."""

    def __init__(self, datasette: Datasette) -> None:
        """Not worked out yet."""
        self.datasette = datasette
        self.digest: bytes | None = None
        self.last_modified: bytes | None = None
        self.data_day: date | None = None
        self.descriptor: dict[str, Any] = {}
        self.lock = asyncio.Lock()

    async def ready(self) -> None:
        """Work out the identity and the data's date, on the first request."""
        if self.digest is not None:
            return
        async with self.lock:
            if self.digest is None:
                self.descriptor = downloads_descriptor(self.datasette)
                self.data_day = await data_date(self.datasette, self.descriptor)
                self.last_modified = _http_date(self.data_day)
                self.digest = (await asyncio.to_thread(site_identity, self.datasette)).encode("ascii")

    def etag(self, scope: Scope, headers: dict[bytes, bytes], encoding: bytes) -> bytes:
        """The strong ETag of one answer."""
        digest = hashlib.sha256(self.digest or b"")
        parts = [
            scope.get("scheme", "http").encode("latin-1"),
            headers.get(b"host", b""),
            scope.get("raw_path") or scope.get("path", "").encode("utf-8"),
            scope.get("query_string") or b"",
            str(scope.get(SCOPE_KEY, "")).encode("ascii"),
            encoding,
        ]
        for part in parts:
            digest.update(len(part).to_bytes(8, "big") + part)
        return b'"' + digest.hexdigest()[:40].encode("ascii") + b'"'


IDENTITIES: weakref.WeakKeyDictionary[Datasette, SiteIdentity] = weakref.WeakKeyDictionary()


def identity_of(datasette: Datasette) -> SiteIdentity:
    """The one SiteIdentity of a site (every app it makes shares it)."""
    found = IDENTITIES.get(datasette)
    if found is None:
        found = IDENTITIES[datasette] = SiteIdentity(datasette)
    return found


@hookimpl(specname="startup")
def remember_identity(datasette: Datasette) -> Callable[[], Awaitable[None]]:
    """Work out the site's identity at startup: Datasette fills its metadata in as pages are served,
    so the metadata read before the first page is the same on every start and every replica."""

    async def ready() -> None:
        await identity_of(datasette).ready()

    return ready


def site_identity(datasette: Datasette) -> str:
    """One digest of the databases' hashes, the metadata, the downloads' descriptor, the code and Datasette."""
    databases = sorted((name, str(db.hash)) for name, db in datasette.databases.items() if not db.is_memory)
    metadata = json.dumps(datasette.metadata(), sort_keys=True, default=str)
    code = [
        (path.relative_to(CODE_FOLDER).as_posix(), file_digest(path))
        for path in sorted(CODE_FOLDER.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    found = static.downloads_folder(datasette)
    notes = [found[1] / name for name in (DESCRIPTOR, *BUNDLE_FILES)] if found else []
    return combine(
        [
            *databases,
            ("metadata", hashlib.sha256(metadata.encode("utf-8")).hexdigest()),
            *code,
            *((path.name, file_digest(path) if path.is_file() else None) for path in notes),
            ("datasette", datasette_module.__version__),
        ]
    )


def downloads_descriptor(datasette: Datasette) -> dict[str, Any]:
    """The descriptor served for download, or {} when there is none."""
    folder = static.downloads_folder(datasette)
    try:
        found = json.loads((folder[1] / DESCRIPTOR).read_text(encoding="utf-8")) if folder else {}
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


async def data_date(datasette: Datasette, descriptor: dict[str, Any]) -> date | None:
    """The newest release date of the data (the `sources` tables), or the descriptor's `created` if later."""
    found: list[date] = []
    created = str(descriptor.get("created") or "")[:10]
    if _is_date(created):
        found.append(date.fromisoformat(created))
    for db in datasette.databases.values():
        if db.is_memory or not await db.table_exists("sources"):
            continue
        try:
            newest = (await db.execute(DATA_DATE_SQL)).first()
        except Exception:  # a sources table of another shape: no date from it
            continue
        if newest and newest[0] and _is_date(str(newest[0])[:10]):
            found.append(date.fromisoformat(str(newest[0])[:10]))
    return max(found, default=None)


def _is_date(text: str) -> bool:
    """Whether `text` is an ISO date."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _http_date(day: date | None) -> bytes | None:
    """A day's midnight (UTC) as an HTTP date."""
    if day is None:
        return None
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return email.utils.format_datetime(moment, usegmt=True).encode("ascii")


def cache_control(scope: Scope) -> bytes:
    """How long an answer at this URL may be kept, and by whom (module docstring)."""
    path = scope.get("path", "")
    query = scope.get("query_string") or b""
    if path.startswith(STATIC_PREFIXES):
        name = path.rsplit("/", 1)[-1]
        return VERSIONED_STATIC if query or VERSIONED_NAME.search(name) else STATIC
    if SQL_PARAMETER.search(query):
        return ARBITRARY_SQL
    return PAGES


def wrap(datasette: Datasette, app: App) -> App:
    """`app` with cache headers on its 200 answers, and 304 for a client that has the answer already."""
    identity = identity_of(datasette)

    async def conditional(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return await app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        if b"authorization" in headers or b"ds_actor" in headers.get(b"cookie", b""):
            return await app(scope, receive, send)
        await identity.ready()
        return await app(scope, receive, _Conditional(send, identity, scope, headers))

    return conditional


class _Conditional:
    """A `send` that adds the cache headers to a 200 answer, or turns it into a 304."""

    def __init__(self, send: Send, identity: SiteIdentity, scope: Scope, headers: dict[bytes, bytes]) -> None:
        """Nothing seen yet."""
        self.send, self.identity, self.scope, self.headers = send, identity, scope, headers
        self.dropping = False

    async def __call__(self, message: Message) -> None:
        """Pass one message on; after a 304 start, the body is dropped (one empty body ends the answer)."""
        if message["type"] == "http.response.start":
            message = self._start(message)
        elif message["type"] == "http.response.body" and self.dropping:
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b""}
        await self.send(message)

    def _start(self, message: Message) -> Message:
        """The start with the cache headers, or a 304 start when the client's copy is current."""
        response = message.get("headers", [])
        if message.get("status") != 200 or any(k.lower() == b"set-cookie" for k, _ in response):
            return message
        added = self._validators(response)
        names = {name for name, _ in added}
        headers = [(k, v) for k, v in response if k.lower() not in names] + added
        if not_modified(self.headers, added[0][1], self.identity.last_modified):
            self.dropping = True
            return {"type": "http.response.start", "status": 304, "headers": _kept_on_304(headers)}
        return dict(message, headers=headers)

    def _validators(self, response: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """ETag (first), Cache-Control and Last-Modified of a 200 answer with these headers."""
        encoding = next((v for k, v in response if k.lower() == b"content-encoding"), b"")
        added = [
            (b"etag", self.identity.etag(self.scope, self.headers, encoding)),
            (b"cache-control", cache_control(self.scope)),
        ]
        if self.identity.last_modified:
            added.append((b"last-modified", self.identity.last_modified))
        return added


def _kept_on_304(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers a 304 repeats from the 200 it stands for."""
    return [(k, v) for k, v in headers if k.lower() in KEPT_ON_304 or k.lower().startswith(b"x-kz-")]


def not_modified(request: dict[bytes, bytes], etag: bytes, last_modified: bytes | None) -> bool:
    """Whether the request's validators say the client holds this answer already."""
    if b"if-none-match" in request:
        wanted = [tag.strip() for tag in request[b"if-none-match"].split(b",")]
        return any(tag == b"*" or tag.removeprefix(b"W/") == etag for tag in wanted)
    since = request.get(b"if-modified-since")
    if since is None or last_modified is None:
        return False
    try:
        asked = email.utils.parsedate_to_datetime(since.decode("latin-1"))
    except (TypeError, ValueError):
        return False
    if asked.tzinfo is None:
        return False
    return asked >= email.utils.parsedate_to_datetime(last_modified.decode("latin-1"))
