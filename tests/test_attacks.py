"""Attacks on the live site: `kz-rule-of-law serve` on a free loopback port, in a copy of the project.

The copy's database gets markup injected after its build (the facts refuse markup, so only a
tampered database can hold it), then the site is served from it. Every request goes to 127.0.0.1;
every loop is bounded in count and time.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from kz_rule_of_law.web.serve import inputs
from workspace import DATABASE, copy_tree

DB = "kz-rule-of-law"
pytestmark = pytest.mark.server
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
BREAKOUT = "'\"><svg onload=alert(1)>"  # the Kazakh name: closes an attribute, then opens a dialog
TARGET = "lprc"  # the organization whose English name becomes PAYLOAD
ENDLESS = "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c"
TIME_LIMIT_S = 1.0  # kz_rule_of_law.web.serve.SETTINGS["sql_time_limit_ms"]
# (format, parameter) pairs Datasette ignores, rightly: HTML has no shapes, CSV has no facets
UNUSED_PARAMETERS = {
    ("", "_shape"),
    (".csv", "_shape"),
    (".csv", "_facet"),
    (".csv", "_facet_date"),
    (".csv", "_facet_array"),
}
OFF_SITE = [
    "/\\example.com/",
    "//example.com",
    "/%5Cexample.com/",
    "/%2F%2Fexample.com",
    f"/{DB}/..%2F..%2Fexample.com",
    "//example.com/",
    "/\\/example.com/",
    "/%5C%5Cexample.com/",
    "/%2f%2fexample.com/",
    "/%09/example.com/",
    "/%5C/example.com/",
    f"/{DB}//example.com/",
    f"/{DB}/%2F%2Fexample.com/",
    f"/{DB}/organizations/%5Cexample.com/",
    f"/{DB}/organizations/?next=//example.com",
    "/-/static/..%2F..%2Fexample.com/",
]


def inject(database: Path) -> None:
    """Write PAYLOAD and BREAKOUT into the built database (and its search index), its mtime the newest."""
    with sqlite3.connect(database) as conn:
        changed = conn.execute(
            "UPDATE organizations SET name_en = ?, name_kk = ? WHERE organization_id = ?", (PAYLOAD, BREAKOUT, TARGET)
        ).rowcount
        conn.execute("INSERT INTO organizations_fts(organizations_fts) VALUES ('rebuild')")
    conn.close()
    assert changed == 1
    newest = max(p.stat().st_mtime for p in inputs(database.parent.parent) if p.is_file())
    stamp = max(time.time(), newest + 1)
    os.utime(database, (stamp, stamp))


def digest(path: Path) -> str:
    """SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(live_server, built_project: Path, tmp_path_factory: pytest.TempPathFactory):
    """(url, database path, serve's log) of `serve` running in a built copy of the project with PAYLOAD injected."""
    project = copy_tree(built_project, tmp_path_factory.mktemp("attacks") / "project")
    database = project / DATABASE
    inject(database)
    running = live_server(project)
    served = httpx.get(f"{running.url}/{DB}/organizations/{TARGET}.json?_shape=array", timeout=5).json()
    assert served[0]["name_en"] == PAYLOAD, "serve rebuilt the database: the injected row is gone"
    yield running.url, database, running.log
    assert running.process.poll() is None, f"the server died during the attacks:\n{running.log.read_text()[-5000:]}"
    running.stop()


@pytest.fixture(scope="module")
def url(site) -> str:
    """The site's address."""
    return site[0]


@pytest.fixture(scope="module")
def client():
    """An httpx client that never follows redirects."""
    with httpx.Client(timeout=httpx.Timeout(15), follow_redirects=False) as opened:
        yield opened


@pytest.fixture
def context(browser):
    """A browser context that only reaches 127.0.0.1: every other request is aborted and recorded."""
    opened = browser.new_context()
    opened.off_site = []

    def guard(route):
        if re.match(r"https?://127\.0\.0\.1(:\d+)?/", route.request.url):
            route.continue_()
        else:
            opened.off_site.append(route.request.url)
            route.abort()

    opened.route("**/*", guard)
    yield opened
    opened.close()


def assert_up(client: httpx.Client, url: str) -> None:
    """The server still answers its home page."""
    assert client.get(url + "/").status_code == 200


def is_on_site(location: str | None) -> bool:
    """Whether a Location header stays on this site: absent, or a path starting with one '/'."""
    if location is None:
        return True
    location = re.sub(r"[\t\n\r]", "", location)  # browsers drop these before resolving
    return location == "/" or re.match(r"/[^/\\]", location) is not None


# HTML in the data


@pytest.mark.parametrize(
    ("path", "shows_kazakh_name"),
    [
        (f"/{DB}/organizations", True),
        (f"/{DB}/organizations/{TARGET}", True),
        (f"/{DB}/organizations?_facet=name_en&_facet=name_kk", True),  # values in links and attributes too
        (f"/{DB}/project_organizations/coordinated-actions-rule-of-law,{TARGET},4", False),  # label (plugin)
        (f"/{DB}/sources", False),  # foreign key label (Datasette)
        (f"/{DB}/organizations_and_roles", True),  # canned query
        ("/-/search?q=onerror", True),  # search-all
    ],
)
@pytest.mark.browser
def test_html_in_the_data_is_shown_as_text_and_never_run(context, url, path, shows_kazakh_name):
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(url + path)
    assert response.status == 200
    page.get_by_text(PAYLOAD, exact=False).first.wait_for(state="visible", timeout=10000)  # search-all: fetched
    page.wait_for_timeout(200)
    if shows_kazakh_name:
        assert page.get_by_text(BREAKOUT, exact=False).first.is_visible()
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.evaluate("() => [...document.scripts].some(s => s.text.includes('__pwned'))") is False
    assert page.locator("img[src='x'], svg[onload]").count() == 0
    assert (dialogs, errors, context.off_site) == ([], [], [])


# Off-site redirects


@pytest.mark.parametrize("path", OFF_SITE)
def test_no_redirect_leaves_the_site(client, url, path):
    target = url + path
    for _ in range(5):  # follow on-site redirects, at most five
        response = client.get(target)
        assert response.request.url.raw_path == httpx.URL(target).raw_path  # sent as written
        assert response.status_code < 500, (path, response.status_code)
        location = response.headers.get("location")
        assert is_on_site(location), (path, response.status_code, location)
        if location is None:
            break
        target = url + location


@pytest.mark.parametrize("path", OFF_SITE[:5])
@pytest.mark.browser
def test_browser_stays_on_the_site(context, url, path):
    page = context.new_page()
    page.goto(url + path)
    assert page.url.startswith(url + "/"), page.url
    assert context.off_site == []


def test_the_off_site_check_itself():
    assert all(is_on_site(loc) for loc in (None, "/", f"/{DB}", f"/{DB}/~2F~2Fexample~2Ecom/", "/-/x?next=//a"))
    assert not any(
        is_on_site(loc)
        for loc in ("//example.com", "/\\example.com", "/\t/example.com", "https://example.com/", "example.com", "")
    )


# Pathological SQL


@pytest.mark.parametrize("path, address", [(f"/{DB}.json", "198.51.100.11"), (f"/{DB}", "198.51.100.12")])
def test_an_endless_query_is_cut_at_the_time_limit(client, url, path, address):
    started = time.monotonic()
    # a client as nginx forwards it: one that just ran a slow query waits as long for the next
    response = client.get(url + path, params={"sql": ENDLESS}, headers={"x-forwarded-for": address})
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert TIME_LIMIT_S * 0.9 < elapsed < TIME_LIMIT_S + 4
    text = response.json()["error"] if path.endswith(".json") else response.text
    assert "SQL query took too long" in text and "time limit" in text
    assert_up(client, url)


def test_other_requests_are_answered_quickly_during_slow_queries(client, url):
    finished: dict[str, float] = {}

    def slow(path: str, address: str) -> None:
        # two clients (as nginx forwards them): one client runs one query at a time
        with httpx.Client(timeout=15, headers={"x-forwarded-for": address}) as own:
            status = own.get(url + path, params={"sql": ENDLESS}).status_code
        finished[path] = time.monotonic() if status == 400 else float("nan")

    threads = [
        threading.Thread(target=slow, args=pair)
        for pair in ((f"/{DB}.json", "198.51.100.1"), (f"/{DB}", "198.51.100.2"))
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # both slow queries are running now
    answered = []
    stop = time.monotonic() + TIME_LIMIT_S * 0.6
    for path in [
        f"/{DB}/organizations.json",
        f"/{DB}/organizations",
        f"/{DB}/projects/breaking-the-vicious-cycle",
        f"/{DB}/project_organizations?_facet=iati_role",
        "/-/versions.json",
    ] * 4:
        if time.monotonic() > stop:
            break
        started = time.monotonic()
        response = client.get(url + path)
        answered.append((path, response.status_code, time.monotonic() - started, time.monotonic()))
    for thread in threads:
        thread.join(timeout=10)
    assert len(finished) == 2 and all(t == t for t in finished.values()), finished  # both cut with a 400
    during = [a for a in answered if a[3] < min(finished.values())]
    # pages are answered while both slow queries hold their SQL threads (speed is measured in benchmarks/)
    assert during and all(status == 200 for _, status, _, _ in during), answered


def test_one_client_runs_one_slow_query_at_a_time(url):
    results: list[httpx.Response] = []

    def slow() -> None:
        with httpx.Client(timeout=15, headers={"x-forwarded-for": "198.51.100.3"}) as own:
            results.append(own.get(f"{url}/{DB}.json", params={"sql": ENDLESS}))

    threads = [threading.Thread(target=slow) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert sorted(r.status_code for r in results) == [400, 429, 429]
    refused = next(r for r in results if r.status_code == 429)
    assert refused.headers["retry-after"] == "1" and "Too many SQL queries at once" in refused.json()["error"]


def test_a_url_repeating_a_facet_is_refused_or_run_once(client, url):
    repeated = client.get(f"{url}/{DB}/organizations.json?" + "&".join(["_facet=country"] * 900))
    assert repeated.status_code == 414  # the URL length cap comes first
    once = client.get(f"{url}/{DB}/organizations.json?" + "&".join(["_facet=country"] * 400))
    assert once.status_code == 200 and "country" in once.json()["facet_results"]
    assert "country_2" not in once.json()["facet_results"]
    distinct = client.get(f"{url}/{DB}/organizations.json?" + "&".join(f"_facet=x{n}" for n in range(40)))
    assert distinct.status_code == 400 and "Too many facets" in distinct.json()["error"]


@pytest.mark.parametrize(
    "sql",
    [
        "select printf('%.*c', 500000000, 'x') as v",
        "select format('%.*c%.*c%.*c', 500000000, 'x', 500000000, 'y', 500000000, 'z') as v",
        "select printf(cast('%.*c' as blob), 500000000, 'x') as v",
        "select printf('%.40000c', 'x') as v",
    ],
)
def test_printf_with_a_huge_repeat_count_answers_at_once(client, url, sql):
    # SQLite 3.40 loops once per unit of %c precision inside one step, past the time limit: 1.5 s for
    # each of these (6 s for 2**31), one call may hold thousands; over the length limit it gives NULL
    started = time.monotonic()
    response = client.get(f"{url}/{DB}.json", params={"sql": sql, "_shape": "array"})
    assert time.monotonic() - started < TIME_LIMIT_S
    assert (response.status_code, response.json()) == (200, [{"v": None}])


def test_printf_still_formats(client, url):
    sql = (
        "select printf('%s: %d, %.2f, %.3c|%-4s|', 'a', 12, 3.14159, 'x', 'y') as v, "
        "length(format('%.*c', 1000, 'z')) as n"
    )
    response = client.get(f"{url}/{DB}.json", params={"sql": sql, "_shape": "array"})
    assert response.json() == [{"v": "a: 12, 3.14, xxx|y   |", "n": 1000}]


@pytest.mark.parametrize(
    "sql",
    [
        "select zeroblob(10000000)",
        "select randomblob(10000000)",
        "select length(replace(hex(zeroblob(5000000)), '0', 'x'))",
        "with recursive c(x) as (select 1 union all select x+1 from c limit 100) select zeroblob(100000) from c",
        "with recursive c(s, n) as (select 'x', 0 union all select s || s, n + 1 from c where n < 20) "
        "select length(s) from c",
        "select group_concat(a.name_en, printf('%.1000c', ' ')) from organizations a, organizations b, organizations c",
    ],
)
def test_queries_cannot_build_huge_values(client, url, sql):
    # SQLite's default limit is 1 GB a value: one `select zeroblob(1000000000)` took the server to 12 GB
    # (these ask for 1 to 10 MB, so that a regression costs little)
    started = time.monotonic()
    response = client.get(f"{url}/{DB}.json", params={"sql": sql})
    assert time.monotonic() - started < TIME_LIMIT_S + 4
    assert response.status_code == 400
    assert "too big" in response.json()["error"]
    assert_up(client, url)


# Writes


def organization(client: httpx.Client, url: str) -> list[dict]:
    """The target organization as served, and the number of organizations."""
    rows = client.get(f"{url}/{DB}/organizations.json", params={"_shape": "array", "_size": "max"}).json()
    return [r for r in rows if r["organization_id"] == TARGET] + [{"count": len(rows)}]


@pytest.mark.parametrize(
    "sql",
    [
        "insert into organizations (organization_id, name_en, name_en_status, iati_type) values ('x', 'x', 'x', 10)",
        f"update organizations set name_en = 'x' where organization_id = '{TARGET}'",
        "delete from organizations",
        "drop table organizations",
        "attach database '{other}' as other",
        "pragma writable_schema = 1",
        "pragma writable_schema",
        "create table x (a)",
        "replace into organizations (organization_id) values ('x')",
        "vacuum",
        "with x as (select 1) delete from organizations",
        "select 1; delete from organizations",
        "select * from organizations; update organizations set name_en = 'x'",
    ],
)
def test_sql_cannot_write(client, url, site, sql):
    other = site[1].parent / "attached.db"
    before, before_digest = organization(client, url), digest(site[1])
    for path in (f"/{DB}.json", f"/{DB}"):
        response = client.get(url + path, params={"sql": sql.replace("{other}", str(other))})
        assert 400 <= response.status_code < 500, (sql, response.status_code)
    assert organization(client, url) == before
    assert before[0]["name_en"] == PAYLOAD
    assert digest(site[1]) == before_digest
    assert not other.exists()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", f"/{DB}/organizations", {"data": {"organization_id": "x", "name_en": "x"}}),
        ("POST", f"/{DB}/organizations/-/insert", {"json": {"row": {"organization_id": "x", "name_en": "x"}}}),
        ("POST", "/-/create", {"json": {"table": "x", "columns": [{"name": "a"}]}}),
        ("POST", f"/{DB}/-/create", {"json": {"table": "x", "columns": [{"name": "a"}]}}),
        ("POST", f"/{DB}", {"data": {"sql": "delete from organizations"}}),
        ("POST", f"/{DB}/eu_funding_per_project", {"data": {}}),
        ("POST", f"/{DB}/organizations/{TARGET}/-/update", {"json": {"update": {"name_en": "x"}}}),
        ("POST", f"/{DB}/organizations/{TARGET}/-/delete", {}),
        ("PUT", f"/{DB}/organizations/{TARGET}", {"json": {"name_en": "x"}}),
        ("PATCH", f"/{DB}/organizations/{TARGET}", {"json": {"name_en": "x"}}),
        ("DELETE", f"/{DB}/organizations/{TARGET}", {}),
        ("DELETE", f"/{DB}/organizations", {}),
        ("FOO", "/", {}),
    ],
)
def test_no_method_can_write(client, url, site, method, path, body):
    before, before_digest = organization(client, url), digest(site[1])
    response = client.request(method, url + path, **body)
    assert 400 <= response.status_code < 500, (method, path, response.status_code)
    assert organization(client, url) == before
    assert digest(site[1]) == before_digest


def test_reading_methods_still_work(client, url):
    assert client.get(f"{url}/{DB}/organizations").status_code == 200
    assert client.head(f"{url}/{DB}/organizations").status_code == 200
    assert client.options(f"{url}/{DB}/organizations").status_code < 500


# Long URLs, unknown things


@pytest.mark.parametrize(
    "path",
    [
        "/" + "a" * 20000,
        f"/{DB}/" + "a" * 20000,
        f"/{DB}/organizations/" + "a" * 20000,
        f"/{DB}/organizations?" + "a" * 20000,
        f"/{DB}/organizations?name_en=" + "a" * 20000,
        f"/{DB}.json?sql=select+'" + "a" * 20000 + "'",
        "/?" + "&".join(f"p{i}=1" for i in range(5000)),
    ],
)
def test_very_long_urls_are_refused(client, url, path):
    response = client.get(url + path)
    assert 400 <= response.status_code < 500
    assert_up(client, url)


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/nope.json",
        "/nope/nope",
        "/nope/nope/nope",
        f"/{DB}/nope",
        f"/{DB}/nope.json",
        f"/{DB}/organizations/nope",
        f"/{DB}/organizations/nope.json",
        f"/{DB}/project_organizations/coordinated-actions-rule-of-law,{TARGET}",  # too few key values
        f"/{DB}/project_organizations/a,b,c,d",
        f"/{DB}/organizations/{TARGET}/nope",
        "/a/b/c/d",
        "/a/b/c/d/e/f",
        "/-/nope",
        "/-/versions.xyz",
        "/package/nope.csv",
        "/-/static/nope.css",
        f"/{DB}/organizations/%00",
    ],
)
def test_unknown_databases_tables_and_rows_are_4xx(client, url, path):
    response = client.get(url + path, follow_redirects=True)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert_up(client, url)


def test_error_pages_are_cheap(client, url):
    # Datasette printed a rich traceback with every local for each error: ~0.2 s of blocked server
    started = time.monotonic()
    statuses = {client.get(f"{url}/nope-{i}").status_code for i in range(20)}
    assert statuses == {404}
    assert time.monotonic() - started < 2


# Bad parameters


@pytest.mark.parametrize(
    "path",
    [
        f"/{DB}.xyz",
        f"/{DB}/organizations.xyz",
        f"/{DB}/organizations.jsonx",
        f"/{DB}/organizations/{TARGET}.xyz",
        f"/{DB}/organizations/{TARGET}.json2",
        f"/{DB}/eu_funding_per_project.xyz",
        f"/{DB}/funding_per_project.html",
        f"/{DB}/organizations.db",
    ],
)
def test_unknown_formats_are_4xx(client, url, path):
    response = client.get(url + path)
    assert 400 <= response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/.json",
        f"/{DB}",
        f"/{DB}.json",
        f"/{DB}.db",
        f"/{DB}/organizations.json",
        f"/{DB}/organizations.csv",
        f"/{DB}/organizations/{TARGET}.json",
        f"/{DB}/organizations/{TARGET}",
        f"/{DB}/eu_funding_per_project.csv",
        f"/{DB}/funding_per_project.json",
        "/-/versions.json",
        "/-/static/app.css",
        "/package/data/budgets.csv",
        "/package/datapackage.json",
        "/package/data-dictionary.md",
        "/-/funding",
        "/-/search?q=lprc",
        f"/{DB}.csv?sql=select+1",
        f"/{DB}/organizations.json?_facet=country&_size=2&_sort=name_en",
    ],
)
def test_known_formats_and_routes_still_answer(client, url, path):
    assert client.get(url + path).status_code == 200, path


def test_jsono_still_redirects_to_json_objects(client, url):
    response = client.get(f"{url}/{DB}/organizations.jsono")
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"/{DB}/organizations.json?_shape=objects")


@pytest.mark.parametrize(
    "query",
    [
        "_size=999999999",
        "_size=-1",
        "_size=-5",
        "_size=abc",
        "_size=1e9",
        "_sort=nope",
        "_sort_desc=nope",
        "_sort=name_en&_sort_desc=name_kk",
        "_sort=rowid",
        "_facet=nope",
        "_facet_date=nope",
        "_facet_array=nope",
        "_col=nope",
        "_nocol=nope",
        "_shape=nope",
        "_where=1)",
        "_through=nope",
        "_through={}",
        "_through=[1]",
        "_through=1",
        '_through={"table":"nope","column":"x","value":1}',
        "_search_nope=x",
        "_searchmode=raw&_search=%22",
        "_next=a,b,c&_sort=name_en",
    ],
)
@pytest.mark.parametrize("extension", ["", ".json", ".csv"])
def test_bad_parameters_are_4xx(client, url, query, extension):
    response = client.get(f"{url}/{DB}/organizations{extension}?{query}")
    name = query.partition("=")[0]
    if (extension, name) in UNUSED_PARAMETERS:
        assert response.status_code == 200
    else:
        assert 400 <= response.status_code < 500, (query, extension, response.status_code)


# The response cache, CSV answers, downloads


def test_a_page_asked_for_another_host_is_not_what_others_get(client, url):
    path = f"{url}/{DB}/organizations.json?_size=2&_facet=country"
    poisoned = client.get(path, headers={"Host": "evil.example", "Cache-Control": "no-cache"})
    assert poisoned.json()["next_url"].startswith("http://evil.example/")
    for _ in range(2):
        answer = client.get(path)
        assert "evil.example" not in answer.text
        assert answer.json()["next_url"].startswith(url + "/")


def test_a_crafted_csv_link_downloads_no_formula(client, url):
    sql = (
        "select '=HYPERLINK(\"http://evil.example\",\"x\")' as a, '+cmd|'' /C calc''!A0' as b, '@SUM(1)' as c, -5 as d"
    )
    response = client.get(f"{url}/{DB}.csv", params={"sql": sql, "_dl": "1"})
    assert response.headers["content-disposition"] == f'attachment; filename="{DB}.csv"'
    assert (
        response.text.splitlines()[1]
        == '"\'=HYPERLINK(""http://evil.example"",""x"")",\'+cmd|\' /C calc\'!A0,\'@SUM(1),-5'
    )


def test_a_path_through_a_download_is_404_and_logs_no_traceback(client, url, site):
    log = site[2]
    before = log.stat().st_size
    for _ in range(3):
        response = client.get(f"{url}/package/data/budgets.csv/x")
        assert response.status_code == 404
        assert str(site[1].parent) not in response.text
    time.sleep(0.2)  # the access log is written after the answer
    with open(log, encoding="utf-8", errors="replace") as handle:
        handle.seek(before)
        logged = handle.read()
    assert "Traceback" not in logged and "Errno" not in logged
    assert len(logged) < 1000


def test_the_server_survived_and_the_database_is_untouched(client, url, site):
    assert_up(client, url)
    with sqlite3.connect(f"file:{site[1]}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT name_en FROM organizations WHERE organization_id = ?", (TARGET,)).fetchone() == (
            PAYLOAD,
        )
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
    conn.close()
