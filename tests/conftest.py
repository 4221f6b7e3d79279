"""Shared fixtures: the package read once, its database and site built once into a temp folder, one live
server per project copy, one Chromium; and the guard that the run wrote nothing into the checkout."""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import hypothesis
import pytest
import yaml
from datasette.app import Datasette

from kz_rule_of_law.database.load import write_database
from kz_rule_of_law.package.descriptor import load_descriptor
from kz_rule_of_law.web.downloads import DOWNLOADS_MOUNT, write_downloads
from kz_rule_of_law.web.metadata import render_metadata
from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR
from workspace import _env, cli, copy_project, default_signals, free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Headless Debian Chromium as root, with nothing reaching out to the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DB_NAME = "kz-rule-of-law"
OUTPUT_VARIABLE = "KZ_TEST_OUTPUT"  # where screenshots go; a pytest temp folder when unset
# Hypothesis keeps its example database and caches under .hypothesis/ of the working directory: put
# them in the system's temp folder instead, so that the checkout stays as it was.
hypothesis.configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"kz-hypothesis-{os.getuid()}")
# The same examples on every run, so that a failure in CI is a failure on every machine, and no example
# database to replay; HYPOTHESIS_PROFILE=explore draws new examples each run and remembers failures.
hypothesis.settings.register_profile("deterministic", derandomize=True, database=None, deadline=None, print_blob=True)
hypothesis.settings.register_profile("explore", deadline=None)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


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
    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata,
        settings=SETTINGS,
        template_dir=str(ROOT / TEMPLATE_DIR),
        static_mounts=[(DOWNLOADS_MOUNT, str(downloads))],
    )


@pytest.fixture(scope="session")
def get(datasette: Datasette):
    """GET a path from the site with Datasette's test client."""

    def fetch(path: str, **params: str) -> httpx.Response:
        return asyncio.run(datasette.client.get(path, params=params or None))

    return fetch


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser), launched once. Playwright's
    event loop runs while it is open and asyncio.run needs none running, so the modules using it run
    last (pytest_collection_modifyitems)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def test_output(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Path:
    """The folder for what tests leave to look at (screenshots): $KZ_TEST_OUTPUT, or a pytest temp folder."""
    chosen = os.environ.get(OUTPUT_VARIABLE)
    folder = Path(chosen).resolve() if chosen else tmp_path_factory.mktemp("test-output")
    folder.mkdir(parents=True, exist_ok=True)
    pytestconfig.stash[OUTPUT_KEY] = folder
    return folder


@dataclass
class Server:
    """`kz-rule-of-law serve` running as a child process in a project folder."""

    url: str
    project: Path
    log: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """SIGTERM, which must end it cleanly: uvicorn shuts down, then re-raises the signal as its status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            pytest.fail(f"serve did not stop on SIGTERM:\n{self.log.read_text()[-5000:]}")
        assert status in (0, -signal.SIGTERM), self.log.read_text()[-5000:]
        assert "Finished server process" in self.log.read_text()


def start_server(project: Path, log: Path, timeout: float = 60) -> Server:
    """Start `serve` in `project` on a free loopback port and wait until it answers."""
    port = free_port()
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "kz_rule_of_law", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=project,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=_env(),
            preexec_fn=default_signals,
        )
    server = Server(f"http://127.0.0.1:{port}", project, log, process)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"serve exited {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(server.url + "/-/versions.json", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=10)
            pytest.fail(f"serve did not answer within {timeout} s:\n{log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def live_server() -> Iterator[Callable[[Path], Server]]:
    """start(project) -> Server: `serve` in a project folder (a copy: serve writes build/); the caller
    stops it with Server.stop(), and whatever is still running is stopped when the session ends."""
    started: list[Server] = []

    def start(project: Path) -> Server:
        server = start_server(project, project.parent / f"{project.name}-serve.log")
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project built once, build/ included: copy it (copy_tree) before changing or serving it."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    built = cli(project, "build")
    assert built.returncode == 0, built.stderr
    return project


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the committed project for tests that only read it but run commands that lock or build."""
    return copy_project(tmp_path_factory.mktemp("committed") / "project")


# The checkout is left as it was


OUTPUT_KEY = pytest.StashKey[Path]()
CHECKOUT_KEY = pytest.StashKey[dict[str, tuple[int, int] | None]]()


def written_by_python(path: str) -> bool:
    """Whether a path is what Python, pytest or pip write themselves: bytecode, pytest's cache, egg-info."""
    return "/__pycache__/" in f"/{path}" or path.startswith(".pytest_cache/") or ".egg-info/" in path


def checkout_state() -> dict[str, tuple[int, int] | None] | None:
    """Every changed, untracked or ignored path of the checkout outside .venv, with its size and mtime;
    None outside a git checkout."""
    try:
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(ROOT),
                "status",
                "--porcelain",
                "-z",
                "--ignored",
                "--untracked-files=all",
                "--",
                ".",
                ":(exclude).venv",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    state: dict[str, tuple[int, int] | None] = {}
    for entry in listed.split("\0"):
        path = entry[3:]
        if not path or written_by_python(path):
            continue
        try:
            stat = (ROOT / path).lstat()
            state[path] = (stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            state[path] = None
    return state


def pytest_configure(config: pytest.Config) -> None:
    """Remember the checkout's state before any test runs."""
    state = checkout_state()
    if state is not None:
        config.stash[CHECKOUT_KEY] = state


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules that use the browser run last, in their order: the one Playwright loop starts with them."""
    uses_browser = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("browser")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] in uses_browser)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run if it created, changed or removed anything in the checkout."""
    before = session.config.stash.get(CHECKOUT_KEY, None)
    after = checkout_state()
    if before is None or after is None:
        return
    output = session.config.stash.get(OUTPUT_KEY, None)
    chosen = [str(output.relative_to(ROOT)) + "/"] if output and output.is_relative_to(ROOT) else []
    changed = sorted(
        path
        for path in before.keys() | after.keys()
        if before.get(path, ()) != after.get(path, ()) and not path.startswith(tuple(chosen))
    )
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("")
            reporter.section("the tests changed the checkout (they must write under tmp paths only)", red=True)
            for path in changed:
                reporter.write_line(f"  {path}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Say where the screenshots are."""
    output = config.stash.get(OUTPUT_KEY, None)
    if output is not None:
        terminalreporter.write_line(f"test output (screenshots): {output}  (set {OUTPUT_VARIABLE} to choose)")
