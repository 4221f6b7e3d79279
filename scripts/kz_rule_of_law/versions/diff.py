"""The data diff between two states of the package: rows added and removed, fields changed, by primary key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .state import Key, PackageState, TableState

# The table whose rows are claims: a row added there is a claim added.
CLAIMS_TABLE = "quotes"
# How a record is named in the diff: its key's parts joined as the quotes table joins them.
KEY_JOINER = "/"


@dataclass(frozen=True)
class Change:
    """One field of one record (or one text of the descriptor) that changed, with both values."""

    key: Key
    field: str
    old: str
    new: str


@dataclass
class TableDiff:
    """What changed in one table: rows added and removed, fields changed, columns added and removed."""

    name: str
    key: Key
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    table_added: bool = False
    table_removed: bool = False

    def __bool__(self) -> bool:
        """Whether anything changed."""
        return bool(self.added or self.removed or self.changed or self.columns_added or self.columns_removed)

    def changed_records(self) -> int:
        """How many records have a changed field."""
        return len({change.key for change in self.changed})


@dataclass
class PackageDiff:
    """What changed between two states of the package, table by table."""

    before: str | None
    after: str | None
    tables: list[TableDiff]
    texts: list[Change]

    @property
    def claims_added(self) -> int:
        """Rows added to the claims table."""
        return sum(len(t.added) for t in self.tables if t.name == CLAIMS_TABLE)

    def __bool__(self) -> bool:
        """Whether anything changed."""
        return bool(self.tables or self.texts)


def record_name(key: Key) -> str:
    """A record's name in the diff: its key's parts joined by '/'."""
    return KEY_JOINER.join(key)


def diff_packages(before: PackageState, after: PackageState) -> PackageDiff:
    """Every difference from `before` to `after`: tables in the order `after` lists them, then removed ones."""
    names = [*after.tables, *(name for name in before.tables if name not in after.tables)]
    found = [diff_tables(before.tables.get(name), after.tables.get(name)) for name in names]
    texts = diff_texts(before.texts, after.texts, owners(before) & owners(after))
    return PackageDiff(before.version, after.version, [t for t in found if t], texts)


def owners(state: PackageState) -> set[str]:
    """What can carry a text in `state`: the package (''), each table and each of its columns."""
    if not (state.tables or state.texts):
        return set()
    return {"", *state.tables, *(f"{t.name}.{column}" for t in state.tables.values() for column in t.columns)}


def diff_texts(before: dict[str, str], after: dict[str, str], shared: set[str]) -> list[Change]:
    """The titles and descriptions that changed, appeared or went on what both sides have (the texts
    of a table or column added or removed come and go with it)."""
    keys = [*after, *(k for k in before if k not in after)]
    return [
        Change((), k, before.get(k, ""), after.get(k, ""))
        for k in keys
        if before.get(k, "") != after.get(k, "") and k.rpartition(".")[0] in shared
    ]


def diff_tables(before: TableState | None, after: TableState | None) -> TableDiff:
    """What changed in one table; a table only one side has is all added or all removed."""
    if after is None:
        assert before is not None
        return TableDiff(before.name, before.key, removed=_all_rows(before), table_removed=True)
    old = before.keyed_by(after.key) if before is not None else None
    if old is None:
        # A new table, or one whose key's columns are new: every row is new under the key.
        removed = _all_rows(before) if before is not None else []
        return TableDiff(after.name, after.key, added=_all_rows(after), removed=removed, table_added=before is None)
    found = TableDiff(after.name, after.key)
    found.columns_added = [c for c in after.columns if c not in old.columns]
    found.columns_removed = [c for c in old.columns if c not in after.columns]
    _compare_rows(old, after, found)
    return found


def _all_rows(table: TableState) -> list[dict[str, str]]:
    """Every row of a table, in key order."""
    return [table.row(key) for key in sorted(table.rows)]


def _compare_rows(old: TableState, new: TableState, found: TableDiff) -> None:
    """Fill `found` with the rows only `new` has, those only `old` has and the common columns that differ."""
    common = [
        (column, old.columns.index(column), new.columns.index(column))
        for column in new.columns
        if column in old.columns
    ]
    for key in sorted(new.rows.keys() | old.rows.keys()):
        if key not in old.rows:
            found.added.append(new.row(key))
        elif key not in new.rows:
            found.removed.append(old.row(key))
        else:
            before, after = old.rows[key], new.rows[key]
            if before != after:
                found.changed.extend(
                    Change(key, column, _cell(before, i), _cell(after, j))
                    for column, i, j in common
                    if _cell(before, i) != _cell(after, j)
                )


def _cell(cells: tuple[str, ...], at: int) -> str:
    """A cell of a row, empty where a short row has none."""
    return cells[at] if at < len(cells) else ""


def as_json(diff: PackageDiff) -> dict[str, Any]:
    """The diff for programs: every table that changed, with whole rows added and removed and each changed field."""
    return {
        "before": diff.before,
        "after": diff.after,
        "claims_added": diff.claims_added,
        "tables": {t.name: _table_json(t) for t in diff.tables},
        "descriptor": [{"text": c.field, "old": c.old, "new": c.new} for c in diff.texts],
    }


def _table_json(table: TableDiff) -> dict[str, Any]:
    """One table's changes for programs; a changed record's key as its columns."""
    return {
        "key": list(table.key),
        "table_added": table.table_added,
        "table_removed": table.table_removed,
        "columns_added": table.columns_added,
        "columns_removed": table.columns_removed,
        "added": table.added,
        "removed": table.removed,
        "changed": [
            {"key": dict(zip(table.key, c.key)), "field": c.field, "old": c.old, "new": c.new} for c in table.changed
        ],
    }
