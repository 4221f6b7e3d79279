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
from .descriptor import PACKAGE_PROFILE, Table

DESCRIPTOR = "datapackage.json"
LANGUAGES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}
# A table whose rows come from more releases than this names them by their count and the sources
# table in the descriptor, instead of one entry each.
LISTED_SOURCES = 20


class PackageWriter:
    """Write the package's CSVs file by file as rows come, then the descriptor with sizes and digests."""

    def __init__(self, root: Path, descriptor: dict[str, Any], tables: dict[str, Table]) -> None:
        """Open every table's CSV under `root` and write its header."""
        self.root, self.descriptor, self.tables = root, descriptor, tables
        self.handles: dict[str, BinaryIO] = {}
        self.digests = {name: hashlib.sha256() for name in tables}
        self.sizes = {name: 0 for name in tables}
        self.buffer = io.StringIO()
        self.sources: dict[str, dict[str, str]] = {}  # the descriptor entry of each release, by id
        self.table_sources: dict[str, dict[str, dict[str, str]]] = {name: {} for name in tables}
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        for name, table in tables.items():
            path = root / table.path
            path.parent.mkdir(parents=True, exist_ok=True)
            # Open for the writer's life, across write() calls; finishing or closing the writer closes them.
            self.handles[name] = open(path, "wb")  # noqa: SIM115
            self.writer.writerow(table.columns)
            self._flush(name)

    def write(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Append rows to their tables' CSVs, columns in descriptor order, noting which releases
        they come from: the chunk's own release (one facts file gives one sources row), and each
        quote's release for its table."""
        self._attribute(rows)
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

    def _attribute(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Note the releases behind a chunk of rows, by table."""
        own = rows.get("sources", [])
        entries = {row["source_id"]: source_entry(row) for row in own}
        self.sources.update(entries)
        for name, table_rows in rows.items():
            if table_rows and len(own) == 1:
                self.table_sources[name].update(entries)
        for quote in rows.get("quotes", []):
            if quote["table_name"] in self.table_sources:
                self.table_sources[quote["table_name"]][quote["source_id"]] = self.sources[quote["source_id"]]

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
        # The attribution is set on the descriptor given (the metadata is rendered from it after).
        self.descriptor["sources"] = list(self.sources.values())
        for resource in self.descriptor["resources"]:
            resource.pop("sources", None)
            listed = table_sources(self.table_sources[resource["name"]], self.tables["sources"].path)
            if listed:
                resource["sources"] = listed
        updated = copy.deepcopy(self.descriptor)
        # The build writes Data Package v2 whatever it read: the v2 profile, and every table typed.
        updated["$schema"] = PACKAGE_PROFILE
        for resource in updated["resources"]:
            resource["type"] = "table"
            resource["bytes"] = self.sizes[resource["name"]]
            resource["hash"] = "sha256:" + self.digests[resource["name"]].hexdigest()
        (self.root / DESCRIPTOR).write_bytes(descriptor_bytes(updated))
        return [*(table.path for table in self.tables.values()), DESCRIPTOR]

    def abort(self) -> None:
        """Close the CSVs without writing the descriptor."""
        for handle in self.handles.values():
            handle.close()


def source_entry(row: dict[str, Any]) -> dict[str, str]:
    """The descriptor's entry for a sources row: title and archived text (v2 defines no source
    `description`: the rights are in the sources table's `rights` column)."""
    language = LANGUAGES.get(row["language"], row["language"])
    return {
        "title": f"Press release: {row['title_en']}, {row['place_en']}, {row['date']} ({language})",
        "path": row["path"],
    }


def table_sources(entries: dict[str, dict[str, str]], sources_path: str) -> list[dict[str, str]]:
    """A resource's `sources`: each release its rows come from, or, for many, their count and the
    sources table."""
    if len(entries) > LISTED_SOURCES:
        return [{"title": f"{len(entries)} press releases", "path": sources_path}]
    return [{"title": e["title"], "path": e["path"]} for _, e in sorted(entries.items())]


def descriptor_bytes(descriptor: dict[str, Any]) -> bytes:
    """The descriptor as the build writes it: indented JSON, UTF-8, trailing newline."""
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
