"""The language extensions the stdlib patterns need: `agent_result`, `type_of`, `identical`, `merge`, `open_input`,
and result records that keep the cassette's timestamp and leave out a reasoning the agent did not give."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from parallax_dsl.checks.run import check_text
from parallax_dsl.ir.model import Expr
from parallax_dsl.license.model import open_source_info
from parallax_dsl.runtime import ReplayAgent, RunResult, run
from parallax_dsl.runtime.interpreter import evaluate
from parallax_dsl.runtime.values import dumps

UNLIMITED = open_source_info(max_agents=None)


def run_text(source: str, data: Any, agents: list[Any]) -> RunResult:
    return asyncio.run(run(source, data, agents, license=UNLIMITED))


def call(name: str, *args: Any) -> Any:
    e = Expr(op="call", name=name, args=[Expr(op="lit", value=a, args=[]) for a in args])
    return evaluate(e, {}).value


# ---------------------------------------------------------------- type_of, identical, merge


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "null"), (True, "boolean"), (0, "number"), (0.5, "number"), ("", "string"), ([], "list"), ({}, "map")],
)
def test_type_of(value: Any, kind: str) -> None:
    assert call("type_of", value) == kind


def test_type_of_missing() -> None:
    e = Expr(op="call", name="type_of", args=[Expr(op="call", name="first", args=[Expr(op="lit", value=[], args=[])])])
    assert evaluate(e, {}).value == "missing"


def test_identical_is_javascript_strict_equality() -> None:
    assert call("identical", 1, 1.0) is True
    assert call("identical", "a", "a") is True
    assert call("identical", 1, True) is False
    assert call("identical", None, None) is True
    assert call("identical", float("nan"), float("nan")) is False
    assert call("identical", {"a": 1}, {"a": 1}) is False  # two maps are never the same value
    shared = {"a": 1}
    assert call("identical", shared, shared) is True


def test_merge_is_object_spread() -> None:
    assert call("merge", {"a": 1, "b": 2}, {"b": 3, "c": 4}) == {"a": 1, "b": 3, "c": 4}
    assert call("merge", ["x", "y"], {"caveat": "c"}) == {"0": "x", "1": "y", "caveat": "c"}
    assert call("merge", None, 3, True, {"k": 1}) == {"k": 1}


# ---------------------------------------------------------------- agent_result and records

RECORDS = """pattern Records {
  agents pool { capabilities ["analysis"] }
  fanout answers = pool.analyze(task: "t")
  output answers.map(r, agent_result(r))
}"""


def test_agent_result_has_the_upstream_shape_and_the_cassette_timestamp() -> None:
    agents = [
        ReplayAgent(
            [{"result": {"x": 1}, "confidence": 0.9, "reasoning": "because", "timestamp": 1234}],
            id="a",
            name="Agent A",
            capabilities=["analysis", "extra"],
            expertise=0.9,
        ),
        ReplayAgent([{"result": "y", "confidence": 0.6}], id="b", capabilities=["analysis"], expertise=0),
        ReplayAgent([{"result": None, "confidence": 0.5, "error": "boom"}], id="c", capabilities=["analysis"]),
    ]
    result = run_text(RECORDS, None, agents)
    assert result.error is None
    assert json.loads(dumps(result.value)) == [
        {
            "agentId": "a",
            "agentName": "Agent A",
            "capabilities": ["analysis", "extra"],
            "expertise": 0.9,
            "result": {"x": 1},
            "confidence": 0.9,
            "reasoning": "because",
            "timestamp": 1234,
        },
        # no reasoning given: left out, as the upstream's `reasoning: undefined`; expertise 0 reads 0.7 (`||`)
        {
            "agentId": "b",
            "agentName": "b",
            "capabilities": ["analysis"],
            "expertise": 0.7,
            "result": "y",
            "confidence": 0.6,
            "timestamp": 0,
        },
        {
            "agentId": "c",
            "agentName": "c",
            "capabilities": ["analysis"],
            "expertise": 0.7,
            "result": None,
            "confidence": 0,
            "reasoning": "Agent failed to respond",
            "error": "boom",
            "timestamp": 0,
        },
    ]


def test_agent_result_of_a_missing_record_is_missing_and_of_a_plain_value_an_error() -> None:
    source = """pattern P {
      agents pool { capabilities ["analysis"] }
      fanout answers = pool.analyze(task: "t")
      output { none: agent_result(first(answers.filter(r, false))), kind: type_of(agent_result(null)) }
    }"""
    result = run_text(source, None, [ReplayAgent([{"result": 1, "confidence": 1}], id="a", capabilities=["analysis"])])
    assert result.value == {"kind": "null"}
    bad = run_text('pattern Q { output agent_result("text") }', None, [])
    assert bad.error is not None and "needs an agent result record" in bad.error.message


def test_identical_on_answers_compares_the_same_answer_to_itself_only() -> None:
    source = """pattern P {
      agents pool { capabilities ["analysis"] }
      fanout answers = pool.analyze(task: "t")
      let first_decision = answers[0].value.decision ?? null
      output answers.map(r, identical(r.value.decision ?? null, first_decision))
    }"""
    agents = [  # equal answers from two agents (as two cassette entries are)
        ReplayAgent([{"result": {"decision": {"go": True}}, "confidence": 0.9}], id="a", capabilities=["analysis"]),
        ReplayAgent([{"result": {"decision": {"go": True}}, "confidence": 0.9}], id="b", capabilities=["analysis"]),
    ]
    assert run_text(source, None, agents).value == [True, False]


# ---------------------------------------------------------------- open_input

OPEN = """pattern Open {
  open_input true
  input { task: string = "analyze", limit: number = 3 }
  output input
}"""


def test_open_input_keeps_undeclared_fields_and_still_checks_declared_ones() -> None:
    result = run_text(OPEN, {"context": {"k": 1}, "task": "t"}, [])
    assert result.value == {"context": {"k": 1}, "task": "t", "limit": 3}
    bad = run_text(OPEN, {"limit": "many"}, [])
    assert bad.error is not None and bad.error.code == "INVALID_INPUT"
    strict = run_text(OPEN.replace("open_input true", ""), {"context": 1}, [])
    assert strict.error is not None and "unknown input field `context`" in strict.error.message


def test_open_input_is_checked_as_a_boolean_and_lets_use_pass_undeclared_fields() -> None:
    bad = check_text('pattern P { open_input "yes" output 1 }')
    assert [d.code for d in bad.diagnostics] == ["PLX203"]
    source = OPEN + '\npattern User { use o = Open(task: "t", context: 1) output o.value }\n'
    assert [d.code for d in check_text(source).diagnostics] == []
    strict = (
        OPEN.replace("open_input true", "") + '\npattern User { use o = Open(task: "t", context: 1) output o.value }\n'
    )
    assert [d.code for d in check_text(strict).diagnostics] == ["PLX105"]


def test_stdlib_patterns_resolve_from_the_package_folder() -> None:
    from parallax_dsl.stdlib_files import find_stdlib_file, stdlib_dirs

    packaged = stdlib_dirs()[0]
    assert packaged.name == "stdlib" and (packaged / "SimpleConsensus.plx").is_file()
    found = find_stdlib_file("SimpleConsensus")
    assert found is not None and found.resolve() == (
        Path(__file__).parents[2] / "stdlib_patterns" / "SimpleConsensus.plx"
    )
