"""The semver step a data diff implies, and versions: the rule of data releases, in one place.

- major: a published value changed or went: a row removed (a table or column too), or a field changed
  that is not a rendering;
- minor: only additions: rows (a new press release's records and claims), tables or columns;
- patch: only corrections of text for people: English renderings (columns `*_en`, with their
  `*_en_status`) and the descriptor's titles and descriptions;
- none: nothing changed.
"""

from __future__ import annotations

import re
from enum import IntEnum

from ..errors import InputError
from .diff import PackageDiff, TableDiff, record_name

# Columns whose values render a stated value for readers (English renderings and whether they are
# official), so that correcting one changes no published value.
RENDERING_SUFFIXES = ("_en", "_en_status")
VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


class Step(IntEnum):
    """How far a release moves the version; larger steps allow everything smaller ones do."""

    none = 0
    patch = 1
    minor = 2
    major = 3


def is_rendering(column: str) -> bool:
    """Whether a column holds a rendering for readers rather than a published value."""
    return column.endswith(RENDERING_SUFFIXES)


def implied_step(diff: PackageDiff) -> tuple[Step, str]:
    """The smallest step the diff allows, and why (its first reason)."""
    for step in (Step.major, Step.minor, Step.patch):
        for table in diff.tables:
            reason = _reason(table, step)
            if reason:
                return step, reason
    if diff.texts:
        return Step.patch, f"descriptor text changed: {diff.texts[0].field}"
    return Step.none, "no change to the data"


def _reason(table: TableDiff, step: Step) -> str:
    """Why `table`'s changes need `step`, or '' if they do not."""
    return REASONS[step](table)


def _major(table: TableDiff) -> str:
    """A row, column or published value gone or changed: why the table needs a major release."""
    if table.removed:
        first = record_name(_key(table, table.removed[0]))
        return f"rows removed from {table.name}: {len(table.removed)} (first: {first})"
    if table.columns_removed:
        return f"columns removed from {table.name}: {', '.join(table.columns_removed)}"
    values = [c for c in table.changed if not is_rendering(c.field)]
    return f"published value changed: {table.name}.{values[0].field} of {record_name(values[0].key)}" if values else ""


def _minor(table: TableDiff) -> str:
    """Rows or columns added: why the table needs a minor release."""
    if table.added:
        return f"rows added to {table.name}: {len(table.added)}"
    return f"columns added to {table.name}: {', '.join(table.columns_added)}" if table.columns_added else ""


def _patch(table: TableDiff) -> str:
    """A rendering corrected: why the table needs a patch release."""
    if not table.changed:
        return ""
    return f"rendering changed: {table.name}.{table.changed[0].field} of {record_name(table.changed[0].key)}"


REASONS = {Step.major: _major, Step.minor: _minor, Step.patch: _patch}


def _key(table: TableDiff, row: dict[str, str]) -> tuple[str, ...]:
    """A row's key in its table."""
    return tuple(row.get(column, "") for column in table.key)


def parse_version(text: str | None, where: str) -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as three numbers; InputError naming `where` otherwise."""
    found = VERSION.fullmatch(text or "")
    if found is None:
        raise InputError(
            f"{where}: not a version", value=text, expected="MAJOR.MINOR.PATCH, e.g. 1.4.0", code="bad-version"
        )
    major, minor, patch = (int(part) for part in found.groups())
    return major, minor, patch


def bump(version: tuple[int, int, int], step: Step) -> str:
    """The version `step` after `version`."""
    major, minor, patch = version
    if step is Step.major:
        return f"{major + 1}.0.0"
    if step is Step.minor:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
