"""`plxc explain`, `plxc check --explain`, and the `analysis` map `plxc compile` records."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import parallax_dsl
from parallax_dsl.cli.main import cli
from parallax_dsl.emit.document import load_compiled, to_yaml


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_explain_prints_a_table_per_pattern() -> None:
    code, out, _ = run("explain", "--edition", "opensource", "examples/uncertainty_router.plx")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "plxc explain examples/uncertainty_router.plx — agent limit 3 (Open Source, --edition opensource)"
    )
    assert "a failed or timed-out agent reports confidence 0" in lines[1]
    table = out[out.index("TriageRouter") :]
    assert "  step                        kind       confidence          calls" in table
    assert "  probe                       step       [0, 1]              1" in table
    assert "    [high] output#1           output     [0.85, 1]" in table
    assert "    [medium] second_opinions  fanout     [0, 1] each answer  1–3" in table
    assert "  agent calls per run: 1–4" in table
    assert "  output confidence:   [0.5, 1]  (at least 0.5 set by `uncertain#1`)" in table
    assert "  result confidence:   [0, 1]  (outputs and escalations)" in table


def test_explain_names_unbounded_calls_and_findings() -> None:
    code, out, _ = run("explain", "--edition", "enterprise", "tests/syntax/corpus/valid/branches.plx")
    assert code == 0
    assert "  agent calls per run: 1–∞" in out
    assert "unbounded: `second` dispatches to every agent of group `experts`, which declares no `max`" in out
    assert "  PLX506 line 18: the number of agent calls has no upper bound" in out
    code, out, _ = run("explain", "tests/analysis/fixtures/quirks.plx")
    assert "  PLX501 line 12: the `medium` arm of this `uncertain` can never be taken" in out
    assert "    [medium] output#2  output     unreachable" in out


def test_explain_json() -> None:
    code, out, _ = run("explain", "--format", "json", "--max-agents", "2", "examples/consensus_review.plx")
    assert code == 0
    data = json.loads(out)
    assert data["format_version"] == 1
    assert data["edition"]["agent_limit"] == 2
    [pattern] = data["patterns"]
    assert pattern["name"] == "ConsensusReview"
    assert pattern["calls"] == {"min": 2, "max": 4}
    assert pattern["confidence"] == [0.0, 1.0]
    assert pattern["steps"][0] == {
        "id": "reviews",
        "kind": "fanout",
        "confidence": [0.0, 1.0],
        "calls": {"min": 2, "max": 4},
        "note": "each answer",
    }
    # with at most 2 reviewers, `confident >= 3` never holds: `strong_consensus` is out of reach
    [finding] = pattern["findings"]
    assert (finding["code"], finding["line"]) == ("PLX504", 31)
    assert finding["message"] == (
        "arm 1 of this `match` can never be taken: its condition is always false: `confident` is at most 2 "
        "(set by step `confident`)"
    )


def test_explain_refuses_files_with_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.plx"
    broken.write_text("pattern P {\n  output nope\n}\n", encoding="utf-8")
    code, out, err = run("explain", str(broken))
    assert code == 1
    assert "PLX101" in out and "not analysed: 1 error(s)" in err
    assert run("explain", str(tmp_path / "missing.plx"))[0] == 2


def test_check_explain_appends_the_tables() -> None:
    code, out, _ = run("check", "--explain", "examples/verified_fix.plx")
    assert code == 0
    assert out.startswith("All checks passed (1 file).\n\nplxc explain examples/verified_fix.plx")
    assert "  sketch     race    [0, 1] the winning answer  1–3" in out
    assert "  implement  step    [0, 1]                     1–5" in out
    assert "  requires confidence >= 0.6" in out


def test_compile_records_the_analysis_rounded_outward() -> None:
    compiled = parallax_dsl.compile_file("tests/analysis/fixtures/ranged_consensus.plx")
    analysis = compiled.patterns[0].analysis
    assert list(analysis) == [
        "agent_limit",
        "failed_agents",
        "confidence",
        "output_confidence",
        "with_failures",
        "calls",
        "steps",
    ]
    assert analysis["agent_limit"] is None
    assert analysis["calls"] == {"min": 2, "max": 4}
    vote = next(s for s in analysis["steps"] if s["id"] == "vote")
    assert vote["confidence"] == [0.1375, 0.95]  # 0.55 / 4 = 0.1375 exactly; rounded outward otherwise
    assert load_compiled(to_yaml(compiled)) == compiled


def test_explain_help_shows_an_example() -> None:
    code, out, _ = run("explain", "--help")
    assert code == 0 and "plxc explain examples/uncertainty_router.plx" in out
