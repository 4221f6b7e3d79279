"""The data diff for people: a line per table, then a line per record added, removed or changed."""

from __future__ import annotations

import json

from .diff import Change, PackageDiff, TableDiff, record_name
from .semver import implied_step


def show(value: str) -> str:
    """A cell as the diff shows it: quoted, escapes for line breaks, so that an empty value is visible."""
    return json.dumps(value, ensure_ascii=False)


def counts(table: TableDiff) -> str:
    """`+2 -1 ~3`: rows added, rows removed, records with a changed field."""
    return f"+{len(table.added)} -{len(table.removed)} ~{table.changed_records()}"


def table_lines(table: TableDiff) -> list[str]:
    """One table's changes: a heading, then its records, added, removed, changed."""
    notes = [
        note
        for note, present in (
            ("new table", table.table_added),
            ("table removed", table.table_removed),
            (f"columns added: {', '.join(table.columns_added)}", table.columns_added),
            (f"columns removed: {', '.join(table.columns_removed)}", table.columns_removed),
        )
        if present
    ]
    heading = f"{table.name}: {counts(table)}" + (f" ({'; '.join(notes)})" if notes else "")
    lines = [heading]
    lines += [f"  + {record_name(tuple(row.get(c, '') for c in table.key))}" for row in table.added]
    lines += [f"  - {record_name(tuple(row.get(c, '') for c in table.key))}" for row in table.removed]
    lines += [f"  ~ {change_line(change)}" for change in table.changed]
    return lines


def change_line(change: Change) -> str:
    """`RECORD: FIELD: OLD -> NEW`."""
    where = f"{record_name(change.key)}: " if change.key else ""
    return f"{where}{change.field}: {show(change.old)} -> {show(change.new)}"


def render_text(diff: PackageDiff, before: str, after: str) -> list[str]:
    """The whole diff for people, from `before` to `after` (how each side is named), ending with the step it implies."""
    lines = [f"data diff: {before} (version {diff.before or 'none'}) -> {after} (version {diff.after or 'none'})"]
    for table in diff.tables:
        lines += table_lines(table)
    if diff.texts:
        lines.append(f"descriptor: ~{len(diff.texts)}")
        lines += [f"  ~ {change_line(change)}" for change in diff.texts]
    step, reason = implied_step(diff)
    lines.append(f"claims added: {diff.claims_added}")
    lines.append(f"implied step: {step.name} ({reason})")
    return lines
