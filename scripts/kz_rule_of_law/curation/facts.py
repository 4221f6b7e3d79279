"""Read a curated facts file (YAML) into mappings that remember the line of every key."""

from __future__ import annotations

import errno
import itertools
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import InputError, Problem

MAX_FACTS_BYTES = 2_000_000
MAX_LINE_CHARS = 10_000
# Facts nest a few levels (a section, its records, a fact); deeper nesting is a mistake or an
# attack on the loader's recursion.
MAX_DEPTH = 32
# Values a facts file may stand for, counting each alias as the values it repeats: aliases of
# aliases double at each step, and a few kilobytes could otherwise stand for billions of values.
MAX_VALUES = 1_000_000
# What YAML reads as a line break besides LF (and CR, refused on its own): editors, `sed -n Np`
# and the lines this project reports count only LF, so a facts file may not hold them raw.
YAML_LINE_BREAKS = {
    "\u2028": "U+2028 LINE SEPARATOR",
    "\u2029": "U+2029 PARAGRAPH SEPARATOR",
    "\x85": "U+0085 NEXT LINE",
}
YAML_LINE_BREAK = re.compile("[" + "".join(YAML_LINE_BREAKS) + "]")
MAX_PROBLEMS = 20


REFERENCE_FILE = "reference.yml"


class Mapping(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    lines: dict[str, int]


class _Refused(yaml.constructor.ConstructorError):
    """Valid YAML that a facts file may not use: a tag, nesting too deep, aliases repeating too much."""

    def __init__(self, message: str, mark: yaml.Mark, code: str, expected: str) -> None:
        """Keep the code and what was expected beside YAML's message and mark."""
        super().__init__(None, None, message, mark)
        self.reason, self.line = message, mark.line + 1
        self.code, self.expected = code, expected


# The tags of nodes written without one. The resolver gives these to untagged nodes only, so that
# any tag written in the file, even `!!str`, has no constructor and is refused.
PLAIN_SCALAR = "tag:kz-rule-of-law:plain-scalar"
PLAIN_TAGS = {
    yaml.ScalarNode: PLAIN_SCALAR,
    yaml.SequenceNode: "tag:kz-rule-of-law:plain-sequence",
    yaml.MappingNode: "tag:kz-rule-of-law:plain-mapping",
}


# libyaml's loader when it is installed, for speed; the pure-Python one has the same interface.
if TYPE_CHECKING:
    _BaseLoader = yaml.BaseLoader
else:
    _BaseLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class _Loader(_BaseLoader):
    """A YAML loader that keeps every scalar as text and records line numbers."""

    def __init__(self, stream: str) -> None:
        """Start counting the depth and the values (aliases counted as what they repeat)."""
        super().__init__(stream)
        self.depth = 0
        self.values = 0
        self.sizes: dict[yaml.Node, int] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """The tag of a node written without one."""
        return PLAIN_TAGS[kind]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct a node, refusing nesting beyond MAX_DEPTH and aliases repeating beyond MAX_VALUES.

        The values counted are the items of mappings and lists, each alias counted as the items
        of what it names; plain scalars are taken as they are, without a call per scalar."""
        if node in self.constructed_objects:  # an alias: every value of what it names stands here again
            self._count(self.sizes.get(node, 1), node)
            return self.constructed_objects[node]
        if not isinstance(node, yaml.CollectionNode):
            return super().construct_object(node, deep)
        before = self.values
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(
                f"values nested more than {MAX_DEPTH} levels deep",
                node.start_mark,
                code="yaml-too-deep",
                expected="sections of records of fields, a few levels deep",
            )
        try:
            value = super().construct_object(node, deep)
        finally:
            self.depth -= 1
        self._count(len(node.value), node)
        self.sizes[node] = self.values - before
        return value

    def _count(self, values: int, node: yaml.Node) -> None:
        """Count values; refuse a file whose aliases make it stand for more than MAX_VALUES."""
        self.values += values
        if self.values > MAX_VALUES:
            raise _Refused(
                f"aliases repeat the value anchored here until the file stands for more than {MAX_VALUES:,} values",
                node.start_mark,
                code="yaml-too-large",
                expected="each alias naming a small value (an alias repeats every value of what it names)",
            )

    def _value(self, node: yaml.Node) -> Any:
        """A plain scalar's text, or the constructed node."""
        if node.tag == PLAIN_SCALAR:
            return node.value
        return self.construct_object(node)

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        """Build a list of the items."""
        return [self._value(child) for child in node.value]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:
        """Build a Mapping, refusing duplicate keys instead of keeping the last one."""
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in node.value:
            key = self._value(key_node)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain name", key_node.start_mark
                )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first on line {mapping.lines[key]})", key_node.start_mark
                )
            mapping[key] = self._value(value_node)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def refuse_tag(self, node: yaml.Node) -> None:
        """Refuse a node with a tag written in the file."""
        tag = (
            "!!" + node.tag.removeprefix("tag:yaml.org,2002:")
            if node.tag.startswith("tag:yaml.org,2002:")
            else node.tag
        )
        raise _Refused(
            f"YAML tag '{tag}'",
            node.start_mark,
            code="yaml-tag",
            expected="plain text without a tag (facts files hold text; the build reads every value)",
        )


# types-PyYAML types a constructor's first argument as one of its own loader classes, not the
# BaseConstructor that defines construct_scalar, which every loader is.
_Loader.add_constructor(PLAIN_TAGS[yaml.ScalarNode], _Loader.construct_scalar)  # type: ignore[type-var]
_Loader.add_constructor(PLAIN_TAGS[yaml.SequenceNode], _Loader.construct_sequence)
_Loader.add_constructor(PLAIN_TAGS[yaml.MappingNode], _Loader.construct_mapping)
_Loader.add_constructor(None, _Loader.refuse_tag)


@dataclass(frozen=True)
class Fact:
    """A statement of the source: the Kazakh quote, its English rendering, which occurrence."""

    kk: str
    en: str
    at: int | None
    line: int


def read_regular(path: Path, what: str, limit: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; a symlink must stay inside `root`.

    Devices, FIFOs and sockets are refused before a byte is read (a FIFO would block, /dev/zero
    never end), and no more than `limit` + 1 bytes are ever read.
    """
    # realpath, not Path.resolve: a symlink loop is then refused by os.open below, not raised here
    if (
        root is not None
        and path.is_symlink()
        and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    ):
        raise InputError(
            f"{what} is a symlink out of the project",
            value=os.readlink(path),
            expected="a file inside the project",
            code="not-regular-file",
        )
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # no wait on a FIFO with no writer
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(status.st_mode):
            raise InputError(
                f"{what} is not a regular file but {_file_kind(status.st_mode)}",
                expected="a regular file (or a symlink to one inside the project)",
                code="not-regular-file",
            )
        if status.st_size > limit:
            raise InputError(
                f"{what} is {status.st_size:,} bytes", expected=f"at most {limit:,} bytes", code="file-too-large"
            )
        data = handle.read(limit + 1)
    if len(data) > limit:  # grown since fstat
        raise InputError(
            f"{what} is more than {limit:,} bytes", expected=f"at most {limit:,} bytes", code="file-too-large"
        )
    return data


def _file_kind(mode: int) -> str:
    """Name a kind of file that is not a regular file."""
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def read_text(
    path: Path,
    what: str = "facts file",
    limit: int = MAX_FACTS_BYTES,
    name: str | None = None,
    root: Path | None = None,
) -> str:
    """Read a UTF-8 text file, refusing what a person's editor may have slipped in."""
    name = name or str(path)
    try:
        data = read_regular(path, what, limit, root)
    except InputError as e:
        raise e.located(file=name) from None
    except FileNotFoundError:
        raise InputError(Problem(f"{what} not found", file=name, code="file-not-found")) from None
    except IsADirectoryError:
        raise InputError(Problem(f"{what} is a directory", file=name, code="not-a-file")) from None
    except OSError as e:
        raise InputError(Problem(f"cannot read {what}: {e.strerror}", file=name, code="cannot-read")) from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError(
            Problem(
                "starts with a byte-order mark (BOM)",
                file=name,
                line=1,
                expected="UTF-8 without a BOM",
                code="byte-order-mark",
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            Problem(
                f"invalid UTF-8 byte 0x{data[e.start]:02x}",
                file=name,
                line=line,
                expected="UTF-8 text",
                code="not-utf8",
            )
        ) from None
    problems = _carriage_returns(text, name) + _line_breaks(text, name) + _line_problems(text, name)
    if problems:
        raise InputError(*problems[:MAX_PROBLEMS])
    return text


def _carriage_returns(text: str, name: str) -> list[Problem]:
    """A problem for CRLF line ends or a carriage return, on the line of the first."""
    if "\r" not in text:
        return []
    crlf = text.count("\r\n")
    line = text[: text.index("\r")].count("\n") + 1
    return [
        Problem(
            f"{crlf:,} CRLF line ends" if crlf else "carriage return in text",
            file=name,
            line=line,
            expected="LF line ends only (save the file with Unix line ends)",
            code="carriage-return",
        )
    ]


def _line_breaks(text: str, name: str) -> list[Problem]:
    """A problem for each raw character YAML reads as a line break besides LF, on its LF-counted line."""
    problems = []
    for match in itertools.islice(YAML_LINE_BREAK.finditer(text), MAX_PROBLEMS):
        index = match.start()
        column = index - text.rfind("\n", 0, index)
        problems.append(
            Problem(
                f"{YAML_LINE_BREAKS[match.group()]} at column {column}",
                file=name,
                line=text.count("\n", 0, index) + 1,
                expected="LF as the only line break (YAML reads this character as one, "
                "editors may not): a space instead",
                code="line-separator",
            )
        )
    return problems


def _line_problems(text: str, name: str) -> list[Problem]:
    """NUL bytes and overlong lines, by line."""
    problems = []
    for number, content in enumerate(text.split("\n"), start=1):
        if "\x00" in content:
            problems.append(
                Problem("NUL byte in text", file=name, line=number, expected="text without NUL bytes", code="nul-byte")
            )
        if len(content) > MAX_LINE_CHARS:
            problems.append(
                Problem(
                    f"line is {len(content):,} characters long",
                    file=name,
                    line=number,
                    expected=f"lines of at most {MAX_LINE_CHARS:,} characters",
                    code="line-too-long",
                )
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text into Mappings, lists and strings; syntax errors name the line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except _Refused as e:
        raise InputError(Problem(e.reason, file=name, line=e.line, expected=e.expected, code=e.code)) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        reason = e.problem or e.context or "YAML error"
        raise InputError(Problem(f"YAML syntax error: {reason}", file=name, line=line, code="yaml-syntax")) from None
    except yaml.YAMLError as e:
        raise InputError(Problem(f"YAML error: {e}", file=name, code="yaml-syntax")) from None
    except RecursionError:  # composing in Python (no libyaml) recurses before the constructor counts
        raise InputError(
            Problem(
                f"values nested more than {MAX_DEPTH} levels deep",
                file=name,
                expected="sections of records of fields, a few levels deep",
                code="yaml-too-deep",
            )
        ) from None


def load(path: Path, name: str | None = None, root: Path | None = None) -> Mapping:
    """Read and parse one facts file; its top level must be a mapping of sections.

    A symlinked facts file must stay inside the project: `root`, else the folder above the file's own.
    """
    name = name or str(path)
    text = read_text(path, name=name, root=root or path.parent.parent)
    document = parse_yaml(text, name)
    if document is None and Path(path).name == REFERENCE_FILE:
        # reference.yml holds the curated lists no release states; with none yet it is comments only.
        empty = Mapping()
        empty.line, empty.lines = 1, {}
        return empty
    if document is None or document == "":
        raise InputError(
            Problem(
                "the facts file is empty",
                file=name,
                line=1,
                expected="a mapping with a 'source' section and tables of facts",
                code="empty-file",
            )
        )
    if not isinstance(document, Mapping):
        raise InputError(
            Problem(
                "wrong shape at the top level",
                file=name,
                line=1,
                value=_kind(document),
                expected="a mapping of sections",
                code="wrong-shape",
            )
        )
    if not unicodedata.is_normalized("NFC", text):
        problems = not_nfc(document, name)
        if problems:
            raise InputError(*problems)
    return document


def not_nfc(document: Mapping, name: str) -> list[Problem]:
    """A problem for each key or text of a document that is not in NFC, on its key's line."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str | None, int]] = [(document, None, document.line)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, field, line = stack.pop()
        if isinstance(value, Mapping):
            for key, item in reversed(value.items()):
                stack.append((item, key, value.lines[key]))
                stack.append((key, key, value.lines[key]))
        elif isinstance(value, list):
            stack.extend((item, field, line) for item in reversed(value))
        elif isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            problems.append(
                Problem(
                    "text not in Unicode NFC" + _decomposed(value),
                    value=value,
                    file=name,
                    line=line,
                    field=field,
                    code="not-nfc",
                    expected="the same text in NFC (composed letters, as the archived texts are)",
                )
            )
    return problems


def _decomposed(text: str) -> str:
    """Name the first character that NFC would change: one with an NFC form of its own, or a combining
    mark that composes with the character before it (the same look, different bytes)."""
    for index, char in enumerate(text):
        pair = text[index - 1 : index + 1]
        if unicodedata.normalize("NFC", char) != char or (
            index and unicodedata.combining(char) and unicodedata.normalize("NFC", pair) != pair
        ):
            return f" (U+{ord(char):04X} {unicodedata.name(char, 'CHARACTER')} at character {index + 1})"
    return ""


def is_fact(value: Any) -> bool:
    """Whether a YAML value is written as a fact (a mapping with a Kazakh quote)."""
    return isinstance(value, Mapping) and "kk" in value


def to_fact(value: Mapping) -> Fact:
    """Read {kk, en, at} into a Fact, raising InputError on anything else."""
    kk, en, at = value.get("kk"), value.get("en"), value.get("at")
    problems = [*_unknown_fact_keys(value), *_text_problems(value, kk, en)]
    occurrence = _occurrence(at)
    if at is not None and occurrence is None:
        problems.append(
            Problem(
                "bad occurrence number",
                line=value.lines["at"],
                value=at,
                expected="at: a whole number from 1",
                code="bad-occurrence",
            )
        )
    if problems or not isinstance(kk, str) or not isinstance(en, str):
        raise InputError(*problems)  # kk and en are text here: a problem was recorded otherwise
    return Fact(unicodedata.normalize("NFC", kk.strip()), " ".join(en.split()), occurrence, value.line)


def _unknown_fact_keys(value: Mapping) -> list[Problem]:
    """A problem for each key of a fact other than kk, en and at."""
    return [
        Problem(
            f"unknown key '{key}' in a fact",
            line=value.lines[key],
            expected="only kk (the Kazakh quote), en (its English rendering) and at",
            code="unknown-fact-key",
        )
        for key in value
        if key not in ("kk", "en", "at")
    ]


def _text_problems(value: Mapping, kk: Any, en: Any) -> list[Problem]:
    """Problems of a fact's Kazakh quote and English rendering: each must be non-empty text."""
    problems = []
    if not isinstance(kk, str) or not kk.strip():
        problems.append(
            Problem(
                "the Kazakh quote is empty or not text",
                line=value.line,
                value=kk,
                expected="the exact words of the source",
                code="empty-quote",
            )
        )
    if not isinstance(en, str) or not en.strip():
        problems.append(
            Problem(
                "the English rendering is missing",
                line=value.line,
                expected="en: <English rendering of the quote>",
                code="missing-english",
            )
        )
    return problems


def _occurrence(at: Any) -> int | None:
    """The occurrence number `at` gives, or None when it is missing or not a whole number from 1."""
    if isinstance(at, str) and at.isascii() and at.isdigit() and int(at) >= 1:
        return int(at)
    return None


def _kind(value: Any) -> str:
    """Name the YAML shape of a value for error messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the text {str(value)[:50]!r}"[:60]
