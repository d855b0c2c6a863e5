"""Syntax error messages in the user's words: never a parser terminal name, curated hints for common slips."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity, Span

SYNTAX = ("PLX001", "invalid-syntax")

_REGEX_TERMINALS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "DURATION": "a duration (e.g. 30s)",
    "STRING": "a string",
    "COMPARE_OP": "a comparison (==, !=, <, <=, >, >=)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*`, `/` or `%`",
    "VERIFY_OPTION": "a verify option (such as score, cwd, rubric, pass_confidence or min_runs)",
    "ANSWER_OPTION": "`reasoning` or `delay`",
    "$END": "the end of the file",
}
_EXPRESSION_START = {"NAME", "NUMBER", "STRING", "LPAR", "LSQB", "TRUE", "FALSE", "NULL", "NOT"}
_STATEMENT_START = {"LET", "FANOUT", "STEP", "RACE", "USE", "UNCERTAIN", "OUTPUT", "ESCALATE", "FAIL"}
_STEP_CLAUSES = {"TIMEOUT", "RETRIES", "VERIFY", "POLICY", "FOR"}
_PRISM_OPERATORS = {
    "~>": "attach a confidence with `value with confidence 0.8`",
    "<~": "read a confidence with `confidence(x)`",
    "~~": "use `chain(a, b)`",
    "~??": "use `coalesce(a, b)`",
    "~||>": "use `best(a, b)`",
    "~@>": "use `gate(x, threshold, value)`",
    "~.": 'use `prop(x, "a.b")` or plain field access',
}
_SYMBOL_HINTS = {
    "&&": ("`&&` is written `and` in .plx", "write `a and b`"),
    "||": ("`||` is written `or` in .plx", "write `a or b`; for a fallback value use `a ?? b`"),
    "!": ("`!` is written `not` in .plx", "write `not x`; `!=` compares"),
    "@": ("`@` has no meaning in .plx", "remove it"),
    "`": ("backticks are not strings in .plx", "use \"double\" or 'single' quotes"),
}
_KEYWORDS_AS_NAMES = {
    "let",
    "fanout",
    "step",
    "race",
    "use",
    "uncertain",
    "output",
    "escalate",
    "fail",
    "agents",
    "input",
    "expect",
}
_PREVIOUS_WORD = re.compile(r"\n[ \t]*([A-Za-z_]+)[ \t]+[A-Za-z_]*[ \t]*$")
_NAME_HINTS = {
    "elif": "write `else if`",
    "elsif": "write `else if`",
    "function": "a .plx file has no functions; use `let` for values and `use` for other patterns",
    "def": "a .plx file has no functions; use `let` for values and `use` for other patterns",
    "while": "expressions cannot loop; use list macros such as `xs.map(x, …)` or `xs.filter(x, …)`",
    "for": "expressions cannot loop; use list macros such as `xs.map(x, …)`, or `fanout … for x in xs`",
    "return": "a pattern produces its result with `output { … } with confidence …`",
    "var": "declare values with `let name = …`",
    "const": "declare values with `let name = …`",
    "True": "booleans are written `true` and `false`",
    "False": "booleans are written `true` and `false`",
    "None": "the empty value is written `null`",
}


@functools.cache
def _terminal_descriptions() -> dict[str, str]:
    from parallax_dsl.syntax.grammar import plx_parser

    out = dict(_REGEX_TERMINALS)
    for terminal in plx_parser().terminals:
        if terminal.name in out:
            continue
        pattern = terminal.pattern
        if pattern.type == "str":
            out[terminal.name] = f"`{pattern.value}`"
        else:
            out[terminal.name] = terminal.name.lower().replace("_", " ")
    return out


def describe_expected(expected: Iterable[str]) -> str:
    """Turn a set of acceptable terminals into words: "an expression", "`}` or a statement", …"""
    names = set(expected)
    phrases: list[str] = []
    if len(names & _EXPRESSION_START) >= 5:
        names -= _EXPRESSION_START | {"MINUS", "IF", "MATCH", "LBRACE", "DURATION", "ADD_OP", "RAW_STRING"}
        phrases.append("an expression")
    if len(names & _STATEMENT_START) >= 5:
        names -= _STATEMENT_START | {"MATCH", "IF"}
        phrases.append("a statement (let, fanout, step, race, use, uncertain, match, if, output, escalate, fail)")
    if len(names & _STEP_CLAUSES) >= 4:
        names -= _STEP_CLAUSES
        phrases.append("a step clause (timeout, retries, verify, policy, for … in)")
    if {"COMPARE_OP", "ADD_OP", "MUL_OP"} <= names:
        names -= {
            "COMPARE_OP",
            "ADD_OP",
            "MUL_OP",
            "IN",
            "NOT",
            "AND",
            "OR",
            "__ANON_QQ",
            "DOT",
            "LSQB",
            "LPAR",
        }
        names = {n for n in names if _terminal_descriptions().get(n) not in {"`??`", "`with`", "`.`"}}
        phrases.append("an operator")
    descriptions = _terminal_descriptions()
    phrases.extend(sorted(descriptions.get(n, n.lower()) for n in names))
    if not phrases:
        return "something else"
    if len(phrases) == 1:
        return phrases[0]
    if len(phrases) > 6:
        phrases = [*phrases[:6], "…"]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def describe_token(token: Any) -> str:
    value = str(token)
    kind = token.type
    if kind == "$END":
        return "end of file"
    if kind == "NAME":
        return f"name `{value}`"
    if kind == "STRING":
        shown = value if len(value) <= 30 else value[:27] + "…" + value[-1]
        return f"string {shown}"
    if kind in {"NUMBER", "DURATION"}:
        return f"number `{value}`" if kind == "NUMBER" else f"duration `{value}`"
    return f"`{value}`"


def _span_of_token(path: str, token: Any) -> Span:
    line = token.line or 1
    column = token.column or 1
    end_line = token.end_line or line
    end_column = token.end_column or column + max(1, len(str(token)))
    start = token.start_pos or 0
    return Span(path, line, column, end_line, end_column, start, token.end_pos or start + 1)


def _syntax(message: str, span: Span, help: str | None = None, labels: tuple[Label, ...] = ()) -> Diagnostic:
    return Diagnostic(SYNTAX[0], SYNTAX[1], Severity.ERROR, message, span, labels=labels, help=help)


def unexpected_token(text: str, path: str, error: Any) -> Diagnostic:
    token = error.token
    expected = set(error.expected or ())
    span = _span_of_token(path, token)
    value = str(token)
    if token.type == "EQUAL" and "COMPARE_OP" in expected:
        return _syntax("unexpected `=` in an expression", span, help="to compare two values write `==`")
    if token.type == "EQUAL" and "NAME" not in expected:
        return _syntax("unexpected `=`", span, help="only `let`, step and `use` declarations assign with `=`")
    if token.type == "NAME" and value in _NAME_HINTS:
        return _syntax(f"unexpected {describe_token(token)}", span, help=_NAME_HINTS[value])
    if token.type == "LPAR" and expected == {"DOT"}:
        return _syntax(
            "an agent step calls an action on an agent group",
            span,
            help="write `group.action(task: …)`, e.g. `fanout answers = experts.analyze(task: input.task)`",
        )
    if token.type == "COLON" and "EQUAL" in expected:
        return _syntax("unexpected `:`", span, help="`let` takes `=`: write `let name = value`")
    previous = _PREVIOUS_WORD.search(text, 0, token.start_pos or 0)
    after_expression = bool(expected & (_STATEMENT_START | {"ADD_OP", "MUL_OP", "COMPARE_OP"}))
    if (
        after_expression
        and previous is not None
        and previous.group(1) in _KEYWORDS_AS_NAMES
        and "\n" in previous.group(0)
    ):
        start = previous.start(1)
        line, column = _line_col(text, start)
        word = previous.group(1)
        return _syntax(
            f"`{word}` starts a new statement, but the expression before it is not finished",
            Span(path, line, column, line, column + len(word), start, start + len(word)),
            help="complete the expression on the line above",
        )
    message = f"unexpected {describe_token(token)}; expected {describe_expected(expected)}"
    help_text = None
    if token.type == "NAME" and "COMMA" in expected and "RSQB" in expected:
        help_text = "separate list items with `,`"
    elif token.type == "NAME" and "RPAR" in expected:
        help_text = "separate arguments with `,`"
    return _syntax(message, span, help=help_text)


def unexpected_eof(text: str, path: str, expected: Iterable[str]) -> Diagnostic:
    lines = text.splitlines() or [""]
    line = len(lines)
    column = len(lines[-1]) + 1
    span = Span(path, line, column, line, column + 1, len(text), len(text))
    expected = set(expected)
    if expected:
        return _syntax(f"unexpected end of file; expected {describe_expected(expected)}", span)
    return _syntax("unexpected end of file", span)


def unexpected_characters(text: str, path: str, error: Any) -> tuple[Diagnostic, int]:
    """A character no token can start with here. Returns the diagnostic and where lexing should resume."""
    pos = error.pos_in_stream
    line, column = error.line, error.column
    char = text[pos : pos + 1]
    end_of_line = text.find("\n", pos)
    end_of_line = len(text) if end_of_line < 0 else end_of_line

    def span(length: int) -> Span:
        return Span(path, line, column, line, column + length, pos, pos + length)

    if char in "\"'":
        return (
            _syntax(
                "unterminated string",
                Span(path, line, column, line, column + (end_of_line - pos), pos, end_of_line),
                help=f"close the string with {char} on the same line; write \\n for a line break",
            ),
            end_of_line,
        )
    for operator, hint in sorted(_PRISM_OPERATORS.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(operator, pos):
            return (
                _syntax(f"`{operator}` is a Prism operator; .plx spells it with a word", span(len(operator)), hint),
                pos + len(operator),
            )
    for symbol, (message, hint) in _SYMBOL_HINTS.items():
        if text.startswith(symbol, pos) and not (symbol == "!" and text.startswith("!=", pos)):
            return _syntax(message, span(len(symbol)), hint), pos + len(symbol)
    if char and not char.isprintable():
        shown = f"U+{ord(char):04X}"
        return _syntax(f"unexpected character {shown}", span(1), "remove it; .plx files are plain text"), pos + 1
    allowed = getattr(error, "allowed", None) or set()
    tail = f"; expected {describe_expected(allowed)}" if allowed else ""
    return _syntax(f"unexpected character `{char}`{tail}", span(1)), pos + 1


_INTERESTING = re.compile(r"[()\[\]{}#\"']")


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def scan_structure(text: str, path: str, max_nesting: int) -> list[Diagnostic]:
    """Bracket balance and nesting depth, found before parsing so the messages can point at both ends."""
    pairs = {")": "(", "]": "[", "}": "{"}
    closers = {"(": ")", "[": "]", "{": "}"}
    stack: list[tuple[str, int]] = []

    def at(pos: int) -> Span:
        line, column = _line_col(text, pos)
        return Span(path, line, column, line, column + 1, pos, pos + 1)

    def brackets(message: str, pos: int, help: str, labels: tuple[Label, ...] = ()) -> list[Diagnostic]:
        return [Diagnostic("PLX003", "unbalanced-brackets", Severity.ERROR, message, at(pos), labels=labels, help=help)]

    i = 0
    n = len(text)
    while True:
        match = _INTERESTING.search(text, i)
        if match is None:
            break
        i = match.start()
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if ch in closers:
            stack.append((ch, i))
            if len(stack) > max_nesting:
                return [
                    Diagnostic(
                        "PLX006",
                        "nesting-too-deep",
                        Severity.ERROR,
                        f"brackets are nested more than {max_nesting} levels deep",
                        at(i),
                        help="split the expression with `let` declarations",
                    )
                ]
        elif stack and stack[-1][0] == pairs[ch]:
            stack.pop()
        elif stack:
            opener, opos = stack[-1]
            oline = _line_col(text, opos)[0]
            return brackets(
                f"`{ch}` does not close the `{opener}` opened at line {oline}",
                i,
                f"close `{opener}` with `{closers[opener]}` first",
                (Label(at(opos), "opened here"),),
            )
        else:
            return brackets(f"`{ch}` closes nothing", i, "remove it, or add the opening bracket it belongs to")
        i += 1
    if stack:
        opener, opos = stack[-1]
        end_line = text.count("\n") + 1
        return brackets(
            f"this `{opener}` is never closed",
            opos,
            f"add the matching `{closers[opener]}` (the file ends at line {end_line})",
        )
    return []
