"""A light, pydantic-free view of the IR the analysis walks, built from the compiled IR or straight from the AST.

`plxc check` must not import pydantic (tests/perf), yet the analysis is an abstract interpretation of the IR. So
the analysis reads these frozen dataclasses, which have the same fields as `parallax_dsl.ir.model`:

* `from_model(pattern)` converts a compiled `CompiledPattern` (compile, explain);
* `from_ast(pattern)` lowers a checked AST pattern exactly as `parallax_dsl.ir.lower` does (the check path),
  keeping the source spans the diagnostics point at. tests/analysis/test_view.py pins `from_ast == from_model ∘
  lower_pattern` on every example, so the two never drift apart.

Spans are excluded from equality.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Span

if TYPE_CHECKING:
    from parallax_dsl.ir import model as ir


# Not `frozen`: constructing a frozen dataclass costs one object.__setattr__ call per field, and these are built
# by the hundred per analysed pattern. Treat instances as immutable (nothing assigns to them); hashable as before.
@dataclass(slots=True, unsafe_hash=True)
class Expr:
    op: str
    value: Any = None
    name: str | None = None
    var: str | None = None
    keys: tuple[str, ...] | None = None
    args: tuple[Expr, ...] = ()
    kwargs: Mapping[str, Expr] | None = None
    subject: Expr | None = None
    arms: tuple[MatchArm, ...] | None = None
    span: Span | None = field(default=None, compare=False)


# Not `frozen`: constructing a frozen dataclass costs one object.__setattr__ call per field, and these are built
# by the hundred per analysed pattern. Treat instances as immutable (nothing assigns to them); hashable as before.
@dataclass(slots=True, unsafe_hash=True)
class MatchArm:
    when: Expr | None
    then: Expr
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class InputField:
    type: str
    required: bool = True
    default: Any = None


@dataclass(frozen=True, slots=True)
class AgentGroup:
    capabilities: tuple[str, ...] = ()
    min: int = 0
    max: int | None = None
    confidence: tuple[float, float] | None = None
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Policy:
    accept: float | None = None
    retryBelow: float | None = None
    escalateBelow: float | None = None
    escalateTo: str | None = None


@dataclass(frozen=True, slots=True)
class Verify:
    type: str
    role: str | None = None
    options: Mapping[str, Expr] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Over:
    var: str
    items: Expr


@dataclass(frozen=True, slots=True)
class AgentStep:
    id: str
    mode: Literal["fanout", "single", "race"]
    group: str
    action: str
    args: Mapping[str, Expr] = field(default_factory=dict)
    over: Over | None = None
    until: Expr | None = None
    retries: int = 0
    verify: tuple[Verify, ...] = ()
    policy: Policy | None = None
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    node: Span | None = field(default=None, compare=False)
    kind: Literal["agent"] = "agent"


@dataclass(frozen=True, slots=True)
class LetStep:
    id: str
    name: str
    value: Expr
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    node: Span | None = field(default=None, compare=False)
    kind: Literal["let"] = "let"


@dataclass(frozen=True, slots=True)
class UseStep:
    id: str
    name: str
    pattern: str
    args: Mapping[str, Expr] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    node: Span | None = field(default=None, compare=False)
    kind: Literal["use"] = "use"


@dataclass(frozen=True, slots=True)
class BranchArm:
    label: str | None = None
    when: Expr | None = None
    is_else: bool = False
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class BranchStep:
    id: str
    form: Literal["uncertain", "match", "if"]
    arms: tuple[BranchArm, ...]
    subject: Expr | None = None
    bands: Mapping[str, float] | None = None
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    node: Span | None = field(default=None, compare=False)
    kind: Literal["branch"] = "branch"


@dataclass(frozen=True, slots=True)
class OutputStep:
    id: str
    value: Expr
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    node: Span | None = field(default=None, compare=False)
    kind: Literal["output"] = "output"


@dataclass(frozen=True, slots=True)
class EscalateStep:
    id: str
    to: str | None = None
    reason: Expr | None = None
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    node: Span | None = field(default=None, compare=False)
    kind: Literal["escalate"] = "escalate"


@dataclass(frozen=True, slots=True)
class FailStep:
    id: str
    message: Expr
    depends_on: tuple[str, ...] = ()
    branch: str | None = None
    node: Span | None = field(default=None, compare=False)
    kind: Literal["fail"] = "fail"


Step = AgentStep | LetStep | UseStep | BranchStep | OutputStep | EscalateStep | FailStep
DataStep = AgentStep | LetStep | UseStep
ControlStep = BranchStep | OutputStep | EscalateStep | FailStep


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern: the fields of `CompiledPattern` the analysis needs."""

    name: str
    requires: Mapping[str, float] = field(default_factory=dict)
    input: Mapping[str, InputField] = field(default_factory=dict)
    input_declared: bool = True
    agents: Mapping[str, AgentGroup] = field(default_factory=dict)
    policy: Policy | None = None
    steps: tuple[Step, ...] = ()
    source: str | None = None
    span: Span | None = field(default=None, compare=False)


# ------------------------------------------------------------------------------------------------ from the IR


def _expr_from_model(e: ir.Expr) -> Expr:
    # Positional arguments, in Expr's field order (op, value, name, var, keys, args, kwargs, subject, arms): this
    # runs once per IR node of every compiled pattern.
    keys, args, kwargs, subject, arms = e.keys, e.args, e.kwargs, e.subject, e.arms
    return Expr(
        e.op,
        e.value,
        e.name,
        e.var,
        None if keys is None else tuple(keys),
        tuple([_expr_from_model(a) for a in args]) if args else (),
        None if kwargs is None else {k: _expr_from_model(v) for k, v in kwargs.items()},
        None if subject is None else _expr_from_model(subject),
        None
        if arms is None
        else tuple(
            MatchArm(None if a.when is None else _expr_from_model(a.when), _expr_from_model(a.then)) for a in arms
        ),
    )


def _exprs(d: Mapping[str, ir.Expr]) -> dict[str, Expr]:
    return {k: _expr_from_model(v) for k, v in d.items()}


def _policy_from_model(p: ir.Policy | None) -> Policy | None:
    return None if p is None else Policy(p.accept, p.retryBelow, p.escalateBelow, p.escalateTo)


def _step_from_model(s: ir.Step) -> Step:
    common: dict[str, Any] = {"id": s.id, "depends_on": tuple(s.depends_on), "branch": s.branch}
    if s.kind == "agent":
        return AgentStep(
            mode=s.mode,
            group=s.group,
            action=s.action,
            args=_exprs(s.args),
            over=None if s.over is None else Over(s.over.var, _expr_from_model(s.over.items)),
            until=None if s.until is None else _expr_from_model(s.until),
            retries=s.retries,
            verify=tuple(Verify(v.type, v.role, _exprs(v.options)) for v in s.verify),
            policy=_policy_from_model(s.policy),
            **common,
        )
    if s.kind == "let":
        return LetStep(name=s.name, value=_expr_from_model(s.value), **common)
    if s.kind == "use":
        return UseStep(name=s.name, pattern=s.pattern, args=_exprs(s.args), **common)
    if s.kind == "branch":
        return BranchStep(
            form=s.form,
            arms=tuple(
                BranchArm(a.label, None if a.when is None else _expr_from_model(a.when), a.is_else) for a in s.arms
            ),
            subject=None if s.subject is None else _expr_from_model(s.subject),
            bands=None if s.bands is None else dict(s.bands),
            **common,
        )
    if s.kind == "output":
        return OutputStep(value=_expr_from_model(s.value), **common)
    if s.kind == "escalate":
        return EscalateStep(to=s.to, reason=None if s.reason is None else _expr_from_model(s.reason), **common)
    return FailStep(message=_expr_from_model(s.message), **common)


def from_model(p: ir.CompiledPattern) -> Pattern:
    """The view of a compiled pattern."""
    return Pattern(
        name=p.name,
        requires=dict(p.requires),
        input={k: InputField(f.type, f.required, f.default) for k, f in p.input.items()},
        input_declared=p.input_declared,
        agents={
            k: AgentGroup(
                tuple(g.capabilities),
                g.min,
                g.max,
                None if g.confidence is None else (g.confidence[0], g.confidence[1]),
            )
            for k, g in p.agents.items()
        },
        policy=_policy_from_model(p.policy),
        steps=tuple(_step_from_model(s) for s in p.steps),
        source=p.source,
    )


# ------------------------------------------------------------------------------------------------ from the AST
# Mirrors parallax_dsl/ir/lower.py statement by statement (ids, dependency order, literals).


class _Scope:
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


def literal(expr: ast.Expr) -> Any:
    """The Python value of a literal expression (as `parallax_dsl.ir.lower._literal`)."""
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
        return [literal(item) for item in expr.items]
    if isinstance(expr, ast.MapLit):
        return {entry.key: literal(entry.value) for entry in expr.entries}
    return None


class _Exprs:
    def __init__(self, scope: _Scope) -> None:
        self.scope = scope
        self.deps: list[str] = []

    def lower(self, e: ast.Expr, bound: frozenset[str] = frozenset()) -> Expr:
        if isinstance(e, ast.Number | ast.Bool):
            return Expr("lit", value=e.value, span=e.span)
        if isinstance(e, ast.Null):
            return Expr("lit", value=None, span=e.span)
        if isinstance(e, ast.Duration):
            return Expr("lit", value=e.milliseconds, span=e.span)
        if isinstance(e, ast.String):
            if e.is_plain:
                return Expr("lit", value="".join(p for p in e.parts if isinstance(p, str)), span=e.span)
            parts = tuple(Expr("lit", value=p) if isinstance(p, str) else self.lower(p, bound) for p in e.parts)
            return Expr("concat", args=parts, span=e.span)
        if isinstance(e, ast.Name):
            if e.name in ("true", "false", "null") and self.scope.resolve(e.name) is None and e.name not in bound:
                return Expr("lit", value={"true": True, "false": False, "null": None}[e.name], span=e.span)
            return self._ref(e.name, bound, e.span)
        if isinstance(e, ast.ListLit):
            return Expr("list", args=tuple(self.lower(i, bound) for i in e.items), span=e.span)
        if isinstance(e, ast.MapLit):
            return Expr(
                "map",
                keys=tuple(m.key for m in e.entries),
                args=tuple(self.lower(m.value, bound) for m in e.entries),
                span=e.span,
            )
        if isinstance(e, ast.Field):
            return Expr("field", name=e.name, args=(self.lower(e.obj, bound),), span=e.span)
        if isinstance(e, ast.Index):
            return Expr("index", args=(self.lower(e.obj, bound), self.lower(e.index, bound)), span=e.span)
        if isinstance(e, ast.Call):
            return self._call(e, bound)
        if isinstance(e, ast.Unary):
            return Expr("neg" if e.op == "-" else "not", args=(self.lower(e.operand, bound),), span=e.span)
        if isinstance(e, ast.Binary):
            op = "not_in" if e.op == "not in" else e.op
            return Expr(op, args=(self.lower(e.left, bound), self.lower(e.right, bound)), span=e.span)
        if isinstance(e, ast.WithConfidence):
            return Expr(
                "with_confidence", args=(self.lower(e.value, bound), self.lower(e.confidence, bound)), span=e.span
            )
        if isinstance(e, ast.IfExpr):
            return Expr(
                "if",
                args=(self.lower(e.cond, bound), self.lower(e.then, bound), self.lower(e.otherwise, bound)),
                span=e.span,
            )
        if isinstance(e, ast.MatchExpr):
            arms = tuple(
                MatchArm(
                    None if arm.pattern is None else self.lower(arm.pattern, bound),
                    self.lower(arm.value, bound),
                    arm.span,
                )
                for arm in e.arms
            )
            subject = None if e.subject is None else self.lower(e.subject, bound)
            return Expr("match", subject=subject, arms=arms, span=e.span)
        raise TypeError(f"cannot lower {type(e).__name__}")

    def _ref(self, name: str, bound: frozenset[str], span: Span) -> Expr:
        if name not in bound:
            target = self.scope.resolve(name)
            if target is not None:
                if target not in self.deps:
                    self.deps.append(target)
                return Expr("ref", name=target, span=span)
        return Expr("ref", name=name, span=span)

    def _call(self, e: ast.Call, bound: frozenset[str]) -> Expr:
        func = e.func
        if isinstance(func, ast.Field):
            binder = e.args[0].value if e.args else None
            if isinstance(binder, ast.Name) and len(e.args) == 2:
                return Expr(
                    "macro",
                    name=func.name,
                    var=binder.name,
                    args=(self.lower(func.obj, bound), self.lower(e.args[1].value, bound | {binder.name})),
                    span=e.span,
                )
        name = func.name if isinstance(func, ast.Name) else "?"
        positional = tuple(self.lower(a.value, bound) for a in e.args if a.name is None)
        named = {a.name: self.lower(a.value, bound) for a in e.args if a.name is not None}
        return Expr("call", name=name, args=positional, kwargs=named or None, span=e.span)


def _number(e: ast.Expr | None) -> float | None:
    value = literal(e) if e is not None else None
    return float(value) if isinstance(value, int | float) else None


def _policy(p: ast.PolicyClause | None) -> Policy | None:
    if p is None:
        return None
    return Policy(_number(p.accept), _number(p.retry_below), _number(p.escalate_below), p.escalate_to)


def _group(g: ast.AgentsDecl) -> AgentGroup:
    values: dict[str, Any] = {}
    for s in g.settings:
        if s.name == "confidence" and s.upper is not None:
            values["confidence"] = (float(literal(s.value)), float(literal(s.upper)))
        elif s.name == "capabilities":
            values["capabilities"] = tuple(literal(s.value) or ())
        elif s.name in ("min", "max"):
            values[s.name] = int(literal(s.value))
    return AgentGroup(**values, span=g.span)


class _Lowering:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.counters: Counter[str] = Counter()

    def _id(self, kind: str, prefix: str) -> str:
        self.counters[kind] += 1
        return f"{prefix}{kind}#{self.counters[kind]}"

    def block(self, body: Sequence[ast.Statement], scope: _Scope, branch: str | None, prefix: str) -> None:
        for s in body:
            if isinstance(s, ast.LetStmt | ast.AgentStep | ast.UseStmt):
                scope.names[s.name] = f"{prefix}{s.name}"
        for s in body:
            self.statement(s, scope, branch, prefix)

    def statement(self, s: ast.Statement, scope: _Scope, branch: str | None, prefix: str) -> None:
        ex = _Exprs(scope)
        if isinstance(s, ast.LetStmt):
            value = ex.lower(s.value)
            self.steps.append(LetStep(f"{prefix}{s.name}", s.name, value, tuple(ex.deps), branch, s.span))
        elif isinstance(s, ast.AgentStep):
            self.steps.append(self.agent(s, ex, prefix, branch))
        elif isinstance(s, ast.UseStmt):
            args = {a.name or f"_{i}": ex.lower(a.value) for i, a in enumerate(s.args)}
            self.steps.append(
                UseStep(
                    f"{prefix}{s.name}", s.name, s.target.removeprefix("stdlib."), args, tuple(ex.deps), branch, s.span
                )
            )
        elif isinstance(s, ast.OutputStmt):
            value = ex.lower(s.value)
            self.steps.append(OutputStep(self._id("output", prefix), value, tuple(ex.deps), branch, s.span))
        elif isinstance(s, ast.EscalateStmt):
            reason = ex.lower(s.reason) if s.reason is not None else None
            sid = self._id("escalate", prefix)
            self.steps.append(EscalateStep(sid, s.target, reason, tuple(ex.deps), branch, s.span))
        elif isinstance(s, ast.FailStmt):
            message = ex.lower(s.message)
            self.steps.append(FailStep(self._id("fail", prefix), message, tuple(ex.deps), branch, s.span))
        else:
            self.branch(s, ex, scope, branch, prefix)

    def agent(self, s: ast.AgentStep, ex: _Exprs, prefix: str, branch: str | None) -> AgentStep:
        over = None
        bound: frozenset[str] = frozenset()
        if s.over is not None:
            over = Over(s.over.binder, ex.lower(s.over.items))
            bound = frozenset({s.over.binder})
        args = {a.name or f"_{i}": ex.lower(a.value, bound) for i, a in enumerate(s.call.args)}
        until = ex.lower(s.until, frozenset({s.name})) if s.until is not None else None
        verify = []
        for v in s.verifies:
            options = {o.name: ex.lower(o.value) for o in v.options}
            role = v.target.name if isinstance(v.target, ast.Name) else None
            verify.append(Verify(v.kind, role, options))
        mode: Literal["fanout", "single", "race"] = (
            "fanout" if s.kind == "fanout" else "single" if s.kind == "step" else "race"
        )
        return AgentStep(
            id=f"{prefix}{s.name}",
            mode=mode,
            group=s.call.group,
            action=s.call.action,
            args=args,
            over=over,
            until=until,
            retries=int(literal(s.retries) or 0) if s.retries is not None else 0,
            verify=tuple(verify),
            policy=_policy(s.policy),
            depends_on=tuple(ex.deps),
            branch=branch,
            node=s.span,
        )

    def branch(self, s: ast.Statement, ex: _Exprs, scope: _Scope, branch: str | None, prefix: str) -> None:
        bodies: list[tuple[ast.Statement, ...]]
        if isinstance(s, ast.UncertainStmt):
            sid = self._id("uncertain", prefix)
            subject = ex.lower(s.subject)
            bands = {a.name: float(literal(a.value)) for a in s.bands if a.name is not None} or None
            arms = tuple(BranchArm(label=a.label, is_else=a.label == "else", span=a.label_span) for a in s.arms)
            bodies = [a.body for a in s.arms]
            step: BranchStep = BranchStep(sid, "uncertain", arms, subject, bands, tuple(ex.deps), branch, s.span)
        elif isinstance(s, ast.MatchStmt):
            sid = self._id("match", prefix)
            match_subject = ex.lower(s.subject) if s.subject is not None else None
            arms = tuple(
                BranchArm(
                    when=None if a.pattern is None else ex.lower(a.pattern),
                    is_else=a.pattern is None,
                    span=a.pattern.span if a.pattern is not None else a.span,
                )
                for a in s.arms
            )
            bodies = [a.body for a in s.arms]
            step = BranchStep(sid, "match", arms, match_subject, None, tuple(ex.deps), branch, s.span)
        elif isinstance(s, ast.IfStmt):
            sid = self._id("if", prefix)
            if_arms = [BranchArm(when=ex.lower(b.cond), span=b.cond.span) for b in s.branches]
            bodies = [b.body for b in s.branches]
            if s.otherwise is not None:
                else_span = s.otherwise[0].span if s.otherwise else s.span
                if_arms.append(BranchArm(is_else=True, span=else_span))
                bodies.append(s.otherwise)
            step = BranchStep(sid, "if", tuple(if_arms), None, None, tuple(ex.deps), branch, s.span)
        else:
            raise TypeError(f"cannot lower {type(s).__name__}")
        self.steps.append(step)
        for index, body in enumerate(bodies):
            arm_id = f"{sid}:{index}"
            self.block(body, _Scope(scope), arm_id, f"{arm_id}/")


def from_ast(p: ast.PatternDecl, source: str | None = None) -> Pattern:
    """The view of a checked AST pattern: the IR `lower_pattern` would build, with source spans."""
    settings = {s.name: s for s in p.settings}
    requires: dict[str, float] = {}
    if "requires" in settings:
        value = settings["requires"].value
        if isinstance(value, ast.Binary) and literal(value.right) is not None:
            requires["confidence"] = float(literal(value.right))
    inputs = {
        f.name: InputField(
            type=str(f.type),
            required=f.default is None and f.type.name != "optional",
            default=None if f.default is None else literal(f.default),
        )
        for decl in p.inputs
        for f in decl.fields
    }
    lowering = _Lowering()
    scope = _Scope()
    scope.names["input"] = "input"
    lowering.block(p.body, scope, None, "")
    return Pattern(
        name=p.name,
        requires=requires,
        input=inputs,
        input_declared=bool(p.inputs),
        agents={g.name: _group(g) for g in p.agents},
        policy=_policy(p.policy),
        steps=tuple(lowering.steps),
        source=source,
        span=p.name_span,
    )
