"""The interface in Kazakh, Russian and English: each page at its own URL (/kk/, /ru/, English
unprefixed), links that keep the language, a language switch, `<html lang>`, the catalogs."""

from __future__ import annotations

import ast
import asyncio
import copy
import datetime as dt
import html
import re
from pathlib import Path

import httpx
import pytest
import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

from kz_rule_of_law.package.descriptor import lint, tables
from kz_rule_of_law.web.metadata import render_metadata
from kz_rule_of_law.web.plugin import cache, language, localize

DB = "kz-rule-of-law"
LANGUAGES = ("en", "kk", "ru")


def prefixed(code: str, path: str) -> str:
    """`path` in the language `code`."""
    return language.url_in(code, path)


def html_lang(text: str) -> str:
    """The `lang` of a page's `<html>`."""
    found = re.search(r'<html lang="([a-z]+)"', text)
    assert found, text[:300]
    return found.group(1)


def hrefs(text: str) -> list[str]:
    """Every href of the page's links (`<a>`), unescaped."""
    return [h.replace("&amp;", "&") for h in re.findall(r'<a\b[^>]*\shref="([^"]*)"', text)]


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("path", ["/", f"/{DB}", f"/{DB}/organizations", f"/{DB}/organizations/eu", "/-/funding"])
def test_every_page_answers_in_each_language_at_its_own_url(get, code, path):
    response = get(prefixed(code, path))
    assert response.status_code == 200
    assert html_lang(response.text) == code
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_links_of_a_page_keep_its_language_but_not_downloads_or_data_files(get, code):
    links = hrefs(get(f"/{code}/{DB}/organizations").text)
    site = [h for h in links if h.startswith("/") or h.startswith("http://localhost/")]
    pages = [h for h in site if not re.search(r"\.\w+(\?|$)", h.split("?")[0] + "?") and "/package/" not in h]
    switch = {f"/{DB}/organizations", *(f"/{other}/{DB}/organizations" for other in ("kk", "ru"))}
    assert pages, links
    for href in pages:
        path = href.removeprefix("http://localhost")
        assert path.startswith(f"/{code}/") or path in switch, href
    files = [h for h in site if "/package/" in h or ".json" in h]
    assert files
    assert not [h for h in files if re.search(r"/(kk|ru)/", h)], files


def test_the_language_switch_links_the_same_page_in_every_language(get):
    text = get(f"/ru/{DB}/organizations?country=KZ").text
    switch = re.search(r'<nav class="kz-languages"[^>]*>(.*?)</nav>', text, re.DOTALL)
    assert switch
    links = dict(re.findall(r'href="([^"]*)" hreflang="([a-z]+)"', switch.group(1)))
    assert {v: k.replace("&amp;", "&") for k, v in links.items()} == {
        "en": f"/{DB}/organizations?country=KZ",
        "kk": f"/kk/{DB}/organizations?country=KZ",
    }
    assert 'aria-current="page" lang="ru"' in switch.group(1)


def test_english_has_one_address_and_a_bare_prefix_gets_its_slash(get):
    response = get(f"/en/{DB}/organizations?country=KZ")
    assert (response.status_code, response.headers["location"]) == (301, f"/{DB}/organizations?country=KZ")
    assert get("/kk").headers["location"] == "/kk/"
    assert get("/kk/").status_code == 200


def test_a_redirect_keeps_the_language(get):
    response = get(f"/kk/{DB}/organizations/")
    assert response.status_code in (301, 302)
    assert response.headers["location"] == f"/kk/{DB}/organizations"


def test_the_guard_judges_the_path_without_its_prefix(get):
    assert get("/kk//example.com").status_code == 404
    assert get("/ru/%5C%5Cexample.com").status_code == 404


def test_cached_pages_are_kept_per_language(get):
    # The same path in two languages, each asked twice: the second answer is the cache's, in its own language.
    for code in ("kk", "ru", "kk", "en"):
        assert html_lang(get(prefixed(code, f"/{DB}/people")).text) == code


def test_a_page_from_the_cache_keeps_its_language_in_its_links(datasette):
    # Asked uncompressed, so that the kept page's length can be compared with its bytes.
    def fetch() -> httpx.Response:
        headers = {"accept-encoding": "identity"}
        return asyncio.run(datasette.client.get(f"/ru/{DB}/countries?_sort=name_ru", headers=headers))

    first, second = fetch(), fetch()
    assert (first.headers["x-kz-cache"], second.headers["x-kz-cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert f'href="/ru/{DB}/countries?' in second.text
    assert int(second.headers["content-length"]) == len(second.content)


def test_the_cache_key_includes_the_language():
    scope = {"method": "GET", "scheme": "http", "path": f"/{DB}", "raw_path": f"/{DB}".encode(), "query_string": b""}
    keys = {cache.cache_key({**scope, language.SCOPE_KEY: code}, []) for code in LANGUAGES}
    assert len(keys) == 3


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (b"/db/table?x=1", b"/kk/db/table?x=1"),
        (b"/", b"/kk/"),
        (b"http://host/db/table?_next=2", b"http://host/kk/db/table?_next=2"),
        (b"http://other/db", b"http://other/db"),
        (b"/db/table.json", b"/db/table.json"),
        (b"/db/table.csv?_labels=on", b"/db/table.csv?_labels=on"),
        (b"/package/data/people.csv", b"/package/data/people.csv"),
        (b"/package/", b"/package/"),
        (b"/-/static/app.css", b"/-/static/app.css"),
        (b"/ru/db", b"/ru/db"),
        (b"/kk", b"/kk"),
        (b"//example.com/x", b"//example.com/x"),
        (b"#main", b"#main"),
        (b"?_sort=x", b"?_sort=x"),
        (b"https://datasette.io/", b"https://datasette.io/"),
    ],
)
def test_links_in_a_language(url, expected):
    assert localize.Links("kk", b"http://host", ("/package/",)).url(url) == expected


def test_only_navigation_links_are_rewritten():
    links = localize.Links("ru", None, ())
    page = (
        b'<a href="/db?a=1&amp;b=2">x</a><a hreflang="en" href="/db">en</a><img src="/img">'
        b'<form action="/db/t" method="get"></form><link rel="stylesheet" href="/style">'
    )
    assert links.html(page) == (
        b'<a href="/ru/db?a=1&amp;b=2">x</a><a hreflang="en" href="/db">en</a><img src="/img">'
        b'<form action="/ru/db/t" method="get"></form><link rel="stylesheet" href="/style">'
    )


def test_split_takes_only_a_whole_language_segment():
    assert localize.split("/kk/db") == ("kk", "/db")
    assert localize.split("/kk") == ("kk", "")
    assert localize.split("/kkx/db") == (None, "/kkx/db")
    assert localize.split("/db/kk") == (None, "/db/kk")


# The catalogs: every string of the interface in Kazakh and Russian

WEB = Path(language.__file__).resolve().parents[1]
PACKAGE = WEB.parent
TEMPLATE_MSGID = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def template_msgids() -> set[str]:
    """Every `_("...")` string of the site's templates (web/templates, web/home.html)."""
    found = set()
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("*.html")]:
        for match in TEMPLATE_MSGID.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def python_msgids() -> set[str]:
    """Every string literal passed to `_()` in the package's code."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _is_translated_literal(node):
                found.add(node.args[0].value)
    return found


def _is_translated_literal(node: ast.AST) -> bool:
    """Whether `node` is a call `_("a literal string")`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def test_the_msgid_scan_finds_strings_in_templates_and_code():
    assert {"Next page", "Skip to content", "Where it comes from:"} <= template_msgids()
    assert {"1 row", "{count} rows", "the press releases behind a record"} <= python_msgids()


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_every_interface_string_has_a_translation(code):
    wanted = template_msgids() | python_msgids() | set(language.FILTER_NAMES) | set(language.ERROR_MESSAGES)
    translations = language.catalog(code)
    missing = sorted(wanted - set(translations))
    assert not missing, f"web/i18n/{code}.yml lacks: {missing}"
    for msgid in wanted:
        assert set(PLACEHOLDER.findall(translations[msgid])) == set(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_catalog_entries_are_strings_of_the_interface(code):
    raw = yaml.safe_load((WEB / "i18n" / f"{code}.yml").read_text(encoding="utf-8"))
    assert all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw.items())


def test_a_string_without_a_translation_stays_english():
    assert language.translator("kk")("A string no catalog has") == "A string no catalog has"
    assert language.translator("kk")("Next page") == "Келесі бет"
    assert language.translator("en")("Next page") == "Next page"


# Titles and descriptions from the descriptor


def test_every_table_and_column_has_kazakh_and_russian_titles(descriptor):
    schema = tables(descriptor)
    assert set(descriptor["titles"]) == set(descriptor["descriptions"]) == {"kk", "ru"}
    for table in schema.values():
        assert set(table.titles) == set(table.descriptions) == {"kk", "ru"}, table.name
        for field in table.fields:
            assert set(field.titles) == {"kk", "ru"}, f"{table.name}.{field.name}"
            suffix = re.search(r"_(kk|ru|en)$", field.name)
            if suffix:  # a column named for its language says it in the descriptor
                assert field.language == suffix.group(1), f"{table.name}.{field.name}"


def test_the_lint_refuses_malformed_translations(descriptor):
    broken = copy.deepcopy(descriptor)
    broken["resources"][0]["titles"] = {"de": "Quellen", "kk": ""}
    broken["resources"][0]["schema"]["fields"][0]["language"] = "kazakh"
    broken["resources"][1]["descriptions"] = "Елдер"
    messages = [(p.code, p.message) for p in lint(broken)]
    unknown = "resource sources: titles: unknown key 'de' (expected one of: kk, ru)"
    assert ("descriptor-unknown-key", unknown) in messages
    assert any(code == "descriptor-wrong-shape" and "titles: every text" in m for code, m in messages)
    assert any("unknown language 'kazakh'" in m for _, m in messages)
    assert any(code == "descriptor-wrong-shape" and "descriptions" in m for code, m in messages)
    assert lint(descriptor) == []


def test_metadata_carries_titles_languages_and_formats_of_columns(descriptor, csv_rows):
    metadata = yaml.safe_load(render_metadata(descriptor, csv_rows("sources")))
    schema = tables(descriptor)
    budgets = metadata["databases"][DB]["tables"]["budgets"]
    assert budgets["titles"] == schema["budgets"].titles
    assert budgets["column_titles"]["ru"]["total_budget"] == schema["budgets"].field("total_budget").titles["ru"]
    assert budgets["column_formats"]["total_budget"] == "number"
    assert "project_id" not in budgets["column_formats"]  # a key is never written as a number
    assert metadata["databases"][DB]["tables"]["events"]["column_formats"]["date"] == "date"
    assert budgets["column_languages"]["equivalent_kk"] == "kk"
    assert "Келесі бет" not in metadata["descriptions_html"]["kk"]
    assert "Where it comes from:" not in metadata["descriptions_html"]["kk"]


# Pages in each language


def test_table_pages_show_column_titles_and_mark_cells_with_their_language(get, descriptor, csv_rows):
    schema = tables(descriptor)
    text = get(f"/kk/{DB}/organizations").text
    assert f"<h1>{schema['organizations'].titles['kk']}</h1>" in text
    assert schema["organizations"].field("name_kk").titles["kk"] in text
    named = [row for row in csv_rows("organizations") if row["name_kk"]]
    assert named
    for row in named:
        assert re.search(rf'<td class="col-name_kk[^"]*" lang="kk">{re.escape(html.escape(row["name_kk"]))}</td>', text)
    ru = get(f"/ru/{DB}/organizations").text
    assert 'class="col-name_ru type-str" lang="ru"' in ru or 'class="col-name_ru type-none" lang="ru"' in ru


@pytest.mark.parametrize(("code", "separator"), [("en", ","), ("kk", "\xa0"), ("ru", "\xa0")])
def test_amounts_and_dates_are_written_for_the_language(get, csv_rows, code, separator):
    budget = max(csv_rows("budgets"), key=lambda row: int(row["total_budget"]))
    text = get(prefixed(code, f"/{DB}/budgets/{budget['project_id']}")).text
    written = format_decimal(int(budget["total_budget"]), locale=code)
    assert separator in written and written in html.unescape(text)
    event = csv_rows("events")[0]
    page = html.unescape(get(prefixed(code, f"/{DB}/events/{event['event_id']}")).text)
    assert format_date(dt.date.fromisoformat(event["date"]), format="long", locale=code) in page


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_home_database_and_error_pages_speak_the_language(get, code):
    _ = language.translator(code)
    home = get(f"/{code}/").text
    assert _("Where it comes from:") in home and _("All tables") in home
    assert _("Tables") in get(f"/{code}/{DB}").text
    missing = get(f"/{code}/{DB}/no_such_table")
    assert missing.status_code == 404
    assert html_lang(missing.text) == code
    assert _("Error {status}").format(status=404) in missing.text
    assert _("Table not found") in missing.text and _("Table not found") != "Table not found"
    assert f'href="/{code}/"' in missing.text  # a way home, in the language


def test_the_filter_menus_are_labelled_and_translated(get):
    text = get(f"/ru/{DB}/organizations").text
    for select in re.findall(r"<select\b[^>]*>", text):
        assert "aria-label=" in select, select
    assert ">содержит</option>" in text
