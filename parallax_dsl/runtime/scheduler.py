"""The asyncio scheduler: runs a compiled pattern's steps, calls agents, applies confidence policies.

Execution model (docs/runtime.md has the long form):

* Data steps (`let`, agent steps, `use`) of a block are activated together; each starts as soon as its
  `depends_on` steps are complete (a ready queue with dependency counts — never layer by layer).
* Control steps (`uncertain`/`match`/`if`, `output`, `escalate`, `fail`) of a block run one after another in
  source order. A terminal ends the run; a branch runs the chosen arm's block (activating its data steps — steps of
  arms not taken never run) and, if that arm did not end the run, control continues after the branch.
* The run completes only when every activated step has settled, so results never depend on timing.
* Agent calls go through an `Executor`; failures, timeouts and malformed answers become failed result records.
"""

from __future__ import annotations

import asyncio
import gc
import math
import operator
import time
from collections import deque
from collections.abc import Callable, Container, Coroutine, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import CoroutineType
from typing import Any, Final, Literal

from parallax_dsl.confidence import UNDEFINED, Confident, band, clamp01, is_truthy
from parallax_dsl.confidence.js import is_number, to_number, to_string
from parallax_dsl.ir import model as ir
from parallax_dsl.license import LicenseInfo, LimitCounter, detect_license, enforce_agent_limit
from parallax_dsl.runtime.agents import (
    Agent,
    FunctionAgent,
    Recorder,
    Task,
    agent_info,
    coerce_agent,
    task_text,
)
from parallax_dsl.runtime.errors import (
    CANCELLED,
    EXPRESSION_ERROR,
    INTERNAL_ERROR,
    NO_RESULT,
    NOT_ENOUGH_AGENTS,
    PATTERN_FAILED,
    RUN_TIMEOUT,
    UNKNOWN_PATTERN,
    PlxRuntimeError,
)
from parallax_dsl.runtime.executor import Executor, LocalExecutor, accepts_stateful, open_executor
from parallax_dsl.runtime.history import DecisionJournal, HistoryOptions, open_journal, record_run
from parallax_dsl.runtime.inputs import validate_input
from parallax_dsl.runtime.interpreter import Interpreter
from parallax_dsl.runtime.library import PatternLibrary, compile_with_imports
from parallax_dsl.runtime.policy import (
    DEFAULT_COMMAND_TIMEOUT_MS,
    DEFAULT_POLICY,
    REVIEW_PROTOCOL,
    OracleResult,
    js_to_fixed,
    parse_review_verdict,
    run_command_oracle,
)
from parallax_dsl.runtime.values import confident, deep_equal, dumps, element, js_number_to_string, to_plain
from parallax_dsl.runtime.watchdog import Watch, Watchdog

DEFAULT_AGENT_TIMEOUT: Final = 60.0  # seconds
MAX_USE_DEPTH: Final = 16
FAILED_REASONING: Final = "Agent failed to respond"
_NO_VALUE: Final = object()
_PRIMITIVES: Final = frozenset({str, int, bool, type(None)})
_AGENT_ID: Final = operator.attrgetter("id")

Status = Literal["ok", "escalated", "failed"]
EventHook = Callable[[dict[str, Any]], None]


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class RunError:
    """Why a run failed: a stable code (errors.ERROR_CODES), a message and the step that failed, if any."""

    code: str
    message: str
    step: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.step is not None:
            out["step"] = self.step
        return out


@dataclass
class RunResult:
    """The outcome of a run. `value` is plain JSON-ready data (missing entries dropped, NaN → None).

    A result returned by `run()` builds its `trace` when it is first read (or the result is compared, copied,
    pickled or printed), from the run's records as they are then; reading it gives the same list every time."""

    pattern: str
    status: Status
    value: Any = None
    confidence: float = 0.0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    trace: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    escalation: dict[str, Any] | None = None
    error: RunError | None = None

    @property
    def ok(self) -> bool:
        """True unless the run failed (an escalation is a successful run)."""
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """The `plxc run --format json` object: {value, confidence, warnings, trace, metrics[, escalation]} or,
        for a failed run, {error: {code, message}}."""
        if self.error is not None:
            return {"error": {"code": self.error.code, "message": self.error.message}}
        out: dict[str, Any] = {
            "value": self.value,
            "confidence": self.confidence,
            "warnings": self.warnings,
            "trace": self.trace,
            "metrics": self.metrics,
        }
        if self.escalation is not None:
            out["escalation"] = self.escalation
        return out

    def to_json_text(self, indent: int | None = 2) -> str:
        """`to_json()` as JSON text, numbers printed as JavaScript prints them; byte-stable."""
        return dumps(self.to_json(), indent=indent)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and copied with its trace built (see `_trace_later`)."""
        self.trace  # noqa: B018 - builds a deferred trace
        return self.__dict__


def _get_trace(result: RunResult) -> list[dict[str, Any]]:
    found = result.__dict__
    trace: list[dict[str, Any]] | None = found.get("trace")
    if trace is None:
        build: Callable[[], list[dict[str, Any]]] = found.pop("_build_trace")
        with _collector_paused():  # thousands of acyclic dicts and lists, built at once
            trace = found["trace"] = build()
    return trace


def _set_trace(result: RunResult, trace: list[dict[str, Any]]) -> None:
    found = result.__dict__
    found.pop("_build_trace", None)
    found["trace"] = trace


# `RunResult.trace` reads and writes the instance's "trace" entry, as a plain field does; a result made by the
# scheduler defers building it until it is first read (`_trace_later`).
setattr(RunResult, "trace", property(_get_trace, _set_trace, doc="The run's trace."))  # noqa: B010 - mypy: a field


def _trace_later(result: RunResult, build: Callable[[], list[dict[str, Any]]]) -> RunResult:
    """`result` with its trace left to `build()` until `result.trace` is first read (or the result is copied)."""
    found = result.__dict__
    del found["trace"]
    found["_build_trace"] = build
    return result


# ------------------------------------------------------------------------------------------------ internals


@dataclass(slots=True)
class CallOutcome:
    """One agent's final answer at a step: the record expressions see, plus what the trace shows."""

    agent: Agent
    record: dict[str, Any]
    ok: bool
    timestamp: float = 0
    attempts: int = 1
    status: str = "ok"  # ok | failed | cancelled
    policy: dict[str, Any] | None = None

    @property
    def confidence(self) -> float:
        c: float = self.record["confidence"]
        return c

    def trace_json(self) -> dict[str, Any]:
        out = _answer_json(self.record, self.timestamp)
        if self.attempts > 1:
            out["attempts"] = self.attempts
        if self.status != "ok":
            out["status"] = self.status
        if self.policy is not None:
            out["policy"] = self.policy
        return out


def _answer_json(rec: dict[str, Any], timestamp: Any) -> dict[str, Any]:
    """A trace result entry's agent and answer, from the answer's record: all of it for a plain answer."""
    a = rec["agent"]
    out = {
        "agentId": a["id"],
        "agentName": a["name"],
        "capabilities": a["capabilities"],
        "expertise": a["expertise"],
        "result": rec["value"],
        "confidence": rec["confidence"],
        "reasoning": rec["reasoning"],
    }
    if rec["error"] is not None:
        out["error"] = rec["error"]
    out["timestamp"] = timestamp
    return out


_Pending = tuple[Any, Any, float]  # an attempt left waiting: (the call, what it waits for or _NO_VALUE, started)
# _begin: (outcome — or the bare record of a well-formed answer, see _record — or None, pending or None, recorder slot)
_Begun = tuple[CallOutcome | dict[str, Any] | None, _Pending | None, int]


def _reasoning(given: Any) -> Any:
    """The record's `reasoning` when the agent gave no string: missing when it gave none (as the upstream's
    `reasoning: result.reasoning` is undefined), else the value printed."""
    return UNDEFINED if given is None or given is UNDEFINED else str(given)


def _cancelled_outcome(agent: Agent, info: dict[str, Any]) -> CallOutcome:
    record = {"value": None, "result": None, "confidence": 0.0, "reasoning": "", "error": "cancelled", "agent": info}
    return CallOutcome(agent, record, False, status="cancelled")


@dataclass
class _Terminal:
    step: ir.Step
    value: Any
    confidence: float
    escalation: dict[str, Any] | None = None
    error: PlxRuntimeError | None = None
    agent: str | None = None


class _Aborted(Exception):
    """Control flow reached a step whose dependency failed."""


class _Resume:
    """Awaiting it finishes a coroutine that was run by hand up to its first wait (`coro.send(None)` gave `first`,
    what it waits for), in the awaiting task, exactly as `await coro` would have continued from there (PEP 380's
    `yield from`: values sent and exceptions thrown in — cancellation included — are passed on)."""

    __slots__ = ("coro", "first")

    def __init__(self, coro: Coroutine[Any, Any, Any], first: Any) -> None:
        self.coro = coro
        self.first = first

    def __await__(self) -> Generator[Any, Any, Any]:
        coro = self.coro
        value = self.first
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:
                try:
                    value = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = coro.send(sent)
                except StopIteration as stop:
                    return stop.value


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic GC paused while the scheduler builds many long-lived, acyclic containers at once (a pattern's plan,
    a RunResult), and left as it was found. Not `syntax.gcpause.gc_paused`: importing it imports the parser and Lark,
    which running a compiled pattern does not need. Mixed with that one in another thread, the collector may come
    back early for one of them, but is never left off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _unretrieved(task: asyncio.Task[None]) -> bool:
    """A finished task whose exception nobody has looked at yet (gathering it marks it retrieved)."""
    return task.done() and not task.cancelled() and task.exception() is not None


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1000.0


def _fmt_seconds(s: float | None) -> str:
    return "no limit" if s is None else f"{s:g} s"


def _name_of(step_id: str) -> str:
    return step_id.rsplit("/", 1)[-1]


def _result_text(value: Any) -> str:
    return value if isinstance(value, str) else dumps(value, indent=2)


# ------------------------------------------------------------------------------------------------ per-pattern plan


class _Slow(Exception):
    """A fast argument getter met a case it does not handle; the interpreter evaluates the expression instead."""


_Getter = Callable[[Mapping[str, Confident], Mapping[str, Any]], Any]


def _fast_getter(e: ir.Expr, answer_steps: Container[str] = ()) -> _Getter | None:
    """A function giving exactly `Interpreter().evaluate(e, values).value` — the value only: agent arguments are
    sent as plain data, their confidence is not used — for the shapes agent arguments usually have: literals,
    `name`, `name.field`, and lists and maps of those. It raises `_Slow` whenever the interpreter would take
    another path than the plain lookup (a name without a value, a container that is not a map, a missing field),
    and the caller then evaluates `e` with the interpreter. None for any other expression.

    Its second argument is the run's `answers`: for each done `step` (one agent, no `for`), the value of its
    result record — `values[s].value["value"]`, the very same object — so that `s.value` and `s.result` of the
    steps in `answer_steps` are read with one lookup instead of three (a list of such reads in one C call)."""
    op = e.op
    if op == "lit":
        literal = e.value
        return lambda values, answers: literal
    if op == "ref" and e.name:
        ref_name = e.name

        def ref(values: Mapping[str, Confident], answers: Mapping[str, Any]) -> Any:
            found = values.get(ref_name)
            if found is None:
                raise _Slow
            return found.value

        return ref
    if op == "field" and isinstance(e.name, str) and len(e.args) == 1 and e.args[0].op == "ref" and e.args[0].name:
        name, key, answer = e.args[0].name, e.name, _is_answer_read(e, answer_steps)

        def field(values: Mapping[str, Confident], answers: Mapping[str, Any]) -> Any:
            if answer:
                item = answers.get(name, _NO_VALUE)
                if item is not _NO_VALUE:
                    return item
            found = values.get(name)
            if found is not None:
                container = found.value
                if type(container) is dict:
                    item = container.get(key, _NO_VALUE)
                    if item is not _NO_VALUE:
                        return item
            raise _Slow

        return field
    if op == "list":
        if e.args and all(a.op == "field" and _fast_getter(a) is not None for a in e.args):
            # `[a.x, b.y]`: one loop, no call per item
            reads = tuple((a.args[0].name or "", a.name or "", _is_answer_read(a, answer_steps)) for a in e.args)
            if len(reads) > 1 and all(answer for _, _, answer in reads):
                pick = operator.itemgetter(*(name for name, _, _ in reads))  # a tuple of the answers, in C

                def answers_of(values: Mapping[str, Confident], answers: Mapping[str, Any]) -> Any:
                    try:
                        return list(pick(answers))
                    except KeyError:  # one of them is not a done `step`: the general way
                        return _read_fields(values, answers, reads)

                return answers_of
            return lambda values, answers: _read_fields(values, answers, reads)
        items = [_fast_getter(a, answer_steps) for a in e.args]
        if all(g is not None for g in items):
            getters = tuple(g for g in items if g is not None)
            return lambda values, answers: [g(values, answers) for g in getters]
    if op == "map" and e.keys is not None and len(e.keys) == len(e.args):
        entries = [(k, _fast_getter(a, answer_steps)) for k, a in zip(e.keys, e.args, strict=True)]
        if all(g is not None for _, g in entries):
            pairs = tuple((k, g) for k, g in entries if g is not None)
            return lambda values, answers: {k: g(values, answers) for k, g in pairs}
    return None


def _is_answer_read(e: ir.Expr, answer_steps: Container[str]) -> bool:
    return e.name in ("value", "result") and e.args[0].name in answer_steps


def _read_fields(
    values: Mapping[str, Confident], answers: Mapping[str, Any], reads: Iterable[tuple[str, str, bool]]
) -> list[Any]:
    """`[values[name].value[key] for …]` for maps that have the key, else _Slow (see _fast_getter)."""
    out = []
    for name, key, answer in reads:
        if answer:
            item = answers.get(name, _NO_VALUE)
            if item is not _NO_VALUE:
                out.append(item)
                continue
        found = values.get(name)
        if found is None:
            raise _Slow
        container = found.value
        if type(container) is not dict:
            raise _Slow
        item = container.get(key, _NO_VALUE)
        if item is _NO_VALUE:
            raise _Slow
        out.append(item)
    return out


class _Plan:
    """What a run needs to know about its pattern's steps, computed once per compiled pattern and shared by every
    run of it (compiled patterns are not modified once compiled): steps by id, source order, data and control
    steps per block, and per agent step its arguments with their fast getters.

    Dependencies between data steps of the same block are resolved here once: a block is activated at most once
    per run, all its data steps together, so when it is, a dependency on an earlier step of the same block is
    always pending. `activation[block]` lists each data step with its dependencies (`input` left out) flagged
    same-block or not, how many are same-block, the others, and its counter. `dependents[step]` lists the
    same-block steps depending on it in source order — the order in which activation registered them as waiters
    before — for failures to skip them.

    Completions count down *counters*, not steps: steps of a block whose dependencies are all in the block and
    identical (the same list) share one counter — named after the first of them, `members[counter]` in source
    order — since they become ready at the same moment; `groups[step]` lists the counters a step's completion
    counts down (with repeats, as dependencies may repeat). A step with a dependency outside its block has a
    counter of its own. Releasing steps in source order then queues them exactly as counting each step did.

    A block none of whose data steps depends on a step outside it (the top level, typically) is activated
    `at_once`: its steps' states, its counters' counts and its steps without dependencies, ready in source order —
    what activating them one by one gives, since nothing in such a block can have failed yet."""

    __slots__ = (
        "activation",
        "agent_plans",
        "answer_steps",
        "at_once",
        "control_steps",
        "data_steps",
        "dependents",
        "groups",
        "members",
        "order",
        "pattern",
        "ranges",
        "steps",
        "trace_rows",
    )

    def __init__(self, pattern: ir.CompiledPattern) -> None:
        self.pattern = pattern
        self.steps: dict[str, ir.Step] = {}
        self.order: dict[str, int] = {}
        self.data_steps: dict[str | None, list[ir.Step]] = {}
        self.control_steps: dict[str | None, list[ir.Step]] = {}
        self.agent_plans: dict[str, _AgentPlan] = {}
        self.activation: dict[
            str | None, list[tuple[ir.Step, tuple[tuple[str, bool], ...], int, tuple[str, ...], str]]
        ] = {}
        self.dependents: dict[str, list[str]] = {}
        self.groups: dict[str, list[str]] = {}
        self.members: dict[str, list[ir.Step]] = {}
        self.at_once: dict[str | None, tuple[dict[str, str], dict[str, int], list[ir.Step]]] = {}
        # groups declaring the range of confidences their agents report (`confidence lo..hi`)
        self.ranges = {name: g.confidence for name, g in pattern.agents.items() if g.confidence is not None}
        for index, step in enumerate(pattern.steps):
            self.steps[step.id] = step
            self.order[step.id] = index
            if step.kind in ("let", "agent", "use"):
                self.data_steps.setdefault(step.branch, []).append(step)
            else:
                self.control_steps.setdefault(step.branch, []).append(step)
        self.answer_steps = frozenset(
            s.id for s in pattern.steps if isinstance(s, ir.AgentStep) and s.mode == "single" and s.over is None
        )
        for block, steps in self.data_steps.items():
            seen: set[str] = set()
            shared: dict[tuple[str, ...], str] = {}  # dependency list -> counter, for same-block-only steps
            entries = self.activation[block] = []
            for step in steps:
                deps = tuple((dep, dep in seen) for dep in step.depends_on if dep != "input")
                for dep, inner in deps:
                    if inner:
                        self.dependents.setdefault(dep, []).append(step.id)
                outer = tuple(dep for dep, inner in deps if not inner)
                names = tuple(dep for dep, _ in deps)
                counter = shared.get(names) if deps and not outer else None
                if counter is None:
                    counter = step.id
                    if deps and not outer:
                        shared[names] = counter
                    self.members[counter] = []
                    for dep, inner in deps:
                        if inner:
                            self.groups.setdefault(dep, []).append(counter)
                self.members[counter].append(step)
                entries.append((step, deps, len(deps) - len(outer), outer, counter))
                seen.add(step.id)
            if not any(outer for _, _, _, outer, _ in entries):
                self.at_once[block] = (
                    {step.id: "waiting" for step in steps},
                    {counter: inner for _, deps, inner, _, counter in entries if deps},
                    [step for step, deps, _, _, _ in entries if not deps],
                )
        # Per step, for Run._trace: (id, step, for agent steps the first keys of their trace entry, else None).
        self.trace_rows: list[tuple[str, ir.Step, dict[str, Any] | None]] = []
        for step in pattern.steps:
            head: dict[str, Any] | None = None
            if isinstance(step, ir.AgentStep):
                self.agent_plan(step)
                head = {
                    "step": step.id,
                    "kind": step.kind,
                    "mode": step.mode,
                    "group": step.group,
                    "action": step.action,
                }
            self.trace_rows.append((step.id, step, head))

    def args_of(self, step: ir.AgentStep) -> list[tuple[str, ir.Expr, _Getter | None, bool]]:
        """(name, expression, fast getter or None, whether what the getter gives is already plain data)."""
        return self.agent_plan(step).args

    def _plain_read(self, e: ir.Expr) -> bool:
        """True when `e` reads only the answer of agent or `use` steps (`s.value`, `s.result`), or lists / maps of
        such reads: a record's value went through `to_plain` when the record was made, so it is plain data and
        `to_plain` would give it back unchanged (it is idempotent)."""
        if e.op == "field" and e.name in ("value", "result") and len(e.args) == 1 and e.args[0].op == "ref":
            step = self.steps.get(e.args[0].name or "")
            return step is not None and (step.kind == "agent" or (step.kind == "use" and e.name == "value"))
        if e.op in ("list", "map"):
            return all(self._plain_read(a) for a in e.args)
        return False

    def agent_plan(self, step: ir.AgentStep) -> _AgentPlan:
        found = self.agent_plans.get(step.id)
        if found is None:
            args = [
                (key, expr, _fast_getter(expr, self.answer_steps), self._plain_read(expr))
                for key, expr in step.args.items()
            ]
            found = self.agent_plans[step.id] = _AgentPlan(self.pattern, step, args)
        return found


class _AgentPlan:
    """What an agent step needs that does not change between runs: its group's `min`, its call timeout
    (`has_timeout` False: the run's agent timeout applies), its confidence policy, its arguments (see
    `_Plan.args_of`), and whether it is `simple`: one call of one agent (`step`, no `for`) without a policy, which
    `_single_now` runs without a coroutine of its own."""

    __slots__ = ("args", "has_timeout", "minimum", "policy", "simple", "timeout")

    def __init__(
        self,
        pattern: ir.CompiledPattern,
        step: ir.AgentStep,
        args: list[tuple[str, ir.Expr, _Getter | None, bool]],
    ) -> None:
        self.args = args
        group = pattern.agents.get(step.group)
        self.minimum = group.min if group is not None else 0
        self.has_timeout = True
        self.timeout: float | None
        if step.timeout is not None:
            self.timeout = _seconds(step.timeout)
        elif group is not None and group.taskTimeout is not None:
            self.timeout = _seconds(group.taskTimeout)
        else:
            self.has_timeout = False
            self.timeout = None
        policy = step.policy or pattern.policy
        self.policy: ir.Policy | None = DEFAULT_POLICY if policy is None and step.verify else policy
        self.simple = step.mode == "single" and step.over is None and self.policy is None


_PLANS: dict[int, _Plan] = {}
_MAX_PLANS: Final = 64


def _plan_of(pattern: ir.CompiledPattern) -> _Plan:
    """The pattern's plan (a small cache by identity, holding the patterns it describes)."""
    plan = _PLANS.get(id(pattern))
    if plan is None or plan.pattern is not pattern:
        if len(_PLANS) >= _MAX_PLANS:
            del _PLANS[next(iter(_PLANS))]
        with _collector_paused():  # a few containers and closures per step, none of them garbage (see _Plan)
            plan = _PLANS[id(pattern)] = _Plan(pattern)
    return plan


class Run:
    """One execution of one pattern (a `use` step runs a nested Run sharing agents, executor and licence)."""

    def __init__(
        self,
        pattern: ir.CompiledPattern,
        input_value: Any,
        agents: Sequence[Agent],
        *,
        executor: Executor,
        license: LicenseInfo,
        counter: LimitCounter,
        library: PatternLibrary,
        agent_timeout: float | None = DEFAULT_AGENT_TIMEOUT,
        timeout: float | None = None,
        recorder: Recorder | None = None,
        on_event: EventHook | None = None,
        timings: bool = False,
        depth: int = 0,
        watchdog: Watchdog | None = None,
        journal: DecisionJournal | None = None,
    ) -> None:
        self.pattern = pattern
        self.journal = journal
        self.agents = list(agents)
        self.executor = executor
        self.local = type(executor) is LocalExecutor  # exactly the local executor: agents are awaited directly
        self.pass_stateful = not self.local and accepts_stateful(executor)
        self.license = license
        self.counter = counter
        self.library = library
        self.agent_timeout = agent_timeout
        self.timeout = timeout
        self.recorder = recorder
        self.on_event = on_event
        self.timings = timings
        self.depth = depth
        self.interp = Interpreter()
        self.watchdog = watchdog if watchdog is not None else Watchdog()
        # nothing to do when an attempt is over but set the record's timestamp (see _answered)
        self.quiet = not timings and recorder is None and on_event is None

        plan = self.plan = _plan_of(pattern)
        self.steps = plan.steps
        self.order = plan.order
        self.data_steps = plan.data_steps
        self.control_steps = plan.control_steps
        self.dependents = plan.dependents
        self.groups = plan.groups
        self.members = plan.members
        self.ranges = plan.ranges

        self.values: dict[str, Confident] = {"input": Confident(input_value, 1.0)}
        self.answers: dict[str, Any] = {}  # done `step`s (one agent, no `for`): values[s].value["value"]
        self.state: dict[str, str] = {}
        self.errors: dict[str, PlxRuntimeError] = {}
        self.skipped_because: dict[str, str] = {}
        self.remaining: dict[str, int] = {}
        self.waiters: dict[str, list[str]] = {}
        self.futures: dict[str, asyncio.Future[None]] = {}
        self.ready: deque[ir.Step] = deque()
        self.startable: deque[ir.Step] = deque()  # running, not started yet: see _drain and _run_data_steps
        self.starter_pending = False  # a task for `startable` has been created and has not started yet
        self.tasks: list[asyncio.Task[None]] = []  # may hold finished tasks too (see _spawn)
        self.running = 0  # tasks of `tasks` that have not returned (see _cancel_all)
        self.prune_at = 1024
        self.loop: asyncio.AbstractEventLoop | None = None
        self.unsettled = 0
        self.settled_future: asyncio.Future[None] | None = None
        self._draining = False

        self.calls: dict[str, list[CallOutcome]] = {}
        self.outcomes: dict[str, CallOutcome] = {}  # the one call of a `step` (one agent, no `for`): not in `calls`
        # ... or, for a step that _single_now finished with a well-formed answer, (agent, record) here instead
        self.answered: dict[str, tuple[Agent, dict[str, Any]]] = {}
        self.reviews: dict[str, list[CallOutcome]] = {}
        self.step_info: dict[str, dict[str, Any]] = {}
        self.selected: dict[str, list[Agent]] = {}
        self.step_warnings: dict[str, list[dict[str, Any]]] = {}
        self.sub_traces: dict[str, list[dict[str, Any]]] = {}
        self.control_trace: dict[str, dict[str, Any]] = {}
        self.started: dict[str, float] = {}
        self.durations: dict[str, float] = {}
        self.candidates_cache: dict[str, tuple[list[Agent], int]] = {}
        self.single_selection: dict[str, list[Agent]] = {}  # per group: the agent a `step` runs
        self.info_cache: dict[str, dict[str, Any]] = {}
        self.metrics: dict[str, int] = {
            "agentCalls": 0,
            "agentFailures": 0,
            "retries": 0,
            "cancelled": 0,
            "policyRetries": 0,
            "policyEscalations": 0,
            "agentLimitHits": 0,
        }

    # -------------------------------------------------------------------------------------------- events

    def _emit(self, event: str, **fields: Any) -> None:
        hook = self.on_event
        if hook is not None:
            fields["event"] = event
            fields["pattern"] = self.pattern.name
            fields["depth"] = self.depth
            hook(fields)

    def _warn(self, step_id: str, warning: dict[str, Any]) -> None:
        bucket = self.step_warnings.setdefault(step_id, [])
        if warning not in bucket:
            bucket.append(warning)

    # -------------------------------------------------------------------------------------------- activation

    def _activate(self, block: str | None) -> None:
        at_once = self.plan.at_once.get(block)
        if at_once is not None:
            waiting, counts, roots = at_once
            self.unsettled += len(waiting)
            self.state.update(waiting)
            self.remaining.update(counts)
            self.ready.extend(roots)
            self._drain()
            return
        state = self.state
        remaining = self.remaining
        clean = True  # no data step of this block has failed or been skipped yet: its same-block deps are pending
        for step, deps, inner_count, outer, counter in self.plan.activation.get(block, ()):
            sid = step.id
            self.unsettled += 1
            state[sid] = "waiting"
            if clean:
                # Same-block dependencies cannot block and are counted at once; the others are looked at in order.
                blocked, count = self._outer_deps(sid, outer) if outer else (None, 0)
                count += inner_count
            else:
                blocked, count = self._all_deps(sid, deps)
            # Steps sharing a counter have the same dependencies, whose states do not change during activation:
            # each of them sets the counter to the same value.
            if blocked is None:
                if count == 0:  # nothing will count it down: no entry in `remaining`
                    self.ready.append(step)
                else:
                    remaining[counter] = count
            else:
                remaining[counter] = -1  # never released (completions only count it down)
                if blocked:
                    self._skip(sid, blocked)
            if state[sid] != "waiting":
                clean = False
        self._drain()

    def _outer_deps(self, sid: str, deps: Iterable[str]) -> tuple[str | None, int]:
        """(the dependency that blocks `sid` — "" after an internal error — or None, how many are pending) for
        dependencies outside its block, registering `sid` as a waiter of the pending ones."""
        state = self.state
        count = 0
        for dep in deps:
            st = state.get(dep)
            if st == "done":
                continue
            if st == "failed" or st == "skipped":
                return dep, count
            if st is None:
                self._fail(sid, PlxRuntimeError(INTERNAL_ERROR, f"`{sid}` depends on `{dep}`, which never ran"))
                return "", count
            count += 1
            self.waiters.setdefault(dep, []).append(sid)
        return None, count

    def _all_deps(self, sid: str, deps: Iterable[tuple[str, bool]]) -> tuple[str | None, int]:
        """`_outer_deps` for every dependency, same-block ones included (when one of them may have failed)."""
        state = self.state
        count = 0
        for dep, inner in deps:
            if inner:  # an earlier step of this block: it releases `sid` through plan.dependents
                if state[dep] != "waiting":
                    return dep, count
                count += 1
                continue
            blocked, pending = self._outer_deps(sid, (dep,))
            if blocked is not None:
                return blocked, count
            count += pending
        return None, count

    def _released(self, sid: str) -> list[str]:
        """The steps waiting for `sid`: its same-block dependents, then those of blocks activated later."""
        static = self.dependents.get(sid)
        dynamic = self.waiters.pop(sid, None)
        if dynamic is None:
            return static or []
        return dynamic if static is None else [*static, *dynamic]

    def _drain(self, take: bool = False) -> ir.Step | None:
        """Start every ready step: `let`s are evaluated on the spot, agent and `use` steps are queued in
        `startable`, for a task of `_run_data_steps` to run. With `take` (the caller is such a task, and has just
        finished a step), the first agent/`use` step is returned instead, for the caller to run next: a chain of
        steps then runs in one task, as it did when each ready step had a task of its own and the caller kept the
        first. Without `take`, a task is started for `startable` unless one is already on its way."""
        if self._draining:
            return None
        self._draining = True
        kept: ir.Step | None = None
        ready = self.ready
        state = self.state
        startable = self.startable
        try:
            while ready:
                step = ready.popleft()
                sid = step.id
                if state.get(sid) != "waiting":
                    continue
                state[sid] = "running"
                if self.on_event is not None:
                    self._emit("step_started", step=sid, kind=step.kind)
                if self.timings:
                    self.started[sid] = time.perf_counter()
                if isinstance(step, ir.LetStep):
                    try:
                        value = self.interp.evaluate(step.value, self.values)
                    except PlxRuntimeError as exc:
                        self._fail(sid, exc)
                    else:
                        self._done(sid, value)
                elif take and kept is None:
                    kept = step
                else:
                    startable.append(step)
        finally:
            self._draining = False
        if not take:
            self._hand_on()
        return kept

    def _hand_on(self) -> None:
        """Start a task for the steps in `startable`, if there are any and no such task is on its way."""
        if self.startable and not self.starter_pending:
            self._spawn()

    def _spawn(self) -> None:
        """A task that runs the steps in `startable` (see _run_data_steps). Finished tasks are not removed one by
        one: the list is pruned when it has doubled, and _cancel_all skips the finished ones."""
        tasks = self.tasks
        if len(tasks) >= self.prune_at:
            tasks[:] = [t for t in tasks if not t.done() or _unretrieved(t)]
            self.prune_at = max(1024, 2 * len(tasks))
        loop = self.loop
        if loop is None:
            loop = self.loop = asyncio.get_running_loop()
        self.starter_pending = True
        tasks.append(loop.create_task(self._run_data_steps()))
        self.running += 1

    async def _run_data_steps(self) -> None:
        """Run data steps one after another in this task: the first of `startable`, then the next ready step its
        completion released (see _drain's `take`), else the next of `startable`, and so on. A step keeps the task
        while it waits (its agent's timeout, `current_task()` and cancellation are this task's); before it waits,
        the steps still in `startable` are handed to a new task, so that no step waits behind another."""
        self.starter_pending = False
        agent_plans = self.plan.agent_plans
        startable = self.startable
        step = startable.popleft() if startable else None
        while step is not None:
            try:
                value: Confident
                sp = agent_plans.get(step.id)
                if sp is not None and sp.simple:
                    assert isinstance(step, ir.AgentStep)
                    now, rest = self._single_now(step, sp)
                    if now is None:
                        assert rest is not None
                        self._hand_on()
                        now = await self._single_rest(step, *rest)
                    value = now
                else:
                    if isinstance(step, ir.AgentStep):
                        coro = self._agent_step(step)
                    elif isinstance(step, ir.UseStep):
                        coro = self._use_step(step)
                    else:  # pragma: no cover - only data steps are scheduled here
                        raise PlxRuntimeError(INTERNAL_ERROR, f"cannot run step kind {step.kind}")
                    started = self._started(coro)
                    value = await started if isinstance(started, _Resume) else started
            except PlxRuntimeError as exc:
                self._fail(step.id, exc)
            except Exception as exc:
                self._fail(step.id, PlxRuntimeError(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}"))
            else:
                self._done(step.id, value)
            step = self._drain(take=True) if self.ready else None  # nothing ready: _drain would return None
            if step is None and startable:
                step = startable.popleft()
        self.running -= 1  # the task returns now, without an exception to retrieve

    def _started(self, coro: Coroutine[Any, Any, Confident]) -> _Resume | Confident:
        """Run a step's coroutine up to its first wait; if it has to wait, hand `startable` to a new task first and
        give back what finishes it in this task, else give back its value."""
        try:
            first = coro.send(None)
        except StopIteration as stop:
            value: Confident = stop.value
            return value
        self._hand_on()
        return _Resume(coro, first)

    def _settle(self, sid: str) -> None:
        if self.timings and sid in self.started:
            self.durations[sid] = (time.perf_counter() - self.started[sid]) * 1000
        if self.futures:
            future = self.futures.get(sid)
            if future is not None and not future.done():
                future.set_result(None)
        self.unsettled -= 1
        if self.unsettled == 0 and self.settled_future is not None and not self.settled_future.done():
            self.settled_future.set_result(None)

    def _done(self, sid: str, value: Confident) -> None:
        self.values[sid] = value
        self.state[sid] = "done"
        if self.on_event is not None:
            self._emit("step_done", step=sid, confidence=value.confidence)
        remaining = self.remaining
        counters = self.groups.get(sid)
        if counters is not None:
            released: list[ir.Step] | None = None
            several = False
            for counter in counters:
                left = remaining[counter] - 1
                remaining[counter] = left
                if left == 0:  # a step that was skipped meanwhile is dropped by _drain
                    if released is None:
                        released = self.members[counter]
                    else:
                        released = [*released, *self.members[counter]]
                        several = True
            if released is not None:
                if several:  # in source order, as when each step had its own counter
                    released = sorted(released, key=lambda st: self.order[st.id])
                self.ready.extend(released)
        if self.waiters:
            for waiter in self.waiters.pop(sid, ()):
                left = remaining[waiter] - 1
                remaining[waiter] = left
                if left == 0:
                    self.ready.append(self.steps[waiter])
        self._settle(sid)

    def _fail(self, sid: str, exc: PlxRuntimeError) -> None:
        if exc.step is None:
            exc.step = sid
        self.state[sid] = "failed"
        self.errors[sid] = exc
        if self.on_event is not None:
            self._emit("step_failed", step=sid, code=exc.code, message=exc.message)
        self._settle(sid)
        for waiter in self._released(sid):
            self._skip(waiter, sid)

    def _skip(self, sid: str, because: str) -> None:
        stack = [(sid, because)]
        while stack:
            current, cause = stack.pop()
            if self.state.get(current) != "waiting":
                continue
            self.state[current] = "skipped"
            self.skipped_because[current] = cause
            self._settle(current)
            stack.extend((w, current) for w in self._released(current))

    async def _await_steps(self, deps: Iterable[str]) -> bool:
        for dep in deps:
            if dep == "input":
                continue
            st = self.state.get(dep)
            if st is None:
                raise PlxRuntimeError(INTERNAL_ERROR, f"a statement depends on `{dep}`, which never ran")
            if st not in ("done", "failed", "skipped"):
                future = self.futures.get(dep)
                if future is None:
                    future = self.futures[dep] = asyncio.get_running_loop().create_future()
                await future
                st = self.state[dep]
            if st != "done":
                return False
        return True

    # -------------------------------------------------------------------------------------------- control flow

    async def _run_block(self, block: str | None) -> _Terminal | None:
        self._activate(block)
        for ctrl in self.control_steps.get(block, ()):
            if not await self._await_steps(ctrl.depends_on):
                raise _Aborted
            try:
                if isinstance(ctrl, ir.BranchStep):
                    arm = self._choose_arm(ctrl)
                    if arm is not None:
                        terminal = await self._run_block(f"{ctrl.id}:{arm}")
                        if terminal is not None:
                            return terminal
                    continue
                return await self._terminal(ctrl)
            except PlxRuntimeError as exc:
                if exc.step is None:
                    exc.step = ctrl.id
                self.errors[ctrl.id] = exc
                self.control_trace[ctrl.id] = {"step": ctrl.id, "kind": ctrl.kind, "status": "failed"}
                raise _Aborted from None
        return None

    def _choose_arm(self, step: ir.BranchStep) -> int | None:
        values = self.values
        info: dict[str, Any] = {"step": step.id, "kind": "branch", "form": step.form}
        chosen: int | None = None
        if step.form == "uncertain":
            assert step.subject is not None
            subject = self.interp.evaluate(step.subject, values)
            bounds = {"high": 0.8, "medium": 0.5, **(step.bands or {})}
            label = band(subject, bounds["high"], bounds["medium"])
            info["confidence"] = subject.confidence
            info["band"] = label
            chosen = next((k for k, arm in enumerate(step.arms) if arm.label == label), None)
            if chosen is None:
                chosen = next((k for k, arm in enumerate(step.arms) if arm.is_else or arm.label == "else"), None)
        else:
            subject_value: Any = UNDEFINED
            if step.subject is not None:
                subject_value = self.interp.evaluate(step.subject, values).value
            for k, arm in enumerate(step.arms):
                if arm.is_else or arm.when is None:
                    chosen = k
                    break
                guard = self.interp.evaluate(arm.when, values).value
                hit = deep_equal(subject_value, guard) if step.subject is not None else is_truthy(guard)
                if hit:
                    chosen = k
                    break
        info["arm"] = chosen
        if chosen is not None and step.arms[chosen].label is not None:
            info["label"] = step.arms[chosen].label
        self.control_trace[step.id] = info
        if self.on_event is not None:
            self._emit("branch", step=step.id, arm=chosen, label=info.get("label"))
        return chosen

    async def _terminal(self, step: ir.Step) -> _Terminal:
        values = self.values
        if isinstance(step, ir.OutputStep):
            result = self.interp.evaluate(step.value, values)
            self.control_trace[step.id] = {
                "step": step.id,
                "kind": "output",
                "confidence": result.confidence,
                "confidenceFrom": "explicit" if step.value.op == "with_confidence" else "propagated",
            }
            return _Terminal(step, result.value, result.confidence)
        if isinstance(step, ir.FailStep):
            message = to_string(self.interp.evaluate(step.message, values).value)
            self.control_trace[step.id] = {"step": step.id, "kind": "fail", "message": message}
            return _Terminal(step, None, 0.0, error=PlxRuntimeError(PATTERN_FAILED, message, step=step.id))
        assert isinstance(step, ir.EscalateStep)
        reason = "" if step.reason is None else to_string(self.interp.evaluate(step.reason, values).value)
        return await self._escalate(step, reason)

    async def _escalate(self, step: ir.EscalateStep, reason: str) -> _Terminal:
        target = step.to
        info: dict[str, Any] = {"step": step.id, "kind": "escalate", "to": target or "human", "reason": reason}
        self.control_trace[step.id] = info
        if target is None or target == "human" or target not in self.pattern.agents:
            info["confidence"] = 0.0
            return _Terminal(step, None, 0.0, escalation={"to": "human", "reason": reason})
        candidates, _ = self._candidates(target)
        if not candidates:
            self._warn(
                step.id,
                {
                    "type": "ESCALATION_UNROUTED",
                    "message": f"no agent in group `{target}` to escalate to; surfaced to a human instead",
                },
            )
            info["to"] = "human"
            info["confidence"] = 0.0
            return _Terminal(step, None, 0.0, escalation={"to": "human", "reason": reason, "requested": target})
        supervisor = candidates[0]
        input_value = to_plain(self.values["input"].value)
        text = reason + ("\n\nInput:\n" + dumps(input_value, indent=2) if input_value not in (None, {}) else "")
        task: Task = {
            "action": "escalate",
            "args": {"reason": reason, "input": input_value},
            "task": text,
            "step": step.id,
            "pattern": self.pattern.name,
        }
        outcome = await self._call(
            step.id, supervisor, task, self._agent_timeout_for(None, target), 0, None, group=target
        )
        self.calls.setdefault(step.id, []).append(outcome)
        info["agent"] = supervisor.id
        info["confidence"] = outcome.confidence
        return _Terminal(
            step,
            outcome.record["value"],
            outcome.confidence,
            escalation={"to": target, "reason": reason, "agent": supervisor.id},
            agent=supervisor.id,
        )

    # -------------------------------------------------------------------------------------------- agents

    def _info(self, a: Agent) -> dict[str, Any]:
        info = self.info_cache.get(a.id)
        if info is None:
            info = self.info_cache[a.id] = agent_info(a)
        return info

    def _candidates(self, group_name: str) -> tuple[list[Agent], int]:
        """Qualifying agents of a group (all capabilities, `prefer` order, cut to `max`) and how many qualified."""
        cached = self.candidates_cache.get(group_name)
        if cached is not None:
            return cached
        group = self.pattern.agents.get(group_name)
        if group is None:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"no agent group named `{group_name}`")
        needed = set(group.capabilities)
        found = [a for a in self.agents if needed.issubset(a.capabilities)]
        if group.prefer == "expertise":
            found.sort(key=lambda a: -a.expertise)
        elif group.prefer == "confidence":
            found.sort(key=lambda a: -a.historicalConfidence)
        qualified = len(found)
        if group.max is not None:
            found = found[: group.max]
        self.candidates_cache[group_name] = (found, qualified)
        return found, qualified

    def _select(self, step: ir.AgentStep, required: int) -> list[Agent]:
        candidates, qualified = self._candidates(step.group)
        if qualified < required or len(candidates) < required:
            raise PlxRuntimeError(
                NOT_ENOUGH_AGENTS,
                f"Not enough agents available. Required: {required}, Available: {qualified}",
                step=step.id,
            )
        if step.mode == "single":
            return candidates[:1]  # one agent runs: never above any limit
        outcome = enforce_agent_limit(candidates, self.license.max_agents, counter=self.counter)
        if outcome.warning is not None:
            self.metrics["agentLimitHits"] += 1
            self._warn(step.id, dict(outcome.warning))
        return list(outcome.agents)

    def _agent_timeout_for(self, step: ir.AgentStep | None, group_name: str) -> float | None:
        if step is not None and step.timeout is not None:
            return _seconds(step.timeout)
        group = self.pattern.agents.get(group_name)
        if group is not None and group.taskTimeout is not None:
            return _seconds(group.taskTimeout)
        return self.agent_timeout

    def _outcome(self, agent: Agent, answer: Any) -> CallOutcome:
        """Normalise an answer into a result record; anything unusable becomes a failed record."""
        got = self._record(agent, answer)
        if type(got) is dict:
            return CallOutcome(agent, got, True, got["timestamp"])
        assert isinstance(got, CallOutcome)
        return got

    def _record(self, agent: Agent, answer: Any) -> dict[str, Any] | CallOutcome:
        """`_outcome`, except that a well-formed answer in the common shape (a dict with a float confidence and
        no `error`) comes back as its bare record, `timestamp` included, without a CallOutcome."""
        info = self.info_cache.get(agent.id)
        if info is None:
            info = self._info(agent)
        value: Any
        reasoning: Any
        timestamp: Any
        if type(answer) is dict and "error" not in answer:  # the common case, without ABC checks
            value = answer.get("value", _NO_VALUE)
            if value is _NO_VALUE:
                value = answer.get("result", _NO_VALUE)
            c = answer.get("confidence")
            if value is not _NO_VALUE and type(c) is float and 0.0 <= c <= 1.0:
                reasoning = answer.get("reasoning")
                if type(value) not in _PRIMITIVES:
                    value = to_plain(value)
                if "timestamp" in answer:
                    timestamp = answer["timestamp"]
                    if not is_number(timestamp):
                        timestamp = 0
                else:
                    timestamp = 0
                return {
                    "value": value,
                    "result": value,
                    "confidence": c,
                    "reasoning": reasoning if type(reasoning) is str else _reasoning(reasoning),
                    "error": None,
                    "agent": info,
                    "timestamp": timestamp,
                }
        if isinstance(answer, Confident):
            value = answer.value
            confidence: Any = answer.confidence
            reasoning = ""
            error: Any = None
            timestamp = 0
        elif isinstance(answer, Mapping):
            if "value" in answer:
                value = answer["value"]
            elif "result" in answer:
                value = answer["result"]
            else:
                return self._failed(agent, "malformed answer: no `value` (or `result`)")
            error = answer.get("error")
            confidence = answer.get("confidence")
            reasoning = answer.get("reasoning")
            timestamp = answer.get("timestamp", 0)
            if is_truthy(error):
                return self._failed(agent, error if isinstance(error, str) else dumps(to_plain(error)), timestamp)
            if not is_number(confidence):
                return self._failed(agent, "malformed answer: `confidence` is not a number", timestamp)
            error = None
        else:
            return self._failed(agent, f"malformed answer: expected {{value, confidence}}, got {type(answer).__name__}")
        value = to_plain(value)
        record = {
            "value": value,
            "result": value,
            "confidence": clamp01(confidence),
            "reasoning": reasoning if isinstance(reasoning, str) else _reasoning(reasoning),
            "error": error,
            "agent": info,
        }
        return CallOutcome(agent, record, True, timestamp=timestamp if is_number(timestamp) else 0)

    def _failed(self, agent: Agent, why: str, timestamp: Any = 0) -> CallOutcome:
        record = {
            "value": None,
            "result": None,
            "confidence": 0.0,
            "reasoning": FAILED_REASONING,
            "error": why,
            "agent": self._info(agent),
        }
        return CallOutcome(agent, record, False, timestamp=timestamp if is_number(timestamp) else 0, status="failed")

    def _stateful(self, step_id: str) -> bool:
        """True when the step's agent group is declared `stateful` (a distributed backend keeps an actor)."""
        step = self.steps.get(step_id)
        group = self.pattern.agents.get(step.group) if isinstance(step, ir.AgentStep) else None
        return group is not None and group.stateful

    async def _call(
        self,
        step_id: str,
        agent: Agent,
        task: Task,
        timeout: float | None,
        retries: int,
        backoff_ms: float | None,
        begun: _Begun | None = None,
        *,
        group: str,
    ) -> CallOutcome:
        """One agent call with per-call timeout and `retries` (exponential backoff B, 2B, 4B…). `begun`: its first
        attempt, already started by `_begin` (see `_single_now`). `group`: the group `agent` was called from."""
        attempts = 0
        metrics = self.metrics
        while True:
            attempts += 1
            if begun is None:
                begun = self._begin(step_id, agent, task, timeout)
            got, pending, slot = begun
            begun = None
            if got is None:
                assert pending is not None
                outcome = await self._wait(agent, timeout, pending)
            elif type(got) is dict:
                outcome = CallOutcome(agent, got, True, got["timestamp"])
            else:
                assert isinstance(got, CallOutcome)
                outcome = got
            self._answered(step_id, agent, outcome, slot)
            if outcome.ok or attempts > retries:
                break
            metrics["retries"] += 1
            delay = (backoff_ms or 0) * 2 ** (attempts - 1) / 1000
            if delay > 0:
                await asyncio.sleep(delay)
        if not outcome.ok:
            metrics["agentFailures"] += 1
        elif self.ranges:
            self._check_range(step_id, group, agent, outcome.confidence)
        outcome.attempts = attempts
        return outcome

    def _check_range(self, step_id: str, group: str, agent: Agent, confidence: float) -> None:
        """Warn when an answer's confidence is outside the range its group declares (`confidence lo..hi`), which
        the static analysis takes as given."""
        declared = self.ranges.get(group)
        if declared is not None and not declared[0] <= confidence <= declared[1]:
            lo, hi = declared
            self._warn(
                step_id,
                {
                    "type": "CONFIDENCE_OUT_OF_RANGE",
                    "message": f"step `{step_id}`: agent `{agent.id}` answered with confidence "
                    f"{js_number_to_string(confidence)}, outside the range {lo:g}..{hi:g} that group `{group}` "
                    "declares (the static analysis assumes it)",
                },
            )

    def _begin(self, step_id: str, agent: Agent, task: Task, timeout: float | None) -> _Begun:
        """The start of one attempt, up to the agent's first wait: (its outcome, None, recorder slot) when the call
        ended without waiting — an answer, or an exception turned into a failed record — else (None, what `_wait`
        needs, slot). An agent that answers without waiting needs no timeout (a timer cannot fire before it waits);
        one that waits is watched from `started`, taken before the call."""
        self.metrics["agentCalls"] += 1
        recorder = self.recorder
        slot = recorder.begin(agent) if recorder is not None else -1
        if self.on_event is not None:
            self._emit("agent_started", step=step_id, agent=agent.id)
        try:
            started = self.watchdog.now() if timeout is not None else 0.0
            if not self.local:
                if self.pass_stateful:
                    call = self.executor.call_agent(agent, task, timeout, stateful=self._stateful(step_id))
                else:
                    call = self.executor.call_agent(agent, task, timeout)
            elif type(agent) is FunctionAgent and agent.is_async:
                call = agent.fn(task)  # what LocalExecutor + FunctionAgent do, two frames fewer
            else:
                call = agent(task)
            if type(call) is CoroutineType:
                try:
                    first = call.send(None)
                except StopIteration as stop:
                    answer = stop.value
                else:
                    return None, (call, first, started), slot
            else:
                return None, (call, _NO_VALUE, started), slot
        except PlxRuntimeError:
            raise
        except asyncio.CancelledError:  # not watched yet: never a timeout
            raise
        except Exception as exc:
            return self._failed(agent, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__), None, slot
        return self._record(agent, answer), None, slot

    async def _wait(self, agent: Agent, timeout: float | None, pending: _Pending) -> CallOutcome:
        """The rest of an attempt that `_begin` left waiting, under the per-call timeout (armed here, in the task
        that waits, with the deadline counted from `started`)."""
        call, first, started = pending
        watchdog = self.watchdog
        watch: Watch | None = None
        try:
            if timeout is not None:
                watch = watchdog.watch(timeout, started)
            if first is _NO_VALUE:
                answer = await call
            else:
                answer = await _Resume(call, first)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if watch is None or not watch.expired or current is None or current.uncancel() > 0:
                raise
            outcome = self._failed(agent, f"timed out after {_fmt_seconds(timeout)}")
        except PlxRuntimeError:
            raise
        except Exception as exc:
            outcome = self._failed(agent, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        else:
            if watch is not None and watch.expired:  # the agent swallowed the cancellation and answered
                current = asyncio.current_task()
                if current is not None:
                    current.uncancel()
            outcome = self._outcome(agent, answer)
        finally:
            if watch is not None:
                watchdog.finish(watch)
        return outcome

    def _answered(self, step_id: str, agent: Agent, outcome: CallOutcome, slot: int) -> None:
        """An attempt is over: its timestamp, the recorder, the event hook."""
        if not outcome.timestamp and self.timings:
            outcome.timestamp = round(time.time() * 1000)
        record = outcome.record
        record["timestamp"] = outcome.timestamp
        recorder = self.recorder
        if recorder is not None:
            response: dict[str, Any] = {
                "result": record["value"],
                "confidence": record["confidence"],
                "reasoning": record["reasoning"],
            }
            if record["error"] is not None:
                response["error"] = record["error"]
            response["timestamp"] = outcome.timestamp
            recorder.finish(agent, slot, response)
        if self.on_event is not None:
            self._emit(
                "agent_answered",
                step=step_id,
                agent=agent.id,
                confidence=outcome.confidence,
                error=record["error"],
            )

    def _task_for(self, step: ir.AgentStep, local: dict[str, Confident] | None) -> Task:
        args: dict[str, Any] = {}
        evaluate = self.interp.evaluate
        values = self.values
        answers = self.answers
        for key, expr, fast, plain in self.plan.agent_plans[step.id].args:
            if fast is not None and local is None:
                try:
                    value = fast(values, answers)
                except _Slow:
                    value = evaluate(expr, values).value
                    plain = False
            else:
                value = evaluate(expr, values, local).value
                plain = False
            if type(value) in _PRIMITIVES:
                args[key] = value
            elif value is not UNDEFINED:
                args[key] = value if plain else to_plain(value)
        task: Task = {"action": step.action, "args": args, "step": step.id, "pattern": self.pattern.name}
        if "task" in args:
            task["task"] = args["task"] if isinstance(args["task"], str) else dumps(args["task"])
        return task

    def _policy_for(self, step: ir.AgentStep) -> ir.Policy | None:
        policy = step.policy or self.pattern.policy
        if policy is None and step.verify:
            return DEFAULT_POLICY
        return policy

    def _single_now(
        self, step: ir.AgentStep, sp: _AgentPlan
    ) -> tuple[Confident | None, tuple[Agent, Task, float | None, _Begun] | None]:
        """A `simple` step (see _AgentPlan) as far as it goes without waiting: (its value, None) when its agent
        answered at once (and no retry is due), else (None, what `_single_rest` needs to finish it). Exactly what
        `_agent_step` does for such a step, without two coroutines per step."""
        selected = self.single_selection.get(step.group)
        if selected is None:
            selected = self.single_selection[step.group] = self._select(step, max(sp.minimum, 1))
        sid = step.id
        # The selection is kept for the trace unless the step ends here with its outcome, which names the agent.
        try:
            task = self._task_for(step, None)
            agent = selected[0]
            timeout = sp.timeout if sp.has_timeout else self.agent_timeout
            begun = self._begin(sid, agent, task, timeout)
        except BaseException:
            self.selected[sid] = selected
            raise
        got = begun[0]
        if type(got) is dict:  # answered at once, well formed
            if self.ranges:
                self._check_range(sid, step.group, agent, got["confidence"])
            if self.quiet:  # the record only: _trace and _provenance read it from Run.answered
                self.answered[sid] = (agent, got)
                self.answers[sid] = got["value"]
                return confident(got, got["confidence"]), None
            outcome = CallOutcome(agent, got, True, got["timestamp"])
        else:
            if got is not None:
                assert isinstance(got, CallOutcome)
            if got is None or not (got.ok or step.retries < 1):  # it waits, or a retry is due: see _call
                self.selected[sid] = selected
                return None, (agent, task, timeout, begun)
            outcome = got
            if outcome.ok and self.ranges:
                self._check_range(sid, step.group, agent, outcome.confidence)
        if self.quiet:
            outcome.record["timestamp"] = outcome.timestamp
        else:
            self.selected[sid] = selected  # (an event hook may raise)
            self._answered(sid, agent, outcome, begun[2])
        if not outcome.ok:
            self.metrics["agentFailures"] += 1
        self.outcomes[sid] = outcome  # _single_done
        record = outcome.record
        self.answers[sid] = record["value"]
        return confident(record, record["confidence"]), None

    async def _single_rest(
        self, step: ir.AgentStep, agent: Agent, task: Task, timeout: float | None, begun: _Begun
    ) -> Confident:
        outcome = await self._call(step.id, agent, task, timeout, step.retries, step.backoff, begun, group=step.group)
        return self._single_done(step, outcome)

    def _single_done(self, step: ir.AgentStep, outcome: CallOutcome) -> Confident:
        self.outcomes[step.id] = outcome
        record = outcome.record
        self.answers[step.id] = record["value"]  # the step's value is `record` from here on (see _done)
        return confident(record, record["confidence"])

    async def _agent_step(self, step: ir.AgentStep) -> Confident:
        over = step.over
        sp = self.plan.agent_plans[step.id]
        timeout = sp.timeout if sp.has_timeout else self.agent_timeout
        policy = sp.policy
        if over is None and step.mode == "single":
            selected = self.single_selection.get(step.group)
            if selected is None:
                selected = self.single_selection[step.group] = self._select(step, max(sp.minimum, 1))
            self.selected[step.id] = selected
            task = self._task_for(step, None)
            if policy is None:
                outcome = await self._call(
                    step.id, selected[0], task, timeout, step.retries, step.backoff, group=step.group
                )
            else:
                outcome = await self._call_with_policy(step, selected[0], task, timeout, policy)
            return self._single_done(step, outcome)
        items: list[Any] = []
        items_confidence = 1.0
        if over is not None:
            source = self.interp.evaluate(over.items, self.values)
            if source.value is None or source.value is UNDEFINED:
                items = []
            elif isinstance(source.value, list):
                items = source.value
            else:
                raise PlxRuntimeError(EXPRESSION_ERROR, f"`for {over.var} in …` needs a list", step=step.id)
            items_confidence = source.confidence
        required = step.mode != "fanout" and (over is None or bool(items))
        minimum = sp.minimum
        selected = self._select(step, max(minimum, 1) if required else minimum)
        self.selected[step.id] = selected
        if over is None:
            task = self._task_for(step, None)
            if step.mode == "fanout":
                outcomes = await self._gather(
                    [self._pipeline(step, agent, task, timeout, policy) for agent in selected]
                )
                self.calls[step.id] = outcomes
                return confident([o.record for o in outcomes], 1.0)
            winner = await self._race(step, selected, task, timeout, policy, self.calls.setdefault(step.id, []))
            return confident(winner.record, winner.confidence)
        var = over.var
        tasks = [self._task_for(step, {var: element(item, items_confidence)}) for item in items]
        if not items:
            self.calls[step.id] = []
            return confident([], 1.0)
        if step.mode == "race":
            sinks: list[list[CallOutcome]] = [[] for _ in tasks]
            winners = await self._gather(
                [self._race(step, selected, t, timeout, policy, sink) for t, sink in zip(tasks, sinks, strict=True)]
            )
            self.calls[step.id] = [o for sink in sinks for o in sink]
            return confident([w.record for w in winners], 1.0)
        agents = selected if step.mode == "fanout" else selected[:1]
        outcomes = await self._gather(
            [self._pipeline(step, agents[i % len(agents)], t, timeout, policy) for i, t in enumerate(tasks)]
        )
        self.calls[step.id] = outcomes
        return confident([o.record for o in outcomes], 1.0)

    async def _gather(self, coros: Sequence[Any]) -> list[Any]:
        """Run coroutines concurrently, results in the order given; cancelling this cancels (and awaits) them all."""
        if len(coros) == 1:
            return [await coros[0]]
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(c) for c in coros]
        except BaseExceptionGroup as eg:
            for exc in eg.exceptions:
                if isinstance(exc, PlxRuntimeError):
                    raise exc from None
            raise eg.exceptions[0] from None
        return [t.result() for t in tasks]

    def _pipeline(
        self, step: ir.AgentStep, agent: Agent, task: Task, timeout: float | None, policy: ir.Policy | None
    ) -> Coroutine[Any, Any, CallOutcome]:
        """The call and, with a policy, the policy applied to its answer (without a policy: just the call, so that
        no extra coroutine frame sits between the step and the agent)."""
        if policy is None:
            return self._call(step.id, agent, task, timeout, step.retries, step.backoff, group=step.group)
        return self._call_with_policy(step, agent, task, timeout, policy)

    async def _call_with_policy(
        self, step: ir.AgentStep, agent: Agent, task: Task, timeout: float | None, policy: ir.Policy
    ) -> CallOutcome:
        outcome = await self._call(step.id, agent, task, timeout, step.retries, step.backoff, group=step.group)
        return await self._apply_policy(step, agent, task, outcome, policy, timeout)

    async def _race(
        self,
        step: ir.AgentStep,
        agents: Sequence[Agent],
        task: Task,
        timeout: float | None,
        policy: ir.Policy | None,
        sink: list[CallOutcome],
    ) -> CallOutcome:
        """All agents at once; the first answer (completion order; dispatch order within one wake-up) meeting
        `until` wins and the rest are cancelled. If none does, the most confident answer (first in dispatch order
        on ties) wins."""
        loop = asyncio.get_running_loop()
        tasks = [
            loop.create_task(self._call(step.id, a, task, timeout, step.retries, step.backoff, group=step.group))
            for a in agents
        ]
        index = {t: i for i, t in enumerate(tasks)}
        outcomes: list[CallOutcome | None] = [None] * len(tasks)
        winner: CallOutcome | None = None
        pending: set[asyncio.Task[CallOutcome]] = set(tasks)
        name = _name_of(step.id)
        try:
            while pending and winner is None:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in sorted(done, key=index.__getitem__):
                    outcome = t.result()
                    outcomes[index[t]] = outcome
                    if winner is None and self._until(step, outcome, name):
                        winner = outcome
        finally:
            for t in pending:
                t.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
        if winner is None:
            finished = [o for o in outcomes if o is not None]
            winner = finished[0]
            for o in finished[1:]:
                if o.confidence > winner.confidence:
                    winner = o
            reason = "no answer met `until`; the most confident answer wins"
        else:
            reason = "first answer meeting `until`"
        settled: list[CallOutcome] = []
        for i, maybe in enumerate(outcomes):
            if maybe is None:
                self.metrics["cancelled"] += 1
                maybe = _cancelled_outcome(agents[i], self._info(agents[i]))
            settled.append(maybe)
        final = winner
        if policy is not None:
            final = await self._apply_policy(step, winner.agent, task, winner, policy, timeout)
        sink.extend(final if o is winner else o for o in settled)
        info = self.step_info.setdefault(step.id, {})
        info.setdefault("winners", []).append(winner.agent.id)
        info["raceOutcome"] = reason
        return final

    def _until(self, step: ir.AgentStep, outcome: CallOutcome, name: str) -> bool:
        if step.until is None:
            return outcome.ok
        candidate = confident(outcome.record, outcome.confidence)
        local = {name: candidate, step.id: candidate}
        return is_truthy(self.interp.evaluate(step.until, self.values, local).value)

    # -------------------------------------------------------------------------------------------- policy / verify

    async def _signal(
        self, step: ir.AgentStep, outcome: CallOutcome, task: Task, timeout: float | None
    ) -> tuple[float | None, str, list[OracleResult]]:
        if not step.verify:
            return outcome.confidence, "", []
        if not outcome.ok:
            return 0.0, f"the agent failed: {outcome.record['error']}", []
        results = [await self._oracle(step, v, outcome, task, timeout) for v in step.verify]
        signals = [r.confidence for r in results if r.confidence is not None]
        detail = "; ".join(r.detail for r in results if r.detail)
        return (min(signals) if signals else None), detail, results

    def _option(self, verify: ir.Verify, name: str) -> Any:
        expr = verify.options.get(name)
        if expr is None:
            return None
        value = self.interp.evaluate(expr, self.values).value
        return None if value is UNDEFINED else value

    async def _oracle(
        self, step: ir.AgentStep, verify: ir.Verify, outcome: CallOutcome, task: Task, timeout: float | None
    ) -> OracleResult:
        if verify.type == "command":
            cwd = self._option(verify, "cwd")
            score = self._option(verify, "score")
            oracle_timeout = self._option(verify, "timeout")
            pass_c = self._option(verify, "pass_confidence")
            fail_c = self._option(verify, "fail_confidence")
            return await run_command_oracle(
                verify.run or "true",
                cwd=None if cwd is None else to_string(cwd),
                timeout_ms=float(to_number(oracle_timeout))
                if oracle_timeout is not None
                else DEFAULT_COMMAND_TIMEOUT_MS,
                pass_confidence=float(to_number(pass_c)) if pass_c is not None else 1.0,
                fail_confidence=float(to_number(fail_c)) if fail_c is not None else 0.0,
                score=None if score is None else to_string(score),
            )
        if verify.type == "agent":
            return await self._review(step, verify, outcome, task, timeout)
        if self.journal is None:
            self._warn(
                step.id,
                {
                    "type": "VERIFY_HISTORY",
                    "message": "`verify history` has no decision journal (plxc run --history FILE): it counts as a "
                    "pass (1.0)",
                },
            )
            return OracleResult("history", 1.0, "no decision journal: neutral 1.0")
        options = HistoryOptions.of({name: self._option(verify, name) for name in verify.options})
        confidence, detail = self.journal.signal(self.pattern.name, step.group, options, time.time())
        return OracleResult("history", confidence, detail)

    async def _review(
        self, step: ir.AgentStep, verify: ir.Verify, outcome: CallOutcome, task: Task, timeout: float | None
    ) -> OracleResult:
        policy = self._policy_for(step)
        role = verify.role or (policy.escalateTo if policy is not None else None)
        if role is None or role not in self.pattern.agents:
            return OracleResult("agent", 1.0, "no reviewer group: neutral 1.0")
        reviewers, _ = self._candidates(role)
        if not reviewers:
            return OracleResult("agent", 1.0, f"no agent in reviewer group `{role}`: neutral 1.0")
        rubric = self._option(verify, "rubric")
        subject = outcome.record["value"]
        prompt = "Please review the following:\n\n" + dumps(subject, indent=2)
        if rubric is not None:
            prompt += f"\n\nRubric: {to_string(rubric)}"
        prompt += "\n\n" + REVIEW_PROTOCOL
        review_task: Task = {
            "action": "review",
            "args": {"subject": subject, "rubric": None if rubric is None else to_string(rubric)},
            "task": prompt,
            "step": step.id,
            "pattern": self.pattern.name,
        }
        reviewer = reviewers[0]
        review = await self._call(
            step.id, reviewer, review_task, self._agent_timeout_for(None, role), 0, None, group=role
        )
        self.reviews.setdefault(step.id, []).append(review)
        if not review.ok:
            return OracleResult("agent", 1.0, f"reviewer {reviewer.id} failed: neutral 1.0")
        text = _result_text(review.record["value"])
        if review.record["reasoning"]:
            text += "\n" + review.record["reasoning"]
        verdict, confidence = parse_review_verdict(text)
        if confidence is None:
            return OracleResult("agent", 1.0, f"reviewer {reviewer.id}: unparseable review, neutral 1.0")
        return OracleResult("agent", confidence, f"reviewer {reviewer.id}: {verdict or 'no verdict'}")

    async def _apply_policy(
        self,
        step: ir.AgentStep,
        agent: Agent,
        task: Task,
        first: CallOutcome,
        policy: ir.Policy,
        timeout: float | None,
    ) -> CallOutcome:
        """ORG_CHART.md §4 `applyConfidencePolicy` on one agent's answer: at most one retry (the more confident
        attempt wins, the first on ties), escalation to the supervisor group, accept / accept_with_warning."""
        accept = policy.accept if policy.accept is not None else 0.8
        actions: list[str] = []
        info: dict[str, Any] = {"actions": actions, "selfConfidence": first.confidence}
        c, detail, oracles = await self._signal(step, first, task, timeout)
        if oracles:
            info["oracles"] = [o.to_json() for o in oracles]
        if c is None:
            actions.append("no_signal")
            first.policy = info
            return first
        current, current_c = first, c
        if (
            policy.retryBelow is not None
            and c < policy.retryBelow
            and (policy.escalateBelow is None or c >= policy.escalateBelow)
        ):
            actions.append("retry")
            self.metrics["policyRetries"] += 1
            critique = f"Your previous result did not pass verification ({js_to_fixed(c)})"
            if detail:
                critique += f": {detail}"
            text = (
                critique
                + ".\n\nOriginal task:\n"
                + (task.get("task") or task_text(task))
                + "\n\nYour previous result:\n"
                + _result_text(first.record["value"])
            )
            retry_task: Task = {**task, "args": {**task.get("args", {}), "critique": critique}, "task": text}
            second = await self._call(step.id, agent, retry_task, timeout, step.retries, step.backoff, group=step.group)
            c2, detail2, oracles2 = await self._signal(step, second, retry_task, timeout)
            c2 = 0.0 if c2 is None else c2
            info["retry"] = {"confidence": c2, "selfConfidence": second.confidence}
            if oracles2:
                info["retry"]["oracles"] = [o.to_json() for o in oracles2]
            if c2 > c:
                current, current_c, detail = second, c2, detail2
                current.attempts += first.attempts
        if policy.escalateBelow is not None and current_c < policy.escalateBelow:
            target = policy.escalateTo
            supervisors: list[Agent] = []
            if target is not None and target != "human" and target in self.pattern.agents:
                supervisors = self._candidates(target)[0]
            if not supervisors:
                actions.append("escalation_unrouted")
                info["signal"] = current_c
                self._warn(
                    step.id,
                    {
                        "type": "ESCALATION_UNROUTED",
                        "message": (
                            f"step `{_name_of(step.id)}`: agent {current.agent.id} answered with confidence "
                            f"{js_to_fixed(current_c)}, below {policy.escalateBelow:g}, and there is no supervisor "
                            f"group to escalate to ({target or 'none named'}); the answer is surfaced as it is"
                        ),
                        "step": step.id,
                        "agent": current.agent.id,
                    },
                )
                return self._with_signal(current, current_c, info)
            actions.append("escalate")
            self.metrics["policyEscalations"] += 1
            supervisor = supervisors[0]
            message = (
                f"Your report ({current.agent.name}, group {step.group}) returned a result for step "
                f"`{_name_of(step.id)}` with confidence {js_to_fixed(current_c)}, below {policy.escalateBelow:g}."
                + (f"\n{detail}" if detail else "")
                + "\n\nTask:\n"
                + (task.get("task") or task_text(task))
                + "\n\nTheir result:\n"
                + _result_text(current.record["value"])
                + "\n\nPlease reply with the final, corrected result."
            )
            escalation_task: Task = {
                "action": "escalate",
                "args": {
                    "step": step.id,
                    "from": current.agent.id,
                    "confidence": current_c,
                    "detail": detail,
                    "result": current.record["value"],
                },
                "task": message,
                "step": step.id,
                "pattern": self.pattern.name,
            }
            answer = await self._call(
                step.id,
                supervisor,
                escalation_task,
                self._agent_timeout_for(None, target or ""),
                0,
                None,
                group=target or "",
            )
            info["escalatedTo"] = supervisor.id
            info["signal"] = current_c
            info["from"] = current.agent.id
            answer.policy = info
            answer.attempts += current.attempts
            return answer
        actions.append("accept" if current_c >= accept else "accept_with_warning")
        info["signal"] = current_c
        return self._with_signal(current, current_c, info)

    @staticmethod
    def _with_signal(outcome: CallOutcome, c: float, info: dict[str, Any]) -> CallOutcome:
        record = outcome.record if outcome.record["confidence"] == c else {**outcome.record, "confidence": c}
        return CallOutcome(
            outcome.agent,
            record,
            outcome.ok,
            timestamp=outcome.timestamp,
            attempts=outcome.attempts,
            status=outcome.status,
            policy=info,
        )

    # -------------------------------------------------------------------------------------------- use

    async def _use_step(self, step: ir.UseStep) -> Confident:
        target = self.library.resolve(step.pattern)
        if self.depth + 1 > MAX_USE_DEPTH:
            raise PlxRuntimeError(
                UNKNOWN_PATTERN, f"`use` nests more than {MAX_USE_DEPTH} patterns deep (a composition cycle?)"
            )
        names = list(target.input)
        args: dict[str, Any] = {}
        for key, expr in step.args.items():
            value = self.interp.evaluate(expr, self.values).value
            if value is UNDEFINED:
                continue
            if key.startswith("_") and key[1:].isdigit() and int(key[1:]) < len(names):
                key = names[int(key[1:])]
            args[key] = to_plain(value)
        self.step_info[step.id] = {"pattern": target.name}
        sub_input = validate_input(target, args)
        sub = Run(
            target,
            sub_input,
            self.agents,
            executor=self.executor,
            license=self.license,
            counter=self.counter,
            library=self.library,
            agent_timeout=self.agent_timeout,
            recorder=self.recorder,
            on_event=self.on_event,
            timings=self.timings,
            depth=self.depth + 1,
            watchdog=self.watchdog,
            journal=self.journal,
        )
        result = await sub.execute()
        for key, count in result.metrics.items():
            if key in self.metrics and isinstance(count, int):
                self.metrics[key] += count
        if result.error is not None:
            raise PlxRuntimeError(
                result.error.code,
                f"in `use {_name_of(step.id)} = {target.name}(…)`: {result.error.message}",
                step=step.id,
            )
        self.sub_traces[step.id] = result.trace
        for warning in result.warnings:
            self._warn(step.id, warning)
        record: dict[str, Any] = {
            "pattern": target.name,
            "value": result.value,
            "confidence": result.confidence,
            "warnings": result.warnings,
        }
        if result.escalation is not None:
            record["escalation"] = result.escalation
        return Confident(record, result.confidence)

    # -------------------------------------------------------------------------------------------- the run

    async def execute(self) -> RunResult:
        """Run to completion; never raises for run-time failures (they come back in `RunResult.error`)."""
        started = time.perf_counter()
        terminal: _Terminal | None = None
        error: PlxRuntimeError | None = None
        self._emit("run_started", steps=len(self.pattern.steps))
        try:
            try:
                async with asyncio.timeout(self.timeout):
                    try:
                        terminal = await self._run_block(None)
                    except _Aborted:
                        terminal = None
                    if self.unsettled > 0:
                        self.settled_future = asyncio.get_running_loop().create_future()
                        await self.settled_future
            except TimeoutError:
                error = PlxRuntimeError(RUN_TIMEOUT, f"the run did not finish within {_fmt_seconds(self.timeout)}")
            except PlxRuntimeError as exc:
                error = exc
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = PlxRuntimeError(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
        finally:
            await self._cancel_all()
            if self.depth == 0:
                self.watchdog.close()
        if error is None and self.errors:
            error = min(self.errors.values(), key=lambda e: self.order.get(e.step or "", math.inf))
        if error is None and terminal is not None and terminal.error is not None:
            error = terminal.error
        if error is None and terminal is None:
            error = PlxRuntimeError(
                NO_RESULT, f"{self.pattern.name} ran out of statements without an `output`, `escalate` or `fail`"
            )
        total_ms = (time.perf_counter() - started) * 1000
        with _collector_paused():  # thousands of acyclic dicts and lists, built at once (see _result)
            result = self._result(terminal, error, total_ms)
        self._emit("run_finished", status=result.status, confidence=result.confidence)
        return result

    async def _cancel_all(self) -> None:
        if self.running == 0:  # every task returned: all done, no exception to retrieve, nothing to cancel
            self.tasks.clear()
            return
        while True:
            pending = [t for t in self.tasks if not t.done() or _unretrieved(t)]
            self.tasks.clear()
            if not pending:
                break
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    # -------------------------------------------------------------------------------------------- reporting

    def _result(self, terminal: _Terminal | None, error: PlxRuntimeError | None, total_ms: float) -> RunResult:
        warnings: list[dict[str, Any]] = []
        for sid in sorted(self.step_warnings, key=lambda s: self.order.get(s, math.inf)):
            for w in self.step_warnings[sid]:
                if w not in warnings:
                    warnings.append(w)
        trace: list[dict[str, Any]] = []  # built when first read: _trace_later
        metrics: dict[str, Any] = {
            "steps": self._settled_steps() + len(self.control_trace),
            **self.metrics,
        }
        if self.timings:
            metrics["timings"] = {
                "totalMs": round(total_ms, 3),
                "steps": {
                    sid: round(ms, 3) for sid, ms in sorted(self.durations.items(), key=lambda p: self.order[p[0]])
                },
            }
        if error is not None:
            return _trace_later(
                RunResult(
                    self.pattern.name,
                    "failed",
                    warnings=warnings,
                    trace=trace,
                    metrics=metrics,
                    error=RunError(error.code, error.message, error.step),
                ),
                self._trace,
            )
        assert terminal is not None
        confidence = terminal.confidence
        required = self.pattern.requires.get("confidence")
        if required is not None and confidence < required:
            warnings.append(
                {
                    "type": "REQUIREMENT_NOT_MET",
                    "message": f"the result's confidence {js_to_fixed(confidence)} is below the pattern's "
                    f"`requires confidence >= {required:g}`",
                }
            )
        entry = self.control_trace.get(terminal.step.id)
        if entry is not None:
            entry["provenance"] = self._provenance(terminal)
        return _trace_later(
            RunResult(
                self.pattern.name,
                "escalated" if terminal.escalation is not None else "ok",
                value=to_plain(terminal.value),
                confidence=confidence,
                warnings=warnings,
                trace=trace,
                metrics=metrics,
                escalation=terminal.escalation,
            ),
            self._trace,
        )

    def _settled_steps(self) -> int:
        """Data steps that are done, failed or skipped (the others are waiting or running)."""
        states = list(self.state.values())
        return len(states) - states.count("waiting") - states.count("running")

    def _trace(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        append = out.append
        state = self.state
        control_trace = self.control_trace
        selected = self.selected
        step_info = self.step_info
        values = self.values
        calls = self.calls
        outcomes = self.outcomes
        answered = self.answered
        reviews = self.reviews
        sub_traces = self.sub_traces
        trace_json = CallOutcome.trace_json
        for sid, step, head in self.plan.trace_rows:
            got = answered.get(sid)
            if got is not None:
                # A `simple` step whose agent answered at once (_single_now, quiet run): done, and nothing else is
                # kept for it — no selection, outcome, step info, reviews or sub-trace — so its entry is built here
                # without looking them up; the keys and their order are the general path's below.
                agent, rec = got
                entry = head.copy()  # type: ignore[union-attr] # an agent step's row has a head
                entry["agents"] = [agent.id]
                entry["confidence"] = rec["confidence"]
                entry["results"] = [_answer_json(rec, rec["timestamp"])]
                append(entry)
                continue
            control = control_trace.get(sid)
            if control is not None:
                step_calls = calls.get(sid)
                if step_calls:
                    control["results"] = list(map(trace_json, step_calls))
                append(control)
                continue
            st = state.get(sid)
            if st is None or st == "waiting" or st == "running":
                continue
            if head is None:  # not an agent step
                entry = {"step": sid, "kind": step.kind}
            else:
                chosen = selected.get(sid)  # (a step that _single_now ran to its end has no entry: its outcome)
                if chosen is not None:
                    entry = head.copy()  # {step, kind, mode, group, action}
                    entry["agents"] = [chosen[0].id] if len(chosen) == 1 else list(map(_AGENT_ID, chosen))
                elif sid in outcomes:
                    entry = head.copy()
                    entry["agents"] = [outcomes[sid].agent.id]
                else:
                    entry = {"step": sid, "kind": step.kind}
            info = step_info.get(sid)
            if info is not None:
                entry.update(info)
            if st == "done":
                entry["confidence"] = values[sid].confidence
            elif st == "failed":
                entry["status"] = "failed"
                exc = self.errors[sid]
                entry["error"] = {"code": exc.code, "message": exc.message}
            else:
                entry["status"] = "skipped"
                entry["reason"] = f"depends on `{self.skipped_because[sid]}`, which did not complete"
            outcome = outcomes.get(sid)
            if outcome is not None:
                entry["results"] = [trace_json(outcome)]
            else:
                step_calls = calls.get(sid)
                if step_calls is not None:
                    entry["results"] = list(map(trace_json, step_calls))
            if reviews and sid in reviews:
                entry["reviews"] = list(map(trace_json, reviews[sid]))
            if sub_traces and sid in sub_traces:
                entry["trace"] = sub_traces[sid]
            append(entry)
        return out

    def _provenance(self, terminal: _Terminal) -> dict[str, Any]:
        """Which agent answer or step set the final confidence. Walks the output's dependencies breadth-first
        (nearest first, `depends_on` order within a level) and names the first agent answer with exactly that
        confidence (dispatch order within a step); failing that the first `let`/`use` with that confidence, then
        the first step whose numeric value is it (an explicit `with confidence x`), else the output itself."""
        if terminal.agent is not None:
            return {"step": terminal.step.id, "agent": terminal.agent}
        if terminal.escalation is not None:
            return {"step": terminal.step.id, "via": "escalation"}
        c = terminal.confidence
        by_confidence: dict[str, Any] | None = None
        by_value: dict[str, Any] | None = None
        seen: set[str] = set()
        queue = deque(d for d in terminal.step.depends_on if d != "input")
        while queue:
            sid = queue.popleft()
            if sid in seen or self.state.get(sid) != "done":
                continue
            seen.add(sid)
            quick = self.answered.get(sid)
            if quick is not None:
                if quick[1]["confidence"] == c:
                    return {"step": sid, "agent": quick[0].id}
            else:
                single = self.outcomes.get(sid)
                for o in (single,) if single is not None else self.calls.get(sid, ()):
                    if o.status != "cancelled" and o.confidence == c:
                        return {"step": sid, "agent": o.agent.id}
            value = self.values[sid]
            if by_confidence is None and value.confidence == c and self.steps[sid].kind != "agent":
                by_confidence = {"step": sid}
            if by_value is None and is_number(value.value) and float(value.value) == c:
                by_value = {"step": sid, "via": "value"}
            queue.extend(d for d in self.steps[sid].depends_on if d != "input")
        return by_confidence or by_value or {"step": terminal.step.id, "via": "expression"}


# ------------------------------------------------------------------------------------------------ public API


def _pick(patterns: Sequence[ir.CompiledPattern], name: str | None, where: str) -> ir.CompiledPattern:
    """The pattern named `name`; without a name, the file's only pattern, else its only pattern that no other
    pattern of the file `use`s (the entry point)."""
    if name is None:
        if len(patterns) == 1:
            return patterns[0]
        used = {s.pattern for p in patterns for s in p.steps if isinstance(s, ir.UseStep)}
        roots = [p for p in patterns if p.name not in used]
        if len(roots) == 1:
            return roots[0]
        names = ", ".join(p.name for p in patterns) or "none"
        raise ValueError(f"{where} declares several patterns ({names}); choose one with --pattern / pattern_name=")
    for p in patterns:
        if p.name == name:
            return p
    names = ", ".join(p.name for p in patterns) or "none"
    raise ValueError(f"{where} has no pattern `{name}` (it declares: {names})")


def resolve_pattern(
    pattern: ir.CompiledPattern | ir.CompiledFile | str | Path,
    pattern_name: str | None = None,
    library: PatternLibrary | None = None,
) -> tuple[ir.CompiledPattern, PatternLibrary]:
    """The pattern to run and the library `use` resolves against. A str/Path is a `.plx` file or source text
    (compiled, raising CompileError), a compiled YAML/JSON file, or `stdlib:Name`."""
    library = library if library is not None else PatternLibrary()
    if isinstance(pattern, ir.CompiledPattern):
        library.add([pattern])
        return pattern, library
    if isinstance(pattern, ir.CompiledFile):
        library.add(pattern.patterns)
        return _pick(pattern.patterns, pattern_name, "the compiled file"), library
    text = str(pattern)
    if isinstance(pattern, str) and text.startswith("stdlib:"):
        return library.resolve(text[len("stdlib:") :]), library
    path = Path(text)
    is_path = isinstance(pattern, Path) or ("\n" not in text and path.suffix in (".plx", ".yaml", ".yml", ".json"))
    if is_path and path.suffix in (".yaml", ".yml", ".json"):
        from parallax_dsl.emit.document import load_compiled

        compiled = load_compiled(path.read_text(encoding="utf-8"))
        library.add(compiled.patterns)
        return _pick(compiled.patterns, pattern_name, str(path)), library
    if is_path:
        compiled, imported = compile_with_imports(path)
    else:
        compiled, imported = compile_with_imports("<input>.plx", text)
    library.add(compiled.patterns)
    library.add(imported)
    return _pick(compiled.patterns, pattern_name, str(path) if is_path else "the source"), library


def _failed_result(name: str, exc: PlxRuntimeError) -> RunResult:
    return RunResult(name, "failed", error=RunError(exc.code, exc.message, exc.step))


async def run(
    pattern: ir.CompiledPattern | ir.CompiledFile | str | Path,
    input: Any = None,
    agents: Iterable[Any] | None = None,
    *,
    executor: Executor | None = None,
    backend: Executor | None = None,
    license: LicenseInfo | None = None,
    max_agents: int | None = None,
    pattern_name: str | None = None,
    timeout: float | None = None,
    agent_timeout: float | None = DEFAULT_AGENT_TIMEOUT,
    library: PatternLibrary | None = None,
    recorder: Recorder | None = None,
    counter: LimitCounter | None = None,
    on_event: EventHook | None = None,
    timings: bool = False,
    history: DecisionJournal | str | Path | None = None,
) -> RunResult:
    """Run a pattern with the built-in scheduler and return its `RunResult` (run-time failures are in `.error`).

    `pattern`: a CompiledPattern / CompiledFile, a `.plx` path or source text, a compiled YAML/JSON path, or
    `"stdlib:Name"`. `agents`: Agent objects (see parallax_dsl.runtime.agents). `license`: the LicenseInfo whose
    agent limit applies (default: detected, with `max_agents` as `--max-agents`). `timeout`: whole-run seconds
    (default: the pattern's `timeout` setting, else none). `agent_timeout`: per-call seconds when neither the step
    nor its group sets one. `timings`: add wall-clock durations under `metrics.timings`. `backend` (or its older
    name `executor`): where agent calls run — default local, or `RayBackend()` when the pattern sets
    `backend "ray"` (see parallax_dsl.distributed). `history`: the decision journal (a DecisionJournal or the path of
    its JSON Lines file) that `verify history` reads and this run is appended to (Enterprise: execution_history).
    """
    if executor is not None and backend is not None:
        raise ValueError("pass `backend` or `executor`, not both")
    compiled, lib = resolve_pattern(pattern, pattern_name, library)
    registry = [coerce_agent(a) for a in (agents or ())]
    info = license if license is not None else detect_license(max_agents=max_agents)
    if timeout is None and is_number(compiled.settings.get("timeout")):
        timeout = float(compiled.settings["timeout"]) / 1000.0
    try:
        value = validate_input(compiled, input)
        journal = open_journal(history, info)
        chosen = await open_executor(backend or executor, compiled.settings.get("backend"), info)
    except PlxRuntimeError as exc:
        return _failed_result(compiled.name, exc)
    runner = Run(
        compiled,
        value,
        registry,
        executor=chosen,
        license=info,
        counter=counter if counter is not None else LimitCounter(),
        library=lib,
        agent_timeout=agent_timeout,
        timeout=timeout,
        recorder=recorder,
        on_event=on_event,
        timings=timings,
        journal=journal,
    )
    result = await runner.execute()
    if journal is not None:
        record_run(journal, result)
    return result


def run_sync(
    pattern: ir.CompiledPattern | ir.CompiledFile | str | Path,
    input: Any = None,
    agents: Iterable[Any] | None = None,
    **kwargs: Any,
) -> RunResult:
    """`run(...)` from synchronous code (starts an event loop; do not call from inside one)."""
    return asyncio.run(run(pattern, input, agents, **kwargs))


def cancelled_result(name: str) -> RunResult:
    """The result reported when a run is interrupted (Ctrl-C)."""
    return _failed_result(name, PlxRuntimeError(CANCELLED, "the run was cancelled"))


__all__ = [
    "DEFAULT_AGENT_TIMEOUT",
    "Run",
    "RunError",
    "RunResult",
    "cancelled_result",
    "resolve_pattern",
    "run",
    "run_sync",
]
