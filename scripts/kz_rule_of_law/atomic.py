"""Write a file whole or not at all: into a scratch file beside it, then swapped in with os.replace."""

from __future__ import annotations

import filecmp
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import DiskFull, disk_full

SCRATCH = re.compile(r"\..+\.(\d+)\.[0-9a-f]{8}\.tmp")


@contextmanager
def atomic_path(destination: Path, *, durable: bool = False, keep_same: bool = False) -> Iterator[Path]:
    """A scratch path beside `destination` for a writer that takes a path; swapped in when the block ends.

    An exception leaves `destination` as it was and removes the scratch file. `durable` syncs the
    file and its folder, for files a crash must not leave empty; `keep_same` leaves `destination`
    (and its inode) alone when it already holds the same bytes."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    scratch = scratch_path(destination)
    try:
        with _naming_a_full_disk(destination):
            yield scratch
            if keep_same and destination.is_file() and filecmp.cmp(scratch, destination, shallow=False):
                return
            if durable:
                _fsync(scratch)
            os.replace(scratch, destination)
            if durable:
                _fsync(destination.parent)
    finally:
        scratch.unlink(missing_ok=True)


@contextmanager
def _naming_a_full_disk(destination: Path) -> Iterator[None]:
    """Turn a full disk while writing `destination` into a DiskFull that names it."""
    try:
        yield
    except Exception as e:
        if isinstance(e, DiskFull) or disk_full(e, destination) is None:
            raise
        raise DiskFull(destination) from e


@contextmanager
def atomic_write(destination: Path, *, durable: bool = False, keep_same: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write `destination` through, swapped in whole when the block ends (see atomic_path)."""
    with atomic_path(destination, durable=durable, keep_same=keep_same) as scratch, open(scratch, "xb") as out:
        yield out


def write_bytes(destination: Path, data: bytes, *, durable: bool = False) -> None:
    """Replace the file at `destination` with `data`, atomically."""
    with atomic_write(destination, durable=durable) as out:
        out.write(data)


def scratch_path(destination: Path) -> Path:
    """A hidden name beside `destination` that no other writer picks (several starts may write at
    once), naming this process so that remove_leftovers knows when it is gone."""
    return destination.with_name(f".{destination.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def remove_leftovers(folder: Path) -> None:
    """Remove the scratch files and folders (scratch_path) in `folder` of processes that are gone."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = SCRATCH.fullmatch(entry.name)
        if match and not _running(int(match[1])):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's
        return True
    return True


def _fsync(path: Path) -> None:
    """Flush a file's or a folder's contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
