"""What the build and serve record under build/ about the files they made, and whether those are current.

The committed package (data/, datapackage.json, metadata.yml, the data dictionary) is current when it,
the facts, the archived texts and the code together have the identity the last build (or the last
check) recorded; otherwise it is built into a scratch folder under build/ and compared. The files
under build/ (the database, the downloads, the inspect file, metadata.json) are each recorded with
the identity of what they were made from.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import build as building
from .atomic import scratch_path
from .build import BUILD_DIR, DICTIONARY, FACTS_DIR, METADATA
from .errors import InputError
from .identity import Identities, Records, combine
from .web.downloads import BUNDLE_FILES

IDENTITIES = "identities.json"  # digests of files, by (size, mtime, ctime, inode)
RECORDS = "derived.json"  # what each derived file was made from
PUBLISHED = "published"  # the record of the committed package and what it is built from
PACKAGE = Path(__file__).parent
# Files Datasette reads as it serves, never made into other files: a change to them changes no output.
SERVED_AS_THEY_ARE = ("web/plugin/", "web/templates/", "web/settings.json")


def identities(root: Path) -> Identities:
    """The digests of the project's files, remembered under build/."""
    return Identities(root, root / BUILD_DIR / IDENTITIES)


def records(root: Path) -> Records:
    """The records of the files made under `root`."""
    return Records(root / BUILD_DIR / RECORDS)


def inputs(root: Path) -> list[Path]:
    """The committed package and what it is built from: descriptor, CSVs, metadata, data dictionary,
    facts, archived texts."""
    return [Path(path) for group in _inputs(root) for path in group]


def _inputs(root: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """inputs in four groups: the package (descriptor and CSVs), what is rendered beside it, the
    facts, the archived texts; as strings (tens of thousands of Paths cost more than their stats)."""
    return (
        [os.path.join(root, "datapackage.json"), *listing(root / "data", ".csv")],
        [os.path.join(root, METADATA), os.path.join(root, DICTIONARY)],
        listing(root / FACTS_DIR, ".yml"),
        listing(root / "archive", ""),
    )


@dataclass(frozen=True)
class Sources:
    """The identities of what the outputs are made from, each file read (or its digest recalled) once."""

    published: str  # the committed package, its inputs and the code: what the build records
    database: str  # the package (descriptor and CSVs) and the code
    downloads: str  # the package, the archived texts, the files the bundle carries beside them and the code


def sources(root: Path, known: Identities) -> Sources:
    """The identities of what the outputs under `root` are made from, now."""
    package, rendered, facts, archive = (known.digests(group) for group in _inputs(root))
    code = known.digests(code_files())
    notes = known.digests(os.path.join(root, name) for name in BUNDLE_FILES)
    return Sources(
        combine(package + rendered + facts + archive + code),
        combine(package + code),
        combine(package + archive + notes + code),
    )


def code_files() -> list[Path]:
    """The package's own files that make the outputs (its code, the queries, the home page)."""
    files = []
    for folder, names, found in os.walk(PACKAGE):
        names[:] = sorted(name for name in names if name != "__pycache__")
        for name in sorted(found):
            path = Path(folder) / name
            relative = path.relative_to(PACKAGE).as_posix()
            if not name.endswith(".pyc") and not relative.startswith(SERVED_AS_THEY_ARE):
                files.append(path)
    return files


def listing(folder: Path, suffix: str) -> list[str]:
    """What `sorted(folder.glob("*" + suffix))` finds (hidden names too, as pathlib's glob does), as
    strings in name order."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(suffix))
    except OSError:
        return []
    prefix = os.path.join(folder, "")
    return [prefix + name for name in names]


def record_build(root: Path, database: str) -> None:
    """Record, under build/, that the committed package is what its inputs build and that the
    database at `database` (relative to the root) was made from it."""
    known, made = identities(root), records(root)
    now = sources(root, known)
    made.made(PUBLISHED, now.published, None)
    made.made(database, now.database, known.of(root / database))
    known.save()


def check_published(root: Path, known: Identities, made: Records) -> Sources:
    """Raise InputError in one line unless the committed package is what its inputs build; return
    the identities of what the outputs are made from.

    Decided by the recorded identity when it matches; otherwise the package is built into a scratch
    folder under build/ and compared file by file, and a match is recorded."""
    now = sources(root, known)
    if made.made_from(PUBLISHED, now.published):
        return now
    scratch = scratch_path(root / BUILD_DIR / "check")
    scratch.mkdir(parents=True)
    try:
        built = building.compile_package(root, scratch)
        stale = building.stale_files(root, built, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if stale:
        others = f" and {len(stale) - 1} other files are" if len(stale) > 1 else " is"
        raise InputError(
            f"{stale[0]}{others} out of date with {FACTS_DIR}/, archive/ and datapackage.json: "
            "run kz-rule-of-law build",
            code="stale-output",
        )
    made.made(PUBLISHED, now.published, None)
    return now
