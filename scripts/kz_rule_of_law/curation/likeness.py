"""Warnings for `check`: a new record that may be one an earlier release already defined (its Kazakh
name is another's in another case form, or its name or abbreviation is another's abbreviation).

A release names an organization as the text's grammar needs (`орталығы`, `орталығының`), so the same
organization can arrive under a new id. These are warnings, not errors: two organizations may share
a name; the curator decides, and refers to the existing id (or restates it) when they are one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from .facts import Mapping, load
from .normalize import _declension

# The tables whose records have a name that identifies them, and the fact field holding it.
NAMED = {"organizations": "name", "people": "name", "projects": "title", "events": "title"}
_QUOTES = re.compile(r"[«»\"“”„()]")


@dataclass(frozen=True)
class Named:
    """A record's name (in its release's language) and abbreviation, and where it is defined."""

    table: str
    record_id: str
    name: str
    abbreviation: str | None
    file: str
    line: int
    language: str = "kk"


@functools.lru_cache(maxsize=4096)
def _forms(word: str) -> frozenset[str]:
    """Every case form of a word (the word itself among them)."""
    try:
        return frozenset(_declension(word).values()) | {word}
    except (IndexError, KeyError):
        return frozenset({word})


def _words(name: str) -> list[str]:
    """A name's words, lowercased, without quotation marks and brackets."""
    return _QUOTES.sub(" ", name).lower().split()


def same_name(one: str, other: str) -> bool:
    """Whether two Kazakh names differ at most in the case form of their last word."""
    a, b = _words(one), _words(other)
    if not a or len(a) != len(b) or a[:-1] != b[:-1]:
        return False
    last_a, last_b = a[-1], b[-1]
    return last_a == last_b or any(
        last_a in _forms(stem) and last_b in _forms(stem) for stem in _stems(last_a) | _stems(last_b)
    )


# A stem's last consonant voices before a vowel (орталық -> орталығы): undone to find the stem.
_UNVOICED = str.maketrans("ғгб", "қкп")


def _stems(word: str) -> set[str]:
    """The stems a word may be a case form of: itself, and itself less up to six final letters
    (with the last consonant unvoiced)."""
    cut = {word[:i] for i in range(max(2, len(word) - 6), len(word) + 1)}
    return cut | {c[:-1] + c[-1].translate(_UNVOICED) for c in cut}


def _quoted(fact: object) -> tuple[str, object]:
    """A name fact's language (its quote's key) and quote."""
    if not isinstance(fact, Mapping):
        return "kk", None
    language = next((k for k in ("kk", "ru", "en") if k in fact), "kk")
    return language, fact.get(language)


def named_records(document: Mapping, file: str) -> Iterable[Named]:
    """The records of a facts file defined with an id and a name, in the language of its quote."""
    for table, field in NAMED.items():
        records = document.get(table)
        for record in records if isinstance(records, list) else ():
            if not isinstance(record, Mapping) or not isinstance(record.get("id"), str):
                continue
            language, name = _quoted(record.get(field))
            abbreviation = record.get("abbreviation")
            if isinstance(name, str):
                yield Named(
                    table,
                    record["id"],
                    name,
                    abbreviation if isinstance(abbreviation, str) else None,
                    file,
                    record.lines.get(field, record.line),
                    language,
                )


def _likeness(new: Named, old: Named) -> str | None:
    """Why a new record may be an old one, or None. Names compare within one language (case forms in
    Kazakh); abbreviations across languages."""
    same_language = new.language == old.language
    if same_language and _words(new.name) == _words(old.name):
        return f"'{new.name}' is the name of {old.record_id} ({old.file}:{old.line})"
    if same_language and new.language == "kk" and same_name(new.name, old.name):
        return f"'{new.name}' is '{old.name}' ({old.file}:{old.line}) in another case form"
    abbreviations = {a.lower() for a in (new.abbreviation, new.name) if a}
    if old.abbreviation and old.abbreviation.lower() in abbreviations:
        return f"'{old.abbreviation}' is the abbreviation of {old.record_id} ({old.file}:{old.line})"
    return None


def similar_records(target: Path, others: Iterable[Path], root: Path) -> list[Problem]:
    """Warnings for the records of `target` whose names match a record of another facts file."""

    def named(path: Path) -> list[Named]:
        name = (
            path.resolve().relative_to(root.resolve()).as_posix()
            if path.resolve().is_relative_to(root.resolve())
            else str(path)
        )
        try:
            return list(named_records(load(path, name, root), name))
        except (InputError, OSError):
            return []  # the check reports it

    existing: dict[str, list[Named]] = {}
    for path in others:
        for record in named(path):
            existing.setdefault(record.table, []).append(record)
    warnings = []
    for new in named(target):
        for old in existing.get(new.table, ()):
            reason = _likeness(new, old) if old.record_id != new.record_id else None
            if reason:
                warnings.append(_warning(new, old, reason))
    return warnings


def _warning(new: Named, old: Named, reason: str) -> Problem:
    """The warning that `new` may be `old`."""
    return Problem(
        f"same as {old.record_id}? {reason}",
        file=new.file,
        line=new.line,
        record=new.record_id,
        field=NAMED[new.table],
        expected=f"the id {old.record_id} if they are one (or a different name)",
        code="similar-name",
    )
