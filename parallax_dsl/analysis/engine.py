"""The pattern analysis: abstract interpretation of a pattern's steps and control flow, and its agent-call bounds.

A pattern is analysed twice:

* **answered** — every agent call answers: an agent's confidence lies in its group's declared range
  (`confidence lo..hi`), else [0, 1]. These are the intervals `plxc explain` shows.
* **with failures** — any agent call may also fail or time out, and a failed agent reports confidence 0. The
  diagnostics use this mode, so they hold for every run; the call bounds are computed in it (retries happen on
  failures).

Control flow follows the runtime: the data steps of a block all run when the block is entered, control statements
are taken in source order, only the arm chosen by a branch runs (lazy branches), and the first output, escalation
or failure ends the run. Inside an arm, the branch's subject or guard narrows the confidences it tested
(`uncertain probe` → `probe` is at least 0.8 in the `high` arm).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal

from parallax_dsl.analysis import view as v
from parallax_dsl.analysis.domain import (
    ANY_NUM,
    BOOL,
    DICT_KINDS,
    EMPTY,
    INF,
    MISSING,
    NULL,
    ONE,
    OPAQUE,
    STR,
    UNIT,
    ZERO,
    Bound,
    Data,
    Val,
    certain,
    const,
    element,
    hull_all,
    join,
    join_all,
    list_of,
    map_of,
    num_of,
    record,
    truth,
)
from parallax_dsl.analysis.exprs import Evaluator, Notes, describe_expr, equal, possible_bands
from parallax_dsl.stdlib_files import find_stdlib_file, stdlib_dirs

#: The policy the runtime applies to a step with `verify` but no policy (runtime/policy.py DEFAULT_POLICY).
DEFAULT_VERIFY_POLICY: Final = v.Policy(accept=0.8, retryBelow=0.6, escalateBelow=0.4)
DEFAULT_BANDS: Final = {"high": 0.8, "medium": 0.5}
MAX_USE_DEPTH: Final = 16

AGENT_INFO: Final = map_of(
    {"id": STR, "name": STR, "capabilities": list_of(STR), "expertise": ANY_NUM, "historicalConfidence": ANY_NUM}
)


# ------------------------------------------------------------------------------------------------ call bounds


@dataclass(frozen=True, slots=True)
class Unbounded:
    """Why a maximum number of agent calls is unknown."""

    kind: Literal["group", "items", "pattern"]
    pattern: str
    step: str
    detail: str
    group: str | None = None


# Not `frozen`: constructing a frozen dataclass costs one object.__setattr__ call per field, and these are built
# by the hundred per analysed pattern. Treat instances as immutable (nothing assigns to them); hashable as before.
@dataclass(slots=True, unsafe_hash=True)
class Calls:
    """A range of agent calls: [lo, hi], hi None when there is no upper bound (`causes` says why)."""

    lo: int
    hi: int | None
    causes: tuple[Unbounded, ...] = ()

    def __add__(self, other: Calls) -> Calls:
        hi = None if self.hi is None or other.hi is None else self.hi + other.hi
        return Calls(self.lo + other.lo, hi, _merge(self.causes, other.causes))

    def hull(self, other: Calls) -> Calls:
        hi = None if self.hi is None or other.hi is None else max(self.hi, other.hi)
        return Calls(min(self.lo, other.lo), hi, _merge(self.causes, other.causes))

    def times(self, count: Bound, cause: Unbounded | None = None) -> Calls:
        """These calls once per item, for a number of items in `count`."""
        lo = int(self.lo * count.lo) if math.isfinite(count.lo) else 0
        if count.hi == 0 or self.hi == 0:
            return Calls(lo, 0)
        if self.hi is None or math.isinf(count.hi):
            causes = self.causes if math.isfinite(count.hi) else (*self.causes, *((cause,) if cause else ()))
            return Calls(lo, None, _merge(causes, ()))
        return Calls(lo, int(self.hi * count.hi), self.causes)

    def __str__(self) -> str:
        return f"{self.lo}–{'∞' if self.hi is None else self.hi}"


NO_CALLS: Final = Calls(0, 0)


def _merge(a: tuple[Unbounded, ...], b: tuple[Unbounded, ...]) -> tuple[Unbounded, ...]:
    if not b and len(a) < 2:
        return a  # nothing to merge or deduplicate (almost every call)
    return tuple(dict.fromkeys((*a, *b)))


def _hull_calls(items: Iterable[Calls | None]) -> Calls | None:
    out: Calls | None = None
    for c in items:
        if c is not None:
            out = c if out is None else out.hull(c)
    return out


@dataclass(frozen=True, slots=True)
class Flow:
    """Agent calls of the runs through a block: those that end at a terminal, and those that run off its end."""

    term: Calls | None
    fall: Calls | None

    def after(self, calls: Calls) -> Flow:
        return Flow(None if self.term is None else calls + self.term, None if self.fall is None else calls + self.fall)


# ------------------------------------------------------------------------------------------------ results


@dataclass
class StepFacts:
    """What the analysis knows about one step (in one mode)."""

    step: v.Step
    conf: Bound | None = None
    detail: str = ""
    calls: Calls | None = None
    value: Val | None = None


@dataclass
class Terminal:
    step: v.Step
    kind: str
    val: Val | None


@dataclass
class RunFacts:
    """The result of one mode's analysis of one pattern."""

    steps: dict[str, StepFacts] = field(default_factory=dict)
    terminals: list[Terminal] = field(default_factory=list)
    calls: Calls = NO_CALLS
    arms: dict[str, list[bool]] = field(default_factory=dict)
    bands: dict[str, tuple[Val, Bound, Bound, list[str]]] = field(default_factory=dict)

    def hull(self, kinds: Sequence[str]) -> Bound | None:
        return hull_all(t.val.conf for t in self.terminals if t.kind in kinds and t.val is not None)

    @property
    def output_data(self) -> Data:
        return join_all(t.val.data for t in self.terminals if t.kind in ("output", "escalate") and t.val is not None)


# ------------------------------------------------------------------------------------------------ library


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run of a pattern needs that does not depend on the mode or the input: its data steps per block in
    execution order, its control steps per block in source order, and the data its declared inputs can be."""

    data_steps: dict[str | None, list[v.DataStep]]
    control_steps: dict[str | None, list[v.ControlStep]]
    input: Data

    @staticmethod
    def of(pattern: v.Pattern) -> Plan:
        data_steps: dict[str | None, list[v.DataStep]] = {}
        control_steps: dict[str | None, list[v.ControlStep]] = {}
        for step in pattern.steps:
            if isinstance(step, v.LetStep | v.AgentStep | v.UseStep):
                data_steps.setdefault(step.branch, []).append(step)
            else:
                control_steps.setdefault(step.branch, []).append(step)
        ordered = {block: _topological(steps) for block, steps in data_steps.items()}
        return Plan(ordered, control_steps, input_data(pattern))


class Library:
    """Patterns `use` can reach: those given (the file and its imports), then those of `more` (callables giving
    further patterns, called in order and only when a name is not found yet), then stdlib patterns found on disk.

    It also keeps each pattern's `Plan`, so both modes and every `use` of a pattern share one."""

    def __init__(
        self,
        patterns: Iterable[v.Pattern] = (),
        stdlib_dirs: Sequence[Path] | None = None,
        more: Iterable[Callable[[], Iterable[v.Pattern]]] = (),
    ) -> None:
        self.patterns: dict[str, v.Pattern] = {}
        for p in patterns:
            self.patterns.setdefault(p.name, p)
        self.stdlib_dirs = stdlib_dirs
        self._more = deque(more)
        self._searched: set[str] = set()
        self._plans: dict[int, tuple[v.Pattern, Plan]] = {}

    def plan(self, pattern: v.Pattern) -> Plan:
        """The pattern's plan, computed once (keyed by the pattern object, which the cache keeps alive)."""
        found = self._plans.get(id(pattern))
        if found is not None and found[0] is pattern:
            return found[1]
        plan = Plan.of(pattern)
        self._plans[id(pattern)] = (pattern, plan)
        return plan

    def resolve(self, name: str) -> v.Pattern | None:
        name = name.removeprefix("stdlib.").removeprefix("stdlib:")
        found = self.patterns.get(name)
        while found is None and self._more:
            for p in self._more.popleft()():
                self.patterns.setdefault(p.name, p)
            found = self.patterns.get(name)
        if found is not None or name in self._searched:
            return found
        self._searched.add(name)
        path = find_stdlib_file(name, self.stdlib_dirs)
        if path is not None:
            for p in load_patterns(path):
                self.patterns.setdefault(p.name, p)
        return self.patterns.get(name)


default_stdlib_dirs = stdlib_dirs  # where stdlib pattern sources live (as the runtime looks)


def load_patterns(path: Path) -> list[v.Pattern]:
    """The patterns of a file and of every file it imports (files with errors contribute nothing)."""
    from parallax_dsl.checks.loader import Workspace

    workspace = Workspace()
    workspace.load(path)
    out: list[v.Pattern] = []
    for loaded in workspace.files.values():
        module = loaded.parse.module if loaded.parse is not None else None
        if module is None:
            continue
        for p in module.patterns:
            try:
                out.append(v.from_ast(p, loaded.source.path))
            except (TypeError, ValueError):
                continue
    return out


# ------------------------------------------------------------------------------------------------ inputs


def _split_type(text: str) -> tuple[str, list[str]]:
    if "[" not in text:
        return text.strip(), []
    head, rest = text.split("[", 1)
    inner = rest.rsplit("]", 1)[0]
    args, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(inner[start:i])
            start = i + 1
    args.append(inner[start:])
    return head.strip(), [a.strip() for a in args]


def type_data(text: str) -> Data:
    """The data a value of an input type can be (run-time input validation guarantees the type)."""
    name, args = _split_type(text)
    if name == "string":
        return STR
    if name in ("number", "integer"):
        return ANY_NUM
    if name == "boolean":
        return BOOL
    if name == "list":
        return list_of(type_data(args[0]) if args else None)
    if name == "map":
        return Data(frozenset(DICT_KINDS))
    if name == "optional":
        return join(type_data(args[0]) if args else OPAQUE, NULL)
    return OPAQUE


def input_data(p: v.Pattern) -> Data:
    if not p.input_declared and not p.input:
        return OPAQUE
    fields: dict[str, Data] = {}
    for name, f in p.input.items():
        data = type_data(f.type)
        if not f.required:
            data = join(data, const(f.default))
        fields[name] = data
    return map_of(fields)


def _plain(d: Data) -> Data:
    """Data after `to_plain` (what a sub-pattern receives): NaN and infinities become null."""
    if "num" in d.kinds and (d.num is None or math.isinf(d.num.lo) or math.isinf(d.num.hi)):
        return join(d, NULL)
    return d


def short(step_id: str | None) -> str:
    """A step's name as written (`second` for `uncertain#1:1/second`)."""
    return (step_id or "?").rsplit("/", 1)[-1]


# ------------------------------------------------------------------------------------------------ environments


class Env:
    """Abstract values of steps, with the narrowing an arm's condition gives (overrides)."""

    def __init__(self, parent: Env | None = None) -> None:
        self.parent = parent
        self.values: dict[str, Val] = {}
        self.overrides: dict[str, Val] = {}

    def lookup(self, name: str) -> Val:
        env: Env | None = self
        while env is not None:
            found = env.overrides.get(name)
            if found is None:
                found = env.values.get(name)
            if found is not None:
                return found
            env = env.parent
        return Val(OPAQUE, UNIT)


# ------------------------------------------------------------------------------------------------ the analysis


class PatternRun:
    """One mode's abstract run of one pattern."""

    def __init__(
        self,
        pattern: v.Pattern,
        library: Library,
        agent_limit: int | None,
        *,
        failures: bool,
        notes: Notes | None = None,
        input_val: Val | None = None,
        depth: int = 0,
        stack: tuple[str, ...] = (),
    ) -> None:
        self.p = pattern
        self.library = library
        self.limit = agent_limit
        self.failures = failures
        self.notes = notes
        self.depth = depth
        self.stack = (*stack, pattern.name)
        self.facts = RunFacts()
        plan = library.plan(pattern)
        self.data_steps = plan.data_steps  # shared: never modified
        self.control_steps = plan.control_steps
        self.record_conf: set[str] = set()  # steps whose carried confidence is their record's `confidence`
        self.root = Env()
        self.root.values["input"] = input_val if input_val is not None else certain(plan.input, "input")

    def run(self) -> RunFacts:
        flow = self.block(self.root, None)
        total = _hull_calls([flow.term, flow.fall])
        self.facts.calls = total if total is not None else NO_CALLS
        return self.facts

    # -------------------------------------------------------------------------------------------- blocks

    def block(self, env: Env, block: str | None) -> Flow:
        calls = NO_CALLS
        for step in self.data_steps.get(block, ()):
            val, step_calls = self.data_step(env, step)
            env.values[step.id] = val
            calls = calls + step_calls
        return self.controls(env, block).after(calls)

    def controls(self, env: Env, block: str | None) -> Flow:
        """The control statements of a block in source order; `running` is the calls of the runs still going."""
        ended: Calls | None = None
        running: Calls | None = NO_CALLS
        for step in self.control_steps.get(block, []):
            if running is None:
                break  # after a statement that always ends the run (PLX302)
            if not isinstance(step, v.BranchStep):
                ended = _hull_calls([ended, running + self.terminal(env, step)])
                running = None
                break
            arms = self.branch(env, step)
            flows = [self.block(arm_env, f"{step.id}:{k}") for k, arm_env in arms if arm_env is not None]
            arm_ended = _hull_calls(f.term for f in flows)
            no_arm = [NO_CALLS] if any(e is None for _, e in arms) else []
            arm_running = _hull_calls([*(f.fall for f in flows), *no_arm])
            if arm_ended is not None:
                ended = _hull_calls([ended, running + arm_ended])
            running = None if arm_running is None else running + arm_running
        return Flow(ended, running)

    # -------------------------------------------------------------------------------------------- data steps

    def data_step(self, env: Env, step: v.DataStep) -> tuple[Val, Calls]:
        if isinstance(step, v.LetStep):
            val = Evaluator(env.lookup, step.id, self.notes).eval(step.value)
            self.facts.steps[step.id] = StepFacts(step, val.conf, "", None, val)
            return val, NO_CALLS
        if isinstance(step, v.AgentStep):
            return self.agent_step(env, step)
        return self.use_step(env, step)

    def _answers(self, group_name: str | None, step_id: str) -> Bound:
        """Confidences an agent of the group reports: its declared range, else [0, 1]; failed agents report 0."""
        group = self.p.agents.get(group_name or "")
        declared = group.confidence if group is not None else None
        b = Bound(declared[0], declared[1], step_id, step_id) if declared is not None else UNIT.with_src(step_id)
        return b.hull(ZERO.with_src(step_id)) if self.failures else b

    def _dispatch(self, step: v.AgentStep, group: v.AgentGroup | None, items_may_be_empty: bool) -> Bound:
        """How many agents the step's selection runs (after `max` and the licence's agent limit)."""
        if group is None:
            return Bound(0.0, INF)
        required = group.min if step.mode == "fanout" or items_may_be_empty else max(group.min, 1)
        hi: float = INF
        if group.max is not None:
            hi = float(group.max)
        if self.limit is not None:
            hi = min(hi, float(self.limit))
        lo = float(min(required, self.limit)) if self.limit is not None else float(required)
        return Bound(min(lo, hi), hi)

    def agent_step(self, env: Env, s: v.AgentStep) -> tuple[Val, Calls]:
        ev = Evaluator(env.lookup, s.id, self.notes)
        group = self.p.agents.get(s.group)
        local: dict[str, Val] = {}
        count: Bound | None = None
        items_desc = ""
        if s.over is not None:
            items = ev.eval(s.over.items)
            lists = items.data.without("null", "missing")
            maybe_empty = items.data.may("null", "missing") or lists.size.lo == 0 or not lists.kinds
            if "list" in lists.kinds:
                count = Bound(0.0 if maybe_empty else lists.size.lo, lists.size.hi)
                local[s.over.var] = element(lists.items, items.conf)
            else:
                count = ZERO
            items_desc = describe_expr(s.over.items)
        for arg in s.args.values():
            ev.eval(arg, local)
        policy = s.policy or self.p.policy or (DEFAULT_VERIFY_POLICY if s.verify else None)
        raw = self._answers(s.group, s.id)
        signal = raw if not s.verify else self._verify(ev, s, policy)
        answer = signal
        if (
            policy is not None
            and policy.escalateBelow is not None
            and policy.escalateTo in self.p.agents
            and signal.lo < policy.escalateBelow
        ):
            answer = answer.hull(self._answers(policy.escalateTo, s.id))  # the supervisor's answer replaces it
        candidate = Val(record(self._record_fields(raw), raw), raw)
        if s.until is not None:
            ev.eval(s.until, {**local, short(s.id): candidate, s.id: candidate})
        rec = record(self._record_fields(answer), answer)
        dispatched = self._dispatch(s, group, count is not None and count.lo == 0)
        if count is not None:
            val = Val(list_of(rec, count), ONE.with_src(s.id))
            detail = "each answer"
        elif s.mode == "fanout":
            val = Val(list_of(rec, dispatched), ONE.with_src(s.id))
            detail = "each answer"
        else:
            val = Val(rec, answer)
            detail = "the winning answer" if s.mode == "race" else ""
            self.record_conf.add(s.id)
        calls = self._agent_calls(s, group, policy, signal, dispatched, count, items_desc)
        self.facts.steps[s.id] = StepFacts(s, answer, detail, calls, val)
        return val, calls

    def _record_fields(self, conf: Bound) -> dict[str, Data]:
        error = join(STR, NULL) if self.failures else NULL
        return {
            "value": OPAQUE,
            "result": OPAQUE,
            "confidence": num_of(conf),
            "reasoning": STR,
            "error": error,
            "agent": AGENT_INFO,
        }

    def _verify(self, ev: Evaluator, s: v.AgentStep, policy: v.Policy | None) -> Bound:
        """The verified confidence: the minimum of the oracles' signals (a failed agent's signal is 0)."""
        out: Bound | None = None
        for oracle in s.verify:
            signal = UNIT.with_src(s.id)
            options = {k: ev.eval(e) for k, e in oracle.options.items()}
            if oracle.type == "command" and "score" not in options:
                ends = []
                for key, default in (("pass_confidence", 1.0), ("fail_confidence", 0.0)):
                    opt = options.get(key)
                    n = opt.data.num if opt is not None and opt.data.only("num") else None
                    ends.append(Bound.point(default) if opt is None else n.clamp01() if n is not None else UNIT)
                signal = hull_all(ends) or UNIT
                signal = Bound(signal.lo, signal.hi, s.id, s.id)
            out = signal if out is None else out.min_with(signal)
        result = out if out is not None else UNIT.with_src(s.id)
        return result.hull(ZERO.with_src(s.id)) if self.failures else result

    def _agent_calls(
        self,
        s: v.AgentStep,
        group: v.AgentGroup | None,
        policy: v.Policy | None,
        signal: Bound,
        dispatched: Bound,
        count: Bound | None,
        items_desc: str,
    ) -> Calls:
        """Agent calls of one run of the step: dispatched agents × (attempts with retries, reviewer calls, at most
        one policy retry and one escalation call)."""
        attempt = 1 + s.retries
        reviewers = 0
        if policy is not None:
            for oracle in s.verify:
                role = oracle.role or policy.escalateTo
                if oracle.type == "agent" and role is not None and role in self.p.agents:
                    reviewers += 1
        first = attempt + reviewers
        retry = 0
        escalate = 0
        if policy is not None:
            # Possible signals include 0 (a failed agent), whatever the mode: bounds hold for every run.
            r, e = policy.retryBelow, policy.escalateBelow
            floor = max(e if e is not None else 0.0, 0.0)
            if r is not None and floor < r and floor <= signal.hi:
                retry = attempt + reviewers
            if e is not None and e > 0 and policy.escalateTo in self.p.agents:
                escalate = 1
        pipeline_hi = first + retry + escalate
        extras = pipeline_hi - attempt
        unbounded: Unbounded | None = None
        if math.isinf(dispatched.hi):
            edition = "no agent limit" if self.limit is None else f"agent limit {self.limit}"
            unbounded = Unbounded(
                "group",
                self.p.name,
                s.id,
                f"`{short(s.id)}` dispatches to every agent of group `{s.group}`, which declares no `max` ({edition})",
                s.group,
            )
        n_hi = None if math.isinf(dispatched.hi) else int(dispatched.hi)
        n_lo = int(dispatched.lo)
        if s.mode == "race":
            one = Calls(
                max(n_lo, 1), None if n_hi is None else n_hi * attempt + extras, (unbounded,) if unbounded else ()
            )
        elif s.mode == "fanout" and count is None:
            one = Calls(n_lo, None if n_hi is None else n_hi * pipeline_hi, (unbounded,) if unbounded else ())
        else:
            one = Calls(1, pipeline_hi)
        if count is None:
            return one
        items_cause = Unbounded(
            "items", self.p.name, s.id, f"`{short(s.id)}` makes one call per item of `{items_desc}`"
        )
        if s.mode == "race":
            return one.times(count, items_cause)
        per_item = Calls(1, pipeline_hi)
        return per_item.times(count, items_cause)

    def use_step(self, env: Env, s: v.UseStep) -> tuple[Val, Calls]:
        ev = Evaluator(env.lookup, s.id, self.notes)
        args = {k: ev.eval(e) for k, e in s.args.items()}
        target = self.library.resolve(s.pattern)
        if target is None or target.name in self.stack or self.depth + 1 > MAX_USE_DEPTH:
            why = "its source is not available" if target is None else "it nests too deep"
            conf = UNIT.with_src(s.id)
            rec = record({"pattern": const(s.pattern), "value": OPAQUE, "confidence": num_of(conf)}, conf)
            calls = Calls(
                0,
                None,
                (Unbounded("pattern", self.p.name, s.id, f"`use {short(s.id)}`: pattern `{s.pattern}` — {why}"),),
            )
            val = Val(rec, conf)
            self.facts.steps[s.id] = StepFacts(s, conf, "unknown pattern", calls, val)
            return val, calls
        names = list(target.input)
        given: dict[str, Data] = {}
        for key, arg in args.items():
            if key.startswith("_") and key[1:].isdigit() and int(key[1:]) < len(names):
                key = names[int(key[1:])]
            given[key] = _plain(arg.data)
        if target.input_declared or target.input:
            fields: dict[str, Data] = {}
            for name, f in target.input.items():
                declared = type_data(f.type)
                default = const(f.default) if not f.required else EMPTY
                arg_data = given.get(name)
                if arg_data is None:
                    fields[name] = join(declared, default) if not f.required else declared
                else:
                    present = arg_data.without("missing")
                    data = present if present.kinds else EMPTY
                    if arg_data.may("missing"):
                        data = join(data, default if not f.required else declared)
                    fields[name] = data if data.kinds else declared
            sub_input = certain(map_of(fields), s.id)
        else:
            sub_input = certain(map_of({k: d.without("missing") for k, d in given.items()}), s.id)
        sub = PatternRun(
            target,
            self.library,
            self.limit,
            failures=self.failures,
            input_val=sub_input,
            depth=self.depth + 1,
            stack=self.stack,
        ).run()
        final = sub.hull(("output", "escalate"))
        conf = Bound(final.lo, final.hi, s.id, s.id) if final is not None else UNIT.with_src(s.id)
        self.record_conf.add(s.id)
        fields_out = {
            "pattern": const(target.name),
            "value": sub.output_data if sub.output_data.kinds else OPAQUE,
            "confidence": num_of(conf),
            "warnings": list_of(None),
        }
        if any(t.kind == "escalate" for t in sub.terminals):
            fields_out["escalation"] = join(map_of({"to": STR, "reason": STR}), MISSING)
        val = Val(record(fields_out, conf), conf)
        self.facts.steps[s.id] = StepFacts(s, conf, f"pattern {target.name}", sub.calls, val)
        return val, sub.calls

    # -------------------------------------------------------------------------------------------- control steps

    def terminal(self, env: Env, step: v.ControlStep) -> Calls:
        ev = Evaluator(env.lookup, step.id, self.notes)
        if isinstance(step, v.OutputStep):
            val = ev.eval(step.value)
            self.facts.terminals.append(Terminal(step, "output", val))
            self.facts.steps[step.id] = StepFacts(step, val.conf, "", None, val)
            return NO_CALLS
        if isinstance(step, v.FailStep):
            ev.eval(step.message)
            self.facts.terminals.append(Terminal(step, "fail", None))
            self.facts.steps[step.id] = StepFacts(step, None, "ends the run with an error")
            return NO_CALLS
        assert isinstance(step, v.EscalateStep)
        if step.reason is not None:
            ev.eval(step.reason)
        if step.to is not None and step.to != "human" and step.to in self.p.agents:
            conf = self._answers(step.to, step.id).hull(ZERO.with_src(step.id))  # no qualifying agent: unrouted
            val = Val(join(OPAQUE, NULL), conf)
            calls = Calls(0, 1)
            detail = f"to group {step.to}"
        else:
            val = Val(NULL, ZERO.with_src(step.id))
            calls = NO_CALLS
            detail = "to a human"
        self.facts.terminals.append(Terminal(step, "escalate", val))
        self.facts.steps[step.id] = StepFacts(step, val.conf, detail, calls, val)
        return calls

    def branch(self, env: Env, step: v.BranchStep) -> list[tuple[int, Env | None]]:
        """The arms that can be taken, each with its narrowed environment; (−1, None) when no arm can run."""
        ev = Evaluator(env.lookup, step.id, self.notes)
        if step.form == "uncertain":
            return self._uncertain(env, ev, step)
        taken: list[tuple[int, Env | None]] = []
        subject = ev.eval(step.subject) if step.subject is not None else None
        possible: list[bool] = []
        decided = False
        decided_by = ""
        facts: list[tuple[v.Expr, bool]] = []  # guards known to be false on the way to an arm
        for k, arm in enumerate(step.arms):
            if decided:
                possible.append(False)
                self._arm_note(step, k, False, f"{decided_by} before it always matches")
                continue
            if arm.is_else or arm.when is None:
                possible.append(True)
                self._arm_note(step, k, True, "")
                taken.append((k, self._narrow(env, step, facts)))
                decided = True
                continue
            guard = ev.eval(arm.when)
            if subject is None:
                hit = truth(guard.data)
                why = _because("its condition is always false", ev.why(arm.when) if hit is False else "")
            else:
                hit = equal(subject.data, guard.data)
                why = "its value never equals the subject"
            possible.append(hit is not False)
            # A value arm that never equals the subject is not reported (PLX504 covers guards; see docs/analysis.md).
            self._arm_note(step, k, hit is not False or subject is not None, why)
            if hit is not False:
                arm_facts = [*facts, (arm.when, True)] if subject is None else facts
                taken.append((k, self._narrow(env, step, arm_facts)))
            if subject is None:
                facts.append((arm.when, False))
            if hit is True:
                decided = True
                decided_by = _arm_label(step, k)
        if not decided:
            taken.append((-1, None))
        self.facts.arms[step.id] = possible
        live = ", ".join(str(k + 1) if not step.arms[k].is_else else "else" for k, ok in enumerate(possible) if ok)
        self.facts.steps[step.id] = StepFacts(step, None, f"arms {live}" if live else "no arm")
        return taken

    def _arm_note(self, step: v.BranchStep, k: int, taken: bool, reason: str) -> None:
        if self.notes is not None:
            arm = step.arms[k]
            self.notes.arm(arm, arm.span or step.node, step.id, _arm_label(step, k), taken, reason)

    def _uncertain(self, env: Env, ev: Evaluator, step: v.BranchStep) -> list[tuple[int, Env | None]]:
        assert step.subject is not None
        subject = ev.eval(step.subject)
        bounds = {**DEFAULT_BANDS, **(step.bands or {})}
        high, medium = Bound.point(bounds["high"]), Bound.point(bounds["medium"])
        bands = possible_bands(subject.conf, high, medium)
        own = {arm.label for arm in step.arms if arm.label in ("high", "medium", "low")}
        ranges = {
            "high": (bounds["high"], 1.0),
            "medium": (bounds["medium"], bounds["high"]),
            "low": (0.0, bounds["medium"]),
        }
        taken: list[tuple[int, Env | None]] = []
        possible: list[bool] = []
        seen: set[str] = set()
        for k, arm in enumerate(step.arms):
            if arm.is_else or arm.label == "else":
                covers = [b for b in ("high", "medium", "low") if b not in own and b not in seen]
            else:
                covers = [arm.label] if arm.label and arm.label not in seen else []
            seen.update(covers)
            live = [b for b in covers if b in bands]
            possible.append(bool(live))
            if live:
                lo = min(ranges[b][0] for b in live)
                hi = max(ranges[b][1] for b in live)
                taken.append((k, self._narrow_conf(env, step, step.subject, lo, hi)))
        if any(b not in seen for b in bands):
            taken.append((-1, None))  # a band without an arm: nothing runs, control falls through
        self.facts.arms[step.id] = possible
        self.facts.bands[step.id] = (subject, high, medium, bands)
        self.facts.steps[step.id] = StepFacts(step, subject.conf, "bands " + ", ".join(bands), None, subject)
        return taken

    # -------------------------------------------------------------------------------------------- narrowing

    def _narrow_conf(self, env: Env, step: v.BranchStep, subject: v.Expr, lo: float, hi: float) -> Env:
        child = Env(env)
        target = _conf_target(subject)
        if target is not None:
            self._narrow_target(child, target[0], target[1], lo, hi, step.id)
        return child

    def _narrow_target(self, env: Env, name: str, via_field: bool, lo: float, hi: float, src: str) -> None:
        """Narrow what a test on `confidence(name)` (or on `name.confidence`, a record's field) established. The
        carried confidence and the record's field are the same number only for agent and `use` step results."""
        current = env.lookup(name)
        same = name in self.record_conf and current.data.only("record")
        conf = current.conf
        data = current.data
        if not via_field or same:
            narrowed = conf.meet(lo, hi, src)
            if narrowed is None:
                return
            conf = narrowed
        if (via_field or same) and data.only("record"):
            rconf = data.record_conf.meet(lo, hi, src)
            if rconf is None:
                return
            fields = data.field_map()
            if fields is not None and "confidence" in fields:
                fields["confidence"] = num_of(rconf)
            data = replace(data, rconf=rconf, fields=tuple(fields.items()) if fields is not None else None)
        env.overrides[name] = Val(data, conf)

    def _narrow(self, env: Env, step: v.BranchStep, facts: Sequence[tuple[v.Expr, bool]]) -> Env:
        child = Env(env)
        for expr, holds in facts:
            self._assume(child, step, expr, holds)
        return child

    def _assume(self, env: Env, step: v.BranchStep, e: v.Expr, holds: bool) -> None:
        """Narrow `env` with what `e` being truthy (holds) or falsy tells about confidences."""
        if e.op == "not" and e.args:
            self._assume(env, step, e.args[0], not holds)
            return
        if (e.op == "and" and holds) or (e.op == "or" and not holds):
            for arg in e.args:
                self._assume(env, step, arg, holds)
            return
        if e.op not in ("<", "<=", ">", ">=") or len(e.args) != 2:
            return
        for target_side, other, op in ((e.args[0], e.args[1], e.op), (e.args[1], e.args[0], _MIRROR[e.op])):
            bound = Evaluator(env.lookup, step.id, None).eval(other).data
            if not bound.only("num") or bound.num is None:
                continue
            k = bound.num
            upper = (op in ("<", "<=")) == holds  # the target is below k (else above k)
            conf_target = _conf_target(target_side, allow_ref=False)
            if conf_target is not None:
                lo, hi = (0.0, max(0.0, k.hi)) if upper else (min(1.0, k.lo), 1.0)
                self._narrow_target(env, conf_target[0], conf_target[1], lo, hi, step.id)
            elif target_side.op == "ref" and target_side.name is not None:
                self._narrow_value(env, target_side.name, (-INF, k.hi) if upper else (k.lo, INF), step.id)

    def _narrow_value(self, env: Env, name: str, limits: tuple[float, float], src: str) -> None:
        """Narrow the numeric value of a step a comparison tested (`if mean >= 0.8` → mean ≥ 0.8 in the arm)."""
        current = env.lookup(name)
        n = current.data.num
        if not current.data.only("num") or n is None:
            return
        narrowed = n.meet(limits[0], limits[1], src)
        if narrowed is not None:
            env.overrides[name] = Val(num_of(narrowed), current.conf)


_MIRROR: Final = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _conf_target(e: v.Expr, allow_ref: bool = True) -> tuple[str, bool] | None:
    """The step whose confidence `e` tests: `x` (the subject of `uncertain x`), `confidence(x)` or
    `x.confidence` (True: the record field)."""
    if e.op == "ref" and e.name is not None:
        return (e.name, False) if allow_ref else None
    if e.op == "call" and e.name == "confidence" and len(e.args) == 1 and e.args[0].op == "ref":
        name = e.args[0].name
        return (name, False) if name is not None else None
    if e.op == "field" and e.name == "confidence" and e.args and e.args[0].op == "ref":
        name = e.args[0].name
        return (name, True) if name is not None else None
    return None


def _because(what: str, detail: str) -> str:
    return f"{what}: {detail}" if detail else what


def _arm_label(step: v.BranchStep, k: int) -> str:
    """How messages name an arm: `high`, "`else` branch of this `if`", "arm 2 of this `match`"."""
    arm = step.arms[k]
    if step.form == "uncertain":
        return arm.label or "else"
    if step.form == "match":
        return "the `else` arm of this `match`" if arm.is_else else f"arm {k + 1} of this `match`"
    if arm.is_else:
        return "the `else` branch of this `if`"
    return "the `if` branch" if k == 0 else f"the `else if` branch #{k}"


def _topological(steps: Sequence[v.DataStep]) -> list[v.DataStep]:
    """Data steps ordered so that each comes after the steps of the block it reads (source order on ties)."""
    ids = {s.id for s in steps}
    waiting = {s.id: sum(1 for d in dict.fromkeys(s.depends_on) if d in ids and d != s.id) for s in steps}
    readers: dict[str, list[v.DataStep]] = {}
    for s in steps:
        for d in dict.fromkeys(s.depends_on):
            if d in ids and d != s.id:
                readers.setdefault(d, []).append(s)
    order: list[v.DataStep] = []
    ready = deque(s for s in steps if waiting[s.id] == 0)
    done: set[str] = set()
    while ready:
        step = ready.popleft()
        order.append(step)
        done.add(step.id)
        for r in readers.get(step.id, []):
            waiting[r.id] -= 1
            if waiting[r.id] == 0:
                ready.append(r)
    order.extend(s for s in steps if s.id not in done)  # a cycle (an error the checker reports)
    return order


# ------------------------------------------------------------------------------------------------ both modes


@dataclass
class PatternAnalysis:
    """Both modes of one pattern, plus the notes the diagnostics read."""

    pattern: v.Pattern
    agent_limit: int | None
    answered: RunFacts
    failures: RunFacts
    notes: Notes

    @property
    def calls(self) -> Calls:
        return self.failures.calls

    def output(self, mode: str = "answered") -> Bound | None:
        facts = self.answered if mode == "answered" else self.failures
        return facts.hull(("output",))

    def final(self, mode: str = "answered") -> Bound | None:
        facts = self.answered if mode == "answered" else self.failures
        return facts.hull(("output", "escalate"))


def analyse_pattern(
    pattern: v.Pattern,
    library: Library | None = None,
    agent_limit: int | None = None,
    input_val: Val | None = None,
    *,
    answered: bool = True,
) -> PatternAnalysis:
    """Analyse one pattern (its `use`s resolved in `library`) under an agent limit (None: no licence limit).

    `answered=False` skips the mode in which every agent answers (the diagnostics need only the other one);
    `PatternAnalysis.answered` is then the failures mode's facts."""
    lib = library if library is not None else Library([pattern])
    notes = Notes()
    failures = PatternRun(pattern, lib, agent_limit, failures=True, notes=notes, input_val=input_val).run()
    facts = PatternRun(pattern, lib, agent_limit, failures=False, input_val=input_val).run() if answered else failures
    return PatternAnalysis(pattern, agent_limit, facts, failures, notes)


def analyse_patterns(
    patterns: Sequence[v.Pattern], library: Iterable[v.Pattern] = (), agent_limit: int | None = None
) -> list[PatternAnalysis]:
    lib = Library([*patterns, *library])
    return [analyse_pattern(p, lib, agent_limit) for p in patterns]


__all__ = [
    "Calls",
    "Env",
    "Library",
    "PatternAnalysis",
    "RunFacts",
    "StepFacts",
    "Terminal",
    "Unbounded",
    "analyse_pattern",
    "analyse_patterns",
    "find_stdlib_file",
    "input_data",
    "short",
    "type_data",
]
