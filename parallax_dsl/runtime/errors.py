"""Run-time errors: one exception type with a stable `code`, and the codes `plxc run` can report."""

from __future__ import annotations

from typing import Any, Final

INVALID_INPUT: Final = "INVALID_INPUT"
NOT_ENOUGH_AGENTS: Final = "NOT_ENOUGH_AGENTS"
NO_RESULT: Final = "NO_RESULT"
PATTERN_FAILED: Final = "PATTERN_FAILED"
RUN_TIMEOUT: Final = "RUN_TIMEOUT"
CANCELLED: Final = "CANCELLED"
CASSETTE_EXHAUSTED: Final = "CASSETTE_EXHAUSTED"
UNKNOWN_PATTERN: Final = "UNKNOWN_PATTERN"
EXPRESSION_ERROR: Final = "EXPRESSION_ERROR"
AGENTS_ERROR: Final = "AGENTS_ERROR"
LICENSE_REQUIRED: Final = "LICENSE_REQUIRED"
BACKEND_UNAVAILABLE: Final = "BACKEND_UNAVAILABLE"
INTERNAL_ERROR: Final = "INTERNAL_ERROR"

#: Every code with a one-line meaning (docs/runtime.md lists the same table).
ERROR_CODES: Final[dict[str, str]] = {
    INVALID_INPUT: "The input does not match the pattern's `input` declaration (missing field, wrong type).",
    NOT_ENOUGH_AGENTS: "An agent group has fewer qualifying agents than its `min`.",
    NO_RESULT: "The pattern's statements ran out without an `output`, `escalate` or `fail`.",
    PATTERN_FAILED: "The pattern reached a `fail` statement.",
    RUN_TIMEOUT: "The whole run took longer than its timeout (`timeout` setting or `--timeout`).",
    CANCELLED: "The run was cancelled (Ctrl-C).",
    CASSETTE_EXHAUSTED: "A replayed agent was called more often than the cassette recorded.",
    UNKNOWN_PATTERN: "`use` or `plxc run stdlib:NAME` names a pattern that cannot be found.",
    EXPRESSION_ERROR: "An expression cannot be evaluated (e.g. `synthesize` of an empty list, a huge `range`).",
    AGENTS_ERROR: "The agents (module, file or cassette) cannot be loaded.",
    LICENSE_REQUIRED: "The run needs a licence feature the licence in effect lacks (e.g. `--backend ray`).",
    BACKEND_UNAVAILABLE: "The execution backend cannot be reached or went away (e.g. the Ray cluster).",
    INTERNAL_ERROR: "A bug in the runtime; please report it.",
}


class PlxRuntimeError(Exception):
    """A run-time failure with a stable `code` (see ERROR_CODES) and a message for people."""

    def __init__(self, code: str, message: str, *, step: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.step = step

    def __repr__(self) -> str:
        return f"PlxRuntimeError({self.code!r}, {self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (code, message, step), so one raised on a remote worker fails the run the same way."""
        return (_rebuild, (self.code, self.message, self.step))


def _rebuild(code: str, message: str, step: str | None) -> PlxRuntimeError:
    return PlxRuntimeError(code, message, step=step)
