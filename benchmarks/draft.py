"""Time `kz-rule-of-law draft` on a release of about 10 KB against a package of many releases' known names.

    python -m benchmarks.generate --sources 20000 --out DIR && (cd DIR && kz-rule-of-law build)
    python -m benchmarks.draft --root DIR --repeat 5      # writes benchmarks/RESULTS-draft.md

The release is made of the package's own (synthetic) releases, joined until it holds --bytes, so that it
names known records in the forms the generator writes them. Three times are taken: building the index of
known names from data/*.csv, finding everything in the text with that index, and the whole command in a
fresh process (Python's start and imports included), each the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.machine import cpu_and_memory
from kz_rule_of_law.curation.draft_known import KnownNames
from kz_rule_of_law.curation.draft_release import everything
from kz_rule_of_law.curation.draft_write import NAMES_CACHE

HERE = Path(__file__).resolve().parent


def release(root: Path, size: int) -> str:
    """A text of at most `size` bytes made of the package's archived releases, cut after a word."""
    parts, total = [], 0
    for path in sorted((root / "archive").glob("*.txt")):
        parts.append(path.read_text(encoding="utf-8"))
        total += len(parts[-1].encode("utf-8")) + 1
        if total >= size:
            break
    text = "\n".join(parts).encode("utf-8")[:size].decode("utf-8", errors="ignore")
    return text[: text.rfind(" ")] if len(text.encode("utf-8")) >= size else text


def best(action: object, repeat: int) -> tuple[float, float, object]:
    """The shortest wall and processor times of `repeat` runs of a callable (its child processes
    included), and its last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), _cpu()
        result = action()  # type: ignore[operator]
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
    return min(walls), min(cpus), result


def _cpu() -> float:
    """Processor time used so far by this process and its finished children (user and system)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Measure and write benchmarks/RESULTS-draft.md."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.draft", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="a built project (data/*.csv) of many releases")
    parser.add_argument("--bytes", type=int, default=10_000, help="size of the release drafted (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure; the best is kept")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-draft.md")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    text = release(root, args.bytes)
    sources = sum(1 for _ in (root / "archive").glob("*.txt"))
    cache = root / NAMES_CACHE
    cache.unlink(missing_ok=True)
    index_time, index_cpu, index = best(lambda: KnownNames.from_package(root, text), args.repeat)
    cached_time, cached_cpu, _ = best(lambda: KnownNames.cached(root, text, cache), args.repeat)  # keeps it
    assert isinstance(index, KnownNames)
    find_time, find_cpu, found = best(lambda: everything(text, "kk", index), args.repeat)
    assert isinstance(found, list)
    sample = root / "build" / "draft-benchmark.txt"
    sample.parent.mkdir(exist_ok=True)
    sample.write_text(text, encoding="utf-8")
    command = [str(Path(sys.executable).parent / "kz-rule-of-law"), "draft", "--json", str(sample)]
    run = lambda: subprocess.run(command, cwd=root, check=True, capture_output=True)  # noqa: E731
    whole_time, whole_cpu, _ = best(run, args.repeat)  # `draft --json` reads the names kept, writes nothing
    cache.unlink()
    cold_time, cold_cpu, _ = best(run, args.repeat)
    names = len(KnownNames.from_package(root).ids)
    cpu, memory = cpu_and_memory()
    kinds = sorted({c.kind for c in found})
    rows = [
        ("index the known names the text may hold, from data/*.csv", index_time, index_cpu),
        (f"the same from the names kept in {NAMES_CACHE} (data/ unchanged)", cached_time, cached_cpu),
        ("find values, mentions, proposals in the text", find_time, find_cpu),
        ("the whole `draft --json` command, no names kept (reads data/*.csv)", cold_time, cold_cpu),
        ("the whole `draft --json` command (fresh process, names kept)", whole_time, whole_cpu),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    report = [
        "# draft: speed",
        "",
        f"Measured by `python -m benchmarks.draft --root DIR --repeat {args.repeat}` on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {cpu}, {memory}, shared with other work.",
        "",
        f"Package: {sources:,} synthetic releases (`python -m benchmarks.generate --sources {sources} --seed 0`, "
        f"then `kz-rule-of-law build` in it), {names:,} known records "
        f"indexed. Release drafted: {len(text.encode('utf-8')):,} bytes, {len(text.split()):,} words; "
        f"{len(found):,} candidates found ({', '.join(kinds)}).",
        "",
        "The index holds only the names whose first word (in some case form) the text holds. Reading the "
        "CSVs is most of its time, so `draft` (writing a facts file) keeps the package's distinct names and "
        f"their ids in {NAMES_CACHE}, read again (by `draft --json` too, which writes nothing) while every "
        "CSV has the content digest it was made from (sha256: a modification time is no identity). The "
        "values are tried only on spans that can hold them (digits, a word for years).",
        "",
        f"Load average during the runs: {load} (2 cores): wall time grows with the load, processor time much less.",
        "",
        "| step | wall, best of runs (s) | processor, best of runs (s) |",
        "| --- | --- | --- |",
        *(f"| {what} | {wall:.2f} | {cpu:.2f} |" for what, wall, cpu in rows),
        "",
        f"Goal: the whole command under 2 s: {'met' if whole_time < 2 else 'not met'} in wall time, "
        f"{'met' if whole_cpu < 2 else 'not met'} in processor time.",
        "",
    ]
    args.out.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
