"""The scheduler: dispatch order, failures, races, lazy branches, for-over, retries, timeouts, composition."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from runtime_helpers import Scripted, answer, compile_text, run_text

import parallax_dsl
from parallax_dsl.emit.document import load_compiled, to_yaml
from parallax_dsl.runtime import LocalExecutor, agent, run

FANOUT = """
pattern Fan {
  input { task: string }
  agents pool { capabilities ["analysis"] }
  fanout answers = pool.analyze(task: input.task) timeout 200ms
  output answers
}
"""


def test_results_keep_dispatch_order_whatever_the_finish_order() -> None:
    agents = [
        Scripted("slow", answers=[answer("s", 0.5)], delay=0.06),
        Scripted("mid", answers=[answer("m", 0.6)], delay=0.03),
        Scripted("fast", answers=[answer("f", 0.7)], delay=0.0),
    ]
    result = run_text(FANOUT, {"task": "t"}, agents)
    assert [r["agent"]["id"] for r in result.value] == ["slow", "mid", "fast"]
    assert [r["value"] for r in result.value] == ["s", "m", "f"]
    assert [r["agentId"] for r in result.trace[0]["results"]] == ["slow", "mid", "fast"]


def test_a_hanging_and_a_crashing_agent_do_not_lose_the_other_results() -> None:
    agents = [
        Scripted("ok1", answers=[answer("a", 0.8)]),
        Scripted("hangs", answers=[answer("never", 0.9)], delay=30),
        Scripted("crashes", answers=[RuntimeError("boom")]),
        Scripted("ok2", answers=[answer("b", 0.7)], delay=0.02),
    ]
    started = time.perf_counter()
    result = run_text(FANOUT, {"task": "t"}, agents)
    assert time.perf_counter() - started < 2
    records = {r["agent"]["id"]: r for r in result.value}
    assert [r["agent"]["id"] for r in result.value] == ["ok1", "hangs", "crashes", "ok2"]
    assert records["ok1"]["value"] == "a" and records["ok2"]["confidence"] == 0.7
    for failed, why in (("hangs", "timed out after 0.2 s"), ("crashes", "RuntimeError: boom")):
        rec = records[failed]
        assert (rec["value"], rec["confidence"], rec["reasoning"], rec["error"]) == (
            None,
            0.0,
            "Agent failed to respond",
            why,
        )
    assert agents[1].cancelled
    assert result.metrics["agentFailures"] == 2


def test_malformed_answers_become_failed_records() -> None:
    agents = [
        Scripted("no-confidence", answers=[{"value": 1}]),
        Scripted("not-a-map", answers=["just text"]),
        Scripted("no-value", answers=[{"confidence": 0.5}]),
        Scripted("reports-error", answers=[{"value": 1, "confidence": 0.9, "error": "quota"}]),
        Scripted("result-key", answers=[{"result": {"x": 1}, "confidence": 0.4}]),
    ]
    result = run_text(FANOUT, {"task": "t"}, agents)
    errors = [r["error"] for r in result.value]
    assert errors[0] == "malformed answer: `confidence` is not a number"
    assert errors[1] == "malformed answer: expected {value, confidence}, got str"
    assert errors[2] == "malformed answer: no `value` (or `result`)"
    assert errors[3] == "quota" and result.value[3]["value"] is None
    assert result.value[4]["value"] == {"x": 1} and result.value[4]["result"] == {"x": 1}


def test_agents_receive_action_args_and_task() -> None:
    agent = Scripted("a")
    run_text(
        """pattern P {
          input { task: string }
          agents g { capabilities ["analysis"] }
          step s = g.review(task: input.task, code: "x = 1", n: 2 * 3)
          output s.value
        }""",
        {"task": "Review it"},
        [agent],
    )
    task = agent.tasks[0]
    assert task["action"] == "review"
    assert task["args"] == {"task": "Review it", "code": "x = 1", "n": 6}
    assert task["task"] == "Review it"


def test_data_steps_start_when_their_own_dependencies_finish_not_by_layer() -> None:
    log: list[tuple[str, float]] = []

    def stamp(name: str, value: str) -> Any:
        def answer_fn(task: Any) -> Any:
            log.append((name, time.perf_counter()))
            return {"value": value, "confidence": 0.9}

        return answer_fn

    slow = Scripted("slow", ["slow"], answers=[stamp("slow", "s")], delay=0.3)
    fast = Scripted("fast", ["fast"], answers=[stamp("fast", "f")])
    after = Scripted("after", ["after"], answers=[stamp("after", "a")])
    source = """pattern P {
      agents s { capabilities ["slow"] }
      agents f { capabilities ["fast"] }
      agents a { capabilities ["after"] }
      step one = s.go()
      step two = f.go()
      let two_value = two.value
      step three = a.go(prev: two_value)
      output [one.value, three.value]
    }"""
    started = time.perf_counter()
    result = run_text(source, None, [slow, fast, after])
    assert result.value == ["s", "a"]
    called = dict(log)
    # `three` depends only on `two`: it was called long before `one`'s slow agent answered.
    assert called["after"] - started < 0.2
    assert after.tasks[0]["args"] == {"prev": "f"}


def test_race_takes_the_first_qualifying_answer_and_cancels_the_rest() -> None:
    slow = Scripted("slow", answers=[answer("late", 0.99)], delay=5)
    unsure = Scripted("unsure", answers=[answer("meh", 0.3)])
    good = Scripted("good", answers=[answer("yes", 0.8)], delay=0.02)
    source = """pattern R {
      agents g { capabilities ["analysis"] }
      race quick = g.solve() until quick.confidence >= 0.7
      output quick.value with confidence confidence(quick)
    }"""
    started = time.perf_counter()
    result = run_text(source, None, [slow, unsure, good])
    assert time.perf_counter() - started < 2
    assert (result.value, result.confidence) == ("yes", 0.8)
    assert slow.cancelled
    statuses = [r.get("status", "ok") for r in result.trace[0]["results"]]
    assert statuses == ["cancelled", "ok", "ok"]
    assert result.metrics["cancelled"] == 1
    assert result.trace[0]["winners"] == ["good"]


def test_race_without_a_qualifying_answer_takes_the_most_confident() -> None:
    agents = [
        Scripted("a", answers=[answer("a", 0.5)], delay=0.02),
        Scripted("b", answers=[answer("b", 0.6)]),
        Scripted("c", answers=[answer("c", 0.6)], delay=0.01),
    ]
    source = """pattern R {
      agents g { capabilities ["analysis"] }
      race quick = g.solve() until quick.confidence >= 0.9
      output quick.value
    }"""
    result = run_text(source, None, agents)
    assert result.value == "b"  # 0.6 tie: b comes first in dispatch order
    assert result.trace[0]["raceOutcome"] == "no answer met `until`; the most confident answer wins"


BRANCHES = """
pattern Lazy {
  input { c: number }
  agents probe { capabilities ["probe"] }
  agents hi { capabilities ["hi"] }
  agents lo { capabilities ["lo"] }
  let level = 1 with confidence input.c
  uncertain level {
    high => { step h = hi.go()  output h.value }
    medium => { step m = lo.go()  output m.value }
    low => escalate to human "too unsure"
  }
}
"""


def test_agents_in_branches_not_taken_are_never_called() -> None:
    hi, lo = Scripted("hi", ["hi"]), Scripted("lo", ["lo"])
    result = run_text(BRANCHES, {"c": 0.9}, [hi, lo])
    assert result.value == "hi"
    assert (hi.calls, lo.calls) == (1, 0)
    assert [e["step"] for e in result.trace] == ["level", "uncertain#1", "uncertain#1:0/h", "uncertain#1:0/output#1"]
    result = run_text(BRANCHES, {"c": 0.2}, [hi, lo])
    assert (hi.calls, lo.calls) == (1, 0)
    assert result.status == "escalated"
    assert (result.value, result.confidence) == (None, 0.0)
    assert result.escalation == {"to": "human", "reason": "too unsure"}
    assert result.to_json()["escalation"] == {"to": "human", "reason": "too unsure"}


def test_match_and_if_statements_fall_through_and_pick_arms() -> None:
    source = """pattern M {
      input { kind: string, n: number }
      match input.kind {
        "bug" => output "fix it"
        else => { let note = "not a bug" }
      }
      if input.n > 10 { output "big" } else if input.n > 5 { output "medium" } else { fail "too small: ${input.n}" }
    }"""
    assert run_text(source, {"kind": "bug", "n": 1}).value == "fix it"
    assert run_text(source, {"kind": "question", "n": 11}).value == "big"
    assert run_text(source, {"kind": "question", "n": 6}).value == "medium"
    failed = run_text(source, {"kind": "question", "n": 2.5})
    assert failed.error is not None
    assert (failed.error.code, failed.error.message) == ("PATTERN_FAILED", "too small: 2.5")


def test_running_out_of_statements_is_no_result() -> None:
    result = run_text('pattern N { input { k: string } match input.k { "a" => output 1 } }', {"k": "b"})
    assert result.error is not None and result.error.code == "NO_RESULT"


def test_for_over_a_list_keeps_item_order_and_assigns_round_robin() -> None:
    def echo(task: Any) -> Any:
        return {"value": task["args"]["text"].upper(), "confidence": 0.9}

    a = Scripted("a", answers=[echo], delay=0.03)
    b = Scripted("b", answers=[echo])
    source = """pattern F {
      input { items: list[string] }
      agents g { capabilities ["analysis"] }
      fanout out = g.shout(text: item) for item in input.items
      output out.map(r, r.value)
    }"""
    result = run_text(source, {"items": ["w", "x", "y", "z", "q"]}, [a, b])
    assert result.value == ["W", "X", "Y", "Z", "Q"]
    assert [r["agentId"] for r in result.trace[0]["results"]] == ["a", "b", "a", "b", "a"]
    assert run_text(source, {"items": []}, []).value == []


def test_retries_back_off_exponentially_then_succeed() -> None:
    flaky = Scripted("flaky", answers=[RuntimeError("1"), RuntimeError("2"), answer("ok", 0.9)])
    source = """pattern Retry {
      agents g { capabilities ["analysis"] }
      step s = g.go() retries 3 backoff 20ms
      output s.value
    }"""
    started = time.perf_counter()
    result = run_text(source, None, [flaky])
    elapsed = time.perf_counter() - started
    assert result.value == "ok"
    assert flaky.calls == 3
    assert elapsed >= 0.06  # 20 ms + 40 ms
    assert result.trace[0]["results"][0]["attempts"] == 3
    assert result.metrics["retries"] == 2


def test_retries_exhausted_keep_the_failed_record() -> None:
    broken = Scripted("broken", answers=[RuntimeError("still down")])
    source = """pattern Retry {
      agents g { capabilities ["analysis"] }
      step s = g.go() retries 1 backoff 1ms
      output { v: s.value, e: s.error }
    }"""
    result = run_text(source, None, [broken])
    assert broken.calls == 2
    assert result.value == {"v": None, "e": "RuntimeError: still down"}


def test_whole_run_timeout_leaves_no_task_running() -> None:
    hanging = Scripted("hanging", answers=[answer("x", 1.0)], delay=30)

    async def main() -> Any:
        result = await run(
            """pattern Slow { agents g { capabilities ["analysis"] } step s = g.go() output s.value }""",
            None,
            [hanging],
            timeout=0.1,
        )
        await asyncio.sleep(0)
        leftovers = asyncio.all_tasks() - {asyncio.current_task()}
        return result, leftovers

    started = time.perf_counter()
    result, leftovers = asyncio.run(main())
    assert time.perf_counter() - started < 2
    assert result.error is not None and result.error.code == "RUN_TIMEOUT"
    assert result.error.message == "the run did not finish within 0.1 s"
    assert leftovers == set()
    assert hanging.cancelled


def test_whole_run_timeout_cancels_every_waiting_step_and_leaves_no_task() -> None:
    """Waiting steps each keep a task (the others were handed on before each wait); a timeout ends them all."""
    calls: list[str] = []
    cancelled: list[str] = []

    async def hangs(task: dict[str, Any]) -> dict[str, Any]:
        calls.append(task["step"])
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(task["step"])
            raise
        return {"value": "late", "confidence": 0.9}

    source = """pattern Slow {
      agents g { capabilities ["analysis"] }
      step a = g.go()
      step b = g.go()
      step c = g.go()
      step d = g.go(after: a.value)
      output [a.value, b.value, c.value, d.value]
    }"""

    async def main() -> Any:
        result = await run(source, None, [agent(hangs, capabilities=["analysis"], name="h")], timeout=0.1)
        await asyncio.sleep(0)
        return result, asyncio.all_tasks() - {asyncio.current_task()}

    result, leftovers = asyncio.run(main())
    assert result.error is not None and result.error.code == "RUN_TIMEOUT"
    assert leftovers == set()
    assert calls == ["a", "b", "c"] and sorted(cancelled) == ["a", "b", "c"]


def test_pattern_timeout_setting_applies() -> None:
    hanging = Scripted("hanging", answers=[answer("x", 1.0)], delay=30)
    source = """pattern Slow { timeout 100ms agents g { capabilities ["analysis"] } step s = g.go() output s.value }"""
    result = run_text(source, None, [hanging])
    assert result.error is not None and result.error.code == "RUN_TIMEOUT"


def test_not_enough_agents_names_both_numbers() -> None:
    source = """pattern Few {
      agents g { capabilities ["analysis", "expert"] min 3 }
      fanout s = g.go()
      output len(s)
    }"""
    agents = [Scripted("a", ["analysis", "expert"]), Scripted("b", ["analysis"]), Scripted("c", ["analysis", "expert"])]
    result = run_text(source, None, agents)
    assert result.error is not None
    assert result.error.code == "NOT_ENOUGH_AGENTS"
    assert result.error.message == "Not enough agents available. Required: 3, Available: 2"
    single = run_text('pattern One { agents g { capabilities ["x"] } step s = g.go() output s }', None, agents)
    assert single.error is not None
    assert single.error.message == "Not enough agents available. Required: 1, Available: 0"


def test_selection_requires_all_capabilities_prefers_and_cuts_to_max() -> None:
    agents = [
        Scripted("low", ["analysis", "python"], expertise=0.5),
        Scripted("other", ["analysis"], expertise=0.99),
        Scripted("high", ["analysis", "python"], expertise=0.9),
        Scripted("mid", ["analysis", "python"], expertise=0.7),
    ]
    source = """pattern Pick {
      agents g { capabilities ["analysis", "python"] prefer "expertise" max 2 }
      fanout s = g.go()
      output s.map(r, r.agent.id)
    }"""
    assert run_text(source, None, agents).value == ["high", "mid"]


def test_escalate_to_a_group_asks_its_first_agent() -> None:
    lead = Scripted("lead", ["lead"], answers=[answer("handled by lead", 0.95)])
    source = """pattern Up {
      input { task: string }
      agents leads { capabilities ["lead"] }
      if input.task == "easy" { output "done" }
      escalate to leads "please decide: ${input.task}"
    }"""
    result = run_text(source, {"task": "ship?"}, [lead])
    assert result.status == "escalated"
    assert (result.value, result.confidence) == ("handled by lead", 0.95)
    assert result.escalation == {"to": "leads", "reason": "please decide: ship?", "agent": "lead"}
    task = lead.tasks[0]
    assert task["action"] == "escalate"
    assert task["task"].startswith("please decide: ship?")
    assert task["args"]["input"] == {"task": "ship?"}


def test_the_run_waits_for_every_activated_step_and_reports_failures_deterministically() -> None:
    slow = Scripted("slow", ["slow"], answers=[answer("s", 0.9)], delay=0.05)
    source = """pattern Settle {
      agents s { capabilities ["slow"] }
      step unused = s.go()
      let broken = synthesize([])
      let fine = 1
      output fine
    }"""
    result = run_text(source, None, [slow])
    assert slow.calls == 1
    assert result.error is not None and result.error.code == "EXPRESSION_ERROR" and result.error.step == "broken"
    assert [(e["step"], e.get("status", "done")) for e in result.trace] == [
        ("unused", "done"),
        ("broken", "failed"),
        ("fine", "done"),
        ("output#1", "done"),
    ]


def test_dependents_of_a_failed_step_are_skipped() -> None:
    result = run_text("pattern S { let a = synthesize([])  let b = a.value  output b }")
    assert result.error is not None and result.error.step == "a"
    assert [e.get("status") for e in result.trace] == ["failed", "skipped"]


def test_custom_executor_sees_every_call() -> None:
    class Counting(LocalExecutor):
        def __init__(self) -> None:
            self.seen: list[tuple[str, float | None]] = []

        async def call_agent(self, agent: Any, task: Any, timeout: float | None) -> Any:
            self.seen.append((agent.id, timeout))
            return await super().call_agent(agent, task, timeout)

    executor = Counting()
    agents = [Scripted("a"), Scripted("b")]
    result = asyncio.run(run(FANOUT, {"task": "t"}, agents, executor=executor))
    assert result.error is None
    assert executor.seen == [("a", 0.2), ("b", 0.2)]


def test_compiled_yaml_runs_like_the_source() -> None:
    source = """pattern Y {
      input { task: string, n: integer = 2 }
      agents g { capabilities ["analysis"] }
      fanout s = g.go(task: input.task)
      let best_one = synthesize(s)
      output { v: best_one.value, n: input.n } with confidence confidence(best_one)
    }"""
    compiled = parallax_dsl.compile_file(source)
    reloaded = load_compiled(to_yaml(compiled))

    def agents() -> list[Scripted]:
        return [Scripted("a", answers=[answer("x", 0.6)]), Scripted("b", answers=[answer("y", 0.8)])]

    direct = run_text(source, {"task": "t"}, agents())
    via_yaml = asyncio.run(run(reloaded, {"task": "t"}, agents()))
    assert direct.to_json_text() == via_yaml.to_json_text()
    assert (direct.value, direct.confidence) == ({"v": "y", "n": 2}, 0.8)


def test_use_runs_local_and_imported_patterns(tmp_path: Path) -> None:
    (tmp_path / "lib.plx").write_text(
        "pattern Shout { input { text: string } output upper(input.text) with confidence 0.7 }", encoding="utf-8"
    )
    main = tmp_path / "main.plx"
    main.write_text(
        """import "lib.plx"
        pattern Main {
          input { text: string }
          use loud = Shout(text: input.text)
          use twice = Twice(text: input.text)
          output { loud: loud.value, twice: twice.value, pattern: loud.pattern } with confidence confidence(loud)
        }
        pattern Twice { input { text: string } output "${input.text}${input.text}" }
        """,
        encoding="utf-8",
    )
    result = asyncio.run(run(main, {"text": "hi"}))
    assert result.error is None
    assert result.value == {"loud": "HI", "twice": "hihi", "pattern": "Shout"}
    assert result.confidence == 0.7
    use_entry = next(e for e in result.trace if e["step"] == "loud")
    assert use_entry["pattern"] == "Shout" and use_entry["trace"][0]["kind"] == "output"


def test_use_of_a_missing_stdlib_pattern_is_unknown_pattern(tmp_path: Path) -> None:
    from parallax_dsl.runtime import PatternLibrary

    source = """pattern U { input { task: string } use v = SimpleConsensus(task: input.task) output v.value }"""
    result = asyncio.run(run(source, {"task": "t"}, library=PatternLibrary(stdlib=[tmp_path])))  # an empty stdlib
    assert result.error is not None
    assert result.error.code == "UNKNOWN_PATTERN"
    assert "SimpleConsensus" in result.error.message


def test_use_finds_stdlib_files(tmp_path: Path) -> None:
    from parallax_dsl.runtime import PatternLibrary

    (tmp_path / "simple_consensus.plx").write_text(
        'pattern SimpleConsensus { input { task: string } output "ok: ${input.task}" }', encoding="utf-8"
    )
    library = PatternLibrary(stdlib=[tmp_path])
    source = """pattern U { input { task: string } use v = SimpleConsensus(task: input.task) output v.value }"""
    result = asyncio.run(run(source, {"task": "t"}, library=library))
    assert result.value == "ok: t"
    direct = asyncio.run(run("stdlib:SimpleConsensus", {"task": "x"}, library=PatternLibrary(stdlib=[tmp_path])))
    assert direct.value == "ok: x"


def test_trace_and_provenance_name_the_agent_that_set_the_confidence() -> None:
    agents = [Scripted("a", answers=[answer("x", 0.6)]), Scripted("b", answers=[answer("y", 0.85)])]
    source = """pattern Prov {
      agents g { capabilities ["analysis"] }
      fanout s = g.go()
      let top = synthesize(s)
      output top.value with confidence confidence(top)
    }"""
    result = run_text(source, None, agents)
    output = result.trace[-1]
    assert output["kind"] == "output" and output["confidenceFrom"] == "explicit"
    assert output["provenance"] == {"step": "s", "agent": "b"}


@pytest.mark.parametrize("prefer", ["confidence"])
def test_prefer_confidence_sorts_by_historical_confidence(prefer: str) -> None:
    agents = [Scripted("a", historical_confidence=0.5), Scripted("b", historical_confidence=0.9)]
    source = (
        f"""pattern P {{ agents g {{ capabilities ["analysis"] prefer "{prefer}" }} step s = g.go() output s.value }}"""
    )
    assert run_text(source, None, agents).value == "b"


def test_compile_helper_produces_the_ir_the_scheduler_reads() -> None:
    p = compile_text(FANOUT)
    assert [s.kind for s in p.steps] == ["agent", "output"]


def test_a_stdlib_pattern_that_does_not_compile_is_unknown_pattern(tmp_path: Path) -> None:
    from parallax_dsl.runtime import PatternLibrary

    (tmp_path / "SimpleConsensus.plx").write_text("pattern SimpleConsensus { output nope }", encoding="utf-8")
    source = "pattern U { use b = SimpleConsensus() output b.value }"
    result = asyncio.run(run(source, None, library=PatternLibrary(stdlib=[tmp_path])))
    assert result.error is not None and result.error.code == "UNKNOWN_PATTERN"
    assert "does not compile" in result.error.message and "undefined name `nope`" in result.error.message


def test_a_fanout_over_an_empty_group_is_an_empty_list() -> None:
    source = 'pattern E { agents g { capabilities ["zz"] } fanout s = g.go() output { n: len(s) } }'
    result = run_text(source)
    assert (result.value, result.error) == ({"n": 0}, None)
