"""Diagnostic, Span and SourceFile: what every check reports, independent of how it is rendered."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How bad a finding is; errors fail `plxc check`, warnings and infos too unless ignored."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file: 1-based line and column, end exclusive (end_column is one past the last char)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start_pos: int = 0
    end_pos: int = 0

    @staticmethod
    def point(file: str, line: int, column: int, pos: int = 0) -> Span:
        return Span(file, line, column, line, column + 1, pos, pos + 1)

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line, self.column)


@dataclass(frozen=True, slots=True)
class Label:
    """A secondary span with a short message, e.g. "first defined here"."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A machine-applicable edit: replace the text of `span` with `replacement`."""

    message: str
    span: Span
    replacement: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a code like PLX101, its kebab-case name, severity, message and where it is."""

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    labels: tuple[Label, ...] = ()
    help: str | None = None
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (*self.span.sort_key(), self.code)


@dataclass(slots=True)
class SourceFile:
    """The text of a checked file, kept so renderers can show the user's own lines."""

    path: str
    text: str
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            # Split on "\n" only, as the parser counts lines (splitlines() also splits on \f, U+2028, …).
            self._lines = self.text.split("\n") or [""]
        return self._lines

    def line(self, number: int) -> str:
        """The 1-based line `number`, or "" past the end."""
        lines = self.lines
        return lines[number - 1] if 1 <= number <= len(lines) else ""
