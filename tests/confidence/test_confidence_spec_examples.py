"""CONFIDENCE.md §3 worked examples, spec-examples.test.ts and §4 "extra values computed with the Lib"."""

from __future__ import annotations

from typing import Any

import pytest

from parallax_dsl.confidence import (
    UNDEFINED,
    Confident,
    ConsensusResult,
    add,
    and_,
    average,
    average_confidence,
    band,
    best,
    cf,
    coalesce,
    conf,
    consensus,
    div,
    gate,
    majority_vote,
    mul,
    or_,
    prop,
    uncertain,
    val,
    weighted_average,
)

# --- §3: worked examples from prism-specs.md ---


def test_confident_arithmetic_sensors_combine_at_min_confidence() -> None:
    sensor1 = cf(23.1, 0.8)
    sensor2 = cf(22.9, 0.7)
    combined = add(sensor1, sensor2)
    assert combined == Confident(46.0, 0.7)
    assert combined.value == 46
    assert combined.confidence == 0.7
    scaled = mul(combined, 1.5)
    assert scaled.value == 69
    assert scaled.confidence == 0.7


def test_extract_confidence() -> None:
    temperature = cf(22.5, 0.9)
    assert conf(temperature) == 0.9
    number_with_confidence = cf(42, 0.9)
    assert val(number_with_confidence) == 42
    assert conf(number_with_confidence) == 0.9


def test_multi_level_fallback_coalesce() -> None:
    gpt = cf("gpt-answer", 0.3)
    claude = cf("claude-answer", 0.6)
    gemini = cf("gemini-answer", 0.9)
    result = coalesce([gpt, claude, gemini, "unknown"])
    assert result is claude
    assert val(result) == "claude-answer"
    fallback = coalesce([cf("a", 0.1), cf("b", 0.2), "unknown"], 0.5)
    assert fallback == Confident("unknown", 1.0)


def test_parallel_selection_best() -> None:
    m1, m2, m3 = cf("m1", 0.7), cf("m2", 0.95), cf("m3", 0.8)
    assert best(m1, m2, m3) == m2
    assert best(m1, m2, m3) is m2


def _approve(x: Confident) -> Confident:
    return coalesce([gate(x, 0.9, lambda: "auto_approve"), "manual_review"])


def test_threshold_gate_with_fallback() -> None:
    assert val(_approve(cf({"ok": True}, 0.92))) == "auto_approve"
    assert conf(_approve(cf({"ok": True}, 0.92))) == 0.92
    assert val(_approve(cf({"ok": True}, 0.4))) == "manual_review"
    assert conf(_approve(cf({"ok": True}, 0.4))) == 1.0


def _route(c: float) -> Any:
    return val(
        uncertain(
            cf("analysis", c),
            {
                "high": lambda: "deploy_to_production",
                "medium": lambda: "deploy_to_staging",
                "low": lambda: "request_human_review",
            },
        )
    )


@pytest.mark.parametrize(
    ("c", "expected"),
    [
        (0.9, "deploy_to_production"),
        (0.8, "deploy_to_production"),  # inclusive bound
        (0.65, "deploy_to_staging"),
        (0.2, "request_human_review"),
    ],
)
def test_uncertain_if_routes(c: float, expected: str) -> None:
    assert _route(c) == expected


def test_sensor_fusion_example() -> None:
    s1 = cf(22.5, 0.9)
    s2 = cf(22.8, 0.7)
    backup = cf(22.0, 0.5)
    avg_temp = div(add(s1, s2), 2)
    assert avg_temp == Confident(22.65, 0.7)
    final = coalesce([avg_temp, backup])
    assert final is avg_temp
    action = uncertain(
        cf(val(final), 0.7),
        {
            "high": lambda: "activate_hvac",
            "medium": lambda: "log_temperature_reading",
            "low": lambda: "manual_check",
        },
    )
    assert band(final) == "medium"
    assert action == Confident("log_temperature_reading", 0.7)


def test_content_moderation_min_then_highest() -> None:
    # The spec gives no numbers; these exercise "min then highest".
    spam_check = cf(True, 0.85)
    toxicity_check = cf(True, 0.75)
    sentiment = cf("positive", 0.8)
    safety = and_(spam_check, toxicity_check)
    assert safety == Confident(True, 0.75)
    assert best(safety, sentiment) is sentiment
    assert best(safety, cf("negative", 0.6)) is safety


# --- upstream spec-examples.test.ts: simple-consensus in a few lines ---


def _simple_consensus(agent_results: list[dict[str, Any]]) -> Confident:
    results = [cf(r["result"], r["confidence"]) for r in agent_results]
    avg = average_confidence(results)
    return cf(
        {
            "status": "consensus_reached" if avg > 0.7 else "low_consensus",
            "agent_count": len(agent_results),
            "agents": [
                {"name": r["agent_name"], "confidence": r["confidence"], "result": r["result"]} for r in agent_results
            ],
        },
        avg,
    )


def test_simple_consensus_reached_above_average_0_7() -> None:
    out = _simple_consensus(
        [
            {"agent_name": "a1", "result": "yes", "confidence": 0.9},
            {"agent_name": "a2", "result": "yes", "confidence": 0.8},
        ]
    )
    assert out.value["status"] == "consensus_reached"
    assert out.value["agent_count"] == 2
    assert conf(out) == pytest.approx(0.85)


def test_simple_consensus_low_below_average_0_7() -> None:
    out = _simple_consensus(
        [
            {"agent_name": "a1", "result": "yes", "confidence": 0.5},
            {"agent_name": "a2", "result": "no", "confidence": 0.6},
        ]
    )
    assert out.value["status"] == "low_consensus"
    assert conf(out) == pytest.approx(0.55)


# --- §4: extra values computed with the Lib ---


def test_extra_and_or() -> None:
    assert and_(cf(True, 0.9), cf(False, 0.6)) == Confident(False, 0.6)
    assert or_(cf(False, 0.9), cf("b", 0.6)) == Confident("b", 0.9)


def test_extra_prop() -> None:
    missing = prop(cf({}, 0.8), "x")
    assert missing.value is UNDEFINED
    assert missing.confidence == 0.4
    from_null = prop(None, "a.b")
    assert from_null.value is UNDEFINED
    assert from_null.confidence == 0.25


def test_extra_average_and_weighted_average() -> None:
    xs = [cf(10, 0.9), cf(20, 0.5)]
    assert average(xs) == Confident(15, 0.7)
    weighted = weighted_average(xs)
    assert weighted.value == 13.571428571428573
    assert weighted.confidence == 0.7


def test_extra_majority_vote() -> None:
    vote = majority_vote([cf("a", 0.9), cf("a", 0.8), cf("b", 0.9)])
    assert vote.value == "a"
    assert vote.confidence == 0.5666666666666667
    three_way = majority_vote([cf("a", 0.9), cf("b", 0.9), cf("c", 0.9)])
    assert three_way.value == "a"  # first-seen group wins the tie
    assert three_way.confidence == 0.3


def test_extra_consensus_unanimous_but_not_reached() -> None:
    result = consensus([cf("a", 0.6), cf("a", 0.6)])
    assert result.value == ConsensusResult("unanimous", "a", 1.0, 0.6, False)
    assert result.confidence == 0.6


def test_consensus_split_pair_still_reached() -> None:
    # §2 "edge worth pinning": agreement 0.5 is not a majority but meets agreement_threshold 0.5.
    result = consensus([cf("a", 0.9), cf("b", 0.9)])
    assert result.value.status == "split"
    assert result.value.winner is UNDEFINED
    assert result.value.reached is True
    assert result.confidence == 0.45
