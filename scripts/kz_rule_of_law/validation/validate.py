"""Validate a written package: descriptor lint, table schemas, and the project's own rules.

The table schemas are checked by `tablecheck` (what frictionless checks, several times faster);
`frictionless_errors` runs frictionless itself, which CI and the tests use as a cross-check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..curation.sources import field_of, read_source
from ..errors import FRICTIONLESS, UNSET, InputError, Problem
from ..gcpause import paused_gc
from ..package.descriptor import Table, lint, load_descriptor, tables
from .rules import Checker
from .tables import check_package


def frictionless_errors(descriptor_path: Path) -> list[Problem]:
    """Every error frictionless reports for the package, coded `frictionless:<its type>`."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        package = Package(str(descriptor_path))
        report = package.validate()
    paths = {resource.name: resource.path for resource in package.resources}
    problems = []
    for task in report.tasks:
        for error in task.errors:
            cell = getattr(error, "cell", None)
            problems.append(
                Problem(
                    error.message,
                    value=UNSET if cell is None else cell,
                    file=paths.get(task.name, task.name),
                    line=getattr(error, "row_number", None),
                    field=getattr(error, "field_name", None),
                    code=FRICTIONLESS + error.type,
                )
            )
    for error in report.errors:
        problems.append(Problem(error.message, file=descriptor_path.name, code=FRICTIONLESS + error.type))
    return problems


class SourceTexts:
    """The archived texts of the sources rows: each checked once, and read again when quotes need it."""

    KEEP = 8

    def __init__(self, archive_root: Path) -> None:
        """Prepare to read texts under `archive_root`."""
        self.archive_root = archive_root
        self.records: dict[str, tuple[str, str, int | None]] = {}
        self.cache: dict[str, str] = {}

    def add(self, row: dict[str, Any]) -> list[Problem]:
        """Record a sources row and check its text against its digest; the problems found."""
        record = (row["path"], row["sha256"], row["bytes"])
        try:
            self._remember(row["source_id"], read_source(self.archive_root, *record).text)
        except InputError as e:
            return [p.located(record=row["source_id"], field=field_of(p)) for p in e.problems]
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


def validate_package(package_root: Path, archive_root: Path | None = None) -> list[Problem]:
    """All problems of the package under `package_root`; an empty list means it is valid."""
    with paused_gc():
        return _validate_package(package_root, archive_root)


def _validate_package(package_root: Path, archive_root: Path | None) -> list[Problem]:
    """validate_package, with the garbage collector paused."""
    archive_root = archive_root or package_root
    descriptor_path = package_root / "datapackage.json"
    descriptor = load_descriptor(descriptor_path)
    problems = [p.located(file=descriptor_path.name) for p in lint(descriptor)]
    if problems:
        return problems
    schema = tables(descriptor)
    texts = SourceTexts(archive_root)
    checker = Checker(schema, texts.get)
    rule_problems: list[Problem] = []

    def on_rows(table: Table, lines: list[int], rows: list[tuple]) -> None:
        if table.name == "sources":
            for line, values in zip(lines, rows):
                rule_problems.extend(
                    p.located(file=table.path, line=line) for p in texts.add(dict(zip(table.columns, values)))
                )
        for i, failure in checker.check_chunk(table.name, table.columns, rows, lines):
            rule_problems.append(failure.problem.located(file=table.path, line=lines[i]))

    problems = check_package(package_root, descriptor, schema, on_rows)
    problems.extend(rule_problems)
    problems.extend(failure.problem.located(file=schema[failure.table].path) for failure in checker.finish())
    return problems
