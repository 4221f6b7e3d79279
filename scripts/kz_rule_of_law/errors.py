"""The project's own error types: input mistakes (exit 2) and internal failures (exit 1)."""

from __future__ import annotations

from dataclasses import dataclass, replace


class KzError(Exception):
    """Base class of every error this project raises on purpose."""

    exit_code = 1


UNSET = type("Unset", (), {"__repr__": lambda self: "UNSET"})()


@dataclass(frozen=True)
class Problem:
    """One located mistake in the input: file, line, record, field, value and what was expected."""

    message: str = ""
    value: object = UNSET
    expected: str = ""
    file: str | None = None
    line: int | None = None
    record: str | None = None
    field: str | None = None

    def located(self, **where: object) -> "Problem":
        """Return a copy with the location fields that are still empty filled from `where`."""
        fill = {k: v for k, v in where.items() if v is not None and getattr(self, k) is None}
        return replace(self, **fill)

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
    """Quote a value for an error message, shortened and with control characters escaped."""
    text = repr(value) if value is None or isinstance(value, (list, dict, tuple, bytes)) else str(value)
    text = text.encode("unicode_escape").decode("ascii") if any(
        ord(c) < 32 or c == "\x7f" for c in text
    ) else text
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + text.replace("'", "\\'") + "'"


class InputError(KzError):
    """One or more mistakes in user input (facts, sources, CLI arguments); exit 2."""

    exit_code = 2

    def __init__(self, *problems: Problem | str, value: object = UNSET, expected: str = "") -> None:
        """Build from Problems, or from one message with the bad value and what was expected."""
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem(message=p, value=value, expected=expected)
            for p in problems
        ]
        super().__init__("\n".join(str(p) for p in self.problems))

    def located(self, **where: object) -> "InputError":
        """Return the same error with empty location fields filled from `where`."""
        return InputError(*(p.located(**where) for p in self.problems))


class ValidationFailed(KzError):
    """The package failed validation; the report lists every failure. Exit 2."""

    exit_code = 2

    def __init__(self, failures: list[str]) -> None:
        """Keep every failure line of the report."""
        self.failures = failures
        super().__init__("\n".join(failures))


class InternalError(KzError):
    """A failure that is not the user's input (I/O, a bug, an unexpected state); exit 1."""

    exit_code = 1
