"""The project's own error types: input mistakes (exit 2) and internal failures (exit 1).

Every problem carries a stable code from `CODES`, so that programs can tell mistakes apart
without reading the messages; docs/errors.md lists them (written by `codes_markdown`).
"""

from __future__ import annotations

import errno
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

# The codes a problem may carry, by the stage that finds them: code -> meaning.
SECTIONS: dict[str, dict[str, str]] = {
    "Files and the command line": {
        "not-a-project": "The command was run outside a project (no datapackage.json beside a facts/ folder).",
        "unknown-kind": "`normalize` was given a kind of value it does not know.",
        "file-not-found": "A file the command needs does not exist.",
        "not-a-file": "A path that should name a file names a folder.",
        "cannot-read": "A file cannot be read: the system refused, or its CSV is malformed.",
        "file-too-large": "A file is larger than the limit for its kind.",
        "byte-order-mark": "A text file starts with a byte-order mark.",
        "not-utf8": "A text file is not valid UTF-8.",
        "carriage-return": "A facts file has CRLF line ends or a carriage return in its text.",
        "nul-byte": "A facts file has a NUL byte.",
        "line-too-long": "A facts file has a line longer than the limit.",
        "line-separator": (
            "A facts file has a raw U+2028, U+2029 or U+0085, which YAML reads as a line break and editors may not."
        ),
        "not-regular-file": (
            "A file to read is a device, a FIFO or a socket, or a symlink to one, or a symlink out of the project."
        ),
        "yaml-syntax": "A facts file is not valid YAML (or repeats a key).",
        "yaml-tag": (
            "A facts file has an explicit YAML tag (`!!binary`, `!!str`, `!custom`): facts files are plain text."
        ),
        "yaml-too-deep": "A facts file nests mappings and lists deeper than the limit.",
        "yaml-too-large": "A facts file's aliases repeat its values beyond the limit.",
        "invalid-json": "datapackage.json is not valid JSON.",
        "stale-output": "A published file differs from what the facts produce (`build --check`).",
        "facts-file-name": "A file in facts/ that is not named <source id>.yml: it would never be read.",
        "facts-file-nested": "A file in a subfolder of facts/, where facts files are not read.",
        "build-interrupted": "A build was interrupted while swapping in its outputs: `build --recover` finishes it.",
        "journal-unreadable": "The build journal (.build-journal.json) cannot be read.",
        "journal-untrusted": "The build journal names something the build never writes: it is not followed.",
        "journal-not-followed": "How to discard a journal the build does not follow (`build --recover`).",
        "disk-full": (
            "No space left on the device (or the disk quota reached) while writing; published files are unchanged."
        ),
        "internal-error": "A failure that is not the input's fault: a bug, or an unexpected state.",
    },
    "Facts files": {
        "empty-file": "A facts file is empty.",
        "wrong-shape": "A value has the wrong YAML shape: a list where a mapping belongs, or the reverse.",
        "missing-source-section": "A facts file has no `source` section.",
        "unknown-section": "A section names no table a facts file may fill.",
        "unknown-field": "A record has a field its table does not have.",
        "no-id-field": "A record has `id` in a table whose key has several fields.",
        "computed-field": "A record types in a value the build computes (derived columns, `source_id`).",
        "not-a-fact": "A value the build normalizes from a quote is typed in instead of quoted.",
        "unknown-fact-key": "A fact has a key other than its source's language (`kk`, `ru`, `en`), `en`, `at`.",
        "quote-wrong-language": "A quote under another language's key than its source's (`kk:` in a Russian source).",
        "no-column-for-language": "A text field quoted in a language its table keeps no column for.",
        "typed-russian-text": "A Russian text typed in: Russian names and titles are quoted from a Russian source.",
        "empty-quote": "A fact's quote is empty or not text.",
        "missing-english": "A fact has no English rendering.",
        "bad-occurrence": "A fact's `at` is not a whole number from 1.",
        "value-given-twice": "Two fields of a record set the same column to different values.",
        "mixed-currencies": "The amounts of one record are in different currencies.",
        "quote-in-reference": "The reference file quotes a source; reference lists state none.",
        "quote-splits-token": (
            "A quote found only inside a longer word or number of the source ('500 000' of '1 500 000')."
        ),
        "quote-not-found": "A quote does not stand in its source (whitespace aside).",
        "quote-too-common": (
            "A quote stands in its source more often than the limit: a longer quote says which passage is meant."
        ),
        "quote-ambiguous": "A quote stands in its source more than once and no `at` says which is meant.",
        "occurrence-out-of-range": "A fact's `at` is beyond the number of times the quote occurs.",
        "path-outside-archive": "A source path leaves archive/, or goes through a symlink.",
        "source-not-found": "The archived text a source records does not exist.",
        "digest-mismatch": "A file's sha256 differs from the one recorded for it.",
        "size-mismatch": "A file's size differs from the one recorded for it.",
        "not-nfc": "A value of a facts file, or an archived source text, is not in Unicode NFC.",
    },
    "Normalizing quotes": {
        "not-text": "A normalizer was given something other than text.",
        "empty-text": "A normalizer was given empty text.",
        "malformed-number": "A number with letters glued on, badly grouped digits, a leading zero or too many digits.",
        "signed-amount": "An amount is written with a sign.",
        "unrecognised-amount": "No amount in ASCII digits where one belongs.",
        "missing-currency": "An amount has no currency after it.",
        "unknown-currency": "A currency word or code the normalizer does not know.",
        "unrecognised-date": "Text that is not a date in a form the normalizer reads.",
        "unknown-month": "A month word the normalizer does not know, or written in a form it refuses.",
        "impossible-date": "A date that does not exist (31 February, month 13).",
        "year-out-of-range": "A year outside 1900..2100.",
        "unrecognised-period": "Text that is not a year range.",
        "end-before-start": "A year range that ends before it starts.",
        "unrecognised-count": "No count in ASCII digits where one belongs.",
        "unknown-suffix": "A suffix after a number that the normalizer does not know.",
        "misplaced-qualifier": "A qualifier word where it cannot stand.",
        "missing-qualifier": "A case ending that needs a qualifier word after it ('астам', 'жуық', 'дейін').",
        "unrecognised-duration": "Text that is not a number of years.",
        "unknown-number-word": "A Kazakh number word that is unknown or out of order.",
        "zero-duration": "A duration of no years.",
        "inconsistent-number": "A number in brackets that differs from the number before it.",
        "unknown-word": "A word where the normalizer expects a known one (after years, for 'year').",
        "unexpected-words": "Words after the value that belong to no form the normalizer reads.",
        "unknown-legal-form": "A legal form the normalizer does not know.",
        "unknown-language": "A language the normalizers do not read (kk, ru and en are read).",
        "duration-not-whole-years": "A duration in months that is not a whole number of years (published in years).",
        "bad-argument": "A formatting function was called with an argument outside its range.",
    },
    "Tables and keys": {
        "missing-value": "A required field or cell is empty.",
        "wrong-type": "A value that does not read as its column's type.",
        "not-storable": "A value in its type's form that SQLite cannot store exactly.",
        "pattern-mismatch": "A text that does not match its column's pattern.",
        "not-in-enum": "A value that is not one of its column's allowed values.",
        "below-minimum": "A value below its column's minimum.",
        "above-maximum": "A value above its column's maximum.",
        "wrong-length": "A text shorter or longer than its column allows.",
        "not-unique": "A value repeated in a column whose values must be unique.",
        "duplicate-id": "A primary key used by more than one row.",
        "source-id-form": "A source id that is neither NNN_<16 hex digits> (a real release) nor synthetic-<name>.",
        "draft-exists": "`draft` would overwrite an existing facts file (`--force` replaces it).",
        "lookalike-letter": (
            "A warning: a Latin letter inside a Cyrillic word of a facts file, or the reverse (`check`, `draft`)."
        ),
        "source-id-file-name": "A facts file whose name is not its source id (facts/<source id>.yml).",
        "similar-name": (
            "A warning of `check`: a new record's Kazakh name or abbreviation matches an existing record's."
        ),
        "date-not-a-day": "A month, a year or a range of days where the table records one day (a release's own date).",
        "restates-unknown-record": "`restates:` names no record an earlier facts file defined.",
        "restatement-not-a-fact": "A restatement gives a plain value: it restates quoted facts only.",
        "conflicting-claims": "Two releases state different values for one field, and no resolution keeps one.",
        "resolution-keeps-unknown": "A resolution keeps a release that makes no claim on the field.",
        "resolution-without-conflict": "A resolution for a field whose claims do not conflict.",
        "foreign-key": "A reference to a row that does not exist.",
        "header-mismatch": "A CSV's header differs from the columns of its table.",
        "wrong-cell-count": "A CSV row with more or fewer cells than its table has columns.",
        "too-many-problems": "Loading stopped after too many problems; the first are reported.",
    },
    "Versions and releases": {
        "not-a-git-repository": "`diff` or `release` was run in a project that is not in git, where versions are read.",
        "unknown-ref": "`diff` was given a git ref that names no commit.",
        "git-failed": "git is missing, or cannot read a file of the package at a ref.",
        "bad-version": "A version that is not MAJOR.MINOR.PATCH (in the descriptor or a release tag).",
        "bad-date": "`release --date` that is not a date YYYY-MM-DD.",
        "release-step-too-small": (
            "`release` was asked for a smaller step than the changes since the last release need (semver)."
        ),
        "release-not-tagged": "`release` found the current version in CHANGELOG.md without its git tag.",
        "nothing-to-redo": "`release --redo` found no untagged entry of the current version on top of CHANGELOG.md.",
    },
    "Project rules": {
        "formula-prefix": "A text that begins like a spreadsheet formula (=, +, -, @, tab, carriage return).",
        "markup": "A text with HTML markup in it.",
        "budget-eu-above-total": "A budget's EU contribution is above its total.",
        "budget-cofinancing-mismatch": "A budget's co-financing is not the total minus the EU contribution.",
        "budget-eu-share-mismatch": "A budget's EU share does not follow from its amounts.",
        "project-period-reversed": "A project's period ends before it starts.",
        "project-duration-too-long": "A project's stated duration is longer than its period.",
        "event-outside-project-period": "An event is dated outside the period of a project it presents.",
        "source-text-unavailable": "A quote's source has no valid archived text.",
        "quote-span-mismatch": "A quote does not stand in its source at its recorded span.",
        "organization-parent-cycle": "An organization is its own parent, or its parents lead back to it.",
        "duplicate-source-text": "Two sources record the same archived text (the same sha256).",
        "name-source-without-name": "An organization gives where its official Russian name is stated, but no name.",
        "quote-language-mismatch": (
            "A quote's language is not its source's, or its text is in another language's column."
        ),
        "bad-translation-of": (
            "A source's `translation_of` names itself, a source in the same language, or another translation."
        ),
    },
    "The descriptor": {
        "descriptor-path-outside": "A resource's path is not a CSV directly in data/.",
        "descriptor-wrong-shape": "A part of datapackage.json that must be an object is not.",
        "descriptor-unknown-key": "A key the Data Package specs do not define (a typo frictionless would ignore).",
        "descriptor-unknown-type": "A field type the Table Schema spec does not define.",
        "descriptor-unknown-field": "A primary or foreign key names a field its table does not have.",
        "descriptor-unknown-resource": "A foreign key references a resource the package does not have.",
        "descriptor-not-v2": (
            "datapackage.json is not Data Package v2: no v2 `$schema`, an `id` that is not a URI, or a resource"
            " without `type: table`."
        ),
        "foreign-key-cycle": "The tables' foreign keys form a cycle.",
        "frictionless:<type>": "An error frictionless reports; <type> is frictionless's own error type.",
    },
    "The site": {
        "unusable-database": "The SQLite database is damaged, empty or not a database.",
        "unusable-metadata": "Datasette cannot use the site's metadata.",
        "invalid-port": "A port number outside 1..65535.",
        "cannot-listen": "The server cannot listen on the address or port.",
        "unknown-publish-target": "`publish` was given a target it does not know.",
    },
    "Exports": {
        "iati-schema-invalid": (
            "An IATI activity file is not valid against IATI's 2.03 activity schema (the XSD's own message)."
        ),
    },
}
CODES: dict[str, str] = {code: meaning for section in SECTIONS.values() for code, meaning in section.items()}
FRICTIONLESS = "frictionless:"


def registered(code: str) -> bool:
    """Whether a code is in the registry (frictionless's codes as one family)."""
    return code in CODES or (code.startswith(FRICTIONLESS) and len(code) > len(FRICTIONLESS))


def codes_markdown() -> str:
    """docs/errors.md: every code with its meaning, by the stage that finds it."""
    lines = [
        "# Error codes",
        "",
        "Every problem the commands report carries one of these codes. `check`, `validate` and",
        "`build` print them with `--format json` (one JSON object on standard output, with",
        "`code`, `file`, `line`, `record`, `field`, `value`, `expected`, `message` and `text`",
        "for each problem); the lines for people on standard error stay as they are.",
        "",
        "This file is generated from `kz_rule_of_law.errors.SECTIONS`; a test checks that it matches.",
    ]
    for title, codes in SECTIONS.items():
        lines += ["", f"## {title}", "", "| Code | Meaning |", "| --- | --- |"]
        lines += [f"| `{code}` | {meaning} |" for code, meaning in codes.items()]
    return "\n".join(lines) + "\n"


UNSET = type("Unset", (), {"__repr__": lambda self: "UNSET"})()


@dataclass(frozen=True)
class Problem:
    """One located mistake in the input: file, line, record, field, value, what was expected, and its code."""

    message: str = ""
    value: object = UNSET
    expected: str = ""
    file: str | None = None
    line: int | None = None
    record: str | None = None
    field: str | None = None
    code: str = ""

    def located(self, **where: object) -> Problem:
        """Return a copy with the location fields that are still empty filled from `where`."""
        fill: dict[str, Any] = {k: v for k, v in where.items() if v is not None and getattr(self, k) is None}
        return replace(self, **fill)

    def as_dict(self) -> dict[str, object]:
        """The problem for programs: code, location, value, expected, message and the text people see."""
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "value": None if self.value is UNSET else self.value,
            "expected": self.expected or None,
            "message": self.message,
            "text": str(self),
        }

    def __str__(self) -> str:
        """Render as `FILE:LINE: record ID: field: got 'VALUE', expected ...`."""
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.record:
            parts.append(f"record {self.record}")
        if self.field:
            parts.append(self.field)
        detail = []
        if self.value is not UNSET:
            detail.append(f"got {_show(self.value)}")
        if self.expected:
            detail.append(f"expected {self.expected}")
        text = ": ".join(x for x in (self.message, ", ".join(detail)) if x)
        parts.append(text)
        return ": ".join(parts)


def _show(value: object, limit: int = 80) -> str:
    """Quote a value for an error message, shortened and with invisible characters escaped.

    Only the part that is shown is rendered: a value is never rendered whole first (YAML aliases
    can make a small file stand for a value of billions of items)."""
    text = _bounded(value, limit + 1, depth=3)
    text = "".join(_visible(c) for c in text[: limit + 1])
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + text.replace("'", "\\'") + "'"


# Characters a reader cannot see or that move lines: control, format (zero-width, soft hyphen,
# byte-order mark) and the line and paragraph separators; shown as \xNN or \uNNNN.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})


def _visible(char: str) -> str:
    """A character as shown in messages: invisible ones as their escape."""
    if unicodedata.category(char) not in INVISIBLE_CATEGORIES:
        return char
    return char.encode("unicode_escape").decode("ascii") if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


def _bounded(value: object, limit: int, depth: int) -> str:
    """The start of a value's repr (of its text, for a str), at most about `limit` characters, built
    from at most a few items at each of `depth` levels."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, bytes):
        return repr(value[:limit])
    if isinstance(value, (list, tuple, dict)):
        return _bounded_items(value, limit, depth)
    return str(value)[:limit] if value is not None else "None"


BRACKETS = ((dict, ("{", "}")), (list, ("[", "]")), (tuple, ("(", ")")))


def _bounded_items(value: list | tuple | dict, limit: int, depth: int) -> str:
    """The start of a list's, tuple's or dict's repr, nested items shown to `depth` levels."""
    opening, closing = next(brackets for kind, brackets in BRACKETS if isinstance(value, kind))
    if depth <= 0:
        return opening + ("…" if value else "") + closing
    parts, length = [], 0
    for item in value:
        if length > limit:
            parts.append("…")
            break
        shown = _item_repr(item, limit - length, depth - 1)
        if isinstance(value, dict):
            shown += ": " + _item_repr(value[item], limit - length, depth - 1)
        parts.append(shown)
        length += len(shown) + 2
    return opening + ", ".join(parts) + closing


def _item_repr(item: object, limit: int, depth: int) -> str:
    """An item inside a list or dict: a string quoted as repr does, the rest bounded."""
    if isinstance(item, str):
        return repr(item[:limit])
    return _bounded(item, limit, depth)


class KzError(Exception):
    """Base class of every error this project raises on purpose; `problems` says what went wrong."""

    exit_code = 1
    code = "internal-error"

    def __init__(self, message: str = "", problems: Iterable[Problem] = ()) -> None:
        """Keep the problems, or make one of `message` with the class's code."""
        self.problems: list[Problem] = list(problems) or [Problem(message, code=self.code)]
        super().__init__(message or "\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """The report for people: a line per problem, then how many when more than one."""
        lines = [f"error: {p}" for p in self.problems]
        if len(self.problems) > 1:
            lines.append(f"{len(self.problems)} problems")
        return lines


class InputError(KzError):
    """One or more mistakes in user input (facts, sources, CLI arguments); exit 2."""

    exit_code = 2

    def __init__(self, *problems: Problem | str, value: object = UNSET, expected: str = "", code: str = "") -> None:
        """Build from Problems, or from one message with the bad value, what was expected and its code."""
        super().__init__(
            problems=[
                p if isinstance(p, Problem) else Problem(message=p, value=value, expected=expected, code=code)
                for p in problems
            ]
        )

    def located(self, **where: object) -> InputError:
        """Return the same error with empty location fields filled from `where`."""
        return InputError(*(p.located(**where) for p in self.problems))


class ValidationFailed(KzError):
    """The package failed validation; the problems are every failure found. Exit 2."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        """Keep every failure of the report."""
        super().__init__(problems=problems)


class StaleOutputs(KzError):
    """Published files differ from what the facts produce (`build --check`); exit 1."""

    exit_code = 1

    def __init__(self, paths: list[str]) -> None:
        """A problem per published file that differs."""
        super().__init__(
            problems=[Problem("differs from what the facts produce", file=path, code="stale-output") for path in paths]
        )

    def lines(self) -> list[str]:
        """A line per stale file, then what to do about it."""
        return [f"stale: {p.file} {p.message}" for p in self.problems] + [
            "run 'kz-rule-of-law build' and commit the result"
        ]


class InternalError(KzError):
    """A failure that is not the user's input (I/O, a bug, an unexpected state); exit 1."""

    exit_code = 1


class DiskFull(KzError):
    """No space left on the device (or the disk quota reached) while writing a file; exit 1."""

    exit_code = 1
    code = "disk-full"

    def __init__(self, path: object) -> None:
        """The one line people see names what was being written."""
        super().__init__(problems=[Problem("no space left on device", file=str(path), code="disk-full")])
        self.path = str(path)

    def lines(self) -> list[str]:
        """One line: what ran out, while writing what."""
        return [f"error: no space left on device while writing {self.path}"]


# The errno values of a full disk and of a reached disk quota.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


def disk_full(error: BaseException | None, path: object) -> DiskFull | None:
    """A DiskFull naming the file being written (else `path`) when `error`, or an error it was
    raised from, says the disk is full: an OSError (ENOSPC, EDQUOT) or SQLite's SQLITE_FULL."""
    seen, current = 0, error
    while current is not None and seen < 8:
        if isinstance(current, DiskFull):
            return current
        if isinstance(current, OSError) and current.errno in DISK_FULL_ERRNOS:
            return DiskFull(current.filename or path)
        if isinstance(current, sqlite3.Error) and getattr(current, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return DiskFull(path)
        current, seen = current.__cause__ or current.__context__, seen + 1
    return None
