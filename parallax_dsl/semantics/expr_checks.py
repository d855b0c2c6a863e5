"""Expression lints on a resolved pattern: static type mismatches and unchecked agent-answer fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Diagnostic, Severity

StaticType = Literal["number", "string", "boolean", "list", "map", "null"]
Shape = Literal["record", "records"]

_ARITHMETIC = {"-", "*", "/", "%"}
_ORDERING = {"<", "<=", ">", ">="}
_NUMBER_FUNCTIONS = {"len", "sum", "abs", "round", "floor", "ceil", "confidence", "average_confidence"}
_LIST_ARGUMENT = {"sum", "average", "weighted_average", "average_confidence", "synthesize", "majority_vote", "unique"}
_STRING_ARGUMENT = {"lower", "upper", "trim", "split"}
_RECORD_MACROS = {"max_by", "min_by"}
_RECORDS_MACROS = {"filter", "sort_by"}
_INPUT_TYPES: dict[str, StaticType] = {
    "string": "string",
    "number": "number",
    "integer": "number",
    "boolean": "boolean",
    "list": "list",
    "map": "map",
}


class PatternExprLints:
    """Walks every expression of one pattern with the declarations it can see (shadowing ignored)."""

    def __init__(self, pattern: ast.PatternDecl) -> None:
        self.pattern = pattern
        self.diagnostics: list[Diagnostic] = []
        self.inputs: dict[str, StaticType] = {}
        for decl in pattern.inputs:
            for field in decl.fields:
                kind = _INPUT_TYPES.get(field.type.name)
                if kind is not None:
                    self.inputs[field.name] = kind
        self.steps: dict[str, ast.AgentStep] = {}
        self.lets: dict[str, ast.LetStmt] = {}
        for statement in _all_statements(pattern.body):
            if isinstance(statement, ast.AgentStep):
                self.steps[statement.name] = statement
            elif isinstance(statement, ast.LetStmt):
                self.lets[statement.name] = statement
        self._let_shapes: dict[str, Shape | None] = {}

    # ------------------------------------------------------------ inference
    def shape(self, expr: ast.Expr, binders: dict[str, Shape | None]) -> Shape | None:
        """Whether `expr` is an agent result record, a list of them, or neither (as far as we can tell)."""
        if isinstance(expr, ast.Name):
            if expr.name in binders:
                return binders[expr.name]
            step = self.steps.get(expr.name)
            if step is not None:
                return "records" if step.kind == "fanout" or step.over is not None else "record"
            if expr.name in self.lets:
                if expr.name not in self._let_shapes:
                    self._let_shapes[expr.name] = None  # cycle guard
                    self._let_shapes[expr.name] = self.shape(self.lets[expr.name].value, {})
                return self._let_shapes[expr.name]
            return None
        if isinstance(expr, ast.Index):
            return "record" if self.shape(expr.obj, binders) == "records" else None
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Field):
                inner = self.shape(func.obj, binders)
                if inner == "records" and func.name in _RECORD_MACROS:
                    return "record"
                if inner == "records" and func.name in _RECORDS_MACROS:
                    return "records"
                return None
            if isinstance(func, ast.Name) and expr.args:
                if func.name in ("first", "last", "synthesize"):
                    return "record" if self.shape(expr.args[0].value, binders) == "records" else None
                if func.name in ("best", "coalesce") and any(
                    self.shape(a.value, binders) == "record" for a in expr.args if a.name is None
                ):
                    return "record"
        return None

    def static_type(self, expr: ast.Expr) -> StaticType | None:
        if isinstance(expr, ast.Number | ast.Duration):
            return "number"
        if isinstance(expr, ast.String):
            return "string"
        if isinstance(expr, ast.Bool):
            return "boolean"
        if isinstance(expr, ast.Null):
            return "null"
        if isinstance(expr, ast.ListLit):
            return "list"
        if isinstance(expr, ast.MapLit):
            return "map"
        if isinstance(expr, ast.Field) and isinstance(expr.obj, ast.Name) and expr.obj.name == "input":
            return self.inputs.get(expr.name)
        if isinstance(expr, ast.Unary):
            return "number" if expr.op == "-" else "boolean"
        if isinstance(expr, ast.Binary):
            if expr.op in _ARITHMETIC:
                return "number"
            if expr.op in _ORDERING or expr.op in ("==", "!=", "in", "not in"):
                return "boolean"
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.name in _NUMBER_FUNCTIONS:
            return "number"
        if isinstance(expr, ast.WithConfidence):
            return self.static_type(expr.value)
        return None

    # ------------------------------------------------------------ walking
    def run(self) -> list[Diagnostic]:
        for expr in _pattern_expressions(self.pattern):
            self.walk(expr)
        return self.diagnostics

    def walk(self, root: ast.Expr) -> None:
        stack: list[tuple[ast.Expr, bool, dict[str, Shape | None]]] = [(root, False, {})]
        while stack:
            node, guarded, binders = stack.pop()
            if isinstance(node, ast.Binary):
                self.check_binary(node)
                stack.append((node.left, guarded or node.op == "??", binders))
                stack.append((node.right, guarded, binders))
            elif isinstance(node, ast.Field):
                if not guarded:
                    self.check_answer_field(node, binders)
                stack.append((node.obj, guarded, binders))
            elif isinstance(node, ast.Call):
                self.check_call_types(node)
                func = node.func
                if isinstance(func, ast.Field) and len(node.args) == 2 and isinstance(node.args[0].value, ast.Name):
                    binder = node.args[0].value.name
                    item: Shape | None = "record" if self.shape(func.obj, binders) == "records" else None
                    stack.append((func.obj, guarded, binders))
                    stack.append((node.args[1].value, guarded, {**binders, binder: item}))
                    continue
                is_guard = isinstance(func, ast.Name) and func.name in ("has", "prop", "is_valid")
                stack.extend((a.value, guarded or is_guard, binders) for a in node.args)
                if isinstance(func, ast.Field):
                    stack.append((func.obj, guarded, binders))
            else:
                stack.extend((child, guarded, binders) for child in ast.expr_children(node))

    def check_answer_field(self, node: ast.Field, binders: dict[str, Shape | None]) -> None:
        """`answer.value.field` where the answer's shape is unknown: it may be missing."""
        obj = node.obj
        if not (isinstance(obj, ast.Field) and obj.name in ("value", "result")):
            return
        if self.shape(obj.obj, binders) != "record":
            return
        self.diagnostics.append(
            Diagnostic(
                "PLX305",
                "unchecked-answer-field",
                Severity.WARNING,
                f"field `{node.name}` of an agent answer is read without checking that it exists",
                node.name_span,
                help=f"agents may answer without it: write `… .{node.name} ?? <default>`, "
                f'or test `has(… .{obj.name}, "{node.name}")` first',
            )
        )

    def check_binary(self, node: ast.Binary) -> None:
        left, right = self.static_type(node.left), self.static_type(node.right)
        problem = None
        if node.op in _ARITHMETIC:
            bad = next((t for t in (left, right) if t is not None and t != "number"), None)
            if bad is not None:
                problem = f"`{node.op}` needs numbers, but one side is a {bad}"
        elif node.op == "+":
            bad = next((t for t in (left, right) if t in ("boolean", "list", "map", "null")), None)
            if bad is not None:
                problem = f"`+` adds numbers or joins strings, but one side is a {bad}"
        elif node.op in _ORDERING and left is not None and right is not None and left != right:
            problem = f"`{node.op}` compares a {left} with a {right}"
        if problem is not None:
            self.diagnostics.append(
                Diagnostic(
                    "PLX204",
                    "type-mismatch",
                    Severity.ERROR,
                    problem,
                    node.op_span,
                    help="convert explicitly with `number(x)` or `string(x)`",
                )
            )

    def check_call_types(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Name) or not node.args or node.args[0].name is not None:
            return
        first = self.static_type(node.args[0].value)
        expected = None
        if func.name in _LIST_ARGUMENT and first is not None and first != "list":
            expected = "a list"
        elif func.name in _STRING_ARGUMENT and first is not None and first != "string":
            expected = "a string"
        elif func.name == "len" and first in ("number", "boolean", "null"):
            expected = "a list, map or string"
        if expected is not None:
            self.diagnostics.append(
                Diagnostic(
                    "PLX204",
                    "type-mismatch",
                    Severity.ERROR,
                    f"`{func.name}` takes {expected}, not a {first}",
                    node.args[0].span,
                )
            )


def _all_statements(body: tuple[ast.Statement, ...]) -> Iterator[ast.Statement]:
    stack: list[ast.Statement] = list(reversed(body))
    while stack:
        statement = stack.pop()
        yield statement
        if isinstance(statement, ast.UncertainStmt):
            for band_arm in reversed(statement.arms):
                stack.extend(reversed(band_arm.body))
        elif isinstance(statement, ast.MatchStmt):
            for match_arm in reversed(statement.arms):
                stack.extend(reversed(match_arm.body))
        elif isinstance(statement, ast.IfStmt):
            if statement.otherwise:
                stack.extend(reversed(statement.otherwise))
            for branch in reversed(statement.branches):
                stack.extend(reversed(branch.body))


def _pattern_expressions(pattern: ast.PatternDecl) -> Iterator[ast.Expr]:
    for statement in _all_statements(pattern.body):
        if isinstance(statement, ast.LetStmt | ast.OutputStmt):
            yield statement.value
        elif isinstance(statement, ast.AgentStep):
            yield from (a.value for a in statement.call.args)
            if statement.until is not None:
                yield statement.until
        elif isinstance(statement, ast.UseStmt):
            yield from (a.value for a in statement.args)
        elif isinstance(statement, ast.UncertainStmt):
            yield statement.subject
        elif isinstance(statement, ast.MatchStmt):
            if statement.subject is not None:
                yield statement.subject
            yield from (arm.pattern for arm in statement.arms if arm.pattern is not None)
        elif isinstance(statement, ast.IfStmt):
            yield from (branch.cond for branch in statement.branches)
