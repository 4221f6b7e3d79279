"""Write rows as CSVs and the descriptor with their sizes and digests."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any, BinaryIO

from .cells import format_cell
from .descriptor import Table

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
