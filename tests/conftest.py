"""Shared fixtures: the package read once, its database and site built once into a temp folder."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import httpx
import pytest
import yaml
from datasette.app import Datasette

from kz_rule_of_law.database.load import write_database
from kz_rule_of_law.package.descriptor import load_descriptor
from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR
from kz_rule_of_law.web.downloads import DOWNLOADS_MOUNT, write_downloads
from kz_rule_of_law.web.metadata import render_metadata

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Headless Debian Chromium as root, with nothing reaching out to the network on its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
DB_NAME = "kz-rule-of-law"


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of data/<name>.csv as strings, as published."""
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def root() -> Path:
    """The project folder."""
    return ROOT


@pytest.fixture(scope="session")
def csv_rows():
    """read_csv: the published rows of one table."""
    return read_csv


@pytest.fixture(scope="session")
def descriptor() -> dict:
    """datapackage.json."""
    return load_descriptor(ROOT / "datapackage.json")


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database written from the committed package."""
    path = tmp_path_factory.mktemp("site") / f"{DB_NAME}.db"
    write_database(ROOT, path)
    return path


@pytest.fixture(scope="session")
def datasette(db_path: Path, descriptor: dict, tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    """The site as `serve` runs it: immutable database, generated metadata, plugins, downloads."""
    downloads = tmp_path_factory.mktemp("downloads")
    write_downloads(ROOT, downloads)
    metadata = yaml.safe_load(render_metadata(descriptor, read_csv("sources")))
    return Datasette(immutables=[str(db_path)], metadata=metadata, settings=SETTINGS,
                     template_dir=str(ROOT / TEMPLATE_DIR),
                     static_mounts=[(DOWNLOADS_MOUNT, str(downloads))])


@pytest.fixture(scope="session")
def get(datasette: Datasette):
    """GET a path from the site with Datasette's test client."""

    def fetch(path: str, **params: str) -> httpx.Response:
        return asyncio.run(datasette.client.get(path, params=params or None))

    return fetch


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser), per module: Playwright's
    event loop runs while it is open, and asyncio.run in other modules' tests needs none running."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
