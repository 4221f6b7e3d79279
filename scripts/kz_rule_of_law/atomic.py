"""Write a file whole or not at all: into a scratch file beside it, then swapped in with os.replace."""

from __future__ import annotations

import filecmp
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_path(destination: Path, *, durable: bool = False, keep_same: bool = False) -> Iterator[Path]:
    """A scratch path beside `destination` for a writer that takes a path; swapped in when the block ends.

    An exception leaves `destination` as it was and removes the scratch file. `durable` syncs the
    file and its folder, for files a crash must not leave empty; `keep_same` leaves `destination`
    (and its inode) alone when it already holds the same bytes."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # A name no other writer picks (several starts may write at once); hidden, ending in .tmp.
    scratch = destination.with_name(f".{destination.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
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
def atomic_write(destination: Path, *, durable: bool = False, keep_same: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write `destination` through, swapped in whole when the block ends (see atomic_path)."""
    with atomic_path(destination, durable=durable, keep_same=keep_same) as scratch:
        with open(scratch, "xb") as out:
            yield out


def write_bytes(destination: Path, data: bytes, *, durable: bool = False) -> None:
    """Replace the file at `destination` with `data`, atomically."""
    with atomic_write(destination, durable=durable) as out:
        out.write(data)


def _fsync(path: Path) -> None:
    """Flush a file's or a folder's contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
