"""How close a draft comes to a curated facts file: the values found with the same quote and value,
the values found with another, and the known records named by the right id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import facts, quotes
from .draft import Candidate, value
from .draft_known import KnownNames
from .draft_release import everything
from .rows import KIND_BY_FIELD


@dataclass
class Score:
    """The figures of one release's draft against its curated facts file."""

    release: str
    language: str
    values: int = 0  # normalized facts of the curated file
    same: int = 0  # ...that the draft found at their span with the same kind and value
    wrong: list[str] = field(default_factory=list)  # quotes drafted at the curated span with another value
    placed: int = 0  # values found the same that the draft places in the curated table and field
    mentions: int = 0  # curated names of known records whose quote is in the text
    right: int = 0  # ...that the draft names at an overlapping span by the right id
    new: int = 0  # curated names of records the package does not know yet, whose quote is in the text
    proposed: int = 0  # ...that the draft proposes as new records of the right kind


# The curated facts that name a record: (table, field) -> the kind of mention and the key of its id
# ("en" for a place: a place is known by its English name).
NAMES = {
    ("organizations", "name"): ("organization", "id"),
    ("projects", "title"): ("project", "id"),
    ("people", "name"): ("person", "id"),
    ("positions", "title"): ("position", "id"),
    ("instruments", "name"): ("instrument", "id"),
    ("event_countries", "name"): ("country", "country"),
    ("events", "city"): ("place", "en"),
}


def releases(root: Path) -> Iterator[tuple[Path, Path]]:
    """(facts file, source text) of every release with a curated facts file: facts/ with archive/,
    and the synthetic releases of tests/releases/."""
    for path in sorted((root / "facts").glob("*.yml")):
        source = facts.load(path, root=root).get("source")
        text = root / "archive" / f"{source.get('id')}.txt" if isinstance(source, dict) else None
        if text is not None and text.is_file():
            yield path, text
    for path in sorted((root / "tests" / "releases").glob("synthetic-*.yml")):
        if path.with_suffix(".txt").is_file():
            yield path, path.with_suffix(".txt")


def language_of(document: Any) -> str:
    """The language a facts file's source is written in (Kazakh unless it says otherwise)."""
    source = document.get("source") if isinstance(document, dict) else None
    language = source.get("language") if isinstance(source, dict) else None
    return language if isinstance(language, str) else "kk"


def quoted(item: Any, language: str) -> tuple[str, int | None] | None:
    """The quote of a fact in the source's language and its occurrence, or None if it is no fact."""
    if not isinstance(item, dict) or not isinstance(item.get(language), str):
        return None
    at = item.get("at")
    return " ".join(item[language].split()), int(at) if isinstance(at, str) and at.isdecimal() else None


def normalized_facts(
    document: Any, language: str, table: str | None = None
) -> Iterator[tuple[str, str, str, int | None]]:
    """(table.field, kind, quote, at) for every fact of a facts file in a field the build normalizes."""
    if isinstance(document, list):
        for item in document:
            yield from normalized_facts(item, language, table)
    elif isinstance(document, dict):
        for key, item in document.items():
            fact = quoted(item, language) if key in KIND_BY_FIELD else None
            if fact is not None:
                yield f"{table}.{key}", KIND_BY_FIELD[key], *fact
            else:
                yield from normalized_facts(item, language, table or key)


def _span(text: str, quote: str, at: int | None) -> tuple[int, int] | None:
    """Where a curated quote stands in the text, or None if it is not there as it should be."""
    try:
        return quotes.locate(text, quote, at)
    except InputError:
        return None


def score_values(score: Score, document: Any, text: str, drafted: list[Candidate]) -> None:
    """Count the curated normalized values the draft found with the same quote and value, and those
    it found at their span with another."""
    found = {(c.start, c.end): c for c in drafted}
    curated = list(normalized_facts(document, score.language))
    # A span may be curated twice: a dateline's date is often the event's too.
    fields: dict[tuple[int, int] | None, set[str]] = {}
    for where, _, quote, at in curated:
        fields.setdefault(_span(text, quote, at), set()).add(where)
    for _, kind, quote, at in curated:
        score.values += 1
        span = _span(text, quote, at)
        candidate = found.get(span or (-1, -1))
        if candidate is None:
            continue
        if (candidate.kind, candidate.value) == (kind, value(kind, quote, score.language)):
            score.same += 1
            score.placed += f"{candidate.record}.{candidate.field}" in fields[span]
        else:
            score.wrong.append(quote)


def _place(document: Any, language: str) -> Iterator[tuple[str, str, str, int | None]]:
    """The source's place as a named record: a place is known by its English name."""
    source = document.get("source") if isinstance(document, dict) else None
    place = source.get("place") if isinstance(source, dict) else None
    fact = quoted(place, language)
    if fact is not None and isinstance(place, dict) and isinstance(place.get("en"), str):
        yield "place", place["en"], *fact


def _record_id(record: dict, key: str, id_key: str) -> Any:
    """The id a curated name refers to: the record's id, its country, or (a place) its English name."""
    return record[key].get("en") if id_key == "en" else record.get(id_key)


def named_records(document: Any, language: str) -> Iterator[tuple[str, str, str, int | None]]:
    """(kind, id, quote, at) for every curated fact that names a record of a kind draft recognizes."""
    yield from _place(document, language)
    for (table, key), (kind, id_key) in NAMES.items():
        records = document.get(table) if isinstance(document, dict) else None
        for record in records if isinstance(records, list) else ():
            fact = quoted(record.get(key), language) if isinstance(record, dict) else None
            record_id = _record_id(record, key, id_key) if fact is not None else None
            if fact is not None and isinstance(record_id, str):
                yield kind, record_id, *fact


def score_mentions(score: Score, document: Any, text: str, drafted: list[Candidate], index: KnownNames) -> None:
    """Count the curated names of known records the draft refers to by the right id, and the names of
    new records it proposes."""
    for kind, record_id, quote, at in named_records(document, score.language):
        span = _span(text, quote, at)
        if span is None:
            continue
        near = [c for c in drafted if c.kind == kind and c.start < span[1] and c.end > span[0]]
        if (kind, record_id) in index.ids:
            score.mentions += 1
            score.right += any(c.id == record_id for c in near)
        else:
            score.new += 1
            score.proposed += any(c.value.get("new") for c in near)


def score(facts_path: Path, text_path: Path, root: Path, index: KnownNames | None = None) -> Score:
    """The figures of the draft of one release against its curated facts file."""
    document = facts.load(facts_path, root=root)
    text = text_path.read_text(encoding="utf-8")
    result = Score(facts_path.stem, language_of(document))
    index = index if index is not None else KnownNames.from_package(root)
    drafted = everything(text, result.language, index)
    score_values(result, document, text, drafted)
    score_mentions(result, document, text, drafted, index)
    return result


def percent(part: int, whole: int) -> str:
    """A share as a whole percentage ('–' of nothing)."""
    return f"{100 * part / whole:.0f}%" if whole else "–"


def table(scores: list[Score]) -> str:
    """The figures as a Markdown table, one row a release and a row of totals."""
    rows = [
        "| release | lang | values | same quote and value | wrong | placed right | known names | right id "
        "| new names | proposed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in [*scores, total(scores)]:
        rows.append(
            f"| {s.release} | {s.language} | {s.values} | {s.same} ({percent(s.same, s.values)}) | {len(s.wrong)} "
            f"| {s.placed} ({percent(s.placed, s.same)}) "
            f"| {s.mentions} | {s.right} ({percent(s.right, s.mentions)}) | {s.new} | {s.proposed} |"
        )
    return "\n".join(rows)


def total(scores: list[Score]) -> Score:
    """The figures of all the releases together."""
    result = Score("all", "")
    for s in scores:
        result.values, result.same, result.wrong = (
            result.values + s.values,
            result.same + s.same,
            result.wrong + s.wrong,
        )
        result.placed += s.placed
        result.mentions, result.right = result.mentions + s.mentions, result.right + s.right
        result.new, result.proposed = result.new + s.new, result.proposed + s.proposed
    return result
