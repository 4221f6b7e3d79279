"""Page weight of the site: the bytes a first visit transfers for each page type, with its assets.

    python -m benchmarks.page_weight            # prints the table, writes benchmarks/RESULTS-page-weight.md
    python -m benchmarks.page_weight --print    # prints only (the notes below the table are kept on writing)

The committed package is loaded into a temporary database and served in process (Datasette's
client, the site's plugin, metadata and downloads, as `serve` runs it). For each page type, its page
is fetched cold (an empty browser cache: every asset once) with `Accept-Encoding: gzip`, then every
stylesheet, script, image and icon it links to; the weight is the bytes on the wire (compressed
bodies, headers not counted), measured against BUDGET_BYTES (100 KB).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import yaml
from datasette.app import Datasette

from kz_rule_of_law.database.load import write_database
from kz_rule_of_law.package.descriptor import load_descriptor
from kz_rule_of_law.web.downloads import DOWNLOADS_MOUNT, write_downloads
from kz_rule_of_law.web.metadata import render_metadata
from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("RESULTS-page-weight.md")
NOTES = "<!-- notes: kept when the table is written again -->"
BUDGET_BYTES = 100_000
DB = "kz-rule-of-law"
ASSET_TAGS = {("link", "href"), ("script", "src"), ("img", "src")}
ASSET_RELS = {"stylesheet", "icon", "preload", "modulepreload"}


def page_types(descriptor: dict, first_source: str, first_quote: str | None = None) -> dict[str, str]:
    """One path per page type (every canned query counted on its own)."""
    queries = yaml.safe_load((TEMPLATE_DIR.parent / "queries" / "queries.yml").read_text(encoding="utf-8"))
    pages = {
        "home": "/",
        "database": f"/{DB}",
        "table": f"/{DB}/budgets",
        "table, large": f"/{DB}/quotes",
        "row": f"/{DB}/sources/{first_source}",
        "arbitrary SQL": f"/{DB}?sql=select+*+from+budgets",
        "chart": "/-/funding",
        "downloads": f"/{DOWNLOADS_MOUNT}/",
        "data dictionary": "/-/data-dictionary",
        "not found": "/no-such-page",
        "release": f"/-/releases/{first_source}",
        "changes": "/-/changes",
    }
    if first_quote:
        pages["quote"] = f"/-/quotes/{first_quote}"
    for name in queries:
        pages[f"query {name}"] = f"/{DB}/{name}"
    return pages


class _Assets(HTMLParser):
    """The URLs of the stylesheets, scripts, images and icons a page links to."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, attribute in ASSET_TAGS:
            value = found.get(attribute)
            if tag != name or not value or value.startswith("data:"):
                continue
            if tag == "link" and not ASSET_RELS & set((found.get("rel") or "").lower().split()):
                continue
            self.urls.append(value)


def assets_of(html: str, page: str) -> list[str]:
    """The same-site asset paths (with query string) of a page, each once, in order."""
    parser = _Assets()
    parser.feed(html)
    paths: list[str] = []
    for url in parser.urls:
        parts = urlsplit(urljoin("http://localhost" + page, url))
        if parts.hostname != "localhost":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths


@dataclass
class Weight:
    """What one page transfers on a cold visit."""

    page: str
    status: int
    html_bytes: int
    asset_bytes: int
    assets: int

    @property
    def total(self) -> int:
        """Page and assets, compressed bytes."""
        return self.html_bytes + self.asset_bytes


async def weigh(client: httpx.AsyncClient, page: str) -> Weight:
    """The cold weight of one page: its body and every asset's, as sent with gzip accepted."""
    headers = {"accept-encoding": "gzip"}
    response = await client.get(page, headers=headers)
    asset_bytes = 0
    assets = assets_of(response.text, page)
    for asset in assets:
        fetched = await client.get(asset, headers=headers)
        asset_bytes += fetched.num_bytes_downloaded
    return Weight(page, response.status_code, response.num_bytes_downloaded, asset_bytes, len(assets))


def site(folder: Path) -> Datasette:
    """The committed package served in process as `serve` serves it, its files under `folder`."""
    database = folder / f"{DB}.db"
    write_database(ROOT, database)
    downloads = folder / DOWNLOADS_MOUNT
    write_downloads(ROOT, downloads)
    with open(ROOT / "data" / "sources.csv", encoding="utf-8", newline="") as handle:
        sources = list(csv.DictReader(handle))
    metadata = yaml.safe_load(render_metadata(load_descriptor(ROOT / "datapackage.json"), sources))
    return Datasette(
        immutables=[str(database)],
        metadata=metadata,
        settings=SETTINGS,
        template_dir=str(TEMPLATE_DIR),
        static_mounts=[(DOWNLOADS_MOUNT, str(downloads))],
    )


async def measure(datasette: Datasette, pages: dict[str, str]) -> dict[str, Weight]:
    """The weight of every page type; each page on a fresh client (cold)."""
    weights = {}
    for kind, page in pages.items():
        transport = httpx.ASGITransport(app=datasette.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            weights[kind] = await weigh(client, page)
    return weights


def table(weights: dict[str, Weight]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| page type | path | status | page (gzip) | assets | assets (gzip) | total | under 100 KB |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind, w in weights.items():
        verdict = "yes" if w.total < BUDGET_BYTES else "**no**"
        lines.append(
            f"| {kind} | `{w.page}` | {w.status} | {w.html_bytes:,} | {w.assets} | {w.asset_bytes:,} | "
            f"{w.total:,} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and write RESULTS-page-weight.md unless --print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print only, write no results file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kz-page-weight-") as folder:
        datasette = site(Path(folder))
        with open(ROOT / "data" / "sources.csv", encoding="utf-8", newline="") as handle:
            first = next(csv.DictReader(handle))["source_id"]
        with open(ROOT / "data" / "quotes.csv", encoding="utf-8", newline="") as handle:
            quote = next(csv.DictReader(handle))["quote_id"]
        pages = page_types(load_descriptor(ROOT / "datapackage.json"), first, quote)
        weights = asyncio.run(measure(datasette, pages))
    text = table(weights)
    print(text)
    if not args.print:
        today = dt.date.today().isoformat()
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        notes = old[old.index(NOTES) :] if NOTES in old else NOTES + "\n"
        RESULTS.write_text(
            f"# Page weight\n\nMeasured {today} with `python -m benchmarks.page_weight` on the committed package: "
            f"bytes transferred by a cold visit (gzip accepted), page and assets, against {BUDGET_BYTES:,} "
            f"bytes.\n\n{text}\n\n{notes}",
            encoding="utf-8",
        )
    over = [kind for kind, w in weights.items() if w.total >= BUDGET_BYTES]
    if over:
        print("over the budget: " + ", ".join(over), file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
