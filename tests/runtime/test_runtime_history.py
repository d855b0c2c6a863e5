"""The `verify history` oracle's score and decision journal (ORG_CHART.md "History oracle")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax_dsl.runtime.history import (
    DAY_SECONDS,
    DecisionJournal,
    HistoryOptions,
    PastRun,
    decisions_of,
    pattern_family,
    score_history,
)

NOW = 1_800_000_000.0
NO_DECAY = HistoryOptions(half_life_days=0)


def runs(outcomes: list[str], pattern: str = "p", decisions: tuple[tuple[str, str], ...] = ()) -> list[PastRun]:
    """Newest first: outcomes[0] is 0 days old, outcomes[1] one day old, …"""
    return [
        PastRun(f"r{i}", pattern, NOW - i * DAY_SECONDS, outcome == "success", decisions)
        for i, outcome in enumerate(outcomes)
    ]


def confidence(past: list[PastRun], options: HistoryOptions = NO_DECAY, actions: list[str] | None = None) -> float:
    score = score_history(past, actions or [], options, NOW)
    assert score is not None
    return score.confidence


COLLAPSED = runs(["failure"] * 5 + ["success"] * 15)


def test_below_min_runs_the_prior_is_neutral() -> None:
    assert score_history(runs(["failure", "failure"]), [], NO_DECAY, NOW) is None


def test_a_full_history_scores_its_weighted_success_rate() -> None:
    assert confidence(COLLAPSED, HistoryOptions(half_life_days=0, drift=False)) == pytest.approx(0.75)


def test_a_thin_history_shrinks_toward_neutral() -> None:
    # 8 runs at 50 % success, sample 8 / 10 → 1 − 0.8 × 0.5; too thin (< 2 × 5) for drift.
    score = score_history(runs(["failure"] * 4 + ["success"] * 4), [], NO_DECAY, NOW)
    assert score is not None and not score.drifted
    assert score.confidence == pytest.approx(0.6)


def test_a_collapse_of_the_recent_runs_demotes_the_prior() -> None:
    score = score_history(COLLAPSED, [], NO_DECAY, NOW)
    assert score is not None and score.drifted
    assert score.confidence == pytest.approx(0.75 * 0.25)  # raw × (1 − (0.75 − 0.0))
    assert "DRIFT: last 5 at 0% vs 75% lifetime" in score.detail


def test_drift_never_raises_the_prior() -> None:
    improving = runs(["success"] * 5 + ["failure"] * 15)
    score = score_history(improving, [], NO_DECAY, NOW)
    assert score is not None and not score.drifted
    assert score.confidence == pytest.approx(0.25)


def test_drift_window_and_threshold() -> None:
    past = runs(["failure"] * 3 + ["success"] * 9)
    wide = confidence(past)
    tight = confidence(past, HistoryOptions(half_life_days=0, drift_recent_n=3))
    assert tight < wide
    tolerant = score_history(past, [], HistoryOptions(half_life_days=0, drift_recent_n=3, drift_threshold=0.8), NOW)
    assert tolerant is not None and not tolerant.drifted and tolerant.confidence == pytest.approx(0.75)


def test_a_drifted_but_weak_prior_stays_near_neutral() -> None:
    assert confidence(COLLAPSED, HistoryOptions(half_life_days=0, saturation_runs=200)) == pytest.approx(0.91875)


def test_old_runs_count_half_per_half_life() -> None:
    past = [PastRun("a", "p", NOW, False), PastRun("b", "p", NOW - 30 * DAY_SECONDS, True)] * 2
    # weights 1 and 0.5: success 1 / 3, sample 3 / 10 → 1 − 0.3 × (2 / 3)
    assert confidence(past, HistoryOptions(min_runs=3)) == pytest.approx(0.8)


def test_retries_and_escalations_lower_the_prior() -> None:
    steady = runs(["success"] * 10)
    assert confidence(steady) == pytest.approx(1.0)
    assert confidence(steady, actions=["accept", "retry", "accept", "escalate"]) == pytest.approx(0.5)


def test_pattern_family_is_the_leading_segment() -> None:
    assert [pattern_family(n) for n in ("coding-swarm", "coding-swarm-local", "solo")] == ["coding", "coding", "solo"]


def test_options_from_values_are_clamped_and_typed() -> None:
    options = HistoryOptions.of({"min_runs": 0, "drift_threshold": 7, "drift": "yes", "pool_family": "x"})
    assert (options.min_runs, options.drift_threshold, options.drift, options.pool_family) == (1, 1.0, True, "x")


def test_the_journal_reads_what_it_records_and_skips_damage(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "journal.jsonl"
    journal = DecisionJournal.open(path)
    assert journal.runs == []
    first = PastRun("r1", "coding-swarm", NOW, True, (("devs", "accept"), ("devs", "retry")))
    journal.record(first)
    journal.record(PastRun("r2", "coding-swarm", NOW, False))
    with path.open("a") as out:
        out.write("not json\n" + json.dumps({"pattern": "x", "time": "soon", "outcome": "success"}) + "\n")
    reread = DecisionJournal.open(path)
    assert reread.runs == [first, PastRun("r2", "coding-swarm", NOW, False)]
    assert reread.skipped == 2
    assert json.loads(path.read_text().splitlines()[0])["decisions"] == [
        {"group": "devs", "action": "accept"},
        {"group": "devs", "action": "retry"},
    ]


def test_the_journal_signal_is_neutral_then_first_party_then_pooled(tmp_path: Path) -> None:
    journal = DecisionJournal(tmp_path / "j.jsonl")
    confidence_, detail = journal.signal("coding-swarm-local", "devs", NO_DECAY, NOW)
    assert (confidence_, detail) == (1.0, 'history — 0 prior run(s) of "coding-swarm-local" (min 3): neutral')
    journal.runs.extend(runs(["failure"] * 10, pattern="coding-swarm"))
    assert journal.signal("coding-swarm-local", "devs", NO_DECAY, NOW)[0] == 1.0  # pooling is off by default
    pooled = HistoryOptions(half_life_days=0, pool=True)
    value, detail = journal.signal("coding-swarm-local", "devs", pooled, NOW)
    assert value == pytest.approx(0.5)  # saturation 10 / 0.5 → sample 0.5
    assert "pooled from family:coding" in detail and "10 sibling run(s)" in detail
    quarter = HistoryOptions(half_life_days=0, pool=True, pool_weight=0.25)
    assert journal.signal("coding-swarm-local", "devs", quarter, NOW)[0] == pytest.approx(0.75)
    journal.runs.extend(runs(["success"] * 10, pattern="coding-swarm-local"))
    value, detail = journal.signal("coding-swarm-local", "devs", pooled, NOW)
    assert value == pytest.approx(1.0) and "pooled" not in detail and "10 prior run(s)" in detail


def test_the_decisions_of_a_run_come_from_its_trace() -> None:
    trace = [
        {"step": "fix", "kind": "agent", "group": "devs", "results": [{"policy": {"actions": ["retry", "accept"]}}]},
        {"step": "review", "kind": "agent", "group": "leads", "results": [{"confidence": 0.9}]},
        {"step": "gate", "kind": "agent", "group": "leads", "results": [{"policy": {"actions": ["no_signal"]}}]},
        {"step": "output#1", "kind": "output", "confidence": 0.9},
    ]
    assert decisions_of(trace) == (("devs", "retry"), ("devs", "accept"))
