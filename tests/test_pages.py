"""Pages for people: canned queries answer first with labelled parameters and linked ids; row pages
of projects, organizations and events read as pages, with formatted amounts and counts."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from html.parser import HTMLParser

import pytest
from datasette.app import Datasette

from kz_rule_of_law.package.descriptor import tables
from kz_rule_of_law.web.metadata import canned_queries
from kz_rule_of_law.web.plugin import parameters as query_parameters

DB = "kz-rule-of-law"


class Page(HTMLParser):
    """The parts of a page the tests look at: title, links, form fields and their labels, tags in order."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.title = ""
        self.links: list[tuple[str, str]] = []
        self.fields: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.options: dict[str, list[str]] = {}
        self.order: list[str] = []
        self._in: list[str] = []
        self._href: str | None = None
        self._text = ""
        self._select: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self._in.append(tag)
        self.order.append(tag + ("." + found["class"] if found.get("class") else ""))
        if tag == "a" and "href" in found:
            self._href, self._text = found["href"], ""
        elif tag == "label" and "for" in found:
            self.labels.add(found["for"])
        elif tag in ("input", "select") and found.get("type") not in ("hidden", "submit"):
            self.fields.append(found)
            if tag == "select":
                self._select = found.get("name", "")
                self.options[self._select] = []
        elif tag == "option" and self._select is not None:
            self.options[self._select].append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        if self._href is not None:
            self._text += data


def page_of(get, path: str, **params: str) -> tuple[str, Page]:
    """A page's HTML, parsed; it must answer 200."""
    response = get(path, **params)
    assert response.status_code == 200, (path, response.text[:500])
    return response.text, Page(response.text)


def parameters_of(descriptor) -> dict[str, dict]:
    """Every canned query with its queries.yml parameters."""
    return {name: q.get("parameters", {}) for name, q in canned_queries(tables(descriptor)).items()}


def test_canned_query_pages_answer_first_with_their_title_and_the_sql_folded_away(get, descriptor):
    for name, query in canned_queries(tables(descriptor)).items():
        text, page = page_of(get, f"/{DB}/{name}")
        assert page.title.startswith(query["title"]), name
        assert "codemirror" not in text.lower(), name  # the editor is not loaded
        assert '<details class="kz-sql">' in text, name  # closed
        sql_at = page.order.index("details.kz-sql")
        assert all(
            page.order.index(tag) < sql_at
            for tag in ("form.kz-parameters", "table.rows-and-columns")
            if tag in page.order
        )
        assert any(href.startswith(f"/{DB}?sql=") for href, _ in page.links), name  # the SQL is one click away


def test_the_sql_shows_on_request_and_arbitrary_sql_keeps_its_editor(get):
    text, _ = page_of(get, f"/{DB}/who_said_what", _show_sql="1")
    assert '<details class="kz-sql" open>' in text
    text, page = page_of(get, f"/{DB}", sql="select 1 as one")
    assert "codemirror" in text and 'id="sql-editor"' in text
    assert page.title.startswith("SQL query")


def test_every_parameter_is_labelled_and_known_values_are_choices(get, descriptor, csv_rows):
    quoted = sorted({q["table_name"] for q in csv_rows("quotes")})
    for name, parameters in parameters_of(descriptor).items():
        _, page = page_of(get, f"/{DB}/{name}")
        assert all(f.get("id") in page.labels for f in page.fields), (name, page.fields)
        for parameter, options in parameters.items():
            if options.get("choices"):
                assert page.options[parameter] == ["", *quoted], (name, parameter)
    assert parameters_of(descriptor)["facts_with_sources"]["table"]["choices"]


@pytest.mark.parametrize("value", ["Budgets", "no-such-table"])
def test_a_value_that_is_not_a_choice_says_so_and_offers_the_choices(get, value):
    text, _page = page_of(get, f"/{DB}/facts_with_sources", table=value)
    (message,) = re.findall(r'<p class="message-error kz-unknown-value"[^>]*>(.*?)</p>', text, re.S)
    assert f"<q>{value}</q>" in message
    assert "?table=budgets" in message


def test_a_chosen_value_is_selected_and_gives_its_rows(get, csv_rows):
    text, _ = page_of(get, f"/{DB}/facts_with_sources", table="budgets")
    assert '<option value="budgets" selected>' in text
    assert "kz-unknown-value" not in text
    rows = [q for q in csv_rows("quotes") if q["table_name"] == "budgets"]
    assert f"{len(rows)} row" in text


def test_ids_in_query_results_link_to_rows_that_exist(get, csv_rows):
    quotes = [q for q in csv_rows("quotes") if q["table_name"] in ("budgets", "event_countries")]
    linked = set()
    for table in ("budgets", "event_countries"):
        _, page = page_of(get, f"/{DB}/facts_with_sources", table=table)
        linked |= {(href, text) for href, text in page.links if href.startswith(f"/{DB}/{table}/")}
    expected = {q["record_id"] for q in quotes}
    assert {text for _, text in linked} == expected
    for href, _ in linked:
        assert get(href).status_code == 200, href
    sources = {(f"/{DB}/sources/{q['source_id']}", q["source_id"]) for q in quotes}
    _, page = page_of(get, f"/{DB}/facts_with_sources", table="budgets")
    assert {(f"/{DB}/sources/{q['source_id']}", q["source_id"]) for q in quotes if q["table_name"] == "budgets"} <= set(
        page.links
    )
    assert sources


def test_search_results_link_each_id_to_its_row(get):
    _, page = page_of(get, f"/{DB}/search", q="penitentiary")
    ids = {(href, text) for href, text in page.links if re.fullmatch(rf"/{DB}/(events|topics)/[^/]+", href)}
    assert ids
    for href, text in ids:
        assert href.endswith("/" + text)
        assert get(href).status_code == 200, href


def test_the_table_a_result_names_links_to_the_table_by_its_title(get, descriptor):
    titles = {t.name: t.title for t in tables(descriptor).values()}
    _, page = page_of(get, f"/{DB}/facts_with_sources", table="budgets")
    assert (f"/{DB}/budgets", titles["budgets"]) in page.links
    _, page = page_of(get, f"/{DB}/search", q="penitentiary")
    assert (f"/{DB}/events", titles["events"]) in page.links


def test_a_column_of_another_table_key_does_not_link(get):
    _, page = page_of(get, f"/{DB}/forum_at_a_glance")
    assert not any(href.startswith(f"/{DB}/countries/") for href, _ in page.links)
    assert any(href.startswith(f"/{DB}/events/") for href, _ in page.links)


# Row pages that read as pages


def claims(csv_rows, table: str, record: str, field: str) -> list[str]:
    """The quote ids of the claims on one field of one record."""
    return [
        q["quote_id"]
        for q in csv_rows("quotes")
        if (q["table_name"], q["record_id"], q["field"]) == (table, record, field)
    ]


QUALIFIED = {"exact": "{}", "more_than": "more than {}", "about": "about {}", "at_least": "at least {}",
             "up_to": "up to {}", "less_than": "less than {}"}  # fmt: skip


def test_a_project_page_reads_as_a_page_with_its_amounts_formatted(get, csv_rows):
    projects = {p["project_id"]: p for p in csv_rows("projects")}
    for budget in csv_rows("budgets"):
        project = projects[budget["project_id"]]
        text, page = page_of(get, f"/{DB}/projects/{budget['project_id']}")
        assert page.title.startswith(project["title_en"])
        assert f'<span lang="kk">{project["title_kk"]}</span>' in text
        for column in ("total_budget", "eu_contribution"):
            qualifier = budget[f"{column}_qualifier"] or "exact"
            shown = QUALIFIED[qualifier].format(f"{budget['currency']}\u00a0{int(budget[column]):,}")
            if qualifier == "exact":
                assert f'<data value="{int(budget[column])}">{shown}</data>' in text
        assert f"({float(budget['eu_share_percent']):.2f}%)" in text
        for claim in claims(csv_rows, "budgets", budget["project_id"], "total_budget"):
            assert (
                f'<a class="kz-quote-link" href="/-/quotes/{claim}"><data value="{int(budget["total_budget"])}">'
                in text
            )
        for role in csv_rows("project_organizations"):
            if role["project_id"] == budget["project_id"]:
                assert f'href="/{DB}/organizations/{role["organization_id"]}"' in text


def test_an_organization_page_gives_its_legal_form_in_three_languages(get, csv_rows):
    forms = {f["code"]: f for f in csv_rows("legal_forms")}
    organizations = [o for o in csv_rows("organizations") if o["legal_form"]]
    assert organizations
    for organization in organizations:
        form = forms[organization["legal_form"]]
        text, page = page_of(get, f"/{DB}/organizations/{organization['organization_id']}")
        (shown,) = re.findall(r'<dd class="kz-legal-form">(.*?)</dd>', text)
        assert f'<span lang="kk">{form["name_kk"]} ({form["code"]})</span>' in shown
        assert f'<span lang="ru">{form["name_ru"]} ({form["abbr_ru"]})</span>' in shown
        assert f'<span lang="en">{form["name_en"]}</span>' in shown
        for claim in claims(csv_rows, "organizations", organization["organization_id"], "legal_form"):
            assert f'href="/-/quotes/{claim}"' in shown
        assert page.title.startswith(organization["name_en"] or organization["name_kk"])


def test_an_organization_page_lists_its_roles(get, csv_rows):
    roles = {r["code"]: r["name"] for r in csv_rows("iati_organisation_roles")}
    for link in csv_rows("project_organizations"):
        text, _ = page_of(get, f"/{DB}/organizations/{link['organization_id']}")
        (section,) = re.findall(r'<section class="kz-projects">(.*?)</section>', text, re.S)
        assert re.search(rf'href="/{DB}/projects/{link["project_id"]}".*?</a>: {roles[link["iati_role"]]}', section)


def test_an_event_page_gives_the_participants_with_their_qualifier(get, csv_rows):
    events = [e for e in csv_rows("events") if e["participants"]]
    assert events
    for event in events:
        text, _ = page_of(get, f"/{DB}/events/{event['event_id']}")
        shown = QUALIFIED[event["participants_qualifier"] or "exact"].format(f"{int(event['participants']):,}")
        (cell,) = re.findall(r'<dd class="kz-participants">(.*?)</dd>', text)
        assert f'<data value="{event["participants"]}">{shown}</data>' in cell
        for claim in claims(csv_rows, "events", event["event_id"], "participants"):
            assert f'<a class="kz-quote-link" href="/-/quotes/{claim}">' in cell
        for topic in csv_rows("topics"):
            if topic["event_id"] == event["event_id"]:
                assert f'href="/{DB}/topics/{topic["topic_id"]}"' in text


def test_pages_of_other_tables_keep_the_plain_row_page(get):
    text, page = page_of(get, f"/{DB}/topics/penitentiary-management")
    assert "kz-page" not in text and page.title.startswith(DB)


def test_the_eu_share_reads_the_same_on_every_page(get, csv_rows):
    (budget, *_) = csv_rows("budgets")
    share = f"{float(budget['eu_share_percent']):.2f}%"
    for path in (
        f"/{DB}/budgets",
        f"/{DB}/budgets/{budget['project_id']}",
        f"/{DB}/funding_per_project",
        f"/{DB}/eu_funding_per_project",
        f"/{DB}/projects/{budget['project_id']}",
        "/-/funding",
    ):
        text, _ = page_of(get, path)
        assert share in text, path
        assert not re.search(rf">{float(budget['eu_share_percent'])}<", text), path


def test_table_pages_show_participants_with_their_qualifier_and_amounts_with_their_currency(get, csv_rows):
    text, _ = page_of(get, f"/{DB}/events")
    for event in csv_rows("events"):
        if event["participants"]:
            shown = QUALIFIED[event["participants_qualifier"] or "exact"].format(event["participants"])
            assert f'<data value="{event["participants"]}">{shown}</data>' in text
    text, _ = page_of(get, f"/{DB}/budgets")
    for budget in csv_rows("budgets"):
        assert (
            f'<data value="{budget["total_budget"]}">{budget["currency"]}\u00a0{int(budget["total_budget"]):,}</data>'
            in text
        )


def test_records_are_suggested_once_the_table_is_chosen_and_an_unknown_one_is_said(get, csv_rows):
    quotes = csv_rows("quotes")
    for table in sorted({q["table_name"] for q in quotes}):
        text, _ = page_of(get, f"/{DB}/releases_behind_a_record", table=table)
        (listed,) = re.findall(r'<datalist id="qp-record-list">(.*?)</datalist>', text)
        assert re.findall(r'<option value="([^"]*)">', listed) == sorted(
            {q["record_id"] for q in quotes if q["table_name"] == table}
        )
    record = quotes[0]
    text, _ = page_of(get, f"/{DB}/releases_behind_a_record", table=record["table_name"], record=record["record_id"])
    assert "kz-unknown-value" not in text
    text, _ = page_of(get, f"/{DB}/releases_behind_a_record", table=record["table_name"], record="no-such-record")
    assert re.search(r'class="message-error kz-unknown-value"[^>]*><q>no-such-record</q>', text)
    text, _ = page_of(get, f"/{DB}/releases_behind_a_record")
    assert "<datalist" not in text  # no table chosen: nothing to suggest


def test_a_formatted_amount_in_a_query_links_to_its_quote(get, csv_rows):
    text, _ = page_of(get, f"/{DB}/eu_funding_per_project")
    for budget in csv_rows("budgets"):
        claims = [
            q["quote_id"]
            for q in csv_rows("quotes")
            if (q["table_name"], q["record_id"], q["field"]) == ("budgets", budget["project_id"], "total_budget")
        ]
        shown = (
            f'<data value="{budget["total_budget"]}">{budget["currency"]}\u00a0{int(budget["total_budget"]):,}</data>'
        )
        (cell,) = [c for c in re.findall(r'<td class="col-total_budget">(.*?)</td>', text) if shown in c]
        assert f'href="/-/quotes/{claims[0]}"' in cell and cell.index("<a ") < cell.index(shown)


def test_choices_are_read_per_site_even_when_two_sites_name_their_databases_alike(tmp_path):
    def site(folder: str, quote_ids: list[str]) -> Datasette:
        path = tmp_path / folder / "kz-rule-of-law.db"
        path.parent.mkdir()
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE quotes (quote_id TEXT PRIMARY KEY)")
            conn.executemany("INSERT INTO quotes VALUES (?)", [(q,) for q in quote_ids])
        return Datasette([str(path)], immutables=[])

    first = site("first", ["budgets/p/total_budget/synthetic-a", "events/e/date/synthetic-a"])
    second = site("second", ["organizations/o/name/synthetic-b"])

    def choices(datasette: Datasette) -> list[str]:
        found = asyncio.run(query_parameters._choices_for(datasette, "kz-rule-of-law", "quoted_tables"))
        return [choice["value"] for choice in found or []]

    assert choices(first) == ["budgets", "events"]
    assert choices(second) == ["organizations"]
