"""A group's declared confidence range (`agents g { confidence lo..hi }`) at run time: an answer outside it is kept
as it is and warned about (CONFIDENCE_OUT_OF_RANGE), on every path an agent is called by."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_helpers import Scripted, answer, run_text

from parallax_dsl.runtime import agent


def pattern(step: str = "step s = g.go()", extra: str = "") -> str:
    return f"""pattern Ranged {{
      agents g {{
        capabilities ["work"]
        confidence 0.6..0.95
      }}
      agents leads {{
        capabilities ["lead"]
        confidence 0.9..1
      }}
      {extra}
      {step}
      output s
    }}"""


def range_warnings(result: Any) -> list[str]:
    return [w["message"] for w in result.warnings if w["type"] == "CONFIDENCE_OUT_OF_RANGE"]


def test_an_answer_above_the_range_is_kept_and_warned_about() -> None:
    result = run_text(pattern(), None, [Scripted("w1", ["work"], answers=[answer("v", 0.97)])])
    assert result.ok
    assert result.value["value"] == "v" and result.confidence == 0.97  # not clamped
    assert range_warnings(result) == [
        "step `s`: agent `w1` answered with confidence 0.97, outside the range 0.6..0.95 that group `g` declares "
        "(the static analysis assumes it)"
    ]


@pytest.mark.parametrize("confidence", [0.6, 0.8, 0.95])
def test_answers_within_the_range_bounds_included_are_not_warned_about(confidence: float) -> None:
    result = run_text(pattern(), None, [Scripted("w1", ["work"], answers=[answer("v", confidence)])])
    assert result.ok and range_warnings(result) == []


def test_a_failed_answer_is_not_an_answer_outside_the_range() -> None:
    result = run_text(pattern(), None, [Scripted("w1", ["work"], answers=[RuntimeError("down")])])
    assert result.value["confidence"] == 0 and range_warnings(result) == []


@pytest.mark.parametrize(
    "how",
    ["at once", "after a wait", "with an event hook", "after a retry"],
)
def test_every_way_a_simple_step_ends_warns_the_same(how: str) -> None:
    answers: list[Any] = [answer("v", 0.3)]
    step, kwargs = "step s = g.go()", {}
    if how == "after a retry":
        answers = [RuntimeError("flaky"), answer("v", 0.3)]
        step = "step s = g.go() retries 1"
    if how == "with an event hook":
        kwargs = {"on_event": lambda event: None}
    worker = Scripted("w1", ["work"], answers=answers, delay=0.01 if how == "after a wait" else 0.0)
    result = run_text(pattern(step), None, [worker], **kwargs)
    assert range_warnings(result) == [
        "step `s`: agent `w1` answered with confidence 0.3, outside the range 0.6..0.95 that group `g` declares "
        "(the static analysis assumes it)"
    ]


def test_each_agent_of_a_fan_out_is_checked() -> None:
    agents = [
        Scripted("w1", ["work"], answers=[answer("a", 0.7)]),
        Scripted("w2", ["work"], answers=[answer("b", 0.99)]),
        Scripted("w3", ["work"], answers=[answer("c", 0.1)]),
    ]
    result = run_text(pattern("fanout s = g.go()"), None, agents)
    assert [m.split(" answered")[0] for m in range_warnings(result)] == ["step `s`: agent `w2`", "step `s`: agent `w3`"]


def test_a_supervisor_is_held_to_its_own_group_s_range() -> None:
    worker = Scripted("w1", ["work"], answers=[answer("draft", 0.65)])
    lead = Scripted("lead1", ["lead"], answers=[answer("fixed", 0.85)])
    step = "step s = g.go()\n        policy accept 0.8 escalate below 0.7 to leads"
    result = run_text(pattern(step), None, [worker, lead])
    assert lead.calls == 1
    assert range_warnings(result) == [
        "step `s`: agent `lead1` answered with confidence 0.85, outside the range 0.9..1 that group `leads` "
        "declares (the static analysis assumes it)"
    ]


def test_a_python_agent_s_confident_value_is_checked_too() -> None:
    from parallax_dsl.confidence import Confident

    async def sure(task: dict[str, Any]) -> Confident:
        return Confident("v", 1.0)

    result = run_text(pattern(), None, [agent(sure, capabilities=["work"], name="sure")])
    assert result.confidence == 1.0
    assert len(range_warnings(result)) == 1 and "confidence 1," in range_warnings(result)[0]
