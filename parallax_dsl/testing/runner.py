"""Runs in-file `test` blocks: canned agents, the real scheduler, and `expect` evaluated on the run's result."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from parallax_dsl import ast
from parallax_dsl.confidence import Confident
from parallax_dsl.diagnostics.model import Diagnostic, SourceFile, Span
from parallax_dsl.ir.lower import ExprLowering, _Scope
from parallax_dsl.runtime.agents import Answer, BaseAgent, Task
from parallax_dsl.runtime.errors import PlxRuntimeError
from parallax_dsl.runtime.interpreter import Interpreter
from parallax_dsl.runtime.scheduler import RunResult, run
from parallax_dsl.testing.snapshots import SnapshotStore

Status = Literal["passed", "failed", "error"]
# Names an `expect` can read (see semantics.checker.TEST_NAMES).
RESULT_NAMES = ("output", "confidence", "branch", "branches", "calls", "warnings", "error", "escalated")
CANNED_FAILURE = "canned failure"


@dataclass
class Failure:
    """Why a test failed: a message, where (usually the failing `expect`) and, for comparisons, both sides."""

    message: str
    span: Span
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TestCase:
    """One `test` block found in a file."""

    file: str
    decl: ast.TestDecl
    source: SourceFile

    @property
    def id(self) -> str:
        return f"{self.file}::{self.decl.name}"


@dataclass
class TestOutcome:
    case: TestCase
    status: Status
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration: float = 0.0
    result: RunResult | None = None


class CannedAgent(BaseAgent):
    """A test agent: answers (or fails) with its canned responses in order, after an optional delay."""

    #: It holds state between calls (how many it answered): a distributed backend keeps it in one place.
    stateful = True

    def __init__(self, responses: list[tuple[str, Any, float, str | None, float]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.responses = responses
        self.calls = 0

    async def __call__(self, task: Task) -> Answer:
        if self.calls >= len(self.responses):
            raise PlxRuntimeError(
                "CASSETTE_EXHAUSTED",
                f"test agent `{self.id}` has no canned answer for call {self.calls + 1} "
                f"(it has {len(self.responses)}); add one with `then answers …`",
            )
        kind, value, confidence, reasoning, delay = self.responses[self.calls]
        self.calls += 1
        if delay > 0:
            await asyncio.sleep(delay / 1000.0)
        if kind == "fails":
            raise RuntimeError(value if isinstance(value, str) and value else CANNED_FAILURE)
        answer: dict[str, Any] = {"value": value, "confidence": confidence}
        if reasoning is not None:
            answer["reasoning"] = reasoning
        return answer  # type: ignore[return-value]


def _constant(expr: ast.Expr) -> Confident:
    """Evaluate a constant expression of a test (inputs, canned answers, options)."""
    lowered = ExprLowering(_Scope()).lower(expr)
    return Interpreter().evaluate(lowered, {})


def _plain(expr: ast.Expr) -> Any:
    return _constant(expr).value


def build_agents(decl: ast.TestDecl, group_capabilities: list[tuple[str, ...]]) -> list[CannedAgent]:
    """The test's canned agents in declaration order (= dispatch order)."""
    every_capability = sorted({c for caps in group_capabilities for c in caps})
    agents = []
    for spec in decl.agents:
        settings = {s.name: s.value for s in spec.settings}
        capabilities = _plain(settings["capabilities"]) if "capabilities" in settings else every_capability
        responses: list[tuple[str, Any, float, str | None, float]] = []
        for response in spec.responses:
            options = {o.name: _plain(o.value) for o in response.options}
            delay = float(options.get("delay", 0) or 0)
            reasoning = options.get("reasoning")
            if response.kind == "fails":
                message = _plain(response.value) if response.value is not None else CANNED_FAILURE
                responses.append(("fails", message, 0.0, None, delay))
            else:
                assert response.value is not None
                answer = _constant(response.value)
                responses.append(("answers", answer.value, answer.confidence, reasoning, delay))
        agent_id = str(_plain(settings["id"])) if "id" in settings else spec.name
        agents.append(
            CannedAgent(
                responses,
                id=agent_id,
                name=str(_plain(settings["name"])) if "name" in settings else agent_id,
                capabilities=capabilities,
                expertise=float(_plain(settings["expertise"])) if "expertise" in settings else 0.7,
                historical_confidence=float(_plain(settings["historical_confidence"]))
                if "historical_confidence" in settings
                else 0.75,
            )
        )
    return agents


def result_values(result: RunResult) -> dict[str, Confident]:
    """What `expect` sees: the output, its confidence, branches taken, calls, warnings, error, escalation."""
    taken = [t for t in result.trace if t.get("kind") == "branch" and (t.get("label") or t.get("arm") is not None)]
    branches = [t.get("label") or f"arm {t['arm'] + 1}" for t in taken]  # a branch where no arm applied is left out
    uncertain = [t.get("label") for t in result.trace if t.get("kind") == "branch" and t.get("form") == "uncertain"]
    error = None if result.error is None else f"{result.error.code}: {result.error.message}"
    return {
        "output": Confident(result.value, result.confidence),
        "confidence": Confident(result.confidence, 1.0),
        "branch": Confident(uncertain[-1] if uncertain else None, 1.0),
        "branches": Confident(branches, 1.0),
        "calls": Confident(int(result.metrics.get("agentCalls", 0)), 1.0),
        "warnings": Confident([w.get("type") for w in result.warnings], 1.0),
        "error": Confident(error, 1.0),
        "escalated": Confident(result.escalation, 1.0),
    }


def _show(value: Any) -> str:
    from parallax_dsl.runtime.values import js_number_to_string

    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return js_number_to_string(value)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


class ExpectationChecker:
    """Evaluates the `expect` lines of one test against a run's result."""

    def __init__(self, case: TestCase, result: RunResult, snapshots: SnapshotStore) -> None:
        self.case = case
        self.result = result
        self.snapshots = snapshots
        self.interpreter = Interpreter()
        self.scope = _Scope()
        names = [*RESULT_NAMES, *(let.name for let in case.decl.lets)]
        self.scope.names.update({name: name for name in names})
        self.values: dict[str, Confident] = result_values(result)
        self.notes: list[str] = []
        self.snapshot_index = 0

    def evaluate(self, expr: ast.Expr) -> Confident:
        return self.interpreter.evaluate(ExprLowering(self.scope).lower(expr), self.values)

    def run(self) -> list[Failure]:
        failures: list[Failure] = []
        for let in self.case.decl.lets:
            try:
                self.values[let.name] = self.evaluate(let.value)
            except PlxRuntimeError as exc:
                return [Failure(f"`let {let.name}` could not be evaluated: {exc.message}", let.span)]
        mentions_error = any(_mentions(e.condition, "error") for e in self.case.decl.expects)
        if self.result.error is not None and not mentions_error:
            return [
                Failure(
                    f"the run failed: {self.result.error.code}: {self.result.error.message}",
                    self.case.decl.name_span,
                    [("hint", 'expect the failure with `expect error != null` or `expect contains(error, "…")`')],
                )
            ]
        for expect in self.case.decl.expects:
            failure = self.check(expect)
            if failure is not None:
                failures.append(failure)
        return failures

    def check(self, expect: ast.Expect) -> Failure | None:
        try:
            if expect.snapshot:
                return self.check_snapshot(expect)
            if expect.within is not None:
                return self.check_within(expect, expect.within)
            value = self.evaluate(expect.condition)
        except PlxRuntimeError as exc:
            return Failure(f"the expectation could not be evaluated: {exc.message}", expect.span)
        from parallax_dsl.confidence import is_truthy

        if is_truthy(value.value):
            return None
        return Failure("expectation failed", expect.span, self.sides(expect.condition))

    def sides(self, condition: ast.Expr) -> list[tuple[str, str]]:
        """For a comparison, the actual value of each side (what a reader needs to see)."""
        if isinstance(condition, ast.Binary) and condition.op in ("==", "!=", "<", "<=", ">", ">=", "in", "not in"):
            try:
                left, right = self.evaluate(condition.left).value, self.evaluate(condition.right).value
            except PlxRuntimeError:
                return []
            return [("actual", _show(left)), ("expected", f"{condition.op} {_show(right)}")]
        if isinstance(condition, ast.Unary) and condition.op == "not":
            try:
                return [("actual", _show(self.evaluate(condition.operand).value))]
            except PlxRuntimeError:
                return []
        return []

    def check_within(self, expect: ast.Expect, within: ast.Expr) -> Failure | None:
        condition = expect.condition
        if not (isinstance(condition, ast.Binary) and condition.op == "=="):
            return Failure("`within` needs an equality, e.g. `expect confidence == 0.85 within 1e-9`", expect.span)
        left, right = self.evaluate(condition.left).value, self.evaluate(condition.right).value
        tolerance = self.evaluate(within).value
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right, tolerance))
        if not numbers:
            return Failure(
                "`within` compares numbers",
                expect.span,
                [("actual", _show(left)), ("expected", _show(right)), ("tolerance", _show(tolerance))],
            )
        if abs(left - right) <= tolerance:
            return None
        return Failure(
            "expectation failed",
            expect.span,
            [
                ("actual", _show(left)),
                ("expected", f"{_show(right)} ± {_show(tolerance)}"),
                ("difference", _show(abs(left - right))),
            ],
        )

    def check_snapshot(self, expect: ast.Expect) -> Failure | None:
        value = self.evaluate(expect.condition).value
        self.snapshot_index += 1
        key = self.case.decl.name if self.snapshot_index == 1 else f"{self.case.decl.name} #{self.snapshot_index}"
        verdict, stored = self.snapshots.compare(key, value)
        if verdict == "written":
            self.notes.append(f"snapshot `{key}` written to {self.snapshots.path}")
            return None
        if verdict == "match":
            return None
        return Failure(
            f"output does not match the snapshot in {self.snapshots.path} (run `plxc test --update` to accept it)",
            expect.span,
            [("actual", _show(value)), ("snapshot", _show(stored))],
        )


def _mentions(expr: ast.Expr, name: str) -> bool:
    from parallax_dsl.ir.checks import _referenced_names

    return name in set(_referenced_names(expr))


@dataclass
class TestTarget:
    """What a test runs: the compiled pattern and the library its `use`s resolve against."""

    pattern: Any
    library: Any
    group_capabilities: list[tuple[str, ...]]


def resolve_target(case: TestCase, cache: dict[str, Any]) -> TestTarget:
    """Compile the test's file (once per file) and find the tested pattern: local, imported or stdlib."""
    from parallax_dsl.runtime.library import PatternLibrary, compile_with_imports

    if case.file not in cache:
        compiled, imported = compile_with_imports(case.file)
        cache[case.file] = (compiled, imported)
    compiled, imported = cache[case.file]
    library = PatternLibrary([*compiled.patterns, *imported])
    pattern = library.resolve(case.decl.pattern)
    groups = [tuple(group.capabilities) for group in pattern.agents.values()]
    return TestTarget(pattern, library, groups)


async def run_case(case: TestCase, target: TestTarget, snapshots: SnapshotStore) -> TestOutcome:
    started = time.perf_counter()
    try:
        agents = build_agents(case.decl, target.group_capabilities)
        inputs = _plain(case.decl.input) if case.decl.input is not None else {}
    except PlxRuntimeError as exc:
        return TestOutcome(case, "error", [Failure(f"the test setup is invalid: {exc.message}", case.decl.span)])
    from parallax_dsl.license import detect_license

    result = await run(
        target.pattern,
        inputs,
        agents,
        library=target.library,
        license=detect_license(),
        agent_timeout=10.0,
        timeout=60.0,
    )
    checker = ExpectationChecker(case, result, snapshots)
    failures = checker.run()
    outcome = TestOutcome(case, "failed" if failures else "passed", failures, checker.notes, result=result)
    outcome.duration = time.perf_counter() - started
    return outcome


def setup_error(case: TestCase, diagnostics: list[Diagnostic] | None, message: str) -> TestOutcome:
    """A test that cannot run (its file does not compile, its pattern is unknown)."""
    span = diagnostics[0].span if diagnostics else case.decl.pattern_span
    return TestOutcome(case, "error", [Failure(message, span)])


def snapshot_path(file: str) -> Path:
    path = Path(file)
    return path.with_name(path.name + ".snapshots.json")
