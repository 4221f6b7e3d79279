"""The IATI codelists (organisation types and roles, DAC 5-digit sectors): read from the CSVs made from
IATI's official XML files under reference/iati/, never typed by hand."""

from __future__ import annotations

import csv
import functools
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "iati"
INDEX = REFERENCE / "codelists.csv"
# Columns each codelist's CSV has, beyond code, name and description (the sector list's own).
EXTRA_COLUMNS = {"Sector": ("category", "status")}
INTEGER_COLUMNS = ("code", "category")


@dataclass(frozen=True)
class Codelist:
    """One IATI codelist: its name, the table it fills, its files, version and where it comes from."""

    codelist: str
    table: str
    csv: Path
    xml: Path
    version: str
    source_url: str


@functools.cache
def codelists() -> tuple[Codelist, ...]:
    """The codelists the package carries, as codelists.csv lists them."""
    with open(INDEX, encoding="utf-8", newline="") as handle:
        return tuple(
            Codelist(
                r["codelist"], r["table"], REFERENCE / r["csv"], REFERENCE / r["xml"], r["version"], r["source_url"]
            )
            for r in csv.DictReader(handle)
        )


def codelist_rows() -> dict[str, list[dict[str, Any]]]:
    """Every codelist's rows, by table: codes as integers, an empty description as None."""
    return {c.table: [_typed(row) for row in _read_csv(c.csv)] for c in codelists()}


@functools.cache
def _read_csv(path: Path) -> tuple[dict[str, str], ...]:
    """The rows of a codelist CSV, as text."""
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def _typed(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row with its integer columns as integers and empty cells as None."""
    return {k: (int(v) if k in INTEGER_COLUMNS and v else v or None) for k, v in row.items()}


def official_rows(codelist: Codelist) -> list[dict[str, str]]:
    """The items of a codelist's official XML as CSV rows: code, the English name and description
    (whitespace collapsed), and the sector list's category and status."""
    rows = []
    for item in ET.parse(codelist.xml).getroot().iter("codelist-item"):
        row = {
            "code": (item.findtext("code") or "").strip(),
            "name": _english(item, "name"),
            "description": _english(item, "description"),
        }
        for column in EXTRA_COLUMNS.get(codelist.codelist, ()):
            # IATI marks withdrawn items; an item without a status is active.
            row[column] = item.get("status", "active") if column == "status" else (item.findtext(column) or "").strip()
        rows.append(row)
    return rows


def _english(item: ET.Element, part: str) -> str:
    """The English narrative (the one without xml:lang) of an item's name or description."""
    for narrative in item.findall(f"{part}/narrative"):
        if not narrative.attrib:
            return " ".join((narrative.text or "").split())
    return ""


def write_csvs() -> None:
    """Rewrite every codelist's CSV from its official XML."""
    for codelist in codelists():
        rows = official_rows(codelist)
        with open(codelist.csv, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"{codelist.csv.name}: {len(rows)} items", file=sys.stderr)


if __name__ == "__main__":
    write_csvs()
