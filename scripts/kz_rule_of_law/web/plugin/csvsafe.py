"""CSV answers of the database (tables, rows, canned and arbitrary SQL, `_dl=1` downloads too) with
no cell a spreadsheet would run as a formula.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, as OWASP's
guidance on CSV injection says; numbers (`-5`, `+1.5e3`) are left as they are. The rewriting reads
the bytes Datasette streams (Python's `csv.writer`, excel dialect) with formulas.FormulaEscaper,
so it needs no hook into Datasette. The package's own downloads (static files) are not touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formulas import FormulaEscaper
from . import guard
from .asgi import App, Message, Receive, Scope, Send

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

__all__ = ["FormulaEscaper", "is_database_csv", "wrap"]


def wrap(datasette: Datasette, app: App) -> App:
    """`app` with the formula cells of its CSV answers escaped."""

    async def escaped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_database_csv(datasette, scope):
            return await app(scope, receive, send)
        escaper = FormulaEscaper()
        rewriting = False

        async def escaping_send(message: Message) -> None:
            nonlocal rewriting
            if message["type"] == "http.response.start":
                rewriting = message.get("status") == 200
                if rewriting:
                    message = dict(
                        message,
                        headers=[(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"],
                    )
            elif message["type"] == "http.response.body" and rewriting:
                body = escaper.feed(message.get("body", b""))
                if not message.get("more_body", False):
                    body += escaper.close()
                message = dict(message, body=body)
            await send(message)

        return await app(scope, receive, escaping_send)

    return escaped


def is_database_csv(datasette: Datasette, scope: Scope) -> bool:
    """Whether the request is for Datasette's CSV of a database, table, row or query."""
    path = (scope.get("raw_path") or b"").decode("latin-1").partition("?")[0] or scope.get("path", "")
    found = guard.format_route(datasette, path)
    return found is not None and found[0] == "csv"
