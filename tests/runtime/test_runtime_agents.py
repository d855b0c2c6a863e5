"""Agent adapters and loading: @agent functions (sync and async), AGENTS lists, modules, entry points, cassettes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from runtime_helpers import Scripted, answer, run_text

from parallax_dsl.runtime import (
    Agent,
    FunctionAgent,
    HttpAgent,
    PlxRuntimeError,
    agent,
    entry_point_agents,
    load_agents,
    load_cassette,
    run_sync,
)
from parallax_dsl.runtime.agents import openai_answer, task_text

MODULE = """
import asyncio
from parallax_dsl.runtime import agent

@agent(capabilities=["analysis"], expertise=0.9, name="Sync Sam")
def sam(task):
    return {"value": "sam:" + task["args"]["task"], "confidence": 0.8}

@agent(capabilities=["analysis"], historical_confidence=0.6)
async def ada(task):
    await asyncio.sleep(0)
    return {"value": "ada", "confidence": 0.7, "reasoning": "async"}

def helper():
    return None
"""

ASK = """pattern Ask {
  input { task: string }
  agents pool { capabilities ["analysis"] }
  fanout answers = pool.answer(task: input.task)
  output answers.map(r, [r.agent.id, r.agent.name, r.value, r.confidence, r.reasoning])
}"""


def test_decorated_functions_are_discovered_in_definition_order(tmp_path: Path) -> None:
    path = tmp_path / "my_agents.py"
    path.write_text(MODULE, encoding="utf-8")
    agents = load_agents(str(path))
    assert [a.id for a in agents] == ["sam", "ada"]
    assert (agents[0].name, agents[0].expertise, agents[0].historicalConfidence) == ("Sync Sam", 0.9, 0.75)
    assert (agents[1].name, agents[1].expertise, agents[1].historicalConfidence) == ("ada", 0.7, 0.6)
    result = run_text(ASK, {"task": "t"}, agents)
    # sam gave no reasoning: the record's `reasoning` is missing (null inside a list)
    assert result.value == [["sam", "Sync Sam", "sam:t", 0.8, None], ["ada", "ada", "ada", 0.7, "async"]]


def test_modules_import_by_name_and_agents_lists_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "listed_agents_mod.py").write_text(
        MODULE + "\nAGENTS = [ada, {'id': 'remote', 'capabilities': ['analysis'], 'url': 'http://127.0.0.1:9'}]\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    agents = load_agents("listed_agents_mod")
    assert [a.id for a in agents] == ["ada", "remote"]
    assert isinstance(agents[1], HttpAgent) and agents[1].kind == "json"
    sys.modules.pop("listed_agents_mod", None)


def test_loading_errors_are_agents_errors(tmp_path: Path) -> None:
    with pytest.raises(PlxRuntimeError, match="cannot import agents module `no_such_module_xyz`"):
        load_agents("no_such_module_xyz")
    with pytest.raises(PlxRuntimeError, match="agents file not found"):
        load_agents(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.py"
    bad.write_text("AGENTS = [42]\n", encoding="utf-8")
    with pytest.raises(PlxRuntimeError, match="42 is not an agent") as info:
        load_agents(str(bad))
    assert info.value.code == "AGENTS_ERROR"
    weird = tmp_path / "weird.json"
    weird.write_text(json.dumps([{"id": "x", "url": "http://h", "kind": "grpc"}]), encoding="utf-8")
    with pytest.raises(PlxRuntimeError, match="kind must be `openai` or `json`"):
        load_agents(str(weird))


def test_agent_objects_satisfy_the_protocol() -> None:
    @agent(capabilities=["x"])
    def plain(task: Any) -> Any:
        return {"value": 1, "confidence": 1.0}

    assert isinstance(plain, FunctionAgent) and isinstance(plain, Agent)
    assert isinstance(Scripted("s"), Agent)


def test_entry_points_provide_agents(monkeypatch: pytest.MonkeyPatch) -> None:
    @agent(capabilities=["analysis"])
    def from_plugin(task: Any) -> Any:
        return {"value": "plugin", "confidence": 0.9}

    points = [
        SimpleNamespace(name="b", load=lambda: [from_plugin]),
        SimpleNamespace(name="a", load=lambda: from_plugin),
    ]
    monkeypatch.setattr(
        "importlib.metadata.entry_points", lambda group: points if group == "parallax_dsl.agents" else []
    )
    assert [a.id for a in entry_point_agents()] == ["from_plugin", "from_plugin"]


def test_cassette_loading_validates_the_document(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"agents": [{"id": "a", "responses": "nope"}]}', encoding="utf-8")
    with pytest.raises(PlxRuntimeError, match="responses must be a list"):
        load_cassette(path)
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(PlxRuntimeError, match="a cassette is an object with an `agents` list"):
        load_cassette(path)


def test_openai_answer_and_task_text() -> None:
    assert openai_answer({"choices": [{"message": {"content": "x\nconfidence: 0.4"}}]}) == {
        "value": "x",
        "confidence": 0.4,
        "reasoning": "",
    }
    with pytest.raises(ValueError, match="not a chat-completions reply"):
        openai_answer({"oops": 1})
    text = task_text({"action": "review", "task": "Look", "args": {"task": "Look", "code": "x"}})
    assert text == 'Action: review\n\nLook\n\nArguments:\n{\n  "code": "x"\n}'


def test_run_sync_events_and_use_escalation() -> None:
    events: list[str] = []
    source = """pattern Outer {
      use inner = Inner()
      output { status: inner.escalation.to, v: inner.value }
    }
    pattern Inner { let c = 1 with confidence 0.1 uncertain c { high => output 1  else => escalate "unsure" } }"""
    result = run_sync(source, None, [], on_event=lambda e: events.append(e["event"]))
    assert result.value == {"status": "human", "v": None}
    assert events[0] == "run_started" and events[-1] == "run_finished"
    assert "branch" in events


def test_escalating_to_an_empty_group_is_surfaced_to_a_human() -> None:
    source = """pattern Up {
      input { x: number }
      agents leads { capabilities ["lead"] }
      if input.x > 1 { output 1 }
      escalate to leads "nobody home"
    }"""
    result = run_text(source, {"x": 0}, [Scripted("w", ["work"], answers=[answer(1, 1.0)])])
    assert result.escalation == {"to": "human", "reason": "nobody home", "requested": "leads"}
    assert result.warnings[0]["type"] == "ESCALATION_UNROUTED"
