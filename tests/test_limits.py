"""Bounded work per request (web/plugin/limits.py): repeated facets run once, too many answer 400,
and arbitrary SQL is capped per client and in all, so that other readers keep their pages; through
Datasette's test client, and the caps themselves on a stand-in application."""

from __future__ import annotations

import asyncio
import json
import urllib.parse

import httpx
import pytest
from datasette.app import Datasette

from kz_rule_of_law.web.plugin import limits

DB = "kz-rule-of-law"
ENDLESS = "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c"
FACET_SQL = "as count from ("  # what every facet query of Datasette 0.65.5 holds


def client_for(app, address: str = "127.0.0.1", forwarded: str | None = None) -> httpx.AsyncClient:
    """A client of the ASGI `app` whose peer is `address`, sending `X-Forwarded-For: forwarded`."""
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://localhost",
        headers=headers,
        timeout=30,
    )


@pytest.fixture
def facet_queries(datasette: Datasette, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The facet queries the site runs from now on (in a list that grows)."""
    seen: list[str] = []
    execute = datasette.execute

    async def counting(database, sql, *args, **kwargs):
        if FACET_SQL in sql:
            seen.append(sql)
        return await execute(database, sql, *args, **kwargs)

    monkeypatch.setattr(datasette, "execute", counting)
    return seen


def get(datasette: Datasette, path: str, **headers: str) -> httpx.Response:
    """GET `path` from a new app of the site (its own response cache and SQL counts)."""

    async def fetch() -> httpx.Response:
        async with client_for(datasette.app()) as client:
            return await client.get(path, headers=headers)

    return asyncio.run(fetch())


def table_with_metadata_facets(datasette: Datasette) -> tuple[str, list[str]]:
    """A table of the site that has facets in its metadata and enough other columns to facet on, and those facets."""
    for table in asyncio.run(datasette.get_database(DB).table_names()):
        facets = datasette.metadata("facets", database=DB, table=table, fallback=False)
        if facets and len(set(columns(datasette, table)) - set(facets)) >= limits.EXTRA_FACETS:
            return table, facets
    pytest.fail("no table has metadata facets")


def columns(datasette: Datasette, table: str) -> list[str]:
    """The columns of `table`."""
    return asyncio.run(datasette.get_database(DB).table_columns(table))


# Facets


def test_a_repeated_facet_runs_once(datasette, facet_queries):
    table, metadata_facets = table_with_metadata_facets(datasette)
    column = next(c for c in columns(datasette, table) if c not in metadata_facets)
    path = f"/{DB}/{table}.json?"
    repeats = (8000 - len(path)) // len(f"_facet={column}&")  # as many as the URL length cap lets in
    assert repeats > 100
    answer = get(datasette, path + "&".join([f"_facet={column}"] * repeats))
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["facet_results"]) == sorted({*metadata_facets, column})
    assert len(facet_queries) == len(metadata_facets) + 1


def test_the_same_facet_as_a_json_config_is_a_repeat(datasette, facet_queries):
    table, metadata_facets = table_with_metadata_facets(datasette)
    column = next(c for c in columns(datasette, table) if c not in metadata_facets)
    query = urllib.parse.urlencode(
        [("_facet", column), ("_facet", json.dumps({"simple": column})), ("_facet", json.dumps({"column": column}))]
    )
    answer = get(datasette, f"/{DB}/{table}.json?{query}")
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["facet_results"]) == sorted({*metadata_facets, column})


def test_a_metadata_facet_asked_again_runs_once(datasette, facet_queries):
    table, metadata_facets = table_with_metadata_facets(datasette)
    answer = get(datasette, f"/{DB}/{table}.json?" + "&".join(f"_facet={c}" for c in metadata_facets))
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["facet_results"]) == sorted(metadata_facets)
    assert len(facet_queries) == len(metadata_facets)


def test_too_many_distinct_facets_answer_400_and_run_no_facet_query(datasette, facet_queries):
    table, _ = table_with_metadata_facets(datasette)
    names = [f"synthetic_column_{n}" for n in range(limits.EXTRA_FACETS + 1)]
    for path in (f"/{DB}/{table}.json", f"/{DB}/{table}"):
        answer = get(datasette, path + "?" + "&".join(f"_facet={name}" for name in names))
        assert answer.status_code == 400
        message = answer.json()["error"] if path.endswith(".json") else answer.text
        assert f"Too many facets: {limits.EXTRA_FACETS + 1} distinct" in message
        assert f"at most {limits.EXTRA_FACETS}" in message
    assert facet_queries == []


def test_the_facet_cap_counts_every_facet_type(datasette, facet_queries):
    table, _ = table_with_metadata_facets(datasette)
    kinds = ["_facet", "_facet_array", "_facet_date"]
    parts = [f"{kinds[n % 3]}=synthetic_column_{n}" for n in range(limits.EXTRA_FACETS + 1)]
    assert get(datasette, f"/{DB}/{table}.json?" + "&".join(parts)).status_code == 400
    assert facet_queries == []


def test_the_cap_is_beside_the_table_s_metadata_facets(datasette, facet_queries):
    table, metadata_facets = table_with_metadata_facets(datasette)
    others = [c for c in columns(datasette, table) if c not in metadata_facets][: limits.EXTRA_FACETS]
    assert len(others) == limits.EXTRA_FACETS
    answer = get(datasette, f"/{DB}/{table}.json?" + "&".join(f"_facet={c}" for c in [*metadata_facets, *others]))
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["facet_results"]) == sorted([*metadata_facets, *others])
    assert len(facet_queries) == len(metadata_facets) + limits.EXTRA_FACETS


@pytest.mark.parametrize(
    "query, error",
    [
        ("_facet=%7Bbroken", "Invalid _facet configuration"),
        ('_facet_array={"size": 3}', "Invalid _facet_array configuration"),
        ("_facet=name_en&_facetx=name_kk", "Unknown facet parameter '_facetx'"),
    ],
)
def test_unreadable_facet_parameters_answer_400(datasette, query, error):
    answer = get(datasette, f"/{DB}/organizations.json?{query}")
    assert answer.status_code == 400
    assert error in answer.json()["error"]


def test_facet_options_and_unknown_facet_types_are_not_counted():
    query = b"_facet_size=max&_facet_nope=a&_facet=a&_facet=b&_facet=a&name=x"
    assert limits.new_facets(query) == (b"_facet_size=max&_facet_nope=a&_facet=a&_facet=b&name=x", 2)


def test_metadata_facets_of_every_form_are_known():
    configs = ["a", {"array": "b"}, {"date": {"simple": "c"}}, {"column": {"column": "d"}}]
    metadata = frozenset(limits.metadata_facet(c) for c in configs)
    assert metadata == {("column", "a"), ("array", "b"), ("date", "c"), ("column", "d")}
    query = b"_facet=a&_facet_array=b&_facet_date=c&_facet=%7B%22column%22%3A%22d%22%7D&_facet_array=a"
    assert limits.new_facets(query, metadata) == (b"_facet_array=a", 1)


# Arbitrary SQL: the caps on a stand-in application


class Held:
    """An ASGI application that answers 200 once `release` is set, counting requests started."""

    def __init__(self) -> None:
        """No request started yet."""
        self.release = asyncio.Event()
        self.started = 0

    async def __call__(self, scope, receive, send):
        """Wait for `release`, then answer 200."""
        self.started += 1
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def sql_scope(
    address: str, path: str = f"/{DB}.json", query: bytes = b"sql=select+1", forwarded: bytes | None = None
) -> dict:
    """The ASGI scope of a GET from `address`."""
    headers = [(b"x-forwarded-for", forwarded)] if forwarded else []
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": headers,
        "client": (address, 40000),
    }


async def status_of(app, scope: dict) -> tuple[int, dict[bytes, bytes]]:
    """Status and headers `app` answers `scope` with."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], {k.lower(): v for k, v in sent[0]["headers"]}


def run_held(caps: limits.SqlLimits, datasette, scopes: list[dict]) -> tuple[list[int], int, dict]:
    """Send `scopes` at once through `caps` to a held app: the statuses, how many reached it, and
    the headers of the first refusal."""

    async def main():
        held = Held()
        app = caps.wrap(datasette, held)
        tasks = [asyncio.create_task(status_of(app, scope)) for scope in scopes]
        await asyncio.sleep(0.05)  # every request has reached the app or been refused
        started = held.started
        held.release.set()
        answers = await asyncio.gather(*tasks)
        return answers, started

    answers, started = asyncio.run(main())
    refused = next((headers for status, headers in answers if status == 429), {})
    return [status for status, _ in answers], started, refused


def test_one_client_runs_one_query_at_a_time(datasette):
    caps = limits.SqlLimits(per_client=1, total=2, retry_after_s=1)
    statuses, started, refused = run_held(caps, datasette, [sql_scope("192.0.2.1")] * 3)
    assert sorted(statuses) == [200, 429, 429] and started == 1
    assert refused[b"retry-after"] == b"1"
    assert caps.running == {}


def test_all_clients_leave_one_sql_thread_free(datasette):
    caps = limits.SqlLimits.for_site(datasette)
    assert caps.total == datasette.setting("num_sql_threads") - 1 and caps.per_client == limits.SQL_PER_CLIENT
    clients = [f"192.0.2.{n}" for n in range(1, caps.total + 2)]
    statuses, started, _ = run_held(caps, datasette, [sql_scope(c) for c in clients])
    assert statuses == [200] * caps.total + [429] and started == caps.total


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        """At 100 s."""
        self.now = 100.0

    def __call__(self) -> float:
        """The time now."""
        return self.now


def test_a_client_rests_as_long_as_its_last_query_ran():
    clock = Clock()
    caps = limits.SqlLimits(per_client=1, total=2, retry_after_s=1, clock=clock)
    assert caps.acquire("192.0.2.1") is None
    clock.now += 2.5
    caps.release("192.0.2.1", 100.0)
    message, wait = caps.acquire("192.0.2.1")
    assert wait == 3 and "wait as long before the next one" in message
    assert caps.acquire("192.0.2.2") is None  # another client is not kept waiting
    clock.now += 2.4
    assert caps.acquire("192.0.2.1") is not None
    clock.now += 0.2
    assert caps.acquire("192.0.2.1") is None


def test_a_quick_query_needs_no_rest():
    clock = Clock()
    caps = limits.SqlLimits(per_client=1, total=2, retry_after_s=1, clock=clock)
    assert caps.acquire("192.0.2.1") is None
    clock.now += 0.4
    caps.release("192.0.2.1", 100.0)
    assert caps.acquire("192.0.2.1") is None and caps.resting == {}


def test_clients_whose_wait_is_over_are_forgotten():
    clock = Clock()
    caps = limits.SqlLimits(per_client=1, total=2, retry_after_s=1, clock=clock)
    for n in range(limits.MAX_RESTING + 10):
        client = f"client-{n}"
        assert caps.acquire(client) is None
        clock.now += 0.5
        caps.release(client, clock.now - 0.5)
    assert len(caps.resting) <= limits.MAX_RESTING


def test_table_and_row_pages_are_never_limited(datasette):
    caps = limits.SqlLimits(per_client=1, total=1, retry_after_s=1)
    scopes = [
        sql_scope("192.0.2.1"),
        sql_scope("192.0.2.1", f"/{DB}/organizations.json", b"_size=1"),
        sql_scope("192.0.2.1", f"/{DB}/organizations/lprc", b""),
        sql_scope("192.0.2.1", f"/{DB}", b"sql="),
    ]
    statuses, started, _ = run_held(caps, datasette, scopes)
    assert statuses == [200, 200, 200, 200] and started == 4


def test_where_on_a_table_is_arbitrary_sql(datasette):
    caps = limits.SqlLimits(per_client=1, total=2, retry_after_s=1)
    where = sql_scope("192.0.2.1", f"/{DB}/organizations.csv", b"_where=1%3D1")
    statuses, _, _ = run_held(caps, datasette, [where, where])
    assert sorted(statuses) == [200, 429]


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(datasette):
    caps = limits.SqlLimits(per_client=1, total=9, retry_after_s=1)
    behind_proxy = [sql_scope("127.0.0.1", forwarded=f"198.51.100.{n}".encode()) for n in (1, 2)]
    statuses, _, _ = run_held(caps, datasette, behind_proxy)
    assert statuses == [200, 200]
    spoofed = [sql_scope("203.0.113.9", forwarded=f"198.51.100.{n}".encode()) for n in (1, 2)]
    statuses, _, _ = run_held(caps, datasette, spoofed)
    assert sorted(statuses) == [200, 429]


def test_a_configured_proxy_is_trusted(datasette, monkeypatch):
    monkeypatch.setenv(limits.TRUSTED_PROXIES, "10.0.0.5, 10.0.0.6")
    caps = limits.SqlLimits.for_site(datasette)
    assert (
        limits.client_address(sql_scope("10.0.0.6", forwarded=b"198.51.100.7, 198.51.100.8"), caps.trusted)
        == "198.51.100.8"
    )
    assert limits.client_address(sql_scope("10.0.0.7", forwarded=b"198.51.100.7"), caps.trusted) == "10.0.0.7"


# Arbitrary SQL: the site itself


def test_heavy_sql_of_one_client_leaves_another_client_s_table_page_answered(datasette):
    """A client running a query to the time limit gets 429 for more at once; another client's
    pages and query still answer while it runs."""
    app = datasette.app()
    heavy = f"/{DB}.json?" + urllib.parse.urlencode({"sql": ENDLESS})

    async def main():
        async with (
            client_for(app, forwarded="198.51.100.1") as greedy,
            client_for(app, forwarded="198.51.100.2") as other,
        ):
            first = asyncio.create_task(greedy.get(heavy))
            await asyncio.sleep(0.2)  # the first query runs (up to the 1 s limit)
            more = await asyncio.gather(*(greedy.get(heavy) for _ in range(3)))
            page = await other.get(f"/{DB}/organizations.json?_size=5")
            query = await other.get(f"/{DB}.json?sql=select+1+as+one")
            done = await first
            return done, more, page, query, await greedy.get(heavy)

    first, more, page, query, after = asyncio.run(main())
    assert first.status_code == 400 and "SQL query took too long" in first.json()["error"]
    assert [m.status_code for m in more] == [429] * 3
    assert more[0].headers["retry-after"] == "1"
    assert "Too many SQL queries at once" in more[0].json()["error"]
    assert page.status_code == 200 and len(page.json()["rows"]) == 5
    assert query.status_code == 200 and query.json()["rows"] == [[1]]
    assert after.status_code == 429 and "wait as long" in after.json()["error"]  # it ran for a second


def test_a_cached_query_is_never_limited(datasette):
    app = datasette.app()
    cheap = f"/{DB}.json?sql=select+2+as+two"
    heavy = f"/{DB}.json?" + urllib.parse.urlencode({"sql": ENDLESS})

    async def main():
        async with client_for(app, forwarded="198.51.100.3") as client:
            assert (await client.get(cheap)).status_code == 200  # now cached
            running = asyncio.create_task(client.get(heavy))
            await asyncio.sleep(0.2)
            again = await client.get(cheap)
            await running
            return again

    again = asyncio.run(main())
    assert again.status_code == 200 and again.headers["x-kz-cache"] == "hit"
