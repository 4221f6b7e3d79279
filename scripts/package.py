"""Write rows as CSVs and the descriptor with their sizes and digests; read CSVs back as typed rows."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from .descriptor import Table, cast, format_cell
from .errors import InputError, Problem


def csv_bytes(table: Table, rows: list[dict[str, Any]]) -> bytes:
    """One table as UTF-8 CSV bytes: header, LF line ends, columns in descriptor order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in rows:
        unknown = set(row) - set(table.columns)
        if unknown:
            raise AssertionError(f"{table.name}: columns not in the descriptor: {sorted(unknown)}")
        writer.writerow([format_cell(row.get(c)) for c in table.columns])
    return buffer.getvalue().encode("utf-8")


def descriptor_bytes(descriptor: dict[str, Any]) -> bytes:
    """The descriptor as the build writes it: indented JSON, UTF-8, trailing newline."""
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(descriptor: dict[str, Any], tables: dict[str, Table], rows: dict[str, list[dict[str, Any]]]) -> dict[str, bytes]:
    """Every published file of the package by relative path: the CSVs and the updated descriptor."""
    files: dict[str, bytes] = {}
    updated = copy.deepcopy(descriptor)
    for resource in updated["resources"]:
        table = tables[resource["name"]]
        data = csv_bytes(table, rows.get(table.name, []))
        files[table.path] = data
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    files["datapackage.json"] = descriptor_bytes(updated)
    return files


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
