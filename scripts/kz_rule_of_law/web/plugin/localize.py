"""Every page in each language at its own URL: `/kk/...` Kazakh, `/ru/...` Russian, and English
at the site's unprefixed URLs, which stay what they were (links and citations made before keep
working; data formats and downloads have one address). No cookie: a URL is its page in one
language, so it can be linked, and cached by anyone.

- The prefix is stripped from `path` and `raw_path` before the rest of the site sees the request
  (`wrap`, outermost: the guard judges the path without it), and the language goes into the scope
  (`language.SCOPE_KEY`) for `language_of`, the response cache's key and the ETag.
- An HTML answer (`wrap_links`, inside the cache and gzip) keeps the language in its links: root-
  relative and own-origin `href` and `action` URLs get the prefix, except static assets, downloads,
  files with an extension (`.json`, `.csv`), links already in a language (`/kk/`, `/ru/`, `/en/`)
  and links that say their `hreflang` (the language switch). A redirect's `Location` keeps it too.
- `/en/...` redirects to the unprefixed URL, `/kk` and `/ru` to `/kk/` and `/ru/`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from datasette import Response

from . import patches
from .asgi import App, Message, Receive, Scope, Send, respond
from .language import CURRENT, DEFAULT, LANGUAGES, SCOPE_KEY

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

PREFIXED = tuple(language for language in LANGUAGES if language != DEFAULT)
# The start tags whose links are a page's navigation, and the link attributes in them.
LINK_TAG = re.compile(rb"<(?:a|form|area)\b[^>]*>", re.IGNORECASE)
LINK_ATTRIBUTE = re.compile(rb"""(\s(?:href|action)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
HREFLANG = re.compile(rb"\shreflang\s*=", re.IGNORECASE)
# Datasette's own static files, whatever the site mounts.
STATIC_PREFIXES = ("/-/static/", "/-/static-plugins/")


def split(path: str) -> tuple[str | None, str]:
    """The language prefix of a path (None if it has none) and the path without it."""
    first, slash, rest = path[1:].partition("/")
    if first in LANGUAGES and path.startswith("/"):
        return first, "/" + rest if slash else ""
    return None, path


def wrap(datasette: Datasette, app: App) -> App:
    """`app` serving every page under each language's prefix too."""

    async def localized(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        language, path = split(scope.get("path", ""))
        if language is None:
            return await app(scope, receive, send)
        query = scope.get("query_string") or b""
        if language == DEFAULT or not path:
            target = path or f"/{language}/"
            return await respond(_redirect(target, query), send)
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        scope = dict(scope, path=path, raw_path=raw[len(language) + 1 :])
        scope[SCOPE_KEY] = language
        token = CURRENT.set(language)
        try:
            return await app(scope, receive, send)
        finally:
            CURRENT.reset(token)

    return localized


def wrap_links(datasette: Datasette, app: App) -> App:
    """`app` answering a page in a prefixed language with its links in that language. It sits inside
    the response cache and gzip (the cache keys pages by language), so it rewrites plain HTML once."""

    async def rewritten(scope: Scope, receive: Receive, send: Send) -> None:
        language = scope.get(SCOPE_KEY)
        if scope["type"] != "http" or language not in PREFIXED:
            return await app(scope, receive, send)
        links = Links(language, _origin(scope), _unprefixed(datasette))
        return await app(scope, receive, _Rewriting(send, links))

    return rewritten


def _redirect(target: str, query: bytes) -> Response:
    """A permanent redirect to `target` with the request's query string."""
    location = target + ("?" + query.decode("latin-1") if query else "")
    return Response.redirect(location, status=301)


def _origin(scope: Scope) -> bytes | None:
    """The scheme and Host of a request, as Datasette writes its absolute URLs (`http://host`)."""
    host = b""
    for key, value in scope.get("headers") or []:
        if key.lower() == b"host":
            host = value  # the last one, as Datasette reads it
    return scope.get("scheme", "http").encode("latin-1") + b"://" + host if host else None


def _unprefixed(datasette: Datasette) -> tuple[str, ...]:
    """The path prefixes that stay the same in every language: static files and downloads."""
    return (*STATIC_PREFIXES, *(f"/{mount}/" for mount in patches.static_mounts(datasette)))


class Links:
    """How a page in one language writes its links."""

    def __init__(self, language: str, origin: bytes | None, unprefixed: tuple[str, ...]) -> None:
        """Links of a page in `language`, served at `origin`; paths under `unprefixed` stay as they are."""
        self.prefix = b"/" + language.encode("ascii")
        self.origin = origin
        self.unprefixed = tuple(p.encode("utf-8") for p in unprefixed)
        self.languages = tuple(f"/{lang}/".encode("ascii") for lang in LANGUAGES)

    def url(self, url: bytes) -> bytes:
        """`url` in the page's language, if it is a page of this site."""
        if self.origin and url.startswith(self.origin + b"/"):
            return self.origin + self.url(url[len(self.origin) :])
        if not url.startswith(b"/") or url.startswith((b"//", b"/\\")):
            return url
        path = re.split(rb"[?#]", url, maxsplit=1)[0]
        if path.startswith(self.unprefixed) or (path + b"/").startswith(self.languages):
            return url
        if b"." in path.rsplit(b"/", 1)[-1]:  # a file: .json, .csv, a download (Datasette tilde-encodes dots in names)
            return url
        return self.prefix + url

    def html(self, body: bytes) -> bytes:
        """An HTML page with its links in the page's language."""
        return LINK_TAG.sub(self._tag, body)

    def _tag(self, match: re.Match[bytes]) -> bytes:
        """One start tag with its link in the page's language, unless it says its own language."""
        tag = match.group(0)
        if HREFLANG.search(tag):
            return tag
        return LINK_ATTRIBUTE.sub(lambda m: m.group(1) + m.group(2) + self._escaped(m.group(3)) + m.group(2), tag)

    def _escaped(self, value: bytes) -> bytes:
        """An attribute's URL (HTML-escaped, as written) in the page's language."""
        return self.url(value.replace(b"&amp;", b"&")).replace(b"&", b"&amp;") if b"&" in value else self.url(value)


class _Rewriting:
    """A `send` that puts the language into a redirect's Location and into an HTML page's links."""

    def __init__(self, send: Send, links: Links) -> None:
        """Nothing seen yet."""
        self.send, self.links = send, links
        self.start: Message | None = None
        self.body: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        """Pass a message on; hold an HTML body until it is whole, to rewrite it."""
        if message["type"] == "http.response.start":
            headers = [(k, self._location(k, v)) for k, v in message.get("headers", [])]
            message = dict(message, headers=headers)
            if _is_plain_html(headers):
                self.start = message
                return None
        elif message["type"] == "http.response.body" and self.start is not None:
            self.body.append(message.get("body", b""))
            if message.get("more_body"):
                return None
            return await self._send_page()
        return await self.send(message)

    def _location(self, key: bytes, value: bytes) -> bytes:
        """A header's value, with a Location in the page's language."""
        return self.links.url(value) if key.lower() == b"location" else value

    async def _send_page(self) -> None:
        """Send the held HTML page with its links rewritten and its length counted again."""
        assert self.start is not None
        body = b"".join(self.body)
        headers = self.start.get("headers", [])
        if body:  # (a HEAD answer has none, and keeps the length of the page)
            body = self.links.html(body)
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode("ascii")))
        await self.send(dict(self.start, headers=headers))
        await self.send({"type": "http.response.body", "body": body})


def _is_plain_html(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a response is an HTML page that is not compressed."""
    found = {k.lower(): v for k, v in headers}
    return found.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in found
