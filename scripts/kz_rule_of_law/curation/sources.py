"""The source archive: press releases kept byte for byte, checked against their recorded digest."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError, Problem
from .facts import read_regular

ARCHIVE_DIR = "archive"
# A real release: a 3-digit sequence number, then 16 hex digits drawn at random once when it is
# archived (`python -c "import secrets; print(secrets.token_hex(8))"`), never derived from the text,
# so a corrected archive keeps its id. A release made up for tests: synthetic-<name>.
SOURCE_ID = re.compile(r"[0-9]{3}_[0-9a-f]{16}|synthetic-[a-z0-9][a-z0-9_-]*")
SOURCE_ID_RULE = "NNN_<16 hex digits> for a real release (e.g. 001_3f9c2a7d1b6e8045), synthetic-<name> for a test one"
MAX_SOURCE_BYTES = 5_000_000


@dataclass(frozen=True)
class SourceText:
    """An archived text: where it is, its bytes and digest, and its decoded text."""

    path: str
    bytes: int
    sha256: str
    text: str


# The field of a sources record that a problem of read_source is about, by its code (else the path).
FIELD_BY_CODE = {"digest-mismatch": "sha256", "size-mismatch": "bytes"}


def check_source_id(source_id: str, file_stem: str) -> list[Problem]:
    """What is wrong with a source id: its form, or a facts file named otherwise."""
    problems = []
    if not SOURCE_ID.fullmatch(source_id):
        problems.append(Problem("not a source id", value=source_id, expected=SOURCE_ID_RULE, code="source-id-form"))
    if file_stem != source_id:
        problems.append(
            Problem(
                "the facts file is not named for its source id",
                value=source_id,
                expected=f"facts/{source_id}.yml: a facts file is named <source id>.yml",
                code="source-id-file-name",
            )
        )
    return problems


def field_of(problem: Problem) -> str:
    """The field of a sources record that a problem of `read_source` is about."""
    return FIELD_BY_CODE.get(problem.code, "path")


def resolve_archive_path(root: Path, relative: str) -> Path:
    """The archived file for a recorded path, refusing any path that leaves the archive."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts or not relative.startswith(ARCHIVE_DIR + "/"):
        raise InputError(
            "source path outside the archive",
            value=relative,
            expected=f"a path under {ARCHIVE_DIR}/ such as 'archive/<id>.txt'",
            code="path-outside-archive",
        )
    archive = (root / ARCHIVE_DIR).resolve()
    full = root / candidate
    if full.is_symlink() or not full.resolve().is_relative_to(archive):
        raise InputError(
            "source path is a symlink or resolves outside the archive",
            value=relative,
            expected=f"a regular file inside {ARCHIVE_DIR}/",
            code="path-outside-archive",
        )
    return full


def read_source(root: Path, relative: str, sha256: str, size: int | None = None) -> SourceText:
    """Read an archived text, refusing it unless its bytes match the recorded sha256."""
    data = _read_archived(resolve_archive_path(root, relative), relative)
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise InputError(
            f"source bytes no longer match the recorded sha256 (file {relative} has {digest})",
            value=sha256,
            expected="the archived text unchanged, byte for byte",
            code="digest-mismatch",
        )
    if size is not None and len(data) != size:
        raise InputError(
            f"source {relative} is {len(data)} bytes",
            value=size,
            expected="the recorded size in bytes",
            code="size-mismatch",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f"archived source is not UTF-8 (byte {e.start})", value=relative, expected="a UTF-8 text", code="not-utf8"
        ) from None
    if text.startswith("\ufeff"):
        raise InputError(
            "archived source starts with a byte-order mark",
            value=relative,
            expected="UTF-8 without a BOM",
            code="byte-order-mark",
        )
    if not unicodedata.is_normalized("NFC", text):
        raise InputError(
            "archived source is not in Unicode NFC",
            value=relative,
            expected="NFC text (quotes are matched in NFC)",
            code="not-nfc",
        )
    return SourceText(relative, len(data), digest, text)


def _read_archived(full: Path, relative: str) -> bytes:
    """The bytes of an archived text: a regular file, of at most MAX_SOURCE_BYTES."""
    try:
        return read_regular(full, "archived source", MAX_SOURCE_BYTES)
    except InputError as e:
        raise InputError(*(replace(p, value=relative) for p in e.problems)) from None
    except FileNotFoundError:
        raise InputError(
            "archived source text not found",
            value=relative,
            expected="a file kept under archive/",
            code="source-not-found",
        ) from None
    except OSError as e:
        raise InputError(f"cannot read the archived source: {e.strerror}", value=relative, code="cannot-read") from None
