"""Loads the one .plx grammar once per process, with Lark's table cache on disk for fast start-up."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark import Lark

GRAMMAR_PATH = Path(__file__).resolve().parent.parent / "grammar" / "plx.lark"
START_RULES = ("start", "expr")

# Positions where error recovery wants a keyword read as a keyword even if the broken parse state would take a
# name there (so `output` after an unfinished `let x =` restarts a statement). word → terminal type.
FORCED_KEYWORDS: ContextVar[dict[int, str] | None] = ContextVar("plx_forced_keywords", default=None)

# Where lexing starts: (character position, line, position where that line starts). An interpolation `${…}` is
# parsed inside a copy of its text padded with the newlines and spaces before it in the file, so that positions
# and messages come out right; lexing that padding as whitespace cost time proportional to the interpolation's
# line number. Starting the lexer past the padding gives the same tokens and line counts.
LEX_START: ContextVar[tuple[int, int, int] | None] = ContextVar("plx_lex_start", default=None)

# Oracles whose target is a name (`verify agent reviewers …`), with the options they take. Right after the oracle's
# kind, a verify-option word that is not one of these options is the target, so agent groups may be called `pool`,
# `drift` or `cwd` (`verify agent pool` names the group; `verify agent rubric "…"` is still the option).
NAME_TARGET_VERIFY_OPTIONS: dict[str, frozenset[str]] = {"agent": frozenset({"rubric"})}


def _cache_path(grammar_text: str) -> str:
    """A per-user cache file keyed by the grammar text, so a grammar change never loads stale tables."""
    import hashlib

    from lark import __version__ as lark_version

    digest = hashlib.sha256(f"{lark_version}\n{grammar_text}".encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "parallax-dsl"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    return str(folder / f"plx-grammar-{digest}.lark-cache")


@functools.cache
def grammar_text() -> str:
    return GRAMMAR_PATH.read_text(encoding="utf-8")


@functools.cache
def plx_parser() -> Lark:
    """The LALR parser with the contextual lexer, positions on, tables cached on disk."""
    from lark import Lark

    text = grammar_text()
    options: dict[str, object] = {
        "parser": "lalr",
        "lexer": "contextual",
        "propagate_positions": True,
        "maybe_placeholders": True,
        "start": list(START_RULES),
    }
    try:
        parser = Lark(text, cache=_cache_path(text), **options)
    except OSError:
        parser = Lark(text, **options)
    _install_soft_keywords(parser)
    return parser


def _install_soft_keywords(parser: Lark) -> None:
    """Make keywords "soft": a keyword-like word is a plain name wherever the keyword cannot continue the parse.

    LALR merges states, so the contextual lexer alone would treat `timeout` as a keyword after any expression
    (because some step clause may follow an expression there), breaking `{ a: 1  timeout: 2 }` or an agent
    group's `timeout 30s` setting. Simulating the parse table for the few ambiguous words fixes that exactly.
    """
    frontend = parser.parser
    soft = frozenset(
        t.name
        for t in parser.terminals
        if (t.pattern.type == "str" and t.pattern.value.isidentifier() and t.name != "NAME")
        or t.name in ("ANSWER_OPTION", "VERIFY_OPTION")
    )
    frontend.lexer = SoftKeywordLexer(frontend.lexer, soft)


def _accepts(states: Any, state_stack: list[Any], token_type: str) -> bool:
    """Whether the parser, in exactly this stack, can shift `token_type` after its reductions."""
    stack = list(state_stack)
    while True:
        action = states[stack[-1]].get(token_type)
        if action is None:
            return False
        kind, argument = action
        if kind.name == "Shift":
            return True
        size = len(argument.expansion)
        if size:
            del stack[-size:]
        goto = states[stack[-1]].get(argument.origin.name)
        if goto is None:
            return False
        stack.append(goto[1])


def _is_verify_target(before: tuple[Any, Any], word: str) -> bool:
    """Whether `word` directly follows `verify <kind>` for an oracle whose target is a name, and is not one of
    that oracle's options."""
    verify, kind = before
    if verify is None or kind is None or verify.type != "VERIFY" or kind.type != "NAME":
        return False
    options = NAME_TARGET_VERIFY_OPTIONS.get(kind.value)
    return options is not None and word not in options


class SoftKeywordLexer:
    """Wraps Lark's contextual lexer; turns a keyword token back into NAME where only a name can be parsed."""

    def __init__(self, inner: Any, soft_keywords: frozenset[str]) -> None:
        self.inner = inner
        self.soft_keywords = soft_keywords

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Any]:
        soft = self.soft_keywords
        forced = FORCED_KEYWORDS.get()
        start = LEX_START.get()
        if start is not None and lexer_state.line_ctr.char_pos < start[0]:
            # What LineCounter.feed(padding) would leave behind, without matching the padding as whitespace.
            counter = lexer_state.line_ctr
            counter.char_pos, counter.line, counter.line_start_pos = start
            counter.column = counter.char_pos - counter.line_start_pos + 1
        # The two tokens before this one, to find the target slot of `verify agent …`.
        before: tuple[Any, Any] = (None, None)
        for token in self.inner.lex(lexer_state, parser_state):
            if forced and token.start_pos in forced:
                token.type = forced[token.start_pos]
            elif token.type == "VERIFY_OPTION" and _is_verify_target(before, token.value):
                if parser_state is None or "NAME" in parser_state.parse_conf.states[parser_state.state_stack[-1]]:
                    token.type = "NAME"
            elif token.type in soft and parser_state is not None:
                states = parser_state.parse_conf.states
                stack = parser_state.state_stack
                if (
                    "NAME" in states[stack[-1]]
                    and not _accepts(states, stack, token.type)
                    and _accepts(states, stack, "NAME")
                ):
                    token.type = "NAME"
            before = (before[1], token)
            yield token

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
