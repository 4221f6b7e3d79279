"""Validate a written package: descriptor lint, table schemas, and the project's own rules.

The table schemas are checked by `tablecheck` (what frictionless checks, several times faster);
`frictionless_errors` runs frictionless itself, which CI and the tests use as a cross-check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .rules import Checker
from ..package.descriptor import Table, lint, load_descriptor, tables
from ..errors import InputError
from ..gcpause import paused_gc
from ..curation.sources import read_source
from .tables import check_package


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


class SourceTexts:
    """The archived texts of the sources rows: each checked once, and read again when quotes need it."""

    KEEP = 8

    def __init__(self, archive_root: Path) -> None:
        """Prepare to read texts under `archive_root`."""
        self.archive_root = archive_root
        self.records: dict[str, tuple[str, str, int | None]] = {}
        self.cache: dict[str, str] = {}

    def add(self, row: dict[str, Any]) -> list[str]:
        """Record a sources row and check its text against its digest; the failures found."""
        record = (row["path"], row["sha256"], row["bytes"])
        try:
            self._remember(row["source_id"], read_source(self.archive_root, *record).text)
        except InputError as e:
            return [f"data/sources.csv: record {row['source_id']}: {p}" for p in e.problems]
        self.records[row["source_id"]] = record
        return []

    def get(self, source_id: str) -> str | None:
        """The text of a source, or None if it has no valid sources row."""
        text = self.cache.get(source_id)
        if text is None and source_id in self.records:
            text = self._remember(source_id, read_source(self.archive_root, *self.records[source_id]).text)
        return text

    def _remember(self, source_id: str, text: str) -> str:
        """Keep a text among the last few read."""
        self.cache[source_id] = text
        if len(self.cache) > self.KEEP:
            del self.cache[next(iter(self.cache))]
        return text


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
    texts = SourceTexts(archive_root)
    checker = Checker(schema, texts.get)
    rule_failures: list[str] = []

    def on_rows(table: Table, lines: list[int], rows: list[tuple]) -> None:
        if table.name == "sources":
            for values in rows:
                rule_failures.extend(texts.add(dict(zip(table.columns, values))))
        for i, failure in checker.check_chunk(table.name, table.columns, rows):
            rule_failures.append(str(failure.problem.located(file=table.path, line=lines[i])))

    problems = check_package(package_root, descriptor, schema, on_rows)
    failures.extend(str(p) for p in problems)
    failures.extend(rule_failures)
    for failure in checker.finish():
        failures.append(str(failure.problem.located(file=schema[failure.table].path)))
    return failures
