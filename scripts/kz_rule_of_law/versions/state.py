"""One state of the package, as a git ref or the working tree holds it: its tables keyed by primary key."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import git

Key = tuple[str, ...]
Reader = Callable[[str], bytes | None]


@dataclass(frozen=True)
class TableState:
    """A table's columns, primary key and rows (key -> the row's cells, in column order)."""

    name: str
    key: Key
    columns: tuple[str, ...]
    rows: dict[Key, tuple[str, ...]]

    def row(self, key: Key) -> dict[str, str]:
        """The row at `key` as column -> cell."""
        return dict(zip(self.columns, self.rows[key]))

    def keyed_by(self, key: Key) -> TableState | None:
        """The same rows keyed by `key` (when the primary key changed); None if a key column is missing."""
        if key == self.key:
            return self
        if not set(key) <= set(self.columns):
            return None
        at = [self.columns.index(column) for column in key]
        rows = {tuple(cells[i] for i in at): cells for cells in self.rows.values()}
        return TableState(self.name, key, self.columns, rows)


@dataclass(frozen=True)
class PackageState:
    """The descriptor's version, its texts for people (titles, descriptions) and its tables."""

    version: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    tables: dict[str, TableState] = field(default_factory=dict)


def working_tree(root: Path) -> PackageState:
    """The package as the files under `root` hold it now."""

    def read(path: str) -> bytes | None:
        try:
            return (root / path).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror}", code="cannot-read") from None

    return load(read, "the working tree")


def at_commit(root: Path, commit: str, label: str) -> PackageState:
    """The package as `commit` holds it; an empty package where the commit has no descriptor."""
    return load(lambda path: git.show(root, commit, path), label)


def load(read: Reader, label: str) -> PackageState:
    """The package `read` gives, path by path (relative to the project); empty without a descriptor."""
    raw = read("datapackage.json")
    if raw is None:
        return PackageState()
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"datapackage.json in {label}: not valid JSON: {e}", code="invalid-json") from None
    found = {r["name"]: _table(r, read(r["path"]), label) for r in descriptor.get("resources", [])}
    return PackageState(descriptor.get("version"), texts(descriptor), found)


def texts(descriptor: dict[str, Any]) -> dict[str, str]:
    """The descriptor's titles and descriptions, by where they stand (`budgets.total_budget.description`)."""
    found: dict[str, str] = {name: str(descriptor[name]) for name in ("title", "description") if name in descriptor}
    for resource in descriptor.get("resources", []):
        for name in ("title", "description"):
            if name in resource:
                found[f"{resource['name']}.{name}"] = str(resource[name])
        for column in resource.get("schema", {}).get("fields", []):
            for name in ("title", "description"):
                if name in column:
                    found[f"{resource['name']}.{column['name']}.{name}"] = str(column[name])
    return found


def _table(resource: dict[str, Any], raw: bytes | None, label: str) -> TableState:
    """A resource's rows, keyed by its primary key (the whole row where it has none)."""
    schema = resource.get("schema", {})
    declared = tuple(column["name"] for column in schema.get("fields", []))
    primary = schema.get("primaryKey", [])
    key = (primary,) if isinstance(primary, str) else tuple(primary)
    if raw is None:
        return TableState(resource["name"], key or declared, declared, {})
    records = _records(raw, f"{resource['path']} in {label}")
    columns = tuple(records[0]) if records else declared
    return TableState(resource["name"], key or columns, columns, _keyed(records[1:], columns, key or columns))


def _keyed(records: list[list[str]], columns: tuple[str, ...], key: Key) -> dict[Key, tuple[str, ...]]:
    """Rows by their key's cells."""
    at = [columns.index(column) for column in key if column in columns]
    return {tuple(cells[i] for i in at): tuple(cells) for cells in records if cells}


def _records(raw: bytes, shown: str) -> list[list[str]]:
    """A CSV's records, its header first; InputError naming `shown` if it is not UTF-8 CSV."""
    try:
        return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{shown}: cannot read: {e}", code="cannot-read") from None
