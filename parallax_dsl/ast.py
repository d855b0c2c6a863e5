"""The typed AST of a .plx file: frozen dataclasses, every node carrying its source span."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from parallax_dsl.diagnostics.model import Span

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to a name in scope: an input field, a step, a let, a macro binder."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal; integers stay `int`, everything else is an IEEE double."""

    value: int | float
    span: Span


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration literal such as `30s` or `250ms`, held in milliseconds."""

    milliseconds: float
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class String:
    """A string literal; `parts` alternates text and interpolated expressions (`"${x}"`)."""

    parts: tuple[str | Expr, ...]
    span: Span

    @property
    def is_plain(self) -> bool:
        return all(isinstance(part, str) for part in self.parts)

    @property
    def text(self) -> str:
        """The literal text; interpolations are shown as `${…}`."""
        return "".join(part if isinstance(part, str) else "${…}" for part in self.parts)


@dataclass(frozen=True, slots=True)
class Bool:
    """`true` or `false`."""

    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Null:
    """`null`: the empty value."""

    span: Span


@dataclass(frozen=True, slots=True)
class ListLit:
    """`[a, b, …]`: a list literal."""

    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class MapEntry:
    """`key: value` inside a map literal; `key` is the name or the decoded string key."""

    key: str
    key_span: Span
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class MapLit:
    """`{ key: value … }`: a map literal."""

    entries: tuple[MapEntry, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Field:
    """`obj.name`: field access."""

    obj: Expr
    name: str
    name_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Index:
    """`obj[index]`."""

    obj: Expr
    index: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Argument:
    """A call argument; `name` is set for `name: value` arguments."""

    name: str | None
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    """`func(args)`: a built-in function (`len(x)`) or a list macro / method (`xs.filter(r, r.ok)`)."""

    func: Expr
    args: tuple[Argument, ...]
    span: Span


UnaryOp: TypeAlias = Literal["-", "not"]
BinaryOp: TypeAlias = Literal[
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "not in", "??"
]


@dataclass(frozen=True, slots=True)
class Unary:
    """`-x` or `not x`."""

    op: UnaryOp
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    """`left op right`; `op_span` is where the operator sits."""

    op: BinaryOp
    left: Expr
    right: Expr
    op_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class WithConfidence:
    """`value with confidence c`: attach a confidence (clamped to [0, 1], NaN → 0)."""

    value: Expr
    confidence: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class IfExpr:
    """`if cond then a else b`: a conditional expression."""

    cond: Expr
    then: Expr
    otherwise: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class MatchExprArm:
    """One arm of a `match` expression; `pattern` is None for `else`."""

    pattern: Expr | None
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class MatchExpr:
    """`match { guard => v … }` (no subject) or `match subject { value => v … }`."""

    subject: Expr | None
    arms: tuple[MatchExprArm, ...]
    span: Span


Expr: TypeAlias = (
    Name
    | Number
    | Duration
    | String
    | Bool
    | Null
    | ListLit
    | MapLit
    | Field
    | Index
    | Call
    | Unary
    | Binary
    | WithConfidence
    | IfExpr
    | MatchExpr
)

# ---------------------------------------------------------------- declarations and clauses


@dataclass(frozen=True, slots=True)
class Setting:
    """`name value` inside a pattern header, an agent group or a test agent; `upper` is set for `lo..hi`."""

    name: str
    name_span: Span
    value: Expr
    upper: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class TypeExpr:
    """`string`, `list[number]`, `optional[map]`…; names are checked by the semantic pass."""

    name: str
    args: tuple[TypeExpr, ...]
    span: Span

    def __str__(self) -> str:
        return self.name if not self.args else f"{self.name}[{', '.join(str(a) for a in self.args)}]"


@dataclass(frozen=True, slots=True)
class InputField:
    """`name: type [= default]` inside `input { … }`."""

    name: str
    name_span: Span
    type: TypeExpr
    default: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class InputDecl:
    """`input { fields… }`: the pattern's declared input."""

    fields: tuple[InputField, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class AgentsDecl:
    """`agents name { capabilities [...] min 3 … }`: a group of agents selected by capability."""

    name: str
    name_span: Span
    settings: tuple[Setting, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class PolicyClause:
    """`policy accept 0.8 retry below 0.6 escalate below 0.4 to architect` (ORG_CHART.md §4)."""

    accept: Expr | None
    retry_below: Expr | None
    escalate_below: Expr | None
    escalate_to: str | None
    escalate_to_span: Span | None
    span: Span


@dataclass(frozen=True, slots=True)
class VerifyClause:
    """`verify command "pytest -q" score "…"` / `verify agent reviewer rubric "…"`."""

    kind: str
    kind_span: Span
    target: String | Name | None
    options: tuple[Setting, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class OverClause:
    """`for item in list`: one agent call per item, results in item order."""

    binder: str
    binder_span: Span
    items: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class AgentCall:
    """`group.action(args)`."""

    group: str
    group_span: Span
    action: str
    action_span: Span
    args: tuple[Argument, ...]
    span: Span


StepKind: TypeAlias = Literal["fanout", "step", "race"]

# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class LetStmt:
    """`let name = value`: a named value, visible in its whole block."""

    name: str
    name_span: Span
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class AgentStep:
    """`fanout` (every selected agent), `step` (one agent) or `race … until` (first answer meeting a condition)."""

    kind: StepKind
    name: str
    name_span: Span
    call: AgentCall
    until: Expr | None
    over: OverClause | None
    timeout: Expr | None
    retries: Expr | None
    backoff: Expr | None
    verifies: tuple[VerifyClause, ...]
    policy: PolicyClause | None
    span: Span


@dataclass(frozen=True, slots=True)
class UseStmt:
    """`use name = Pattern(args)`: run another pattern (local, imported or stdlib) as a step."""

    name: str
    name_span: Span
    target: str
    target_span: Span
    args: tuple[Argument, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class UncertainArm:
    """`high => …`; `label` is high, medium, low or else."""

    label: str
    label_span: Span
    body: tuple[Statement, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class UncertainStmt:
    """Three-band dispatch on a confidence; `bands` overrides the 0.8 / 0.5 defaults."""

    subject: Expr
    bands: tuple[Argument, ...]
    arms: tuple[UncertainArm, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class MatchStmtArm:
    """One arm of a `match` statement; `pattern` is None for `else`."""

    pattern: Expr | None
    body: tuple[Statement, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class MatchStmt:
    """`match [subject] { pattern => body … }` as a statement (each arm runs a block)."""

    subject: Expr | None
    arms: tuple[MatchStmtArm, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class IfBranch:
    """`if cond { body }` or an `else if` branch of an if statement."""

    cond: Expr
    body: tuple[Statement, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class IfStmt:
    """`if … { } else if … { } else { }`; `otherwise` is the `else` block, if any."""

    branches: tuple[IfBranch, ...]
    otherwise: tuple[Statement, ...] | None
    span: Span


@dataclass(frozen=True, slots=True)
class OutputStmt:
    """`output value`: the pattern's result (ends the run)."""

    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class EscalateStmt:
    """`escalate to human "reason"`: stop here and hand the task to a supervisor group or a human."""

    target: str | None
    target_span: Span | None
    reason: String | None
    span: Span


@dataclass(frozen=True, slots=True)
class FailStmt:
    """`fail "message"`: end the run with an error."""

    message: String
    span: Span


Statement: TypeAlias = (
    LetStmt | AgentStep | UseStmt | UncertainStmt | MatchStmt | IfStmt | OutputStmt | EscalateStmt | FailStmt
)


@dataclass(frozen=True, slots=True)
class PatternDecl:
    """`pattern Name { settings… policy… input… agents… statements… }`."""

    name: str
    name_span: Span
    settings: tuple[Setting, ...]
    policy: PolicyClause | None
    inputs: tuple[InputDecl, ...]
    agents: tuple[AgentsDecl, ...]
    body: tuple[Statement, ...]
    span: Span


# ---------------------------------------------------------------- tests


@dataclass(frozen=True, slots=True)
class AgentResponse:
    """One canned answer: `answers value [reasoning "…"] [delay 10ms]` or `fails ["why"]`."""

    kind: Literal["answers", "fails"]
    value: Expr | None
    options: tuple[Setting, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class TestAgent:
    """`agent name { settings } answers … / fails …`: a scripted agent in a test."""

    name: str
    name_span: Span
    settings: tuple[Setting, ...]
    responses: tuple[AgentResponse, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Expect:
    """`expect <expr> [within tolerance | matches snapshot]`."""

    condition: Expr
    within: Expr | None
    snapshot: bool
    span: Span


@dataclass(frozen=True, slots=True)
class TestDecl:
    """`test "name" for Pattern { input… agents… lets… expects… }`."""

    name: str
    name_span: Span
    pattern: str
    pattern_span: Span
    input: MapLit | None
    agents: tuple[TestAgent, ...]
    lets: tuple[LetStmt, ...]
    expects: tuple[Expect, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ImportDecl:
    """`import "path.plx"`: patterns of another file, relative to this one."""

    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class Module:
    """One parsed .plx file."""

    path: str
    imports: tuple[ImportDecl, ...]
    patterns: tuple[PatternDecl, ...]
    tests: tuple[TestDecl, ...]
    span: Span


Node: TypeAlias = Any


def expr_children(node: Expr) -> Iterator[Expr]:
    """The expressions directly inside `node`, in source order (interpolated parts of a string, items, map
    values, the object of a field or index, a call's function and argument values, operands, branches, match
    subjects, arm patterns and values). Walkers that treat some nodes specially (macro binders, `??` guards)
    handle those first and use this for the rest."""
    if isinstance(node, String):
        yield from (p for p in node.parts if not isinstance(p, str))
    elif isinstance(node, ListLit):
        yield from node.items
    elif isinstance(node, MapLit):
        yield from (e.value for e in node.entries)
    elif isinstance(node, Field):
        yield node.obj
    elif isinstance(node, Index):
        yield from (node.obj, node.index)
    elif isinstance(node, Call):
        yield node.func
        yield from (a.value for a in node.args)
    elif isinstance(node, Unary):
        yield node.operand
    elif isinstance(node, Binary):
        yield from (node.left, node.right)
    elif isinstance(node, WithConfidence):
        yield from (node.value, node.confidence)
    elif isinstance(node, IfExpr):
        yield from (node.cond, node.then, node.otherwise)
    elif isinstance(node, MatchExpr):
        if node.subject is not None:
            yield node.subject
        for arm in node.arms:
            if arm.pattern is not None:
                yield arm.pattern
            yield arm.value


def dump(node: Node, *, spans: bool = True) -> Any:
    """A plain, stable, JSON-ready view of an AST (used by snapshot tests and `plxc parse --dump`)."""
    if isinstance(node, Span):
        return f"{node.line}:{node.column}-{node.end_line}:{node.end_column}"
    if isinstance(node, tuple):
        return [dump(item, spans=spans) for item in node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"node": type(node).__name__}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if not spans and (f.name == "span" or f.name.endswith("_span")):
                continue
            out[f.name] = dump(value, spans=spans)
        return out
    return node
