"""Confidence policy and verification oracles: the ORG_CHART.md §4 table, review verdicts, command scores."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_helpers import Scripted, answer, run_text

from parallax_dsl.runtime.policy import js_to_fixed, parse_review_verdict


def pattern(step_clauses: str, header: str = "") -> str:
    return f"""pattern Policy {{
      {header}
      agents workers {{ capabilities ["work"] }}
      agents leads {{ capabilities ["lead"] }}
      agents reviewers {{ capabilities ["review"] }}
      step job = workers.build(task: "make it")
        {step_clauses}
      output {{ v: job.value, by: job.agent.id }} with confidence confidence(job)
    }}"""


POLICY = "policy accept 0.8 retry below 0.6 escalate below 0.4 to leads"


def team(*worker_answers: Any, lead: Any = None) -> tuple[Scripted, Scripted]:
    worker = Scripted("w1", ["work"], answers=list(worker_answers))
    lead_agent = Scripted("lead1", ["lead"], answers=[lead or answer("lead's fix", 0.95)])
    return worker, lead_agent


def policy_of(result: Any) -> dict[str, Any]:
    entry = next(e for e in result.trace if e["step"] == "job")
    policy: dict[str, Any] = entry["results"][0]["policy"]
    return policy


def test_confident_answer_is_accepted_after_one_message() -> None:
    worker, lead = team(answer("v1", 0.9))
    result = run_text(pattern(POLICY), None, [worker, lead])
    assert (worker.calls, lead.calls) == (1, 0)
    assert policy_of(result)["actions"] == ["accept"]
    assert (result.value, result.confidence) == ({"v": "v1", "by": "w1"}, 0.9)


def test_middling_answer_is_retried_once_with_a_critique() -> None:
    worker, lead = team(answer("v1", 0.5), answer("v2", 0.9))
    result = run_text(pattern(POLICY), None, [worker, lead])
    assert (worker.calls, lead.calls) == (2, 0)
    assert "did not pass verification (0.50)" in worker.tasks[1]["task"]
    assert "make it" in worker.tasks[1]["task"]
    assert policy_of(result)["actions"] == ["retry", "accept"]
    assert (result.value["v"], result.confidence) == ("v2", 0.9)
    assert result.metrics["policyRetries"] == 1


def test_a_worse_retry_keeps_the_first_answer() -> None:
    worker, lead = team(answer("v1", 0.55), answer("v2", 0.45))
    result = run_text(pattern(POLICY), None, [worker, lead])
    assert policy_of(result)["actions"] == ["retry", "accept_with_warning"]
    assert (result.value["v"], result.confidence) == ("v1", 0.55)


def test_very_low_answer_escalates_without_retrying() -> None:
    worker, lead = team(answer("v1", 0.2), answer("v2", 0.95))
    result = run_text(pattern(POLICY), None, [worker, lead])
    assert (worker.calls, lead.calls) == (1, 1)
    message = lead.tasks[0]["task"]
    assert "confidence 0.20" in message and "w1" in message and "workers" in message
    assert policy_of(result)["actions"] == ["escalate"]
    assert (result.value, result.confidence) == ({"v": "lead's fix", "by": "lead1"}, 0.95)
    assert result.metrics["policyEscalations"] == 1


def test_escalation_without_a_supervisor_is_surfaced_unrouted() -> None:
    worker, lead = team(answer("v1", 0.2))
    result = run_text(pattern("policy accept 0.8 retry below 0.6 escalate below 0.4"), None, [worker, lead])
    assert (worker.calls, lead.calls) == (1, 0)
    assert policy_of(result)["actions"] == ["escalation_unrouted"]
    assert (result.value["v"], result.confidence) == ("v1", 0.2)
    assert result.warnings[0]["type"] == "ESCALATION_UNROUTED"
    to_human = run_text(pattern("policy accept 0.8 escalate below 0.4 to human"), None, list(team(answer("v", 0.1))))
    assert policy_of(to_human)["actions"] == ["escalation_unrouted"]


def test_partial_policy_never_retries() -> None:
    worker, lead = team(answer("v1", 0.7))
    result = run_text(pattern("policy accept 0.8 escalate below 0.4 to leads"), None, [worker, lead])
    assert worker.calls == 1
    assert policy_of(result)["actions"] == ["accept_with_warning"]


def test_passing_command_is_accepted_and_overrides_self_report() -> None:
    worker, lead = team(answer("v1", 0.3))
    result = run_text(pattern(f'verify command "true"\n{POLICY}'), None, [worker, lead])
    policy = policy_of(result)
    assert policy["actions"] == ["accept"]
    assert policy["oracles"][0]["type"] == "command"
    assert result.confidence == 1.0  # the verified signal replaces the self-reported 0.3


def test_failing_command_escalates_even_over_a_confident_self_report() -> None:
    worker, lead = team(answer("v1", 0.95))
    result = run_text(pattern(f'verify command "false"\n{POLICY}'), None, [worker, lead])
    assert (worker.calls, lead.calls) == (1, 1)
    assert policy_of(result)["actions"] == ["escalate"]
    assert result.value["by"] == "lead1"


def test_failing_command_with_a_pattern_default_policy_escalates() -> None:
    worker, lead = team(answer("v1", 0.95))
    result = run_text(pattern('verify command "false"', header=POLICY), None, [worker, lead])
    assert policy_of(result)["actions"] == ["escalate"]
    assert lead.calls == 1


def test_verify_without_policy_uses_the_defaults() -> None:
    worker, lead = team(answer("v1", 0.95))
    result = run_text(pattern('verify command "false"'), None, [worker, lead])
    # defaults 0.8 / 0.6 / 0.4 without a supervisor: escalation is surfaced, not routed
    assert policy_of(result)["actions"] == ["escalation_unrouted"]
    assert result.confidence == 0.0


def test_score_pattern_retries_then_accepts_with_warning_on_a_tie() -> None:
    worker, lead = team(answer("v1", 0.9), answer("v2", 0.9))
    clause = f'verify command "echo 2 passed, 2 failed" score r"(\\d+) passed.*?(\\d+) failed"\n{POLICY}'
    result = run_text(pattern(clause), None, [worker, lead])
    assert (worker.calls, lead.calls) == (2, 0)
    policy = policy_of(result)
    assert policy["actions"] == ["retry", "accept_with_warning"]
    assert policy["signal"] == 0.5
    assert policy["oracles"][0]["detail"].endswith("2 passed, 2 failed (score 0.5)")
    assert (result.value["v"], result.confidence) == ("v1", 0.5)


def test_command_options_cwd_and_custom_confidences(tmp_path: Any) -> None:
    (tmp_path / "marker.txt").write_text("x")
    worker, lead = team(answer("v1", 0.9))
    clause = f'verify command "test -f marker.txt" cwd "{tmp_path}" pass_confidence 0.85\n{POLICY}'
    result = run_text(pattern(clause), None, [worker, lead])
    assert result.confidence == 0.85
    clause = f'verify command "test -f missing.txt" cwd "{tmp_path}" fail_confidence 0.5\n{POLICY}'
    result = run_text(pattern(clause), None, list(team(answer("v1", 0.9), answer("v2", 0.9))))
    assert policy_of(result)["actions"] == ["retry", "accept_with_warning"]


def test_agent_oracle_parses_the_reviewers_verdict() -> None:
    worker, lead = team(answer("v1", 0.95))
    reviewer = Scripted("rev", ["review"], answers=[answer("Mostly right.\nVERDICT: revise\nCONFIDENCE: 0.9", 0.9)])
    clause = f'verify agent reviewers rubric "Is it complete?"\n{POLICY}'
    result = run_text(pattern(clause), None, [worker, lead, reviewer])
    assert reviewer.calls == 1
    prompt = reviewer.tasks[0]["task"]
    assert prompt.startswith("Please review the following:") and "Is it complete?" in prompt
    assert "VERDICT: approve | revise | reject" in prompt
    policy = policy_of(result)
    assert policy["oracles"][0] == {"type": "agent", "confidence": 0.6, "detail": "reviewer rev: revise"}
    assert policy["actions"] == ["accept_with_warning"]
    assert result.confidence == 0.6
    entry = next(e for e in result.trace if e["step"] == "job")
    assert entry["reviews"][0]["agentId"] == "rev"


def test_agent_oracle_is_neutral_when_unparseable_or_failing() -> None:
    worker, lead = team(answer("v1", 0.95))
    reviewer = Scripted("rev", ["review"], answers=[answer("no idea", 0.2)])
    result = run_text(pattern(f"verify agent reviewers\n{POLICY}"), None, [worker, lead, reviewer])
    assert result.confidence == 1.0
    broken = Scripted("rev", ["review"], answers=[RuntimeError("down")])
    result = run_text(pattern(f"verify agent reviewers\n{POLICY}"), None, [*team(answer("v1", 0.95)), broken])
    assert result.confidence == 1.0


def test_oracles_combine_by_minimum_and_history_warns() -> None:
    worker, lead = team(answer("v1", 0.95))
    reviewer = Scripted("rev", ["review"], answers=[answer("VERDICT: approve\nCONFIDENCE: 0.82", 0.8)])
    clause = f'verify command "true"\nverify agent reviewers\nverify history\n{POLICY}'
    result = run_text(pattern(clause), None, [worker, lead, reviewer])
    assert result.confidence == 0.82
    assert [o["type"] for o in policy_of(result)["oracles"]] == ["command", "agent", "history"]
    assert any(w["type"] == "VERIFY_HISTORY" for w in result.warnings)


def test_failed_agent_gives_a_zero_signal_and_escalates() -> None:
    worker, lead = team(RuntimeError("crash"))
    result = run_text(pattern(f'verify command "true"\n{POLICY}'), None, [worker, lead])
    assert policy_of(result)["actions"] == ["escalate"]
    assert result.value["by"] == "lead1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VERDICT: approve", ("approve", 0.9)),
        ("verdict: Accept\nCONFIDENCE: 0.7", ("approve", 0.7)),
        ("VERDICT: revise", ("revise", 0.5)),
        ("VERDICT: revise\nCONFIDENCE: 0.95", ("revise", 0.6)),
        ("VERDICT: reject", ("reject", 0.1)),
        ("VERDICT: reject CONFIDENCE: 0.8", ("reject", 0.3)),
        ("VERDICT: reject\nlater VERDICT: approve", ("approve", 0.9)),
        ("CONFIDENCE: 0.42", (None, 0.42)),
        ("\x1b[32mVERDICT:\x1b[0m approve\nCONFIDENCE: 7", ("approve", 1.0)),
        ("nothing here", (None, None)),
    ],
)
def test_review_verdict_parsing(text: str, expected: tuple[str | None, float | None]) -> None:
    assert parse_review_verdict(text) == expected


@pytest.mark.parametrize(("x", "text"), [(0.5, "0.50"), (0.125, "0.13"), (0.2, "0.20"), (1, "1.00"), (0.005, "0.01")])
def test_js_to_fixed(x: float, text: str) -> None:
    assert js_to_fixed(x) == text


def test_a_run_timeout_kills_a_running_verify_command(tmp_path: Any) -> None:
    import os

    pid_file = tmp_path / "pid"
    worker, lead = team(answer("v1", 0.9))
    clause = f'verify command "echo $$ > {pid_file}; exec sleep 30"\n{POLICY}'
    result = run_text(pattern(clause), None, [worker, lead], timeout=0.3)
    assert result.error is not None and result.error.code == "RUN_TIMEOUT"
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
