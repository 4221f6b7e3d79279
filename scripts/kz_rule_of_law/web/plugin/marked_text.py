"""A release's text as HTML paragraphs with its quoted spans highlighted, anchored and numbered.

Spans may overlap, nest or coincide (two facts quoting the same words): the text is cut at every
span's start and end, and each piece is one `<mark>` naming every highlight that covers it
(`data-h`), so crossing spans never need crossing elements. Spans with the same start and end are
one highlight. Each quote gets an empty anchor element (`id` = its quote id) where it starts, and
each highlight a reference to its note after its end. Everything from the text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from markupsafe import Markup, escape


@dataclass
class Highlight:
    """One highlighted span: its number, its place in the text and the quotes (claims) it holds."""

    number: int
    start: int
    end: int
    quotes: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Paragraph:
    """One paragraph of the text: its HTML and the highlights that start in it."""

    html: Markup
    highlights: list[Highlight]


def highlights(text: str, quotes: Iterable[dict[str, object]]) -> list[Highlight]:
    """The quotes grouped by span, numbered in reading order; spans outside the text are left out."""
    spans: dict[tuple[int, int], list[dict[str, object]]] = {}
    for quote in quotes:
        start, end = int(str(quote["char_start"])), int(str(quote["char_end"]))
        if 0 <= start < end <= len(text):
            spans.setdefault((start, end), []).append(quote)
    ordered = sorted(spans, key=lambda span: (span[0], -span[1]))
    return [Highlight(n, start, end, spans[(start, end)]) for n, (start, end) in enumerate(ordered, 1)]


def cut_points(text: str, marked: list[Highlight]) -> list[int]:
    """Where the text is cut: every span's ends, around every line break, and the text's ends."""
    points = {0, len(text)}
    for h in marked:
        points.update((h.start, h.end))
    for i, char in enumerate(text):
        if char == "\n":
            points.update((i, i + 1))
    return sorted(points)


def paragraphs(text: str, marked: list[Highlight]) -> list[Paragraph]:
    """The text's lines as paragraphs of HTML (blank lines dropped), with marks, anchors and references."""
    starting: dict[int, list[Highlight]] = {}
    ending: dict[int, list[Highlight]] = {}
    for h in marked:
        starting.setdefault(h.start, []).append(h)
        ending.setdefault(h.end, []).append(h)
    found: list[Paragraph] = []
    parts: list[Markup] = []
    notes: list[Highlight] = []
    points = cut_points(text, marked)
    for a, b in pairwise(points):
        parts.extend(_references(ending.get(a, [])))
        parts.extend(_anchors(starting.get(a, [])))
        notes.extend(starting.get(a, []))
        if text[a:b] == "\n":
            _close(found, parts, notes)
            parts, notes = [], []
            continue
        parts.append(_piece(text[a:b], [h for h in marked if h.start <= a and b <= h.end]))
    parts.extend(_references(ending.get(len(text), [])))
    _close(found, parts, notes)
    return found


def _close(found: list[Paragraph], parts: list[Markup], notes: list[Highlight]) -> None:
    """End a paragraph: keep it unless it holds nothing but white space."""
    html = Markup("").join(parts)
    if html.striptags().strip() or notes:
        found.append(Paragraph(html, notes))


def _piece(text: str, covering: list[Highlight]) -> Markup:
    """A piece of text, marked with the highlights that cover it."""
    if not covering:
        return escape(text)
    numbers = " ".join(str(h.number) for h in covering)
    depth = min(len(covering), 3)  # deeper overlaps look the same
    return Markup('<mark class="kz-mark kz-depth-{}" data-h="{}">{}</mark>').format(depth, numbers, text)


def _anchors(started: list[Highlight]) -> list[Markup]:
    """An empty anchor per quote of the highlights starting here: `#<quote id>` lands on its span."""
    return [
        Markup('<span class="kz-anchor" id="{}" data-h="{}"></span>').format(anchor_id(str(q["quote_id"])), h.number)
        for h in started
        for q in h.quotes
    ]


def _references(ended: list[Highlight]) -> list[Markup]:
    """A numbered link to the note of each highlight ending here."""
    return [
        Markup('<sup class="kz-ref"><a href="#h{0}" aria-label="note {0}">{0}</a></sup>').format(h.number)
        for h in sorted(ended, key=lambda h: -h.number)
    ]


def anchor_id(quote_id: str) -> str:
    """The HTML id of a quote's anchor: its quote id, white space (never in an id) replaced."""
    return "".join("_" if char.isspace() else char for char in quote_id)
