"""Agent-call bounds: per step and per pattern, for the examples and for each construct that changes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax_dsl.analysis import PatternAnalysis, analyse_source
from parallax_dsl.analysis.engine import Calls

ROOT = Path(__file__).resolve().parents[2]
NO_STDLIB: list[Path] = []  # stdlib sources unavailable: `use` of a stdlib pattern is unknown


def analyse(path: str, limit: int | None = None, stdlib: list[Path] = NO_STDLIB) -> dict[str, PatternAnalysis]:
    file = ROOT / path
    analyses = analyse_source(file.read_text(encoding="utf-8"), str(file), limit, stdlib)
    return {a.pattern.name: a for a in analyses}


def bounds(c: Calls | None) -> tuple[int, int | None]:
    assert c is not None
    return c.lo, c.hi


def step_calls(a: PatternAnalysis, step: str) -> tuple[int, int | None]:
    return bounds(a.failures.steps[step].calls)


def one(text: str, limit: int | None = None) -> PatternAnalysis:
    [a] = analyse_source(text, "costs.plx", limit)
    return a


@pytest.mark.parametrize(
    ("path", "name", "limit", "expected"),
    [
        ("examples/consensus_review.plx", "ConsensusReview", None, (2, 10)),  # 2..5 reviewers × (1 + 1 retry)
        ("examples/consensus_review.plx", "ConsensusReview", 3, (2, 6)),
        ("examples/consensus_review.plx", "ConsensusReview", 1, (1, 2)),  # the licence keeps 1 of min 2
        ("examples/uncertainty_router.plx", "TriageRouter", None, (1, 4)),  # the probe, then 1..3 in `medium`
        ("examples/verified_fix.plx", "VerifiedFix", None, (2, 8)),
        ("examples/document_pipeline.plx", "DocumentPipeline", 3, (0, None)),
        ("examples/shared/sections.plx", "SectionOutline", None, (0, 0)),
        ("tests/analysis/fixtures/per_item.plx", "PerItem", 3, (4, 6)),
        ("tests/analysis/fixtures/composed.plx", "Pipeline", None, (2, 5)),
        ("tests/analysis/fixtures/race_verify.plx", "RaceVerify", 3, (2, 11)),
        ("tests/syntax/corpus/valid/branches.plx", "MatchAndIf", 3, (1, 2)),
        ("tests/syntax/corpus/valid/branches.plx", "DefaultBands", 3, (1, 4)),
        ("tests/syntax/corpus/valid/branches.plx", "DefaultBands", None, (1, None)),
    ],
)
def test_pattern_call_bounds(path: str, name: str, limit: int | None, expected: tuple[int, int | None]) -> None:
    assert bounds(analyse(path, limit)[name].calls) == expected


def test_step_call_bounds_of_verified_fix() -> None:
    a = analyse("examples/verified_fix.plx")["VerifiedFix"]
    assert step_calls(a, "sketch") == (1, 3)  # a race dispatches to every selected engineer
    # the call, one reviewer call, at most one policy retry (with its review) and one escalation
    assert step_calls(a, "implement") == (1, 5)


def test_unbounded_maxima_say_why() -> None:
    a = analyse("examples/document_pipeline.plx", 3)["DocumentPipeline"]
    kinds = {c.kind for c in a.calls.causes}
    assert kinds == {"items", "pattern"}
    details = " / ".join(c.detail for c in a.calls.causes)
    assert "one call per item of `input.sections`" in details
    assert "pattern `SimpleConsensus` — its source is not available" in details


def test_fanout_sizes_from_min_max_and_the_agent_limit() -> None:
    text = 'pattern P {\n  agents g { capabilities ["x"] min 2 max 5 }\n  fanout r = g.ask(task: "t")\n  output r\n}\n'
    assert bounds(one(text).calls) == (2, 5)
    assert bounds(one(text, 3).calls) == (2, 3)
    assert bounds(one(text, 1).calls) == (1, 1)
    no_max = text.replace(" max 5", "")
    assert bounds(one(no_max).calls) == (2, None)
    assert bounds(one(no_max, 4).calls) == (2, 4)


def test_retries_policy_and_verify_reviewers() -> None:
    base = 'pattern P {\n  agents g { capabilities ["x"] max 1 }\n  agents lead { capabilities ["l"] max 1 }\n'
    assert bounds(one(base + '  step s = g.ask(task: "t") retries 2\n  output s\n}\n').calls) == (1, 3)
    policy = '  step s = g.ask(task: "t") policy accept 0.8 retry below 0.6 escalate below 0.4 to lead\n  output s\n}\n'
    assert bounds(one(base + policy).calls) == (1, 3)  # the call, one retry, one escalation
    never_retries = policy.replace(" retry below 0.6", "")
    assert bounds(one(base + never_retries).calls) == (1, 2)
    verified = '  step s = g.ask(task: "t") verify agent lead\n  output s\n}\n'
    # the default policy (retry below 0.6, escalate below 0.4, nowhere to escalate): call + review, twice
    assert bounds(one(base + verified).calls) == (1, 4)


def test_lazy_branches_and_fall_through() -> None:
    text = """pattern P {
  input { n: number }
  agents g { capabilities ["x"] max 2 }
  if input.n > 1 {
    fanout a = g.ask(task: "t")
    output a
  }
  step b = g.ask(task: "u")
  output b
}
"""
    a = one(text)
    assert bounds(a.calls) == (1, 3)  # the arm: 0..2 and ends the run; top-level `b` always runs
    assert step_calls(a, "if#1:0/a") == (0, 2)


def test_per_item_fanout_is_bounded_by_literal_and_sliced_lists() -> None:
    a = analyse("tests/analysis/fixtures/per_item.plx", 3)["PerItem"]
    assert step_calls(a, "fixed") == (3, 3)
    assert step_calls(a, "capped") == (0, 2)
    assert step_calls(a, "headline") == (1, 1)


def test_use_of_a_local_pattern_adds_its_calls() -> None:
    a = analyse("tests/analysis/fixtures/composed.plx")
    assert bounds(a["Assess"].calls) == (1, 2)
    assert step_calls(a["Pipeline"], "review") == (1, 2)
    assert step_calls(a["Pipeline"], "draft") == (1, 3)


def test_use_of_a_stdlib_pattern_whose_source_is_available() -> None:
    stand_in = [ROOT / "tests/analysis/fixtures/stdlib"]
    a = analyse("examples/document_pipeline.plx", 3, stand_in)["DocumentPipeline"]
    assert step_calls(a, "verdict") == (2, 3)
    assert {c.kind for c in a.calls.causes} == {"items"}


def test_escalation_to_a_group_is_one_call() -> None:
    a = analyse("tests/syntax/corpus/valid/branches.plx", 3)["DefaultBands"]
    assert step_calls(a, "uncertain#1:2/escalate#1") == (0, 1)
