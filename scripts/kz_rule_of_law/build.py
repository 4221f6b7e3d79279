"""Build the package: facts to rows to CSVs and descriptor, validated, then published atomically."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .database.load import database_name, write_database
from .package.descriptor import lint, load_descriptor, tables
from .errors import InputError, ValidationFailed
from .gcpause import paused_gc
from .package.writer import PackageWriter
from .curation.rows import Compiler
from .web.dictionary import render_dictionary
from .web.metadata import render_metadata
from .validation.validate import validate_package

FACTS_DIR = "facts"
BUILD_DIR = "build"
METADATA = "metadata.yml"
DICTIONARY = "docs/data-dictionary.md"


@dataclass
class Built:
    """What a build wrote, by path relative to the package root, and the rows of each table."""

    files: list[str]
    counts: dict[str, int]


def facts_files(root: Path) -> list[Path]:
    """Every facts file of the project, in name order (reference.yml among them)."""
    return sorted((root / FACTS_DIR).glob("*.yml"))


def compile_package(root: Path, out: Path | None, paths: list[Path] | None = None) -> Built:
    """Compile the facts into the package's files under `out` (only check them when None).

    Rows stream from facts file to CSV one file at a time; every problem is collected and
    raised at the end as one InputError, and then nothing under `out` is to be used.
    """
    with paused_gc():
        return _compile_package(root, out, paths)


def _compile_package(root: Path, out: Path | None, paths: list[Path] | None) -> Built:
    """compile_package, with the garbage collector paused."""
    descriptor = load_descriptor(root / "datapackage.json")
    problems = lint(descriptor)
    if problems:
        raise InputError(*(p.located(file="datapackage.json") for p in problems))
    schema = tables(descriptor)
    compiler = Compiler(root, schema)
    writer = PackageWriter(out, descriptor, schema) if out is not None else None
    try:
        for chunk in compiler.run(paths if paths is not None else facts_files(root)):
            if writer is not None and not compiler.problems:
                writer.write(chunk.rows)
    finally:
        if writer is not None and compiler.problems:
            writer.abort()
    if compiler.problems:
        raise InputError(*compiler.problems)
    if writer is None:
        return Built([], compiler.counts)
    files = writer.close()
    (out / METADATA).write_bytes(render_metadata(descriptor, compiler.sources))
    (out / DICTIONARY).parent.mkdir(parents=True, exist_ok=True)
    (out / DICTIONARY).write_bytes(render_dictionary(descriptor))
    return Built(files + [METADATA, DICTIONARY], compiler.counts)


def stale_files(root: Path, built: Built, out: Path) -> list[str]:
    """Published files that differ from those built under `out` (or are missing, or extra CSVs)."""
    stale = [path for path in built.files
             if not (root / path).is_file() or not filecmp.cmp(root / path, out / path, shallow=False)]
    extra = [str(p.relative_to(root)) for p in sorted((root / "data").glob("*.csv"))
             if str(p.relative_to(root)) not in built.files]
    return stale + extra


def check_published(root: Path) -> tuple[Built, list[str]]:
    """Build into a scratch folder and list the published files that differ from the result."""
    scratch = Path(tempfile.mkdtemp(prefix=".check-", dir=root))
    try:
        built = compile_package(root, scratch)
        return built, stale_files(root, built, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


JOURNAL = ".build-journal.json"


def publish(root: Path, write: Callable[[Path], list[str]],
            finish: Callable[[Path], list[str]] | None = None) -> None:
    """Write the outputs into a scratch folder, validate them, then swap them in; any failure restores the old ones.

    `write(scratch)` writes the package into the scratch folder and returns the relative paths of
    what it wrote; `finish(scratch)` may write more outputs (the database) after validation and
    return their relative paths. Old files are kept as hard links until the swap is complete; a
    journal names them, so a build killed mid-swap is rolled back by the next command (`recover`).
    """
    recover(root)
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        (scratch / "new").mkdir()
        files = write(scratch / "new")
        failures = validate_package(scratch / "new", archive_root=root)
        if failures:
            raise ValidationFailed(failures)
        outputs = list(files) + (finish(scratch / "new") if finish else [])
        stale = [str(p.relative_to(root)) for p in (root / "data").glob("*.csv")
                 if str(p.relative_to(root)) not in files]
        _swap(root, scratch, outputs, stale)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _swap(root: Path, scratch: Path, outputs: list[str], stale: list[str]) -> None:
    """Move new outputs into place and stale ones out, keeping the old files until done."""
    backup = scratch / "old"
    existing = [p for p in outputs + stale if (root / p).exists()]
    for path in existing:
        (backup / path).parent.mkdir(parents=True, exist_ok=True)
        os.link(root / path, backup / path)
    for path in outputs:
        with open(scratch / "new" / path, "rb") as handle:
            os.fsync(handle.fileno())
    _write_journal(root, {"scratch": scratch.name, "existing": existing, "written": outputs + stale})
    try:
        for path in outputs:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(scratch / "new" / path, root / path)
        for path in stale:
            (root / path).unlink()
    except BaseException:
        recover(root)
        raise
    (root / JOURNAL).unlink()


def _write_journal(root: Path, entry: dict) -> None:
    """Write the swap journal atomically."""
    temporary = root / (JOURNAL + ".tmp")
    temporary.write_text(json.dumps(entry), encoding="utf-8")
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, root / JOURNAL)


def recover(root: Path) -> bool:
    """Undo a swap a killed build left half done; True when there was one to undo."""
    journal = root / JOURNAL
    (root / (JOURNAL + ".tmp")).unlink(missing_ok=True)
    if not journal.exists():
        for leftover in root.glob(".build-*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
        return False
    entry = json.loads(journal.read_text(encoding="utf-8"))
    scratch = root / entry["scratch"]
    for path in entry["written"]:
        if path not in entry["existing"]:
            (root / path).unlink(missing_ok=True)
    for path in entry["existing"]:
        os.replace(scratch / "old" / path, root / path) if (scratch / "old" / path).exists() else None
    journal.unlink()
    shutil.rmtree(scratch, ignore_errors=True)
    return True


def build(root: Path) -> Built:
    """Compile, validate and publish the package and its database under `root`."""
    database = database_path(root)
    built: list[Built] = []

    def write(package_root: Path) -> list[str]:
        built.append(compile_package(root, package_root))
        return built[-1].files

    def write_db(package_root: Path) -> list[str]:
        write_database(package_root, package_root / database)
        return [database]

    publish(root, write, write_db)
    return built[-1]


def database_path(root: Path) -> str:
    """Where the build writes the SQLite database, relative to the root."""
    return f"{BUILD_DIR}/{database_name(load_descriptor(root / 'datapackage.json'))}.db"
