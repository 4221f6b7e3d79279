"""The site's delivery in a browser: the SQL editor loads only when it is wanted, and a cold visit
of a page stays under the weight budget (gzip on the wire)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.page_weight import BUDGET_BYTES
from workspace import copy_tree

DB = "kz-rule-of-law"
pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(live_server, built_project: Path, tmp_path_factory: pytest.TempPathFactory):
    """`kz-rule-of-law serve` in a copy of the built project."""
    running = live_server(copy_tree(built_project, tmp_path_factory.mktemp("delivery-browser") / "project"))
    yield running.url
    running.stop()


@pytest.fixture
def page(browser):
    """A fresh page (an empty cache) that fails the test on any console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def test_the_sql_editor_loads_when_the_sql_box_is_used(page, server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server}/{DB}?sql=select+project_id,total_budget+from+budgets")
    assert page.locator("td.col-project_id").count() >= 1
    assert not [url for url in requested if "codemirror" in url or "sql-formatter" in url]
    assert page.locator(".CodeMirror").count() == 0
    page.locator("textarea#sql-editor").focus()
    page.locator(".CodeMirror").wait_for()
    assert [url for url in requested if "codemirror-5.57.0.min.js" in url]
    page.locator("button#sql-format").click()
    page.wait_for_function("document.querySelector('.CodeMirror').CodeMirror.getValue().includes('\\n')")
    assert "FROM" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()").upper()


@pytest.mark.parametrize("path", ["/", f"/{DB}", f"/{DB}/budgets", f"/{DB}/eu_funding_per_project", "/package/"])
def test_a_cold_visit_transfers_under_the_budget(page, server, path):
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    assert 0 < sum(sizes) < BUDGET_BYTES, (path, sizes)
