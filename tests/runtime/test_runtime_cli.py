"""`plxc run` through click's runner: formats, exit codes, replay and record, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from parallax_dsl.cli.main import cli
from parallax_dsl.cli.run_cmd import _Progress, parse_duration, render_text

CONSENSUS = ["examples/consensus_review.plx", "--input", "@examples/inputs/consensus_review.json"]
ROUTER = ["examples/uncertainty_router.plx", "--input", "@examples/inputs/uncertainty_router.json"]


@pytest.fixture(autouse=True)
def _isolated(clean_license_env: None) -> None:
    """Open Source with the default limit of 3, whatever the machine has configured."""


def plxc(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["run", *args], input=input)


def test_text_run_of_the_consensus_example() -> None:
    result = plxc(*CONSENSUS, "--agents", "examples/agents.py")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("ConsensusReview: ok\nconfidence: 0.8474999999999998 (high)\n")
    assert '"recommendation": "add a backoff"' in out
    assert "AGENT_LIMIT: Pattern performance may be reduced. Using 3 of 4 optimal agents." in out
    assert "reviews    fanout reviewers.review: alice 0.92, bob 0.86, carol 0.74" in out
    assert "Using 3 of 4 requested agents (Open Source limit)" in result.stderr


def test_json_output_is_one_object_and_replay_is_byte_identical() -> None:
    live = plxc(*CONSENSUS, "--agents", "examples/agents.py", "--format", "json")
    first = plxc(*CONSENSUS, "--replay", "examples/cassettes/consensus_review.json", "--format", "json")
    second = plxc(*CONSENSUS, "--replay", "examples/cassettes/consensus_review.json", "--format", "json")
    assert live.exit_code == first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout == live.stdout
    data = json.loads(first.stdout)
    assert list(data) == ["value", "confidence", "warnings", "trace", "metrics"]
    assert data["metrics"]["agentCalls"] == 3


def test_timings_are_opt_in() -> None:
    result = plxc(*ROUTER, "--replay", "examples/cassettes/uncertainty_router.json", "--format", "json", "--timings")
    timings = json.loads(result.stdout)["metrics"]["timings"]
    assert timings["totalMs"] >= 0 and "probe" in timings["steps"]


def test_escalation_exits_zero_with_the_escalation() -> None:
    result = plxc(
        "examples/uncertainty_router.plx",
        "--input",
        "@examples/inputs/uncertainty_router_low.json",
        "--agents",
        "examples/agents.py",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["value"] is None and data["confidence"] == 0
    assert data["escalation"]["to"] == "human"


def test_input_from_stdin_and_inline() -> None:
    inline = plxc(
        "examples/uncertainty_router.plx", "--input", '{"task": "Refactor it"}', "--agents", "examples/agents.py"
    )
    piped = plxc(
        "examples/uncertainty_router.plx",
        "--input",
        "@-",
        "--agents",
        "examples/agents.py",
        input='{"task": "Refactor it"}',
    )
    assert inline.exit_code == piped.exit_code == 0
    assert inline.stdout == piped.stdout
    assert "uncertain -> medium" in inline.stdout


def test_run_time_failure_json_and_text(tmp_path: Path) -> None:
    source = tmp_path / "needs.plx"
    source.write_text(
        'pattern Needs { agents g { capabilities ["nobody-has-this"] min 2 } fanout s = g.go() output len(s) }',
        encoding="utf-8",
    )
    as_json = plxc(str(source), "--format", "json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout) == {
        "error": {"code": "NOT_ENOUGH_AGENTS", "message": "Not enough agents available. Required: 2, Available: 0"}
    }
    as_text = plxc(str(source))
    assert as_text.exit_code == 1
    assert as_text.stdout == ""
    assert as_text.stderr.strip() == (
        "plxc: run failed [NOT_ENOUGH_AGENTS]: Not enough agents available. Required: 2, Available: 0"
    )


def test_invalid_input_is_a_run_error() -> None:
    bad_json = plxc(*ROUTER[:1], "--input", "{task:", "--format", "json")
    assert bad_json.exit_code == 1
    assert json.loads(bad_json.stdout)["error"]["code"] == "INVALID_INPUT"
    missing_field = plxc(*ROUTER[:1], "--input", "{}", "--format", "json")
    assert json.loads(missing_field.stdout)["error"] == {
        "code": "INVALID_INPUT",
        "message": "missing required input field `task` (string) for TriageRouter",
    }


def test_compile_errors_are_rendered_diagnostics(tmp_path: Path) -> None:
    source = tmp_path / "broken.plx"
    source.write_text("pattern Broken {\n  output analsis\n}\n", encoding="utf-8")
    result = plxc(str(source), "--input", "{}")
    assert result.exit_code == 1
    assert "error[PLX101]: undefined name `analsis`" in result.stderr
    assert "compile failed: 1 error(s)" in result.stderr
    assert result.stdout == ""


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert plxc("missing.plx").exit_code == 2
    assert plxc(*ROUTER[:1], "--input", "@nope.json").exit_code == 2
    both = plxc(*ROUTER, "--agents", "examples/agents.py", "--replay", "examples/cassettes/uncertainty_router.json")
    assert both.exit_code == 2 and "--replay replaces live agents" in both.stderr
    two = tmp_path / "two.plx"
    two.write_text("pattern A { output 1 }\npattern B { output 2 }\n", encoding="utf-8")
    ambiguous = plxc(str(two))
    assert ambiguous.exit_code == 2 and "declares several patterns (A, B)" in ambiguous.stderr
    picked = plxc(str(two), "--pattern", "B", "--format", "json")
    assert json.loads(picked.stdout)["value"] == 2


def test_unknown_stdlib_pattern() -> None:
    result = plxc("stdlib:NoSuchPattern", "--format", "json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "UNKNOWN_PATTERN" and "NoSuchPattern" in error["message"]


def test_bad_agents_module_is_a_clear_error(tmp_path: Path) -> None:
    module = tmp_path / "bad_agents.py"
    module.write_text("raise RuntimeError('no')\n", encoding="utf-8")
    result = plxc(*ROUTER, "--agents", str(module), "--format", "json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "AGENTS_ERROR" and "RuntimeError: no" in error["message"]


def test_compiled_yaml_runs_like_the_source(tmp_path: Path) -> None:
    compiled = tmp_path / "router.yaml"
    assert CliRunner().invoke(cli, ["compile", "examples/uncertainty_router.plx", "-o", str(compiled)]).exit_code == 0
    cassette = ["--replay", "examples/cassettes/uncertainty_router.json", "--format", "json"]
    from_yaml = plxc(str(compiled), *ROUTER[1:], *cassette)
    from_source = plxc(*ROUTER, *cassette)
    assert from_yaml.exit_code == 0
    assert from_yaml.stdout == from_source.stdout


def test_record_writes_a_replayable_cassette(tmp_path: Path) -> None:
    cassette = tmp_path / "rec.json"
    live = plxc(*ROUTER, "--agents", "examples/agents.py", "--record", str(cassette), "--format", "json")
    assert live.exit_code == 0 and "recorded 3 answer(s)" in live.stderr
    replayed = plxc(*ROUTER, "--replay", str(cassette), "--format", "json")
    assert replayed.stdout == live.stdout


def test_max_agents_and_license_options() -> None:
    result = plxc(*CONSENSUS, "--agents", "examples/agents.py", "--max-agents", "2", "--format", "json")
    data = json.loads(result.stdout)
    assert data["warnings"][0]["message"] == "Pattern performance may be reduced. Using 2 of 4 optimal agents."
    assert len(data["trace"][0]["results"]) == 2


def test_run_timeout_option(tmp_path: Path) -> None:
    agents = tmp_path / "slow_agents.py"
    agents.write_text(
        "import asyncio\n"
        "from parallax_dsl.runtime import agent\n\n"
        "@agent(capabilities=['analysis'])\n"
        "async def sleepy(task):\n"
        "    await asyncio.sleep(30)\n"
        "    return {'value': 1, 'confidence': 1}\n",
        encoding="utf-8",
    )
    result = plxc(*ROUTER, "--agents", str(agents), "--timeout", "100ms", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == {
        "code": "RUN_TIMEOUT",
        "message": "the run did not finish within 0.1 s",
    }


def test_help_shows_examples() -> None:
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "--replay examples/cassettes/consensus_review.json" in result.stdout


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("2m", 120), ("500ms", 0.5), ("1h", 3600), ("1.5", 1.5)])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_progress_table_renders_steps_agents_and_confidences() -> None:
    from rich.console import Console

    progress = _Progress("TriageRouter")
    events: list[dict[str, Any]] = [
        {"event": "step_started", "step": "probe", "kind": "agent", "depth": 0},
        {"event": "agent_started", "step": "probe", "agent": "generalist", "depth": 0},
        {
            "event": "agent_answered",
            "step": "probe",
            "agent": "generalist",
            "confidence": 0.65,
            "error": None,
            "depth": 0,
        },
        {"event": "step_done", "step": "probe", "confidence": 0.65, "depth": 0},
        {"event": "branch", "step": "uncertain#1", "arm": 1, "label": "medium", "depth": 0},
        {"event": "agent_answered", "step": "x", "agent": "a", "confidence": 0, "error": "boom", "depth": 0},
        {"event": "agent_started", "step": "inner", "agent": "a", "depth": 1},
    ]
    for event in events:
        progress.on_event(event)
    console = Console(record=True, width=100, force_terminal=False)
    console.print(progress.render())
    text = console.export_text()
    assert "probe" in text and "generalist 0.65" in text and "-> medium" in text and "a failed" in text
    assert "inner" not in text


def test_render_text_of_a_failed_step_and_use() -> None:
    from parallax_dsl.runtime.scheduler import RunResult

    result = RunResult(
        "P",
        "ok",
        value={"a": 1},
        confidence=0.5,
        trace=[
            {"step": "u", "kind": "use", "pattern": "Q", "confidence": 0.5},
            {"step": "o", "kind": "output", "confidence": 0.5, "provenance": {"step": "u"}},
        ],
    )
    text = render_text(result)
    assert "confidence: 0.5 (medium)" in text and "confidence set by: step `u`" in text
    assert "u  use Q: confidence 0.5" in text
