"""Replay cassettes: deterministic, byte-identical JSON; exhaustion; recording live runs (races included)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from runtime_helpers import OPEN_SOURCE, Scripted, answer, run_text

from parallax_dsl.runtime import Recorder, ReplayAgent, load_agents, load_cassette, run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def replay(name: str, **kwargs: Any) -> str:
    inputs = json.loads((EXAMPLES / "inputs" / f"{name}.json").read_text())
    agents = load_cassette(EXAMPLES / "cassettes" / f"{name}.json")
    result = run_text(str(EXAMPLES / f"{name}.plx"), inputs, agents, license=OPEN_SOURCE, **kwargs)
    assert result.error is None
    return result.to_json_text()


def test_replaying_a_cassette_twice_is_byte_identical() -> None:
    for name in ("consensus_review", "uncertainty_router"):
        assert replay(name) == replay(name)


def test_replayed_consensus_review_result() -> None:
    data = json.loads(replay("consensus_review"))
    assert data["value"] == {
        "type": "moderate_consensus",
        "recommendation": "add a backoff",
        "reviewers": 3,
        "summary": "3 of 3 reviewers answered",
    }
    assert data["confidence"] == 0.8474999999999998
    assert data["warnings"][0]["type"] == "AGENT_LIMIT"
    assert [r["agentId"] for r in data["trace"][0]["results"]] == ["alice", "bob", "carol"]
    assert list(data) == ["value", "confidence", "warnings", "trace", "metrics"]


def test_replay_matches_a_live_run_of_the_demo_agents() -> None:
    inputs = json.loads((EXAMPLES / "inputs" / "uncertainty_router.json").read_text())
    live = run_text(str(EXAMPLES / "uncertainty_router.plx"), inputs, load_agents(str(EXAMPLES / "agents.py")))
    assert live.to_json_text() == replay("uncertainty_router")


def test_timestamps_come_from_the_cassette_else_zero() -> None:
    agents = [
        ReplayAgent([{"result": "x", "confidence": 0.5, "timestamp": 1234}], id="a", capabilities=["analysis"]),
        ReplayAgent([{"result": "y", "confidence": 0.6}], id="b", capabilities=["analysis"]),
    ]
    source = 'pattern P { agents g { capabilities ["analysis"] } fanout s = g.go() output len(s) }'
    result = run_text(source, None, agents)
    assert [r["timestamp"] for r in result.trace[0]["results"]] == [1234, 0]


def test_exhausted_cassette_is_a_clear_run_error() -> None:
    agents = [ReplayAgent([{"result": "x", "confidence": 0.5}], id="only", capabilities=["analysis"])]
    source = """pattern Twice {
      agents g { capabilities ["analysis"] }
      step a = g.go()
      step b = g.go(prev: a.value)
      output b.value
    }"""
    result = run_text(source, None, agents)
    assert result.error is not None
    assert result.error.code == "CASSETTE_EXHAUSTED"
    assert "`only`" in result.error.message and result.error.step == "b"


def test_record_then_replay_reproduces_the_run_including_a_race(tmp_path: Path) -> None:
    source = """pattern Rec {
      input { task: string }
      agents g { capabilities ["analysis"] }
      race first = g.solve(task: input.task) until first.confidence >= 0.7
      fanout all = g.check(task: input.task) retries 1
      output { winner: first.value, checks: all.map(r, r.value) } with confidence confidence(first)
    }"""
    live_agents = [
        Scripted("slow", answers=[answer("slow", 0.99), answer("s-check", 0.8)], delay=0.3),
        Scripted("fast", answers=[answer("fast", 0.8), RuntimeError("flaky"), answer("f-check", 0.7)]),
    ]

    async def record() -> Any:
        recorder = Recorder(live_agents)
        result = await run(source, {"task": "t"}, live_agents, recorder=recorder)
        recorder.save(tmp_path / "cassette.json")
        return result

    live = asyncio.run(record())
    cassette = json.loads((tmp_path / "cassette.json").read_text())
    slow_responses = cassette["agents"][0]["responses"]
    assert slow_responses[0] == {"cancelled": True}  # the race loser never answered
    assert cassette["agents"][1]["responses"][1]["error"] == "RuntimeError: flaky"
    replayed = run_text(source, {"task": "t"}, load_cassette(tmp_path / "cassette.json"))
    assert replayed.to_json_text() == live.to_json_text()
    assert replayed.value == {"winner": "fast", "checks": ["s-check", "f-check"]}
