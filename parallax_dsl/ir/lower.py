"""Lowers a checked AST pattern to the IR: serialised expressions, unique step ids and data dependencies."""

from __future__ import annotations

from collections import Counter
from typing import Any

from parallax_dsl import ast
from parallax_dsl.ir import model as ir

_BINARY = {"not in": "not_in"}


class _Scope:
    """Names visible in a block → step ids."""

    def __init__(self, parent: _Scope | None = None) -> None:
        self.parent = parent
        self.names: dict[str, str] = {}

    def resolve(self, name: str) -> str | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


def _span(span: Any) -> str:
    return f"{span.file}:{span.line}:{span.column}"


def _literal(expr: ast.Expr) -> Any:
    """The Python value of a literal expression (used for input defaults)."""
    if isinstance(expr, ast.Number | ast.Bool):
        return expr.value
    if isinstance(expr, ast.Null):
        return None
    if isinstance(expr, ast.Duration):
        return expr.milliseconds
    if isinstance(expr, ast.String):
        return "".join(p for p in expr.parts if isinstance(p, str))
    if isinstance(expr, ast.Unary) and isinstance(expr.operand, ast.Number):
        return -expr.operand.value
    if isinstance(expr, ast.ListLit):
        return [_literal(item) for item in expr.items]
    if isinstance(expr, ast.MapLit):
        return {entry.key: _literal(entry.value) for entry in expr.entries}
    return None


class ExprLowering:
    """AST expression → IR Expr, collecting the step ids it reads (binders excluded).

    Leaves pass `args=[]` although it is the default: pydantic deep-copies a mutable default on every
    construction, which was half the cost of building a `lit` or `ref` node.
    """

    def __init__(self, scope: _Scope, bound: frozenset[str] = frozenset()) -> None:
        self.scope = scope
        self.bound = bound
        self.deps: list[str] = []

    def lower(self, expr: ast.Expr) -> ir.Expr:
        return self._lower(expr, self.bound)

    def _ref(self, name: str, bound: frozenset[str]) -> ir.Expr:
        if name not in bound:
            target = self.scope.resolve(name)
            if target is not None and target not in self.deps:
                self.deps.append(target)
            if target is not None:
                return ir.Expr(op="ref", name=target, args=[])
        return ir.Expr(op="ref", name=name, args=[])

    def _lower(self, e: ast.Expr, bound: frozenset[str]) -> ir.Expr:
        low = self._lower
        if isinstance(e, ast.Number | ast.Bool):
            return ir.Expr(op="lit", value=e.value, args=[])
        if isinstance(e, ast.Null):
            return ir.Expr(op="lit", value=None, args=[])
        if isinstance(e, ast.Duration):
            return ir.Expr(op="lit", value=e.milliseconds, args=[])
        if isinstance(e, ast.String):
            if e.is_plain:
                return ir.Expr(op="lit", value="".join(p for p in e.parts if isinstance(p, str)), args=[])
            parts = [ir.Expr(op="lit", value=p, args=[]) if isinstance(p, str) else low(p, bound) for p in e.parts]
            return ir.Expr(op="concat", args=parts)
        if isinstance(e, ast.Name):
            if e.name in ("true", "false", "null") and self.scope.resolve(e.name) is None and e.name not in bound:
                return ir.Expr(op="lit", value={"true": True, "false": False, "null": None}[e.name], args=[])
            return self._ref(e.name, bound)
        if isinstance(e, ast.ListLit):
            return ir.Expr(op="list", args=[low(i, bound) for i in e.items])
        if isinstance(e, ast.MapLit):
            return ir.Expr(op="map", keys=[m.key for m in e.entries], args=[low(m.value, bound) for m in e.entries])
        if isinstance(e, ast.Field):
            return ir.Expr(op="field", name=e.name, args=[low(e.obj, bound)])
        if isinstance(e, ast.Index):
            return ir.Expr(op="index", args=[low(e.obj, bound), low(e.index, bound)])
        if isinstance(e, ast.Call):
            return self._call(e, bound)
        if isinstance(e, ast.Unary):
            return ir.Expr(op="neg" if e.op == "-" else "not", args=[low(e.operand, bound)])
        if isinstance(e, ast.Binary):
            return ir.Expr(op=_BINARY.get(e.op, e.op), args=[low(e.left, bound), low(e.right, bound)])
        if isinstance(e, ast.WithConfidence):
            return ir.Expr(op="with_confidence", args=[low(e.value, bound), low(e.confidence, bound)])
        if isinstance(e, ast.IfExpr):
            return ir.Expr(op="if", args=[low(e.cond, bound), low(e.then, bound), low(e.otherwise, bound)])
        if isinstance(e, ast.MatchExpr):
            arms = [
                ir.MatchArm(when=None if arm.pattern is None else low(arm.pattern, bound), then=low(arm.value, bound))
                for arm in e.arms
            ]
            subject = None if e.subject is None else low(e.subject, bound)
            return ir.Expr(op="match", subject=subject, arms=arms, args=[])
        raise TypeError(f"cannot lower {type(e).__name__}")

    def _call(self, e: ast.Call, bound: frozenset[str]) -> ir.Expr:
        func = e.func
        if isinstance(func, ast.Field):
            binder = e.args[0].value if e.args else None
            if isinstance(binder, ast.Name) and len(e.args) == 2:
                inner = bound | {binder.name}
                return ir.Expr(
                    op="macro",
                    name=func.name,
                    var=binder.name,
                    args=[self._lower(func.obj, bound), self._lower(e.args[1].value, inner)],
                )
        name = func.name if isinstance(func, ast.Name) else "?"
        positional = [self._lower(a.value, bound) for a in e.args if a.name is None]
        named = {a.name: self._lower(a.value, bound) for a in e.args if a.name is not None}
        return ir.Expr(op="call", name=name, args=positional, kwargs=named or None)


class PatternLowering:
    """One pattern → CompiledPattern."""

    def __init__(self, pattern: ast.PatternDecl, source: str | None) -> None:
        self.pattern = pattern
        self.source = source
        self.steps: list[ir.Step] = []
        self.counters: Counter[str] = Counter()

    def lower(self) -> ir.CompiledPattern:
        p = self.pattern
        settings = {s.name: s for s in p.settings}
        extra: dict[str, Any] = {}
        for key in ("timeout", "schedule", "persist", "backend", "target", "regions", "open_input"):
            if key in settings:
                extra[key] = _literal(settings[key].value)
        requires: dict[str, float] = {}
        if "requires" in settings:
            value = settings["requires"].value
            if isinstance(value, ast.Binary) and _literal(value.right) is not None:
                requires["confidence"] = float(_literal(value.right))
        inputs = {
            f.name: ir.InputField(
                type=str(f.type),
                required=f.default is None and f.type.name != "optional",
                default=None if f.default is None else _literal(f.default),
            )
            for decl in p.inputs
            for f in decl.fields
        }
        scope = _Scope()
        scope.names["input"] = "input"
        self.lower_block(p.body, scope, None, "")
        return ir.CompiledPattern(
            name=p.name,
            version=_literal(settings["version"].value) if "version" in settings else None,
            description=_literal(settings["description"].value) if "description" in settings else None,
            tags=list(_literal(settings["tags"].value) or []) if "tags" in settings else [],
            source=self.source,
            requires=requires,
            settings=extra,
            input=inputs,
            input_declared=bool(p.inputs),
            agents={g.name: _group(g) for g in p.agents},
            policy=_policy(p.policy) if p.policy else None,
            steps=self.steps,
        )

    def _id(self, kind: str, prefix: str) -> str:
        self.counters[kind] += 1
        return f"{prefix}{kind}#{self.counters[kind]}"

    def lower_block(self, body: tuple[ast.Statement, ...], scope: _Scope, branch: str | None, prefix: str) -> None:
        for statement in body:
            if isinstance(statement, ast.LetStmt | ast.AgentStep | ast.UseStmt):
                scope.names[statement.name] = f"{prefix}{statement.name}"
        for statement in body:
            self.lower_statement(statement, scope, branch, prefix)

    def lower_statement(self, s: ast.Statement, scope: _Scope, branch: str | None, prefix: str) -> None:
        common: dict[str, Any] = {"branch": branch, "span": _span(s.span)}
        if isinstance(s, ast.LetStmt):
            lowering = ExprLowering(scope)
            value = lowering.lower(s.value)
            self.steps.append(
                ir.LetStep(id=f"{prefix}{s.name}", name=s.name, value=value, depends_on=lowering.deps, **common)
            )
        elif isinstance(s, ast.AgentStep):
            self.steps.append(self.agent_step(s, scope, prefix, common))
        elif isinstance(s, ast.UseStmt):
            lowering = ExprLowering(scope)
            args = {a.name or f"_{i}": lowering.lower(a.value) for i, a in enumerate(s.args)}
            self.steps.append(
                ir.UseStep(
                    id=f"{prefix}{s.name}",
                    name=s.name,
                    pattern=s.target.removeprefix("stdlib."),
                    args=args,
                    depends_on=lowering.deps,
                    **common,
                )
            )
        elif isinstance(s, ast.OutputStmt):
            lowering = ExprLowering(scope)
            value = lowering.lower(s.value)
            self.steps.append(
                ir.OutputStep(id=self._id("output", prefix), value=value, depends_on=lowering.deps, **common)
            )
        elif isinstance(s, ast.EscalateStmt):
            lowering = ExprLowering(scope)
            reason = lowering.lower(s.reason) if s.reason is not None else None
            self.steps.append(
                ir.EscalateStep(
                    id=self._id("escalate", prefix), to=s.target, reason=reason, depends_on=lowering.deps, **common
                )
            )
        elif isinstance(s, ast.FailStmt):
            lowering = ExprLowering(scope)
            message = lowering.lower(s.message)
            self.steps.append(
                ir.FailStep(id=self._id("fail", prefix), message=message, depends_on=lowering.deps, **common)
            )
        else:
            self.branch_statement(s, scope, branch, prefix, common)

    def agent_step(self, s: ast.AgentStep, scope: _Scope, prefix: str, common: dict[str, Any]) -> ir.AgentStep:
        lowering = ExprLowering(scope)
        over = None
        bound: frozenset[str] = frozenset()
        if s.over is not None:
            over = ir.Over(var=s.over.binder, items=lowering.lower(s.over.items))
            bound = frozenset({s.over.binder})
        args = {a.name or f"_{i}": lowering._lower(a.value, bound) for i, a in enumerate(s.call.args)}
        until = lowering._lower(s.until, frozenset({s.name})) if s.until is not None else None
        verify = []
        for v in s.verifies:
            options = {o.name: lowering.lower(o.value) for o in v.options}
            run = "".join(p for p in v.target.parts if isinstance(p, str)) if isinstance(v.target, ast.String) else None
            role = v.target.name if isinstance(v.target, ast.Name) else None
            verify.append(ir.Verify(type=v.kind, run=run, role=role, options=options))  # type: ignore[arg-type]
        mode = {"fanout": "fanout", "step": "single", "race": "race"}[s.kind]
        return ir.AgentStep(
            id=f"{prefix}{s.name}",
            mode=mode,  # type: ignore[arg-type]
            group=s.call.group,
            action=s.call.action,
            args=args,
            over=over,
            until=until,
            timeout=_literal(s.timeout) if s.timeout is not None else None,
            retries=int(_literal(s.retries) or 0) if s.retries is not None else 0,
            backoff=_literal(s.backoff) if s.backoff is not None else None,
            verify=verify,
            policy=_policy(s.policy) if s.policy else None,
            depends_on=lowering.deps,
            **common,
        )

    def branch_statement(
        self, s: ast.Statement, scope: _Scope, branch: str | None, prefix: str, common: dict[str, Any]
    ) -> None:
        lowering = ExprLowering(scope)
        if isinstance(s, ast.UncertainStmt):
            step_id = self._id("uncertain", prefix)
            subject = lowering.lower(s.subject)
            bands = {a.name: float(_literal(a.value)) for a in s.bands if a.name is not None} or None
            arms = [ir.BranchArm(label=arm.label, is_else=arm.label == "else") for arm in s.arms]
            bodies = [arm.body for arm in s.arms]
            self.steps.append(
                ir.BranchStep(
                    id=step_id,
                    form="uncertain",
                    subject=subject,
                    bands=bands,
                    arms=arms,
                    depends_on=lowering.deps,
                    **common,
                )
            )
        elif isinstance(s, ast.MatchStmt):
            step_id = self._id("match", prefix)
            match_subject = lowering.lower(s.subject) if s.subject is not None else None
            arms = [
                ir.BranchArm(when=None if a.pattern is None else lowering.lower(a.pattern), is_else=a.pattern is None)
                for a in s.arms
            ]
            bodies = [arm.body for arm in s.arms]
            self.steps.append(
                ir.BranchStep(
                    id=step_id, form="match", subject=match_subject, arms=arms, depends_on=lowering.deps, **common
                )
            )
        elif isinstance(s, ast.IfStmt):
            step_id = self._id("if", prefix)
            arms = [ir.BranchArm(when=lowering.lower(b.cond)) for b in s.branches]
            bodies = [b.body for b in s.branches]
            if s.otherwise is not None:
                arms.append(ir.BranchArm(is_else=True))
                bodies.append(s.otherwise)
            self.steps.append(ir.BranchStep(id=step_id, form="if", arms=arms, depends_on=lowering.deps, **common))
        else:
            raise TypeError(f"cannot lower {type(s).__name__}")
        for index, body in enumerate(bodies):
            arm_id = f"{step_id}:{index}"
            self.lower_block(body, _Scope(scope), arm_id, f"{arm_id}/")


def _group(group: ast.AgentsDecl) -> ir.AgentGroup:
    values: dict[str, Any] = {}
    for s in group.settings:
        if s.name == "confidence" and s.upper is not None:
            values["confidence"] = (float(_literal(s.value)), float(_literal(s.upper)))
        elif s.name == "timeout":
            values["taskTimeout"] = _literal(s.value)
        elif s.name in ("capabilities", "min", "max", "prefer", "stateful"):
            values[s.name] = _literal(s.value)
    return ir.AgentGroup(**values)


def _policy(policy: ast.PolicyClause) -> ir.Policy:
    def number(e: ast.Expr | None) -> float | None:
        value = _literal(e) if e is not None else None
        return float(value) if isinstance(value, int | float) else None

    return ir.Policy(
        accept=number(policy.accept),
        retryBelow=number(policy.retry_below),
        escalateBelow=number(policy.escalate_below),
        escalateTo=policy.escalate_to,
    )


def lower_pattern(pattern: ast.PatternDecl, source: str | None = None) -> ir.CompiledPattern:
    """The IR of one checked pattern."""
    return PatternLowering(pattern, source).lower()
