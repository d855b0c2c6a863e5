"""Random runs of a pattern with replayed agents, for the soundness test and the tightness report.

A run is generated from declared ranges only: every agent group of the pattern (and of the patterns it uses) gets
agents with its capabilities, each replaying a cassette of answers whose confidences lie in the declared ranges of
every group the agent qualifies for ([0, 1] when none is declared); some calls fail. Inputs follow the declared
input types. Command oracles are replaced by a random signal (the analysis treats them as [0, 1] or as their
pass/fail confidences). The run is executed by `parallax_dsl.runtime`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from parallax_dsl.analysis import Library, PatternAnalysis, analyse_pattern, from_model
from parallax_dsl.analysis.engine import default_stdlib_dirs
from parallax_dsl.ir import model as ir

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The real stdlib folders first; the fixtures' stand-in SimpleConsensus only while stdlib_patterns/ does not exist.
STDLIB_DIRS = [*default_stdlib_dirs(), FIXTURES / "stdlib"]

VALUES = st.one_of(
    st.sampled_from(["bug", "question", "yes", "no", "", "VERDICT: approve\nCONFIDENCE: 0.7", "VERDICT: reject"]),
    st.integers(-3, 3),
    st.floats(-2, 2, allow_nan=False),
    st.none(),
    st.booleans(),
    st.fixed_dictionaries({"recommendation": st.sampled_from(["ship", "hold"])}),
    st.fixed_dictionaries({"kind": st.sampled_from(["bug", "question", "other"])}),
    # a result-shaped answer value: read out of a list or map it carries its own confidence
    st.fixed_dictionaries({"value": st.sampled_from(["a", "b"]), "confidence": st.floats(0, 1)}),
    st.lists(st.sampled_from(["a", "b"]), max_size=3),
)


def pattern_files() -> list[Path]:
    """Every example, every stdlib pattern (when the folder exists), the valid corpus and the fixtures."""
    files = [
        *sorted((ROOT / "examples").glob("*.plx")),
        *sorted((ROOT / "examples/shared").glob("*.plx")),
        *sorted((ROOT / "stdlib_patterns").glob("*.plx")),
        *sorted((ROOT / "tests/syntax/corpus/valid").glob("*.plx")),
        *sorted(FIXTURES.rglob("*.plx")),
    ]
    return [f for f in files if f.is_file()]


@dataclass
class Target:
    path: Path
    pattern: ir.CompiledPattern
    library: Any  # parallax_dsl.runtime.PatternLibrary

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}::{self.pattern.name}"

    def __repr__(self) -> str:
        return f"Target({self.id})"

    def analysis(self, agent_limit: int | None) -> PatternAnalysis:
        views = [from_model(p) for p in self.library.patterns.values()]
        return analyse_pattern(from_model(self.pattern), Library(views, STDLIB_DIRS), agent_limit)

    def groups(self) -> Iterator[ir.AgentGroup]:
        """The agent groups of the pattern and of every local pattern it can reach through `use`."""
        seen: set[str] = set()
        stack = [self.pattern]
        while stack:
            p = stack.pop()
            if p.name in seen:
                continue
            seen.add(p.name)
            yield from p.agents.values()
            for step in p.steps:
                if isinstance(step, ir.UseStep):
                    try:
                        stack.append(self.library.resolve(step.pattern))
                    except Exception:  # an unknown pattern: the run fails, the analysis says "unknown"
                        continue


def targets() -> list[Target]:
    from parallax_dsl.runtime import PatternLibrary
    from parallax_dsl.runtime.library import compile_with_imports
    from parallax_dsl.runtime.scheduler import resolve_pattern

    out = []
    for path in pattern_files():
        compiled, _ = compile_with_imports(path)
        for p in compiled.patterns:
            pattern, library = resolve_pattern(path, p.name, PatternLibrary(stdlib=STDLIB_DIRS))
            out.append(Target(path, pattern, library))
    return out


# ------------------------------------------------------------------------------------------------ generation


def _type_values(text: str) -> st.SearchStrategy[Any]:
    from parallax_dsl.runtime.inputs import parse_type

    return _tree_values(parse_type(text))


def _tree_values(tree: tuple[str, tuple[Any, ...]]) -> st.SearchStrategy[Any]:
    name, args = tree
    inner = _tree_values(args[0]) if args else VALUES
    if name == "string":
        return st.sampled_from(["", "t", "bug", "Review the loop"])
    if name == "number":
        return st.one_of(st.floats(-5, 5, allow_nan=False), st.sampled_from([0, 0.5, 0.7, 1]))
    if name == "integer":
        return st.integers(-2, 5)
    if name == "boolean":
        return st.booleans()
    if name == "list":
        return st.lists(inner, max_size=4)
    if name == "map":
        return st.dictionaries(st.sampled_from(["a", "b", "value", "confidence", "tokens"]), inner, max_size=3)
    if name == "optional":
        return st.one_of(st.none(), inner)
    return VALUES


def inputs(pattern: ir.CompiledPattern) -> st.SearchStrategy[Any]:
    if not pattern.input_declared and not pattern.input:
        return st.one_of(st.none(), st.dictionaries(st.sampled_from(["task", "message", "user"]), VALUES, max_size=3))
    fields: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, f in pattern.input.items():
        (fields if f.required else optional)[name] = _type_values(f.type)
    return st.fixed_dictionaries(fields, optional=optional)


@dataclass
class Scenario:
    input: Any
    cassette: dict[str, Any]
    oracle_signals: list[float]
    failures_served: int = 0


def _range_for(caps: set[str], groups: list[ir.AgentGroup]) -> tuple[float, float] | None:
    """The declared ranges of every group an agent with `caps` qualifies for, intersected (None: empty)."""
    lo, hi = 0.0, 1.0
    for g in groups:
        if set(g.capabilities) <= caps and g.confidence is not None:
            lo, hi = max(lo, g.confidence[0]), min(hi, g.confidence[1])
    return (lo, hi) if lo <= hi else None


@st.composite
def scenarios(draw: st.DrawFn, target: Target, failure_rate: float = 0.15) -> Scenario:
    groups = list(target.groups())
    agents = []
    index = 0
    for group in groups:
        count = draw(st.integers(group.min, group.min + 3), label="agents")
        for _ in range(count):
            index += 1
            caps = set(group.capabilities)
            if draw(st.booleans(), label="extra capability"):
                caps.add(draw(st.sampled_from(sorted({c for g in groups for c in g.capabilities} | {"x"}))))
            bounds = _range_for(caps, groups)
            if bounds is None:
                continue
            responses = []
            for _ in range(12):
                if draw(st.floats(0, 1), label="fail?") < failure_rate:
                    responses.append({"error": "agent crashed", "result": None, "confidence": 0})
                    continue
                c = draw(st.one_of(st.floats(*bounds), st.sampled_from(bounds)), label="confidence")
                responses.append({"result": draw(VALUES, label="value"), "confidence": c, "reasoning": ""})
            agents.append(
                {
                    "id": f"a{index}",
                    "capabilities": sorted(caps),
                    "expertise": draw(st.floats(0, 1), label="expertise"),
                    "responses": responses,
                }
            )
    signals = draw(st.lists(st.floats(0, 1), min_size=8, max_size=8), label="oracles")
    return Scenario(draw(inputs(target.pattern), label="input"), {"agents": agents}, signals)


# ------------------------------------------------------------------------------------------------ running


@dataclass
class Outcome:
    status: str
    confidence: float | None
    calls: int
    failures: int
    error: str | None


def run(target: Target, scenario: Scenario, agent_limit: int | None, tmp: Path) -> Outcome:
    from parallax_dsl.license.model import open_source_info
    from parallax_dsl.runtime import load_cassette, scheduler
    from parallax_dsl.runtime import run as run_pattern
    from parallax_dsl.runtime.policy import OracleResult

    path = tmp / "cassette.json"
    path.write_text(json.dumps(scenario.cassette), encoding="utf-8")
    agents = load_cassette(path)
    signals = iter(scenario.oracle_signals * 8)

    async def oracle(command: str, **options: Any) -> OracleResult:
        if options.get("score"):
            return OracleResult("command", next(signals), "random score")
        passed = next(signals) >= 0.5
        key = "pass_confidence" if passed else "fail_confidence"
        return OracleResult("command", min(1.0, max(0.0, float(options[key]))), "random pass/fail")

    original = scheduler.run_command_oracle
    scheduler.run_command_oracle = oracle  # type: ignore[assignment]
    try:
        result = asyncio.run(
            run_pattern(
                target.pattern,
                scenario.input,
                agents,
                license=open_source_info(max_agents=agent_limit),
                library=target.library,
                agent_timeout=5,
            )
        )
    finally:
        scheduler.run_command_oracle = original  # type: ignore[assignment]
    failures = int(result.metrics.get("agentFailures", 0)) + int(result.metrics.get("retries", 0))
    return Outcome(
        result.status,
        None if result.error is not None else result.confidence,
        int(result.metrics.get("agentCalls", 0)),
        failures,
        None if result.error is None else f"{result.error.code}: {result.error.message}",
    )
