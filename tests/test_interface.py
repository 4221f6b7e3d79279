"""The interface in Kazakh, Russian and English: each page at its own URL (/kk/, /ru/, English
unprefixed), links that keep the language, a language switch, `<html lang>`, the catalogs."""

from __future__ import annotations

import re

import pytest

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
