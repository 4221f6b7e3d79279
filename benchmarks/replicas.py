"""Replicas behind nginx: two `serve` replicas of one built project behind a load-balancing, caching
nginx; one replica is killed half-way through the load and restarted.

    python -m benchmarks.replicas                          # 8 clients, 20 s a run, nginx cache on and off
    python -m benchmarks.replicas --clients 16 --seconds 30 --proxy-cache on
    python -m benchmarks.replicas --heavy 0                # the failover runs only
    python -m benchmarks.replicas --root .                 # serve this project in place (builds if stale)
    python -m benchmarks.replicas --stop-signal TERM       # the replica is stopped gracefully, not killed

Without --root the committed package is copied into a temporary folder and built there
(benchmarks/load.py: copy_project), so the project's own build/ is never touched. Two replicas,
`python -m kz_rule_of_law serve`, each listen on a free 127.0.0.1 port; Debian's nginx
(/usr/sbin/nginx, installed with apt-get when missing) runs as a child process, `daemon off`, with
deploy/nginx.conf filled in (render_config) and `-p` a temporary folder, on a free 127.0.0.1 port:
an `upstream` of the two replicas, `proxy_next_upstream`, keep-alive connections to them and,
unless --proxy-cache off, `proxy_cache`.

For each nginx (cache on, cache off):

    failover  --clients clients walk the load mix of benchmarks/load.py through nginx for --seconds;
              half-way one replica gets SIGKILL (a crash; --stop-signal TERM: a planned restart, in-flight
              requests answered first) and is started again at once. Reported: requests,
              p50/p95/p99 and the errors clients saw (status >= 400 or a failed request), the time
              the replica took to answer again, and from nginx's access log what reached the
              replicas: cache status, retries on the other replica, answers by replica.
    heavy     (--heavy N, N > 0) the same readers for --seconds alone, then for --seconds beside N
              clients sending `?sql=` queries that run into the site's 1 s SQL time limit (a
              recursive CTE with no end, a new one each time so that no cache answers it): the
              readers' p50/p95/p99 and errors in both, and what the heavy queries got.

Every loop is bounded in count and time; traffic goes to 127.0.0.1 only. Every child process (the
replicas, nginx) starts with SIGINT at its default and is killed on exit; the temporary folders go.
The report is printed and written to benchmarks/RESULTS-replicas.md (--no-write: printed only;
text below the NOTES marker of an existing file is kept).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.load import (
    DB,
    MAX_REQUESTS_PER_CLIENT,
    REPO,
    REQUEST_TIMEOUT_S,
    START_TIMEOUT_S,
    TARGET_P95_MS,
    Connection,
    Result,
    Server,
    copy_project,
    drive,
    free_port,
    machine,
    scale_mix,
    stop,
    urls,
    warm_up,
    write_results,
)

RESULTS = REPO / "benchmarks" / "RESULTS-replicas.md"
TEMPLATE = REPO / "deploy" / "nginx.conf"
NGINX = Path("/usr/sbin/nginx")
INSTALL_NGINX = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx"
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
REPLICAS = 2
NGINX_START_TIMEOUT_S = 20.0
# A query that never ends by itself: the site's SQL time limit (1 s) stops it. {n} makes each one new.
HEAVY_SQL = (
    "with recursive counter(x) as (select 1 union all select x + 1 from counter) select count(*) + {n} from counter"
)


# ---------------------------------------------------------------------------------------------------
# The nginx configuration


def render_config(template: str, values: dict[str, str]) -> str:
    """The template with each @NAME@ outside comments replaced by values[NAME] (a value of several
    lines keeps the placeholder's indentation); ValueError if a placeholder has no value or a value
    no placeholder."""
    used: set[str] = set()
    lines = []
    for line in template.splitlines():
        if line.lstrip().startswith("#"):
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]

        def fill(match: re.Match, line: str = line, indent: str = indent) -> str:
            name = match.group(1)
            if name not in values:
                raise ValueError(f"no value for @{name}@ in {line.strip()!r}")
            used.add(name)
            return str(values[name]).replace("\n", "\n" + indent)

        lines.append(PLACEHOLDER.sub(fill, line))
    unused = set(values) - used
    if unused:
        raise ValueError(f"no placeholder for {', '.join(sorted(unused))}")
    return "\n".join(lines) + "\n"


def config_values(listen: str, replicas: list[int], cache: bool = True, host: str | None = None) -> dict[str, str]:
    """The placeholders of deploy/nginx.conf for nginx on `listen` in front of replicas on these
    127.0.0.1 ports; the public host is the address nginx listens on unless `host` is given."""
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    public = host or listen
    return {
        "USER": f"{user} {group}",
        "LISTEN": listen,
        "SERVER_NAME": public.rsplit(":", 1)[0],
        "PUBLIC_HOST": public,
        "PUBLIC_SCHEME": "http",
        "REPLICAS": "\n".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;" for port in replicas),
        "CACHE": "kz_site" if cache else "off",
        "CACHE_SIZE": "256m",
        "CACHE_VALID": "1m",
    }


def write_config(prefix: Path, text: str) -> Path:
    """Write the configuration into the nginx folder `prefix` with the folders it names; its path."""
    for name in ("temp", "cache"):
        (prefix / name).mkdir(parents=True, exist_ok=True)
    path = prefix / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


def nginx_command(prefix: Path, config: Path, *options: str) -> list[str]:
    """nginx run from the folder `prefix` with `config`, never the system's configuration."""
    return [str(NGINX), "-p", f"{prefix}/", "-c", str(config), *options]


def check_config(prefix: Path, config: Path) -> str:
    """`nginx -t` on the configuration; SystemExit with its output if nginx refuses it."""
    result = subprocess.run(
        nginx_command(prefix, config, "-t"), capture_output=True, text=True, timeout=30, preexec_fn=default_signals
    )
    if result.returncode:
        raise SystemExit(f"nginx refused {config}:\n{result.stderr}")
    return result.stderr


def ensure_nginx() -> None:
    """Install Debian's nginx when /usr/sbin/nginx is missing (its service is never started here)."""
    if NGINX.exists():
        return
    print(f"{NGINX} missing: {INSTALL_NGINX}", flush=True)
    installed = subprocess.run(INSTALL_NGINX, shell=True, timeout=900, preexec_fn=default_signals)
    if installed.returncode or not NGINX.exists():
        raise SystemExit(f"could not install nginx; run `make nginx` or: {INSTALL_NGINX}")


# ---------------------------------------------------------------------------------------------------
# Processes


def default_signals() -> None:
    """In a child before exec: SIGINT back to its default (it may be ignored in a background job)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_ready(server: Server, path: str, timeout: float) -> float:
    """Seconds until `server` answers 200 on `path`; SystemExit if it exits or does not in `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited {server.process.returncode}:\n{server.log.read_text()[-3000:]}")
        try:
            if httpx.get(server.url + path, timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{server.name} did not answer within {timeout:.0f} s:\n{server.log.read_text()[-3000:]}")


def spawn(name: str, command: list[str], port: int, cwd: Path, logs: Path, group: bool = False) -> Server:
    """Start a child process that will listen on 127.0.0.1:`port`, its output in logs/<name>.log
    (`group`: in a process group of its own, so that its own children can be stopped with it)."""
    log = logs / f"{name}.log"
    with open(log, "a") as handle:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
            preexec_fn=default_signals,
            start_new_session=group,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log, command)


def start_replica(name: str, port: int, root: Path, logs: Path) -> tuple[Server, float]:
    """`kz-rule-of-law serve` on 127.0.0.1:`port`, and the seconds until it answered."""
    command = [sys.executable, "-m", "kz_rule_of_law", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = spawn(name, command, port, root, logs)
    try:
        return server, wait_ready(server, "/-/versions.json", START_TIMEOUT_S)
    except BaseException:
        kill(server)
        raise


def start_nginx(name: str, prefix: Path, config: Path, port: int, logs: Path) -> Server:
    """nginx in the foreground on 127.0.0.1:`port`, once it answers."""
    server = spawn(name, nginx_command(prefix, config), port, prefix, logs, group=True)
    try:
        wait_ready(server, "/-/versions.json", NGINX_START_TIMEOUT_S)
    except BaseException:
        stop_nginx(server, graceful=False)
        raise
    return server


def stop_nginx(server: Server, graceful: bool = True) -> None:
    """Stop nginx: SIGQUIT (`graceful`: requests finish, logs complete) or SIGTERM to its master,
    then SIGKILL to whatever of its process group is left after 10 s (workers outlive a killed master)."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGQUIT if graceful else signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill(server: Server) -> None:
    """SIGKILL the server's process (if still running) and reap it."""
    if server.process.poll() is None:
        server.process.kill()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


# ---------------------------------------------------------------------------------------------------
# Runs


@dataclass
class Fault:
    """One replica killed during a run: when (seconds into the run) and how long until it answered again."""

    replica: str
    signal: str = "KILL"
    killed_at: float = 0.0
    ready_after: float = 0.0
    killed_epoch: float = 0.0
    ready_epoch: float = 0.0


@dataclass
class Run:
    """One load run through nginx: the readers' result, and what nginx logged meanwhile."""

    name: str
    cache: bool
    readers: Result
    started_epoch: float = 0.0
    ended_epoch: float = 0.0
    fault: Fault | None = None
    heavy: Result | None = None
    log: list[dict[str, str]] = field(default_factory=list)
    nginx_errors: list[str] = field(default_factory=list)


async def fault_run(
    nginx: Server,
    paths: list[tuple[str, str]],
    clients: int,
    seconds: float,
    replicas: list[Server],
    index: int,
    root: Path,
    logs: Path,
    cache: bool,
    stop_signal: str = "KILL",
) -> Run:
    """Drive the mix through nginx; half-way send SIG`stop_signal` to replicas[index] and, once it has
    exited (SIGKILL after 10 s), start it again on the same port."""
    victim = replicas[index]
    fault = Fault(victim.name, stop_signal)
    started, epoch = time.perf_counter(), time.time()

    async def kill_and_restart() -> None:
        await asyncio.sleep(seconds / 2)
        fault.killed_at, fault.killed_epoch = time.perf_counter() - started, time.time()
        victim.process.send_signal(getattr(signal, f"SIG{stop_signal}"))
        try:
            await asyncio.to_thread(victim.process.wait, 10)
        except subprocess.TimeoutExpired:
            kill(victim)
        port = int(victim.url.rsplit(":", 1)[1])
        replicas[index], _ = await asyncio.to_thread(start_replica, victim.name, port, root, logs)
        fault.ready_epoch = time.time()
        fault.ready_after = fault.ready_epoch - fault.killed_epoch

    readers, _ = await asyncio.gather(drive("readers", nginx.url, paths, clients, seconds), kill_and_restart())
    return Run(f"failover (SIG{stop_signal})", cache, readers, epoch, time.time(), fault=fault)


async def heavy_clients(url: str, clients: int, seconds: float) -> Result:
    """`clients` clients sending queries that run into the SQL time limit, each one new, for `seconds`."""
    result = Result("heavy", seconds, clients, load_before=os.getloadavg())
    started = time.perf_counter()
    deadline = started + seconds
    counter = iter(range(MAX_REQUESTS_PER_CLIENT * clients))

    async def one() -> None:
        connection = Connection(url)
        try:
            for n in counter:
                if time.perf_counter() >= deadline:
                    return
                path = f"/{DB}.json?" + urllib.parse.urlencode({"sql": HEAVY_SQL.format(n=n)})
                sent = time.perf_counter()
                try:
                    status = str(await asyncio.wait_for(connection.get(path), REQUEST_TIMEOUT_S))
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
                    connection.close()
                    status = type(e).__name__
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
                result.statuses.setdefault("heavy", collections.Counter())[status] += 1
        finally:
            connection.close()

    await asyncio.gather(*(one() for _ in range(clients)))
    result.seconds = time.perf_counter() - started
    result.load_after = os.getloadavg()
    return result


async def heavy_run(
    nginx: Server, paths: list[tuple[str, str]], clients: int, heavy: int, seconds: float, cache: bool
) -> Run:
    """The readers beside `heavy` clients of slow queries, all through nginx."""
    epoch = time.time()
    readers, slow = await asyncio.gather(
        drive("readers", nginx.url, paths, clients, seconds), heavy_clients(nginx.url, heavy, seconds)
    )
    return Run("beside heavy SQL", cache, readers, epoch, time.time(), heavy=slow)


async def readers_run(nginx: Server, paths: list[tuple[str, str]], clients: int, seconds: float, cache: bool) -> Run:
    """The readers alone, through nginx."""
    epoch = time.time()
    return Run("readers alone", cache, await drive("readers", nginx.url, paths, clients, seconds), epoch, time.time())


def access_log(path: Path) -> list[dict[str, str]]:
    """nginx's access log in the `replicas` format of deploy/nginx.conf, one dict a request."""
    pattern = re.compile(
        r'(?P<msec>\S+) (?P<status>\d+) (?P<bytes>\d+) (?P<cache>\S+) "(?P<upstream>[^"]*)" '
        r'"(?P<upstream_status>[^"]*)" (?P<time>\S+) "(?P<uri>[^"]*)"'
    )
    entries = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = pattern.match(line)
            if match:
                entries.append(match.groupdict())
    return entries


def error_log(path: Path) -> list[tuple[float, str]]:
    """The error, crit and alert lines of nginx's error log, with their time (to the second)."""
    lines = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if any(f"[{level}]" in line for level in ("error", "crit", "alert", "emerg")):
                try:
                    when = time.mktime(time.strptime(line[:19], "%Y/%m/%d %H:%M:%S"))
                except ValueError:
                    continue
                lines.append((when, line))
    return lines


def take_log(run: Run, entries: list[dict[str, str]], errors: list[tuple[float, str]]) -> None:
    """Keep the access and error log entries of the run's time span."""
    run.log = [e for e in entries if run.started_epoch <= float(e["msec"]) <= run.ended_epoch]
    run.nginx_errors = [line for when, line in errors if int(run.started_epoch) <= when <= run.ended_epoch]


# ---------------------------------------------------------------------------------------------------
# Report


def nginx_version() -> str:
    """`nginx -v`, as nginx prints it."""
    result = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True, timeout=10, preexec_fn=default_signals)
    return (result.stderr or result.stdout).strip().removeprefix("nginx version: ")


def commit() -> str:
    """The checkout's commit, marked when files differ from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            preexec_fn=default_signals,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            preexec_fn=default_signals,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" (with uncommitted changes)" if dirty else "")


def upstream_summary(entries: list[dict[str, str]], ports: dict[str, str]) -> str:
    """What reached the replicas according to nginx: cache statuses, retries, upstream failures, answers by replica."""
    cache = collections.Counter(e["cache"] for e in entries)
    retried = [e for e in entries if "," in e["upstream"]]
    failed = collections.Counter(
        s.strip()
        for e in entries
        for s in e["upstream_status"].split(",")
        if s.strip() not in ("-", "") and s.strip() >= "500"
    )
    by_replica: collections.Counter = collections.Counter()
    for e in entries:
        last = e["upstream"].split(",")[-1].strip()
        if last and last != "-":
            by_replica[ports.get(last.rsplit(":", 1)[-1], last)] += 1
    parts = [
        "cache " + ", ".join(f"{k} {v}" for k, v in sorted(cache.items())),
        f"sent to another replica after a failure {len(retried)}",
        "upstream 5xx/failed " + (", ".join(f"{k} x{v}" for k, v in sorted(failed.items())) or "0"),
        "answered by " + (", ".join(f"{k} {v}" for k, v in sorted(by_replica.items())) or "nginx's cache only"),
    ]
    return "; ".join(parts)


def error_kind(line: str) -> str:
    """What an nginx error line says, without its time, connection number, addresses and request."""
    message = re.sub(r"^\S+ \S+ \[\w+\] \d+#\d+: (\*\d+ )?", "", line)
    message = message.split(", client:", 1)[0]
    return re.sub(r"\(\d+: ", "(", message)


def run_table(runs: list[Run]) -> list[str]:
    """The readers of each run as Markdown lines."""
    lines = [
        "| nginx cache | run | clients | seconds | requests | req/s | p50 ms | p95 ms | p99 ms | max ms "
        "| client errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        r = run.readers
        lines.append(
            f"| {'on' if run.cache else 'off'} | {run.name} | {r.clients} | {r.seconds:.1f} | {r.requests} | "
            f"{r.rps:.1f} | {r.percentile(50):.1f} | {r.percentile(95):.1f} | {r.percentile(99):.1f} | "
            f"{max(r.latencies_ms, default=float('nan')):.1f} | {r.errors} |"
        )
    return lines


def report(
    runs: list[Run], args: argparse.Namespace, replicas: list[Server], ports: dict[str, str], nginx_info: str
) -> str:
    """RESULTS-replicas.md without its notes."""
    info = machine()
    info["nginx"] = nginx_info
    info["commit"] = commit()
    lines = [
        "# Replicas behind nginx, one killed mid-run",
        "",
        "Written by `" + " ".join(["python -m benchmarks.replicas", *sys.argv[1:]]) + "`"
        f" ({args.clients} reader clients, {args.seconds:.0f} s a run). {REPLICAS} `kz-rule-of-law serve` "
        "replicas of one built project behind Debian's nginx (deploy/nginx.conf: a load-balancing upstream "
        "with keep-alive, `proxy_next_upstream error timeout http_502 http_503`, `max_fails=1 fail_timeout=3s`, "
        'and `proxy_cache` unless "off"); every client walks the load mix of benchmarks/load.py through '
        "nginx on a keep-alive connection. Target: no client errors through the kill and p95 under "
        f"{TARGET_P95_MS:.0f} ms. A client error is a status >= 400 or a failed request.",
        "",
        *run_table(runs),
        "",
    ]
    for run in runs:
        r = run.readers
        verdict = "met" if r.errors == 0 and r.percentile(95) < TARGET_P95_MS else "missed"
        head = f"- cache {'on' if run.cache else 'off'}, {run.name}: target {verdict}"
        if run.fault:
            fault = run.fault
            head += (
                f"; `{fault.replica}` got SIG{fault.signal} {fault.killed_at:.1f} s in and answered again "
                f"{fault.ready_after:.1f} s later"
            )
        if r.error_samples:
            head += f"; first client errors: {', '.join(r.error_samples)}"
        lines.append(head)
        lines.append(f"  - nginx: {upstream_summary(run.log, ports)}")
        if run.nginx_errors:
            kinds = collections.Counter(error_kind(line) for line in run.nginx_errors)
            lines.append("  - nginx's error log: " + "; ".join(f"{v}x {k}" for k, v in kinds.most_common(5)))
        if run.fault:
            outage = [e for e in run.log if run.fault.killed_epoch <= float(e["msec"]) <= run.fault.ready_epoch]
            lines.append(
                f"  - while `{run.fault.replica}` was down ({len(outage)} requests): {upstream_summary(outage, ports)}"
            )
        if run.heavy:
            h = run.heavy
            statuses = ", ".join(f"{k} x{v}" for k, v in sorted(h.statuses.get("heavy", {}).items()))
            lines.append(
                f"  - heavy SQL: {h.clients} clients, {h.requests} queries ({statuses}), "
                f"p50 {h.percentile(50):.0f} ms, max {max(h.latencies_ms, default=float('nan')):.0f} ms"
            )
        lines.append(f"  - load average before {r.load_before[0]:.2f}, after {r.load_after[0]:.2f}")
    lines += ["", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += ["", "## Processes", ""]
    for server in replicas:
        shown = [Path(part).name if part.startswith("/") else part for part in server.command]
        lines.append(f"- {server.name}: `{' '.join(shown)}`")
    lines.append(
        "- nginx: `nginx -p <temporary folder>/ -c <temporary folder>/nginx.conf` (deploy/nginx.conf filled in)"
    )
    lines += [
        "",
        f"The heavy SQL clients request `/{DB}.json?sql=` with: `{HEAVY_SQL.format(n='N')}` "
        "(N counts up, so that every query is new to both caches).",
    ]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------------


def main() -> None:
    """Parse the options, start the replicas and nginx, run, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="reader clients (default 8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each run (default 20)")
    parser.add_argument(
        "--heavy",
        type=int,
        default=4,
        metavar="N",
        help="clients of slow SQL beside the readers in the heavy run (default 4; 0: no heavy run)",
    )
    parser.add_argument(
        "--proxy-cache",
        choices=("on", "off", "both"),
        default="both",
        help="nginx's response cache (default both: every run with it, then without)",
    )
    parser.add_argument(
        "--stop-signal",
        choices=("KILL", "TERM"),
        default="KILL",
        help="how the replica is stopped half-way (default KILL: a crash)",
    )
    parser.add_argument(
        "--mix",
        choices=("default", "scale"),
        default="default",
        help="the pages: load.py's mix of the seed, or its scale mix chosen from the database at hand",
    )
    parser.add_argument("--root", type=Path, help="serve this project in place instead of a built temporary copy")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the report")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not 1 <= args.clients <= 256 or not 2 <= args.seconds <= 600 or not 0 <= args.heavy <= 64:
        parser.error("--clients must be 1..256, --seconds 2..600 and --heavy 0..64")
    ensure_nginx()

    scratch = Path(tempfile.mkdtemp(prefix="kz-replicas-"))
    replicas: list[Server] = []
    nginx: Server | None = None
    runs: list[Run] = []
    try:
        root = args.root.resolve() if args.root else copy_project(scratch / "project")
        logs = scratch / "logs"
        logs.mkdir()
        from kz_rule_of_law.web.serve import prepare

        print(f"building and preparing {root}", flush=True)
        prepare(root)  # once, so that the replicas start together without building twice
        ports: dict[str, str] = {}
        for number in range(REPLICAS):
            name, port = f"replica-{'ab'[number]}", free_port()
            server, seconds = start_replica(name, port, root, logs)
            replicas.append(server)
            ports[str(port)] = name
            print(f"{name} on {server.url} ({seconds:.1f} s)", flush=True)
        paths = urls(root, "ours", mix=scale_mix(root) if args.mix == "scale" else None)
        template = TEMPLATE.read_text(encoding="utf-8")
        for cache in {"on": [True], "off": [False], "both": [True, False]}[args.proxy_cache]:
            prefix = scratch / f"nginx-cache-{'on' if cache else 'off'}"
            port = free_port()
            values = config_values(f"127.0.0.1:{port}", [int(p) for p in ports], cache=cache)
            config = write_config(prefix, render_config(template, values))
            check_config(prefix, config)
            nginx = start_nginx(f"nginx-cache-{'on' if cache else 'off'}", prefix, config, port, logs)
            print(f"nginx on {nginx.url}, cache {'on' if cache else 'off'}", flush=True)
            asyncio.run(warm_up(nginx.url, paths))
            these = []
            print(
                f"failover: {args.clients} clients for {args.seconds:.0f} s, SIG{args.stop_signal} to replica-a "
                "half-way",
                flush=True,
            )
            these.append(
                asyncio.run(
                    fault_run(
                        nginx, paths, args.clients, args.seconds, replicas, 0, root, logs, cache, args.stop_signal
                    )
                )
            )
            if args.heavy:
                print(f"readers alone for {args.seconds:.0f} s, then beside {args.heavy} heavy SQL clients", flush=True)
                these.append(asyncio.run(readers_run(nginx, paths, args.clients, args.seconds, cache)))
                these.append(asyncio.run(heavy_run(nginx, paths, args.clients, args.heavy, args.seconds, cache)))
            stop_nginx(nginx)  # graceful: the access log is complete
            entries, errors = access_log(prefix / "access.log"), error_log(prefix / "error.log")
            for run in these:
                take_log(run, entries, errors)
            runs += these
            nginx = None
        print()
        text = report(runs, args, replicas, ports, nginx_version())
        print(text)
        if not args.no_write:
            write_results(args.results, text)
            print(f"wrote {args.results}")
    finally:
        if nginx is not None:
            stop_nginx(nginx, graceful=False)
        for server in replicas:
            stop(server)
            kill(server)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
