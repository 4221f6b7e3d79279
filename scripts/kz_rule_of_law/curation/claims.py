"""Claims: every value a release states about a record's field. Several releases may state the same
field; the published value is the one their claims agree on, or the one a `resolutions:` entry keeps.

A later release restates a record with `- restates: <id>` and the facts it states again. Rows stream
from file to CSV, so a record that some file restates is held back from the file that defines it
(the files are scanned for `restates:` first) and published once every claim is in (`settle`).
Only the claims on held records are kept in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problem
from ..package.cells import format_cell
from ..package.descriptor import Table
from .derive import DERIVED
from .facts import MAX_FACTS_BYTES, Mapping, read_regular

if TYPE_CHECKING:
    from .rows import Compiler, FileRows, _FileCompiler

RESTATES = "restates"
RESOLUTIONS = "resolutions"
RESOLUTION_KEYS = ("table", "record", "field", "keep", "reason")
_RESTATES_LINE = re.compile(r"^[ \t]*(?:-[ \t]+)?restates:[ \t]*[\"']?([^\"'\s#]+)", re.M)


def restated_ids(paths: Iterable[Path], root: Path | None = None) -> set[str]:
    """The ids some facts file restates (`restates: <id>`), found by a scan of the files' text.

    Each file is read as the compile reads it (a regular file, within the size limit, a symlink
    staying inside the project): anything else is left to the compile to report."""
    found: set[str] = set()
    for path in paths:
        try:
            data = read_regular(path, "facts file", MAX_FACTS_BYTES, root)
        except (InputError, OSError):
            continue
        if b"restates:" in data:
            found.update(_RESTATES_LINE.findall(data.decode("utf-8", "replace")))
    return found


def claim_value(kind: str, columns: dict[str, Any]) -> str:
    """The normalized value of a claim as text: what `quotes.value` holds and conflicts compare."""
    values = list(columns.values())
    if kind == "date":
        return _date_value(columns)
    if kind == "money":
        amount, currency, qualifier = values
        return f"{_qualified(qualifier)}{format_cell(amount)} {currency}"
    if kind == "period":
        return f"{values[0]}-{values[1]}"
    if kind == "count":
        value, qualifier = values
        return f"{_qualified(qualifier)}{value}"
    return format_cell(values[0])


def _date_value(columns: dict[str, Any]) -> str:
    """A date as ISO 8601 to its precision (2026-03, 2026), a range as first/last day."""
    first: str = next(iter(columns.values())).isoformat()
    precision, end = columns.get("date_precision", "day"), columns.get("end_date")
    width = {"month": 7, "year": 4}.get(precision, 10)
    if end is not None:
        return f"{first[:width]}/{end.isoformat()[:width]}"
    return first[:width]


def _qualified(qualifier: str | None) -> str:
    """How a claim's value says it is approximate: 'about ', 'more than ', or nothing when exact."""
    return "" if qualifier in (None, "exact") else qualifier.replace("_", " ") + " "


@dataclass(frozen=True)
class Claim:
    """One release's statement of one field of a record: its quote, normalized value and columns."""

    table: str
    record: str
    field: str
    source_id: str | None
    file: str
    line: int
    quote: str
    value: str | None  # None for a text field: texts in other words never conflict
    columns: dict[str, Any] | None

    def shown(self) -> str:
        """How a conflict names the claim: FILE:LINE 'quote' (value)."""
        return f"{self.file}:{self.line} '{self.quote}' ({self.value})"


@dataclass(frozen=True)
class Resolution:
    """A facts file's choice between conflicting claims on one field, with its reason."""

    table: str
    record: str
    field: str
    keep: str
    reason: str
    source_id: str | None
    file: str
    line: int


class Claims:
    """The claims on records some file restates, the held rows of those records, and resolutions."""

    def __init__(self, tables: dict[str, Table]) -> None:
        """Prepare for the package's tables; `restated` is set by the scan before compiling."""
        self.tables = tables
        self.restated: set[str] = set()
        self.held: dict[tuple[str, tuple], tuple[dict[str, Any], int]] = {}
        self.by_field: dict[tuple[str, str, str], list[Claim]] = {}
        self.resolutions: dict[tuple[str, str, str], Resolution] = {}

    def hold(self, table: str, key: tuple, row: dict[str, Any], code: int) -> None:
        """Keep a restated record's row until every claim is in."""
        self.held[(table, key)] = (row, code)

    def can_restate(self, where: _FileCompiler, table: Table, rid: Any, line: int) -> bool:
        """Whether `restates: rid` names a record an earlier file defined; if not, report why."""
        if len(table.primary_key) == 1 and isinstance(rid, str) and (table.name, (rid,)) in self.held:
            return True
        where.problem(
            Problem(
                f"restates an unknown {table.name} record",
                line=line,
                record=str(rid),
                field=RESTATES,
                value=rid if isinstance(rid, str) else repr(rid),
                expected=f"the id of a record of {table.name} defined in an earlier facts file",
                code="restates-unknown-record",
            )
        )
        return False

    def add(self, claim: Claim, where: _FileCompiler | None = None) -> None:
        """Record a claim; a release states a field once."""
        claims = self.by_field.setdefault((claim.table, claim.record, claim.field), [])
        if where is not None and any(c.source_id == claim.source_id for c in claims):
            where.problem(
                Problem(
                    "value given twice",
                    line=claim.line,
                    record=claim.record,
                    field=claim.field,
                    value=claim.quote,
                    expected="one claim on a field per press release",
                    code="value-given-twice",
                )
            )
            return
        claims.append(claim)

    def read_resolutions(self, records: Any, line: int, where: _FileCompiler) -> None:
        """Read a facts file's `resolutions:` list: {table, record, field, keep, reason} each."""
        if not isinstance(records, list):
            where.problem(
                Problem(
                    "wrong shape",
                    line=line,
                    field=RESOLUTIONS,
                    value="not a list",
                    expected="a list of {table, record, field, keep, reason}",
                    code="wrong-shape",
                )
            )
            return
        for record in records:
            problems = _resolution_problems(record, line)
            if problems:
                where.problem(InputError(*problems))
                continue
            table, record_id, field, keep, reason = (record[k].strip() for k in RESOLUTION_KEYS)
            resolution = Resolution(table, record_id, field, keep, reason, where.source_id, where.name, record.line)
            self.resolutions[(resolution.table, resolution.record, resolution.field)] = resolution

    def settle(self, chunk: FileRows, compiler: Compiler) -> None:
        """Publish the held rows with the values their claims agree on (or the resolutions keep) into
        `chunk`, reporting conflicts no resolution settles."""
        published, texts = self._every_published(compiler.problems)
        for (table, key), (row, code) in self.held.items():
            record = "/".join(str(k) for k in key)
            for field in {f for (t, r, f) in published if t == table and r == record}:
                _apply(row, published[(table, record, field)])
            for claim in texts.get((table, record), []):
                _apply(row, claim)  # each language version fills its own language's columns
            row.update(DERIVED.get(table, lambda r: {})(row))
            chunk.rows[table].append(row)
            chunk.origins[(table, key)] = code
        self._resolution_rows(chunk, published, compiler.problems)
        self.held.clear()
        self.by_field.clear()

    def _every_published(
        self, problems: list[Problem]
    ) -> tuple[dict[tuple[str, str, str], Claim], dict[tuple[str, str], list[Claim]]]:
        """The published claim of each field (reporting conflicts), and each record's text claims in
        every language."""
        published: dict[tuple[str, str, str], Claim] = {}
        texts: dict[tuple[str, str], list[Claim]] = {}
        for key, claims in self.by_field.items():
            kept = self._published(key, claims, problems)
            if kept is not None:
                published[key] = kept
            texts.setdefault(key[:2], []).extend(c for c in claims if c.value is None)
        return published, texts

    def _published(self, key: tuple[str, str, str], claims: list[Claim], problems: list[Problem]) -> Claim | None:
        """The claim whose value is published: the first, when they agree; else the resolved one.

        Claims in different languages compare by their normalized values, so a Russian version's
        '739 тыс. евро' agrees with a Kazakh '739 мың еуро' and disagrees with '730 мың еуро'."""
        valued = [c for c in claims if c.value is not None]
        if len({c.value for c in valued}) <= 1:
            return claims[0]
        resolution = self.resolutions.get(key)
        if resolution is None:
            problems.extend(_conflicts(valued))
            return None
        kept = next((c for c in valued if c.source_id == resolution.keep), None)
        if kept is None:
            problems.append(
                Problem(
                    "the resolution keeps a release that makes no claim on this field",
                    file=resolution.file,
                    line=resolution.line,
                    record=resolution.record,
                    field="keep",
                    value=resolution.keep,
                    expected="one of: " + ", ".join(str(c.source_id) for c in valued),
                    code="resolution-keeps-unknown",
                )
            )
        return kept

    def _resolution_rows(
        self, chunk: FileRows, published: dict[tuple[str, str, str], Claim], problems: list[Problem]
    ) -> None:
        """A resolutions row for each resolution that settles a conflict; a problem for the others."""
        for key, resolution in self.resolutions.items():
            claims = self.by_field.get(key, [])
            if len({c.value for c in claims if c.value is not None}) <= 1:
                problems.append(
                    Problem(
                        "nothing to resolve: no conflicting claims on this field",
                        file=resolution.file,
                        line=resolution.line,
                        record=resolution.record,
                        field=resolution.field,
                        expected="a resolution only where two releases state different values",
                        code="resolution-without-conflict",
                    )
                )
                continue
            if RESOLUTIONS not in chunk.rows or key not in published:
                continue
            chunk.rows[RESOLUTIONS].append(
                {
                    "resolution_id": "/".join(key),
                    "source_id": resolution.source_id,
                    "table_name": key[0],
                    "record_id": key[1],
                    "field": key[2],
                    "kept_source_id": resolution.keep,
                    "value": published[key].value,
                    "reason": resolution.reason,
                }
            )
            chunk.lines[(RESOLUTIONS, ("/".join(key),))] = resolution.line
        self.resolutions.clear()


def _conflicts(valued: list[Claim]) -> list[Problem]:
    """A problem for each claim whose value differs from the first claim's, located on it."""
    first = valued[0]
    return [
        Problem(
            f"conflicting claims: {first.shown()} vs {other.shown()}: resolve it in the later file with `resolutions:`",
            file=other.file,
            line=other.line,
            record=other.record,
            field=other.field,
            code="conflicting-claims",
        )
        for other in valued[1:]
        if other.value != first.value
    ]


def _apply(row: dict[str, Any], claim: Claim) -> None:
    """Set a held row's columns from the published claim: a value outright, a text where missing
    (a curated English name is kept)."""
    for column, value in (claim.columns or {}).items():
        if claim.value is not None or row.get(column) is None:
            row[column] = value


def _resolution_problems(record: Any, line: int) -> list[Problem]:
    """What is wrong with one entry of `resolutions:`."""
    if not isinstance(record, Mapping):
        return [
            Problem(
                "wrong shape",
                line=line,
                field=RESOLUTIONS,
                value="not a mapping",
                expected="{table, record, field, keep, reason}",
                code="wrong-shape",
            )
        ]
    problems = [
        Problem(
            f"unknown key '{k}' in a resolution",
            line=record.lines[k],
            field=k,
            expected="only " + ", ".join(RESOLUTION_KEYS),
            code="unknown-field",
        )
        for k in record
        if k not in RESOLUTION_KEYS
    ]
    problems += [
        Problem(
            "missing required field",
            line=record.line,
            field=k,
            expected="the table, record and field in conflict, the source id to keep and why",
            code="missing-value",
        )
        for k in RESOLUTION_KEYS
        if not isinstance(record.get(k), str) or not record[k].strip()
    ]
    return problems
