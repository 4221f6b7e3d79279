"""Build the package: facts to rows to CSVs and descriptor, validated, then published atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .checks import run_checks
from .descriptor import lint, load_descriptor, tables
from .errors import InputError, Problem, ValidationFailed
from .package import render
from .rows import Compiled, Origin, compile_files, display_path, sort_rows
from .validate import validate_package

FACTS_DIR = "facts"


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
    return Built(render(descriptor, schema, compiled.rows), compiled)


def stale_files(root: Path, built: Built) -> list[str]:
    """Published files that differ from what the facts produce (or are missing, or extra CSVs)."""
    stale = [path for path, data in built.files.items()
             if not (root / path).is_file() or (root / path).read_bytes() != data]
    extra = [str(p.relative_to(root)) for p in sorted((root / "data").glob("*.csv"))
             if str(p.relative_to(root)) not in built.files]
    return stale + extra


def publish(root: Path, files: dict[str, bytes]) -> None:
    """Validate the files in a scratch copy, then move each into place with an atomic rename."""
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        for path, data in files.items():
            target = scratch / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        failures = validate_package(scratch, archive_root=root)
        if failures:
            raise ValidationFailed(failures)
        for path in files:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            with open(scratch / path, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(scratch / path, root / path)
        for old in (root / "data").glob("*.csv"):
            if str(old.relative_to(root)) not in files:
                old.unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def build(root: Path) -> Built:
    """Compile, validate and publish the package under `root`."""
    built = compile_package(root)
    publish(root, built.files)
    return built
