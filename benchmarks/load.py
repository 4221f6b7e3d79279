"""Load benchmark of the site: our `serve` against Datasette with its default settings, same database.

    python -m benchmarks.load                          # 32 clients for 30 s on each server
    python -m benchmarks.load --clients 8 --seconds 10
    python -m benchmarks.load --root .                 # serve this project in place (builds if stale)
    python -m benchmarks.load --only ours --exclude home --exclude database --setting num_sql_threads 6
    python -m benchmarks.load --service-times          # no servers: each URL alone, in process

Without --root the committed package is copied into a temporary folder and built there, so the
project's own build/ is never touched. Two servers are started, each on a free 127.0.0.1 port:

    ours     `python -m kz_rule_of_law serve` (immutable database, inspect file, metadata, plugins,
             the settings of kz_rule_of_law.web.serve.SETTINGS)
    default  `python -m datasette serve <the same .db> -p PORT -h 127.0.0.1`, nothing else

This process then drives each in turn (never both at once) with --clients concurrent clients
(one keep-alive HTTP/1.1 connection each, a minimal client: see Connection) on one asyncio loop for
--seconds, after a warm-up that checks every URL of the mix answers 200.
Each client walks the mix from its own starting point: home and database pages, table, row and
facet pages, canned queries (on the default server, which has no metadata, the same SQL as ?sql=),
table and canned search, CSV and JSON. Every request is bounded (timeout, deadline, a cap on the
count). It prints requests per second, p50/p95/p99 latency and errors (status >= 400 or a failed
request) for each server, the ratio ours/default, and writes them with the machine to
benchmarks/RESULTS-load.md (text below the NOTES marker of an existing file is kept). Runs with
--only, --exclude or --setting are printed, never written.

--setting NAME VALUE runs our server as `serve` does but with that Datasette setting changed.
--no-cache runs our server with its response cache off (KZ_SITE_CACHE=off): every request is real
work, as on a page's first request. --mix scale replaces the mix by the pages of the scale targets,
chosen from the database at hand (any size, e.g. the 20,000-source corpus of benchmarks.generate):
every canned query, a row page of the largest tables, and their table pages with the facets of
metadata.yml (on the default server, which has no metadata, the same facets as ?_facet=). --per-url N
requests each URL of the mix N times on its own (the clients in parallel) instead of the mixed run,
and prints p50/p95 per URL. --readiness N starts `serve` N times (the database, inspect file and
downloads already prepared) and times each start to the first 200 on `/`. Runs other than the
default mix are printed, never written:

    python -m benchmarks.load --root /tmp/scale20k --mix scale --per-url 40 --clients 1 --no-cache
    python -m benchmarks.load --root /tmp/scale20k --readiness 5 --only ours
--service-times measures, without servers or load, what each URL of the mix costs alone: the mean
time of 20 requests through Datasette's in-process client, and how many SQL round trips (thread-pool
hops) each makes, for our configuration and the default one.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from benchmarks.machine import cpu_and_memory, version

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS-load.md"
NOTES = "<!-- NOTES: text below this line is kept when the benchmark rewrites this file -->"
DB = "kz-rule-of-law"
COPIED = ("datapackage.json", "data", "archive", "facts", "metadata.yml", "docs")
MAX_REQUESTS_PER_CLIENT = 200_000
REQUEST_TIMEOUT_S = 10.0
START_TIMEOUT_S = 120.0
TARGET_P95_MS = 100.0

# (kind, path on our site); canned queries are ("canned", name, params, format)
MIX: list[tuple[str, Any]] = [
    ("home", "/"),
    ("database", f"/{DB}"),
    ("table", f"/{DB}/organizations"),
    ("table", f"/{DB}/projects"),
    ("table", f"/{DB}/quotes"),
    ("table", f"/{DB}/project_organizations"),
    ("row", f"/{DB}/organizations/lprc"),
    ("row", f"/{DB}/projects/breaking-the-vicious-cycle"),
    ("row", f"/{DB}/project_organizations/coordinated-actions-rule-of-law,lprc,4"),
    ("facet", f"/{DB}/project_organizations?_facet=iati_role"),
    ("facet", f"/{DB}/organizations?_facet=country&_facet=legal_form"),
    ("canned", ("eu_funding_per_project", {}, "")),
    ("canned", ("organizations_and_roles", {}, "")),
    ("canned", ("forum_at_a_glance", {}, "")),
    ("canned", ("who_said_what", {}, "")),
    ("canned", ("facts_with_sources", {"table": "budgets"}, "")),
    ("search", ("search", {"q": "азаптау"}, "")),
    ("search", f"/{DB}/organizations?_search=" + urllib.parse.quote("Құқықтық")),
    ("search", f"/{DB}/projects?_search=torture"),
    ("csv", f"/{DB}/organizations.csv"),
    ("csv", f"/{DB}/quotes.csv"),
    ("csv", ("eu_funding_per_project", {}, ".csv")),
    ("json", f"/{DB}/organizations.json"),
    ("json", f"/{DB}/quotes.json?_shape=array"),
    ("json", f"/{DB}/organizations/lprc.json"),
    ("json", ("eu_funding_per_project", {}, ".json")),
]


@dataclass
class Server:
    """A running server: its name, address and process."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path
    command: list[str]
    plugins: str = ""


@dataclass
class Result:
    """What one run against one server measured."""

    name: str
    seconds: float
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    by_path: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, collections.Counter] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def requests(self) -> int:
        """Requests completed (answered or failed) within the run."""
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float, values: list[float] | None = None) -> float:
        """The q-th percentile (nearest rank) of the latencies, in ms."""
        ordered = sorted(self.latencies_ms if values is None else values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


# ---------------------------------------------------------------------------------------------------
# The site's URLs


def load_metadata(root: Path) -> dict[str, Any]:
    """metadata.yml (10 MB for 20,000 sources: the C loader when there is one)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((root / "metadata.yml").read_text(encoding="utf-8"), Loader=loader)


def canned_queries(root: Path) -> dict[str, str]:
    """The SQL of each canned query of metadata.yml."""
    metadata = load_metadata(root)
    return {name: query["sql"] for name, query in metadata["databases"][DB]["queries"].items()}


# The scale mix: the tables whose row and table pages are measured, and parameters of canned queries
SCALE_TABLES = ("quotes", "organizations", "project_organizations")
SCALE_PARAMETERS: dict[str, list[dict[str, str]]] = {
    "facts_with_sources": [{"table": "budgets"}, {"table": ""}],
    "search": [{"q": "азаптау"}],
}


def scale_mix(root: Path) -> list[tuple[str, Any]]:
    """The pages of the scale targets, from the database under `root`: every canned query (each set of
    SCALE_PARAMETERS), the middle row of each of SCALE_TABLES, and their table pages."""
    from datasette.utils import tilde_encode

    metadata = load_metadata(root)["databases"][DB]
    mix: list[tuple[str, Any]] = []
    for name in metadata.get("queries", {}):
        for params in SCALE_PARAMETERS.get(name, [{}]):
            mix.append(("canned", (name, params, "")))
    conn = sqlite3.connect(f"file:{root / 'build' / f'{DB}.db'}?mode=ro", uri=True)
    try:
        for table in SCALE_TABLES:
            info = sorted(conn.execute(f"PRAGMA table_info([{table}])"), key=lambda column: column[5])
            keys = [column[1] for column in info if column[5]]  # the primary key, in order
            count = conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
            select = ", ".join(f"[{c}]" for c in keys) if keys else "rowid"
            row = conn.execute(f"SELECT {select} FROM [{table}] LIMIT 1 OFFSET ?", [count // 2]).fetchone()
            mix.append(("row", f"/{DB}/{table}/" + ",".join(tilde_encode(str(v)) for v in row)))
    finally:
        conn.close()
    for table in SCALE_TABLES:
        facets = metadata.get("tables", {}).get(table, {}).get("facets", [])
        mix.append(("table", (f"/{DB}/{table}", facets)))
    return mix


def urls(
    root: Path, server: str, exclude: tuple[str, ...] = (), mix: list[tuple[str, Any]] | None = None
) -> list[tuple[str, str]]:
    """The mix as (kind, path) for `server` ("ours", or "default": canned queries as ?sql=, the
    configured facets of a table page as ?_facet=)."""
    queries = canned_queries(root)
    paths = []
    for kind, item in MIX if mix is None else mix:
        if kind in exclude:
            continue
        if isinstance(item, str):
            paths.append((kind, item))
            continue
        if len(item) == 2:  # a table page and its configured facets
            path, facets = item
            query = urllib.parse.urlencode([("_facet", f) for f in facets])
            paths.append((kind, path if server == "ours" or not query else f"{path}?{query}"))
            continue
        name, params, extension = item
        if server == "ours":
            query = urllib.parse.urlencode(params)
            paths.append((kind, f"/{DB}/{name}{extension}" + (f"?{query}" if query else "")))
        else:
            paths.append((kind, f"/{DB}{extension}?" + urllib.parse.urlencode({"sql": queries[name], **params})))
    return paths


# ---------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_project(target: Path) -> Path:
    """The committed package copied into `target` (the plugin and templates come with the installed code)."""
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def start(name: str, command: list[str], port: int, cwd: Path, logs: Path, env: dict[str, str] | None = None) -> Server:
    """Start a server listening on 127.0.0.1:`port` and wait until it answers /-/versions.json."""
    log = logs / f"{name}.log"
    with open(log, "w") as handle:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO / "scripts"), **(env or {})},
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log, command)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} server exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(server.url + "/-/versions.json", timeout=2).status_code == 200:
                plugins = httpx.get(server.url + "/-/plugins.json", timeout=5).json()
                server.plugins = ", ".join(f"{p['name']} {p['version'] or ''}".strip() for p in plugins)
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"{name} server did not answer within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")


def stop(server: Server) -> None:
    """Stop a server with SIGTERM (SIGKILL after 10 s)."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


# ---------------------------------------------------------------------------------------------------
# Load


async def warm_up(url: str, paths: list[tuple[str, str]], strict: bool = True) -> None:
    """Request every URL of the mix twice; stop if one does not answer 200 (unless not `strict`:
    then say so and go on, the run counts it as an error)."""
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S) as client:
        for _ in range(2):
            for _, path in paths:
                response = await client.get(url + path)
                if response.status_code != 200:
                    message = f"{url}{path} answered {response.status_code}: {response.text[:300]}"
                    if strict:
                        raise SystemExit(message)
                    print(f"warning: {urllib.parse.unquote(message[:400])}", flush=True)


class Connection:
    """One keep-alive HTTP/1.1 connection with a minimal client: cheaper per request than httpx,
    so that the driver, which shares the machine with the server, measures the server."""

    def __init__(self, url: str) -> None:
        """A connection to the host and port of `url` (opened on first use)."""
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """GET `path`, read the whole body, return the status; reconnect when the server closed."""
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode("latin-1"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        """Close the connection."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def drive(
    name: str,
    url: str,
    paths: list[tuple[str, str]],
    clients: int,
    seconds: float,
    requests: int = 0,
    result: Result | None = None,
) -> Result:
    """`clients` concurrent clients, one keep-alive connection each, requesting the mix in turn, for
    `seconds` or, when `requests` is given, until that many have been sent (into `result` if given)."""
    result = result or Result(name, seconds, clients, load_before=os.getloadavg())
    started = time.perf_counter()
    deadline = started + seconds
    budget = [requests or MAX_REQUESTS_PER_CLIENT * clients]

    async def one(index: int) -> None:
        connection = Connection(url)
        position = index * 7 % len(paths)
        try:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                if time.perf_counter() >= deadline or budget[0] <= 0:
                    return
                budget[0] -= 1
                kind, path = paths[position]
                position = (position + 1) % len(paths)
                sent = time.perf_counter()
                try:
                    status = await asyncio.wait_for(connection.get(path), REQUEST_TIMEOUT_S)
                    failed, detail = status >= 400, f"{status} {path}"
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
                    connection.close()
                    failed, detail = True, f"{type(e).__name__} {path}"
                elapsed = (time.perf_counter() - sent) * 1000
                result.latencies_ms.append(elapsed)
                result.by_kind.setdefault(kind, []).append(elapsed)
                result.by_path.setdefault(path, []).append(elapsed)
                result.statuses.setdefault(path, collections.Counter())[detail.split(" ", 1)[0]] += 1
                if failed:
                    result.errors += 1
                    if len(result.error_samples) < 10:
                        result.error_samples.append(detail)
        finally:
            connection.close()

    await asyncio.gather(*(one(i) for i in range(clients)))
    result.seconds = time.perf_counter() - started
    result.load_after = os.getloadavg()
    return result


async def drive_each(
    name: str, url: str, paths: list[tuple[str, str]], clients: int, count: int, seconds: float
) -> Result:
    """Each URL on its own: `count` requests by `clients` concurrent clients (at most `seconds` each)."""
    result = Result(name, 0.0, clients, load_before=os.getloadavg())
    started = time.perf_counter()
    for kind, path in paths:
        await drive(name, url, [(kind, path)], clients, seconds, requests=count, result=result)
    result.seconds = time.perf_counter() - started
    result.load_after = os.getloadavg()
    return result


def readiness(root: Path, times: int) -> list[float]:
    """Seconds from starting `serve` to its first 200 on `/`, `times` times (prepared once before)."""
    from kz_rule_of_law.web.serve import prepare

    prepare(root)
    results = []
    for _ in range(times):
        port = free_port()
        load = os.getloadavg()[0]
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "kz_rule_of_law", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
        )
        try:
            while time.perf_counter() - started < START_TIMEOUT_S:
                if process.poll() is not None:
                    raise SystemExit(f"serve exited {process.returncode}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/", timeout=START_TIMEOUT_S).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.02)
            elapsed = time.perf_counter() - started
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        results.append(elapsed)
        print(f"ready in {elapsed:.2f} s (load average {load:.2f})", flush=True)
    return results


def service_times(root: Path) -> None:
    """Print each URL's cost alone (in process, no server): ms per request and SQL round trips."""
    from datasette import database as datasette_database
    from datasette.app import Datasette

    from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR, prepare

    site = prepare(root)
    hops = collections.Counter()
    original = datasette_database.Database.execute_fn

    async def counted(self, fn):
        hops[self.name] += 1
        return await original(self, fn)

    datasette_database.Database.execute_fn = counted
    configurations = {
        "ours": Datasette(
            immutables=[str(site.database)],
            inspect_data=None,
            metadata=yaml.safe_load(site.metadata.read_text(encoding="utf-8")),
            settings=SETTINGS,
            template_dir=str(root / TEMPLATE_DIR),
        ),
        "default": Datasette([str(site.database)]),
    }
    rows = {}
    for name, datasette in configurations.items():
        for kind, path in urls(root, name):

            async def measure(datasette: Datasette = datasette, path: str = path) -> tuple[float, int, int]:
                for _ in range(3):
                    await datasette.client.get(path)
                hops.clear()
                started = time.perf_counter()
                for _ in range(20):
                    response = await datasette.client.get(path)
                return (time.perf_counter() - started) / 20 * 1000, sum(hops.values()) // 20, response.status_code

            rows[(name, kind, path)] = asyncio.run(measure())
    print("| kind | URL (ours) | ours ms | ours SQL hops | default ms | default SQL hops |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    ours, default = urls(root, "ours"), urls(root, "default")
    for (kind, path), (_, other) in zip(ours, default):
        a, b = rows[("ours", kind, path)], rows[("default", kind, other)]
        print(
            f"| {kind} | `{path[:70]}` | {a[0]:.1f} | {a[1]} | {b[0]:.1f} | {b[1]} |"
            + ("" if a[2] == b[2] == 200 else f" status {a[2]}/{b[2]}")
        )


# ---------------------------------------------------------------------------------------------------
# Report


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu, memory = cpu_and_memory()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "datasette": version("datasette"),
        "uvicorn": version("uvicorn"),
        "httpx (warm-up, server checks)": version("httpx"),
        "sqlite": sqlite3.sqlite_version,
    }


def table(results: list[Result]) -> list[str]:
    """The summary table as Markdown lines."""
    lines = [
        "| server | clients | seconds | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.clients} | {r.seconds:.1f} | {r.requests} | {r.rps:.1f} | "
            f"{r.percentile(50):.1f} | {r.percentile(95):.1f} | {r.percentile(99):.1f} | "
            f"{max(r.latencies_ms, default=float('nan')):.1f} | {r.errors} |"
        )
    return lines


def kinds_table(results: list[Result]) -> list[str]:
    """p50/p95 per kind of page, per server, as Markdown lines."""
    kinds = [kind for kind in dict.fromkeys(kind for kind, _ in MIX) if any(kind in r.by_kind for r in results)]
    head = "| page kind | " + " | ".join(f"{r.name} p50 | {r.name} p95" for r in results) + " |"
    lines = [head, "| --- |" + " ---: | ---: |" * len(results)]
    for kind in kinds:
        cells = []
        for r in results:
            values = r.by_kind.get(kind, [])
            cells += [f"{r.percentile(50, values):.1f}", f"{r.percentile(95, values):.1f}"]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def paths_table(results: list[Result], paths: dict[str, list[tuple[str, str]]]) -> list[str]:
    """p50/p95 per URL (as on our site), per server, with the ratio of the p95s, as Markdown lines."""
    names = [r.name for r in results]
    head = "| kind | URL | " + " | ".join(f"{n} p50 | {n} p95" for n in names) + " |"
    ratio = len(results) == 2
    lines = [
        head + (f" {names[0]}/{names[1]} p95 |" if ratio else ""),
        "| --- | --- |" + " ---: | ---: |" * len(results) + (" ---: |" if ratio else ""),
    ]
    first = paths[names[0]]
    for index, (kind, path) in enumerate(first):
        cells, p95s = [], []
        for r in results:
            other = paths[r.name][index][1]
            values = r.by_path.get(other, [])
            statuses = {k: v for k, v in r.statuses.get(other, {}).items() if k != "200"}
            p95s.append(r.percentile(95, values))
            cells += [
                f"{r.percentile(50, values):.1f}",
                f"{p95s[-1]:.1f}" + (f" ({', '.join(f'{v}x {k}' for k, v in statuses.items())})" if statuses else ""),
            ]
        shown = urllib.parse.unquote(path if len(path) < 90 else path[:87] + "...")
        lines.append(
            f"| {kind} | `{shown}` | "
            + " | ".join(cells)
            + " |"
            + (f" {p95s[0] / p95s[1]:.3g} |" if ratio and p95s[1] else "")
        )
    return lines


def report(results: list[Result], servers: list[Server], paths: dict[str, list]) -> str:
    """RESULTS-load.md without its notes."""
    info = machine()
    by_name = {r.name: r for r in results}
    lines = [
        "# Load benchmark: the site against Datasette's defaults",
        "",
        "Written by `python -m benchmarks.load` (" + " ".join(sys.argv[1:] or ["default options"]) + "). "
        "Each server runs alone on 127.0.0.1 while one asyncio process drives it (a keep-alive connection per client); "
        f"target: no errors and p95 under {TARGET_P95_MS:.0f} ms.",
        "",
        *table(results),
        "",
    ]
    if "ours" in by_name and "default" in by_name and by_name["default"].rps:
        lines += [f"Throughput ours/default: **{by_name['ours'].rps / by_name['default'].rps:.2f}**", ""]
    for r in results:
        verdict = "met" if r.errors == 0 and r.percentile(95) < TARGET_P95_MS else "missed"
        lines.append(
            f"- {r.name}: target {verdict}; load average before {r.load_before[0]:.2f}, "
            f"after {r.load_after[0]:.2f}"
            + (f"; first errors: {', '.join(r.error_samples)}" if r.error_samples else "")
        )
    lines += ["", "Latency by kind of page (ms):", "", *kinds_table(results), "", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += ["", "## Servers", ""]
    for server in servers:
        shown = [Path(part).name if part.startswith("/") else part for part in server.command]
        lines.append(f"- {server.name}: `{' '.join(shown)}`; plugins: {server.plugins or 'none'}")
    lines += [
        "",
        "## The mix",
        "",
        f"Each of the {len(MIX)} URLs is requested equally often (each client walks the list from its "
        "own starting point):",
        "",
    ]
    lines += [f"- {kind}: `{urllib.parse.unquote(path)}`" for kind, path in paths.get("ours") or urls(REPO, "ours")]
    lines += [
        "",
        "On the default server, which has no metadata, each canned query runs as "
        f"`/{DB}?sql=<its SQL>&<its parameters>` (`.csv` and `.json` alike).",
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_results(path: Path, text: str) -> None:
    """Write the report, keeping the notes of the existing file."""
    notes = f"\n{NOTES}\n"
    if path.is_file():
        old = path.read_text(encoding="utf-8")
        if NOTES in old:
            notes = "\n" + NOTES + old.split(NOTES, 1)[1]
    path.write_text(text + notes, encoding="utf-8")


# ---------------------------------------------------------------------------------------------------


def main() -> None:
    """Parse the options, start the servers, drive each, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of each run (default 30)")
    parser.add_argument("--root", type=Path, help="serve this project in place instead of a built temporary copy")
    parser.add_argument("--only", choices=("ours", "default"), help="drive one server only")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="KIND",
        help="leave a kind of page out of the mix: " + ", ".join(dict.fromkeys(k for k, _ in MIX)),
    )
    parser.add_argument(
        "--setting",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="run our server with this Datasette setting changed",
    )
    parser.add_argument("--service-times", action="store_true", help="each URL alone, in process; no servers")
    parser.add_argument(
        "--mix",
        choices=("site", "scale"),
        default="site",
        help="site: the pages of the site (default); scale: the pages of the scale targets",
    )
    parser.add_argument("--no-cache", action="store_true", help="our server without its response cache")
    parser.add_argument(
        "--per-url",
        type=int,
        default=0,
        metavar="N",
        help="request each URL N times on its own instead of the mixed run",
    )
    parser.add_argument(
        "--readiness", type=int, default=0, metavar="N", help="time N starts of serve to the first 200 on / (no load)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the report")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not 1 <= args.clients <= 256 or not 0 < args.seconds <= 600:
        parser.error("--clients must be 1..256 and --seconds 0..600")
    unknown = set(args.exclude) - {kind for kind, _ in MIX}
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    write = not (
        args.no_write
        or args.only
        or args.exclude
        or args.setting
        or args.mix != "site"
        or args.no_cache
        or args.per_url
        or args.readiness
    )

    scratch = Path(tempfile.mkdtemp(prefix="kz-load-"))
    servers: list[Server] = []
    try:
        root = args.root.resolve() if args.root else copy_project(scratch / "project")
        if args.service_times:
            service_times(root)
            return
        if args.readiness:
            times = sorted(readiness(root, args.readiness))
            print(
                f"serve ready in {times[len(times) // 2]:.2f} s (median of {len(times)}; "
                f"min {times[0]:.2f}, max {times[-1]:.2f})"
            )
            return
        logs = scratch / "logs"
        logs.mkdir()
        port = free_port()
        our_command = [sys.executable, "-m", "kz_rule_of_law", "serve", "--host", "127.0.0.1", "--port", str(port)]
        if args.setting:
            from kz_rule_of_law.web.serve import prepare, serve_command

            our_command = serve_command(prepare(root), "127.0.0.1", port)
            index = our_command.index("--cors")
            our_command[index:index] = [part for name, value in args.setting for part in ("--setting", name, value)]
        wanted = [args.only] if args.only else ["ours", "default"]
        print(f"starting servers ({root})", flush=True)
        ours = start(
            "ours",
            our_command,
            port,
            root,
            logs,  # serve builds the database when needed
            {"KZ_SITE_CACHE": "off"} if args.no_cache else None,
        )
        servers.append(ours)
        if "default" in wanted:
            database = root / "build" / f"{DB}.db"
            default_port = free_port()
            default_command = [
                sys.executable,
                "-m",
                "datasette",
                "serve",
                str(database),
                "-p",
                str(default_port),
                "-h",
                "127.0.0.1",
            ]
            servers.append(start("default", default_command, default_port, root, logs))
        if "ours" not in wanted:
            stop(ours)
            servers.remove(ours)

        mix = scale_mix(root) if args.mix == "scale" else None
        paths = {s.name: urls(root, s.name, tuple(args.exclude), mix) for s in servers}
        results = []
        for server in servers:
            asyncio.run(warm_up(server.url, paths[server.name], strict=mix is None))
            if args.per_url:
                print(
                    f"driving {server.name} ({server.url}): each URL {args.per_url} times, {args.clients} clients",
                    flush=True,
                )
                results.append(
                    asyncio.run(
                        drive_each(
                            server.name, server.url, paths[server.name], args.clients, args.per_url, args.seconds
                        )
                    )
                )
            else:
                print(
                    f"driving {server.name} ({server.url}): {args.clients} clients for {args.seconds:.0f} s", flush=True
                )
                results.append(
                    asyncio.run(drive(server.name, server.url, paths[server.name], args.clients, args.seconds))
                )
        print()
        print("\n".join(table(results)))
        by_name = {r.name: r for r in results}
        if len(by_name) == 2 and by_name["default"].rps:
            print(f"throughput ours/default: {by_name['ours'].rps / by_name['default'].rps:.2f}")
        print()
        print("\n".join(kinds_table(results)))
        if mix is not None or args.per_url:
            print()
            print("\n".join(paths_table(results, paths)))
        for r in results:
            print(f"- {r.name}: load average before {r.load_before[0]:.2f}, after {r.load_after[0]:.2f}")
        if write:
            write_results(args.results, report(results, servers, paths))
            print(f"\nwrote {args.results}")
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
