"""The sentence around a quoted span, in Kazakh, Russian or English text.

A sentence ends at `.`, `!`, `?` or `…` (with any closing quote or bracket after it) followed by
white space and a capital letter (after any opening quote or bracket). A full stop does not end a
sentence after an abbreviation (`ж.`, `жж.`, `т.б.`, `г.`, `т.е.`, `e.g.`, `Dr.` ...), a single
letter (an initial, `А. Симкич`) or a word with dots inside (`т.с.с.`). A line that starts with a
capital starts a sentence (a paragraph of a press release, or a line without a full stop before
it); a line that goes on in lower case goes on with the sentence. A full stop glued to the next
sentence (`мөлшерінде.Бұл`), after a lower-case word of three letters or more and before a
capitalised word, ends a sentence too: press releases lose such spaces.
"""

from __future__ import annotations

import re

# Abbreviations that end with a full stop inside sentences, lower-cased, without their final stop.
ABBREVIATIONS = frozenset(
    {
        # Kazakh
        "ж",
        "жж",
        "т.б",
        "т.с.с",
        "б",
        "бб",
        "т.т",
        "млн",
        "млрд",
        "мың",
        "тг",
        "проф",
        "акад",
        "каб",
        "көш",
        "обл",
        "қ",
        # Russian
        "г",
        "гг",
        "т.д",
        "т.п",
        "т.е",
        "др",
        "пр",
        "им",
        "ул",
        "д",
        "см",
        "руб",
        "тыс",
        "тенге",
        "стр",
        "ст",
        "п",
        "пп",
        "рис",
        "табл",
        "гос",
        "напр",
        "ред",
        "изд",
        # English
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "art",
        "arts",
        "para",
        "vol",
        "pp",
        "p",
        "e.g",
        "i.e",
        "cf",
        "etc",
        "approx",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "inc",
        "ltd",
        "co",
        "vs",
    }
)
CLOSING = "»”’\"')]"
OPENING = "«“‘\"'(["
# A candidate end of sentence: the terminal marks and closers, then white space and a capital (after openers).
SPACED_END = re.compile(rf"[.!?…]+[{re.escape(CLOSING)}]*(?=\s+[{re.escape(OPENING)}]*[^\W\d_])")
# A full stop glued to the next sentence: a lower-case word of 3+ letters before it, a capitalised word after.
GLUED_END = re.compile(r"(?<=[^\W\d_]{3})\.(?=[^\W\d_][^\W\d_])")
LINE_START = re.compile(rf"\n[ \t]*(?=[{re.escape(OPENING)}]*[^\W\d_])")
WORD_BEFORE = re.compile(r"(\S+)$")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence (or run of sentences) holding text[start:end]."""
    ends = boundaries(text)
    before = max((b for b in ends if b <= start), default=0)
    after = min((b for b in ends if b >= end), default=len(text))
    while before < start and text[before].isspace():
        before += 1
    while after > end and text[after - 1].isspace():
        after -= 1
    return before, after


def boundaries(text: str) -> list[int]:
    """Every place between two sentences of `text`, in order."""
    found = {m.end() for m in SPACED_END.finditer(text) if _capital_after(text, m.end()) and _ends(text, m)}
    found |= {m.end() for m in GLUED_END.finditer(text) if _glued(text, m.start())}
    found |= {m.start() + 1 for m in LINE_START.finditer(text) if _capital_after(text, m.end())}
    return sorted(found)


def _capital_after(text: str, position: int) -> bool:
    """Whether the first letter after `position` (past white space and openers) is a capital."""
    rest = text[position:].lstrip()
    rest = rest.lstrip(OPENING)
    return bool(rest) and rest[0].isupper()


def _ends(text: str, match: re.Match[str]) -> bool:
    """Whether the terminal marks of `match` end a sentence: a lone full stop may belong to an abbreviation."""
    marks = match.group(0).rstrip(CLOSING)
    if marks != ".":
        return True
    word = WORD_BEFORE.search(text[: match.start()])
    return word is None or not _abbreviation(word.group(1).lstrip(OPENING))


def _abbreviation(word: str) -> bool:
    """Whether a word before a full stop is an abbreviation or an initial, not the end of a sentence."""
    if len(word) == 1 and word.isalpha():
        return True  # an initial or a one-letter abbreviation
    if "." in word and not word.endswith("."):
        return True  # dots inside: т.с.с, e.g, U.S
    return word.lower() in ABBREVIATIONS


def _glued(text: str, stop: int) -> bool:
    """Whether the full stop at `stop`, with no space after it, ends a lower-case word that is no abbreviation."""
    word = WORD_BEFORE.search(text[:stop])
    token = word.group(1) if word else ""
    letters = token.lstrip(OPENING)
    return (
        letters.islower() and "." not in letters and letters.lower() not in ABBREVIATIONS and text[stop + 1].isupper()
    )
