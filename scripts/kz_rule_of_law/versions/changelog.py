"""CHANGELOG.md: an entry per release, newest first, written by `release` and read back by the site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diff import PackageDiff, TableDiff, record_name
from .report import change_line, show
from .semver import Step, is_rendering

CHANGELOG = "CHANGELOG.md"
HEADER = """# Changelog

Every release of the data, newest first: what changed in each table since the release before.
`kz-rule-of-law release` writes each entry; `kz-rule-of-law diff vX.Y.Z` lists every change since a
release. A removed row or a changed published value makes a major release, added rows a minor one,
corrected English renderings and descriptions a patch (`scripts/kz_rule_of_law/versions/semver.py`).
"""
ENTRY = re.compile(r"^## (?P<version>[0-9]+\.[0-9]+\.[0-9]+) \((?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\)$")
# An entry names its notable changes up to this many; `diff` lists them all.
NOTABLE_LIMIT = 30
SOURCES_TABLE = "sources"


@dataclass
class Entry:
    """One release as CHANGELOG.md states it: version, date, and its text in parts."""

    version: str
    date: str
    paragraphs: list[str] = field(default_factory=list)
    counts: list[list[str]] = field(default_factory=list)  # [table, added, removed, changed]
    notable: list[str] = field(default_factory=list)

    @property
    def previous(self) -> str | None:
        """The version this release followed, as its first paragraph states it."""
        found = AFTER.match(self.paragraphs[0]) if self.paragraphs else None
        return found["previous"] if found else None


AFTER = re.compile(r"^[A-Z][a-z]+ release after (?P<previous>[0-9]+\.[0-9]+\.[0-9]+)\b")


def render_entry(version: str, date: str, summary: str, diff: PackageDiff, notes: list[str]) -> str:
    """The Markdown of one release's entry: its summary and notes, counts per table, the notable changes."""
    lines = [f"## {version} ({date})", "", summary, ""]
    lines += [line for note in notes for line in (note.strip(), "")]
    if diff.tables:
        lines += ["| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {t.name} | {len(t.added)} | {len(t.removed)} | {t.changed_records()} |" for t in diff.tables]
        lines.append("")
    lines += [f"Claims added: {diff.claims_added}.", ""]
    notable = notable_changes(diff)
    if notable:
        lines += ["Notable changes:", "", *(f"- {line}" for line in notable), ""]
    return "\n".join(lines)


def summary_line(step: Step, previous: str, since: str | None, reason: str) -> str:
    """An entry's first paragraph: the step, the version it follows, what it is compared with, and why."""
    against = f"compared with {since}" if since else "compared with an empty package (the first release)"
    return f"{step.name.capitalize()} release after {previous}, {against}: {reason}."


def notable_changes(diff: PackageDiff) -> list[str]:
    """Press releases added, rows removed, columns, published values changed, then renderings and
    descriptions; at most NOTABLE_LIMIT."""
    found = [*_releases_added(diff), *_removals(diff), *_value_changes(diff, rendering=False)]
    found += [*_value_changes(diff, rendering=True), *(f"descriptor: {change_line(c)}" for c in diff.texts)]
    if len(found) > NOTABLE_LIMIT:
        more = len(found) - NOTABLE_LIMIT
        found = [*found[:NOTABLE_LIMIT], f"and {more} more (`kz-rule-of-law diff` lists every change)"]
    return found


def _releases_added(diff: PackageDiff) -> list[str]:
    """A line per press release added."""
    return [f"press release added: {_source(row)}" for t in diff.tables if t.name == SOURCES_TABLE for row in t.added]


def _removals(diff: PackageDiff) -> list[str]:
    """A line per row removed, then per table whose columns changed."""
    found = [f"{t.name}: removed {record_name(_key(t, row))}" for t in diff.tables for row in t.removed]
    found += [f"{t.name}: columns added: {', '.join(t.columns_added)}" for t in diff.tables if t.columns_added]
    return found + [
        f"{t.name}: columns removed: {', '.join(t.columns_removed)}" for t in diff.tables if t.columns_removed
    ]


def _value_changes(diff: PackageDiff, rendering: bool) -> list[str]:
    """A line per changed field: published values, or renderings."""
    return [f"{t.name}: {change_line(c)}" for t in diff.tables for c in t.changed if is_rendering(c.field) == rendering]


def _source(row: dict[str, str]) -> str:
    """A press release as the notable changes name it: id and English title."""
    title = row.get("title_en", "")
    return f"{row.get('source_id', '')} ({show(title)})" if title else row.get("source_id", "")


def _key(table: TableDiff, row: dict[str, str]) -> tuple[str, ...]:
    """A row's key in its table."""
    return tuple(row.get(column, "") for column in table.key)


def add_entry(text: str, entry: str) -> str:
    """CHANGELOG.md's text with `entry` on top of the earlier ones (and the header, if it had none)."""
    at = text.find("\n## ")
    if not text.strip():
        return f"{HEADER}\n{entry}"
    if at < 0:
        return f"{text.rstrip()}\n\n{entry}"
    return f"{text[: at + 1]}{entry}\n{text[at + 1 :]}"


def without_top_entry(text: str) -> str:
    """CHANGELOG.md's text without its newest entry."""
    start = text.find("\n## ")
    if start < 0:
        return text
    end = text.find("\n## ", start + 1)
    return text[: start + 1] if end < 0 else text[: start + 1] + text[end + 1 :]


def parse(text: str) -> list[Entry]:
    """The entries of CHANGELOG.md, newest first, each split into its paragraphs, table and list."""
    entries: list[Entry] = []
    for block in re.split(r"\n(?=## )", text):
        lines = block.strip("\n").splitlines()
        heading = ENTRY.match(lines[0]) if lines else None
        if heading:
            entries.append(_entry(heading["version"], heading["date"], lines[1:]))
    return entries


def _entry(version: str, date: str, lines: list[str]) -> Entry:
    """One entry's parts from its lines: table rows, list items and paragraphs."""
    entry = Entry(version, date)
    paragraph: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if cells[0] != "table" and not set(cells[0]) <= set("-: "):
                entry.counts.append(cells)
        elif line.startswith("- "):
            entry.notable.append(line[2:])
        elif line.strip() and line.strip() != "Notable changes:":
            paragraph.append(line.strip())
            continue
        if paragraph:
            entry.paragraphs.append(" ".join(paragraph))
            paragraph = []
    return entry
