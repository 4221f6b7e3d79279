"""Which spreadsheet cells are formulas, and how a cell's text is kept from running as one.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, as OWASP's
guidance on CSV injection says; numbers (`-5`, `+1.5e3`) are left as they are. The CSV answers of
the site (plugin/csvsafe.py) and the CSVs for Excel (spreadsheets.py) follow these rules.
"""

from __future__ import annotations

import re

IMMEDIATE = frozenset(b"=@\t")  # a formula whatever follows
SIGNS = frozenset(b"+-")  # a formula unless the cell is a number
NUMBER = re.compile(rb"[+-](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
MAX_NUMBER_BYTES = 40
QUOTED_FORMULA = frozenset(b"=@\t\r+-")  # a quoted cell holds a comma, quote or line end: never a number
FIELD_END = re.compile(rb"[,\r\n]")
SPECIAL_START = re.compile(rb'[,\r\n](?=[=@\t+\-"])')  # a cell boundary, then a start to check
START, UNQUOTED, SIGNED, QUOTED_START, QUOTED, QUOTE_SEEN = range(6)


def escape_cell(value: str) -> str:
    """One cell's text with a `'` in front if a spreadsheet would run it as a formula."""
    if not value:
        return value
    first = value[0]
    if first in "=@\t\r":
        return "'" + value
    if first in "+-":
        data = value.encode("utf-8")
        return value if len(data) <= MAX_NUMBER_BYTES and NUMBER.fullmatch(data) else "'" + value
    return value


class FormulaEscaper:
    """Escapes the formula cells of a CSV text fed to it in pieces (cut anywhere)."""

    def __init__(self) -> None:
        """At the start of a cell, nothing held back."""
        self.state = START
        self.pending = b""  # the cell so far, while it may still be a signed number

    def feed(self, data: bytes) -> bytes:
        """The next piece of the text, escaped (a signed cell's start may wait for the next piece)."""
        steps = {
            START: self._start,
            UNQUOTED: self._unquoted,
            SIGNED: self._signed,
            QUOTED_START: self._quoted_start,
            QUOTED: self._quoted,
            QUOTE_SEEN: self._quote_seen,
        }
        out: list[bytes] = []
        i = 0
        while i < len(data):
            i = steps[self.state](data, i, out)
        return b"".join(out)

    # Each step reads `data` from `i` in its state, appends what it lets through to `out`, and
    # returns where the next step reads from.

    def _start(self, data: bytes, i: int, out: list[bytes]) -> int:
        """At a cell's start: a quote, an empty cell, or the first byte, which sets what to check."""
        c = data[i]
        if c == 0x22:  # "
            out.append(b'"')
            self.state = QUOTED_START
            return i + 1
        if c in b",\r\n":
            out.append(data[i : i + 1])
            return i + 1
        if c in IMMEDIATE:
            out.append(b"'")
            self.state = UNQUOTED
        elif c in SIGNS:
            self.state = SIGNED
        else:
            self.state = UNQUOTED
        return i

    def _unquoted(self, data: bytes, i: int, out: list[bytes]) -> int:
        """On to the next cell that starts with something to check."""
        n = len(data)
        found = SPECIAL_START.search(data, i)
        j = found.end() if found else n
        out.append(data[i:j])
        if found or data[n - 1] in b",\r\n":
            self.state = START
        return j

    def _signed(self, data: bytes, i: int, out: list[bytes]) -> int:
        """A cell starting with a sign, held back until it is known to be a number or not."""
        end = FIELD_END.search(data, i)
        j = end.start() if end else len(data)
        self.pending += data[i:j]
        if end is not None or len(self.pending) > MAX_NUMBER_BYTES:
            out.append(self._release(complete=end is not None))
            self.state = UNQUOTED
        return j

    def _quoted_start(self, data: bytes, i: int, out: list[bytes]) -> int:
        """The first byte inside a quoted cell: never a number, so any formula start is escaped."""
        if data[i] in QUOTED_FORMULA:
            out.append(b"'")
        self.state = QUOTED
        return i

    def _quoted(self, data: bytes, i: int, out: list[bytes]) -> int:
        """Inside a quoted cell, up to the next quote."""
        j = data.find(b'"', i)
        if j < 0:
            out.append(data[i:])
            return len(data)
        out.append(data[i : j + 1])
        self.state = QUOTE_SEEN
        return j + 1

    def _quote_seen(self, data: bytes, i: int, out: list[bytes]) -> int:
        """After a quote in a quoted cell: a doubled quote stays inside the cell; anything else ends it."""
        if data[i] == 0x22:
            out.append(b'"')
            self.state = QUOTED
            return i + 1
        self.state = UNQUOTED
        return i

    def close(self) -> bytes:
        """What is held back at the end of the text."""
        return self._release(complete=True) if self.state == SIGNED else b""

    def _release(self, complete: bool) -> bytes:
        """The held-back signed cell (or its too long start): as it is if a whole number, else escaped."""
        cell, self.pending = self.pending, b""
        return cell if complete and len(cell) <= MAX_NUMBER_BYTES and NUMBER.fullmatch(cell) else b"'" + cell
