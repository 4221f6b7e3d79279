"""Every page type in each language, in Chromium: axe-core (from npm, package.json) finds no critical
and no serious violation; at 390x844 nothing scrolls sideways and no text is under 12 px; screenshots
at 1280x800 and 390x844 under the test output folder.

PAGES lists the page types once: a page added to the site is added there, and is checked in every
language."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from kz_rule_of_law.web.plugin.language import url_in
from workspace import copy_tree

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DB = "kz-rule-of-law"
LANGUAGES = ("en", "kk", "ru")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SMALLEST_TEXT_PX = 12
pytestmark = [pytest.mark.browser, pytest.mark.server]


def _first(table: str) -> dict[str, str]:
    """The first published row of a table (whichever release it comes from)."""
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return next(csv.DictReader(handle))


def _word(text: str) -> str:
    """The longest word of a text: a search term the data has."""
    return max(re.findall(r"\w+", text), key=len)


ORGANIZATION = _first("organizations")
QUOTE = _first("quotes")
# The page types of the site, by name: the path of one page of each (unprefixed: English).
PAGES = {
    "home": "/",
    "database": f"/{DB}",
    "table": f"/{DB}/organizations",
    "table-search": f"/{DB}/organizations?_search={_word(ORGANIZATION['name_kk'])}",
    "row": f"/{DB}/organizations/{ORGANIZATION['organization_id']}",
    "canned-query": f"/{DB}/eu_funding_per_project",
    "search": f"/{DB}/search?q={_word(ORGANIZATION['name_kk'])}",
    "chart": "/-/funding",
    "not-found": "/no-such-page",
    "releases": "/-/releases",
    "release": f"/-/releases/{QUOTE['source_id']}",
    "quote": f"/-/quotes/{quote(QUOTE['quote_id'], safe='/')}",
    "changes": "/-/changes",
    "project": f"/{DB}/projects/{_first('projects')['project_id']}",
    "event": f"/{DB}/events/{_first('events')['event_id']}",
    "canned-query-with-parameters": f"/{DB}/releases_behind_a_record?table=organizations",
    "search-nothing-found": f"/{DB}/search?q=zzzqx",
    "downloads": "/package/",
    "data-dictionary": "/-/data-dictionary",
}
# axe rules whose findings the site takes as failures: every rule, at these impacts.
FAILING_IMPACTS = ("critical", "serious")
# And the structure of a page (moderate in axe) on the page types whose templates the site writes
# (canned queries and search are Datasette's query page).
STRUCTURE_RULES = ("heading-order", "landmark-one-main", "page-has-heading-one", "region", "skip-link")
STRUCTURED_PAGES = ("home", "database", "table", "table-search", "row", "chart", "not-found")


@pytest.fixture(scope="module")
def server(live_server, built_project: Path, tmp_path_factory: pytest.TempPathFactory):
    """`kz-rule-of-law serve` in a copy of the built project."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} not found: install axe-core from npm (make npm)")
    running = live_server(copy_tree(built_project, tmp_path_factory.mktemp("a11y") / "project"))
    yield running.url
    running.stop()


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, as npm installed it."""
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page, axe_source: str, rules: tuple[str, ...] = ()) -> list[dict]:
    """The violations axe-core finds on the page, at the impacts the site fails on or of `rules`."""
    page.add_script_tag(content=axe_source)
    results = page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in json.loads(results)
        if v["impact"] in FAILING_IMPACTS or v["id"] in rules
    ]


def sideways_scroll(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


# Visible text whose rendered size is under the minimum: HTML text by its computed size, SVG text by
# its height on the screen (a scaled-down chart shrinks its text).
SMALL_TEXT = """(minimum) => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!element || !node.textContent.trim()) continue;
    const style = getComputedStyle(element), box = element.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    if (element.closest('script, style, title, [hidden], .kz-skip')) continue;
    let size = parseFloat(style.fontSize);
    if (element instanceof SVGElement) {
      const svg = element.ownerSVGElement || element;
      const scale = svg.getScreenCTM ? svg.getScreenCTM().a : 1;
      size = size * scale;
    }
    const where = element.tagName + ' ' + size.toFixed(1) + 'px: ';
    if (size < minimum - 0.01) small.push(where + node.textContent.trim().slice(0, 40));
  }
  return small.slice(0, 10);
}"""


def _open(browser, url: str, viewport: dict[str, int]) -> tuple[object, Page, list[str]]:
    """A new context and page at `viewport`, with `url` loaded, and the console errors it logs."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return context, page, errors


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("kind", list(PAGES))
def test_page_is_accessible_and_fits_a_phone(browser, server, axe_source, test_output, kind, code):
    url = server + url_in(code, PAGES[kind])
    shots = test_output / "screenshots" / "accessibility"
    shots.mkdir(parents=True, exist_ok=True)
    context, page, errors = _open(browser, url, DESKTOP)
    try:
        assert page.evaluate("() => document.documentElement.lang") == code
        page.screenshot(path=str(shots / f"{kind}-{code}-1280x800.png"), full_page=True)
        violations = axe_violations(page, axe_source, STRUCTURE_RULES if kind in STRUCTURED_PAGES else ())
        assert violations == [], f"{url}: {violations}"
        assert page.locator("main").count() == 1
    finally:
        context.close()
    context, page, phone_errors = _open(browser, url, PHONE)
    try:
        page.screenshot(path=str(shots / f"{kind}-{code}-390x844.png"), full_page=True)
        assert sideways_scroll(page) <= 0, f"{url} scrolls sideways at 390 px"
        assert page.evaluate(SMALL_TEXT, SMALLEST_TEXT_PX) == [], url
    finally:
        context.close()
    # A 404 logs its own status as a console error; any other error is a fault of the page.
    expected = ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    assert [e for e in errors + phone_errors if not (kind == "not-found" and e in expected)] == []


def test_the_skip_link_leads_to_the_main_content(browser, server):
    context, page, _ = _open(browser, server + url_in("kk", PAGES["table"]), DESKTOP)
    try:
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        assert skip.get_attribute("href") == "#main"
        assert skip.is_visible()
        skip.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"
    finally:
        context.close()
