"""Find the records the package already knows (organizations, projects, people, positions,
instruments, countries, places) named in a release's text, in any Kazakh case form or by
abbreviation; and propose, as new, the names set in «» that a legal form or a project word follows.

A Kazakh name declines on its last word only (`Еуропалық Одақ`, `Еуропалық Одақтың`,
`Еуропалық Одаққа`), so a name matches when its other words are the text's words and its last word
and the text's share a stem: both reduce to it by taking off case, possessive and plural endings.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from ..atomic import write_bytes
from ..identity import file_digest
from .draft import Candidate, value
from .draft_cues import ORGANIZATION_NOUNS, PROJECT_WORDS
from .quotes import spans

# Words and numbers, with what a hyphen joins to them ('ЕО-ның', 'қылмыстық-атқару').
_TOKEN = re.compile(r"[^\W_]+(?:[-‐][^\W_]+)*")
# Kazakh endings that follow a name: plural, possessive, the cases (in both vowel harmonies and
# after voiced, voiceless and vowel stems); one word may take several ('орталықтарының').
SUFFIXES = tuple(
    sorted(
        {
            *("лар", "лер", "дар", "дер", "тар", "тер"),
            *("ы", "і", "сы", "сі"),
            *("ның", "нің", "дың", "дің", "тың", "тің"),
            *("ға", "ге", "қа", "ке", "на", "не", "а", "е"),
            *("да", "де", "та", "те", "нда", "нде"),
            *("дан", "ден", "тан", "тен", "нан", "нен"),
            *("ны", "ні", "ды", "ді", "ты", "ті", "н"),
            *("мен", "бен", "пен"),
            *("дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі"),
        },
        key=len,
        reverse=True,
    )
)
MIN_STEM = 3
_UNVOICED = str.maketrans("ғгб", "қкп")  # орталығы -> орталық: a final consonant voices before a vowel
# Which kind a name is taken as when one name is known as two (a country and a place).
KIND_ORDER = ("position", "organization", "project", "instrument", "person", "country", "place")


@functools.lru_cache(maxsize=200_000)
def stems(word: str) -> frozenset[str]:
    """The word and what it reduces to by taking off up to four endings (a stem of MIN_STEM letters or
    more), each with its final consonant unvoiced too."""
    found = {word}
    frontier = [word]
    for _ in range(4):
        reduced = [w[: -len(s)] for w in frontier for s in SUFFIXES if w.endswith(s) and len(w) - len(s) >= MIN_STEM]
        reduced += [w[:-1] + w[-1].translate(_UNVOICED) for w in reduced]
        frontier = [w for w in reduced if w not in found]
        found.update(frontier)
        if not frontier:
            break
    return frozenset(found)


# A known name may be stored in the case form its release quoted ('Алматыда', 'орталығы', 'ережелерін'):
# its last word is also taken without one short ending, if what is left is this long.
NAME_STEM = 5


@functools.lru_cache(maxsize=200_000)
def name_stems(word: str) -> frozenset[str]:
    """A name's last word, and the word without one ending of one or two letters (its final consonant
    unvoiced too); never so short that a shorter word of the text would match ('Алма' is not 'Алматы')."""
    cut = {word[: -len(s)] for s in SUFFIXES if len(s) <= 2 and word.endswith(s) and len(word) - len(s) >= NAME_STEM}
    return frozenset({word, *cut, *(w[:-1] + w[-1].translate(_UNVOICED) for w in cut)})


def _tokens(text: str) -> list[re.Match[str]]:
    """The words and numbers of a text, with their spans."""
    return list(_TOKEN.finditer(text))


@dataclass
class Known:
    """A name of known records: the words it is written with, and the records it names (one name
    may be two records' own: two organizations of one name)."""

    kind: str
    name: str
    words: tuple[str, ...]
    ids: list[str] = field(default_factory=list)


@dataclass
class KnownNames:
    """Every name of the package's known records, indexed once for a run: names of three words or
    more by their first two words, of two words by their first, one-word names by their stems,
    abbreviations as written."""

    by_first: dict[str, list[Known]] = field(default_factory=dict)
    by_first_two: dict[tuple[str, str], list[Known]] = field(default_factory=dict)
    by_stem: dict[str, list[Known]] = field(default_factory=dict)
    abbreviations: dict[str, list[Known]] = field(default_factory=dict)
    ids: set[tuple[str, str]] = field(default_factory=set)
    names: dict[tuple[str, str, bool], Known | None] = field(default_factory=dict)

    def add(self, kind: str, record_id: str, name: str | None, abbreviation: bool = False) -> None:
        """Index one name (or abbreviation) of a record."""
        if not name or not record_id:
            return
        self.ids.add((kind, record_id))
        key = (kind, name, abbreviation)
        if key in self.names:
            known = self.names[key]
            if known is not None and known.ids[-1] != record_id:
                known.ids.append(record_id)
            return
        words = tuple(m.group().lower() for m in _tokens(name))
        self.names[key] = known = Known(kind, name.strip(), words, [record_id]) if words else None
        if known is not None:
            self._index(known, abbreviation)

    def _index(self, known: Known, abbreviation: bool) -> None:
        """Put a new name where a word of the text finds it."""
        words = known.words
        if abbreviation:
            self.abbreviations.setdefault(known.name, []).append(known)
        elif len(words) > 2:  # the first two words never decline: a narrower key for long names
            self.by_first_two.setdefault((words[0], words[1]), []).append(known)
        elif len(words) > 1:
            self.by_first.setdefault(words[0], []).append(known)
        else:
            for stem in name_stems(words[0]):
                self.by_stem.setdefault(stem, []).append(known)

    @classmethod
    def from_package(cls, root: Path, text: str | None = None) -> KnownNames:
        """The names of every record in the package's data/*.csv; with a text, only those whose first
        word (in some form) the text holds, which is all that text can name."""
        wanted = _text_words(text) if text is not None else None
        verdicts: dict[str, bool] = {}  # whether a name may stand in the text, asked once a name

        def may_stand(name: str) -> bool:
            if wanted is None:
                return True
            if name not in verdicts:
                verdicts[name] = _may_stand(name, wanted)
            return verdicts[name]

        index = cls()
        for kind, table, id_column, columns in _SOURCES:
            present, rows = _columns(root / "data" / f"{table}.csv", (id_column, *columns))
            index._add_table(kind, present, rows, may_stand, every_id=wanted is None)
        return index

    @classmethod
    def cached(cls, root: Path, text: str, cache: Path, keep: bool = True) -> KnownNames:
        """The names `from_package(root, text)` gives, read from `cache` when it was written from these
        very CSVs (their content digests), else from the CSVs (and, if `keep`, the cache
        written again)."""
        wanted = _text_words(text)
        index = cls()
        for kind, name, abbreviation, ids in package_names(root, cache, keep):
            if _may_stand(name, wanted):
                index.add(kind, ids[0], name, abbreviation)
                known = index.names.get((kind, name, abbreviation))
                if known is not None:
                    known.ids = list(ids)
        return index

    def _add_table(
        self,
        kind: str,
        present: list[str],
        rows: list[tuple[str, ...]],
        may_stand: Callable[[str], bool],
        every_id: bool,
    ) -> None:
        """Index the names of one table's rows (each distinct name asked once whether it may stand)."""
        ids = [row[0] for row in rows]
        if every_id:  # for the figures: which records the package knows
            self.ids.update((kind, record_id) for record_id in ids)
        for k, column in enumerate(present[1:], start=1):
            for record_id, name in _kept(ids, [row[k] for row in rows], may_stand):
                self.add(kind, record_id, name, column == "abbreviation")


def _stamp(root: Path) -> list[list[object]]:
    """What the cache of names was made from: each CSV's name and content digest (a modification
    time says nothing of content: a CSV rewritten in the same second, or copied, keeps or changes it)."""
    stamp: list[list[object]] = []
    for table in sorted({table for _, table, _, _ in _SOURCES}):
        path = root / "data" / f"{table}.csv"
        stamp.append([table, file_digest(path) if path.is_file() else None])
    return stamp


def package_names(root: Path, cache: Path, keep: bool = True) -> list[tuple[str, str, bool, list[str]]]:
    """Every distinct name of the package's known records and the ids it names (kind, name,
    abbreviation or not, ids): from the cache when it is current, else read from data/*.csv (and
    kept in the cache if `keep`)."""
    stamp = _stamp(root)
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("stamp") == stamp:
            return [(kind, name, bool(abbreviation), ids) for kind, name, abbreviation, ids in stored["names"]]
    except (OSError, ValueError, TypeError, AttributeError):
        pass  # no cache yet, or one this code cannot read: made again below
    index = KnownNames.from_package(root)
    names = [(k, n, a, known.ids) for (k, n, a), known in index.names.items() if known is not None]
    if not keep:
        return names
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(cache, json.dumps({"stamp": stamp, "names": names}, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # a read-only project drafts all the same, only slower
    return names


def _kept(ids: list[str], names: list[str], may_stand: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(id, name) of the rows whose name may stand in the text, each distinct name asked once."""
    keep = {name for name in set(names) if name and may_stand(name)}
    return [pair for pair in zip(ids, names, strict=True) if pair[1] in keep]


# (kind, table, id column, name columns) of data/*.csv; a place is known by its English name.
_SOURCES = (
    ("organization", "organizations", "organization_id", ("name_kk", "name_en", "name_ru", "abbreviation")),
    ("project", "projects", "project_id", ("title_kk", "title_en")),
    ("person", "people", "person_id", ("name_kk", "name_en")),
    ("position", "positions", "position_id", ("title_kk",)),
    ("instrument", "instruments", "instrument_id", ("name_kk", "name_en")),
    ("country", "countries", "country", ("name_kk", "name_ru", "name_en")),
    ("country", "event_countries", "country", ("name_kk", "name_en")),
    ("place", "sources", "place_en", ("place_kk", "place_en")),
    ("place", "events", "city_en", ("city_kk", "city_en")),
)


def _columns(path: Path, columns: tuple[str, ...]) -> tuple[list[str], list[tuple[str, ...]]]:
    """The columns of a CSV of the package among those asked for (its id column first), and their
    values row by row; none if the file or its id column is missing."""
    if not path.is_file():
        return [], []
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        header = next(rows, [])
        present = [c for c in columns if c in header]
        if not present or present[0] != columns[0]:
            return [], []
        get = itemgetter(*(header.index(c) for c in present), 0)  # a tuple even of one column
        return present, list(map(get, rows))


def _text_words(text: str) -> set[str]:
    """Every word of a text, lowercased, with every stem it reduces to."""
    words = {m.group().lower() for m in _TOKEN.finditer(text)}
    return words.union(*(stems(w) for w in words), (_abbreviation(w) for w in words))


def _may_stand(name: str, wanted: set[str]) -> bool:
    """Whether a name may stand in a text of these words: its first word is among them (a name of one
    word, in some form)."""
    first = _TOKEN.search(name)
    if first is None:
        return False
    word = first.group().lower()
    if first.end() < len(name.rstrip()):
        return word in wanted
    return not name_stems(word).isdisjoint(wanted)


def _same_word(name_word: str, text_word: str) -> bool:
    """Whether a name's last word and a word of the text are one word in two case forms."""
    return name_word == text_word or not name_stems(name_word).isdisjoint(stems(text_word))


def _fits(known: Known, words: list[str], first: int) -> bool:
    """Whether the name stands at word `first` of the text (its last word in any case form)."""
    n = len(known.words)
    if first + n > len(words) or list(known.words[:-1]) != words[first : first + n - 1]:
        return False
    return _same_word(known.words[-1], words[first + n - 1])


def _abbreviation(token: str) -> str:
    """A token without the ending written after a hyphen ('ЕО-ның' -> 'ЕО')."""
    base, _, ending = token.partition("-")
    return base if ending.lower() in SUFFIXES or not ending else token


def _matches(index: KnownNames, tokens: list[re.Match[str]], words: list[str], first: int) -> list[Known]:
    """Every known name standing at word `first` of the text."""
    found = [k for k in index.by_first.get(words[first], ()) if _fits(k, words, first)]
    if first + 1 < len(words):
        found.extend(k for k in index.by_first_two.get((words[first], words[first + 1]), ()) if _fits(k, words, first))
    for stem in stems(words[first]):
        found.extend(index.by_stem.get(stem, ()))
    found.extend(index.abbreviations.get(_abbreviation(tokens[first].group()), ()))
    return found


def _best(found: list[Known]) -> Known:
    """The longest name found, then by KIND_ORDER."""
    return min(found, key=lambda k: (-len(k.words), KIND_ORDER.index(k.kind), k.ids[0], k.name))


def _candidate(text: str, kind: str, start: int, end: int, found: dict) -> Candidate:
    """A mention as a candidate, with its occurrence when the quote is not unique."""
    quote = text[start:end]
    occurrences = spans(text, quote)
    at = occurrences.index((start, end)) + 1 if len(occurrences) > 1 and (start, end) in occurrences else None
    return Candidate(kind, quote, at, start, end, found, id=found.pop("id", None))


def mentions(text: str, index: KnownNames) -> list[Candidate]:
    """The known records the text names, in its order: the longest name at each word, and the names
    inside a longer one of another record ('Еуропалық Одақ' in 'Қазақстандағы Еуропалық Одақ Елшісі')."""
    tokens = _tokens(text)
    words = [t.group().lower() for t in tokens]
    result: list[Candidate] = []
    covered: dict[tuple[str, str], int] = {}  # the word each record's last mention reaches to
    for first in range(len(tokens)):
        found = _matches(index, tokens, words, first)
        if not found:
            continue
        best = _best(found)
        last = first + (1 if best.name in index.abbreviations else len(best.words)) - 1
        if covered.get((best.kind, best.ids[0]), -1) >= last:
            continue  # a shorter name of the record just named
        covered[best.kind, best.ids[0]] = last
        result.append(_candidate(text, best.kind, tokens[first].start(), tokens[last].end(), _detail(found, best)))
    return result


def _detail(found: list[Known], best: Known) -> dict:
    """A mention's id and name; every id the name may mean when it is more than one record's."""
    ids = sorted({i for k in found if k.kind == best.kind and len(k.words) == len(best.words) for i in k.ids})
    return {"id": ids[0], "name": best.name, **({"ids": ids} if len(ids) > 1 else {})}


_QUOTED = re.compile(r"«([^«»\n]{3,300})»|“([^“”\n]{3,300})”|\"([^\"\n]{3,300})\"")


def _proposed_kind(text: str, inner: str, after: int) -> str | None:
    """What a name in quotation marks names, from the words after it: an organization if a legal form
    follows or its last word is an organization's, a project if a project word follows."""
    following = [m.group() for m in _TOKEN.finditer(text, after, min(len(text), after + 80))][:3]
    for n in (3, 2, 1):
        if len(following) >= n and value("legal-form", " ".join(following[:n])) is not None:
            return "organization"
    if following and following[0].lower().startswith(PROJECT_WORDS):
        return "project"
    last = _tokens(inner)
    if last and last[-1].group().lower().startswith(ORGANIZATION_NOUNS):
        return "organization"
    return None


def proposals(text: str, known: Iterable[Candidate], values: Iterable[Candidate] = ()) -> list[Candidate]:
    """Names that name no known record but an organization or a project: in quotation marks (see
    `_proposed_kind`), or unquoted before a legal form ('Талдықорған құқық қорғау орталығы ҚБ'); new
    records to add, with their quotes, in the order of the text."""
    taken = [(c.start, c.end) for c in known]
    quoted = _quoted_proposals(text, taken)
    taken += [(c.start, c.end) for c in quoted]
    unquoted = [_before_legal_form(text, c, taken) for c in values if c.kind == "legal-form"]
    return sorted([*quoted, *(c for c in unquoted if c is not None)], key=lambda c: c.start)


# The most words an unquoted name before a legal form is taken to have (the nearest capital ends it sooner).
MAX_NAME_WORDS = 8


def _before_legal_form(text: str, legal: Candidate, taken: list[tuple[int, int]]) -> Candidate | None:
    """The unquoted name right before a legal form, if it ends with an organization's word and names
    nothing known: from the nearest word written with a capital (a name may be longer: for review)."""
    words = _name_words_before(text, legal.start)
    if len(words) < 2 or not words[0].group()[0].isupper():
        return None
    if not words[-1].group().lower().startswith(ORGANIZATION_NOUNS):
        return None
    start, stop = words[0].start(), words[-1].end()
    if any(s < stop and e > start for s, e in taken):
        return None
    return _candidate(text, "organization", start, stop, {"id": None, "name": None, "new": True})


def _name_words_before(text: str, at: int) -> list[re.Match[str]]:
    """The words right before `at`, back to the nearest one written with a capital, with nothing but
    spaces between them (at most MAX_NAME_WORDS)."""
    words: list[re.Match[str]] = []
    end = at
    for m in reversed(list(_TOKEN.finditer(text, max(0, at - 300), at))):
        if text[m.end() : end].strip() or len(words) == MAX_NAME_WORDS:
            break  # punctuation between: the name ends there
        words.insert(0, m)
        end = m.start()
        if m.group()[0].isupper():
            break
    return words


def _quoted_proposals(text: str, taken: list[tuple[int, int]]) -> list[Candidate]:
    """Names in quotation marks that name no known record but an organization or a project."""
    result = []
    for m in _QUOTED.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        start, end = m.start(group), m.end(group)
        if any(s < end and e > start for s, e in taken) or not m.group(group).strip():
            continue
        kind = _proposed_kind(text, m.group(group), m.end())
        if kind is not None:
            result.append(_candidate(text, kind, start, end, {"id": None, "name": None, "new": True}))
    return result
