"""Checks that need the IR: dependency cycles, unreachable statements, runs that end without a result."""

from __future__ import annotations

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity, Span
from parallax_dsl.ir import model as ir
from parallax_dsl.ir.graph import build_graph, data_cycles

TERMINALS = (ast.OutputStmt, ast.EscalateStmt, ast.FailStmt)


def _span_of(pattern: ast.PatternDecl, step_id: str) -> Span:
    """The span of the declaration a step id names (its last path segment)."""
    name = step_id.rsplit("/", 1)[-1]
    stack: list[ast.Statement] = list(pattern.body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, ast.LetStmt | ast.AgentStep | ast.UseStmt) and statement.name == name:
            return statement.name_span
        stack.extend(_children(statement))
    return pattern.name_span


def _children(statement: ast.Statement) -> list[ast.Statement]:
    if isinstance(statement, ast.UncertainStmt):
        return [s for arm in statement.arms for s in arm.body]
    if isinstance(statement, ast.MatchStmt):
        return [s for arm in statement.arms for s in arm.body]
    if isinstance(statement, ast.IfStmt):
        return [s for b in statement.branches for s in b.body] + list(statement.otherwise or ())
    return []


def always_ends(body: tuple[ast.Statement, ...]) -> bool:
    """Whether every run through this block reaches output, escalate or fail."""
    for statement in body:
        if isinstance(statement, TERMINALS):
            return True
        if isinstance(statement, ast.UncertainStmt):
            labels = {arm.label for arm in statement.arms}
            complete = "else" in labels or {"high", "medium", "low"} <= labels
            if complete and all(always_ends(arm.body) for arm in statement.arms):
                return True
        elif isinstance(statement, ast.MatchStmt):
            complete = any(arm.pattern is None for arm in statement.arms)
            if complete and all(always_ends(arm.body) for arm in statement.arms):
                return True
        elif (
            isinstance(statement, ast.IfStmt)
            and statement.otherwise is not None
            and all(always_ends(b.body) for b in statement.branches)
            and always_ends(statement.otherwise)
        ):
            return True
    return False


def _unreachable(body: tuple[ast.Statement, ...], out: list[Diagnostic]) -> None:
    ended_at: ast.Statement | None = None
    for statement in body:
        is_control = isinstance(statement, (*TERMINALS, ast.UncertainStmt, ast.MatchStmt, ast.IfStmt))
        if ended_at is not None and is_control:
            out.append(
                Diagnostic(
                    "PLX302",
                    "unreachable-statement",
                    Severity.WARNING,
                    "this statement is never reached: the run has already ended above",
                    statement.span,
                    labels=(Label(ended_at.span, "every run ends here"),),
                    help="remove it, or move it before the statement that ends the run",
                )
            )
            return
        if ended_at is None and always_ends((statement,)):
            ended_at = statement
        for child in _child_blocks(statement):
            _unreachable(child, out)


def _child_blocks(statement: ast.Statement) -> list[tuple[ast.Statement, ...]]:
    if isinstance(statement, ast.UncertainStmt | ast.MatchStmt):
        return [arm.body for arm in statement.arms]
    if isinstance(statement, ast.IfStmt):
        return [b.body for b in statement.branches] + ([statement.otherwise] if statement.otherwise else [])
    return []


def check_pattern_ir(pattern: ast.PatternDecl, compiled: ir.CompiledPattern) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    graph = build_graph(compiled)
    for cycle in data_cycles(graph):
        spans = [_span_of(pattern, step_id) for step_id in cycle]
        names = ", ".join(f"`{step_id.rsplit('/', 1)[-1]}`" for step_id in cycle)
        out.append(
            Diagnostic(
                "PLX301",
                "dependency-cycle",
                Severity.ERROR,
                f"these steps depend on each other in a cycle: {names}",
                spans[0],
                labels=tuple(Label(span, "part of the cycle") for span in spans[1:]),
                help="a pattern is a DAG: break the cycle so that one of them no longer reads the other",
            )
        )
    _unreachable(pattern.body, out)
    has_terminal = any(step.kind in ("output", "escalate", "fail") for step in compiled.steps)
    if has_terminal and not always_ends(pattern.body):
        out.append(
            Diagnostic(
                "PLX303",
                "missing-result",
                Severity.WARNING,
                f"some runs of `{pattern.name}` end without an output, escalation or failure",
                pattern.name_span,
                help="give every branch a result, or end the pattern with an `output`",
            )
        )
    return out
