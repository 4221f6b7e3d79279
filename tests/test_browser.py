"""The site in a browser: `kz-rule-of-law serve` on a free port, driven with Debian's Chromium."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from playwright.sync_api import Page

from workspace import copy_tree

DB = "kz-rule-of-law"
QUERIES = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "scripts/kz_rule_of_law/web/queries/queries.yml").read_text()
)
pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(live_server, built_project: Path, tmp_path_factory: pytest.TempPathFactory):
    """`kz-rule-of-law serve` in a copy of the built project; stopped with SIGTERM, which must end it cleanly."""
    running = live_server(copy_tree(built_project, tmp_path_factory.mktemp("browser") / "project"))
    assert f"serving {running.url}/ " in running.log.read_text().splitlines()[0]
    yield running.url
    running.stop()


@pytest.fixture
def page(browser, test_output: Path, request: pytest.FixtureRequest):
    """A fresh page that fails the test on any console error, and leaves a screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    shots = test_output / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert errors == []


def visible(page: Page, text: str) -> bool:
    """Whether `text` is shown on the page."""
    return page.get_by_text(text, exact=False).first.is_visible()


def test_home_page_explains_the_data_in_english_with_the_kazakh_source(page, server, csv_rows):
    page.goto(server + "/")
    assert page.title().startswith("Rule of law in Kazakhstan")
    latest = max(csv_rows("sources"), key=lambda s: (s["date"], s["source_id"]))
    assert visible(page, latest["title_kk"])
    assert visible(page, "EU funding per project")
    href = page.get_by_role("link", name="kz-rule-of-law.zip").get_attribute("href")
    assert href == "/package/kz-rule-of-law.zip"


def test_table_page_shows_kazakh_and_english_names(page, server):
    page.goto(f"{server}/{DB}/organizations")
    assert visible(page, "Құқықтық саясатты зерттеу орталығы")
    assert visible(page, "Legal Policy Research Centre")
    page.get_by_text("What each column means").click()  # the columns' descriptions, one click away
    assert visible(page, "IATI OrganisationType code.")  # column description from the descriptor


def test_row_page_links_foreign_keys_by_label(page, server):
    page.goto(f"{server}/{DB}/project_organizations/coordinated-actions-rule-of-law,lprc,4")
    page.get_by_role("link", name="Legal Policy Research Centre").click()
    page.wait_for_url(f"{server}/{DB}/organizations/lprc")
    assert visible(page, "Құқықтық саясатты зерттеу орталығы")


def test_canned_query_shows_the_funding_of_each_project(page, server):
    page.goto(f"{server}/{DB}/eu_funding_per_project")
    assert visible(page, "EU funding per project")
    amounts = page.locator("td.col-total_budget data")
    cells = [float(amounts.nth(i).get_attribute("value") or "") for i in range(amounts.count())]
    assert "EUR\u00a0777,895" in amounts.all_inner_texts()
    assert [c for c in cells if c in (777895, 768490)] == [777895, 768490]  # largest first
    assert visible(page, "Азаматтық қоғамның барлық адамдарға заң үстемдігін")


def test_kazakh_search_finds_inflected_words(page, server):
    page.goto(f"{server}/{DB}/search")
    page.fill("input[name=q]", "азаптау")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=*")
    assert visible(page, "Қатыгез циклды бұзу")
    assert visible(page, "prevention of torture")


def test_search_all_tables_finds_a_name_written_in_kazakh(page, server):
    page.goto(f"{server}/-/search?q=Симкич")
    page.get_by_text("Алешка Симкич").first.wait_for(timeout=10000)
    assert visible(page, "Aleška Simkić")


def test_funding_chart_is_drawn(page, server, csv_rows):
    page.goto(f"{server}/-/funding")
    assert page.locator("svg.funding-chart g.funding-bar").count() == len(csv_rows("budgets"))
    assert visible(page, "EU 739,000 EUR (95.00%) + co-financing 38,895 EUR = 777,895 EUR")


def test_live_server_refuses_off_site_redirects(server):
    port = int(server.rsplit(":", 1)[1])
    for path in ("/\\example.com/", "//example.com/"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            head = connection.makefile("rb").read().split(b"\r\n\r\n")[0].decode("latin-1").lower()
        assert head.startswith("http/1.1 404"), head
        assert "\r\nlocation:" not in head


def test_canned_query_answers_first_without_loading_the_sql_editor(page, server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server}/{DB}/facts_with_sources")
    assert page.title().startswith(QUERIES["facts_with_sources"]["title"])
    assert not any("codemirror" in url for url in requested)
    assert not page.locator("pre#sql-query").is_visible()  # folded away
    page.get_by_text("The SQL of this query").click()
    assert page.locator("pre#sql-query").is_visible()
    page.get_by_label("Table").select_option("budgets")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**table=budgets*")
    records = set(page.locator("td.col-record_id a").all_inner_texts())
    assert records and all(page.locator(f"td.col-record_id a:text-is('{r}')").first.is_visible() for r in records)
    page.locator("td.col-record_id a").first.click()
    page.wait_for_url(f"{server}/{DB}/budgets/**")


def test_a_project_page_reads_as_a_page(page, server, csv_rows):
    (budget, *_) = csv_rows("budgets")
    page.goto(f"{server}/{DB}/projects/{budget['project_id']}")
    assert visible(page, f"EUR\u00a0{int(budget['total_budget']):,}")
    assert visible(page, f"{float(budget['eu_share_percent']):.2f}%")
    assert page.locator("h1 [lang=kk]").is_visible()


def test_a_search_with_no_result_offers_words_that_exist(page, server):
    page.goto(f"{server}/{DB}/search?q=Еуропалыққ")
    page.locator(".kz-nearest a").first.click()
    page.wait_for_url("**q=*")
    assert page.locator("td.col-id a").count() > 0


# From a value to the highlighted sentence that states it, in two clicks or fewer


def quote_page_path(quote_id: str) -> str:
    """The quote page of one claim."""
    return "/-/quotes/" + quote(quote_id, safe="/")


def claims_of(csv_rows, table: str, record: str, field: str) -> list[dict]:
    """The claims on one field of one record, by its table and id."""
    return [q for q in csv_rows("quotes") if (q["table_name"], q["record_id"], q["field"]) == (table, record, field)]


def assert_on_the_highlighted_sentence(page: Page, server: str, claim: dict) -> None:
    """The page is the claim's quote page, its highlight is the quote and its sentence holds it."""
    page.wait_for_url(server + quote_page_path(claim["quote_id"]))
    assert page.locator("mark#quote").inner_text() == claim["text_kk"]
    assert claim["text_kk"] in page.locator("blockquote.kz-sentence").inner_text()
    assert page.locator("pre#citation-text").inner_text().endswith(page.url)


def test_a_budget_figure_leads_to_its_sentence_in_one_click(page, server, csv_rows):
    budget = csv_rows("budgets")[0]
    (claim, *_) = claims_of(csv_rows, "budgets", budget["project_id"], "total_budget")
    page.goto(f"{server}/-/funding")
    page.locator(f'td.funding-total a[href="{quote_page_path(claim["quote_id"])}"]').click()
    assert_on_the_highlighted_sentence(page, server, claim)


def test_a_participant_count_leads_to_its_sentence_in_one_click(page, server, csv_rows):
    event = next(e for e in csv_rows("events") if e["participants"])
    (claim, *_) = claims_of(csv_rows, "events", event["event_id"], "participants")
    page.goto(f"{server}/{DB}/forum_at_a_glance")
    page.locator(f'td.col-participants a[href="{quote_page_path(claim["quote_id"])}"]').click()
    assert_on_the_highlighted_sentence(page, server, claim)


def test_a_legal_form_leads_to_its_sentence_in_two_clicks(page, server, csv_rows):
    organization = next(
        o for o in csv_rows("organizations") if claims_of(csv_rows, "organizations", o["organization_id"], "legal_form")
    )
    (claim, *_) = claims_of(csv_rows, "organizations", organization["organization_id"], "legal_form")
    page.goto(f"{server}/{DB}/organizations")
    page.locator(f'a[href="/{DB}/organizations/{organization["organization_id"]}"]').first.click()
    page.locator(f'tr.kz-claim[data-field="legal_form"] a[href="{quote_page_path(claim["quote_id"])}"]').click()
    assert_on_the_highlighted_sentence(page, server, claim)


def test_a_quote_leads_to_its_highlighted_span_in_the_release(page, server, csv_rows):
    event = next(e for e in csv_rows("events") if e["participants"])
    (claim, *_) = claims_of(csv_rows, "events", event["event_id"], "participants")
    page.goto(server + quote_page_path(claim["quote_id"]))
    page.locator("dd a[href^='/-/releases/']").first.click()
    page.wait_for_url(f"{server}/-/releases/{claim['source_id']}#**")
    anchor = page.locator(f'[id="{claim["quote_id"]}"]')
    highlight = anchor.get_attribute("data-h")
    marks = page.locator("mark.kz-mark").evaluate_all(
        "(marks, h) => marks.filter(m => m.dataset.h.split(' ').includes(h)).map(m => m.textContent).join('')",
        highlight,
    )
    assert marks == claim["text_kk"].replace("\n", "")
    assert anchor.evaluate("a => a.getBoundingClientRect().top") < page.viewport_size["height"]  # scrolled to it
    assert page.locator(f"#h{highlight}").inner_text().count(claim["table_name"]) >= 1


def test_release_and_quote_pages_fit_a_phone(browser, server, csv_rows):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    opened = context.new_page()
    (claim, *_) = csv_rows("quotes")
    for path in (f"/-/releases/{claim['source_id']}", quote_page_path(claim["quote_id"]), "/-/releases"):
        opened.goto(server + path)
        assert opened.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert opened.locator("main").count() == 1, path
    context.close()
