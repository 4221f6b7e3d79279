"""`/package/`: the downloads page (every file with its size and what it holds, from the descriptor),
and `/-/data-dictionary`: the data dictionary as a page."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils.asgi import Request

from ..dictionary import dictionary_html
from ..downloads import BUNDLE_FILES, DICTIONARY, spreadsheet_paths, zip_name
from . import static

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

DICTIONARY_PAGE = "/-/data-dictionary"
UNITS = ("bytes", "KB", "MB", "GB", "TB")
# What each note beside the package says (the downloads page translates it with `_`)
NOTES = {
    "README.md": "What the package is and how it is made",
    "LICENSE": "The licence of the code",
    "LICENSE-DATA": "The licence of the data",
    "CITATION.cff": "How to cite the package",
    "CHANGELOG.md": "What changed in each release of the data",
}


def routes() -> list[tuple[str, Callable[[Datasette, Request], Awaitable[Response]]]]:
    """The downloads page at its mount point, and the data dictionary page."""
    return [(r"^/package/?$", downloads_page), (rf"^{DICTIONARY_PAGE}$", dictionary_page)]


def human_size(size: int | None) -> str:
    """A size in bytes as people read it: 6.6 KB, 1.2 MB (1 KB = 1,000 bytes)."""
    if size is None:
        return ""
    value = float(size)
    for unit in UNITS:
        if value < 1000 or unit == UNITS[-1]:
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size:,} bytes"


def _file(folder: Path, mount: str, path: str) -> dict[str, Any] | None:
    """A download's URL and size, or None when the downloads do not hold it."""
    try:
        size = (folder / path).stat().st_size
    except OSError:
        return None
    return {"url": f"/{mount}/{path}", "path": path, "size": size, "size_text": human_size(size)}


def _tables(folder: Path, mount: str, descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per table: its title and description, its CSV and its spreadsheet files."""
    found = []
    for resource in descriptor.get("resources", []):
        xlsx, excel_csv = spreadsheet_paths(resource["name"])
        found.append(
            {
                "name": resource["name"],
                "title": resource.get("title", resource["name"]),
                "description": resource.get("description", ""),
                "csv": _file(folder, mount, resource["path"]),
                "xlsx": _file(folder, mount, xlsx),
                "excel_csv": _file(folder, mount, excel_csv),
            }
        )
    return found


def _database(datasette: Datasette) -> dict[str, Any] | None:
    """The first database served as a file: its download URL and size."""
    for name, db in datasette.databases.items():
        if db.is_memory or not db.path:
            continue
        size = Path(db.path).stat().st_size
        route = db.route or name
        return {"route": route, "url": f"/{route}.db", "path": f"{route}.db", "size_text": human_size(size)}
    return None


async def _queries(datasette: Datasette, database: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The canned queries of the database, each with its page, XLSX and Excel-ready CSV."""
    if database is None:
        return []
    route = database["route"]
    queries = await datasette.get_canned_queries(route, None)
    return [
        {
            "title": query.get("title") or name,
            "description": query.get("description") or "",
            "url": f"/{route}/{name}",
            "xlsx": f"/{route}/{name}.xlsx",
            "excel_csv": f"/{route}/{name}.csv?_bom=1",
        }
        for name, query in queries.items()
    ]


def _descriptor(folder: Path) -> dict[str, Any]:
    """The downloads' descriptor."""
    found: dict[str, Any] = json.loads((folder / static.DESCRIPTOR).read_text(encoding="utf-8"))
    return found


async def downloads_page(datasette: Datasette, request: Request) -> Response:
    """Every download of the package, with size and description."""
    found = static.downloads_folder(datasette)
    if found is None:
        return Response.html("No downloads on this site", status=404)
    mount, folder = found
    descriptor = _descriptor(folder)
    archived = [p for p in (folder / "archive").rglob("*") if p.is_file()] if (folder / "archive").is_dir() else []
    database = _database(datasette)
    context = {
        "descriptor": descriptor,
        "package_zip": _file(folder, mount, zip_name(descriptor)),
        "descriptor_file": _file(folder, mount, static.DESCRIPTOR),
        "dictionary_file": _file(folder, mount, DICTIONARY),
        "dictionary_page": DICTIONARY_PAGE,
        "database": database,
        "notes": [
            dict(note, what=NOTES.get(name, "")) for name in BUNDLE_FILES if (note := _file(folder, mount, name))
        ],
        "tables": _tables(folder, mount, descriptor),
        "queries": await _queries(datasette, database),
        "archived_count": len(archived),
        "archived_size": human_size(sum(p.stat().st_size for p in archived)),
        "sources_url": f"/{database['route']}/sources" if database else None,
    }
    return Response.html(await datasette.render_template("package.html", context, request=request))


async def dictionary_page(datasette: Datasette, request: Request) -> Response:
    """The data dictionary (the downloads' Markdown) as a page."""
    found = static.downloads_folder(datasette)
    markdown = found[1] / DICTIONARY if found else None
    if markdown is None or not markdown.is_file():
        return Response.html("No data dictionary on this site", status=404)
    context = {
        "dictionary_html": dictionary_html(markdown.read_text(encoding="utf-8")),
        "markdown_url": f"/{found[0]}/{DICTIONARY}" if found else None,
    }
    return Response.html(await datasette.render_template("dictionary.html", context, request=request))
