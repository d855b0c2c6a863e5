"""The IR contract between compiler and runtime: pydantic models of a compiled pattern (also its YAML/JSON schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expr(_Model):
    """An expression in serialised form: `op` names the operation, the other fields carry its operands.

    ops: `lit` (value), `ref` (name), `list`, `map` (keys + args), `concat` (string interpolation), `field` (name),
    `index`, `call` (name = function, args, kwargs), `macro` (name = filter|map|…, var, args = [list, body]),
    `neg`, `not`, binary operators (`+ - * / % == != < <= > >= and or in not_in ??`), `with_confidence`,
    `if` (args = [cond, then, else]), `match` (subject?, arms).
    """

    op: str
    value: Any = None
    name: str | None = None
    var: str | None = None
    keys: list[str] | None = None
    args: list[Expr] = []
    kwargs: dict[str, Expr] | None = None
    subject: Expr | None = None
    arms: list[MatchArm] | None = None


class MatchArm(_Model):
    """One arm of a `match`: `when` is the guard or value (None for `else`)."""

    when: Expr | None = None
    then: Expr


class InputField(_Model):
    type: str
    required: bool = True
    default: Any = None


class AgentGroup(_Model):
    capabilities: list[str] = []
    min: int = 0
    max: int | None = None
    prefer: str | None = None
    taskTimeout: float | None = None  # milliseconds, as the upstream named it
    confidence: tuple[float, float] | None = None
    stateful: bool = False


class Policy(_Model):
    """Confidence policy (ORG_CHART.md §4): accept / retry below / escalate below [to group]."""

    accept: float | None = None
    retryBelow: float | None = None
    escalateBelow: float | None = None
    escalateTo: str | None = None


class Verify(_Model):
    type: Literal["command", "agent", "history"]
    run: str | None = None
    role: str | None = None
    options: dict[str, Expr] = {}


class Over(_Model):
    var: str
    items: Expr


class _Step(_Model):
    id: str
    depends_on: list[str] = []
    branch: str | None = None  # "<branch step id>:<arm index>" when inside a branch arm
    span: str = ""


class AgentStep(_Step):
    kind: Literal["agent"] = "agent"
    mode: Literal["fanout", "single", "race"]
    group: str
    action: str
    args: dict[str, Expr] = {}
    over: Over | None = None
    until: Expr | None = None
    timeout: float | None = None  # ms
    retries: int = 0
    backoff: float | None = None  # ms
    verify: list[Verify] = []
    policy: Policy | None = None


class LetStep(_Step):
    kind: Literal["let"] = "let"
    name: str
    value: Expr


class UseStep(_Step):
    kind: Literal["use"] = "use"
    name: str
    pattern: str
    args: dict[str, Expr] = {}


class BranchArm(_Model):
    label: str | None = None  # uncertain: high | medium | low | else
    when: Expr | None = None  # match / if: guard or value (None = else)
    is_else: bool = False


class BranchStep(_Step):
    kind: Literal["branch"] = "branch"
    form: Literal["uncertain", "match", "if"]
    subject: Expr | None = None
    bands: dict[str, float] | None = None
    arms: list[BranchArm]


class OutputStep(_Step):
    kind: Literal["output"] = "output"
    value: Expr


class EscalateStep(_Step):
    kind: Literal["escalate"] = "escalate"
    to: str | None = None
    reason: Expr | None = None


class FailStep(_Step):
    kind: Literal["fail"] = "fail"
    message: Expr


Step = Annotated[
    AgentStep | LetStep | UseStep | BranchStep | OutputStep | EscalateStep | FailStep, Field(discriminator="kind")
]


class CompiledPattern(_Model):
    """A pattern ready to run or deploy. `steps` are in source order; ids are unique within the pattern."""

    plx: int = FORMAT_VERSION
    name: str
    version: str | None = None
    description: str | None = None
    tags: list[str] = []
    source: str | None = None
    requires: dict[str, float] = {}
    settings: dict[str, Any] = {}
    input: dict[str, InputField] = {}
    input_declared: bool = True
    agents: dict[str, AgentGroup] = {}
    policy: Policy | None = None
    steps: list[Step] = []
    analysis: dict[str, Any] = {}


class CompiledFile(_Model):
    """Every pattern of one .plx file (and of the files it imports, for composition)."""

    plx: int = FORMAT_VERSION
    patterns: list[CompiledPattern]
