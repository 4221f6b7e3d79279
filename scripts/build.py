"""Build the package: facts to rows to CSVs and descriptor, validated, then published atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .checks import run_checks
from .database import database_name, write_database
from .descriptor import lint, load_descriptor, tables
from .errors import InputError, Problem, ValidationFailed
from .gcpause import paused_gc
from .package import render
from .rows import Compiled, Origin, compile_files, sort_rows
from .site import render_dictionary, render_metadata
from .validate import validate_package

FACTS_DIR = "facts"
BUILD_DIR = "build"
METADATA = "metadata.yml"
DICTIONARY = "docs/data-dictionary.md"


@dataclass
class Built:
    """The files a build produces, by path relative to the project root."""

    files: dict[str, bytes]
    compiled: Compiled


def facts_files(root: Path) -> list[Path]:
    """Every facts file of the project, in name order (reference.yml among them)."""
    return sorted((root / FACTS_DIR).glob("*.yml"))


def compile_package(root: Path, paths: list[Path] | None = None) -> Built:
    """Compile facts into the package's files in memory, raising InputError with every problem."""
    with paused_gc():
        return _compile_package(root, paths)


def _compile_package(root: Path, paths: list[Path] | None) -> Built:
    """compile_package, with the garbage collector paused."""
    descriptor = load_descriptor(root / "datapackage.json")
    problems = lint(descriptor)
    if problems:
        raise InputError(*(Problem(p, file="datapackage.json") for p in problems))
    schema = tables(descriptor)
    compiled = compile_files(paths if paths is not None else facts_files(root), root, schema)
    if not compiled.problems:
        texts = {sid: text.text for sid, text in compiled.texts.items()}
        for failure in run_checks(compiled.rows, schema, texts):
            origin = compiled.origins.get((failure.table, failure.key), Origin("?", 0))
            compiled.problems.append(failure.problem.located(file=origin.file, line=origin.line))
    if compiled.problems:
        raise InputError(*compiled.problems)
    sort_rows(compiled.rows, schema)
    files = render(descriptor, schema, compiled.rows)
    files[METADATA] = render_metadata(descriptor, compiled.rows["sources"])
    files[DICTIONARY] = render_dictionary(descriptor)
    return Built(files, compiled)


def stale_files(root: Path, built: Built) -> list[str]:
    """Published files that differ from what the facts produce (or are missing, or extra CSVs)."""
    stale = [path for path, data in built.files.items()
             if not (root / path).is_file() or (root / path).read_bytes() != data]
    extra = [str(p.relative_to(root)) for p in sorted((root / "data").glob("*.csv"))
             if str(p.relative_to(root)) not in built.files]
    return stale + extra


JOURNAL = ".build-journal.json"


def publish(root: Path, files: dict[str, bytes],
            finish: Callable[[Path], list[str]] | None = None) -> None:
    """Validate the files in a scratch folder, then swap them in; any failure restores the old ones.

    `finish(scratch)` may write more outputs (the database) into the scratch folder after validation
    and return their relative paths. Old files are kept as hard links until the swap is complete; a
    journal names them, so a build killed mid-swap is rolled back by the next command (`recover`).
    """
    recover(root)
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        for path, data in files.items():
            target = scratch / "new" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
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
    built = compile_package(root)
    database = database_path(root)

    def write_db(package_root: Path) -> list[str]:
        write_database(package_root, package_root / database)
        return [database]

    with paused_gc():
        publish(root, built.files, write_db)
    return built


def database_path(root: Path) -> str:
    """Where the build writes the SQLite database, relative to the root."""
    return f"{BUILD_DIR}/{database_name(load_descriptor(root / 'datapackage.json'))}.db"
