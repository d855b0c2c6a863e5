"""What `plxc lsp` answers, as plain functions of a document's text and a position (no LSP library needed).

Positions here are 0-based lines and characters counted in code points; the server converts from and to the
client's encoding (UTF-16 by default). `analyze` runs the same engine as `plxc check` (imports followed relative to
the file) and keeps the symbol table for hover, go to definition, completion and the outline.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from parallax_dsl import ast
from parallax_dsl.checks.loader import LoadedFile, Workspace
from parallax_dsl.diagnostics.model import Diagnostic, Span
from parallax_dsl.semantics import builtins
from parallax_dsl.semantics.checker import TEST_NAMES, CheckResult, Symbol
from parallax_dsl.semantics.stdlib_names import STDLIB_PATTERNS

# ---------------------------------------------------------------- positions


@dataclass(frozen=True, slots=True, order=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Range:
    start: Position
    end: Position

    def contains(self, position: Position) -> bool:
        return self.start <= position <= self.end


@dataclass(frozen=True, slots=True)
class Location:
    path: Path
    range: Range


def span_range(span: Span) -> Range:
    return Range(Position(span.line - 1, span.column - 1), Position(span.end_line - 1, span.end_column - 1))


def span_contains(span: Span, position: Position) -> bool:
    return span_range(span).contains(position)


class LineIndex:
    """Offsets ↔ positions for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def offset(self, position: Position) -> int:
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] - 1 if position.line + 1 < len(self.starts) else len(self.text)
        return min(start + max(position.character, 0), end)

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line, offset - self.starts[line])

    def line_text(self, line: int) -> str:
        if line >= len(self.starts):
            return ""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line] : end]

    def end(self) -> Position:
        return self.position(len(self.text))


# ---------------------------------------------------------------- analysis


@dataclass
class Analysis:
    """One document checked like `plxc check` does, with its symbol table and the files it imports."""

    path: Path
    text: str
    workspace: Workspace
    loaded: LoadedFile
    result: CheckResult
    diagnostics: list[Diagnostic]
    index: LineIndex = field(repr=False)

    @property
    def module(self) -> ast.Module | None:
        return self.loaded.parse.module if self.loaded.parse is not None else None


def analyze(text: str, path: Path) -> Analysis:
    """Parse and check `text` as the file at `path` (imports are read from disk relative to it)."""
    import sys

    from parallax_dsl.checks.run import check_file
    from parallax_dsl.checks.suppress import apply_filters

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    workspace = Workspace()
    loaded = workspace.load(path, text)
    result = check_file(workspace, loaded)
    kept = apply_filters(result.diagnostics, {loaded.source.path: loaded.source})
    diagnostics = sorted(dict.fromkeys(kept), key=lambda d: d.sort_key())
    return Analysis(path.resolve(), text, workspace, loaded, result, diagnostics, LineIndex(text))


def span_path(span: Span) -> Path:
    """The file a span is in (spans carry the path as shown, relative to the working directory)."""
    return Path(span.file).resolve()


# ---------------------------------------------------------------- words


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: int  # offsets
    end: int
    before: str  # the nearest non-blank character before the word ("" at the start)
    after: str  # the nearest non-blank character after the word


def word_at(text: str, offset: int) -> Word | None:
    """The identifier under (or just before) `offset`."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    for match in _WORD.finditer(text, line_start, line_end):
        if match.start() <= offset <= match.end():
            before = text[: match.start()].rstrip()
            after = text[match.end() :].lstrip()
            return Word(match.group(), match.start(), match.end(), before[-1:] if before else "", after[:1])
    return None


def in_comment_or_string(line_prefix: str) -> bool:
    """Whether the end of `line_prefix` is inside a comment or a string literal."""
    quote = ""
    i = 0
    while i < len(line_prefix):
        ch = line_prefix[i]
        if quote:
            if ch == "\\" and quote != "r":
                i += 2
                continue
            if ch == quote[-1]:
                quote = ""
        elif ch == "#":
            return True
        elif ch in "\"'":
            raw = i > 0 and line_prefix[i - 1] == "r" and (i < 2 or not (line_prefix[i - 2].isalnum()))
            quote = ("r" if raw else "") + ch
        i += 1
    return bool(quote)


# ---------------------------------------------------------------- hover


@dataclass(frozen=True, slots=True)
class Hover:
    markdown: str
    range: Range | None = None


_KIND_TITLES = {
    "input": "input",
    "let": "let",
    "step": "step",
    "use": "use",
    "binder": "name",
    "group": "agent group",
    "pattern": "pattern",
    "test-name": "test",
}

BAND_DOCS = {
    "high": "Confidence band: at least the `high` bound (0.8 unless `bands(…)` says otherwise).",
    "medium": "Confidence band: at least the `medium` bound (0.5 unless `bands(…)` says otherwise).",
    "low": "Confidence band: below the `medium` bound.",
}


def _symbol_at(analysis: Analysis, position: Position) -> tuple[Span, Symbol] | None:
    here = analysis.loaded.source.path
    for span, symbol in analysis.result.references:
        if span.file == here and span_contains(span, position):
            return span, symbol
    for symbol in analysis.result.definitions:
        if symbol.span.file == here and symbol.kind != "pattern" and span_contains(symbol.span, position):
            if symbol.name == "input" and symbol.kind == "input" and symbol.span.end_line != symbol.span.line:
                continue  # the whole `input { … }` block: only its fields are hovered
            return symbol.span, symbol
    return None


def _declaration_line(analysis: Analysis, span: Span) -> str:
    path = span_path(span)
    if path == analysis.path:
        return analysis.index.line_text(span.line - 1).strip()
    loaded = analysis.workspace.files.get(path)
    return loaded.source.line(span.line).strip() if loaded is not None else ""


def _code(text: str) -> str:
    return f"```plx\n{text}\n```" if text else ""


def _symbol_markdown(analysis: Analysis, symbol: Symbol) -> str:
    title = _KIND_TITLES.get(symbol.kind, symbol.kind)
    head = f"**{title}** `{symbol.name}`"
    if symbol.detail and symbol.detail not in (title, symbol.kind):
        head += f" — {symbol.detail}"
    if symbol.kind == "binder" and symbol.name in TEST_NAMES and symbol.detail == TEST_NAMES[symbol.name]:
        return head
    line = _declaration_line(analysis, symbol.span)
    return "\n\n".join(part for part in (head, _code(line)) if part)


@dataclass(frozen=True, slots=True)
class PatternTarget:
    """A pattern that a `use` or `test` names, and where it is declared (None for the stdlib)."""

    name: str
    decl: ast.PatternDecl | None
    path: Path | None


def find_pattern(analysis: Analysis, name: str) -> PatternTarget | None:
    """A pattern visible from the document: declared in it, in a file it imports (transitively), or the stdlib."""
    bare = name.removeprefix("stdlib.")
    module = analysis.module
    if module is not None and not name.startswith("stdlib."):
        for pattern in module.patterns:
            if pattern.name == name:
                return PatternTarget(name, pattern, analysis.path)
        for path in _imported_files(analysis):
            loaded = analysis.workspace.files.get(path)
            other = loaded.parse.module if loaded is not None and loaded.parse is not None else None
            for pattern in other.patterns if other is not None else ():
                if pattern.name == name:
                    return PatternTarget(name, pattern, path)
    if bare in STDLIB_PATTERNS:
        return _stdlib_target(bare)
    return None


def _stdlib_target(name: str) -> PatternTarget:
    """A stdlib pattern with its declaration when its source file is at hand (hover, go to definition)."""
    from parallax_dsl.stdlib_files import find_stdlib_file
    from parallax_dsl.syntax import parse_source

    path = find_stdlib_file(name)
    if path is None:
        return PatternTarget(name, None, None)
    try:
        result = parse_source(path.read_text(encoding="utf-8"), str(path))
    except OSError:
        return PatternTarget(name, None, None)
    for pattern in result.module.patterns if result.module is not None else ():
        if pattern.name == name:
            return PatternTarget(name, pattern, path)
    return PatternTarget(name, None, None)


def _imported_files(analysis: Analysis) -> Iterator[Path]:
    seen = {analysis.path}
    stack = list(reversed(analysis.loaded.imports))
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        yield path
        loaded = analysis.workspace.files.get(path)
        if loaded is not None:
            stack.extend(reversed(loaded.imports))


def _pattern_markdown(target: PatternTarget, analysis: Analysis) -> str:
    if target.decl is None:
        return f"**stdlib pattern** `{target.name}`\n\nA standard coordination pattern: `use r = {target.name}(…)`."
    decl = target.decl
    where = "" if target.path == analysis.path else f" (from `{target.path.name if target.path else ''}`)"
    is_stdlib = target.path is not None and target.path.parent.name in ("stdlib", "stdlib_patterns")
    lines = [f"**stdlib pattern** `{decl.name}`" if is_stdlib else f"**pattern** `{decl.name}`{where}"]
    description = next((s for s in decl.settings if s.name == "description"), None)
    if description is not None and isinstance(description.value, ast.String):
        lines.append(description.value.text)
    fields = [f"{f.name}: {f.type}" for block in decl.inputs for f in block.fields]
    if fields:
        lines.append(_code("input { " + ", ".join(fields) + " }"))
    return "\n\n".join(lines)


def _pattern_reference_at(module: ast.Module, position: Position) -> tuple[str, Span] | None:
    """The pattern name of a `use x = Name(…)` or `test "…" for Name` under the cursor."""
    for test in module.tests:
        if span_contains(test.pattern_span, position):
            return test.pattern, test.pattern_span
    for pattern in module.patterns:
        if span_contains(pattern.name_span, position):
            return pattern.name, pattern.name_span
        for statement in walk_statements(pattern.body):
            if isinstance(statement, ast.UseStmt) and span_contains(statement.target_span, position):
                return statement.target, statement.target_span
    return None


def _setting_doc_at(module: ast.Module, position: Position) -> tuple[str, str, Span] | None:
    """(name, doc, span) of a pattern, agent group or test agent setting, or a verify oracle, under the cursor."""
    candidates: list[tuple[str, dict[str, str], Span]] = []
    for pattern in module.patterns:
        candidates.extend((s.name, builtins.PATTERN_SETTINGS, s.name_span) for s in pattern.settings)
        for group in pattern.agents:
            candidates.extend((s.name, builtins.AGENT_GROUP_SETTINGS, s.name_span) for s in group.settings)
        for statement in walk_statements(pattern.body):
            if isinstance(statement, ast.AgentStep):
                candidates.extend((v.kind, builtins.VERIFY_KINDS, v.kind_span) for v in statement.verifies)
    for test in module.tests:
        for agent in test.agents:
            candidates.extend((s.name, builtins.TEST_AGENT_SETTINGS, s.name_span) for s in agent.settings)
    for name, docs, span in candidates:
        if span_contains(span, position):
            return name, docs.get(name, "Not a known setting here; `plxc check` says which are."), span
    return None


def hover(analysis: Analysis, position: Position) -> Hover | None:
    """Docs for what is under the cursor: a declared name, a pattern, a setting, a built-in or a keyword."""
    found = _symbol_at(analysis, position)
    if found is not None:
        span, symbol = found
        return Hover(_symbol_markdown(analysis, symbol), span_range(span))
    module = analysis.module
    if module is not None:
        reference = _pattern_reference_at(module, position)
        if reference is not None:
            target = find_pattern(analysis, reference[0])
            if target is not None:
                return Hover(_pattern_markdown(target, analysis), span_range(reference[1]))
        setting = _setting_doc_at(module, position)
        if setting is not None:
            name, doc, span = setting
            return Hover(f"**setting** `{name}`\n\n{doc}", span_range(span))
    return _word_hover(analysis.index, position)


def _word_hover(index: LineIndex, position: Position) -> Hover | None:
    word = word_at(index.text, index.offset(position))
    if word is None or in_comment_or_string(index.text[index.starts[position.line] : word.start]):
        return None
    where = Range(index.position(word.start), index.position(word.end))
    if word.before == "." and word.after == "(" and word.text in builtins.MACROS:
        signature, _, doc = builtins.MACROS[word.text].partition(" — ")
        return Hover(f"**list macro** `{word.text}`\n\n{_code(signature)}\n\n{doc}", where)
    if word.before == ".":
        return None  # a field of a value
    if word.text in builtins.FUNCTIONS and word.after == "(":
        function = builtins.FUNCTIONS[word.text]
        return Hover(f"**built-in function** `{function.name}`\n\n{_code(function.signature)}\n\n{function.doc}", where)
    if word.text in builtins.KEYWORDS:
        return Hover(f"**keyword** `{word.text}`\n\n{builtins.KEYWORDS[word.text]}", where)
    if word.text in BAND_DOCS and word.after == "=":
        return Hover(f"**band** `{word.text}`\n\n{BAND_DOCS[word.text]}", where)
    if word.text in STDLIB_PATTERNS:
        return Hover(f"**stdlib pattern** `{word.text}`", where)
    return None


# ---------------------------------------------------------------- go to definition


def definition(analysis: Analysis, position: Position) -> list[Location]:
    """Where the name under the cursor is declared: a step, let, group, input field, binder, pattern or import."""
    found = _symbol_at(analysis, position)
    if found is not None:
        symbol = found[1]
        return [Location(span_path(symbol.span), span_range(symbol.span))]
    module = analysis.module
    if module is None:
        return []
    for decl in module.imports:
        if span_contains(decl.span, position):
            target = (analysis.path.parent / decl.path).resolve()
            return [Location(target, Range(Position(0, 0), Position(0, 0)))] if target.is_file() else []
    reference = _pattern_reference_at(module, position)
    if reference is not None:
        target_pattern = find_pattern(analysis, reference[0])
        if target_pattern is not None and target_pattern.decl is not None and target_pattern.path is not None:
            return [Location(target_pattern.path, span_range(target_pattern.decl.name_span))]
    return []


# ---------------------------------------------------------------- walking the AST


def walk_statements(body: Iterable[ast.Statement]) -> Iterator[ast.Statement]:
    """Every statement of a body, nested branches included, in source order."""
    stack = list(reversed(tuple(body)))
    while stack:
        statement = stack.pop()
        yield statement
        nested: list[ast.Statement] = []
        if isinstance(statement, ast.UncertainStmt | ast.MatchStmt):
            nested = [s for arm in statement.arms for s in arm.body]
        elif isinstance(statement, ast.IfStmt):
            nested = [s for branch in statement.branches for s in branch.body] + list(statement.otherwise or ())
        stack.extend(reversed(nested))


def pattern_at(module: ast.Module, position: Position) -> ast.PatternDecl | None:
    for pattern in module.patterns:
        if span_range(pattern.span).start.line <= position.line <= span_range(pattern.span).end.line:
            return pattern
    return None


def _declared(statement: ast.Statement) -> tuple[str, str, str] | None:
    if isinstance(statement, ast.LetStmt):
        return statement.name, "let", "let"
    if isinstance(statement, ast.AgentStep):
        return statement.name, "step", f"{statement.kind} {statement.call.group}.{statement.call.action}"
    if isinstance(statement, ast.UseStmt):
        return statement.name, "use", f"use {statement.target}"
    return None


def _bodies(statement: ast.Statement) -> list[tuple[Span, tuple[ast.Statement, ...]]]:
    if isinstance(statement, ast.UncertainStmt):
        return [(arm.span, arm.body) for arm in statement.arms]
    if isinstance(statement, ast.MatchStmt):
        return [(arm.span, arm.body) for arm in statement.arms]
    if isinstance(statement, ast.IfStmt):
        out = [(branch.span, branch.body) for branch in statement.branches]
        if statement.otherwise:
            first, last = statement.otherwise[0].span, statement.otherwise[-1].span
            out.append((Span(first.file, first.line, 1, last.end_line, last.end_column), statement.otherwise))
        return out
    return []


def names_in_scope(module: ast.Module, position: Position) -> list[tuple[str, str, str]]:
    """(name, kind, detail) of what an expression at `position` can read."""
    out: dict[str, tuple[str, str, str]] = {}
    pattern = pattern_at(module, position)
    if pattern is not None:
        out["input"] = ("input", "input", "the pattern's input")
        body: tuple[ast.Statement, ...] | None = pattern.body
        while body is not None:
            inner: tuple[ast.Statement, ...] | None = None
            for statement in body:
                declared = _declared(statement)
                if declared is not None:
                    out.setdefault(declared[0], declared)
                over = statement.over if isinstance(statement, ast.AgentStep) else None
                if over is not None and span_contains(statement.span, position):
                    out[over.binder] = (over.binder, "binder", "each item")
                for span, nested in _bodies(statement):
                    if span_range(span).start.line <= position.line <= span_range(span).end.line:
                        inner = nested
            body = inner
        return list(out.values())
    for test in module.tests:
        if span_range(test.span).start.line <= position.line <= span_range(test.span).end.line:
            for name, doc in TEST_NAMES.items():
                out[name] = (name, "binder", doc)
            for let in test.lets:
                out[let.name] = (let.name, "let", "let")
    return list(out.values())


# ---------------------------------------------------------------- completion

CompletionKind = Literal["keyword", "variable", "function", "method", "field", "module", "class", "property", "value"]


@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    kind: CompletionKind
    detail: str = ""
    documentation: str = ""


_OPTION_TERMINALS = {
    "ANSWER_OPTION": ("reasoning", "delay"),
    "VERIFY_OPTION": tuple(dict.fromkeys(o for options in builtins.VERIFY_OPTIONS.values() for o in options)),
}
# Terminals that only start an expression (`(`, `[` and operators may also continue the one before the cursor).
_EXPRESSION_STARTS = frozenset({"NUMBER", "STRING", "RAW_STRING", "DURATION"})


def _keyword_terminals() -> dict[str, tuple[str, ...]]:
    from parallax_dsl.syntax.grammar import plx_parser

    out: dict[str, tuple[str, ...]] = dict(_OPTION_TERMINALS)
    for terminal in plx_parser().terminals:
        pattern = terminal.pattern
        if pattern.type == "str" and pattern.value.isidentifier():
            out[terminal.name] = (pattern.value,)
    return out


@dataclass(frozen=True, slots=True)
class ParserContext:
    """What the grammar accepts after a prefix: keywords, whether a name or expression can come, the open block."""

    keywords: tuple[str, ...]
    accepts_name: bool
    expression: bool
    block: str  # the innermost `{`: "pattern", "agents", "agent", "input", "test", "other" or "" (file level)


def parser_context(prefix: str) -> ParserContext | None:
    """Run Lark's interactive parser over `prefix`; None when the prefix itself has a syntax error."""
    from lark.exceptions import LarkError

    from parallax_dsl.syntax.grammar import plx_parser

    parser = plx_parser()
    try:
        interactive: Any = parser.parse_interactive(prefix, start="start")
        tokens: list[Any] = []
        for token in interactive.lexer_thread.lex(interactive.parser_state):
            interactive.feed_token(token)
            tokens.append(token)
        accepts = interactive.accepts()
    except LarkError:
        return None
    names = _keyword_terminals()
    keywords = sorted({word for terminal in accepts for word in names.get(terminal, ())})
    blocks: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "LBRACE":
            opener = tokens[index - 2].type if index >= 2 else ""
            previous = tokens[index - 1].type if index >= 1 else ""
            kind = {"PATTERN": "pattern", "AGENTS": "agents", "AGENT": "agent"}.get(opener, "other")
            if previous == "INPUT":
                kind = "input"
            elif kind == "other" and index >= 4 and tokens[index - 4].type == "TEST":
                kind = "test"
            blocks.append(kind)
        elif token.type == "RBRACE" and blocks:
            blocks.pop()
    return ParserContext(
        tuple(keywords), "NAME" in accepts, bool(accepts & _EXPRESSION_STARTS), blocks[-1] if blocks else ""
    )


def _module_for_completion(text: str, index: LineIndex, position: Position, fallback: ast.Module | None) -> Any:
    """The document's AST, or that of the document with the cursor's line (and other broken lines) blanked out."""
    from parallax_dsl.syntax.parser import parse_source

    result = parse_source(text)
    if result.module is not None:
        return result.module
    blank = {position.line}
    for _ in range(4):
        chars = list(text)
        for line in blank:
            start = index.starts[line] if line < len(index.starts) else len(text)
            for i in range(start, start + len(index.line_text(line))):
                chars[i] = " "
        result = parse_source("".join(chars))
        if result.module is not None:
            return result.module
        more = {d.span.line - 1 for d in result.diagnostics if d.severity.value == "error"} - blank
        more = {line for line in more if 0 <= line < len(index.starts)}
        if not more:
            break
        blank |= more
    return fallback


_INPUT_FIELD = re.compile(r"\binput\s*\.\s*[A-Za-z_0-9]*$")
_USE_TARGET = re.compile(r"\buse\s+[A-Za-z_]\w*\s*=\s*[A-Za-z_0-9.]*$")
_TEST_TARGET = re.compile(r"^\s*test\s+(\"[^\"]*\"|'[^']*')\s+for\s+[A-Za-z_0-9.]*$")
_STEP_GROUP = re.compile(r"\b(fanout|step|race)\s+[A-Za-z_]\w*\s*=\s*[A-Za-z_0-9]*$")
_ESCALATE_TO = re.compile(r"\bto\s+[A-Za-z_0-9]*$")
_MEMBER = re.compile(r"[\w)\]]\s*\.\s*[A-Za-z_0-9]*$")


def completion(text: str, path: Path, position: Position, *, fallback: ast.Module | None = None) -> list[Completion]:
    """Completions at `position`: context-specific lists first (input fields, patterns, groups, macros), else the
    keywords the grammar accepts there plus names in scope and built-in functions where an expression can start."""
    index = LineIndex(text)
    offset = index.offset(position)
    line_prefix = text[index.starts[position.line] : offset]
    if in_comment_or_string(line_prefix):
        return []
    module = _module_for_completion(text, index, position, fallback)
    pattern = pattern_at(module, position) if module is not None else None

    if _INPUT_FIELD.search(line_prefix):
        if pattern is None:
            return []
        return [
            Completion(f.name, "field", str(f.type), "input field") for block in pattern.inputs for f in block.fields
        ]
    if _USE_TARGET.search(line_prefix) or _TEST_TARGET.search(line_prefix):
        return _pattern_completions(path, module)
    if _STEP_GROUP.search(line_prefix):
        groups = pattern.agents if pattern is not None else ()
        return [Completion(g.name, "module", "agent group", _group_doc(g)) for g in groups]
    if _ESCALATE_TO.search(line_prefix) and re.search(r"\bescalate\b", line_prefix):
        groups = pattern.agents if pattern is not None else ()
        return [Completion(g.name, "module", "agent group") for g in groups] + [
            Completion("human", "value", "hand over to a person")
        ]
    if _MEMBER.search(line_prefix):
        return [
            Completion(name, "method", doc.split(" — ")[0], doc.split(" — ", 1)[-1])
            for name, doc in builtins.MACROS.items()
        ]

    word_start = offset
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "_"):
        word_start -= 1
    context = parser_context(text[:word_start])
    out: list[Completion] = []
    if context is None:
        if line_prefix[: word_start - index.starts[position.line]].strip() == "":
            statement_words = ["let", "fanout", "step", "race", "use", "uncertain", "match", "if", "output"]
            out.extend(Completion(w, "keyword", "", builtins.KEYWORDS.get(w, "")) for w in statement_words)
        return out
    out.extend(Completion(w, "keyword", "keyword", builtins.KEYWORDS.get(w, "")) for w in context.keywords)
    if context.expression and module is not None:
        for name, kind, detail in names_in_scope(module, position):
            out.append(Completion(name, "field" if kind == "input" else "variable", detail))
    if context.expression:
        out.extend(Completion(f.name, "function", f.signature, f.doc) for f in builtins.FUNCTIONS.values())
    elif context.accepts_name and not line_prefix[: word_start - index.starts[position.line]].strip():
        settings = {
            "pattern": builtins.PATTERN_SETTINGS,
            "agents": builtins.AGENT_GROUP_SETTINGS,
            "agent": builtins.TEST_AGENT_SETTINGS,
        }.get(context.block, {})
        out.extend(Completion(name, "property", "setting", doc) for name, doc in settings.items())
    return _unique(out)


def _group_doc(group: ast.AgentsDecl) -> str:
    capabilities = next((s for s in group.settings if s.name == "capabilities"), None)
    if capabilities is not None and isinstance(capabilities.value, ast.ListLit):
        names = [i.text for i in capabilities.value.items if isinstance(i, ast.String)]
        return "capabilities: " + ", ".join(names)
    return ""


def _pattern_completions(path: Path, module: ast.Module | None) -> list[Completion]:
    out: list[Completion] = []
    if module is not None:
        out.extend(Completion(p.name, "class", "pattern in this file") for p in module.patterns)
        workspace = Workspace()
        folder = path.resolve().parent
        for decl in module.imports:
            target = (folder / decl.path).resolve()
            if target.is_file():
                workspace.load(target)  # follows that file's own imports
        for loaded in workspace.files.values():
            other = loaded.parse.module if loaded.parse is not None else None
            for pattern in other.patterns if other is not None else ():
                out.append(Completion(pattern.name, "class", f"pattern from {loaded.path.name}"))
    out.extend(Completion(name, "class", "stdlib pattern") for name in STDLIB_PATTERNS)
    return _unique(out)


def _unique(items: list[Completion]) -> list[Completion]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.label not in seen:
            seen.add(item.label)
            out.append(item)
    return out


# ---------------------------------------------------------------- document symbols

OutlineKind = Literal["class", "method", "field", "object", "function", "variable", "namespace"]


@dataclass(frozen=True, slots=True)
class OutlineSymbol:
    name: str
    kind: OutlineKind
    detail: str
    range: Range
    selection_range: Range
    children: tuple[OutlineSymbol, ...] = ()


def document_symbols(module: ast.Module | None) -> list[OutlineSymbol]:
    """Patterns (with their inputs, agent groups, steps, uses and lets) and tests (with their agents and lets)."""
    if module is None:
        return []
    out: list[OutlineSymbol] = []
    for pattern in module.patterns:
        children: list[OutlineSymbol] = []
        for block in pattern.inputs:
            for f in block.fields:
                children.append(
                    OutlineSymbol(f.name, "field", str(f.type), span_range(f.span), span_range(f.name_span))
                )
        for group in pattern.agents:
            children.append(
                OutlineSymbol(group.name, "object", "agent group", span_range(group.span), span_range(group.name_span))
            )
        for statement in walk_statements(pattern.body):
            declared = _declared(statement)
            if declared is not None and isinstance(statement, ast.LetStmt | ast.AgentStep | ast.UseStmt):
                kind: OutlineKind = "variable" if declared[1] == "let" else "function"
                children.append(
                    OutlineSymbol(
                        declared[0], kind, declared[2], span_range(statement.span), span_range(statement.name_span)
                    )
                )
        out.append(
            OutlineSymbol(
                pattern.name,
                "class",
                "pattern",
                span_range(pattern.span),
                span_range(pattern.name_span),
                tuple(children),
            )
        )
    for test in module.tests:
        test_children = [
            OutlineSymbol(a.name, "object", "test agent", span_range(a.span), span_range(a.name_span))
            for a in test.agents
        ] + [
            OutlineSymbol(let.name, "variable", "let", span_range(let.span), span_range(let.name_span))
            for let in test.lets
        ]
        out.append(
            OutlineSymbol(
                test.name,
                "method",
                f"test for {test.pattern}",
                span_range(test.span),
                span_range(test.name_span),
                tuple(test_children),
            )
        )
    return out


# ---------------------------------------------------------------- formatting


@dataclass(frozen=True, slots=True)
class TextEdit:
    range: Range
    new_text: str


def formatting(text: str, path: str = "<input>") -> list[TextEdit] | None:
    """One edit replacing the whole document with its canonical layout; [] when already formatted, None when the
    document has syntax errors (nothing to do until they are fixed)."""
    from parallax_dsl.fmt import FormatError, format_source

    try:
        formatted = format_source(text, path)
    except FormatError:
        return None
    if formatted == text:
        return []
    return [TextEdit(Range(Position(0, 0), LineIndex(text).end()), formatted)]
