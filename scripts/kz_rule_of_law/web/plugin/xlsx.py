"""Answers for spreadsheets: `.xlsx` of every table, row, canned query and SQL page, and the
database's CSV answers as downloads.

- `.xlsx` is an output renderer (the table and query pages list it beside json and CSV): the rows
  of the page, as its JSON has them, written by spreadsheets.write_xlsx (text as text, never a
  formula; numbers as numbers). A table's every row is in its download, /package/spreadsheets/.
  The plugin's own renderer, not datasette-xlsx: that writes a text starting with `=` as a
  formula, so a cell of the data could run in the reader's Excel.
- A CSV answer of the database (`.csv`) says `Content-Disposition: attachment`, so the table
  page's CSV link downloads a file instead of opening as text; `_bom=1` makes it Excel-ready (a
  byte order mark before the escaped CSV: Excel then reads UTF-8 in any code page).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from datasette import Response, hookimpl

from ..spreadsheets import BOM, XLSX_TYPE, write_xlsx
from .asgi import App, Message, Receive, Scope, Send
from .csvsafe import is_database_csv

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

EXTENSION = "xlsx"
UNSAFE_NAME = re.compile(r"[^\w.-]+")
BOM_PARAMETER = "_bom"


@hookimpl
def register_output_renderer(datasette: Datasette) -> dict[str, Any]:
    """The `.xlsx` format."""
    return {"extension": EXTENSION, "render": render_xlsx}


def render_xlsx(
    columns: list[str], rows: list[Any], query_name: str | None, table: str | None, database: str
) -> Response:
    """The page's rows as one XLSX sheet, as a download."""
    name = query_name or table or database
    out = io.BytesIO()
    header, values = with_labels(columns, [list(row) for row in rows])
    write_xlsx(name, header, values, out)
    return Response(
        out.getvalue(),
        content_type=XLSX_TYPE,
        headers={"Content-Disposition": content_disposition(f"{name}.{EXTENSION}")},
    )


def with_labels(columns: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Columns labelled by Datasette (`_labels=on`: a cell is {"value", "label"}) as two columns,
    the value and `<column>_label`, so that the sheet holds plain values."""
    labelled = _labelled(rows)
    if not labelled:
        return columns, rows
    header = [name for i, column in enumerate(columns) for name in _names(column, i in labelled)]
    values = [[part for i, cell in enumerate(row) for part in _parts(cell, i in labelled)] for row in rows]
    return header, values


def _labelled(rows: list[list[Any]]) -> set[int]:
    """The positions of the columns with a labelled cell."""
    return {i for row in rows for i, cell in enumerate(row) if isinstance(cell, dict) and "value" in cell}


def _names(column: str, labelled: bool) -> list[str]:
    """A column's name, and its label column's."""
    return [column, f"{column}_label"] if labelled else [column]


def _parts(cell: Any, labelled: bool) -> list[Any]:
    """A cell's value, and its label in a labelled column."""
    if not labelled:
        return [cell]
    if isinstance(cell, dict):
        return [cell.get("value"), cell.get("label")]
    return [cell, None]


def content_disposition(filename: str) -> str:
    """An attachment header: an ASCII file name, and the exact one in UTF-8 (RFC 6266)."""
    ascii_name = UNSAFE_NAME.sub("_", filename.encode("ascii", "replace").decode("ascii")).strip("_") or "data"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def wrap_csv_downloads(datasette: Datasette, app: App) -> App:
    """`app` with its database CSV answers as downloads, with a BOM when `_bom=1` asks for one."""

    async def downloads(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_database_csv(datasette, scope):
            return await app(scope, receive, send)
        query = (scope.get("query_string") or b"").decode("latin-1")
        bom = any(k == BOM_PARAMETER and v not in ("", "0", "off") for k, v in parse_qsl(query))
        name = scope.get("path", "").rsplit("/", 1)[-1] or "data.csv"
        return await app(scope, receive, _Attaching(send, name, bom))

    return downloads


class _Attaching:
    """A `send` that marks a 200 CSV answer as an attachment and puts a BOM before its body."""

    def __init__(self, send: Send, name: str, bom: bool) -> None:
        """Nothing seen yet."""
        self.send, self.name, self.bom = send, name, bom
        self.ok = False
        self.started = False

    async def __call__(self, message: Message) -> None:
        """Pass one message on, the start with its header, the first body piece after the BOM."""
        if message["type"] == "http.response.start":
            message = self._start(message)
        elif message["type"] == "http.response.body" and self.ok and self.bom and not self.started:
            self.started = True
            message = dict(message, body=BOM + message.get("body", b""))
        await self.send(message)

    def _start(self, message: Message) -> Message:
        """The response start: an attachment if a 200, without a length if a BOM comes first."""
        self.ok = message.get("status") == 200
        if not self.ok:
            return message
        headers = list(message.get("headers", []))
        if not any(k.lower() == b"content-disposition" for k, _ in headers):
            headers.append((b"content-disposition", content_disposition(self.name).encode("latin-1")))
        if self.bom:
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        return dict(message, headers=headers)
