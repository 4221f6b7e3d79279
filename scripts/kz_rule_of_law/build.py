"""Build the package: facts to rows to CSVs and descriptor, validated, then published atomically."""

from __future__ import annotations

import errno
import fcntl
import filecmp
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .curation.rows import Compiler
from .database.load import database_name, write_database
from .errors import InputError, InternalError, Problem, ValidationFailed, disk_full
from .gcpause import paused_gc
from .package.descriptor import Table, lint, load_descriptor, tables
from .package.writer import DESCRIPTOR, PackageWriter
from .validation.validate import validate_package
from .web.dictionary import render_dictionary
from .web.metadata import render_metadata

FACTS_DIR = "facts"
DATA_DIR = "data"
BUILD_DIR = "build"
METADATA = "metadata.yml"
DICTIONARY = "docs/data-dictionary.md"


@dataclass
class Built:
    """What a build wrote, by path relative to the package root, and the rows of each table."""

    files: list[str]
    counts: dict[str, int]


def facts_files(root: Path) -> list[Path]:
    """Every facts file of the project, in name order (reference.yml among them).

    Facts files are facts/<source id>.yml (a hidden name ending in .yml too, as ever). Any other
    file under facts/ (another extension, a subfolder) is refused, naming it: skipped, its facts
    would be missing from a package that builds without a word. Other hidden names are left alone:
    editors and file browsers keep their swap files and folders there (.x.yml.swp, .DS_Store).
    """
    folder = root / FACTS_DIR
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names, problems = [], []
    for entry in entries:
        if entry.name.endswith(".yml") and not entry.is_dir(follow_symlinks=False):
            names.append(entry.name)
        elif entry.name.startswith("."):
            continue
        elif entry.is_dir(follow_symlinks=False):
            problems.extend(_nested_files(root, Path(entry.path)))
        else:
            problems.append(
                Problem(
                    "not a facts file name",
                    value=entry.name,
                    file=f"{FACTS_DIR}/{entry.name}",
                    expected=f"{FACTS_DIR}/<source id>.yml (.yml in lowercase): "
                    f"rename it, or move it out of {FACTS_DIR}/",
                    code="facts-file-name",
                )
            )
    if problems:
        raise InputError(*problems)
    return [folder / name for name in names]


def _nested_files(root: Path, folder: Path) -> list[Problem]:
    """A problem for each file (hidden ones aside) in a subfolder of facts/, where none is read."""
    problems = []
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                problems.append(
                    Problem(
                        f"in a subfolder of {FACTS_DIR}/, where facts files are not read",
                        file=Path(directory, name).relative_to(root).as_posix(),
                        expected=(
                            f"{FACTS_DIR}/<source id>.yml, directly in {FACTS_DIR}/: move it up, or out of {FACTS_DIR}/"
                        ),
                        code="facts-file-nested",
                    )
                )
    return problems


def compile_package(root: Path, out: Path | None, paths: list[Path] | None = None) -> Built:
    """Compile the facts into the package's files under `out` (only check them when None).

    Rows stream from facts file to CSV one file at a time; every problem is collected and
    raised at the end as one InputError, and then nothing under `out` is to be used.
    """
    with paused_gc():
        return _compile_package(root, out, paths)


def _compile_package(root: Path, out: Path | None, paths: list[Path] | None) -> Built:
    """compile_package, with the garbage collector paused."""
    descriptor = load_descriptor(root / "datapackage.json")
    schema = _publishable_tables(descriptor)
    compiler = Compiler(root, schema)
    paths = paths if paths is not None else facts_files(root)
    if out is None:
        _compile(compiler, paths, None)
        return Built([], compiler.counts)
    writer = PackageWriter(out, descriptor, schema)
    _compile(compiler, paths, writer)
    files = writer.close()
    (out / METADATA).write_bytes(render_metadata(descriptor, compiler.sources))
    (out / DICTIONARY).parent.mkdir(parents=True, exist_ok=True)
    (out / DICTIONARY).write_bytes(render_dictionary(descriptor))
    return Built([*files, METADATA, DICTIONARY], compiler.counts)


def _publishable_tables(descriptor: dict[str, Any]) -> dict[str, Table]:
    """The descriptor's tables, once it is sound and each table's path is a CSV directly in data/."""
    problems = lint(descriptor)
    if problems:
        raise InputError(*(p.located(file=DESCRIPTOR) for p in problems))
    schema = tables(descriptor)
    # The build writes each table where its path says: only directly in data/, never beside the
    # project or over its other files.
    outside = [
        Problem(
            f"resource {name}: path outside {DATA_DIR}/",
            value=table.path,
            file=DESCRIPTOR,
            expected=f"{DATA_DIR}/<name>.csv, a CSV directly in {DATA_DIR}/",
            code="descriptor-path-outside",
        )
        for name, table in schema.items()
        if not _in_folder(table.path, DATA_DIR, ".csv")
    ]
    if outside:
        raise InputError(*outside)
    return schema


def _compile(compiler: Compiler, paths: list[Path], writer: PackageWriter | None) -> None:
    """Compile the facts files, each chunk of rows written while there is no problem (the writer
    aborted on one); InputError with every problem found."""
    try:
        for chunk in compiler.run(paths):
            if writer is not None and not compiler.problems:
                writer.write(chunk.rows)
    finally:
        if writer is not None and compiler.problems:
            writer.abort()
    if compiler.problems:
        raise InputError(*compiler.problems)


def stale_files(root: Path, built: Built, out: Path) -> list[str]:
    """Published files that differ from those built under `out` (or are missing, or extra CSVs)."""
    stale = [
        path
        for path in built.files
        if not (root / path).is_file() or not filecmp.cmp(root / path, out / path, shallow=False)
    ]
    extra = [path for path in _csvs(root) if path not in built.files]
    return stale + extra


def check_published(root: Path) -> tuple[Built, list[str]]:
    """Build into a scratch folder and list the published files that differ from the result.

    Under the build lock, shared: a running build's swap is never compared half done. After an
    interrupted build the published files are not what any build wrote: refused, saying how to finish it.
    """
    with locked(root, shared=True):
        note = interrupted(root)
        if note:
            raise InternalError(note)
        scratch = Path(tempfile.mkdtemp(prefix=CHECK_PREFIX, dir=root))
        try:
            built = compile_package(root, scratch)
            return built, stale_files(root, built, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


JOURNAL = ".build-journal.json"
LOCK = ".build.lock"
# Scratch folders as tempfile.mkdtemp names them: a prefix and 8 letters, digits or '_'. Recovery
# removes or follows nothing else.
SCRATCH_PREFIX, CHECK_PREFIX = ".build-", ".check-"
SCRATCH_NAME = re.compile(r"\.build-[a-z0-9_]{8}")
CHECK_NAME = re.compile(r"\.check-[a-z0-9_]{8}")
# The folders the build writes into; each output waits for the swap in a scratch folder of its own
# folder, so that os.replace and os.link stay on one file system even when data/ or build/ is a mount.
OUTPUT_FOLDERS = ("", DATA_DIR, str(PurePosixPath(DICTIONARY).parent), BUILD_DIR)
OUTPUTS = f"{DESCRIPTOR}, {METADATA}, {DICTIONARY}, {DATA_DIR}/<name>.csv or {BUILD_DIR}/<name>.db"
# How long a command waits for another build to finish before refusing.
LOCK_WAIT = 60.0
RECOVER = "kz-rule-of-law build --recover"


def is_output(path: str) -> bool:
    """Whether `path` (relative to the root, '/'-separated) names a file the build writes or removes:
    the descriptor, metadata.yml, the data dictionary, a CSV directly in data/ or a database directly in build/."""
    if path in (DESCRIPTOR, METADATA, DICTIONARY):
        return True
    return _in_folder(path, DATA_DIR, ".csv") or _in_folder(path, BUILD_DIR, ".db")


def _in_folder(path: str, folder: str, suffix: str) -> bool:
    """Whether `path` is a file directly in `folder` (no '..', no subfolder) whose name ends with `suffix`."""
    head, _, name = path.partition("/")
    return head == folder and name.endswith(suffix) and "/" not in name and "\0" not in name


@contextmanager
def locked(root: Path, shared: bool = False) -> Iterator[None]:
    """Hold the project's build lock: alone to write the outputs, shared to read them.

    A command waits up to LOCK_WAIT seconds for the one holding it, then refuses in one line. The
    builder's pid is in the lock file for that line. The file is never removed (two commands could
    then lock two different files); the kernel releases the lock of a process that is killed.
    """
    fd = _open_lock(root / LOCK, shared)
    if fd is None:
        yield
        return
    try:
        _acquire(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        if shared:
            yield
            return
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)


def _open_lock(path: Path, shared: bool) -> int | None:
    """The lock file, opened (created if missing); None for a reader in a checkout it cannot write."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        if shared and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return None  # nothing can build in a read-only checkout either
        raise InternalError(f"{path}: cannot open the build lock: {e.strerror}") from None


def _acquire(fd: int, operation: int) -> None:
    """Take the lock, waiting up to LOCK_WAIT seconds (saying so on stderr); then refuse in one line."""
    deadline, told = time.monotonic() + LOCK_WAIT, False
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise InternalError(
                    f"{_holder(fd)}; waited {LOCK_WAIT:g} s: run the command again when it has finished"
                ) from None
            if not told:
                print(f"waiting: {_holder(fd)}", file=sys.stderr, flush=True)
                told = True
            time.sleep(0.1)


def _holder(fd: int) -> str:
    """Who holds the lock: a build (its pid is in the lock file) or commands reading the outputs."""
    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return (
        f"another build is running (pid {holder})"
        if holder.isdigit()
        else "another kz-rule-of-law command is reading the outputs"
    )


def publish(root: Path, write: Callable[[Path], list[str]], finish: Callable[[Path], list[str]] | None = None) -> None:
    """Write the outputs into a scratch folder, validate them, then swap them in; any failure restores the old ones.

    `write(package)` writes the package into a scratch folder and returns the relative paths of
    what it wrote; `finish(package)` may write more outputs (the database) after validation and
    return their relative paths. All under the build lock. Old files are kept as hard links until
    the swap is complete; a journal names them, so a build killed mid-swap is rolled back by the
    next build (`recover`).
    """
    with locked(root):
        recover(root)
        scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=root))
        try:
            package = scratch / "package"
            package.mkdir()
            files = write(package)
            failures = validate_package(package, archive_root=root)
            if failures:
                raise ValidationFailed(failures)
            outputs = list(files) + (finish(package) if finish else [])
            strays = [path for path in outputs if not is_output(path)]
            if strays:
                raise InternalError(f"the build wrote {', '.join(strays)}, which is not one of its outputs ({OUTPUTS})")
            stale = [path for path in _csvs(root) if path not in files]
            _swap(root, scratch.name, package, outputs, stale)
        except Exception as e:
            full = disk_full(e, package)  # a write without a file name (a CSV, the database) was in the package
            if full is not None:
                raise full from e
            raise
        finally:
            _remove_scratch(root, scratch.name)


def _csvs(root: Path) -> list[str]:
    """The CSVs (not folders) in data/, as relative paths."""
    try:
        entries = list(os.scandir(root / DATA_DIR))
    except FileNotFoundError:
        return []
    return sorted(
        f"{DATA_DIR}/{e.name}" for e in entries if e.name.endswith(".csv") and not e.is_dir(follow_symlinks=False)
    )


def _staged(root: Path, scratch: str, path: str, kind: str) -> Path:
    """Where output `path` waits for the swap ("new") or its old file is kept ("old"): in the
    scratch folder of the output's own folder, on its file system."""
    relative = PurePosixPath(path)
    return root / relative.parent / scratch / kind / relative.name


def _swap(root: Path, scratch: str, package: Path, outputs: list[str], stale: list[str]) -> None:
    """Move new outputs into place and stale ones out, keeping the old files until done."""
    for path in outputs:
        _stage(package / path, _staged(root, scratch, path, "new"))
    existing = [path for path in outputs + stale if os.path.lexists(root / path)]
    for path in existing:
        old = _staged(root, scratch, path, "old")
        old.parent.mkdir(parents=True, exist_ok=True)
        os.link(root / path, old, follow_symlinks=False)
    _write_journal(root, {"scratch": scratch, "existing": existing, "written": outputs + stale})
    try:
        for path in outputs:
            os.replace(_staged(root, scratch, path, "new"), root / path)
        for path in stale:
            (root / path).unlink()
    except BaseException:
        recover(root)
        raise
    (root / JOURNAL).unlink()


def _stage(source: Path, target: Path) -> None:
    """Move a new output beside its destination (copy it when that is another file system), on disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        shutil.copyfile(source, target)
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())


def _remove_scratch(root: Path, scratch: str) -> None:
    """Remove a build's scratch folder from every output folder."""
    for folder in OUTPUT_FOLDERS:
        shutil.rmtree(root / folder / scratch, ignore_errors=True)


def _write_journal(root: Path, entry: dict) -> None:
    """Write the swap journal atomically."""
    temporary = root / (JOURNAL + ".tmp")
    temporary.write_text(json.dumps(entry), encoding="utf-8")
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, root / JOURNAL)


def recover(root: Path) -> bool:
    """Undo a swap a killed build left half done; True when there was one to undo.

    The journal is followed only when it names a scratch folder of the build's own form and files
    the build writes (`read_journal`). Without a journal, the scratch folders that killed builds
    and checks left are removed. Run it holding the build lock: a running build's scratch folder
    looks the same.
    """
    (root / (JOURNAL + ".tmp")).unlink(missing_ok=True)
    entry = read_journal(root)
    if entry is None:
        _remove_leftovers(root)
        return False
    scratch = entry["scratch"]
    for path in entry["written"]:
        if path not in entry["existing"]:
            (root / path).unlink(missing_ok=True)
    for path in entry["existing"]:
        old = _staged(root, scratch, path, "old")
        if os.path.lexists(old):
            os.replace(old, root / path)
    (root / JOURNAL).unlink()
    _remove_scratch(root, scratch)
    return True


def _remove_leftovers(root: Path) -> None:
    """Remove the scratch folders of killed builds (in every output folder) and checks (in the root)."""
    for folder in OUTPUT_FOLDERS:
        try:
            entries = list(os.scandir(root / folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            ours = SCRATCH_NAME.fullmatch(entry.name) or (not folder and CHECK_NAME.fullmatch(entry.name))
            if ours and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)


def read_journal(root: Path) -> dict[str, Any] | None:
    """The journal of a swap a build left half done, or None if there is none.

    Refused (InputError naming the entry and the path) unless it names a scratch folder of the
    build's own form and only files the build writes: recovery deletes and overwrites what the
    journal names, so a journal written by anything else must not steer it.
    """
    path = root / JOURNAL
    if not os.path.lexists(path):
        return None
    try:
        entry: object = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(
            Problem(
                f"unreadable: invalid JSON at line {e.lineno} column {e.colno} ({e.msg})",
                file=JOURNAL,
                code="journal-unreadable",
            ),
            UNTRUSTED,
        ) from None
    except UnicodeDecodeError:
        raise InputError(Problem("unreadable: not UTF-8", file=JOURNAL, code="journal-unreadable"), UNTRUSTED) from None
    except OSError as e:
        raise InputError(
            Problem(f"unreadable: {e.strerror}", file=JOURNAL, code="journal-unreadable"), UNTRUSTED
        ) from None
    problems = _journal_problems(entry)
    if problems or not isinstance(entry, dict):  # no problems: a dict
        raise InputError(*problems, UNTRUSTED)
    return entry


UNTRUSTED = Problem(
    f"not followed: run '{RECOVER}' to discard it without touching what it names, "
    "then 'kz-rule-of-law build' to write every output afresh",
    file=JOURNAL,
    code="journal-not-followed",
)


def _journal_problems(entry: Any) -> list[Problem]:
    """What in a journal is not what the build writes."""
    if not isinstance(entry, dict) or set(entry) != {"scratch", "existing", "written"}:
        return [
            Problem(
                "not a journal the build writes",
                value=entry,
                file=JOURNAL,
                expected="an object of scratch, existing and written",
                code="journal-untrusted",
            )
        ]
    problems = []
    scratch = entry["scratch"]
    if not isinstance(scratch, str) or not SCRATCH_NAME.fullmatch(scratch):
        problems.append(
            Problem(
                "not a scratch folder the build makes",
                value=scratch,
                file=JOURNAL,
                field="scratch",
                expected="'.build-' and 8 letters, digits or '_', directly in the project",
                code="journal-untrusted",
            )
        )
    for key in ("existing", "written"):
        if not isinstance(entry[key], list):
            problems.append(
                Problem(
                    "not a list",
                    value=entry[key],
                    file=JOURNAL,
                    field=key,
                    expected=f"a list of the files the build writes: {OUTPUTS}",
                    code="journal-untrusted",
                )
            )
            continue
        problems.extend(
            Problem(
                "not a file the build writes",
                value=path,
                file=JOURNAL,
                field=key,
                expected=OUTPUTS,
                code="journal-untrusted",
            )
            for path in entry[key]
            if not isinstance(path, str) or not is_output(path)
        )
    return problems


def interrupted(root: Path) -> str | None:
    """A line saying that a build was interrupted mid-swap and how to finish it; None if none was."""
    if not os.path.lexists(root / JOURNAL):
        return None
    try:
        read_journal(root)
    except InputError:
        return (
            f"{JOURNAL} is there but is not a journal the build follows, so the published files may "
            f"mix two builds: '{RECOVER}' discards it, then 'kz-rule-of-law build' writes every output afresh"
        )
    return (
        f"a build was interrupted while swapping in its outputs ({JOURNAL} is there), so the published "
        f"files may mix two builds: '{RECOVER}' puts the old ones back, 'kz-rule-of-law build' puts them "
        "back and builds again"
    )


def repair(root: Path) -> str:
    """Finish what an interrupted build left, building nothing (build --recover); a line saying what was done.

    A journal recovery refuses is discarded without following it: what it names is not touched.
    """
    with locked(root):
        try:
            if recover(root):
                return "put back the outputs an interrupted build had replaced"
        except InputError:
            (root / JOURNAL).unlink()
            recover(root)
            return (
                f"discarded {JOURNAL} without touching what it named; run 'kz-rule-of-law build' "
                "to write every output afresh"
            )
    return "nothing to recover: no build was interrupted"


def build(root: Path) -> Built:
    """Compile, validate and publish the package and its database under `root`."""
    database = database_path(root)
    built: list[Built] = []

    def write(package_root: Path) -> list[str]:
        built.append(compile_package(root, package_root))
        return built[-1].files

    def write_db(package_root: Path) -> list[str]:
        write_database(package_root, package_root / database)
        return [database]

    publish(root, write, write_db)
    from .state import record_build  # here: state imports this module

    record_build(root, database)
    return built[-1]


def database_path(root: Path) -> str:
    """Where the build writes the SQLite database, relative to the root."""
    return f"{BUILD_DIR}/{database_name(load_descriptor(root / 'datapackage.json'))}.db"
