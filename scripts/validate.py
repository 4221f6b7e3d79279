"""Validate a written package: descriptor lint, table schemas, and the project's own rules.

The table schemas are checked by `tablecheck` (what frictionless checks, several times faster);
`frictionless_errors` runs frictionless itself, which CI and the tests use as a cross-check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .checks import run_checks
from .descriptor import lint, load_descriptor, tables
from .errors import InputError
from .gcpause import paused_gc
from .package import read_rows
from .sources import read_source
from .tablecheck import check_package


def frictionless_errors(descriptor_path: Path) -> list[str]:
    """Every error frictionless reports for the package, one line each."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(descriptor_path)).validate()
    lines = []
    for task in report.tasks:
        for error in task.errors:
            where = f"{task.name}"
            if getattr(error, "row_number", None):
                where += f": row {error.row_number}"
            if getattr(error, "field_name", None):
                where += f": {error.field_name}"
            lines.append(f"{where}: {error.type}: {error.message}")
    for error in report.errors:
        lines.append(f"package: {error.type}: {error.message}")
    return lines


def source_texts(rows: dict[str, list[dict[str, Any]]], archive_root: Path) -> tuple[dict[str, str], list[str]]:
    """The text of every source row, read from the archive and checked against its digest."""
    texts, failures = {}, []
    for row in rows.get("sources", []):
        try:
            texts[row["source_id"]] = read_source(archive_root, row["path"], row["sha256"], row["bytes"]).text
        except InputError as e:
            failures.extend(f"data/sources.csv: record {row['source_id']}: {p}" for p in e.problems)
    return texts, failures


def validate_package(package_root: Path, archive_root: Path | None = None) -> list[str]:
    """All failures of the package under `package_root`; an empty list means it is valid."""
    with paused_gc():
        return _validate_package(package_root, archive_root)


def _validate_package(package_root: Path, archive_root: Path | None) -> list[str]:
    """validate_package, with the garbage collector paused."""
    archive_root = archive_root or package_root
    descriptor_path = package_root / "datapackage.json"
    descriptor = load_descriptor(descriptor_path)
    failures = [f"datapackage.json: {p}" for p in lint(descriptor)]
    if failures:
        return failures
    schema = tables(descriptor)
    failures.extend(str(p) for p in check_package(package_root, descriptor, schema))
    rows, problems = read_rows(package_root, schema)
    failures.extend(str(p) for p in problems)
    if problems:
        return failures
    texts, source_failures = source_texts(rows, archive_root)
    failures.extend(source_failures)
    for failure in run_checks(rows, schema, texts):
        failures.append(str(failure.problem.located(file=schema[failure.table].path)))
    return failures

