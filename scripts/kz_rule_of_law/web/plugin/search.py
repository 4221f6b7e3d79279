"""Full-text search by word beginnings, in Kazakh, Russian and English.

Kazakh and Russian add endings to words (азаптау, азаптауға, азаптаулардың; пытки, пыток, пытках),
so whole-word matching finds almost nothing: `escape_fts()` makes every term a prefix, and a Russian
word's ending is taken off first (пытки searches пыт*, which finds пыток and пытках). A short
all-capital term is an abbreviation and matches whole words only (ЕС is not the beginning of
Есірткі). Table search, search-all and the canned search query all use it; an empty search matches
nothing. `search_fold()` folds case as the index does, so that the search query ranks a row whose
name or abbreviation is the search itself first.

When the search query finds nothing, its page says which languages are searched and offers the
indexed words nearest to what was typed (`kz_search`).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from datasette.utils import tilde_decode

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

FTS_TERMS = re.compile(r'\s+|(".*?")')
SEARCH_QUERY = "search"  # the canned query that searches every table (queries/search.sql.j2)

# An abbreviation: a short word in capitals only (ЕС, EU, ООН, UNODC).
ABBREVIATION = re.compile(r"[^\W\d_]{1,5}")
# A word of Russian letters only (one with a Kazakh letter - әғқңөұүһі - is Kazakh: prefix as typed).
RUSSIAN_WORD = re.compile(r"[а-яё]+")
# Russian inflectional endings, longest first; what stays is at least STEM_MIN letters.
RUSSIAN_ENDINGS = sorted(
    re.findall(
        r"\S+",
        "иями ями ами ого его ому ему ыми ими ий ый ой ая яя ое ее ые ие ых их ым им ую юю ом ем ам ям "
        "ах ях ов ев ей ия ию ье ья а я о е ё ы и у ю ь й",
    ),
    key=len,
    reverse=True,
)
STEM_MIN = 3
VOWELS = frozenset("аеёиоуыэюяьъй")
LANGUAGE_NAMES = {"kk": "Kazakh", "en": "English", "ru": "Russian"}
NEAREST = 8  # indexed words offered when nothing is found


def escape_fts(query: str | None) -> str:
    """Datasette's escape_fts, with every term a prefix (a Russian word's stem, an abbreviation a
    whole word); '""' (matches nothing) when empty."""
    query = query or ""
    if query.count('"') % 2:
        query += '"'
    terms = [t for t in FTS_TERMS.split(query) if t and t != '""']
    if not terms:
        return '""'
    return " ".join(_term(t) for t in terms)


def _term(term: str) -> str:
    """One term of a search as FTS5 syntax."""
    if term.startswith('"'):
        return term + "*"
    if is_abbreviation(term):
        return '"' + term + '"'
    return '"' + stem(term).replace('"', '""') + '"*'


def is_abbreviation(term: str) -> bool:
    """Whether a term is an abbreviation: letters only, in capitals, at most five (KIBHR, ЕС)."""
    return bool(ABBREVIATION.fullmatch(term)) and term.isupper() and len(term) > 1


def stem(word: str) -> str:
    """A Russian word without its ending (and without a consonant a dropped vowel may split: пытк-и
    and пыт-ок share пыт); any other word as it is."""
    lower = word.lower()
    if not RUSSIAN_WORD.fullmatch(lower):
        return word
    ending = next((e for e in RUSSIAN_ENDINGS if lower.endswith(e) and len(lower) - len(e) >= STEM_MIN), "")
    if not ending:
        return word
    root = lower[: -len(ending)]
    if len(root) > STEM_MIN and root[-1] not in VOWELS and root[-2] not in VOWELS:
        root = root[:-1]
    return root


def search_fold(text: str | None) -> str | None:
    """Text as the index compares it: case folded, Latin letters without diacritics (Simkić, simkic),
    spaces collapsed."""
    if text is None:
        return None
    folded = str(text).casefold()
    if not folded.isascii():
        folded = folded.translate(LATIN_PLAIN)
    return " ".join(folded.split())


def _latin_plain() -> dict[int, str]:
    """Each Latin letter with a diacritic (Latin-1 Supplement to Latin Extended-B) and its plain letter."""
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        if unicodedata.name(char, "").startswith("LATIN"):
            plain = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            if plain != char:
                table[code] = plain
    return table


LATIN_PLAIN = _latin_plain()


@hookimpl(trylast=True, specname="prepare_connection")
def register_escape_fts(conn: sqlite3.Connection) -> None:
    """Replace Datasette's escape_fts (registered before this runs) with ours, and add search_fold."""
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    conn.create_function("search_fold", 1, search_fold, deterministic=True)


def extra_template_vars(
    view_name: str, database: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """On the search query's page, `kz_search`: the languages searched and, called from the page when
    nothing is found, the indexed words nearest to the search."""
    if view_name != "table" or not database or request is None:
        return None
    if tilde_decode(request.url_vars.get("table", "")) != SEARCH_QUERY:
        return None
    typed = request.args.get("q") or ""

    async def variables() -> dict[str, Any]:
        tables = await fts_tables(datasette, database)

        async def nearest() -> list[str]:
            return await nearest_terms(datasette, database, typed)

        return {"kz_search": {"languages": _languages(tables), "nearest": nearest, "typed": typed}}

    return variables


# The database is immutable: its full-text indexes and their columns are read once.
_fts: dict[str, dict[str, list[str]]] = {}


async def fts_tables(datasette: Datasette, database: str) -> dict[str, list[str]]:
    """Each full-text index (FTS5) of the database with its columns."""
    if database not in _fts:
        db = datasette.get_database(database)
        rows = await db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_fts' ESCAPE '\\' "
            "AND sql LIKE '%USING FTS5%' ORDER BY name"
        )
        _fts[database] = {row[0]: await db.table_columns(row[0]) for row in rows.rows}
    return _fts[database]


def _languages(tables: dict[str, list[str]]) -> list[str]:
    """The languages searched: those some indexed column is written in."""
    suffixes = {column.rsplit("_", 1)[-1] for columns in tables.values() for column in columns}
    return [name for code, name in LANGUAGE_NAMES.items() if code in suffixes]


async def nearest_terms(datasette: Datasette, database: str, typed: str) -> list[str]:
    """The indexed words sharing the longest beginning with a word of the search, most used first."""
    words = [search_fold(w) or "" for w in re.findall(r"\w+", typed)]
    if not words:
        return []
    tables = list(await fts_tables(datasette, database))

    def read(conn: sqlite3.Connection) -> list[str]:
        for name in tables:
            conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.[{name}_vocab] USING fts5vocab(main, [{name}], 'row')"
            )
        for length in range(max(len(w) for w in words), 0, -1):
            found = _terms_beginning(conn, tables, {w[:length] for w in words if len(w) >= length})
            if found:
                return found
        return []

    result: list[str] = await datasette.get_database(database).execute_fn(read)
    return result


def _terms_beginning(conn: sqlite3.Connection, tables: list[str], beginnings: set[str]) -> list[str]:
    """The indexed words that begin with any of `beginnings`, most used first (NEAREST of them)."""
    counts: dict[str, int] = {}
    for name in tables:
        for beginning in beginnings:
            rows = conn.execute(
                f"SELECT term, doc FROM temp.[{name}_vocab] WHERE term >= ? AND term < ? ORDER BY term LIMIT 200",
                [beginning, beginning + "\U0010ffff"],
            )
            for term, documents in rows:
                counts[term] = counts.get(term, 0) + documents
    return sorted(counts, key=lambda t: (-counts[t], t))[:NEAREST]
