"""gzip for text answers (HTML, JSON, CSV, JavaScript, CSS, XML, SVG, plain text).

- Only for a client whose `Accept-Encoding` accepts gzip, and never for a request with a `Range`
  header (a range counts bytes of the uncompressed file) or an answer that is already encoded,
  partial (206, `Content-Range`) or without a body (204, 304).
- Every answer of a compressible type says `Vary: Accept-Encoding`, compressed or not, so that a
  shared cache keeps the two apart.
- The body is compressed as it streams (a table's whole CSV too), with no `Content-Length`. An
  answer to HEAD gets the headers of the compressed GET and no body.
- The response cache sits outside this middleware and keys on `variant`, so a kept page is
  compressed once, when it is first made, and every later hit sends the kept gzip bytes.
"""

from __future__ import annotations

import zlib

from .asgi import App, Message, Receive, Scope, Send

TEXT_TYPES = (
    b"text/",
    b"application/json",
    b"application/javascript",
    b"application/xml",
    b"application/ld+json",
    b"application/manifest+json",
    b"image/svg+xml",
)
NO_BODY = (204, 206, 304)
GZIP = b"gzip"
LEVEL = 6  # zlib's default: most of level 9's gain at a third of its time
GZIP_WBITS = 31  # zlib with a gzip header and trailer
MIN_BYTES = 256  # an answer known to be shorter gains nothing from compression


def accepts_gzip(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request's `Accept-Encoding` (headers lowercased) accepts gzip."""
    found = [v for k, v in headers if k == b"accept-encoding"]
    weights: dict[bytes, float] = {}
    for value in found:
        for item in value.lower().split(b","):
            name, _, params = item.strip().partition(b";")
            weights[name.strip()] = _quality(params)
    if GZIP in weights:
        return weights[GZIP] > 0
    return weights.get(b"*", 0) > 0


def _quality(params: bytes) -> float:
    """The `q` weight of one coding (1 when absent, 0 when unreadable)."""
    for param in params.split(b";"):
        name, _, value = param.strip().partition(b"=")
        if name.strip() == b"q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def variant(scope: Scope) -> bytes:
    """The encoding the answer to this request gets when its type is compressible: gzip or none."""
    headers = [(k.lower(), v) for k, v in scope.get("headers") or []]
    if any(k == b"range" for k, _ in headers):
        return b""
    return GZIP if accepts_gzip(headers) else b""


def compressible(message: Message) -> bool:
    """Whether a response start is of a text type, with a body, not encoded or partial yet."""
    if message.get("status") in NO_BODY:
        return False
    headers = {k.lower(): v for k, v in message.get("headers", [])}
    if b"content-encoding" in headers or b"content-range" in headers:
        return False
    length = headers.get(b"content-length")
    if length is not None and length.isdigit() and int(length) < MIN_BYTES:
        return False
    content_type: bytes = headers.get(b"content-type", b"")
    return content_type.lower().startswith(TEXT_TYPES)


def wrap(app: App) -> App:
    """`app` with its text answers gzipped for the clients that accept it."""

    async def compressing(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        gzip = variant(scope) == GZIP
        return await app(scope, receive, _Compressor(send, gzip, scope.get("method") == "HEAD"))

    return compressing


class _Compressor:
    """A `send` that adds Vary to compressible answers and gzips their body when asked to."""

    def __init__(self, send: Send, gzip: bool, head: bool) -> None:
        """Nothing seen yet; `gzip`: whether the client takes gzip; `head`: an answer without body."""
        self.send, self.gzip, self.head = send, gzip, head
        self.encoder: zlib._Compress | None = None

    async def __call__(self, message: Message) -> None:
        """Pass one message on, its headers or body rewritten when compressing."""
        if message["type"] == "http.response.start":
            message = self._start(message)
        elif message["type"] == "http.response.body" and self.encoder is not None:
            message = self._body(message)
        await self.send(message)

    def _start(self, message: Message) -> Message:
        """The response start, with Vary, and the gzip headers when compressing."""
        if not compressible(message):
            return message
        headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"vary"]
        vary = [v for k, v in message.get("headers", []) if k.lower() == b"vary"]
        headers.append((b"vary", b", ".join([*vary, b"Accept-Encoding"])))
        if self.gzip:
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-encoding", GZIP))
            self.encoder = zlib.compressobj(LEVEL, zlib.DEFLATED, GZIP_WBITS)
        return dict(message, headers=headers)

    def _body(self, message: Message) -> Message:
        """A piece of the body, compressed; the last one ends the gzip stream."""
        assert self.encoder is not None
        data = self.encoder.compress(message.get("body", b""))
        if not message.get("more_body", False):
            data += self.encoder.flush()
        return dict(message, body=b"" if self.head else data)
