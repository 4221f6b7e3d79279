"""Everything draft finds in a release's text: its values, the known records it names, and the new
names it proposes, in the order of the text."""

from __future__ import annotations

from .draft import Candidate, candidates
from .draft_known import KnownNames, mentions, proposals
from .draft_place import placed


def everything(text: str, language: str, index: KnownNames) -> list[Candidate]:
    """The values (each placed in a record and field where the words around it say which), mentions
    and proposals of a text, ordered by where they start."""
    named = mentions(text, index)
    values = candidates(text, language)
    found = sorted([*values, *named, *proposals(text, named, values)], key=lambda c: (c.start, -c.end))
    return placed(text, found, language)
