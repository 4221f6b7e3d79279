"""Serve the site with Datasette (immutable, read-only), and the command that publishes it."""

from __future__ import annotations

import os
import shlex
import socket
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NoReturn

from . import build as building
from .descriptor import load_descriptor
from .errors import InputError, InternalError
from .site import DOWNLOADS_MOUNT, write_downloads

PLUGINS_DIR = "scripts/plugins"
TEMPLATE_DIR = "templates"
DATASETTE = "datasette==0.65.5"
PLUGINS = ("datasette-search-all==1.1.4",)
PUBLISH_TARGETS = ("cloudrun", "fly")
# Datasette settings: a time limit on every query, no facet suggestions (small tables, slow
# pages), pages big enough for the largest table, long Kazakh texts cut on table pages only.
SETTINGS: dict[str, int | bool] = {
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 200,
    "suggest_facets": False,
    "default_facet_size": 10,
    "default_page_size": 100,
    "max_returned_rows": 1000,
    "truncate_cells_html": 400,
}


@dataclass(frozen=True)
class Site:
    """The files the site is served from."""

    root: Path
    database: Path
    inspect_file: Path
    metadata: Path
    plugins_dir: Path
    template_dir: Path
    downloads: Path


def site_files(root: Path) -> Site:
    """Where the site's files are under the project `root`."""
    database = root / building.database_path(root)
    return Site(root, database, database.with_suffix(".inspect.json"), root / building.METADATA,
                root / PLUGINS_DIR, root / TEMPLATE_DIR, root / building.BUILD_DIR / DOWNLOADS_MOUNT)


def inputs(root: Path) -> list[Path]:
    """The files the site is built from: facts, archived texts, descriptor, CSVs and metadata."""
    return [root / "datapackage.json", *sorted((root / "data").glob("*.csv")), root / building.METADATA,
            *building.facts_files(root), *sorted((root / "archive").glob("*"))]


def is_stale(target: Path, sources: list[Path]) -> bool:
    """Whether `target` is missing or older than any of `sources`."""
    if not target.is_file():
        return True
    built = target.stat().st_mtime
    return any(s.is_file() and s.stat().st_mtime > built for s in sources)


def check_database(path: Path) -> None:
    """Raise InputError in one line if `path` is not a readable SQLite database with tables."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            status = conn.execute("PRAGMA quick_check").fetchone()[0]
            count = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except sqlite3.Error as e:
        raise InputError(f"{path}: not a usable SQLite database ({e}); delete it and run serve again") from None
    if status != "ok" or not count:
        raise InputError(f"{path}: damaged or empty database ({status}); delete it and run serve again")


def check_port(host: str, port: int) -> None:
    """Raise InputError in one line unless a server could listen on host:port (bound as uvicorn does)."""
    if not 0 < port < 65536:
        raise InputError("invalid port", value=port, expected="a number from 1 to 65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror as e:
            raise InputError(f"cannot serve on {host}: {e.strerror}") from None
        except OSError as e:
            raise InputError(f"cannot serve on {host}:{port}: {e.strerror} (another server? try --port)") from None


def prepare(root: Path) -> Site:
    """Rewrite the database if stale, check it, write the downloads and the inspect file."""
    site = site_files(root)
    if not site.metadata.is_file() or is_stale(site.database, inputs(root)):
        building.build(root)
    check_database(site.database)
    write_downloads(root, site.downloads)
    if is_stale(site.inspect_file, [site.database]):
        write_inspect(site)
    return site


def write_inspect(site: Site) -> None:
    """Write Datasette's inspect file (table counts, hash) for the immutable database."""
    scratch = site.inspect_file.with_name(f".{site.inspect_file.name}.tmp")
    command = [sys.executable, "-m", "datasette", "inspect", str(site.database), "--inspect-file", str(scratch)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        scratch.unlink(missing_ok=True)
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise InternalError(f"datasette inspect failed for {site.database}: {last}")
    os.replace(scratch, site.inspect_file)


def _settings(style: str) -> list[str]:
    """SETTINGS as command-line options."""
    options = []
    for name, value in SETTINGS.items():
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        options += [style, name, text]
    return options


def serve_command(site: Site, host: str, port: int) -> list[str]:
    """The `datasette serve` command line of the site: immutable database, read-only SQL."""
    return [
        sys.executable, "-m", "datasette", "serve",
        "-i", str(site.database), "--inspect-file", str(site.inspect_file),
        "--metadata", str(site.metadata),
        "--plugins-dir", str(site.plugins_dir), "--template-dir", str(site.template_dir),
        "--static", f"{DOWNLOADS_MOUNT}:{site.downloads}",
        *_settings("--setting"), "--cors",
        "--host", host, "--port", str(port),
    ]


def url(host: str, port: int) -> str:
    """The site's address."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(root: Path, host: str, port: int, echo: Callable[[str], None]) -> NoReturn:
    """Prepare the site and replace this process with Datasette serving it."""
    check_port(host, port)
    site = prepare(root)
    command = serve_command(site, host, port)
    echo(f"serving {url(host, port)} (database {site.database.relative_to(root)}; Ctrl+C stops)")
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(root)
    os.execv(command[0], command)


def publish_command(site: Site, target: str, name: str) -> list[str]:
    """The `datasette publish` command that deploys the site, with paths relative to the root."""
    if target not in PUBLISH_TARGETS:
        raise InputError("unknown publish target", value=target, expected="one of: " + ", ".join(PUBLISH_TARGETS))
    rel = lambda p: str(p.relative_to(site.root))  # noqa: E731
    command = [
        "datasette", "publish", target, rel(site.database),
        *(["--service", name] if target == "cloudrun" else ["--app", name]),
        "--metadata", rel(site.metadata),
        "--plugins-dir", rel(site.plugins_dir), "--template-dir", rel(site.template_dir),
        "--static", f"{DOWNLOADS_MOUNT}:{rel(site.downloads)}",
        "--install", DATASETTE, *(arg for plugin in PLUGINS for arg in ("--install", plugin)),
    ]
    if target == "fly":
        return command + _settings("--setting")
    return command + ["--extra-options", " ".join(_settings("--setting"))]


def publish(root: Path, target: str, dry_run: bool, echo: Callable[[str], None]) -> None:
    """Print the publish command; unless a dry run, prepare the site and run it."""
    site = site_files(root)
    command = publish_command(site, target, load_descriptor(root / "datapackage.json")["name"])
    echo(shlex.join(command))
    if dry_run:
        return
    prepare(root)
    result = subprocess.run(command, cwd=root)
    if result.returncode:
        raise InternalError(f"datasette publish {target} failed (exit {result.returncode})")

