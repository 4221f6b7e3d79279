"""Static files (the downloads) are UTF-8: their text types say so, Markdown is shown as plain text;
a missing file or a folder answers the site's error page (with its way home), not a bare line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datasette.utils.asgi import Request

from . import language, patches, version
from .asgi import App, Message, Receive, Scope, Send

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

DESCRIPTOR = "datapackage.json"
ERRORS = {403: "Forbidden: no listing of this folder", 404: "File not found"}


def wrap(datasette: Datasette, app: App) -> App:
    """`app` with the content type of static files' text made explicit, and its error pages."""

    async def utf8_static(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_static(datasette, scope.get("path", "")):
            return await app(scope, receive, send)
        replaced = False

        async def utf8_send(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message.get("status") in ERRORS:
                replaced = True
                return await error_page(datasette, message["status"], Request(scope, receive), send)
            if replaced:
                return None
            if message["type"] == "http.response.start":
                message = dict(
                    message,
                    headers=[
                        (k, utf8(v) if k.lower() == b"content-type" else v) for k, v in message.get("headers", [])
                    ],
                )
            return await send(message)

        return await app(scope, receive, utf8_send)

    return utf8_static


async def error_page(datasette: Datasette, status: int, request: Request, send: Send) -> None:
    """The site's error page for a static file's 403 or 404."""
    info = {"ok": False, "error": ERRORS[status], "status": status, "title": None}
    info.update(language.template_vars(request), **version.template_vars(datasette))  # for the footer
    body = (await patches.render_error_page(datasette, status, info)).encode("utf-8")
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def is_static(datasette: Datasette, path: str) -> bool:
    """Whether `path` is under one of the site's static mounts."""
    return path.startswith(tuple(f"/{mount}/" for mount in patches.static_mounts(datasette)))


def downloads_folder(datasette: Datasette) -> tuple[str, Path] | None:
    """The mount point and folder of the first static mount that holds a descriptor: the downloads."""
    for mount, folder in patches.static_mount_folders(datasette):
        if (Path(folder) / DESCRIPTOR).is_file():
            return mount, Path(folder)
    return None


def utf8(content_type: bytes) -> bytes:
    """A text content type with charset=utf-8; Markdown as plain text."""
    if content_type.startswith(b"text/markdown"):
        return b"text/plain; charset=utf-8"
    if content_type.startswith(b"text/") and b"charset" not in content_type:
        return content_type + b"; charset=utf-8"
    return content_type
