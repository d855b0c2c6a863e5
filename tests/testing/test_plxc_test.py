"""`plxc test`: discovery, canned agents, expectations, snapshots, -k, reports and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from parallax_dsl.cli.main import cli
from parallax_dsl.testing.select import KeywordError, matches

ROUTER = """pattern Router {
  input { task: string }
  agents pool { capabilities ["analysis"] max 1 }
  agents experts { capabilities ["analysis", "expert"] }
  step probe = pool.assess(task: input.task)
  uncertain probe {
    high => output { route: "fast", answer: probe.value } with confidence confidence(probe)
    medium => {
      fanout more = experts.assess(task: input.task)
      output { route: "balanced", n: len(more) } with confidence average_confidence(more)
    }
    low => escalate to human "unsure"
  }
}
"""

PASSING = """
test "high band goes fast" for Router {
  input { task: "t" }
  agent p { capabilities ["analysis"] } answers "yes" with confidence 0.9
  expect output.route == "fast"
  expect output.answer == "yes"
  expect branch == "high" and branches == ["high"]
  expect calls == 1
  expect confidence == 0.9 within 1e-9
  expect warnings == []
}

test "medium band asks the experts; a failed expert counts as 0" for Router {
  input { task: "t" }
  agent p { capabilities ["analysis"] } answers "hmm" with confidence 0.6
  agent e1 { capabilities ["analysis", "expert"] } answers "a" with confidence 0.8
  agent e2 { capabilities ["analysis", "expert"] } fails "down"
  expect output.route == "balanced"
  expect calls == 3
  expect confidence == 0.4 within 1e-9
}

test "low band escalates to a human" for Router {
  input { task: "t" }
  agent p answers "?" with confidence 0.2
  expect escalated.to == "human" and escalated.reason == "unsure"
  expect output == null
}

test "a run-time error can be expected" for Router {
  input { task: "t" }
  expect contains(error, "Not enough agents available. Required: 1, Available: 0")
}

test "answers are consumed in order" for Router {
  input { task: "t" }
  agent p answers "first" with confidence 0.95 then answers "second" with confidence 0.1
  expect output.answer == "first"
}
"""


def _write(tmp_path: Path, text: str, name: str = "router.plx") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["test", *args])
    return result.exit_code, result.stdout, result.stderr


def test_passing_tests_and_the_closing_line(tmp_path: Path) -> None:
    path = _write(tmp_path, ROUTER + PASSING)
    code, out, _ = _run(str(path))
    assert code == 0, out
    assert "collected 5 tests in 1 file(s)" in out
    assert f"{path} ....." in out.replace(str(path.resolve()), str(path))
    assert out.splitlines()[-1] == "5 passed, 0 failed"


def test_a_failing_expectation_shows_the_line_and_both_sides(tmp_path: Path) -> None:
    text = ROUTER + PASSING.replace('expect output.route == "fast"', 'expect output.route == "slow"', 1)
    path = _write(tmp_path, text)
    code, out, _ = _run(str(path))
    assert code == 1
    assert out.splitlines()[-1] == "4 passed, 1 failed"
    line = text.splitlines().index('  expect output.route == "slow"') + 1
    assert f":{line}:3" in out
    assert f'{line} |   expect output.route == "slow"' in out
    assert '= actual: "fast"' in out
    assert '= expected: == "slow"' in out


def test_within_reports_the_difference(tmp_path: Path) -> None:
    text = ROUTER + PASSING.replace("expect confidence == 0.4 within 1e-9", "expect confidence == 0.5 within 0.01")
    code, out, _ = _run(str(_write(tmp_path, text)))
    assert code == 1
    assert "= actual: 0.4" in out and "= expected: 0.5 ± 0.01" in out


def test_an_unexpected_run_failure_fails_the_test(tmp_path: Path) -> None:
    text = ROUTER + 'test "no agents" for Router {\n  input { task: "t" }\n  expect output == 1\n}\n'
    code, out, _ = _run(str(_write(tmp_path, text)))
    assert code == 1
    assert "the run failed: NOT_ENOUGH_AGENTS: Not enough agents available. Required: 1, Available: 0" in out


def test_exhausted_canned_answers_are_a_clear_failure(tmp_path: Path) -> None:
    text = ROUTER.replace("max 1", 'max 1 }\n  agents again { capabilities ["analysis"] max 1').replace(
        "step probe = pool.assess(task: input.task)",
        "step probe = pool.assess(task: input.task)\n  step _second = again.assess(task: input.task)",
    )
    text += (
        'test "one answer, two calls" for Router {\n  input { task: "t" }\n  agent p answers 1\n'
        "  expect calls == 2\n}\n"
    )
    code, out, _ = _run(str(_write(tmp_path, text)))
    assert code == 1
    assert "test agent `p` has no canned answer for call 2 (it has 1)" in out


def test_snapshots_are_written_then_compared_then_updated(tmp_path: Path) -> None:
    text = ROUTER + (
        'test "snap" for Router {\n  input { task: "t" }\n  agent p answers "yes" with confidence 0.9\n'
        "  expect output matches snapshot\n}\n"
    )
    path = _write(tmp_path, text)
    snapshots = tmp_path / "router.plx.snapshots.json"
    code, out, _ = _run(str(path))
    assert code == 0
    assert "snapshot `snap` written" in out
    assert json.loads(snapshots.read_text()) == {"snap": {"route": "fast", "answer": "yes"}}
    assert _run(str(path))[0] == 0
    path.write_text(text.replace('answers "yes"', 'answers "no"'))
    code, out, _ = _run(str(path))
    assert code == 1
    assert "output does not match the snapshot" in out
    assert _run(str(path), "--update")[0] == 0
    assert json.loads(snapshots.read_text()) == {"snap": {"route": "fast", "answer": "no"}}


def test_keyword_selection_counts_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, ROUTER + PASSING)
    code, out, _ = _run(str(path), "-k", "band and not low")
    assert code == 0
    assert out.splitlines()[-1] == "2 passed, 0 failed, 3 skipped"


def test_keyword_expression_parser() -> None:
    assert matches("a and (b or c)", "x::a c")
    assert not matches("a and not c", "x::a c")
    assert matches("ROUTER", "dir/router.plx::t")
    with pytest.raises(KeywordError):
        matches("a and", "x")
    assert _run("-k", "(a", ".")[0] == 2


def test_json_and_junit_reports(tmp_path: Path) -> None:
    text = ROUTER + PASSING.replace("expect calls == 1", "expect calls == 7", 1)
    path = _write(tmp_path, text)
    code, out, _ = _run(str(path), "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload["summary"] == {"passed": 4, "failed": 1, "skipped": 0}
    failed = [t for t in payload["tests"] if t["status"] == "failed"]
    assert failed[0]["name"] == "high band goes fast"
    assert failed[0]["failures"][0]["details"] == {"actual": "1", "expected": "== 7"}
    code, out, _ = _run(str(path), "--format", "junit")
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "1"
    failure = suite.find("testcase[@name='high band goes fast']/failure")
    assert failure is not None and failure.get("message") == "expectation failed"


def test_separate_test_files_import_the_pattern(tmp_path: Path) -> None:
    _write(tmp_path, ROUTER)
    _write(tmp_path, 'import "router.plx"\n' + PASSING, "router.test.plx")
    code, out, _ = _run(str(tmp_path))
    assert code == 0, out
    assert out.splitlines()[-1] == "5 passed, 0 failed"


def test_a_file_that_does_not_compile_errors_its_tests(tmp_path: Path) -> None:
    text = ROUTER.replace("len(more)", "len(moar)") + PASSING
    code, out, _ = _run(str(_write(tmp_path, text)))
    assert code == 1
    assert "the file does not compile (1 error(s)); run plxc check" in out


def test_usage_errors() -> None:
    assert _run("does/not/exist")[0] == 2


def test_check_validates_tests(tmp_path: Path) -> None:
    text = ROUTER + (
        'test "bad" for Router {\n  agent w { capabilities ["writing"] } answers 1\n  expect output.rout == "fast"\n}\n'
    )
    result = CliRunner().invoke(cli, ["check", "--format", "concise", "-q", str(_write(tmp_path, text))])
    assert result.exit_code == 1
    lines = [line.split(": ", 1)[1] for line in result.stdout.splitlines()]
    assert lines == [
        "PLX120 agent `w` lacks the capabilities of every agent group of `Router`; it will never be called",
        "PLX121 the output of `Router` never has a field `rout`",
    ]


def test_repository_examples_pass() -> None:
    code, out, _ = _run("examples/")
    assert code == 0, out
