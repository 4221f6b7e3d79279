"""Complete 200 responses to GET and HEAD, kept in memory: the database is immutable and the
metadata read once, so a page does not change while the server runs.

- A page depends on the request's method, scheme, Host header, path, query string and language
  (the prefix `/kk/`, `/ru/` the language middleware took off the path; Datasette
  builds absolute links, such as `next_url` and facet links, from the scheme and Host), so all of
  them make the key: a request naming another host gets its own entry, never another visitor's.
  The key holds the encoding the answer gets too (compress.variant: gzip or none), so a page is
  compressed once, when it is made, and kept as the bytes sent.
- The bound (64 MiB) counts everything an entry holds: its key, status, headers, body and the
  bookkeeping of the table that holds it; no entry over 1 MiB; least recently used out first.
- Responses that set a cookie and requests that carry an actor are never kept. A request with
  `Cache-Control: no-cache` is answered afresh (and its answer kept).
- The `x-kz-cache` header says `hit` or `miss`; the environment variable `KZ_SITE_CACHE=off` turns
  the cache off (`x-kz-cache: off`), to measure what pages cost.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import OrderedDict

from . import compress
from .asgi import App, Message, Receive, Scope, Send
from .language import SCOPE_KEY

CACHE_BYTES = 64 * 1024 * 1024
CACHE_ITEM_BYTES = 1024 * 1024
CACHE_SWITCH = "KZ_SITE_CACHE"  # "off" (or "0", "no", "false") turns the response cache off
# What one more entry costs the OrderedDict beyond its key and value: its node in the order list
# and its share of the hash table (which grows to up to three slots an entry).
ENTRY_OVERHEAD = 256
KEYED_HEADERS = (b"host",)

Entry = tuple[int, tuple[tuple[bytes, bytes], ...], bytes]  # status, headers, body


def from_environment() -> ResponseCache:
    """The site's cache: CACHE_BYTES, or none if KZ_SITE_CACHE says off."""
    off = os.environ.get(CACHE_SWITCH, "").strip().lower() in ("off", "0", "no", "false")
    return ResponseCache(0 if off else CACHE_BYTES, CACHE_ITEM_BYTES)


class ResponseCache:
    """Complete 200 responses to GET and HEAD, bounded in bytes, least recently used first out."""

    def __init__(self, max_bytes: int, max_item_bytes: int) -> None:
        """An empty cache of at most `max_bytes` (0: no cache), keeping no entry over `max_item_bytes`."""
        self.max_bytes, self.max_item_bytes = max_bytes, max_item_bytes
        self.entries: OrderedDict[bytes, Entry] = OrderedDict()
        self.size = 0

    def wrap(self, app: App) -> App:
        """`app` answered from this cache."""

        async def cached(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                return await app(scope, receive, send)
            return await self.serve(scope, receive, send, app)

        return cached

    async def serve(self, scope: Scope, receive: Receive, send: Send, app: App) -> None:
        """Answer from the cache, or run `app` and keep its answer if it may be kept."""
        if not self.max_bytes:
            return await app(scope, receive, _marking(send, b"off"))
        headers = [(k.lower(), v) for k, v in scope.get("headers") or []]
        if _carries_actor(headers):
            return await app(scope, receive, send)
        key = cache_key(scope, headers)
        entry = None if _asks_afresh(headers) else self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            return await _send_entry(entry, send)
        capture = _Capture(send, self.max_item_bytes)
        await app(scope, receive, capture)
        kept = capture.entry()
        if kept is not None:
            self.put(key, kept)

    def put(self, key: bytes, entry: Entry) -> None:
        """Keep one response, dropping the least recently used ones beyond the byte bound."""
        size = entry_size(key, entry)
        if size > self.max_item_bytes:
            return
        if key in self.entries:
            self.size -= entry_size(key, self.entries.pop(key))
        self.entries[key] = entry
        self.size += size
        while self.size > self.max_bytes and self.entries:
            old_key, old_entry = self.entries.popitem(last=False)
            self.size -= entry_size(old_key, old_entry)


def _carries_actor(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a request (its headers lowercased) may be answered for one visitor only."""
    return any(k == b"authorization" or (k == b"cookie" and b"ds_actor" in v) for k, v in headers)


def _asks_afresh(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a request says `Cache-Control: no-cache`."""
    return any(k == b"cache-control" and b"no-cache" in v.lower() for k, v in headers)


def _marking(send: Send, mark: bytes) -> Send:
    """`send` with the x-kz-cache header set to `mark` on the response start."""

    async def marked(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = dict(message, headers=[*message.get("headers", []), (b"x-kz-cache", mark)])
        await send(message)

    return marked


async def _send_entry(entry: Entry, send: Send) -> None:
    """Answer with a kept response, marked as a hit."""
    status, kept_headers, body = entry
    await send({"type": "http.response.start", "status": status, "headers": [*kept_headers, (b"x-kz-cache", b"hit")]})
    await send({"type": "http.response.body", "body": body})


class _Capture:
    """A `send` that passes a response on, marked as a miss, and holds a copy while it may be kept."""

    def __init__(self, send: Send, max_item_bytes: int) -> None:
        """Nothing seen yet; a body over `max_item_bytes` is not kept."""
        self.send, self.max_item_bytes = send, max_item_bytes
        self.start: Message | None = None
        self.body: list[bytes] = []
        self.size = 0
        self.keep = True

    async def __call__(self, message: Message) -> None:
        """Pass one message on, noting what the entry needs."""
        if message["type"] == "http.response.start":
            self.start = message
            self.keep = message.get("status") == 200 and not any(
                k.lower() == b"set-cookie" for k, _ in message.get("headers", [])
            )
            message = dict(message, headers=[*message.get("headers", []), (b"x-kz-cache", b"miss")])
        elif message["type"] == "http.response.body" and self.keep:
            self._hold(message.get("body", b""))
        await self.send(message)

    def _hold(self, body: bytes) -> None:
        """Hold a piece of the body, or give up keeping the response once it is over the limit."""
        self.size += len(body)
        if self.size > self.max_item_bytes:
            self.keep, self.body = False, []
        else:
            self.body.append(body)

    def entry(self) -> Entry | None:
        """The response to keep, if it may be kept."""
        if not self.keep or self.start is None:
            return None
        headers = tuple((bytes(k), bytes(v)) for k, v in self.start.get("headers", []))
        return self.start["status"], headers, b"".join(self.body)


def cache_key(scope: dict, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A digest of what a page depends on: method, scheme, Host, path, query string, language and encoding."""
    digest = hashlib.sha256()
    keyed = {k: v for k, v in headers if k in KEYED_HEADERS}  # the last one, as Datasette reads it
    parts = [
        scope.get("method", "GET").encode("latin-1"),
        scope.get("scheme", "http").encode("latin-1"),
        *(keyed.get(name, b"") for name in KEYED_HEADERS),
        scope.get("raw_path") or scope.get("path", "").encode("utf-8"),
        scope.get("query_string") or b"",
        str(scope.get(SCOPE_KEY, "")).encode("ascii"),
        compress.variant(scope),
    ]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.digest()


def entry_size(key: bytes, entry: Entry) -> int:
    """The bytes one entry holds: key, the tuples and bytes of its value, and the table's overhead."""
    status, headers, body = entry
    return (
        ENTRY_OVERHEAD
        + sys.getsizeof(key)
        + sys.getsizeof(entry)
        + sys.getsizeof(status)
        + sys.getsizeof(headers)
        + sum(sys.getsizeof(pair) + sys.getsizeof(pair[0]) + sys.getsizeof(pair[1]) for pair in headers)
        + sys.getsizeof(body)
    )
