"""Input types (string, number, integer, boolean, any, map, list[T], optional[T]) and their literal defaults."""

from __future__ import annotations

from collections.abc import Iterator

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Span
from parallax_dsl.semantics import builtins
from parallax_dsl.semantics.suggest import did_you_mean

# (code, name, message, span, help) — the positional arguments of ModuleChecker.error.
Problem = tuple[str, str, str, Span, str | None]

_ARITY = {"list": (0, 1), "optional": (1, 1), "map": (0, 1)}


def resolve_type(type_expr: ast.TypeExpr) -> Iterator[Problem]:
    """Problems with a type annotation: unknown names and wrong numbers of type arguments."""
    stack = [type_expr]
    while stack:
        node = stack.pop()
        if node.name not in builtins.TYPE_NAMES:
            yield (
                "PLX201",
                "unknown-type",
                f"unknown type `{node.name}`",
                node.span,
                did_you_mean(node.name, builtins.TYPE_NAMES) or f"types: {', '.join(builtins.TYPE_NAMES)}",
            )
            continue
        low, high = _ARITY.get(node.name, (0, 0))
        if not low <= len(node.args) <= high:
            wanted = "no type argument" if high == 0 else f"one type argument, e.g. `{node.name}[string]`"
            yield ("PLX201", "unknown-type", f"`{node.name}` takes {wanted}", node.span, None)
            continue
        stack.extend(node.args)


def describe_literal_kind(expr: ast.Expr) -> str:
    """ "a string", "a number", … for messages about literal values."""
    if isinstance(expr, ast.String):
        return "a string"
    if isinstance(expr, ast.Number):
        return "a number"
    if isinstance(expr, ast.Duration):
        return "a duration"
    if isinstance(expr, ast.Bool):
        return "a boolean"
    if isinstance(expr, ast.Null):
        return "null"
    if isinstance(expr, ast.ListLit):
        return "a list"
    if isinstance(expr, ast.MapLit):
        return "a map"
    return "an expression"


def _is_literal(expr: ast.Expr) -> bool:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.String):
            if not node.is_plain:
                return False
        elif isinstance(node, ast.ListLit):
            stack.extend(node.items)
        elif isinstance(node, ast.MapLit):
            stack.extend(entry.value for entry in node.entries)
        elif isinstance(node, ast.Unary) and node.op == "-" and isinstance(node.operand, ast.Number):
            continue
        elif not isinstance(node, ast.Number | ast.Bool | ast.Null | ast.Duration):
            return False
    return True


def check_default(type_expr: ast.TypeExpr, default: ast.Expr) -> Iterator[Problem]:
    """A default must be a literal of the declared type."""
    if not _is_literal(default):
        yield (
            "PLX202",
            "default-type-mismatch",
            "an input default must be a literal value",
            default.span,
            'write a constant such as 0, "", [], {} or null',
        )
        return
    mismatch = _mismatch(type_expr, default)
    if mismatch is not None:
        yield (
            "PLX202",
            "default-type-mismatch",
            mismatch,
            default.span,
            f"the field is declared `{type_expr}`",
        )


def _mismatch(type_expr: ast.TypeExpr, value: ast.Expr) -> str | None:
    name = type_expr.name
    kind = describe_literal_kind(value)
    if name == "any" or name not in builtins.TYPE_NAMES:
        return None
    if name == "optional":
        if isinstance(value, ast.Null) or not type_expr.args:
            return None
        return _mismatch(type_expr.args[0], value)
    if isinstance(value, ast.Null):
        return f"the default is null but the type is `{type_expr}`; declare it `optional[{type_expr}]`"
    if name == "string" and not isinstance(value, ast.String):
        return f"the default is {kind}, not a string"
    if name in ("number", "integer"):
        number = value.operand if isinstance(value, ast.Unary) else value
        if not isinstance(number, ast.Number):
            return f"the default is {kind}, not a number"
        if name == "integer" and not isinstance(number.value, int):
            return "the default is not a whole number"
    if name == "boolean" and not isinstance(value, ast.Bool):
        return f"the default is {kind}, not a boolean"
    if name == "list":
        if not isinstance(value, ast.ListLit):
            return f"the default is {kind}, not a list"
        if type_expr.args:
            for item in value.items:
                problem = _mismatch(type_expr.args[0], item)
                if problem is not None:
                    return f"a list item does not fit `{type_expr.args[0]}`: {problem}"
    if name == "map":
        if not isinstance(value, ast.MapLit):
            return f"the default is {kind}, not a map"
        if type_expr.args:
            for entry in value.entries:
                problem = _mismatch(type_expr.args[0], entry.value)
                if problem is not None:
                    return f"map entry `{entry.key}` does not fit `{type_expr.args[0]}`: {problem}"
    return None
