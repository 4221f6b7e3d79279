"""Serve the site with Datasette (immutable, read-only), and the command that publishes it."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import yaml

from .. import build as building
from .. import state
from ..atomic import atomic_path, remove_leftovers, write_bytes
from ..database.load import write_database
from ..errors import InputError, InternalError
from ..identity import Identities, Records
from ..package.descriptor import load_descriptor
from ..state import inputs  # noqa: F401 - the files the committed package is judged by
from .downloads import DOWNLOADS_MOUNT, write_downloads

# The plugin (kz_rule_of_law.web.plugin) is registered with Datasette through the package's
# `datasette` entry point, so no plugins directory is passed; the templates ship as package data.
TEMPLATE_DIR = Path(__file__).parent / "templates"
# `datasette publish` installs a wheel of this project (plugin, templates and pinned dependencies)
# from a static folder copied into its build context.
WHEEL_DIR = Path("build") / "dist"
WHEEL_MOUNT = "dist"
SOURCE = Path(__file__).resolve().parents[3]  # the checkout this code runs from (pyproject.toml)
DATASETTE = "datasette==0.65.5"
PLUGINS = ("datasette-search-all==1.1.4",)
PUBLISH_TARGETS = ("cloudrun", "fly")
# Datasette settings, in the form of Datasette's own settings.json: a time limit on every query, no
# facet suggestions (small tables, slow pages), long Kazakh texts cut on table pages only. A canned
# query shows at most one page of rows, as a table page does (its JSON and CSV too; table CSV with
# _stream=on and the downloads have every row): a page of 1,000 rows of a large package is megabytes
# of HTML (benchmarks/RESULTS-site-scale.md).
SETTINGS_FILE = Path(__file__).parent / "settings.json"
SETTINGS: dict[str, int | bool] = json.loads(SETTINGS_FILE.read_text(encoding="utf-8"))
SERVED_METADATA = "metadata.json"
# The record that the database with this identity passed `PRAGMA quick_check`.
DATABASE_CHECKED = "quick_check"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Site:
    """The files the site is served from."""

    root: Path
    database: Path
    inspect_file: Path
    metadata: Path
    template_dir: Path
    downloads: Path
    served_metadata: Path  # metadata.yml as JSON: what Datasette reads (parsed far faster)


def site_files(root: Path) -> Site:
    """Where the site's files are under the project `root`."""
    database = root / building.database_path(root)
    build_dir = root / building.BUILD_DIR
    return Site(
        root,
        database,
        database.with_suffix(".inspect.json"),
        root / building.METADATA,
        TEMPLATE_DIR,
        build_dir / DOWNLOADS_MOUNT,
        build_dir / SERVED_METADATA,
    )


def check_database(path: Path, full: bool = True) -> None:
    """Raise InputError in one line if `path` is not a readable SQLite database with tables.

    Always cheap: the header (magic, page size, the file as long as the header says), the schema
    and the first row of every table. `full` adds `PRAGMA quick_check`, which reads every page
    (0.6 s for 860 MB from the page cache, far more from disk): run it once per database file."""
    problem = _header_problem(path)
    if problem:
        raise InputError(
            f"{path}: not a usable SQLite database ({problem}); delete it and run serve again", code="unusable-database"
        )
    conn = None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        status = conn.execute("PRAGMA quick_check").fetchone()[0] if full else "ok"
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        for name in names:
            conn.execute(f'SELECT * FROM "{name.replace(chr(34), chr(34) * 2)}" LIMIT 1').fetchall()
    except sqlite3.Error as e:
        raise InputError(
            f"{path}: not a usable SQLite database ({e}); delete it and run serve again", code="unusable-database"
        ) from None
    finally:
        if conn is not None:
            conn.close()
    if status != "ok" or not names:
        raise InputError(
            f"{path}: damaged or empty database ({status}); delete it and run serve again", code="unusable-database"
        )


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
    return _page_problem(header, size)


def _page_problem(header: bytes, size: int) -> str | None:
    """What is wrong with the page size a SQLite header states, or with the file's size for its pages."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"invalid page size {page_size}"
    pages, counter, valid_for = (int.from_bytes(header[i : i + 4], "big") for i in (28, 24, 92))
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
            raise InputError(
                f"cannot serve on {host}:{port}: {e.strerror} (another server? try --port)", code="cannot-listen"
            ) from None


def prepare(root: Path) -> Site:
    """Check that the committed package is what its inputs build, then make under build/ whatever is
    missing or not current: the database, its full check, the downloads, the inspect file, the JSON
    metadata. Each is judged by the identity of what it was made from, recorded beside it."""
    site = site_files(root)
    remove_leftovers(root / building.BUILD_DIR)  # of starts that were killed
    # Under the build lock, shared: a build never swaps its outputs in while they are checked and read.
    with building.locked(root, shared=True):
        note = building.interrupted(root)
        if note:
            raise InternalError(note)
        known, made = state.identities(root), state.records(root)
        try:
            _prepare(site, known, made, state.check_published(root, known, made))
        finally:
            known.save()
    return site


def _prepare(site: Site, known: Identities, made: Records, sources: state.Sources) -> None:
    """prepare, once the committed package is known to be current; `sources`: what the files are made from."""
    root = site.root
    name = known.name(site.database)
    rebuild = not site.database.is_file() or not made.made_from(name, sources.database)
    if rebuild:
        made.forget(name)
        write_database(root, site.database)  # from the committed package, which the build validated
    database = known.of(site.database)
    if rebuild:
        made.made(name, sources.database, database)
    check_database(site.database, full=not made.made_from(DATABASE_CHECKED, database))
    made.made(DATABASE_CHECKED, database, None)
    _remake(known, made, site.downloads, lambda: write_downloads(root, site.downloads), sources.downloads)
    _remake(known, made, site.inspect_file, lambda: write_inspect(site), database)
    _remake(
        known,
        made,
        site.served_metadata,
        lambda: write_served_metadata(site),
        known.of_files([site.metadata, *state.code_files()]),
    )


def _remake(known: Identities, made: Records, target: Path, write: Callable[[], None], source: str | None) -> None:
    """Write `target` again unless it is what was made from `source` and has not changed since."""
    name = known.name(target)
    if made.current(name, source, known.of(target)):
        return
    made.forget(name)  # a write stopped half way is then not current
    write()
    made.made(name, source, known.of(target))


def write_served_metadata(site: Site) -> None:
    """metadata.yml as JSON, the same data: Datasette parses large YAML slowly, JSON quickly."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        metadata = yaml.load(site.metadata.read_text(encoding="utf-8"), Loader=loader)
        text = json.dumps(metadata, ensure_ascii=False, default=str)  # a YAML date as Datasette shows it
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise InputError(f"{site.metadata}: cannot be served: {e}", code="unusable-metadata") from None
    write_bytes(site.served_metadata, text.encode("utf-8"))


def write_inspect(site: Site) -> None:
    """Write Datasette's inspect file (table counts, hash) for the immutable database."""
    with atomic_path(site.inspect_file) as scratch:
        command = [sys.executable, "-m", "datasette", "inspect", str(site.database), "--inspect-file", str(scratch)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise InternalError(f"datasette inspect failed for {site.database}: {last}")


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
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(site.database),
        "--inspect-file",
        str(site.inspect_file),
        "--metadata",
        str(site.served_metadata),
        "--template-dir",
        str(site.template_dir),
        "--static",
        f"{DOWNLOADS_MOUNT}:{site.downloads}",
        *_settings("--setting"),
        "--cors",
        "--host",
        host,
        "--port",
        str(port),
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
        raise InputError(
            "unknown publish target",
            value=target,
            expected="one of: " + ", ".join(PUBLISH_TARGETS),
            code="unknown-publish-target",
        )

    def rel(path: Path) -> str:
        """A path as the command gives it: relative to the root."""
        return os.path.relpath(path, site.root)

    command = [
        "datasette",
        "publish",
        target,
        rel(site.database),
        *(["--service", name] if target == "cloudrun" else ["--app", name]),
        "--metadata",
        rel(site.metadata),
        "--template-dir",
        rel(site.template_dir),
        "--static",
        f"{DOWNLOADS_MOUNT}:{rel(site.downloads)}",
        "--static",
        f"{WHEEL_MOUNT}:{WHEEL_DIR}",
        "--install",
        DATASETTE,
        *(arg for plugin in PLUGINS for arg in ("--install", plugin)),
        "--install",
        f"{WHEEL_MOUNT}/{wheel_name()}",
    ]
    if target == "fly":
        return command + _settings("--setting")
    return [*command, "--extra-options", " ".join(_settings("--setting"))]


def wheel_name() -> str:
    """The file name of the wheel `pip wheel` builds from SOURCE."""
    try:
        project = tomllib.loads((SOURCE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    except (OSError, ValueError, KeyError) as e:
        raise InputError(
            f"{SOURCE}: not the project's source checkout ({e}); publish needs one", code="file-not-found"
        ) from None
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
