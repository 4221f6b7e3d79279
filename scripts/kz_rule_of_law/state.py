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
import tempfile
from pathlib import Path

from . import build as building
from .build import BUILD_DIR, DICTIONARY, FACTS_DIR, METADATA
from .errors import InputError
from .identity import Identities, Records

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
    return [root / "datapackage.json", *listing(root / "data", ".csv"), root / METADATA, root / DICTIONARY,
            *listing(root / FACTS_DIR, ".yml"), *listing(root / "archive", "")]


def package_files(root: Path) -> list[Path]:
    """The files of the committed package the database and the downloads are made from."""
    return [root / "datapackage.json", *listing(root / "data", ".csv")]


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


def listing(folder: Path, suffix: str) -> list[Path]:
    """What `sorted(folder.glob("*" + suffix))` finds (hidden names too, as pathlib's glob does), in
    name order; sorting names, not Paths, for the tens of thousands of facts files and archived texts."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(suffix))
    except OSError:
        return []
    return [folder / name for name in names]


def published_identity(root: Path, known: Identities) -> str:
    """One identity of the committed package, what it is built from and the code that builds it."""
    return known.of_files([*inputs(root), *code_files()])


def database_source(root: Path, known: Identities) -> str:
    """The identity of what the database is made from: the committed package and the code."""
    return known.of_files([*package_files(root), *code_files()])


def record_build(root: Path, database: str) -> None:
    """Record, under build/, that the committed package is what its inputs build and that the
    database at `database` (relative to the root) was made from it."""
    known, made = identities(root), records(root)
    made.made(PUBLISHED, published_identity(root, known), None)
    made.made(database, database_source(root, known), known.of(root / database))
    known.save()


def check_published(root: Path, known: Identities, made: Records) -> None:
    """Raise InputError in one line unless the committed package is what its inputs build.

    Decided by the recorded identity when it matches; otherwise the package is built into a scratch
    folder under build/ and compared file by file, and a match is recorded."""
    identity = published_identity(root, known)
    if made.made_from(PUBLISHED, identity):
        return
    (root / BUILD_DIR).mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".check-", dir=root / BUILD_DIR))
    try:
        built = building.compile_package(root, scratch)
        stale = building.stale_files(root, built, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if stale:
        others = f" and {len(stale) - 1} other files are" if len(stale) > 1 else " is"
        raise InputError(f"{stale[0]}{others} out of date with {FACTS_DIR}/, archive/ and datapackage.json: "
                         "run kz-rule-of-law build")
    made.made(PUBLISHED, identity, None)
