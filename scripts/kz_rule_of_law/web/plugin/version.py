"""The version and date of the data on every page (`kz_version`, `kz_data_date`), from the descriptor
the site serves for download."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..downloads import DOWNLOADS_MOUNT
from . import patches

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

DESCRIPTOR = "datapackage.json"
NONE = {"kz_version": "", "kz_data_date": ""}


def downloads_file(datasette: Datasette, name: str) -> Path | None:
    """A file of the downloads folder (the package as served), or None where the site has none."""
    folder = patches.static_folder(datasette, DOWNLOADS_MOUNT)
    return None if folder is None else folder / name


def template_vars(datasette: Datasette) -> dict[str, Any]:
    """`kz_version` and `kz_data_date` (YYYY-MM-DD) of the served descriptor; empty without one."""
    path = downloads_file(datasette, DESCRIPTOR)
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        stat = None
    if path is None or stat is None:
        return dict(NONE)
    return dict(_read(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, str], ...]:
    """The version and date a descriptor states, read once per state of the file (its time and size)."""
    try:
        with open(path, encoding="utf-8") as handle:
            descriptor = json.load(handle)
    except (OSError, ValueError):
        return tuple(NONE.items())
    return (
        ("kz_version", str(descriptor.get("version", ""))),
        ("kz_data_date", str(descriptor.get("created", ""))[:10]),
    )
