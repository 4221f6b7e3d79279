"""How close a draft comes to a curated facts file: the values found with the same quote and value,
the values found with another, and the known records named by the right id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import facts, quotes
from .draft import Candidate, candidates, value
from .rows import KIND_BY_FIELD


@dataclass
class Score:
    """The figures of one release's draft against its curated facts file."""

    release: str
    language: str
    values: int = 0  # normalized facts of the curated file
    same: int = 0  # ...that the draft found at their span with the same kind and value
    wrong: list[str] = field(default_factory=list)  # quotes drafted at the curated span with another value
    mentions: int = 0  # curated names of known records whose quote is in the text
    right: int = 0  # ...that the draft names at an overlapping span by the right id


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


def normalized_facts(document: Any, language: str) -> Iterator[tuple[str, str, int | None]]:
    """(kind, quote, at) for every fact of a facts file in a field the build normalizes."""
    if isinstance(document, list):
        for item in document:
            yield from normalized_facts(item, language)
    elif isinstance(document, dict):
        for key, item in document.items():
            fact = quoted(item, language) if key in KIND_BY_FIELD else None
            if fact is not None:
                yield KIND_BY_FIELD[key], *fact
            else:
                yield from normalized_facts(item, language)


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
    for kind, quote, at in normalized_facts(document, score.language):
        score.values += 1
        candidate = found.get(_span(text, quote, at) or (-1, -1))
        if candidate is None:
            continue
        if (candidate.kind, candidate.value) == (kind, value(kind, quote, score.language)):
            score.same += 1
        else:
            score.wrong.append(quote)


def score(facts_path: Path, text_path: Path, root: Path) -> Score:
    """The figures of the draft of one release against its curated facts file."""
    document = facts.load(facts_path, root=root)
    text = text_path.read_text(encoding="utf-8")
    result = Score(facts_path.stem, language_of(document))
    drafted = candidates(text, result.language)
    score_values(result, document, text, drafted)
    return result


def percent(part: int, whole: int) -> str:
    """A share as a whole percentage ('–' of nothing)."""
    return f"{100 * part / whole:.0f}%" if whole else "–"


def table(scores: list[Score]) -> str:
    """The figures as a Markdown table, one row a release and a row of totals."""
    rows = ["| release | lang | values | same | wrong | found |", "| --- | --- | --- | --- | --- | --- |"]
    for s in scores:
        rows.append(
            f"| {s.release} | {s.language} | {s.values} | {s.same} | {len(s.wrong)} | {percent(s.same, s.values)} |"
        )
    values, same = sum(s.values for s in scores), sum(s.same for s in scores)
    wrong = sum(len(s.wrong) for s in scores)
    rows.append(f"| all | | {values} | {same} | {wrong} | {percent(same, values)} |")
    return "\n".join(rows)
