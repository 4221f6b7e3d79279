"""Identity of files by their content, and whether a file derived from others is current.

A file's identity is the SHA-256 of its bytes; a folder's, or a list of files', is the SHA-256 of
their names and identities. A derived file is current when what it was made from has the identity
recorded when it was made (and, for files nobody else should change, when it still has its own).

Reading every input on every start would be slow for a large package, so digests are remembered
(`Identities`, kept in a JSON file) by each file's size, mtime, ctime and inode: a file with the
same four is not read again. Any write changes the ctime, which no program can set back, so a file
rewritten with its old mtime restored is read again; a file only touched is read again and found
the same. The decision is always the digest's.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .atomic import write_bytes

# A file changed again within the same tick of the file system's clock keeps its timestamps: a
# digest read less than this long after the file's last change is used but not remembered (as git
# does with "racily clean" index entries). Two seconds covers the coarsest common clocks.
RACY_NS = 2_000_000_000


def file_digest(path: Path | str) -> str:
    """SHA-256 of a file's bytes, in hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def combine(identities: Iterable[tuple[str, str | None]]) -> str:
    """One digest of (name, identity) pairs, in the order given; a missing file (None) counts too."""
    digest = hashlib.sha256()
    for name, identity in identities:
        digest.update(f"{name}\0{identity}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class Identities:
    """Content digests of files under `root`, remembered in `cache` by (size, mtime, ctime, inode)."""

    def __init__(self, root: Path, cache: Path | None = None) -> None:
        self.root = Path(root)
        self.cache = cache
        files = _read_json(cache).get("files") if cache else None
        self.known: dict[str, list[Any]] = {
            name: entry
            for name, entry in (files.items() if isinstance(files, dict) else ())
            if isinstance(entry, list) and len(entry) == 5
        }
        self.changed = False
        self.prefix = str(self.root).rstrip(os.sep) + os.sep

    def name(self, path: Path | str) -> str:
        """How a path is shown and remembered: relative to the root when under it."""
        text = os.fspath(path)
        return text[len(self.prefix) :] if text.startswith(self.prefix) else text

    def of(self, path: Path | str) -> str | None:
        """The identity of the file (or folder) at `path`; None when there is none."""
        path = os.fspath(path)
        name = self.name(path)
        try:
            status = os.stat(path)
        except OSError:
            self._forget(name)
            return None
        if stat.S_ISDIR(status.st_mode):
            return self.of_tree(path)
        key = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        entry = self.known.get(name)
        if entry is not None and entry[:4] == key:
            recalled: str = entry[4]
            return recalled
        try:
            digest = file_digest(path)
            after = os.stat(path)
        except OSError:
            self._forget(name)
            return None
        settled = [after.st_size, after.st_mtime_ns, after.st_ctime_ns, after.st_ino] == key
        if settled and max(after.st_mtime_ns, after.st_ctime_ns) < time.time_ns() - RACY_NS:
            self.known[name] = [*key, digest]
            self.changed = True
        else:
            self._forget(name)
        return digest

    def of_files(self, paths: Iterable[Path | str]) -> str:
        """One identity of files by name (missing ones too), in the order given."""
        return combine(self.digests(paths))

    def digests(self, paths: Iterable[Path | str]) -> list[tuple[str, str | None]]:
        """(name, identity) of each file, in the order given: for combine."""
        names = [os.fspath(path) for path in paths]
        return [(self.name(name), self.of(name)) for name in names]

    def of_tree(self, folder: Path | str) -> str:
        """One identity of every file under `folder`, by relative path (an empty or missing folder too)."""
        return combine((relative, self.of(path)) for relative, path in tree_files(folder))

    def save(self) -> None:
        """Write what was learnt, dropping files that are gone (atomically; nothing when nothing changed)."""
        if not self.changed or self.cache is None:
            return
        files = {
            name: entry
            for name, entry in self.known.items()
            if os.path.exists(name if os.path.isabs(name) else self.prefix + name)
        }
        write_bytes(self.cache, json.dumps({"files": files}, sort_keys=True).encode("utf-8"))
        self.changed = False

    def _forget(self, name: str) -> None:
        """Drop what is remembered of a file."""
        if self.known.pop(name, None) is not None:
            self.changed = True


def tree_files(folder: Path | str) -> list[tuple[str, str]]:
    """(relative path, path) of every file under `folder` (symbolic links not followed), in order of
    relative path; strings, not Paths, for the tens of thousands of files of a large package."""
    found: list[tuple[str, str]] = []
    pending = [("", os.fspath(folder))]
    while pending:
        relative, directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append((relative + entry.name + "/", entry.path))
            elif entry.is_file():
                found.append((relative + entry.name, entry.path))
    return sorted(found)


class Records:
    """What each derived file was made from, and what it was, by name; kept in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        entries = _read_json(path).get("derived")
        self.entries: dict[str, dict[str, str | None]] = entries if isinstance(entries, dict) else {}

    def current(self, name: str, made_from: str | None, identity: str | None) -> bool:
        """Whether `name` was made from what has the identity `made_from` now, and still has the
        identity it had then (None: it is missing, as it was)."""
        return self.made_from(name, made_from) and self.entries[name].get("is") == identity

    def made_from(self, name: str, made_from: str | None) -> bool:
        """Whether `name` was made from what has the identity `made_from` now, whatever became of it."""
        entry = self.entries.get(name)
        return isinstance(entry, dict) and entry.get("from") == made_from

    def made(self, name: str, made_from: str | None, identity: str | None) -> None:
        """Record that `name` was made from `made_from` and has the identity `identity`, and save."""
        entry = {"from": made_from, "is": identity}
        if self.entries.get(name) != entry:
            self.entries[name] = entry
            self.save()

    def forget(self, name: str) -> None:
        """Drop the record of `name` (before rewriting it: a stopped rewrite is then not current), and save."""
        if self.entries.pop(name, None) is not None:
            self.save()

    def save(self) -> None:
        """Write the records, atomically."""
        write_bytes(self.path, json.dumps({"derived": self.entries}, sort_keys=True, indent=1).encode("utf-8"))


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file; empty when missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
