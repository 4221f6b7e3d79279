"""Full-text search by word beginnings.

Kazakh adds endings to words (азаптау, азаптауға, азаптаулардың), so whole-word matching finds
almost nothing: `escape_fts()` makes every term a prefix. Table search, search-all and the canned
search query all use it. An empty search matches nothing.
"""

from __future__ import annotations

import re
import sqlite3

from datasette import hookimpl

FTS_TERMS = re.compile(r'\s+|(".*?")')


def escape_fts(query: str | None) -> str:
    """Datasette's escape_fts, with every term a prefix; '""' (matches nothing) when empty."""
    query = query or ""
    if query.count('"') % 2:
        query += '"'
    terms = [t for t in FTS_TERMS.split(query) if t and t != '""']
    if not terms:
        return '""'
    return " ".join((t if t.startswith('"') else f'"{t}"') + "*" for t in terms)


@hookimpl(trylast=True, specname="prepare_connection")
def register_escape_fts(conn: sqlite3.Connection) -> None:
    """Replace Datasette's escape_fts (registered before this runs) with the prefix version."""
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
