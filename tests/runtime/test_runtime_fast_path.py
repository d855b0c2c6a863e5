"""The scheduler's fast path for `simple` agent steps (one agent, no `for`, no policy; `_single_now`): the same
results, events and timeouts as the general path, and the cyclic GC left as it was found."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import gc
import pickle
import subprocess
import sys
import time
from typing import Any

import pytest
from runtime_helpers import UNLIMITED, Scripted, answer, run_text

from parallax_dsl.runtime import agent, run, run_sync

CHAIN = """pattern Chain {
  input { task: string }
  agents g { capabilities ["analysis"] }
  step a = g.go(task: input.task)
  step b = g.go(prev: a.value) retries 1 backoff 1ms
  output [a.value, b.value]
}"""


def test_agents_answering_at_once_and_after_a_wait_give_the_same_run() -> None:
    at_once = Scripted("g1", answers=[answer("x", 0.8)])
    waiting = Scripted("g1", answers=[answer("x", 0.8)], delay=0.01)
    first = run_text(CHAIN, {"task": "t"}, [at_once])
    second = run_text(CHAIN, {"task": "t"}, [waiting])
    assert first.value == second.value == ["x", "x"]
    assert first.trace == second.trace
    assert first.metrics == second.metrics
    assert waiting.tasks[1]["args"] == {"prev": "x"}


def test_events_of_a_simple_step_come_in_order() -> None:
    events: list[tuple[str, Any]] = []
    result = run_sync(
        CHAIN,
        {"task": "t"},
        [Scripted("g1", answers=[answer("x", 0.8)])],
        on_event=lambda e: events.append((e["event"], e.get("step"))),
    )
    assert result.ok
    assert events == [
        ("run_started", None),
        ("step_started", "a"),
        ("agent_started", "a"),
        ("agent_answered", "a"),
        ("step_done", "a"),
        ("step_started", "b"),
        ("agent_started", "b"),
        ("agent_answered", "b"),
        ("step_done", "b"),
        ("run_finished", None),
    ]


def test_a_synchronous_failure_with_retries_left_is_retried() -> None:
    flaky = Scripted("g1", answers=[RuntimeError("down"), answer("y", 0.6)])
    result = run_text(CHAIN, {"task": "t"}, [flaky])
    # `a` has no retries: its failed record is its value, and `b` runs once with it
    assert result.value == [None, "y"] and flaky.calls == 2
    assert result.trace[0]["results"][0]["error"] == "RuntimeError: down"
    assert result.metrics["retries"] == 0 and result.metrics["agentFailures"] == 1
    flaky = Scripted("g1", answers=[answer("x", 0.9), RuntimeError("down"), answer("y", 0.6)])
    result = run_text(CHAIN, {"task": "t"}, [flaky])
    assert result.value == ["x", "y"]
    assert result.trace[1]["results"][0]["attempts"] == 2
    assert result.metrics["retries"] == 1


def test_the_timeout_of_a_waiting_step_counts_from_the_start_of_the_call() -> None:
    async def busy_then_wait(task: Any) -> dict[str, Any]:
        time.sleep(0.08)  # work before the first wait counts towards the timeout
        await asyncio.sleep(0.08)
        return {"value": "late", "confidence": 0.9}

    source = """pattern Slow {
      agents g { capabilities ["analysis"] }
      step s = g.go() timeout 120ms
      output s.error
    }"""
    result = run_sync(source, None, [agent(busy_then_wait, capabilities=["analysis"], name="busy")])
    assert result.value == "timed out after 0.12 s"


def test_the_garbage_collector_is_left_as_it_was() -> None:
    agents = [Scripted("g1", answers=[answer("x", 0.8)])]
    assert gc.isenabled()
    assert run_text(CHAIN, {"task": "t"}, agents).ok
    assert gc.isenabled()
    gc.disable()
    try:
        assert run_text(CHAIN, {"task": "t"}, agents).ok
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_scheduler_does_not_import_the_parser() -> None:
    code = (
        "import sys, parallax_dsl.runtime.scheduler; print('lark' in sys.modules, 'parallax_dsl.syntax' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_the_trace_is_built_when_first_read_and_then_kept() -> None:
    async def go() -> tuple[Any, bool]:
        result = await run(CHAIN, {"task": "t"}, [Scripted("g1", answers=[answer("x", 0.8)])], license=UNLIMITED)
        return result, "trace" in vars(result)

    # (asyncio.run may take the repr of its task, and so of the result, when it returns: look before that)
    result, built = asyncio.run(go())
    assert not built
    trace = result.trace
    assert [e["step"] for e in trace] == ["a", "b", "output#1"]
    assert result.trace is trace and vars(result)["trace"] is trace
    result.trace = []
    assert result.trace == [] and result.to_json()["trace"] == []


def test_a_result_whose_trace_was_not_read_copies_pickles_and_compares_as_before() -> None:
    def fresh() -> Any:
        return run_text(CHAIN, {"task": "t"}, [Scripted("g1", answers=[answer("x", 0.8)])])

    built = fresh()
    assert built.trace and built.to_json_text() == fresh().to_json_text()
    assert fresh() == built
    assert copy.deepcopy(fresh()) == built
    assert pickle.loads(pickle.dumps(fresh())) == built
    assert dataclasses.asdict(fresh()) == dataclasses.asdict(built)
    assert dataclasses.replace(fresh()) == built
    assert repr(fresh()) == repr(built)


def test_the_trace_names_the_agent_of_a_step_run_to_its_end_at_once() -> None:
    def trace_of(**kwargs: Any) -> Any:
        agents = [Scripted("g1", answers=[answer("x", 0.8)]), Scripted("g2", answers=[answer("y", 0.7)])]
        return run_text(CHAIN, {"task": "t"}, agents, **kwargs).trace

    quiet = trace_of()
    assert [e.get("agents") for e in quiet] == [["g1"], ["g1"], None]
    assert quiet == trace_of(on_event=lambda e: None)  # the selection kept, as on the general path


def test_a_step_answered_at_once_without_an_event_hook_reports_as_one_with_it() -> None:
    # Without a hook such a step keeps only its record (no CallOutcome): trace, provenance and JSON are the same.
    async def at_once(task: Any) -> dict[str, Any]:
        return {"value": {"n": [1, 2]}, "confidence": 0.6, "reasoning": "r", "timestamp": 42}

    def result_of(**kwargs: Any) -> Any:
        return run_text(CHAIN, {"task": "t"}, [agent(at_once, capabilities=["analysis"], name="q")], **kwargs)

    quiet, hooked = result_of(), result_of(on_event=lambda e: None)
    assert quiet.to_json_text() == hooked.to_json_text()
    assert quiet.trace[0]["results"][0]["timestamp"] == 42
    assert quiet.trace[-1]["provenance"] == {"step": "a", "agent": "at_once"}


FAN = """pattern Fan {
  agents slow { capabilities ["slow"] }
  agents quick { capabilities ["quick"] }
  A
  step b = quick.go(n: 1)
  step c = quick.go(n: 2)
  step d = quick.go(n: 3)
  output [A_VALUE, b.value, c.value, d.value]
}"""


@pytest.mark.parametrize(
    ("step_a", "a_value"),
    [
        ("step a = slow.go() timeout 300ms", "[a.value, a.error]"),  # a `simple` step (_single_now)
        ("fanout a = slow.go(i: i) for i in [1] timeout 300ms", "[a[0].value, a[0].error]"),  # the general path
    ],
)
def test_ready_steps_answering_at_once_do_not_wait_behind_a_step_that_waits(step_a: str, a_value: str) -> None:
    """Ready steps share a task while their agents answer at once; one that has to wait keeps that task, and the
    steps not started yet go on in another: they finish while it waits, and its timeout cancels only its call."""
    finished: list[str] = []
    seen_tasks: list[asyncio.Task[Any] | None] = []

    async def hangs(task: dict[str, Any]) -> dict[str, Any]:
        seen_tasks.append(asyncio.current_task())
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            finished.append("a cancelled")
            raise
        return {"value": "never", "confidence": 0.9}

    async def at_once(task: dict[str, Any]) -> dict[str, Any]:
        finished.append(f"n{task['args']['n']}")
        return {"value": task["args"]["n"], "confidence": 0.8}

    agents = [
        agent(hangs, capabilities=["slow"], name="hangs"),
        agent(at_once, capabilities=["quick"], name="quick"),
    ]
    started = time.perf_counter()
    result = run_sync(FAN.replace("A_VALUE", a_value).replace("A", step_a), None, agents, license=UNLIMITED)
    assert time.perf_counter() - started < 5
    assert result.value == [[None, "timed out after 0.3 s"], 1, 2, 3]
    assert finished == ["n1", "n2", "n3", "a cancelled"]  # in dispatch order, while `a` waits
    assert seen_tasks[0] is not None and seen_tasks[0].done()  # its task did not outlive the run


def test_an_agent_that_waits_runs_in_a_task_no_other_step_is_waiting_in() -> None:
    """`asyncio.timeout()` inside an agent that waits is bound to a task holding only that call."""
    order: list[str] = []

    async def own_timeout(task: dict[str, Any]) -> dict[str, Any]:
        n = task["args"]["n"]
        try:
            async with asyncio.timeout(0.05 if n == 1 else 1):
                await asyncio.sleep(0.2 if n == 1 else 0.01)
        except TimeoutError:
            order.append(f"n{n} gave up")
            return {"value": "gave up", "confidence": 0.1}
        order.append(f"n{n} done")
        return {"value": n, "confidence": 0.9}

    source = """pattern Own {
      agents g { capabilities ["x"] }
      step a = g.go(n: 1)
      step b = g.go(n: 2)
      step c = g.go(n: 3)
      output [a.value, b.value, c.value]
    }"""
    result = run_sync(source, None, [agent(own_timeout, capabilities=["x"], name="own")], license=UNLIMITED)
    assert result.value == ["gave up", 2, 3]
    assert order == ["n2 done", "n3 done", "n1 gave up"]
