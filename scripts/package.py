"""Write rows as CSVs and the descriptor with their sizes and digests; read CSVs back as typed rows."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any, BinaryIO

from .descriptor import Table, cast, format_cell
from .errors import InputError, Problem

DESCRIPTOR = "datapackage.json"


class PackageWriter:
    """Write the package's CSVs file by file as rows come, then the descriptor with sizes and digests."""

    def __init__(self, root: Path, descriptor: dict[str, Any], tables: dict[str, Table]) -> None:
        """Open every table's CSV under `root` and write its header."""
        self.root, self.descriptor, self.tables = root, descriptor, tables
        self.handles: dict[str, BinaryIO] = {}
        self.digests = {name: hashlib.sha256() for name in tables}
        self.sizes = {name: 0 for name in tables}
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        for name, table in tables.items():
            path = root / table.path
            path.parent.mkdir(parents=True, exist_ok=True)
            self.handles[name] = open(path, "wb")
            self.writer.writerow(table.columns)
            self._flush(name)

    def write(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Append rows to their tables' CSVs, columns in descriptor order."""
        for name, table_rows in rows.items():
            if not table_rows:
                continue
            columns = self.tables[name].columns
            for row in table_rows:
                if len(row) != len(columns):
                    unknown = set(row) - set(columns)
                    raise AssertionError(f"{name}: columns not in the descriptor: {sorted(unknown)}")
                self.writer.writerow([format_cell(row[c]) for c in columns])
            self._flush(name)

    def _flush(self, name: str) -> None:
        """Move the buffered text to the table's file, counting its bytes and digest."""
        data = self.buffer.getvalue().encode("utf-8")
        self.buffer.seek(0)
        self.buffer.truncate()
        self.handles[name].write(data)
        self.digests[name].update(data)
        self.sizes[name] += len(data)

    def close(self) -> list[str]:
        """Close the CSVs, write datapackage.json with their sizes and digests; the paths written."""
        for handle in self.handles.values():
            handle.close()
        updated = copy.deepcopy(self.descriptor)
        for resource in updated["resources"]:
            resource["bytes"] = self.sizes[resource["name"]]
            resource["hash"] = "sha256:" + self.digests[resource["name"]].hexdigest()
        (self.root / DESCRIPTOR).write_bytes(descriptor_bytes(updated))
        return [*(table.path for table in self.tables.values()), DESCRIPTOR]

    def abort(self) -> None:
        """Close the CSVs without writing the descriptor."""
        for handle in self.handles.values():
            handle.close()


def descriptor_bytes(descriptor: dict[str, Any]) -> bytes:
    """The descriptor as the build writes it: indented JSON, UTF-8, trailing newline."""
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_rows(root: Path, tables: dict[str, Table]) -> tuple[dict[str, list[dict[str, Any]]], list[Problem]]:
    """Read every table's CSV back into typed rows; cells that do not cast are problems."""
    rows: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    for name, table in tables.items():
        path = root / table.path
        rows[name] = []
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(Problem(f"cannot read: {e}", file=table.path))
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        if header != table.columns:
            problems.append(Problem("header differs from the descriptor", file=table.path, line=1,
                                    value=",".join(header), expected=",".join(table.columns)))
            continue
        for cells in reader:
            number = reader.line_num
            row = {}
            for field, cell in zip(table.fields, cells):
                try:
                    row[field.name] = cast(field, cell)
                except InputError as e:
                    problems.extend(p.located(file=table.path, line=number, field=field.name) for p in e.problems)
            rows[name].append(row)
    return rows, problems
