"""Soundness: every run of every example, stdlib pattern, corpus pattern and fixture stays inside the static bounds.

For each pattern, hypothesis generates replay cassettes within the declared confidence ranges (with and without
failing agents), inputs of the declared types and command-oracle signals, runs the pattern with the runtime and
asserts that

* the run's confidence lies in the static interval of its runs with failures, and in the interval of answered
  runs when no agent call failed;
* the compiled YAML's rounded interval (`analysis.confidence`) contains it too;
* its agent calls lie within the static call bounds (a failed run may stop early: only the maximum applies).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("parallax_dsl.runtime")

from soundness import Target, run, scenarios, targets

TOLERANCE = 1e-9  # the analysis computes aggregates in exact arithmetic; the runtime rounds (docs/analysis.md)
TARGETS = targets()


def test_every_example_and_fixture_is_covered() -> None:
    names = {t.pattern.name for t in TARGETS}
    assert {"ConsensusReview", "DocumentPipeline", "TriageRouter", "VerifiedFix", "SectionOutline"} <= names
    assert {"RangedRouter", "RangedConsensus", "PerItem", "Pipeline", "RaceVerify", "BudgetQuirk"} <= names


def _check(target: Target, data: st.DataObject, agent_limit: int | None, failure_rate: float) -> None:
    analysis = target.analysis(agent_limit)
    scenario = data.draw(scenarios(target, failure_rate))
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run(target, scenario, agent_limit, Path(tmp))
    calls = analysis.calls
    note = f"{target.id}: {outcome} static calls {calls}"
    if calls.hi is not None:
        assert outcome.calls <= calls.hi, note
    if outcome.confidence is None:  # a run-time error (not enough agents, an unknown stdlib pattern, …)
        return
    assert outcome.calls >= calls.lo, note
    with_failures = analysis.final("failures")
    assert with_failures is not None, note
    assert with_failures.contains(outcome.confidence, TOLERANCE), f"{note}: with failures {with_failures}"
    if outcome.failures == 0:
        answered = analysis.final()
        assert answered is not None and answered.contains(outcome.confidence, TOLERANCE), f"{note}: {answered}"
    if agent_limit is None:  # what `plxc compile` recorded (no agent limit assumed), rounded outward
        lo, hi = target.pattern.analysis["with_failures"]
        assert lo <= outcome.confidence <= hi, f"{note}: compiled {lo}..{hi}"


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_runs_stay_inside_the_static_bounds(target: Target, data: st.DataObject) -> None:
    limit = data.draw(st.sampled_from([None, 3, 1]), label="agent limit")
    failure_rate = data.draw(st.sampled_from([0.0, 0.2]), label="failure rate")
    _check(target, data, limit, failure_rate)
