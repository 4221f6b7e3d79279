"""Downloads for spreadsheets: XLSX and an Excel-ready CSV (UTF-8 with a byte order mark).

- Excel opens a CSV without a BOM in the system's code page (Windows-1251 where it is set to
  Russian or Kazakh) and shows `Р•СѓСЂРѕРїР°Р»С‹Т›` for `Еуропалық`; with the BOM it reads UTF-8.
- No cell is run as a formula: in the CSV a cell that would be one gets a `'` in front (the rules
  of plugin/csvsafe.py); in the XLSX every text cell is written as text (an inline string), which
  Excel never evaluates, so the text stays exactly as published.
- Numbers are numbers in the XLSX, written with the digits they are published with (Decimal), so
  the sheet holds the exact amounts; dates, years and codes stay text as in the CSV.
- The same rows give the same bytes: the workbook's times are fixed (the descriptor's `created`)
  and its zip entries carry a fixed date.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

from .formulas import FormulaEscaper, escape_cell

BOM = "\ufeff".encode()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_576  # rows of one sheet, the header included
NUMERIC_TYPES = ("integer", "number")
FIXED_TIME = datetime(1980, 1, 1)
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
COPY_CHUNK = 1 << 20


class TooManyRows(ValueError):
    """More rows than one sheet holds."""


def write_excel_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], out: BinaryIO) -> None:
    """A CSV Excel reads right in any code page: BOM, UTF-8, CRLF, no formula cell."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        out.write(BOM)
        writer = csv.writer(text, dialect="excel")
        writer.writerow([escape_cell(name) for name in header])
        for row in rows:
            writer.writerow([escape_cell("" if value is None else str(value)) for value in row])
    finally:
        text.detach()


def copy_excel_csv(source: BinaryIO, out: BinaryIO) -> None:
    """A CSV file (excel dialect) made Excel-ready: BOM first, formula cells escaped, streamed."""
    out.write(BOM)
    escaper = FormulaEscaper()
    while chunk := source.read(COPY_CHUNK):
        out.write(escaper.feed(chunk))
    out.write(escaper.close())


def write_xlsx(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    out: BinaryIO,
    numeric: Sequence[bool] | None = None,
    created: datetime = FIXED_TIME,
) -> None:
    """One sheet of `rows` under a bold, frozen header; `numeric[i]`: column i's text is a number."""
    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = created
    workbook.properties.creator = title
    sheet = workbook.create_sheet(sheet_name(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, name, bold) for name in header])
    count = 1
    for row in rows:
        count += 1
        if count > EXCEL_MAX_ROWS:
            raise TooManyRows(f"{title}: more than {EXCEL_MAX_ROWS - 1:,} rows")
        sheet.append([_cell(sheet, value, bool(numeric and numeric[i])) for i, value in enumerate(row)])
    with tempfile.SpooledTemporaryFile(max_size=COPY_CHUNK * 16) as scratch:
        workbook.save(scratch)
        scratch.seek(0)
        _fixed_zip(scratch, out)


def sheet_name(title: str) -> str:
    """A sheet name Excel takes: at most 31 characters, none of []:*?/\\."""
    return SHEET_NAME_BAD.sub("_", title)[:31] or "data"


def _text_cell(sheet: Any, value: str, font: Font | None = None) -> Cell:
    """A cell of text, never a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _cell(sheet: Any, value: Any, numeric: bool) -> Any:
    """A number as a number (its published digits), text as text, nothing as an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return _text_cell(sheet, repr(value))  # a sheet has no infinity; an SQL answer can
    if isinstance(value, (bool, int, float)):
        return _number(value)
    if isinstance(value, bytes):
        return _text_cell(sheet, value.hex())
    return _from_text(sheet, str(value), numeric)


def _from_text(sheet: Any, text: str, numeric: bool) -> Any:
    """A cell from a text: a number in a numeric column (as published), else the text as text."""
    if numeric:
        try:
            return Decimal(text)
        except InvalidOperation:
            pass
    if ILLEGAL_CHARACTERS_RE.search(text):  # control characters XML cannot hold
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    # openpyxl takes a text starting with "=" for a formula; any other text it writes as text
    return _text_cell(sheet, text) if text.startswith("=") else text


def _number(value: bool | int | float) -> int | Decimal:
    """A number of the database as the sheet holds it: a float with the digits Python shows for it."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return int(value)


def _fixed_zip(source: IO[bytes], out: BinaryIO) -> None:
    """Copy a workbook's zip with fixed entry dates and its modified time set to its created time."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as fixed:
        for entry in original.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            if entry.filename == "docProps/core.xml":
                data = original.read(entry)
                created = re.search(rb"<dcterms:created[^>]*>([^<]*)<", data)
                if created:
                    data = MODIFIED.sub(rb"\g<1>" + created.group(1) + rb"\g<2>", data)
                fixed.writestr(info, data)
                continue
            with original.open(entry) as reading, fixed.open(info, "w") as writing:
                shutil.copyfileobj(reading, writing, COPY_CHUNK)
