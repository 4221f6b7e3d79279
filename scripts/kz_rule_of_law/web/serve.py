"""Serve the site with Datasette (immutable, read-only), and the command that publishes it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import socket
import sqlite3
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, NoReturn

import yaml

from .. import build as building
from . import downloads as downloads_module
from ..package.descriptor import load_descriptor
from ..errors import InputError, InternalError
from .downloads import DOWNLOADS_MOUNT, write_downloads

# The plugin (kz_rule_of_law.web.plugin) is registered with Datasette through the package's
# `datasette` entry point, so no plugins directory is passed; the templates ship as package data.
PLUGINS_DIR: Path | None = None
TEMPLATE_DIR = Path(__file__).parent / "templates"
# `datasette publish` installs a wheel of this project (plugin, templates and pinned dependencies)
# from a static folder copied into its build context.
WHEEL_DIR = Path("build") / "dist"
WHEEL_MOUNT = "dist"
SOURCE = Path(__file__).resolve().parents[3]  # the checkout this code runs from (pyproject.toml)
DATASETTE = "datasette==0.65.5"
PLUGINS = ("datasette-search-all==1.1.4",)
PUBLISH_TARGETS = ("cloudrun", "fly")
# Datasette settings: a time limit on every query, no facet suggestions (small tables, slow
# pages), long Kazakh texts cut on table pages only. A canned query shows at most one page of rows,
# as a table page does (its JSON and CSV too; table CSV with _stream=on and the downloads have every
# row): with 20,000 press releases a page of 1,000 rows was 1-2 MB of HTML and 40-110 ms of
# rendering alone (benchmarks/RESULTS-site-scale.md).
SETTINGS: dict[str, int | bool] = {
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 200,
    "suggest_facets": False,
    "default_facet_size": 10,
    "default_page_size": 100,
    "max_returned_rows": 100,
    "truncate_cells_html": 400,
}
# What the last start checked and wrote (under build/), so that the next start skips what has not
# changed: the full integrity check of the database, the downloads (a zip of every CSV), the JSON
# copy of metadata.yml. Each is keyed by the size, mtime and inode of the files it depends on.
STATE_FILE = "serve-state.json"
SERVED_METADATA = "metadata.json"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Site:
    """The files the site is served from."""

    root: Path
    database: Path
    inspect_file: Path
    metadata: Path
    plugins_dir: Path | None
    template_dir: Path
    downloads: Path
    served_metadata: Path | None = None  # metadata.yml as JSON: what Datasette reads (10x faster)
    state: Path | None = None  # what the last start checked and wrote (STATE_FILE)


def site_files(root: Path) -> Site:
    """Where the site's files are under the project `root`."""
    database = root / building.database_path(root)
    build_dir = root / building.BUILD_DIR
    return Site(root, database, database.with_suffix(".inspect.json"), root / building.METADATA,
                PLUGINS_DIR, TEMPLATE_DIR, build_dir / DOWNLOADS_MOUNT,
                build_dir / SERVED_METADATA, build_dir / STATE_FILE)


def inputs(root: Path) -> list[Path]:
    """The files the site is built from: facts, archived texts, descriptor, CSVs and metadata."""
    return [root / "datapackage.json", *_listing(root / "data", ".csv"), root / building.METADATA,
            *_listing(root / building.FACTS_DIR, ".yml"), *_listing(root / "archive", "")]


def _listing(folder: Path, suffix: str) -> list[Path]:
    """What `sorted(folder.glob("*" + suffix))` finds (hidden names too, as pathlib's glob does), in
    name order: 6x faster than sorting Paths for the 40,000 facts files and archived texts of 20,000
    press releases."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(suffix))
    except OSError:
        return []
    return [folder / name for name in names]


def is_stale(target: list[int] | None, sources: Iterable[list[int] | None]) -> bool:
    """Whether a file is missing or older than any of `sources` that exist (all as file_key gives)."""
    return target is None or any(key is not None and key[1] > target[1] for key in sources)


def check_database(path: Path, full: bool = True) -> None:
    """Raise InputError in one line if `path` is not a readable SQLite database with tables.

    Always cheap: the header (magic, page size, the file as long as the header says), the schema
    and the first row of every table. `full` adds `PRAGMA quick_check`, which reads every page
    (0.6 s for 860 MB from the page cache, far more from disk): run it once per database file."""
    problem = _header_problem(path)
    if problem:
        raise InputError(f"{path}: not a usable SQLite database ({problem}); delete it and run serve again",
                         code="unusable-database")
    conn = None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        status = conn.execute("PRAGMA quick_check").fetchone()[0] if full else "ok"
        names = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        for name in names:
            conn.execute(f'SELECT * FROM "{name.replace(chr(34), chr(34) * 2)}" LIMIT 1').fetchall()
    except sqlite3.Error as e:
        raise InputError(f"{path}: not a usable SQLite database ({e}); delete it and run serve again",
                         code="unusable-database") from None
    finally:
        if conn is not None:
            conn.close()
    if status != "ok" or not names:
        raise InputError(f"{path}: damaged or empty database ({status}); delete it and run serve again",
                         code="unusable-database")


def _header_problem(path: Path) -> str | None:
    """What is wrong with the 100-byte header of a SQLite file, if anything."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except OSError as e:
        return e.strerror
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "file is not a database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"invalid page size {page_size}"
    pages, counter, valid_for = (int.from_bytes(header[i:i + 4], "big") for i in (28, 24, 92))
    if pages and counter == valid_for and size < pages * page_size:
        return f"truncated: {size} bytes, the header says {pages * page_size}"
    return None


def check_port(host: str, port: int) -> None:
    """Raise InputError in one line unless a server could listen on host:port (bound as uvicorn does)."""
    if not 0 < port < 65536:
        raise InputError("invalid port", value=port, expected="a number from 1 to 65535", code="invalid-port")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror as e:
            raise InputError(f"cannot serve on {host}: {e.strerror}", code="cannot-listen") from None
        except OSError as e:
            raise InputError(f"cannot serve on {host}:{port}: {e.strerror} (another server? try --port)",
                             code="cannot-listen") from None


def prepare(root: Path) -> Site:
    """Rewrite the database if stale, check it, write the downloads, the inspect file and the JSON
    metadata; what is already done for these very files (STATE_FILE) is not done again."""
    site = site_files(root)
    sources = _keys(inputs(root))
    if not site.metadata.is_file() or is_stale(file_key(site.database), sources.values()):
        building.build(root)
        sources = _keys(inputs(root))
    sources.update(_keys([Path(downloads_module.__file__)]))  # the downloads are written by its code
    state = _read_state(site)
    database = file_key(site.database)
    check_database(site.database, full=state.get("database") != database)
    state["database"] = database
    _write_state(site, state)
    downloads_inputs = fingerprint(sources, str(root))
    if state.get("downloads") != downloads_inputs or state.get("downloads_files") != tree_keys(site.downloads):
        state.pop("downloads", None)
        _write_state(site, state)
        write_downloads(root, site.downloads)
        state.update(downloads=downloads_inputs, downloads_files=tree_keys(site.downloads))
        _write_state(site, state)
    if state.get("inspect") != [database, file_key(site.inspect_file)]:
        write_inspect(site)  # counts and hash of this very database file, not of an older one
        state["inspect"] = [database, file_key(site.inspect_file)]
        _write_state(site, state)
    if state.get("metadata") != [file_key(site.metadata), file_key(site.served_metadata)]:
        write_served_metadata(site)
        state["metadata"] = [file_key(site.metadata), file_key(site.served_metadata)]
        _write_state(site, state)
    return site


def file_key(path: Path | str | None) -> list[int] | None:
    """Size, mtime (ns) and inode of a file: a new key whenever it is rewritten or replaced."""
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino] if stat else None


def _keys(paths: list[Path]) -> dict[str, list[int] | None]:
    """file_key of each path (None if missing), by path; os.stat on strings (40,000 files: 0.08 s)."""
    return {path: file_key(path) for path in map(str, paths)}


def fingerprint(keys: dict[str, list[int] | None], root: str) -> str:
    """One digest of the path (relative to `root`), size, mtime and inode of files (missing ones too)."""
    prefix = root.rstrip(os.sep) + os.sep
    digest = hashlib.sha256()
    for path, key in keys.items():
        name = path[len(prefix):] if path.startswith(prefix) else path
        digest.update(f"{name}\0{key}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def tree_keys(folder: Path) -> dict[str, list[int]]:
    """Size and mtime (ns) of every file under `folder`, by relative path."""
    keys: dict[str, list[int]] = {}
    pending = [("", str(folder))]
    while pending:
        relative, directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = relative + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((name + "/", entry.path))
            elif entry.is_file():
                stat = entry.stat()
                keys[name] = [stat.st_size, stat.st_mtime_ns]
    return dict(sorted(keys.items()))


def _read_state(site: Site) -> dict[str, Any]:
    """What the last start checked and wrote; empty when unknown or unreadable."""
    try:
        state = json.loads(site.state.read_text(encoding="utf-8"))
    except (OSError, ValueError, AttributeError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(site: Site, state: dict[str, Any]) -> None:
    """Record what this start checked and wrote (atomically: a stopped start leaves the old state)."""
    scratch = site.state.with_name(f".{site.state.name}.{os.getpid()}.tmp")
    scratch.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
    os.replace(scratch, site.state)


def write_served_metadata(site: Site) -> None:
    """metadata.yml as JSON, the same data: Datasette parses 10 MB of YAML in 1.3 s, of JSON in 0.05 s."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        metadata = yaml.load(site.metadata.read_text(encoding="utf-8"), Loader=loader)
        text = json.dumps(metadata, ensure_ascii=False, default=str)  # a YAML date as Datasette shows it
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise InputError(f"{site.metadata}: cannot be served: {e}", code="unusable-metadata") from None
    scratch = site.served_metadata.with_name(f".{site.served_metadata.name}.{os.getpid()}.tmp")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, site.served_metadata)


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
        "--metadata", str(site.served_metadata or site.metadata),
        "--template-dir", str(site.template_dir),
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
        raise InputError("unknown publish target", value=target, expected="one of: " + ", ".join(PUBLISH_TARGETS),
                         code="unknown-publish-target")

    def rel(path: Path) -> str:
        """A path as the command gives it: relative to the root."""
        return os.path.relpath(path, site.root)

    command = [
        "datasette", "publish", target, rel(site.database),
        *(["--service", name] if target == "cloudrun" else ["--app", name]),
        "--metadata", rel(site.metadata), "--template-dir", rel(site.template_dir),
        "--static", f"{DOWNLOADS_MOUNT}:{rel(site.downloads)}",
        "--static", f"{WHEEL_MOUNT}:{WHEEL_DIR}",
        "--install", DATASETTE, *(arg for plugin in PLUGINS for arg in ("--install", plugin)),
        "--install", f"{WHEEL_MOUNT}/{wheel_name()}",
    ]
    if target == "fly":
        return command + _settings("--setting")
    return command + ["--extra-options", " ".join(_settings("--setting"))]


def wheel_name() -> str:
    """The file name of the wheel `pip wheel` builds from SOURCE."""
    try:
        project = tomllib.loads((SOURCE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"{SOURCE}: not the project's source checkout ({e}); publish needs one",
                         code="file-not-found") from None
    return f"{re.sub(r'[-_.]+', '_', project['name']).lower()}-{project['version']}-py3-none-any.whl"


def wheel_command(site: Site) -> list[str]:
    """The command (run in the root) that builds the wheel `datasette publish` installs, into WHEEL_DIR."""
    return [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(WHEEL_DIR), str(SOURCE)]


def publish(root: Path, target: str, dry_run: bool, echo: Callable[[str], None]) -> None:
    """Print the publish command; unless a dry run, prepare the site and run it."""
    site = site_files(root)
    command = publish_command(site, target, load_descriptor(root / "datapackage.json")["name"])
    wheel = wheel_command(site)
    echo(shlex.join(wheel))
    echo(shlex.join(command))
    if dry_run:
        return
    prepare(root)
    if subprocess.run(wheel, cwd=root).returncode:
        raise InternalError(f"building the wheel of {SOURCE} failed")
    result = subprocess.run(command, cwd=root)
    if result.returncode:
        raise InternalError(f"datasette publish {target} failed (exit {result.returncode})")

