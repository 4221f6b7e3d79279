"""Scale benchmarks: each pipeline stage timed on synthetic corpora, each in a fresh process.

    python -m benchmarks.run                       # quick: 10, 100, 1000 sources
    python -m benchmarks.run --sizes 10,2000       # chosen sizes
    python -m benchmarks.run --full --profile      # 10, 100, 1000, 2000, 20000 (>= 1M quote rows), profiled
    python -m benchmarks.run --sqlalchemy-path /tmp/bench-extra   # where SQLAlchemy is, for frictionless's SQL export

For every size a corpus is generated (benchmarks.generate, under build/synthetic/<n>/), then every stage
runs in its own child process, so its peak memory (ru_maxrss of the child) is its own:

    facts->rows   kz_rule_of_law.build.compile_package(root, None): every facts file compiled and checked,
                  nothing written
    rows->CSV     the time kz_rule_of_law.package.writer.PackageWriter takes writing the rows as they stream from
                  the facts
    validate      kz_rule_of_law.validation.validate.validate_package
    sqlite        kz_rule_of_law.database.load.write_database (skipped, with a note, when it does not exist); then
                  again without indexes and search, the part that does sqlite-utils insert's job
    build         kz_rule_of_law.build.build (compile and write, validate in a scratch folder, load SQLite, publish)

and the baselines on the same CSVs:

    frictionless validate datapackage.json        (the CLI)
    sqlite-utils insert DB TABLE data/T.csv --csv (the CLI, once per table, into a fresh database)
    frictionless Package.publish("sqlite:///...") (frictionless's own SQL export; needs SQLAlchemy)

Results are printed and written to benchmarks/RESULTS.md (and benchmarks/results.json). Timings never
go in pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.machine import cpu_and_memory, version

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "build" / "bench"
CODE = {"path": REPO}  # where children import scripts/ and benchmarks/ from: a frozen snapshot once main() runs
QUICK_SIZES = (10, 100, 1000)
FULL_SIZES = (10, 100, 1000, 2000, 20000)
OURS = ("compile", "csv", "validate", "sqlite", "build")
BASELINES = ("frictionless_validate", "sqlite_utils_insert", "frictionless_sql")
LABELS = {
    "generate": "generate corpus",
    "compile": "facts->rows",
    "csv": "rows->CSV",
    "validate": "validate",
    "sqlite": "SQLite load",
    "build": "whole build",
    "frictionless_validate": "frictionless validate (CLI)",
    "sqlite_utils_insert": "sqlite-utils insert --csv (CLI)",
    "frictionless_sql": "frictionless SQL export",
}


# ---------------------------------------------------------------------------------------------------
# Inside a child process: one stage


def _peak_mb() -> float:
    """Peak resident memory of this process so far plus the largest peak of a process it started
    (when a stage starts one), in MB: a bound on what ran at once (ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + max(HELPER_PEAKS_MB, default=0.0)


# The peak of each process a stage starts, from /proc/PID/status VmHWM while it runs. (ru_maxrss of
# a child counts the parent's memory, which the child shares between fork and exec.)
HELPER_PEAKS_MB: list[float] = []


class _WatchedPopen(subprocess.Popen):
    """subprocess.Popen that records the peak resident memory of the process it starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Start the process and a thread watching its VmHWM until it ends."""
        super().__init__(*args, **kwargs)
        HELPER_PEAKS_MB.append(0.0)
        threading.Thread(target=self._watch, args=(len(HELPER_PEAKS_MB) - 1,), daemon=True).start()

    def _watch(self, slot: int) -> None:
        """Poll /proc/PID/status every 20 ms; VmHWM only grows, so the last reading is the peak."""
        status = Path(f"/proc/{self.pid}/status")
        while True:
            try:
                line = next((s for s in status.read_text().splitlines() if s.startswith("VmHWM:")), None)
            except OSError:
                return
            if line is None:  # a zombie: it has ended
                return
            HELPER_PEAKS_MB[slot] = max(HELPER_PEAKS_MB[slot], int(line.split()[1]) / 1024)
            time.sleep(0.02)


class Timers:
    """Wrap functions in a module's namespace to time each call (cumulative seconds per name)."""

    def __init__(self) -> None:
        """No timers yet."""
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def called(self) -> dict[str, float]:
        """Seconds of every wrapped function that was called at least once."""
        return {name: s for name, s in self.seconds.items() if self.calls.get(name)}

    def wrap(self, module: Any, *names: str) -> None:
        """Time every call of module.<name> made through the module's global name."""
        for name in names:
            original = getattr(module, name, None)
            if original is None:
                continue
            self.seconds.setdefault(name, 0.0)

            def timed(*args: Any, __original: Callable = original, __name: str = name, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return __original(*args, **kwargs)
                finally:
                    self.seconds[__name] += time.perf_counter() - started
                    self.calls[__name] = self.calls.get(__name, 0) + 1

            setattr(module, name, timed)


def stage_compile(root: Path, scratch: Path) -> dict[str, Any]:
    """facts->rows: compile every facts file and check its rows, writing nothing (as `check` does)."""
    from kz_rule_of_law import build

    started = time.perf_counter()
    built = build.compile_package(root, None)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_mb(), "tables": built.counts}


def stage_csv(root: Path, scratch: Path) -> dict[str, Any]:
    """rows->CSV: the time the build spends writing rows as CSV (and the descriptor), as rows stream by."""
    from kz_rule_of_law import build
    from kz_rule_of_law.package.writer import PackageWriter

    timers = Timers()
    timers.wrap(PackageWriter, "write", "close")
    started = time.perf_counter()
    built = build.compile_package(root, root)
    total = time.perf_counter() - started
    parts = timers.called()
    written = sum(parts.values())
    return {
        "seconds": written,
        "parts": parts,
        "peak_mb": _peak_mb(),
        "note": f"compile and write took {total:.2f} s in all; facts->rows is the rest",
        "bytes": sum((root / path).stat().st_size for path in built.files),
    }


def stage_validate(root: Path, scratch: Path) -> dict[str, Any]:
    """validate: kz_rule_of_law.validation.validate.validate_package on the written package."""
    from kz_rule_of_law.validation import validate

    timers = Timers()
    timers.wrap(validate, "check_package")
    started = time.perf_counter()
    failures = validate.validate_package(root)
    seconds = time.perf_counter() - started
    result = {"seconds": seconds, "parts": timers.called(), "peak_mb": _peak_mb(), "failures": len(failures)}
    if failures:
        result["error"] = f"{len(failures)} validation failures, first: {failures[0]}"
    return result


def stage_sqlite(root: Path, scratch: Path) -> dict[str, Any]:
    """SQLite load: kz_rule_of_law.database.load.write_database, when that module exists."""
    try:
        from kz_rule_of_law.database import load as database
    except ImportError as e:
        return {"skipped": f"kz_rule_of_law.database.load is not importable yet ({e})"}
    if not hasattr(database, "write_database"):
        return {"skipped": "kz_rule_of_law.database.load has no write_database yet"}
    timers = Timers()
    timers.wrap(database, "load_rows", "_check_foreign_keys", "add_indexes", "add_search")
    db = scratch / "ours.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    database.write_database(root, db)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "parts": timers.called(), "db_bytes": db.stat().st_size}
    # The baseline's job alone: the same load with the indexes and search switched off.
    database.add_indexes = database.add_search = lambda *args: None
    started = time.perf_counter()
    database.write_database(root, db)
    out["tables_seconds"] = time.perf_counter() - started
    db.unlink()
    return {**out, "peak_mb": _peak_mb()}


def stage_build(root: Path, scratch: Path) -> dict[str, Any]:
    """whole build: kz_rule_of_law.build.build (compile and write, validate in scratch, load SQLite, publish)."""
    from kz_rule_of_law import build

    timers = Timers()
    timers.wrap(build, "compile_package", "publish", "validate_package", "write_database")
    started = time.perf_counter()
    build.build(root)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "parts": timers.called(), "peak_mb": _peak_mb()}


def stage_frictionless_sql(root: Path, scratch: Path) -> dict[str, Any]:
    """frictionless's own SQLite export: Package.publish('sqlite:///...')."""
    try:
        import sqlalchemy
    except ImportError:
        return {
            "skipped": "SQLAlchemy is not installed (frictionless[sql]); pass --sqlalchemy-path DIR "
            "holding it (pip install --target DIR sqlalchemy)"
        }
    import re

    import frictionless.formats.sql.adapter as adapter
    from frictionless import Package, system

    # frictionless 5.21's REGEXP helper calls re.search(pattern, None) on an empty optional cell that has
    # a pattern constraint, which aborts the insert; SQL's own rule is that a NULL passes a CHECK.
    adapter.regexp = lambda expr, item: item is None or re.search(expr, item) is not None
    db = scratch / "frictionless.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    with system.use_context(trusted=True):
        Package(str(root / "datapackage.json")).publish(f"sqlite:///{db}")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "db_bytes": db.stat().st_size,
        "version": f"SQLAlchemy {sqlalchemy.__version__}",
        "note": "REGEXP helper made NULL-safe (frictionless 5.21 fails on NULL in a pattern column)",
    }


def stage_profile(root: Path, scratch: Path) -> dict[str, Any]:
    """cProfile of kz_rule_of_law.build.build: the top functions by cumulative and by own time."""
    import cProfile
    import io
    import pstats

    from kz_rule_of_law import build

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    build.build(root)
    profiler.disable()
    seconds = time.perf_counter() - started
    profiler.dump_stats(scratch / "build.prof")
    stats = pstats.Stats(profiler)
    top = {}
    for key in ("cumulative", "tottime"):
        rows = []
        for (file, line, func), (_cc, nc, tt, ct, _) in sorted(
            stats.stats.items(), key=lambda kv: kv[1][3] if key == "cumulative" else kv[1][2], reverse=True
        )[:25]:
            where = (
                file.replace(str(REPO) + "/", "")
                .replace(sys.prefix + "/", "")
                .replace(sys.base_prefix + "/lib/python" + sys.version[:4].rstrip(".") + "/", "<stdlib>/")
            )
            rows.append({"function": f"{where}:{line}({func})", "calls": nc, "tottime": tt, "cumtime": ct})
        top[key] = rows
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    (scratch / "build.prof.txt").write_text(text.getvalue(), encoding="utf-8")
    return {"seconds": seconds, "peak_mb": _peak_mb(), "top": top, "stats_file": str(scratch / "build.prof")}


STAGES: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
    "compile": stage_compile,
    "csv": stage_csv,
    "validate": stage_validate,
    "sqlite": stage_sqlite,
    "build": stage_build,
    "frictionless_sql": stage_frictionless_sql,
    "profile": stage_profile,
}


def child_main(stage: str, root: Path, scratch: Path, result: Path) -> int:
    """Run one stage in this (fresh) process and write its result as JSON."""
    sys.setrecursionlimit(10_000)
    subprocess.Popen = _WatchedPopen  # type: ignore[misc]
    try:
        out = STAGES[stage](root, scratch)
    except BaseException as e:
        problems = getattr(e, "problems", None)
        detail = f"{type(e).__name__}: {e}" + (f" (first: {problems[0]})" if problems else "")
        out = {"error": detail[:2000], "peak_mb": _peak_mb()}
    result.write_text(json.dumps(out, default=str), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------------------------------
# In the parent: children, sizes, the report


def _env(extra: list[str] | None = None) -> dict[str, str]:
    """The environment for children: the repo importable, plus any extra paths."""
    env = dict(os.environ)
    paths = [str(Path(CODE["path"]) / "scripts"), str(CODE["path"]), *(extra or [])]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def _spawn(
    argv: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float | None
) -> tuple[int, float, float]:
    """Run a child; return (exit code, wall seconds, its peak RSS in MB from wait4)."""
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.perf_counter() - started, usage.ru_maxrss / 1024


def run_stage(stage: str, root: Path, scratch: Path, extra: list[str] | None, timeout: float | None) -> dict[str, Any]:
    """Run one of our stages in a fresh child process."""
    result = scratch / f"{stage}.json"
    result.unlink(missing_ok=True)
    code, wall, peak = _spawn(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--stage",
            stage,
            "--root",
            str(root),
            "--scratch",
            str(scratch),
            "--result",
            str(result),
        ],
        CODE["path"],
        _env(extra),
        scratch / f"{stage}.log",
        timeout,
    )
    out = (
        json.loads(result.read_text(encoding="utf-8"))
        if result.exists()
        else {"error": f"child exited {code} without a result; see {scratch / (stage + '.log')}"}
    )
    out["wall"] = wall
    out["child_peak_mb"] = peak
    return out


def _tool(name: str) -> str:
    """A CLI from the same environment as this Python, else from PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def baseline_frictionless_validate(root: Path, scratch: Path, timeout: float | None) -> dict[str, Any]:
    """`frictionless validate datapackage.json`, the CLI, in the package folder."""
    code, wall, peak = _spawn(
        [_tool("frictionless"), "validate", "datapackage.json"],
        root,
        _env(),
        scratch / "frictionless_validate.log",
        timeout,
    )
    out: dict[str, Any] = {"seconds": wall, "peak_mb": peak, "exit": code}
    if code != 0:
        out["error"] = f"exit {code}; see {scratch / 'frictionless_validate.log'}"
    return out


def baseline_sqlite_utils(root: Path, scratch: Path, timeout: float | None) -> dict[str, Any]:
    """`sqlite-utils insert DB TABLE data/TABLE.csv --csv` for every table, into a fresh database."""
    db = scratch / "sqlite-utils.db"
    db.unlink(missing_ok=True)
    seconds, peak, errors = 0.0, 0.0, []
    resources = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    for res in resources:
        code, wall, child_peak = _spawn(
            [_tool("sqlite-utils"), "insert", str(db), res["name"], res["path"], "--csv"],
            root,
            _env(),
            scratch / f"sqlite-utils-{res['name']}.log",
            timeout,
        )
        seconds += wall
        peak = max(peak, child_peak)
        if code != 0:
            errors.append(f"{res['name']}: exit {code}")
    out: dict[str, Any] = {
        "seconds": seconds,
        "peak_mb": peak,
        "processes": len(resources),
        "db_bytes": db.stat().st_size if db.exists() else 0,
    }
    if errors:
        out["error"] = "; ".join(errors)
    return out


def snapshot_code(dest: Path) -> dict[str, Any]:
    """Freeze the code under test: copy scripts/, benchmarks/, the descriptor and reference.yml to `dest`.

    Other people edit the pipeline while a long run goes on; every child of one run imports this copy,
    so all sizes measure the same code. Returns the commit, a digest of scripts/ and what was uncommitted.
    """
    import hashlib

    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("scripts", "benchmarks"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    shutil.copy2(REPO / "datapackage.json", dest / "datapackage.json")
    (dest / "facts").mkdir()
    shutil.copy2(REPO / "facts" / "reference.yml", dest / "facts" / "reference.yml")
    digest = hashlib.sha256()
    for path in sorted((dest / "scripts").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(dest)).encode() + b"\0" + path.read_bytes())

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "scripts", "datapackage.json", "facts/reference.yml")
    return {
        "path": str(dest),
        "commit": git("rev-parse", "--short", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        "scripts_sha256": digest.hexdigest()[:16],
        "uncommitted": dirty.splitlines(),
    }


def startup_seconds() -> dict[str, float]:
    """What a child pays before any work: interpreter start plus the imports, best of three."""
    return {
        label: min(_timed([sys.executable, "-c", code]) for _ in range(3))
        for label, code in (
            ("python + kz_rule_of_law.build", "import kz_rule_of_law.build"),
            ("python + frictionless", "import frictionless"),
        )
    }


def _timed(argv: list[str]) -> float:
    """Wall seconds of one command."""
    started = time.perf_counter()
    subprocess.run(argv, env=_env(), cwd=CODE["path"], capture_output=True, check=False)
    return time.perf_counter() - started


def _best(runs: list[Callable[[], dict[str, Any]]], repeat: int) -> dict[str, Any]:
    """Run a measurement `repeat` times; keep the fastest successful run, with every run's seconds and load."""
    outs = []
    for _ in range(repeat):
        load = os.getloadavg()[0]
        out = runs[0]()
        out["load"] = load
        outs.append(out)
        if "skipped" in out or "error" in out:
            return out
    best = min(outs, key=lambda o: o["seconds"])
    best["runs"] = [round(o["seconds"], 3) for o in outs]
    best["loads"] = [round(o["load"], 2) for o in outs]
    return best


def bench_size(
    sources: int,
    seed: int,
    extra: list[str],
    timeout: float | None,
    profile: bool,
    log: Callable[[str], None],
    repeat: int = 1,
) -> dict[str, Any]:
    """Generate a corpus of `sources` and run every stage and baseline on it."""
    from benchmarks.generate import default_target

    root = default_target(sources, seed)
    scratch = WORK / (root.name)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    result: dict[str, Any] = {"sources": sources, "seed": seed, "root": str(root), "stages": {}}
    code, wall, peak = _spawn(
        [
            sys.executable,
            "-m",
            "benchmarks.generate",
            "--sources",
            str(sources),
            "--seed",
            str(seed),
            "--out",
            str(root),
        ],
        CODE["path"],
        _env(),
        scratch / "generate.log",
        timeout,
    )
    result["stages"]["generate"] = {"seconds": wall, "peak_mb": peak, **({"error": f"exit {code}"} if code else {})}
    log(f"[{sources}] generate {wall:.1f} s")
    if code:
        return result
    for stage in OURS:
        out = _best([lambda stage=stage: run_stage(stage, root, scratch, None, timeout)], repeat)
        result["stages"][stage] = out
        log(f"[{sources}] {stage}: " + _brief(out))
        if stage == "compile":
            if "error" in out:
                return result
            result["tables"] = out["tables"]
        if stage == "csv" and "error" in out:
            return result
    for name in BASELINES:
        if name == "frictionless_validate":
            measure = lambda: baseline_frictionless_validate(root, scratch, timeout)  # noqa: E731
        elif name == "sqlite_utils_insert":
            measure = lambda: baseline_sqlite_utils(root, scratch, timeout)  # noqa: E731
        else:
            measure = lambda: run_stage("frictionless_sql", root, scratch, extra, timeout)  # noqa: E731
        out = _best([measure], repeat)
        result["stages"][name] = out
        log(f"[{sources}] {name}: " + _brief(out))
    if profile:
        out = run_stage("profile", root, scratch, None, timeout)
        out["load"] = os.getloadavg()[0]
        result["profile"] = out
        log(f"[{sources}] profile: " + _brief(out))
    return result


def _brief(out: dict[str, Any]) -> str:
    """One line about a stage result."""
    if "skipped" in out:
        return "skipped: " + out["skipped"]
    if "error" in out:
        return "ERROR " + out["error"][:300]
    runs = (
        f" (runs {out['runs']}, load {out['loads']})"
        if len(out.get("runs", [])) > 1
        else f" (load {out.get('load', 0):.2f})"
    )
    return f"{out['seconds']:.2f} s, peak {out.get('peak_mb', 0):.0f} MB" + runs


# ---------------------------------------------------------------------------------------------------
# The report


def _machine() -> dict[str, Any]:
    """Cores, memory, Python, OS, date."""
    cpu, memory = cpu_and_memory()
    names = {"sqlite_utils": "sqlite-utils", "yaml": "PyYAML", "sqlalchemy": "SQLAlchemy"}
    versions = {
        p: version(names.get(p, p), "not installed here")
        for p in ("frictionless", "sqlite_utils", "yaml", "sqlalchemy")
    }
    import sqlite3

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "versions": versions,
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def _version(package: str, version: str, results: list[dict[str, Any]]) -> str:
    """A package's version; SQLAlchemy's as the frictionless SQL export child reported it (it lives apart)."""
    if package == "sqlalchemy":
        for r in results:
            reported = r["stages"].get("frictionless_sql", {}).get("version")
            if reported:
                return reported.split()[-1] + " (from --sqlalchemy-path, for the frictionless SQL baseline only)"
    return version


def _processes(results: list[dict[str, Any]]) -> int:
    """How many sqlite-utils processes one size took (one per table)."""
    for r in results:
        n = r["stages"].get("sqlite_utils_insert", {}).get("processes")
        if n:
            return n
    return 0


def _rows(result: dict[str, Any]) -> tuple[int, str, int]:
    """Total rows, the largest table and its rows."""
    tables = result.get("tables") or {}
    if not tables:
        return 0, "?", 0
    name = max(tables, key=tables.get)
    return sum(tables.values()), name, tables[name]


def _fmt(x: float | None, digits: int = 2) -> str:
    """A number for a table cell."""
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def _ratio(a: dict | None, b: dict | None) -> float | None:
    """a's seconds over b's, when both ran."""
    if not a or not b or "seconds" not in a or "seconds" not in b or "error" in a or "error" in b or not b["seconds"]:
        return None
    return a["seconds"] / b["seconds"]


def report(results: list[dict[str, Any]], machine: dict[str, Any], startup: dict[str, float], args: Any) -> str:
    """RESULTS.md."""
    lines = [
        "# Scale benchmarks",
        "",
        f"Measured by `python -m benchmarks.run {' '.join(args.argv)}`".rstrip() + f" on {machine['date']}.",
        "",
        "How to run (from the repository root; corpora go to `build/synthetic/<n>/`, scratch files to "
        "`build/bench/`, both gitignored):",
        "",
        "```sh",
        "python -m benchmarks.generate --sources 1000 --seed 0 --out build/synthetic/1000   # a corpus only",
        "python -m benchmarks.run                     # quick: 10, 100, 1000 sources",
        "python -m benchmarks.run --sizes 10,2000 --repeat 3",
        "python -m benchmarks.run --full --repeat 3 --profile --sqlalchemy-path DIR   # up to 20,000 sources",
        "python -m benchmarks.run --from-json benchmarks/results.json --notes NOTES.md  # re-render this file",
        "```",
        "",
        "frictionless's SQL export needs SQLAlchemy (`frictionless[sql]`), which the project does not depend "
        "on: install it apart (`pip install --target DIR sqlalchemy`) and pass `--sqlalchemy-path DIR`; "
        "without it that baseline is skipped with a note.",
        "",
        "## Machine",
        "",
        f"- {machine['cores']} cores ({machine['cpu']}), {machine['memory']} memory",
        f"- Python {machine['python']}, SQLite {machine['sqlite']}, {machine['platform']}",
        "- " + ", ".join(f"{k} {_version(k, v, results)}" for k, v in machine["versions"].items()),
        *(
            [
                f"- code under test: commit `{machine['code']['commit']}` ({machine['code']['subject']}), "
                f"scripts/ sha256 `{machine['code']['scripts_sha256']}`"
                + (
                    f", uncommitted changes: {', '.join(machine['code']['uncommitted'])}"
                    if machine["code"]["uncommitted"]
                    else ", no uncommitted changes"
                )
                + "; every child imported a frozen copy of it"
            ]
            if machine.get("code")
            else []
        ),
        "- start-up of a child before any work (best of 3): " + ", ".join(f"{k} {v:.2f} s" for k, v in startup.items()),
        "",
        "Corpora: `benchmarks/generate.py`, seed "
        + str(results[0]["seed"] if results else 0)
        + "; about 60 quoted facts per source, so `quotes` is the largest table.",
        "",
        "## Seconds per stage",
        "",
        "Each stage ran in a fresh child process (best of several runs where the notes below say so; "
        "`load` is the 1-minute load average when a run started: on this 2-core machine other work running "
        "at the same time shows as load above 1). Our stages are timed inside the child (imports and "
        "loading the stage's input excluded); the CLI baselines are wall-clock, start-up included "
        "(`sqlite-utils insert` is one process per table: "
        f"{_processes(results)} start-ups, summed).",
        "",
    ]
    names = ["generate", *OURS, *BASELINES]
    header = "| sources | total rows | largest table | " + " | ".join(LABELS[n] for n in names) + " |"
    lines += [header, "|" + "---|" * (3 + len(names))]
    for r in results:
        total, largest, largest_rows = _rows(r)
        cells = []
        for n in names:
            out = r["stages"].get(n)
            if out is None:
                cells.append("–")
            elif "skipped" in out:
                cells.append("skipped")
            elif "error" in out:
                cells.append("error")
            else:
                cells.append(_fmt(out["seconds"]))
        lines.append(f"| {r['sources']:,} | {total:,} | {largest} {largest_rows:,} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Throughput and memory",
        "",
        "rows/s counts every row of the package (all tables); peak MB is ru_maxrss of the stage's child "
        "plus the peak (VmHWM) of any process the stage starts (it includes the "
        "interpreter and the imports). facts->rows and rows->CSV are one streaming pass "
        "(rows go to CSV file by file): rows->CSV is the time spent writing inside it, and its peak is "
        "that of the whole pass.",
        "",
        "| sources | stage | seconds | rows/s | µs/row | peak MB | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        total, _, _ = _rows(r)
        for n in names:
            out = r["stages"].get(n)
            if not out:
                continue
            if "skipped" in out:
                lines.append(f"| {r['sources']:,} | {LABELS[n]} | – | – | – | – | skipped: {out['skipped']} |")
                continue
            if "error" in out:
                lines.append(
                    f"| {r['sources']:,} | {LABELS[n]} | – | – | – | {_fmt(out.get('peak_mb'), 0)} | "
                    f"error: {out['error'][:200]} |"
                )
                continue
            s = out["seconds"]
            notes = []
            if out.get("parts"):
                notes.append(", ".join(f"{k} {v:.2f}" for k, v in out["parts"].items()))
            if out.get("input_mb"):
                notes.append(f"input {out['input_mb']:.0f} MB")
            if len(out.get("runs", [])) > 1:
                notes.append(f"best of {len(out['runs'])}: {out['runs']}")
            if out.get("load") is not None:
                notes.append(f"load {max(out.get('loads') or [out['load']]):.1f}")
            if out.get("version"):
                notes.append(out["version"])
            if out.get("db_bytes"):
                notes.append(f"db {out['db_bytes'] / 1e6:.0f} MB")
            lines.append(
                f"| {r['sources']:,} | {LABELS[n]} | {_fmt(s)} | {_fmt(total / s if s and total else None, 0)} | "
                f"{_fmt(s / total * 1e6 if total else None)} | {_fmt(out.get('peak_mb'), 0)} | "
                f"{'; '.join(notes)} |"
            )
    lines += [
        "",
        "## Ours / theirs",
        "",
        "Below 1 means ours is faster (0.10 is ten times faster). Ours does more than each baseline: "
        "validate_package checks what frictionless checks and, on the same single read of every CSV, "
        "the project's own rules (quotes at their spans in the archived texts, budgets, periods, "
        "formula-like text); write_database types the columns and declares keys, checks the foreign "
        "keys, then indexes them, builds the FTS5 search indexes, views and statistics, while "
        "`sqlite-utils insert --csv` stores untyped text into tables without keys or indexes. The "
        "tables column sets write_database with indexes and search switched off, which does the baseline's "
        "job (loading the typed, keyed tables and checking the keys, in one process), against it; the SQLite "
        "load column the whole of it.",
        "",
        "| sources | validate / frictionless validate | SQLite tables / sqlite-utils insert --csv | "
        "SQLite load / sqlite-utils insert --csv | SQLite load / frictionless SQL export |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        st = r["stages"]
        tables_only = (
            {"seconds": st["sqlite"]["tables_seconds"]} if st.get("sqlite", {}).get("tables_seconds") else None
        )
        cells = [
            _ratio(st.get("validate"), st.get("frictionless_validate")),
            _ratio(tables_only, st.get("sqlite_utils_insert")),
            _ratio(st.get("sqlite"), st.get("sqlite_utils_insert")),
            _ratio(st.get("sqlite"), st.get("frictionless_sql")),
        ]
        lines.append(
            f"| {r['sources']:,} | " + " | ".join(_fmt(c) + ("×" if c is not None else "") for c in cells) + " |"
        )
    lines += ["", "## Scaling", ""]
    good = [r for r in results if r.get("tables")]
    if len(good) >= 2:
        big = max(good, key=lambda r: r["sources"])
        wanted = big["sources"] / 10
        small = min((r for r in good if r["sources"] < big["sources"]), key=lambda r: abs(r["sources"] - wanted))
        t_big, t_small = _rows(big)[0], _rows(small)[0]
        lines += [
            f"Time per row at {small['sources']:,} sources ({t_small:,} rows) against {big['sources']:,} "
            f"sources ({t_big:,} rows). A ratio near 1 is linear; above 1, time grows faster than the rows.",
            "",
            f"| stage | µs/row at {small['sources']:,} | µs/row at {big['sources']:,} | ratio |",
            "|---|---|---|---|",
        ]
        for n in names:
            a, b = small["stages"].get(n), big["stages"].get(n)
            if not a or not b or "seconds" not in a or "seconds" not in b or "error" in a or "error" in b:
                continue
            pa, pb = a["seconds"] / t_small * 1e6, b["seconds"] / t_big * 1e6
            lines.append(f"| {LABELS[n]} | {_fmt(pa)} | {_fmt(pb)} | {_fmt(pb / pa)} |")
    else:
        lines.append("Needs at least two sizes.")
    profiled = [r for r in results if r.get("profile") and "top" in r["profile"]]
    if profiled:
        r = profiled[-1]
        p = r["profile"]
        lines += [
            "",
            f"## Profile: `kz_rule_of_law.build.build` at {r['sources']:,} sources",
            "",
            f"cProfile, {p['seconds']:.1f} s under the profiler; stats in `{p['stats_file']}`.",
            "",
            "Top by cumulative time:",
            "",
            "| function | calls | own s | cumulative s |",
            "|---|---|---|---|",
        ]
        for row in p["top"]["cumulative"][:20]:
            lines.append(f"| `{row['function']}` | {row['calls']:,} | {row['tottime']:.2f} | {row['cumtime']:.2f} |")
        lines += [
            "",
            "Top by own time (where the time is actually spent):",
            "",
            "| function | calls | own s | cumulative s |",
            "|---|---|---|---|",
        ]
        for row in p["top"]["tottime"][:20]:
            lines.append(f"| `{row['function']}` | {row['calls']:,} | {row['tottime']:.2f} | {row['cumtime']:.2f} |")
    lines += ["", "## Notes", "", "NOTES_PLACEHOLDER", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, or (with --stage) one stage in this process."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", help=f"comma-separated numbers of sources (default {','.join(map(str, QUICK_SIZES))})"
    )
    parser.add_argument(
        "--full", action="store_true", help=f"sizes {','.join(map(str, FULL_SIZES))} (>= 1M quote rows)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="also cProfile the whole build at the largest size")
    parser.add_argument(
        "--sqlalchemy-path",
        action="append",
        default=[],
        help="a folder to put on PYTHONPATH for frictionless's SQL export (where SQLAlchemy is)",
    )
    parser.add_argument("--timeout", type=float, default=None, help="seconds before a child is killed")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every stage N times and keep the fastest (only for sizes under --repeat-below)",
    )
    parser.add_argument(
        "--repeat-below", type=int, default=10_000, help="sizes from this many sources run once (default 10000)"
    )
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results.json")
    parser.add_argument("--notes", type=Path, default=None, help="Markdown to put under Notes in the report")
    parser.add_argument(
        "--from-json",
        type=Path,
        default=None,
        help="only re-render the report from a results.json written by an earlier run",
    )
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        return child_main(args.stage, args.root, args.scratch, args.result)
    args.argv = argv
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        args.argv = saved.get("argv", argv)
        text = report(saved["results"], saved["machine"], saved["startup"], args)
        notes = args.notes.read_text(encoding="utf-8").strip() if args.notes else "(none recorded for this run)"
        args.out.write_text(text.replace("NOTES_PLACEHOLDER", notes), encoding="utf-8")
        print(f"wrote {args.out}")
        return 0
    sizes = FULL_SIZES if args.full else tuple(int(s) for s in args.sizes.split(",")) if args.sizes else QUICK_SIZES

    def log(message: str) -> None:
        print(message, flush=True)

    code = snapshot_code(WORK / "code")
    CODE["path"] = Path(code["path"])
    log(
        f"code under test: {code['commit']} ({code['subject']}), scripts/ sha256 {code['scripts_sha256']}"
        + (f", uncommitted: {code['uncommitted']}" if code["uncommitted"] else "")
    )
    machine = _machine()
    machine["code"] = code
    startup = startup_seconds()
    results = []
    for n in sizes:
        results.append(
            bench_size(
                n,
                args.seed,
                args.sqlalchemy_path,
                args.timeout,
                args.profile and n == max(sizes),
                log,
                args.repeat if n < args.repeat_below else 1,
            )
        )
        args.json.write_text(
            json.dumps(
                {"argv": argv, "machine": machine, "startup": startup, "results": results}, indent=1, default=str
            ),
            encoding="utf-8",
        )
    text = report(results, machine, startup, args)
    notes = args.notes.read_text(encoding="utf-8").strip() if args.notes else "(none recorded for this run)"
    text = text.replace("NOTES_PLACEHOLDER", notes)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
