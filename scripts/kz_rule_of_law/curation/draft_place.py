"""Place each drafted value in the record and field it most likely belongs to, from the words around
it (the cue table of draft_cues), and read the release's dateline (its place and date)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .draft import Candidate
from .draft_cues import CUES, OWNERS, Cue

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# How far around a value its cues are looked for (characters): a long window is a few sentences.
_REACH = 400
# A dateline: the place in capitals at the start of a line, a dash or comma, then the date.
_DATELINE_PLACE = re.compile(r"(?m)^[ \t]*(?P<place>[^\W\d_][^\W\d_ -]*(?: [^\W\d_][^\W\d_ -]*)?)[ \t]*[–—,-][ \t]*$")


# A date alone on its line, or ended by a stop, comma or dash, is a dateline without a place.
_DATELINE_END = re.compile(r"[ \t]*(?:$|[.,–—-])", re.MULTILINE)


@dataclass(frozen=True)
class Dateline:
    """Where the release says it was issued: the place's span (if any) and the date candidate."""

    place: tuple[int, int] | None
    date: Candidate


def dateline(text: str, found: list[Candidate]) -> Dateline | None:
    """The dateline of a release: a date at the start of one of its first lines, after a place
    written in capitals ('АСТАНА – 2025 жылғы 21 қарашада'); None if the text has none."""
    for candidate in found:
        if candidate.kind != "date" or candidate.start > 600:
            continue
        line_start = text.rfind("\n", 0, candidate.start) + 1
        before = text[line_start : candidate.start]
        if not before.strip() and _DATELINE_END.match(text, candidate.end):
            return Dateline(None, candidate)
        m = _DATELINE_PLACE.fullmatch(before)
        if m and m["place"].isupper():
            return Dateline((line_start + m.start("place"), line_start + m.end("place")), candidate)
    return None


def _words_before(text: str, candidate: Candidate) -> list[str]:
    """The words before a value, nearest first."""
    return [m.group().lower() for m in _WORD.finditer(text, max(0, candidate.start - _REACH), candidate.start)][::-1]


def _words_after(text: str, candidate: Candidate) -> list[str]:
    """The words after a value, nearest first."""
    return [m.group().lower() for m in _WORD.finditer(text, candidate.end, candidate.end + _REACH)]


def _mark_beside(text: str, candidate: Candidate, side: str) -> str:
    """The punctuation mark right beside a value on one side (spaces skipped)."""
    if side == "before":
        before = text[: candidate.start].rstrip()
        return before[-1:] if before else ""
    after = text[candidate.end :].lstrip()
    return after[:1]


def _beside(text: str, candidate: Candidate, cue: Cue) -> bool:
    """Whether one of the cue's punctuation marks stands right beside the value ('(' before it)."""
    marks = [s for s in cue.stems if not s[0].isalnum()]
    return bool(marks) and _mark_beside(text, candidate, cue.side) in marks


def _names_itself(candidate: Candidate, stems: tuple[str, ...]) -> bool:
    """Whether the value's own words after its first hold the cue ('12 ұсыным' names its noun)."""
    own = [m.group().lower() for m in _WORD.finditer(candidate.quote)][1:]
    return bool(stems) and any(word.startswith(stems) for word in own)


def _distance(text: str, candidate: Candidate, cue: Cue) -> int | None:
    """How many words from the value the nearest of the cue's stems stands, or None beyond its window."""
    if cue.side == "any":
        return cue.window
    stems = tuple(s for s in cue.stems if s[0].isalnum())
    if _beside(text, candidate, cue) or (cue.side == "after" and _names_itself(candidate, stems)):
        return 0
    words = _words_before(text, candidate) if cue.side == "before" else _words_after(text, candidate)
    return _nearest(words[: cue.window], stems)


def _nearest(words: list[str], stems: tuple[str, ...]) -> int | None:
    """The position (from 1) of the first word that starts with one of the stems."""
    near = [d for d, word in enumerate(words, start=1) if stems and word.startswith(stems)]
    return near[0] if near else None


def placement(text: str, candidate: Candidate, language: str) -> Cue | None:
    """The cue that places a value: the nearest of its kind's cues found around it."""
    best: tuple[int, int, Cue] | None = None
    for order, cue in enumerate(CUES.get(language, CUES["kk"])):
        if cue.kind != candidate.kind:
            continue
        distance = _distance(text, candidate, cue)
        if distance is not None and (best is None or (distance, order) < best[:2]):
            best = (distance, order, cue)
    return best[2] if best else None


def _owner(candidate: Candidate, table: str, named: list[Candidate]) -> str | None:
    """The id of the known record a value placed in `table` belongs to (the nearest named one)."""
    if table not in OWNERS:
        return None
    kind, side, reach = OWNERS[table]
    near = []
    for mention in named:
        if mention.kind != kind or mention.id is None:
            continue
        gap = candidate.start - mention.end if mention.end <= candidate.start else mention.start - candidate.end
        if gap <= reach and (side == "any" or mention.end <= candidate.start):
            near.append((gap, mention.id))
    return min(near)[1] if near else None


def placed(text: str, found: list[Candidate], language: str) -> list[Candidate]:
    """The candidates with each value's record (table), field and owner id; a value no cue places
    keeps them null. The dateline's date is the release's own."""
    line = dateline(text, found)
    named = [c for c in found if c.kind in ("project", "organization") and c.id is not None]
    result = []
    for candidate in found:
        if candidate.kind not in CUE_KINDS:
            result.append(candidate)
        elif line is not None and candidate == line.date:
            result.append(replace(candidate, record="source", field="date"))
        else:
            cue = placement(text, candidate, language)
            owner = _owner(candidate, cue.table, named) if cue else None
            result.append(replace(candidate, record=cue.table, field=cue.field, id=owner) if cue else candidate)
    return result


CUE_KINDS = frozenset(cue.kind for cues in CUES.values() for cue in cues)
