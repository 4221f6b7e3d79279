"""Provenance in view: each press release as a page to read with its quoted spans highlighted and
anchored, each quote's page with its sentence and citation, and the links from values to quotes.

The site here holds the seed, the synthetic corpus of tests/releases/ (a restated budget: values
with two claims) and a release with markup in its text and crossing spans, built in a temp folder.
"""

from __future__ import annotations

import asyncio
import csv
import json
import shutil
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote as percent_encoded

import httpx
import pytest
import yaml
from datasette.app import Datasette
from hypothesis import given
from hypothesis import strategies as st

from kz_rule_of_law.build import build
from kz_rule_of_law.database.load import write_database
from kz_rule_of_law.package.descriptor import load_descriptor
from kz_rule_of_law.web.downloads import DOWNLOADS_MOUNT, write_downloads
from kz_rule_of_law.web.metadata import render_metadata
from kz_rule_of_law.web.plugin import citation, marked_text, sentences
from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR
from test_many_releases import CORPUS, RESTATED, add_release
from workspace import SEED, copy_project

DB = "kz-rule-of-law"
MARKUP = "synthetic-markup-in-text"
CROSSING = (  # two quotes of MARKUP whose spans cross: the count and a participant group share a word
    "events/synthetic-open-hearings-meeting/participants/synthetic-markup-in-text",
    "participant_groups/synthetic-judges/name/synthetic-markup-in-text",
)


class Page(HTMLParser):
    """What the provenance pages are checked by: marks with their highlights and text, anchors, links."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[tuple[dict[str, str | None], str]] = []
        self.anchors: dict[str, str] = {}
        self.links: list[str] = []
        self.tags: list[str] = []
        self._open: list[tuple[dict[str, str | None], list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if tag == "mark":
            self._open.append((found, []))
        if tag == "span" and "kz-anchor" in (found.get("class") or ""):
            self.anchors[str(found["id"])] = str(found["data-h"])
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._open:
            attrs, text = self._open.pop()
            self.marks.append((attrs, "".join(text)))

    def handle_data(self, data: str) -> None:
        for _, text in self._open:
            text.append(data)

    def marked(self, highlight: str) -> str:
        """The text of every mark of one highlight, in order."""
        return "".join(text for attrs, text in self.marks if highlight in str(attrs.get("data-h", "")).split())


def table(root: Path, name: str) -> list[dict[str, str]]:
    """The rows of one published table of a project."""
    with open(root / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed, the synthetic corpus and the release with markup, built."""
    root = copy_project(tmp_path_factory.mktemp("provenance") / "project")
    for source_id in (*CORPUS, MARKUP):
        add_release(root, source_id)
    build(root)
    return root


def site_of(root: Path, database: Path, downloads: Path) -> Datasette:
    """The site of a built project as `serve` runs it, from `database` and its downloads."""
    metadata = yaml.safe_load(render_metadata(load_descriptor(root / "datapackage.json"), table(root, "sources")))
    return Datasette(
        immutables=[str(database)],
        metadata=metadata,
        settings=SETTINGS,
        template_dir=str(TEMPLATE_DIR),
        static_mounts=[(DOWNLOADS_MOUNT, str(downloads))],
    )


@pytest.fixture(scope="module")
def site(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    """The built project's site."""
    folder = tmp_path_factory.mktemp("provenance-site")
    write_database(project, folder / f"{DB}.db")
    write_downloads(project, folder / "downloads")
    return site_of(project, folder / f"{DB}.db", folder / "downloads")


def fetch(site: Datasette, path: str) -> httpx.Response:
    """GET a path from a site with Datasette's test client."""
    return asyncio.run(site.client.get(path))


def quote_path(quote_id: str) -> str:
    return "/-/quotes/" + percent_encoded(quote_id, safe="/")


def test_every_quote_of_every_release_is_highlighted_anchored_and_resolves(site: Datasette, project: Path):
    quotes = table(project, "quotes")
    sources = {s["source_id"] for s in table(project, "sources")}
    assert {SEED, MARKUP, *CORPUS} <= sources
    assert {q["source_id"] for q in quotes} == sources
    rows_seen: set[str] = set()
    for source_id in sorted(sources):
        response = fetch(site, f"/-/releases/{source_id}")
        assert response.status_code == 200, source_id
        page = Page(response.text)
        for quote in (q for q in quotes if q["source_id"] == source_id):
            highlight = page.anchors[quote["quote_id"]]
            # a quote across a line break is marked in both paragraphs, without the break
            assert page.marked(highlight) == quote["text_kk"].replace("\n", ""), quote["quote_id"]
            shown = fetch(site, quote_path(quote["quote_id"]))
            assert shown.status_code == 200, quote["quote_id"]
            (mark,) = [text for attrs, text in Page(shown.text).marks if attrs.get("id") == "quote"]
            assert mark == quote["text_kk"]
            row = next(link for link in Page(shown.text).links if link.startswith(f"/{DB}/{quote['table_name']}/"))
            rows_seen.add(row)
    for row in sorted(rows_seen):
        assert fetch(site, row).status_code == 200, row
    assert len(rows_seen) == len({(q["table_name"], q["record_id"]) for q in quotes})


def test_a_release_page_names_its_release_and_links_the_archived_bytes(site: Datasette, project: Path):
    (seed,) = [s for s in table(project, "sources") if s["source_id"] == SEED]
    response = fetch(site, f"/-/releases/{SEED}")
    page = Page(response.text)
    assert "<main" in response.text
    assert f'<h1 lang="{seed["language"]}">{seed["title_kk"]}</h1>' in response.text
    assert f'<time datetime="{seed["date"]}">' in response.text
    organizations = {o["organization_id"]: o for o in table(project, "organizations")}
    assert organizations[seed["publisher_id"]]["name_en"] in response.text
    assert f'<article class="kz-release-text" lang="{seed["language"]}">' in response.text
    raw = f"/package/{seed['path']}"
    assert raw in page.links
    assert fetch(site, raw).content == (project / seed["path"]).read_bytes()
    assert "/-/releases" in page.links and "/" in page.links


def test_a_release_text_with_markup_is_shown_as_text(site: Datasette, project: Path):
    text = (project / "archive" / f"{MARKUP}.txt").read_text(encoding="utf-8")
    assert '<script>alert("kz")</script>' in text and "<b>" in text and "<i>" in text
    for path in (f"/-/releases/{MARKUP}", quote_path(f"events/synthetic-open-hearings-meeting/title/{MARKUP}")):
        html = fetch(site, path).text
        own_scripts = Page(fetch(site, f"/-/releases/{SEED}").text).tags.count("script")
        assert Page(html).tags.count("script") == own_scripts, path
        assert "<b>" not in html and "<i>" not in html, path
        assert "alert(" not in html.replace("&lt;script&gt;alert(&#34;kz&#34;)&lt;/script&gt;", ""), path
    release = fetch(site, f"/-/releases/{MARKUP}").text
    assert "&lt;script&gt;alert(&#34;kz&#34;)&lt;/script&gt;" in release
    sentence = fetch(site, quote_path(f"events/synthetic-open-hearings-meeting/title/{MARKUP}")).text
    assert "Алматыда &lt;i&gt;ашық&lt;/i&gt; &amp; <mark" in sentence


def test_crossing_and_nested_spans_each_keep_their_own_words(site: Datasette, project: Path):
    quotes = {q["quote_id"]: q for q in table(project, "quotes") if q["source_id"] == MARKUP}
    first, second = (quotes[q] for q in CROSSING)
    assert int(first["char_start"]) < int(second["char_start"]) < int(first["char_end"]) < int(second["char_end"])
    page = Page(fetch(site, f"/-/releases/{MARKUP}").text)
    both = {page.anchors[q] for q in CROSSING}
    assert len(both) == 2
    shared = [text for attrs, text in page.marks if both <= set(str(attrs["data-h"]).split())]
    text = (project / "archive" / f"{MARKUP}.txt").read_text(encoding="utf-8")
    assert shared == [text[int(second["char_start"]) : int(first["char_end"])]]
    for quote_id in CROSSING:
        assert page.marked(page.anchors[quote_id]) == quotes[quote_id]["text_kk"]
    # the release's title holds the event's title: nested spans
    title, event = (
        quotes[f"sources/{MARKUP}/title/{MARKUP}"],
        quotes[f"events/synthetic-open-hearings-meeting/title/{MARKUP}"],
    )
    assert title["char_start"] == event["char_start"] and int(event["char_end"]) < int(title["char_end"])
    assert page.marked(page.anchors[title["quote_id"]]) == title["text_kk"]
    assert page.marked(page.anchors[event["quote_id"]]) == event["text_kk"]


def test_unknown_releases_and_quotes_answer_404_with_a_way_home(site: Datasette):
    for path in (
        "/-/releases/000_0000000000000000",
        "/-/releases/..%2F..%2Fetc%2Fpasswd",
        "/-/releases/%3Cscript%3E",
        "/-/quotes/budgets/nothing/total_budget/000_0000000000000000",
        "/-/quotes/budgets/nothing/total_budget/000_0000000000000000.csl.json",
        f"/-/quotes/{SEED}",
    ):
        response = fetch(site, path)
        assert response.status_code == 404, path
        page = Page(response.text)
        assert "/" in page.links and "/-/releases" in page.links, path
        assert "<script>" not in response.text.split("<footer")[0], path


def test_the_quote_page_shows_the_whole_sentence_and_a_citation(site: Datasette, project: Path):
    participants = f"events/forum-2025-penitentiary-system/participants/{SEED}"
    (quote,) = [q for q in table(project, "quotes") if q["quote_id"] == participants]
    text = (project / "archive" / f"{SEED}.txt").read_text(encoding="utf-8")
    start, end = sentences.sentence_bounds(text, int(quote["char_start"]), int(quote["char_end"]))
    sentence = text[start:end]
    assert sentence.startswith("Форумға ") and sentence.endswith("қатысты.")
    response = fetch(site, quote_path(quote["quote_id"]))
    html = response.text
    assert f'{text[start : int(quote["char_start"])]}<mark id="quote"' in html
    assert f">{quote['text_kk']}</mark>{text[int(quote['char_end']) : end]}</p>" in html
    permalink = "http://localhost" + quote_path(quote["quote_id"])
    assert f'<link rel="canonical" href="{permalink}">' in html
    assert '<pre class="kz-citation" id="citation-text">Legal Policy Research Centre (2025-11-21).' in html
    csl = fetch(site, quote_path(quote["quote_id"]) + ".csl.json")
    assert csl.status_code == 200
    assert csl.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
    assert csl.headers["content-disposition"].startswith("attachment;")
    (item,) = csl.json()
    assert item["id"] == quote["quote_id"] and item["URL"] == permalink
    assert item["issued"] == {"date-parts": [[2025, 11, 21]]}
    assert item["custom"]["value"] == "more than 80" and quote["text_kk"] in item["note"]
    assert json.dumps([item], ensure_ascii=False, indent=2) in html.replace("&#34;", '"').replace("&#39;", "'")


def test_a_value_with_several_claims_lists_them_on_each_quote_page(site: Datasette, project: Path):
    claims = [
        q
        for q in table(project, "quotes")
        if (q["table_name"], q["record_id"], q["field"])
        == ("budgets", "coordinated-actions-rule-of-law", "eu_contribution")
    ]
    assert {q["source_id"] for q in claims} == {SEED, RESTATED}
    for claim in claims:
        links = Page(fetch(site, quote_path(claim["quote_id"])).text).links
        (other,) = [q for q in claims if q is not claim]
        assert quote_path(other["quote_id"]) in links


def test_a_release_lists_its_other_language_versions_when_the_sources_say_so(
    site: Datasette, project: Path, tmp_path: Path
):
    assert "translation_of" not in fetch(site, f"/-/releases/{SEED}").text
    database = tmp_path / f"{DB}.db"
    shutil.copy(site.get_database(DB).path, database)
    with sqlite3.connect(database) as conn:
        conn.execute("ALTER TABLE sources ADD COLUMN translation_of TEXT")
        conn.execute("UPDATE sources SET translation_of = ?, language = 'ru' WHERE source_id = ?", [SEED, MARKUP])
    conn.close()
    downloads = Path(dict(site.static_mounts)[DOWNLOADS_MOUNT])
    translated = site_of(project, database, downloads)
    seed_page = Page(fetch(translated, f"/-/releases/{SEED}").text)
    assert f"/-/releases/{MARKUP}" in seed_page.links
    assert f"/-/releases/{SEED}" in Page(fetch(translated, f"/-/releases/{MARKUP}").text).links
    assert f"/-/releases/{RESTATED}" not in seed_page.links


# The parts, without the site


@pytest.mark.parametrize(
    ("text", "quote", "sentence"),
    [
        ("Бірінші сөйлем. Екінші 80-нен астам сөйлем! Үшінші.", "80-нен астам", "Екінші 80-нен астам сөйлем!"),
        (
            "Жоба 2024-2027 жж. Қазақстанда іске асады. Келесі.",
            "Қазақстанда",
            "Жоба 2024-2027 жж. Қазақстанда іске асады.",
        ),
        ("Бұрын. Заңгерлер, т.б. Ұйымдар қатысты. Соңы.", "Ұйымдар", "Заңгерлер, т.б. Ұйымдар қатысты."),
        ("Бұрын. Елші А. Симкич сөйледі. Соңы.", "Симкич", "Елші А. Симкич сөйледі."),
        ("В 2025 г. Форум прошёл в Астане. Далее.", "Астане", "В 2025 г. Форум прошёл в Астане."),
        ("Before. Dr. Smith spoke, e.g. Twice. After.", "Smith", "Dr. Smith spoke, e.g. Twice."),
        ("Бұрын… «Келесі» сөйлем? Иә.", "Келесі", "«Келесі» сөйлем?"),
        ("Бірінші жол\nЕкінші жол мен\nжалғасы.", "жалғасы", "Екінші жол мен\nжалғасы."),
        ("730 000 еуро мөлшерінде.Бұл жарияланым. Соңы.", "Бұл", "Бұл жарияланым."),
        ("Бөлек. Сөйлем. Қосылған.", "Сөйлем. Қосылған", "Сөйлем. Қосылған."),
    ],
)
def test_the_sentence_around_a_quote(text: str, quote: str, sentence: str):
    start = text.index(quote)
    first, last = sentences.sentence_bounds(text, start, start + len(quote))
    assert text[first:last] == sentence


@given(
    text=st.text(alphabet="аб <>&\"'\n.", min_size=1, max_size=40),
    spans=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=8),
)
def test_marked_text_keeps_every_span_and_escapes_everything(text: str, spans: list[tuple[int, int]]):
    quotes = [
        {"quote_id": f"t/r{i}/f/s", "char_start": start, "char_end": start + size}
        for i, (start, size) in enumerate(spans)
        if start + size <= len(text)
    ]
    marked = marked_text.highlights(text, quotes)
    html = "\n".join(p.html for p in marked_text.paragraphs(text, marked))
    page = Page(html)
    assert set(page.tags) <= {"mark", "span", "sup", "a"}
    for quote in quotes:
        spanned = text[quote["char_start"] : quote["char_end"]].replace("\n", "")
        assert page.marked(page.anchors.get(quote["quote_id"], "-")) == spanned
    assert "".join(texts_outside_notes(html)).split() == text.split()


def texts_outside_notes(html: str) -> list[str]:
    """The text of an HTML fragment outside the note references."""
    found: list[str] = []

    class Texts(HTMLParser):
        depth = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.depth += tag == "sup"

        def handle_endtag(self, tag: str) -> None:
            self.depth -= tag == "sup"

        def handle_data(self, data: str) -> None:
            if not self.depth:
                found.append(data)

    Texts(convert_charrefs=True).feed(html)
    return found


def test_a_citation_names_publisher_date_title_quote_and_permalink():
    quote = {
        "quote_id": "events/e/participants/s",
        "table_name": "events",
        "record_id": "e",
        "field": "participants",
        "value": "more than 80",
        "text_kk": "80-нен астам",
        "text_en": "more than 80",
        "char_start": 271,
        "char_end": 283,
    }
    release = {
        "title_kk": "Форум өтті",
        "title_en": "Forum held",
        "date": "2025-11-21",
        "language": "kk",
        "publisher_id": "lprc",
        "publisher_en": "Legal Policy Research Centre",
        "place_en": "Astana",
    }
    text = citation.citation_text(quote, release, "https://example.org/-/quotes/events/e/participants/s")
    assert text.startswith("Legal Policy Research Centre (2025-11-21). Форум өтті [Forum held]. Press release, Astana.")
    assert "“80-нен астам”" in text and text.endswith("https://example.org/-/quotes/events/e/participants/s")
    item = citation.csl_item(quote, release, "https://example.org/q", "https://example.org/package/archive/s.txt")
    assert {"id", "type", "title", "issued", "URL", "publisher", "author", "language"} <= set(item)
    assert set(item) <= CSL_VARIABLES
    assert item["issued"] == {"date-parts": [[2025, 11, 21]]} and item["type"] == "report"
    assert citation.date_parts("2026-04") == [2026, 4] and citation.date_parts("n.d.") == []


# CSL 1.0.2 input variables the items may use (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)
CSL_VARIABLES = {
    "id",
    "type",
    "genre",
    "title",
    "translated-title",
    "language",
    "author",
    "publisher",
    "publisher-place",
    "URL",
    "archive",
    "archive_location",
    "note",
    "custom",
    "issued",
}


# Every value leads to its sentence


def claims_on(project: Path, table_name: str, record_id: str, field: str) -> list[dict[str, str]]:
    """The claims (quotes) on one field of one record."""
    return [
        q
        for q in table(project, "quotes")
        if (q["table_name"], q["record_id"], q["field"]) == (table_name, record_id, field)
    ]


def test_a_row_page_links_each_value_to_every_quote_that_states_it(site: Datasette, project: Path):
    budget = "coordinated-actions-rule-of-law"
    html = fetch(site, f"/{DB}/budgets/{budget}").text
    section = html.split('<table class="kz-claims">', 1)[1].split("</table>", 1)[0]
    links = Page(section).links
    for field in ("total_budget", "eu_contribution"):
        claims = claims_on(project, "budgets", budget, field)
        assert claims and all(quote_path(q["quote_id"]) in links for q in claims), field
    assert len(claims_on(project, "budgets", budget, "eu_contribution")) == 2  # the seed and the restatement
    all_claims = [q for q in table(project, "quotes") if (q["table_name"], q["record_id"]) == ("budgets", budget)]
    assert sorted(link for link in links if link.startswith("/-/quotes/")) == sorted(
        quote_path(q["quote_id"]) for q in all_claims
    )
    organization = fetch(site, f"/{DB}/organizations/lprc").text
    (legal_form,) = claims_on(project, "organizations", "lprc", "legal_form")
    assert quote_path(legal_form["quote_id"]) in Page(organization).links


def test_the_funding_chart_links_each_stated_amount_to_its_quotes(site: Datasette, project: Path):
    page = fetch(site, "/-/funding")
    assert page.status_code == 200
    links = Page(page.text).links
    budgets = {b["project_id"] for b in table(project, "budgets")}
    assert budgets
    for project_id in budgets:
        for field in ("total_budget", "eu_contribution"):
            claims = claims_on(project, "budgets", project_id, field)
            assert all(quote_path(q["quote_id"]) in links for q in claims), (project_id, field)


def test_canned_query_values_link_to_their_quotes(site: Datasette, project: Path):
    funding = Page(fetch(site, f"/{DB}/eu_funding_per_project").text).links
    for budget in table(project, "budgets"):
        for q in claims_on(project, "budgets", budget["project_id"], "total_budget"):
            assert quote_path(q["quote_id"]) in funding
    forum = Page(fetch(site, f"/{DB}/forum_at_a_glance").text).links
    for event in table(project, "events"):
        for q in claims_on(project, "events", event["event_id"], "participants"):
            assert quote_path(q["quote_id"]) in forum
    record = fetch(site, f"/{DB}/releases_behind_a_record?table=budgets&record=breaking-the-vicious-cycle").text
    for q in [
        q
        for q in table(project, "quotes")
        if (q["table_name"], q["record_id"]) == ("budgets", "breaking-the-vicious-cycle")
    ]:
        assert quote_path(q["quote_id"]) in Page(record).links
    # a value that no release states (co-financing is computed) links to nothing
    cells = fetch(site, f"/{DB}/eu_funding_per_project").text.split('class="col-cofinancing')[1:]
    assert cells and not any("kz-quote-link" in cell.split("</td>")[0] for cell in cells)


def test_the_provenance_pages_go_through_the_sites_guard_and_cache(site: Datasette):
    for path in (f"/-/releases/{SEED}", quote_path(f"events/forum-2025-penitentiary-system/participants/{SEED}")):
        first = asyncio.run(site.client.get(path, headers={"cache-control": "no-cache"}))  # answered afresh
        second = fetch(site, path)
        assert (first.status_code, second.status_code) == (200, 200)
        assert (first.headers["x-kz-cache"], second.headers["x-kz-cache"]) == ("miss", "hit"), path
        assert second.text == first.text
        refused = asyncio.run(site.client.post(path))
        assert refused.status_code == 405, path


@given(
    text=st.text(alphabet="Аа бБ.!?…\n«»ж", min_size=1, max_size=60),
    start=st.integers(0, 59),
    size=st.integers(1, 10),
)
def test_the_sentence_around_a_span_holds_it_and_starts_and_ends_on_no_space(text: str, start: int, size: int):
    start, end = min(start, len(text) - 1), min(start + size, len(text))
    first, last = sentences.sentence_bounds(text, start, end)
    assert 0 <= first <= start and end <= last <= len(text)
    assert first == start or not text[first].isspace()
    assert last == end or not text[last - 1].isspace()
