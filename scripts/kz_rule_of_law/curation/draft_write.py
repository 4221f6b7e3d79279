"""Write a draft facts file from what draft found in a release's text: the source record filled from
the archive and the dateline, the records its placed values belong to (marked for review), the new
names it proposes, and in comments the known records it names and what it could not place.

Every scalar is written as a YAML double-quoted string (`quote`), so a decimal comma, a colon, a `#`,
a leading dash or a quotation mark never changes what the file says.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .draft import Candidate
from .draft_place import Dateline, _owner, dateline

REVIEW = "  # review"
# The package's known names, kept between runs while data/*.csv stay the same (see KnownNames.cached).
NAMES_CACHE = Path("build") / "draft-names.json"
# The fields a person fills in a new record of each table (written empty for check to name them).
NEW_RECORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "organizations": (
        ("id", "plain"),
        ("name", "fact"),
        ("name_en", "plain"),
        ("name_en_status", "plain"),
        ("iati_type", "plain"),
    ),
    "projects": (("id", "plain"), ("title", "fact"), ("title_en_status", "plain")),
    "budgets": (("project_id", "plain"),),
    "events": (("id", "plain"), ("event_type", "plain"), ("title", "fact"), ("city", "fact"), ("country", "plain")),
    "outcomes": (("id", "plain"), ("event_id", "plain"), ("kind", "plain"), ("about", "fact")),
    "funding_programmes": (("id", "plain"), ("kind", "plain"), ("title", "fact")),
}
# The table of the package that tells whether a record already exists (its id column).
KNOWN_KEY = {"budgets": ("budgets", "project_id"), "projects": ("projects", "project_id")}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text` (control characters, line and
    paragraph separators, and other invisible code points escaped)."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not char.isprintable() and char != " ":
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def fact(candidate_quote: str, at: int | None, language: str, english: str = "") -> str:
    """A fact as a flow mapping: the quote under the source's language key, its occurrence, the
    English rendering (empty: a person writes it)."""
    parts = [f"{language}: {quote(candidate_quote)}"]
    if at is not None:
        parts.append(f"at: {at}")
    if language != "en":
        parts.append(f"en: {quote(english)}")
    return "{" + ", ".join(parts) + "}"


@dataclass
class Record:
    """A record of the draft: its table, the key line that opens it, and its field lines."""

    table: str
    opening: str
    lines: list[str] = field(default_factory=list)
    fields: dict[str, dict] = field(default_factory=dict)  # the values it holds, by field


def _opening(table: str, owner: str | None, known: dict[str, set[str]]) -> tuple[str, list[str]]:
    """The line that opens a record (its id, the record it restates, or what it belongs to) and the
    empty fields a person fills in."""
    if owner is not None and table in ("organizations", "projects"):
        return f"restates: {quote(owner)}", []
    if owner is not None and table == "budgets":
        exists = owner in known.get("budgets", set())
        return (f"restates: {quote(owner)}" if exists else f"project_id: {quote(owner)}"), []
    fields = NEW_RECORDS.get(table, (("id", "plain"),))
    (first, _), rest = fields[0], fields[1:]
    return f"{first}: {quote('')}", [
        f"{name}: {quote('')}" if kind == "plain" else f'{name}: {{kk: "", en: ""}}' for name, kind in rest
    ]


def records(placed: list[Candidate], language: str, known: dict[str, set[str]]) -> list[Record]:
    """The draft's records: the new organizations and projects it proposes, then one for each table
    and owner the placed values name (a value of no known owner goes to the proposed one near it); a
    value whose field its record already has opens a new record of the table."""
    result, open_by, marked = _proposals(placed, language)
    for c in placed:
        if c.record is not None and c.record != "source" and c.field is not None:
            record = _record_for(c, c.record, c.field, open_by, marked, language, known)
            if record is not None:
                result.append(record)
    return result


def _proposals(
    found: list[Candidate], language: str
) -> tuple[list[Record], dict[tuple[str, str | None], Record], list[Candidate]]:
    """The records of the proposed names, open for the values near them, and the proposals marked
    with the key of their record ('+N')."""
    new = [c for c in found if c.value.get("new") and c.kind in ("organization", "project")]
    result = [_proposed(c, language) for c in new]
    open_by: dict[tuple[str, str | None], Record] = {(r.table, f"+{i}"): r for i, r in enumerate(result)}
    return result, open_by, [replace(c, id=f"+{i}") for i, c in enumerate(new)]


def _record_for(
    c: Candidate,
    table: str,
    name: str,
    open_by: dict[tuple[str, str | None], Record],
    proposed: list[Candidate],
    language: str,
    known: dict[str, set[str]],
) -> Record | None:
    """Add a placed value to its owner's open record; the new record it opened, if it opened one."""
    key = (table, _owner_of(c, table, proposed))
    record = open_by.get(key)
    if record is not None and record.fields.get(name) == c.value:
        return None  # the same value stated again of the same record: the first quote is enough
    opened = record is None or name in record.fields
    if record is None or opened:
        record = open_by[key] = _new_record(table, c.id, language, known)
    record.fields[name] = c.value
    record.lines.append(f"{name}: {fact(c.quote, c.at, language)}{REVIEW}")
    return record if opened else None


def _owner_of(c: Candidate, table: str, proposed: list[Candidate]) -> str | None:
    """A placed value's owner: its known record, else a proposed one near it ('+N', the N-th proposal)."""
    return c.id or (_owner(c, table, proposed) if table in ("organizations", "projects") else None)


def _new_record(table: str, owner: str | None, language: str, known: dict[str, set[str]]) -> Record:
    """A record of the table for the values of one owner (a known record's id, or none)."""
    opening, empty = _opening(table, owner, known)
    return Record(table, opening, [_in(line, language) for line in empty])


def _in(line: str, language: str) -> str:
    """An empty fact line with the source language's key."""
    return line if language == "kk" else line.replace("{kk: ", "{" + language + ": ")


def _proposed(c: Candidate, language: str) -> Record:
    """A new organization or project for a name draft proposes."""
    table = "organizations" if c.kind == "organization" else "projects"
    name = "name" if table == "organizations" else "title"
    lines = [f"{name}: {fact(c.quote, c.at, language)}{REVIEW}"]
    lines += [f"{f}: {quote('')}" for f, kind in NEW_RECORDS[table][1:] if kind == "plain"]
    return Record(table, f"id: {quote('')}", lines, {name: c.value})


def _source(
    source_id: str, path: str, data: bytes, language: str, line: Dateline | None, text: str, found: list[Candidate]
) -> list[str]:
    """The source record: what the archive says of the file, the dateline's place (with its English
    name when the package knows the place) and date."""
    lines = [
        "source:",
        f"  id: {quote(source_id)}",
        f"  path: {quote(path)}",
        f"  sha256: {quote(hashlib.sha256(data).hexdigest())}",
        f"  bytes: {len(data)}",
        f"  language: {quote(language)}",
        f"  publisher_id: {quote('')}",
        f"  title: {fact('', None, language)}",
    ]
    if line is not None and line.place is not None:
        known = [c.id for c in found if c.kind == "place" and (c.start, c.end) == line.place and c.id]
        english = known[0] if known else ""
        lines.append(f"  place: {fact(text[line.place[0] : line.place[1]], None, language, english)}{REVIEW}")
    else:
        lines.append(f"  place: {fact('', None, language)}")
    date = fact(line.date.quote, line.date.at, language) + REVIEW if line else fact("", None, language)
    lines += [f"  date: {date}", f"  rights: {quote('')}"]
    return lines


def _comment_block(title: str, found: list[Candidate]) -> Iterator[str]:
    """A comment listing candidates with their quotes (and ids)."""
    if not found:
        return
    yield ""
    yield f"# {title}"
    for c in found:
        at = f" (at: {c.at})" if c.at is not None else ""
        named = f" = {c.id}" if c.id else ""
        yield "#   " + f"{c.kind}{named}: {quote(' '.join(c.quote.split()))}{at}"


def document(
    source_id: str, path: str, data: bytes, text: str, language: str, found: list[Candidate], known: dict[str, set[str]]
) -> str:
    """The text of the draft facts file."""
    line = dateline(text, found)
    lines = [
        f"# Draft facts of press release {source_id}, written by `kz-rule-of-law draft` from {path}.",
        "# Check every line marked `# review` against the text; fill in every empty value (`check` names them),",
        "# write the English renderings (en), remove what is wrong, then delete these comments.",
        "",
        *_source(source_id, path, data, language, line, text, found),
    ]
    lines += _sections(records(found, language, known))
    values = [c for c in found if c.kind in _VALUE_KINDS and c.field is None]
    mentions = [c for c in found if c.kind not in _VALUE_KINDS and c.id is not None and c.field is None]
    lines += _comment_block("Not placed: values draft found but could not place (kind: quote):", values)
    lines += _comment_block("Known records the text names (refer to them by id):", mentions)
    return "\n".join(lines) + "\n"


def _sections(drafted: list[Record]) -> Iterator[str]:
    """The lines of the drafted records, table by table."""
    for table in dict.fromkeys(r.table for r in drafted):
        yield from ("", f"{table}:")
        for record in (r for r in drafted if r.table == table):
            yield f"  - {record.opening}"
            yield from (f"    {entry}" for entry in record.lines)


_VALUE_KINDS = frozenset(("date", "period", "money", "duration", "legal-form", "count"))


def known_ids(root: Path) -> dict[str, set[str]]:
    """The ids of the package's records a draft may restate rather than define, by table."""
    from .draft_known import _columns

    result = {}
    for table, (name, column) in KNOWN_KEY.items():
        _, rows = _columns(root / "data" / f"{name}.csv", (column,))
        result[table] = {row[0] for row in rows}
    return result


def write(root: Path, text_file: Path, language: str, force: bool = False) -> tuple[Path, list[Candidate]]:
    """Draft facts/<id>.yml from archive/<id>.txt; refuse to overwrite a facts file unless `force`."""
    from ..errors import InputError, Problem
    from .draft_known import KnownNames
    from .draft_release import everything
    from .facts import read_text
    from .sources import ARCHIVE_DIR, MAX_SOURCE_BYTES, SOURCE_ID, SOURCE_ID_RULE

    full = text_file if text_file.is_absolute() else Path.cwd() / text_file
    archive = (root / ARCHIVE_DIR).resolve()
    if full.resolve().parent != archive:
        raise InputError(
            Problem(
                "the text to draft is not in archive/",
                file=str(text_file),
                expected="archive/<id>.txt: archive the text byte for byte first",
                code="path-outside-archive",
            )
        )
    source_id = full.stem
    if not SOURCE_ID.fullmatch(source_id) or full.suffix != ".txt":
        raise InputError(
            Problem(
                "not a source id",
                file=str(text_file),
                value=full.name,
                expected=SOURCE_ID_RULE + ", .txt",
                code="source-id-form",
            )
        )
    target = root / "facts" / f"{source_id}.yml"
    if target.exists() and not force:
        raise InputError(
            Problem(
                "the facts file exists already",
                file=f"facts/{source_id}.yml",
                expected="another release, or --force to replace the file with a new draft",
                code="draft-exists",
            )
        )
    relative = f"{ARCHIVE_DIR}/{full.name}"
    text = read_text(full, "source text", MAX_SOURCE_BYTES, name=relative)
    data = full.read_bytes()
    found = everything(text, language, KnownNames.cached(root, text, root / NAMES_CACHE))
    target.write_text(document(source_id, relative, data, text, language, found, known_ids(root)), encoding="utf-8")
    return target, found
