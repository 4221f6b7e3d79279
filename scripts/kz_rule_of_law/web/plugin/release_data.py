"""What the release and quote pages read: a release's record, its archived text, its claims and its
other-language versions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..downloads import DOWNLOADS_MOUNT
from . import patches

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette
    from datasette.database import Database

RELEASE_SQL = """
SELECT s.*, o.name_en AS publisher_en, o.name_kk AS publisher_kk
FROM sources AS s LEFT JOIN organizations AS o ON o.organization_id = s.publisher_id
WHERE s.source_id = :source
"""
QUOTE_COLUMNS = "quote_id, source_id, table_name, record_id, field, value, text_kk, text_en, char_start, char_end"
CLAIMS_SQL = (
    f"SELECT {QUOTE_COLUMNS} FROM quotes WHERE source_id = :source ORDER BY char_start, char_end DESC, quote_id"
)
QUOTE_SQL = f"SELECT {QUOTE_COLUMNS} FROM quotes WHERE quote_id = :quote"
# The other versions of a release: the original it translates and every translation of that original.
VERSIONS_SQL = """
SELECT source_id, language, title_kk, title_en, date FROM sources
WHERE source_id != :source AND (source_id = :original OR translation_of = :original)
ORDER BY language, source_id
"""
NEEDED_TABLES = {"quotes", "sources", "organizations"}


async def quotes_database(datasette: Datasette) -> str | None:
    """The first database with the quotes, sources and organizations tables."""
    for name, db in datasette.databases.items():
        if set(await db.table_names()) >= NEEDED_TABLES:
            found: str = name
            return found
    return None


async def release(db: Database, source_id: str) -> dict[str, Any] | None:
    """A release's row of the sources table, with its publisher's names; None if there is none."""
    row = (await db.execute(RELEASE_SQL, {"source": source_id})).first()
    return dict(row) if row is not None else None


async def claims(db: Database, source_id: str) -> list[dict[str, Any]]:
    """Every claim (quote) of one release, in reading order."""
    return [dict(row) for row in (await db.execute(CLAIMS_SQL, {"source": source_id})).rows]


async def claim(db: Database, quote_id: str) -> dict[str, Any] | None:
    """One claim by its quote id; None if there is none."""
    row = (await db.execute(QUOTE_SQL, {"quote": quote_id})).first()
    return dict(row) if row is not None else None


async def versions(db: Database, found: dict[str, Any]) -> list[dict[str, Any]]:
    """The release's versions in other languages, where the sources table says which (`translation_of`)."""
    if "translation_of" not in await db.table_columns("sources"):
        return []
    original = found.get("translation_of") or found["source_id"]
    result = await db.execute(VERSIONS_SQL, {"source": found["source_id"], "original": original})
    return [dict(row) for row in result.rows]


def archived_text(datasette: Datasette, path: str) -> str | None:
    """The archived text at `path` of the downloads (as served under /package/); None if it is not there."""
    folder = patches.static_folder(datasette, DOWNLOADS_MOUNT)
    if folder is None or not path:
        return None
    root = Path(folder).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None  # the path comes from the database, but never leads out of the downloads
    return target.read_bytes().decode("utf-8", errors="replace")
