"""What searching every column in a language costs: the SQLite load and file size with the search
indexes over names, titles and texts in Kazakh and English only (as before) and over every column in
a language, names and abbreviations (now), and the canned search query's time on the larger index.

    python -m benchmarks.search --sources 2000     # writes benchmarks/RESULTS-search.md

The corpus is benchmarks.generate's (synthetic, under build/synthetic/), built once with the package's
own build; each load runs in this process, one after the other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.machine import cpu_and_memory
from kz_rule_of_law.database import load, schema
from kz_rule_of_law.package.descriptor import load_descriptor, tables
from kz_rule_of_law.web.metadata import canned_queries
from kz_rule_of_law.web.plugin.search import register_escape_fts

REPO = Path(__file__).resolve().parent.parent
BEFORE = re.compile(r"(name|title|text)(_kk|_en)?")  # what the search indexes covered before
TERMS = ("азаптау", "Құқықтық", "torture", "EU", "ЕС", "пытки", "zzzz")
REPEAT = 5


def load_time(root: Path, db: Path, pattern: re.Pattern[str]) -> tuple[float, int]:
    """Seconds to write the database with search over the columns `pattern` names, and its bytes."""
    schema.SEARCHABLE = pattern
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    load.write_database(root, db)
    return time.perf_counter() - start, db.stat().st_size


def query_times(root: Path, db: Path) -> dict[str, tuple[float, int]]:
    """Median milliseconds of the canned search query for each term, and how many rows it returns."""
    sql = canned_queries(tables(load_descriptor(root / "datapackage.json")))["search"]["sql"]
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    register_escape_fts(conn)
    found = {}
    for term in TERMS:
        times, rows = [], 0
        for _ in range(REPEAT):
            start = time.perf_counter()
            rows = len(conn.execute(sql, {"q": term}).fetchmany(101))
            times.append(1000 * (time.perf_counter() - start))
        found[term] = (statistics.median(times), rows)
    conn.close()
    return found


def main(argv: list[str] | None = None) -> int:
    """Generate and build a corpus, time the loads and the query, write the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS-search.md")
    args = parser.parse_args(argv)
    root = generate(sources=args.sources)
    subprocess.run([sys.executable, "-m", "kz_rule_of_law", "build"], cwd=root, check=True, capture_output=True)
    with open(root / "data" / "quotes.csv", encoding="utf-8") as handle:
        quotes = sum(1 for _ in handle) - 1
    db = root / "build" / "search-bench.db"
    now = schema.SEARCHABLE
    # each load twice, in turn, the faster counted: the first load also warms the page cache
    loads = [load_time(root, db, pattern) for _ in range(2) for pattern in (BEFORE, now)]
    (before_s, before_bytes), (after_s, after_bytes) = min(loads[::2]), min(loads[1::2])
    times = query_times(root, db)
    lines = [
        "# Search over every column in a language: cost",
        "",
        f"`python -m benchmarks.search --sources {args.sources}`, {dt.date.today()}, {', '.join(cpu_and_memory())}.",
        f"Synthetic corpus: {args.sources} press releases, {quotes:,} quotes. Load average during the run: "
        f"{os.getloadavg()[0]:.1f} (on a shared machine the figures compare; they are not absolute).",
        "",
        "| search indexes over | SQLite load (s) | database (MB) |",
        "| --- | ---: | ---: |",
        f"| names, titles, texts in Kazakh and English (before) | {before_s:.2f} | {before_bytes / 1e6:.1f} |",
        f"| every column in a language, names, abbreviations (now) | {after_s:.2f} | {after_bytes / 1e6:.1f} |",
        "",
        f"The canned search query on the larger index (median of {REPEAT}, in process, first 101 rows):",
        "",
        "| search | ms | rows |",
        "| --- | ---: | ---: |",
        *(f"| `{term}` | {ms:.1f} | {rows} |" for term, (ms, rows) in times.items()),
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
