"""Parses .plx text into an AST, recovering after syntax errors so one run reports several of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity, SourceFile, Span
from parallax_dsl.syntax import messages
from parallax_dsl.syntax.gcpause import gc_paused
from parallax_dsl.syntax.grammar import FORCED_KEYWORDS, LEX_START, plx_parser

MAX_NESTING = 200
# Lines that start with one of these words (or `}`) begin a new statement or item: recovery resumes there.
_SYNC_WORDS = (
    "let|fanout|step|race|use|uncertain|match|if|output|escalate|fail|agents|input|pattern|test|import|expect"
    "|agent|policy|version|description|tags|requires"
)
_SYNC_LINE = re.compile(rf"\n[ \t]*((?:{_SYNC_WORDS})\b|\}})")
# `${input.task}`-style interpolations (most of them in practice): a name, or names joined by dots.
_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# Dotted-name texts whose full parse gave exactly the Name/Field chain `_dotted_name` builds (True) or not (False).
_PLAIN_INTERPOLATIONS: dict[str, bool] = {}
SYNC_TOKENS = frozenset(
    {
        "LET",
        "FANOUT",
        "STEP",
        "RACE",
        "USE",
        "UNCERTAIN",
        "MATCH",
        "IF",
        "OUTPUT",
        "ESCALATE",
        "FAIL",
        "AGENTS",
        "INPUT",
        "PATTERN",
        "TEST",
        "IMPORT",
        "EXPECT",
        "AGENT",
        "POLICY",
        "RBRACE",
    }
)


@dataclass
class ParseResult:
    """The outcome of parsing one file: the AST (None when the syntax is broken) and what went wrong."""

    source: SourceFile
    module: ast.Module | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.module is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)


def parse(text: str, path: str = "<input>") -> ast.Module:
    """Parse `text`; raise `PlxSyntaxError` carrying every diagnostic when it is not valid .plx."""
    result = parse_source(text, path)
    if result.module is None or not result.ok:
        raise PlxSyntaxError(result.diagnostics)
    return result.module


class PlxSyntaxError(Exception):
    """Raised by `parse` for invalid input; `.diagnostics` has every finding."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        first = diagnostics[0] if diagnostics else None
        where = f"{first.span.file}:{first.span.line}:{first.span.column}: " if first else ""
        super().__init__(f"{where}{first.message if first else 'invalid syntax'}")


@gc_paused()
def parse_source(text: str, path: str = "<input>") -> ParseResult:
    """Parse with recovery; never raises for any input text."""
    source = SourceFile(path, text)
    diagnostics: list[Diagnostic] = []
    structural = messages.scan_structure(text, path, MAX_NESTING)
    diagnostics.extend(structural)
    if any(d.code == "PLX006" for d in structural):
        return ParseResult(source, None, diagnostics)
    recovery = _Recovery(text, path)
    tree: Any = None
    try:
        tree = recovery.run("start")
    except Exception as exc:  # any parser failure becomes a diagnostic
        recovery.final_failure(exc)
    syntax = recovery.diagnostics
    for problem in structural:
        # A bracket problem explains the errors at and after it better than the parser can.
        if problem.message.endswith("never closed"):
            syntax = [d for d in syntax if not d.message.startswith("unexpected end of file")]
        else:
            syntax = [d for d in syntax if d.span.start_pos < problem.span.start_pos]
    diagnostics.extend(syntax)
    if diagnostics and any(d.severity is Severity.ERROR for d in diagnostics):
        return ParseResult(source, None, _sorted(diagnostics))
    from parallax_dsl.syntax.builder import AstBuilder

    builder = AstBuilder(path, _interpolation_parser(path, diagnostics))
    module: ast.Module = builder.transform(tree)
    diagnostics.extend(builder.diagnostics)
    if not module.patterns and not module.tests and not module.imports:
        diagnostics.append(
            Diagnostic(
                "PLX009",
                "empty-file",
                Severity.WARNING,
                "this file declares no pattern, test or import",
                Span(path, 1, 1, 1, 1, 0, 0),
                help="start with `pattern Name { … }`; see docs/language.md",
            )
        )
    return ParseResult(source, module, _sorted(diagnostics))


def parse_expression(text: str, path: str = "<expr>") -> ast.Expr:
    """Parse a single expression (used for interpolations, the REPL-style API and tests)."""
    from parallax_dsl.syntax.builder import AstBuilder

    recovery = _Recovery(text, path)
    tree = recovery.run("expr")
    if recovery.diagnostics:
        raise PlxSyntaxError(recovery.diagnostics)
    builder = AstBuilder(path, _interpolation_parser(path, recovery.diagnostics))
    expr: ast.Expr = builder.transform(tree)
    if builder.diagnostics:
        raise PlxSyntaxError(builder.diagnostics)
    return expr


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: d.sort_key())


def _interpolation_parser(path: str, sink: list[Diagnostic]) -> Any:
    """A callback parsing the text inside `${…}`, with spans shifted to where it sits in the file."""

    def parse_inner(text: str, line: int, column: int, pos: int) -> ast.Expr | None:
        from parallax_dsl.syntax.builder import AstBuilder

        if not text.strip():
            sink.append(
                Diagnostic(
                    "PLX001",
                    "invalid-syntax",
                    Severity.ERROR,
                    "empty interpolation `${}`",
                    Span(path, line, column - 2, line, column + 1, pos - 2, pos + 1),
                    help="put an expression inside, e.g. `${input.task}`",
                )
            )
            return None
        dotted = _DOTTED_NAME.fullmatch(text) is not None
        if dotted and _PLAIN_INTERPOLATIONS.get(text):
            return _dotted_name(path, text, line, column, pos)
        # Pad so that Lark's line/column numbers land where the text really is (strings are single-line).
        padded = "\n" * (line - 1) + " " * (column - 1) + text
        shift = pos - (line - 1) - (column - 1)
        recovery = _Recovery(padded, path, pos_shift=shift, lex_start=(len(padded) - len(text), line, line - 1))
        try:
            tree = recovery.run("expr")
        except Exception as exc:
            recovery.final_failure(exc)
            tree = None
        if recovery.diagnostics or tree is None:
            sink.extend(recovery.diagnostics)
            return None
        builder = AstBuilder(path, parse_inner)
        expr: ast.Expr = builder.transform(tree)
        sink.extend(builder.diagnostics)
        expr = _shift_expr(expr, shift)
        if dotted and text not in _PLAIN_INTERPOLATIONS:
            # Learn the shortcut only from a parse that gave exactly what the shortcut builds (keywords such as
            # `true` or `null` parse to something else); positions shift uniformly, so one check is enough.
            if len(_PLAIN_INTERPOLATIONS) > 4096:
                _PLAIN_INTERPOLATIONS.clear()
            _PLAIN_INTERPOLATIONS[text] = not builder.diagnostics and expr == _dotted_name(
                path, text, line, column, pos
            )
        return expr

    return parse_inner


def _dotted_name(path: str, text: str, line: int, column: int, pos: int) -> ast.Expr:
    """`a.b.c` at (line, column, pos) as the parser builds it: Field(Field(Name(a), b), c), without parsing."""
    first = text.split(".", 1)[0]
    expr: ast.Expr = ast.Name(first, Span(path, line, column, line, column + len(first), pos, pos + len(first)))
    end = len(first)
    while end < len(text):
        start = end + 1  # past the dot
        end = text.find(".", start)
        end = len(text) if end < 0 else end
        name_span = Span(path, line, column + start, line, column + end, pos + start, pos + end)
        span = Span(path, line, column, line, column + end, pos, pos + end)
        expr = ast.Field(expr, text[start:end], name_span, span)
    return expr


def _shift_expr(expr: ast.Expr, shift: int) -> ast.Expr:
    """Offsets spans' character positions (line and column are already right thanks to padding)."""
    if shift == 0:
        return expr
    import dataclasses

    def fix(node: Any) -> Any:
        if isinstance(node, Span):
            return dataclasses.replace(node, start_pos=node.start_pos + shift, end_pos=node.end_pos + shift)
        if isinstance(node, tuple):
            return tuple(fix(n) for n in node)
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            changes = {f.name: fix(getattr(node, f.name)) for f in dataclasses.fields(node)}
            return dataclasses.replace(node, **changes)
        return node

    shifted: ast.Expr = fix(expr)
    return shifted


class _Recovery:
    """Lark `on_error` handler: reports an error, then resynchronises at the next statement or `}`."""

    def __init__(self, text: str, path: str, pos_shift: int = 0, lex_start: tuple[int, int, int] | None = None) -> None:
        self.text = text
        self.path = path
        self.pos_shift = pos_shift
        self.lex_start = lex_start  # skip a padding prefix of `text` (see grammar.LEX_START)
        self.diagnostics: list[Diagnostic] = []
        self.suppress_until = -1
        self.sync_at = -1
        self.errors = 0
        self.forced: dict[int, str] = {}

    def run(self, start: str) -> Any:
        """Parse `self.text` from rule `start` with this recovery installed."""
        token = FORCED_KEYWORDS.set(self.forced)
        start_token = LEX_START.set(self.lex_start)
        try:
            return plx_parser().parse(self.text, start=start, on_error=self.on_error)
        finally:
            LEX_START.reset(start_token)
            FORCED_KEYWORDS.reset(token)

    def _report(self, diagnostic: Diagnostic, at: int) -> None:
        if at < self.suppress_until:
            return
        self.errors += 1
        if self.errors > 50:
            return
        if self.pos_shift:
            import dataclasses

            span = diagnostic.span
            diagnostic = dataclasses.replace(
                diagnostic,
                span=dataclasses.replace(
                    span, start_pos=span.start_pos + self.pos_shift, end_pos=span.end_pos + self.pos_shift
                ),
            )
        self.diagnostics.append(diagnostic)
        self._arm_sync(at)

    def _arm_sync(self, at: int) -> None:
        """Find the next line that starts a statement after `at`: errors before it are cascades."""
        match = _SYNC_LINE.search(self.text, at)
        self.suppress_until = match.start() + 1 if match else len(self.text) + 1
        self.sync_at = match.start(1) if match else -1
        if match and match.group(1) != "}":
            self.forced[self.sync_at] = match.group(1).upper()

    def _skip_to_sync(self, interactive: Any) -> None:
        """Panic mode: jump the lexer to the start of the next statement line after an error."""
        if interactive is None or self.sync_at < 0:
            return
        state = interactive.lexer_thread.state
        position = state.line_ctr.char_pos
        if self.sync_at > position:
            state.line_ctr.feed(self.text[position : self.sync_at])

    def on_error(self, error: Any) -> bool:
        from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

        if self.errors > 200:
            return False
        if isinstance(error, UnexpectedCharacters):
            diagnostic, skip_to = messages.unexpected_characters(self.text, self.path, error)
            self._report(diagnostic, error.pos_in_stream or 0)
            state = error.interactive_parser.lexer_thread.state if error.interactive_parser else None
            if state is not None and skip_to > state.line_ctr.char_pos:
                state.line_ctr.feed(self.text[state.line_ctr.char_pos : skip_to])
            self._skip_to_sync(error.interactive_parser)
            return True
        if isinstance(error, UnexpectedEOF):
            self._report(messages.unexpected_eof(self.text, self.path, error.expected), len(self.text))
            return False
        if isinstance(error, UnexpectedToken):
            token = error.token
            if token.type == "$END":
                self._report(messages.unexpected_eof(self.text, self.path, error.expected), len(self.text))
                return False
            start = token.start_pos or 0
            at_sync_point = token.type in SYNC_TOKENS and start == self.sync_at
            if not at_sync_point:
                self._report(messages.unexpected_token(self.text, self.path, error), start)
            if token.type in SYNC_TOKENS and self._resync(error.interactive_parser, token):
                return True
            if token.type in SYNC_TOKENS:
                # Nothing open can take this statement here: look for the next one.
                self._arm_sync(token.end_pos or start + 1)
            self._skip_to_sync(error.interactive_parser)
            return True
        return False

    def _resync(self, interactive: Any, token: Any) -> bool:
        """Pop parser states until one accepts `token`, then feed it: parsing resumes at that statement."""
        state = interactive.parser_state
        table = state.parse_conf.parse_table.states
        while len(state.state_stack) > 1 and token.type not in table[state.state_stack[-1]]:
            state.state_stack.pop()
            if state.value_stack:
                state.value_stack.pop()
        if token.type not in table[state.state_stack[-1]]:
            return False
        try:
            interactive.feed_token(token)
        except Exception:  # recovery is best effort
            return False
        return True

    def final_failure(self, exc: BaseException) -> None:
        from lark.exceptions import UnexpectedInput

        if self.diagnostics:
            return  # the reported errors explain the failure
        if isinstance(exc, UnexpectedInput):
            self._report(messages.unexpected_eof(self.text, self.path, set()), len(self.text))
            return
        self.diagnostics.append(
            Diagnostic(
                "PLX001",
                "invalid-syntax",
                Severity.ERROR,
                f"this file could not be parsed ({type(exc).__name__})",
                Span(self.path, 1, 1, 1, 2, 0, 1),
            )
        )


__all__ = ["Label", "ParseResult", "PlxSyntaxError", "parse", "parse_expression", "parse_source"]
