"""Static files (the downloads) are UTF-8: their text types say so, Markdown is shown as plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import patches
from .asgi import App, Message, Receive, Scope, Send

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette


def wrap(datasette: Datasette, app: App) -> App:
    """`app` with the content type of static files' text made explicit."""

    async def utf8_static(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_static(datasette, scope.get("path", "")):
            return await app(scope, receive, send)

        async def utf8_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(
                    message,
                    headers=[
                        (k, utf8(v) if k.lower() == b"content-type" else v) for k, v in message.get("headers", [])
                    ],
                )
            await send(message)

        return await app(scope, receive, utf8_send)

    return utf8_static


def is_static(datasette: Datasette, path: str) -> bool:
    """Whether `path` is under one of the site's static mounts."""
    return path.startswith(tuple(f"/{mount}/" for mount in patches.static_mounts(datasette)))


def utf8(content_type: bytes) -> bytes:
    """A text content type with charset=utf-8; Markdown as plain text."""
    if content_type.startswith(b"text/markdown"):
        return b"text/plain; charset=utf-8"
    if content_type.startswith(b"text/") and b"charset" not in content_type:
        return content_type + b"; charset=utf-8"
    return content_type
