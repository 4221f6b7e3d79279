"""The site's downloads: the package's files, the archived texts, the zip and the data dictionary."""

from __future__ import annotations

import csv
import filecmp
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from ..atomic import atomic_write
from ..errors import InputError
from ..package.descriptor import load_descriptor, tables
from .dictionary import render_dictionary

DOWNLOADS_MOUNT = "package"
DICTIONARY = "data-dictionary.md"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# The files beside the package that say what it is, under what licences and how to cite it: in the
# zip and served as they are (the site's /-/changes page reads CHANGELOG.md from here).
BUNDLE_FILES = ("README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "CHANGELOG.md")
COPY_CHUNK = 1 << 20


def downloads_url(path: str) -> str:
    """The site's URL of a file of the downloads folder."""
    return f"/{DOWNLOADS_MOUNT}/{path}"


def zip_name(descriptor: dict[str, Any]) -> str:
    """File name of the zipped data package."""
    return f"{descriptor['name']}.zip"


def download_paths(package_root: Path, descriptor: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The files the site serves for download as they are: the package's (descriptor and CSVs) and
    the archived texts, by path under `package_root`; its zip holds both, with the BUNDLE_FILES."""
    package_paths = ["datapackage.json", *(r["path"] for r in descriptor["resources"])]
    archive_paths = sorted(
        {s["path"] for s in descriptor.get("sources", []) if s.get("path") and not (package_root / s["path"]).is_dir()}
        | set(_archived_paths(package_root, descriptor))
    )
    return package_paths, archive_paths


def bundle_paths(package_root: Path) -> list[str]:
    """The BUNDLE_FILES the project has, by path under `package_root`."""
    return [name for name in BUNDLE_FILES if (package_root / name).is_file()]


def _archived_paths(package_root: Path, descriptor: dict[str, Any]) -> list[str]:
    """The `path` of every row of the sources table: the archived texts the site links to."""
    table = tables(descriptor).get("sources")
    if table is None or "path" not in table.columns:
        return []
    try:
        with open(package_root / table.path, encoding="utf-8", newline="") as handle:
            return [row["path"] for row in csv.DictReader(handle) if row.get("path")]
    except OSError as e:
        raise InputError(f"{table.path}: cannot read: {e.strerror}", code="cannot-read") from None


def write_package_zip(package_root: Path, paths: Iterable[str], out: BinaryIO) -> None:
    """Write a zip of the files at `paths` to `out`, streamed; the same files always give the same
    bytes: sorted, fixed times and modes."""
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(paths):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            try:
                with open(package_root / path, "rb") as source:
                    info.file_size = os.fstat(source.fileno()).st_size
                    with archive.open(info, "w") as entry:
                        shutil.copyfileobj(source, entry, COPY_CHUNK)
            except OSError as e:
                raise InputError(f"{path}: cannot read: {e.strerror}", code="cannot-read") from None


def write_downloads(package_root: Path, target: Path) -> None:
    """Write the downloads under `target`, one file at a time (memory stays flat), replacing only
    files that changed and removing others."""
    descriptor = load_descriptor(package_root / "datapackage.json")
    package_paths, archive_paths = download_paths(package_root, descriptor)
    notes = bundle_paths(package_root)
    for path in package_paths + archive_paths + notes:
        _copy_if_changed(package_root / path, target / path, path)
    bundle = package_paths + archive_paths + notes
    _replace_if_changed(target / zip_name(descriptor), lambda out: write_package_zip(package_root, bundle, out))
    _replace_if_changed(target / DICTIONARY, lambda out: out.write(render_dictionary(descriptor)))
    files = {*bundle, zip_name(descriptor), DICTIONARY}
    for existing in sorted(target.rglob("*")):
        if existing.is_file() and existing.relative_to(target).as_posix() not in files:
            existing.unlink()


def _copy_if_changed(source: Path, destination: Path, shown: str) -> None:
    """Copy the file at `source` to `destination` unless it holds the same bytes already;
    InputError naming `shown` if the source cannot be read."""
    try:
        with open(source, "rb"):
            pass
    except OSError as e:
        raise InputError(f"{shown}: cannot read: {e.strerror}", code="cannot-read") from None
    if not (destination.is_file() and filecmp.cmp(source, destination, shallow=False)):
        with atomic_write(destination) as out, open(source, "rb") as handle:
            shutil.copyfileobj(handle, out, COPY_CHUNK)


def _replace_if_changed(destination: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Write a file through `write`; swap it in unless `destination` already holds the same bytes."""
    with atomic_write(destination, keep_same=True) as out:
        write(out)
