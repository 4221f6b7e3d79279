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
