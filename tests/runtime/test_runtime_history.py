"""The `verify history` oracle's score and decision journal (ORG_CHART.md "History oracle")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from runtime_helpers import ENTERPRISE_INFO

from parallax_dsl.cli.main import cli
from parallax_dsl.runtime import agent, run_sync
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


# ------------------------------------------------------------------------------------------------ in a run

PATTERN = """pattern Journaled {
  input { task: string }
  agents devs { capabilities ["coding"] }
  step fix = devs.implement(task: input.task)
    verify history min_runs 3 half_life_days 0 drift false
    policy accept 0.8 retry below 0.6
  output fix.value with confidence confidence(fix)
}
"""


@agent(capabilities=["coding"])
def dev(task: Any) -> Any:
    return {"value": "patched", "confidence": 0.95}


def _journal_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_without_a_journal_the_oracle_is_neutral_and_says_so() -> None:
    result = run_sync(PATTERN, {"task": "t"}, [dev], license=ENTERPRISE_INFO)
    assert result.confidence == 1.0
    assert [w["type"] for w in result.warnings] == ["VERIFY_HISTORY"]
    assert "no decision journal" in result.warnings[0]["message"]


def test_a_journal_needs_an_enterprise_licence(tmp_path: Path) -> None:
    result = run_sync(PATTERN, {"task": "t"}, [dev], history=tmp_path / "j.jsonl")
    assert result.error is not None and result.error.code == "LICENSE_REQUIRED"
    assert "execution history requires Parallax Enterprise" in result.error.message
    assert not (tmp_path / "j.jsonl").exists()


def test_runs_are_journaled_and_their_history_becomes_the_signal(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    for _ in range(3):  # fewer than min_runs past runs: neutral, accepted
        result = run_sync(PATTERN, {"task": "t"}, [dev], license=ENTERPRISE_INFO, history=path)
        assert (result.status, result.confidence, result.warnings) == ("ok", 1.0, [])
    lines = _journal_lines(path)
    assert [(line["pattern"], line["outcome"], line["decisions"]) for line in lines] == [
        ("Journaled", "success", [{"group": "devs", "action": "accept"}])
    ] * 3
    # Seven failed runs join the three successes: 30 % success over 10 runs (sample 1) → 0.3, below `retry below`.
    with path.open("a") as out:
        for i in range(7):
            out.write(json.dumps({"run": f"f{i}", "pattern": "Journaled", "time": 0, "outcome": "failure"}) + "\n")
    result = run_sync(PATTERN, {"task": "t"}, [dev], license=ENTERPRISE_INFO, history=path)
    fix = result.trace[0]["results"][0]
    assert fix["policy"]["actions"][0] == "retry"
    assert fix["policy"]["oracles"][0]["type"] == "history"
    assert "10 prior run(s): 30% weighted success" in fix["policy"]["oracles"][0]["detail"]
    assert result.confidence == pytest.approx(0.3)  # the retry reads the same journal: this run is not in it yet
    assert _journal_lines(path)[-1]["decisions"] == [
        {"group": "devs", "action": "retry"},
        {"group": "devs", "action": "accept_with_warning"},
    ]


def test_plxc_run_history_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "p.plx").write_text(PATTERN)
    (tmp_path / "agents.py").write_text(
        "from parallax_dsl.runtime import agent\n\n@agent(capabilities=['coding'])\n"
        "def dev(task):\n    return {'value': 'patched', 'confidence': 0.95}\n"
    )
    args = ["run", str(tmp_path / "p.plx"), "--input", '{"task": "t"}', "--agents", str(tmp_path / "agents.py")]
    result = CliRunner().invoke(cli, [*args, "--history", str(tmp_path / "j.jsonl"), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "LICENSE_REQUIRED"
