"""Search: every text in a language, Russian words by their stems, abbreviations as whole words,
exact hits first, each result linked to its row, and what exists when nothing is found.

The seed has no Russian press release: the HTTP tests search a copy of the seed database with a few
synthetic Russian names added (marked synthetic), served as `serve` serves the site."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest
import yaml
from datasette.app import Datasette
from hypothesis import given
from hypothesis import strategies as st

from kz_rule_of_law.package.descriptor import tables
from kz_rule_of_law.web.metadata import canned_queries, render_metadata
from kz_rule_of_law.web.plugin.search import escape_fts, is_abbreviation, search_fold, stem
from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR

DB = "kz-rule-of-law"
# Synthetic organizations with Russian names: (id, English name, Russian name).
SYNTHETIC_RUSSIAN = [
    ("synthetic-coalition", "Synthetic coalition against torture", "Синтетическая коалиция против пыток"),
    ("synthetic-report", "Synthetic report on torture in prisons", "Синтетический доклад о пытках в Талдыкоргане"),
]


def fts_matches(texts: list[str], query: str) -> list[str]:
    """The texts an FTS5 index (unicode61, as the database's) matches for a search."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(a)")
    conn.executemany("INSERT INTO f VALUES (?)", [(t,) for t in texts])
    return [r[0] for r in conn.execute("SELECT a FROM f WHERE f MATCH ? ORDER BY rowid", [escape_fts(query)])]


@pytest.mark.parametrize(
    ("query", "texts", "expected"),
    [
        ("пытки", ["против пыток", "о пытках", "пытка", "Талдыкорган"], ["против пыток", "о пытках", "пытка"]),
        ("пытках", ["против пыток", "пытки"], ["против пыток", "пытки"]),
        ("Талдыкорган", ["в Талдыкоргане", "Талдыкорганский", "Талдықорған"], ["в Талдыкоргане", "Талдыкорганский"]),
        ("права", ["права человека", "о правах", "правосудие"], ["права человека", "о правах", "правосудие"]),
        ("ЕС", ["БҰҰ-ның Есірткі басқармасы", "ЕС и Казахстан", "ес"], ["ЕС и Казахстан", "ес"]),
        ("EU", ["EU funding", "EUR 739,000", "European Union"], ["EU funding"]),
        ("азаптау", ["азаптауға қарсы", "азаптаулардың"], ["азаптауға қарсы", "азаптаулардың"]),
        ("құқық", ["Құқықтық саясат", "құқықтары"], ["Құқықтық саясат", "құқықтары"]),
        ("torture", ["tortured", "combating torture"], ["tortured", "combating torture"]),
    ],
)
def test_terms_match_word_beginnings_russian_stems_and_whole_abbreviations(query, texts, expected):
    assert fts_matches(texts, query) == expected


def test_a_russian_stem_keeps_three_letters_and_other_scripts_stay_as_typed():
    assert stem("пытки") == "пыт"
    assert stem("Талдыкоргане") == "талдыкорган"
    assert stem("суд") == "суд"  # too short to lose an ending
    assert stem("құқықтары") == "құқықтары"  # Kazakh letters: as typed
    assert stem("torture") == "torture"
    assert is_abbreviation("ЕС") and is_abbreviation("KIBHR") and is_abbreviation("ООН")
    assert not is_abbreviation("Есірткі") and not is_abbreviation("АСТАНАДА") and not is_abbreviation("А")


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя", min_size=1, max_size=12))
def test_a_russian_stem_is_a_beginning_of_the_word(word):
    assert word.startswith(stem(word)) and len(stem(word)) >= min(len(word), 3)


@given(st.text(max_size=30))
def test_any_search_is_valid_fts5_syntax(query):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(a)")
    conn.execute("INSERT INTO f VALUES ('ЕС пыток Талдыкоргане азаптау')")
    conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", [escape_fts(query)]).fetchone()


def test_search_fold_folds_case_and_latin_diacritics_only():
    assert search_fold("Aleška  Simkić") == "aleska simkic"
    assert search_fold("ҚҰҚЫҚ Йод") == "құқық йод"
    assert search_fold(None) is None


# The site, with synthetic Russian names


@pytest.fixture(scope="module")
def russian_site(db_path: Path, descriptor: dict, csv_rows, tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    """The site over a copy of the seed database with SYNTHETIC_RUSSIAN added to organizations."""
    copy = tmp_path_factory.mktemp("search") / f"{DB}.db"
    shutil.copy(db_path, copy)
    conn = sqlite3.connect(copy)
    with conn:
        conn.executemany(
            "INSERT INTO organizations (organization_id, name_en, name_en_status, name_ru, iati_type) "
            "VALUES (?, ?, 'translated', ?, 22)",
            SYNTHETIC_RUSSIAN,
        )
        conn.execute("INSERT INTO organizations_fts (organizations_fts) VALUES ('rebuild')")
    conn.close()
    metadata = yaml.safe_load(render_metadata(descriptor, csv_rows("sources")))
    return Datasette(immutables=[str(copy)], metadata=metadata, settings=SETTINGS, template_dir=str(TEMPLATE_DIR))


def search(site: Datasette, q: str, suffix: str = ".json") -> httpx.Response:
    """The search query's answer over HTTP (JSON rows, or the page with suffix '')."""
    params = {"q": q, "_shape": "array"} if suffix else {"q": q}
    response = asyncio.run(site.client.get(f"/{DB}/search{suffix}", params=params))
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("пытки", {"synthetic-coalition", "synthetic-report"}),
        ("пытках", {"synthetic-coalition", "synthetic-report"}),
        ("Талдыкорган", {"synthetic-report"}),
        ("доклад", {"synthetic-report"}),
    ],
)
def test_russian_names_are_found_by_their_stems(russian_site, q, expected):
    found = {r["id"] for r in search(russian_site, q).json() if r["kind"] == "organizations"}
    assert found == expected
    shown = {r["text_ru"] for r in search(russian_site, q).json() if r["kind"] == "organizations"}
    assert shown == {ru for id_, _, ru in SYNTHETIC_RUSSIAN if id_ in expected}


def test_an_abbreviation_is_found_first_and_not_inside_words(russian_site, csv_rows):
    for organization in csv_rows("organizations"):
        if organization["abbreviation"]:
            (first, *_) = search(russian_site, organization["abbreviation"]).json()
            assert (first["kind"], first["id"]) == ("organizations", organization["organization_id"])
    kazakh_names = " ".join(o["name_kk"] for o in csv_rows("organizations"))
    assert re.search(r"\bЕс\w+", kazakh_names)  # a word beginning with ЕС is in the data
    assert [r for r in search(russian_site, "ЕС").json() if r["kind"] == "organizations"] == []


def test_an_exact_name_ranks_first(russian_site, csv_rows):
    for organization in csv_rows("organizations"):
        (first, *_) = search(russian_site, organization["name_en"]).json()
        assert (first["kind"], first["id"]) == ("organizations", organization["organization_id"]), organization


def test_search_covers_cities_groups_topics_statements_and_quotes(russian_site, csv_rows):
    (event, *_) = csv_rows("events")
    kinds = {(r["kind"], r["id"]) for r in search(russian_site, event["city_en"]).json()}
    assert ("events", event["event_id"]) in kinds
    (group, *_) = csv_rows("participant_groups")
    assert ("participant_groups", group["group_id"]) in {
        (r["kind"], r["id"]) for r in search(russian_site, group["name_en"]).json()
    }
    (quote, *_) = [q for q in csv_rows("quotes") if q["table_name"] == "budgets"]
    assert ("quotes", quote["quote_id"]) in {
        (r["kind"], r["id"]) for r in search(russian_site, quote["text_kk"]).json()
    }


def test_every_searched_table_is_in_the_search_query(descriptor):
    sql = canned_queries(tables(descriptor))["search"]["sql"]
    for table in ("organizations", "events", "participant_groups", "topics", "statements", "quotes", "countries"):
        assert f"[{table}_fts]" in sql, table
    assert "search_fold(t.[name_ru])" in sql and "search_fold(t.[abbreviation])" in sql


def test_each_result_links_to_its_row(russian_site):
    page = search(russian_site, "пытки", suffix="").text
    for organization_id, _, _ in SYNTHETIC_RUSSIAN:
        href = f"/{DB}/organizations/{organization_id}"
        assert f'<a href="{href}">{organization_id}</a>' in page
        assert asyncio.run(russian_site.client.get(href)).status_code == 200


def test_when_nothing_is_found_the_page_says_which_languages_and_words_exist(russian_site):
    page = search(russian_site, "Талдыкорганский суд", suffix="").text
    (said,) = re.findall(r'<div class="kz-nothing-found"[^>]*>(.*?)</div>', page, re.S)
    assert "Kazakh, English, Russian" in said
    words = re.findall(r'<li><a href="\?q=[^"]+">([^<]+)</a></li>', said)
    assert "талдыкоргане" in words  # the synthetic Russian word sharing the longest beginning
    for word in words:
        assert search(russian_site, word).json(), word  # every word offered finds something
