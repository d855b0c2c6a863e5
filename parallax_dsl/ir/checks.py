"""Checks that need the IR: dependency cycles, unreachable statements, runs that end without a result."""

from __future__ import annotations

from collections.abc import Iterator

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity

TERMINALS = (ast.OutputStmt, ast.EscalateStmt, ast.FailStmt)


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


def _referenced_names(expr: ast.Expr) -> Iterator[str]:
    """Free names an expression reads (macro binders excluded), without building the IR."""
    stack: list[tuple[ast.Expr, frozenset[str]]] = [(expr, frozenset())]
    while stack:
        node, bound = stack.pop()
        if isinstance(node, ast.Name):
            if node.name not in bound:
                yield node.name
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Field) and len(node.args) == 2:
            binder = node.args[0].value
            stack.append((node.func.obj, bound))
            inner = bound | {binder.name} if isinstance(binder, ast.Name) else bound
            stack.append((node.args[1].value, inner))
        else:
            stack.extend((child, bound) for child in ast.expr_children(node))


def _step_expressions(statement: ast.LetStmt | ast.AgentStep | ast.UseStmt) -> Iterator[ast.Expr]:
    if isinstance(statement, ast.LetStmt):
        yield statement.value
    elif isinstance(statement, ast.UseStmt):
        yield from (a.value for a in statement.args)
    else:
        yield from (a.value for a in statement.call.args)
        if statement.over is not None:
            yield statement.over.items
        for clause in (statement.timeout, statement.retries, statement.backoff):
            if clause is not None:
                yield clause


def dependency_cycles(body: tuple[ast.Statement, ...]) -> list[list[ast.LetStmt | ast.AgentStep | ast.UseStmt]]:
    """Cycles among the named statements of each block (Tarjan, iterative), in source order."""
    cycles: list[list[ast.LetStmt | ast.AgentStep | ast.UseStmt]] = []
    blocks = [body]
    while blocks:
        block = blocks.pop()
        named = {s.name: s for s in block if isinstance(s, ast.LetStmt | ast.AgentStep | ast.UseStmt)}
        edges: dict[str, list[str]] = {}
        for name, statement in named.items():
            own = {statement.name} if isinstance(statement, ast.AgentStep) and statement.until is not None else set()
            binder = {statement.over.binder} if isinstance(statement, ast.AgentStep) and statement.over else set()
            edges[name] = sorted(
                {n for e in _step_expressions(statement) for n in _referenced_names(e) if n in named} - own - binder
            )
        cycles.extend([named[n] for n in component] for component in _strongly_connected(edges))
        for child in block:
            blocks.extend(_child_blocks(child))
    return sorted(cycles, key=lambda c: c[0].span.start_pos)


def _strongly_connected(edges: dict[str, list[str]]) -> list[list[str]]:
    """Components with a cycle (size > 1 or a self-loop), members in declaration order."""
    order = list(edges)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in order:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for j in range(i, len(edges[node])):
                target = edges[node][j]
                if target not in index:
                    work.append((node, j + 1))
                    work.append((target, 0))
                    recurse = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if recurse:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component, key=order.index))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def check_pattern_structure(pattern: ast.PatternDecl) -> list[Diagnostic]:
    """Cycles, unreachable statements and runs without a result — straight from the AST (fast, no IR)."""
    out: list[Diagnostic] = []
    for cycle in dependency_cycles(pattern.body):
        names = ", ".join(f"`{s.name}`" for s in cycle)
        out.append(
            Diagnostic(
                "PLX301",
                "dependency-cycle",
                Severity.ERROR,
                f"these steps depend on each other in a cycle: {names}",
                cycle[0].name_span,
                labels=tuple(Label(s.name_span, "part of the cycle") for s in cycle[1:]),
                help="a pattern is a DAG: break the cycle so that one of them no longer reads the other",
            )
        )
    _unreachable(pattern.body, out)
    has_terminal = _has_terminal(pattern.body)
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


def _has_terminal(body: tuple[ast.Statement, ...]) -> bool:
    return any(isinstance(s, TERMINALS) or any(_has_terminal(b) for b in _child_blocks(s)) for s in body)
