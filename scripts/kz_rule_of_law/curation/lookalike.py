"""Letters that look alike across scripts: a Latin `c`, `o`, `e`, `p` typed inside a Kazakh word (or a
Cyrillic letter inside a Latin one), which the eye cannot see and a quote search cannot forgive; and
the passage of a source nearest to a quote that is not in it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import Problem
from .quotes import collapse

_WORD = re.compile(r"[^\W\d_]+")
# A quote longer than this is compared on its first MAX_QUOTE characters; a source of more than
# MAX_WINDOWS words is not searched: the suggestion's work stays bounded whatever the input.
MAX_QUOTE = 200
MAX_WINDOWS = 50_000
_SHORTLIST = 12


def script(char: str) -> str | None:
    """'Cyrillic' or 'Latin' for a letter of those scripts, else None."""
    name = unicodedata.name(char, "")
    for found in ("CYRILLIC", "LATIN"):
        if name.startswith(found):
            return found.title()
    return None


@dataclass(frozen=True)
class Lookalike:
    """A letter of one script inside a word of the other: where it stands and what it is."""

    line: int
    column: int
    char: str
    word: str
    script: str  # the letter's script
    word_script: str  # the script of the rest of the word

    def describe(self) -> str:
        """The letter, its code point and name, and the word it stands in."""
        name = unicodedata.name(self.char, "?")
        return (
            f"{self.script} letter '{self.char}' (U+{ord(self.char):04X} {name}) inside the {self.word_script} "
            f"word '{self.word}' at column {self.column}"
        )


def _odd_letters(word: str, majority: str) -> list[int]:
    """The positions in a word of the letters not of the word's own script (the minority's, or on a
    tie those not of the line's main script)."""
    scripts = [script(c) for c in word]
    counts = {s: scripts.count(s) for s in ("Cyrillic", "Latin")}
    if not counts["Cyrillic"] or not counts["Latin"]:
        return []
    own = max(counts, key=lambda s: (counts[s], s == majority))
    return [i for i, s in enumerate(scripts) if s is not None and s != own]


def _main_script(line: str) -> str:
    """The script most letters of a line are written in."""
    scripts = [script(c) for c in line]
    return "Latin" if scripts.count("Latin") > scripts.count("Cyrillic") else "Cyrillic"


def find(text: str) -> list[Lookalike]:
    """Every letter of one script inside a word of the other, by line (from 1) and column (from 1)."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        majority = _main_script(line) if _WORD.search(line) else "Cyrillic"
        for m in _WORD.finditer(line):
            for i in _odd_letters(m.group(), majority):
                char = m.group()[i]
                other = "Latin" if script(char) == "Cyrillic" else "Cyrillic"
                found.append(Lookalike(number, m.start() + i + 1, char, m.group(), script(char) or "?", other))
    return found


def warnings(text: str, file: str) -> list[Problem]:
    """A warning for each look-alike letter of a facts file (see `find`)."""
    return [
        Problem(
            found.describe(),
            file=file,
            line=found.line,
            expected=f"the {found.word_script} letter, unless the source itself has this one",
            code="lookalike-letter",
        )
        for found in find(text)
    ]


def _distance(a: str, b: str) -> int:
    """The Levenshtein distance of two short strings."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _shared(a: str, b: str) -> int:
    """How many characters two strings share, counted with repeats (a cheap upper bound of likeness)."""
    counts: dict[str, int] = {}
    for c in a:
        counts[c] = counts.get(c, 0) + 1
    shared = 0
    for c in b:
        if counts.get(c, 0) > 0:
            counts[c] -= 1
            shared += 1
    return shared


def nearest(text: str, quote: str) -> tuple[str, int] | None:
    """The passage of the text nearest to the quote (as long as the quote, starting at a word) and its
    edit distance; None for an empty quote or a text too long to search."""
    needle = collapse(quote)[:MAX_QUOTE]
    haystack = collapse(text)
    starts = [0] + [m.end() for m in re.finditer(" ", haystack)]
    if not needle or len(starts) > MAX_WINDOWS:
        return None
    shortlist = sorted(starts, key=lambda s: -_shared(needle, haystack[s : s + len(needle)]))[:_SHORTLIST]
    passages = {p for s in shortlist for p in _whole_words(haystack, s, len(needle))}
    best = min(passages, key=lambda w: (_distance(needle, w), w))
    return best, _distance(needle, best)


def _whole_words(haystack: str, start: int, length: int) -> list[str]:
    """The passages from `start` that end at the end of a word, within a few characters of `length`."""
    window = haystack[start : start + length + 12]
    ends = [m.start() for m in re.finditer(r"[\s,.;:!?»”)]|$", window) if abs(m.start() - length) <= 12]
    return [window[:end] for end in ends if end] or [window[:length]]


def differences(quote: str, passage: str) -> list[str]:
    """Where a quote and a passage of its length differ only in look-alike letters: each letter of the
    quote and the source's letter in its place."""
    quote = collapse(quote)
    if len(quote) != len(passage):
        return []
    found = []
    for index, (mine, theirs) in enumerate(zip(quote, passage, strict=True), start=1):
        if mine != theirs and script(mine) and script(theirs) and script(mine) != script(theirs):
            found.append(
                f"U+{ord(mine):04X} {unicodedata.name(mine, '?')} at character {index} where the source has "
                f"U+{ord(theirs):04X} {unicodedata.name(theirs, '?')}"
            )
    return found


def suggestion(text: str, quote: str) -> str:
    """What to say of a quote not found: the nearest passage, and any look-alike letter it differs by."""
    near = nearest(text, quote)
    if near is None or near[1] > max(3, len(near[0]) // 3):
        return ""
    passage, _ = near
    letters = differences(quote, passage)
    return f"; the nearest passage of the source is '{passage}'" + (f" ({'; '.join(letters)})" if letters else "")
