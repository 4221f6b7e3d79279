"""Limits on what SQL can build: no value over 32 KiB, and no `printf()` that repeats for ages.

SQLite's own length limit (1 GB by default) lets `select zeroblob(1000000000)` take the server to
gigabytes of memory. `printf()` and `format()` answer NULL at once when their `%c` precisions add
up to more than the limit: SQLite 3.40 loops once per unit of precision inside one step, where the
time limit cannot interrupt it, and one call may hold thousands of conversions.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from datasette import hookimpl

MAX_VALUE_BYTES = 32 * 1024
# A conversion of SQLite's printf(): flags, width, precision, length, type
PRINTF_CONVERSION = re.compile(r"%[-+ #!0,]*(\*|\d+)?(?:\.(\*|\d*))?l*(.)?", re.S)
PRINTF_TYPES = "dsgzqQwcoxXfieEGiprn%"
LEADING_INTEGER = re.compile(rb"\s*[-+]?\d+")

_printf_connections = threading.local()


@hookimpl(specname="prepare_connection")
def cap_values(conn: sqlite3.Connection) -> None:
    """Cap every value at MAX_VALUE_BYTES; printf() and format() without the slow way to NULL."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, guarded_printf(name), deterministic=True)


def guarded_printf(name: str) -> Callable[..., Any]:
    """SQLite's own printf() (run on a private in-memory connection), minus the slow way to NULL."""

    def printf(*args: Any) -> Any:
        template = args[0] if args else None
        if isinstance(template, bytes):
            template = template.decode("utf-8", "replace")
        if isinstance(template, str) and printf_repeats_too_much(template, args[1:]):
            return None  # what SQLite returns for a result over the length limit, without the wait
        side = getattr(_printf_connections, "connection", None)
        if side is None:
            side = _printf_connections.connection = sqlite3.connect(":memory:")
            side.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        placeholders = ", ".join("?" * len(args))
        return side.execute(f"SELECT {name}({placeholders})", args).fetchone()[0]

    return printf


def printf_repeats_too_much(template: str, args: tuple[Any, ...]) -> bool:
    """Whether the %c conversions of `template` alone would write more than MAX_VALUE_BYTES."""
    used = repeated = 0
    for match in PRINTF_CONVERSION.finditer(template):
        width, precision, kind = match.groups()
        if width == "*":
            used += 1
        if precision == "*":
            precision = _integer(args[used] if used < len(args) else None)
            used += 1
        if kind is None or kind not in PRINTF_TYPES:
            break  # SQLite stops at an unknown conversion
        if kind in "%n":
            continue  # no argument
        if kind == "c" and precision:
            repeated += abs(int(precision))
        used += 1
    return repeated > MAX_VALUE_BYTES


def _integer(value: Any) -> int:
    """The integer SQLite reads from an argument (sqlite3_value_int64, roughly)."""
    if isinstance(value, (int, float)):
        return int(max(min(value, 2**63 - 1), -(2**63)))
    if isinstance(value, (str, bytes)):
        match = LEADING_INTEGER.match(value.encode() if isinstance(value, str) else value)
        return int(match.group()) if match else 0
    return 0
