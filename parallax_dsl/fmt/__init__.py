"""`plxc fmt`: the one canonical layout of .plx source, comments kept.

>>> from parallax_dsl.fmt import format_source
>>> print(format_source("pattern A{output {ok:true}}"), end="")
pattern A {
  output { ok: true }
}
"""

from __future__ import annotations

import sys
from typing import Any

from parallax_dsl.diagnostics.model import Diagnostic, Severity

LINE_WIDTH = 100


class FormatError(Exception):
    """The text cannot be formatted: it has syntax errors (`.diagnostics`), or the formatter failed (a bug)."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


def syntax_errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The errors that stop formatting: those of the PLX0xx (syntax) class."""
    return [d for d in diagnostics if d.severity is Severity.ERROR and d.code.startswith("PLX0")]


def format_source(text: str, path: str = "<input>") -> str:
    """The canonical layout of `text`. Raises `FormatError` (with `.diagnostics`) when it has syntax errors.

    The result parses to the same AST as `text` (checked on every call) and formatting it again changes nothing.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    limit = sys.getrecursionlimit()
    if limit < 10_000:  # deeply nested input: the AST comparison recurses
        sys.setrecursionlimit(10_000)
    try:
        return _format(text, path)
    finally:
        if limit < 10_000:
            sys.setrecursionlimit(limit)


def _format(text: str, path: str) -> str:
    from parallax_dsl import ast
    from parallax_dsl.syntax.parser import parse_source

    parsed = parse_source(text, path)
    errors = syntax_errors(parsed.diagnostics)
    if parsed.module is None or errors:
        first = errors[0] if errors else None
        where = f"{first.span.file}:{first.span.line}:{first.span.column}: {first.message}" if first else path
        raise FormatError(f"cannot format a file with syntax errors: {where}", errors or parsed.diagnostics)
    expected = ast.dump(parsed.module, spans=False)
    tree = _parse_tree(text)
    for always_separate in (False, True):
        output = _layout(text, tree, always_separate=always_separate)
        reparsed = parse_source(output, path)
        if reparsed.module is not None and ast.dump(reparsed.module, spans=False) == expected:
            return output
    raise FormatError(f"{path}: internal formatter error: the formatted text would change the meaning of the file")


def _parse_tree(text: str) -> Any:
    from parallax_dsl.syntax.grammar import plx_parser

    return plx_parser().parse(text, start="start")


def _layout(text: str, tree: Any, *, always_separate: bool) -> str:
    from parallax_dsl.fmt.doc import render
    from parallax_dsl.fmt.printer import TreePrinter

    printer = TreePrinter(text, always_separate=always_separate)
    doc = printer.file(tree)
    left = printer.leftover()
    if left:  # every comment must have found a place
        raise FormatError(f"internal formatter error: comment at line {left[0].line} was not placed")
    return render(doc, LINE_WIDTH)


__all__ = ["LINE_WIDTH", "FormatError", "format_source", "syntax_errors"]
