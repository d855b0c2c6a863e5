"""PLX501–PLX506: each diagnostic with its message, where it points, and where it must stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax_dsl.checks.edition import EditionTarget
from parallax_dsl.checks.registry import RULES
from parallax_dsl.checks.run import check_paths, check_text
from parallax_dsl.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
ENTERPRISE = EditionTarget("enterprise", None, "--edition enterprise")
OPEN_SOURCE = EditionTarget("opensource", 3, "--edition opensource")


def findings(text: str, edition: EditionTarget | None = None) -> list[tuple[str, int, str]]:
    report = check_text(text, "p.plx", edition)
    return [(d.code, d.span.line, d.message) for d in report.diagnostics if d.code.startswith("PLX5")]


def test_rules_are_registered_with_docs() -> None:
    for code in ("PLX501", "PLX502", "PLX503", "PLX504", "PLX505", "PLX506", "PLX507", "PLX508"):
        rule = RULES[code]
        assert rule.severity.value == "warning"
        assert rule.summary and rule.why and rule.example and rule.fix


def test_an_uncertain_band_that_can_never_be_taken() -> None:
    text = """pattern P {
  agents pool { capabilities ["x"] max 2 confidence 0.2..0.72 }
  fanout answers = pool.vote(task: "t")
  let vote = synthesize(answers)
  uncertain vote {
    high => output "sure"
    medium => output "maybe"
    low => escalate to human "unsure"
  }
}
"""
    assert findings(text) == [
        (
            "PLX501",
            6,
            "the `high` arm of this `uncertain` can never be taken: the confidence of `vote` is at most 0.72 "
            "(set by step `answers`), below the `high` bound 0.8",
        )
    ]


def test_uncertain_on_a_certain_value_is_always_high() -> None:
    """The upstream ConfidenceBudget quirk: `uncertain if (budgetMet)` on a plain boolean."""
    [medium, low] = findings((ROOT / "tests/analysis/fixtures/quirks.plx").read_text())[2:]
    assert medium[:2] == ("PLX501", 12) and "at least 1" in medium[2] and "`high` bound 0.8" in medium[2]
    assert low[:2] == ("PLX501", 13) and "never below the `medium` bound 0.5" in low[2]


def test_a_failed_agent_keeps_the_low_band_alive() -> None:
    # Answers are declared 0.6..0.9, but a failed or timed-out agent reports 0: `low` stays reachable.
    text = """pattern P {
  agents pool { capabilities ["x"] max 1 confidence 0.6..0.9 }
  step probe = pool.assess(task: "t")
  uncertain probe {
    high => output "sure"
    medium => output "maybe"
    low => escalate to human "the probe failed"
  }
}
"""
    assert findings(text) == []


def test_gates_that_never_pass_or_always_pass() -> None:
    text = """pattern P {
  agents pool { capabilities ["x"] max 1 confidence 0.1..0.6 }
  step probe = pool.assess(task: "t")
  let never = gate(probe, 0.8, "ship")
  let always = gate("yes" with confidence 0.9, 0.5, "ship")
  let either = gate(probe, 0.5, "ship")
  output [never, always, either]
}
"""
    assert findings(text) == [
        (
            "PLX502",
            4,
            "this gate can never pass: the confidence of `probe` is at most 0.6 (set by step `probe`), "
            "below the threshold 0.8",
        ),
        (
            "PLX503",
            5,
            'this gate always passes: `"yes" with confidence 0.9` is at least 0.9 (set by step `always`), '
            "at or above the threshold 0.5",
        ),
    ]


def test_arms_that_can_never_match() -> None:
    text = """pattern P {
  agents pool { capabilities ["x"] max 1 confidence 0.2..0.7 }
  step probe = pool.assess(task: "t")
  if confidence(probe) > 0.9 {
    output "sure"
  } else if confidence(probe) >= 0 {
    output "any"
  } else {
    escalate to human
  }
}
"""
    assert findings(text) == [
        (
            "PLX504",
            4,
            "the `if` branch can never be taken: its condition is always false: `confidence(probe)` is at most "
            "0.7 (set by step `probe`)",
        ),
        (  # an `else` arm is shown at its first statement
            "PLX504",
            9,
            "the `else` branch of this `if` can never be taken: the `else if` branch #1 before it always matches",
        ),
    ]


def test_match_expression_arms() -> None:
    text = """pattern P {
  input { n: number }
  let level = 0.3 with confidence 0.5
  let kind = match {
    confidence(level) > 0.6 => "sure"
    true => "any"
    input.n > 1 => "big"
    else => "none"
  }
  output kind
}
"""
    codes = findings(text)
    assert [(c, line) for c, line, _ in codes] == [("PLX504", 5), ("PLX504", 7), ("PLX504", 8)]
    assert "`confidence(level)` is exactly 0.5" in codes[0][2]
    assert codes[1][2] == "arm 3 of this `match` can never be taken: arm 2 of this `match` before it always matches"


def test_an_output_that_can_never_meet_the_requirement() -> None:
    text = """pattern P {
  requires confidence >= 0.8
  agents pool { capabilities ["x"] max 3 confidence 0.2..0.72 }
  fanout answers = pool.vote(task: "t")
  let vote = majority_vote(answers)
  output vote.value with confidence confidence(vote)
}
"""
    assert findings(text) == [
        (
            "PLX505",
            6,
            "this output's confidence is at most 0.72 (set by step `answers`), so it can never meet the "
            "pattern's `requires confidence >= 0.8`",
        )
    ]


def test_unbounded_calls_only_against_an_edition_without_agent_limit() -> None:
    text = """pattern P {
  agents reviewers { capabilities ["code-review"] }
  fanout reviews = reviewers.review(task: "t")
  output reviews
}
"""
    assert findings(text) == []
    assert findings(text, OPEN_SOURCE) == []
    [(code, line, message)] = findings(text, ENTERPRISE)
    assert (code, line) == ("PLX506", 3)
    assert message == (
        "the number of agent calls has no upper bound: `reviews` calls every agent of group `reviewers`, which "
        "declares no `max`, and Enterprise (--edition enterprise) has no agent limit"
    )
    report = check_text(text, "p.plx", ENTERPRISE)
    [d] = [d for d in report.diagnostics if d.code == "PLX506"]
    assert d.help == "declare `max N` on agent group `reviewers` to bound the calls (and the cost) of a run"
    assert d.labels and d.labels[0].span.line == 2


def test_per_item_calls_over_an_input_list_are_not_a_warning() -> None:
    text = """pattern P {
  input { items: list[string] = [] }
  agents writers { capabilities ["writing"] max 2 }
  fanout parts = writers.summarize(text: i) for i in input.items
  output parts
}
"""
    assert findings(text, ENTERPRISE) == []


UPSTREAM_QUIRKS = ROOT / "tests/analysis/fixtures/upstream_quirks.plx"


def test_the_upstream_quirks_are_found() -> None:
    """The upstream library's dead band (ConfidenceBudget) and capped sums (EpistemicOrchestrator,
    ParallelExploration, UncertaintyMapReduce), reproduced in a fixture, without an agent limit."""
    assert findings(UPSTREAM_QUIRKS.read_text()) == [
        (
            "PLX501",
            14,
            "the `medium` arm of this `uncertain` can never be taken: the confidence of `met` is at least 1 (set by "
            "step `total`), at or above the `high` bound 0.8",
        ),
        (
            "PLX501",
            15,
            "the `low` arm of this `uncertain` can never be taken: the confidence of `met` is at least 1 (set by "
            "step `total`), never below the `medium` bound 0.5",
        ),
        (
            "PLX507",
            25,
            "this sum covers at most the first 4 items of `results` but is divided by `n`, the length of all of "
            "`results`, which is at most 8 (set by step `answers`): with more than 4 items the result is too low",
        ),
        (
            "PLX507",
            35,
            "this sum covers at most the first 3 items of `results` but is divided by `results.length`, the length "
            "of all of `results`, which is at most 8 (set by step `answers`): with more than 3 items the result is "
            "too low",
        ),
    ]
    report = check_text(UPSTREAM_QUIRKS.read_text(), "p.plx")
    [first, _] = [d for d in report.diagnostics if d.code == "PLX507"]
    assert (first.span.column, first.span.end_line) == (13, 25)  # the whole division
    assert first.help == (
        "divide by the number of items summed (`len(slice(results, 0, 4))`), or sum every item (`average(…)` and "
        "`average_confidence(…)` do both); if only the first ones are meant, bound the list (`max 4` on its agent "
        "group)"
    )


def test_a_capped_sum_is_only_reported_when_the_list_can_be_longer() -> None:
    # Under an agent limit of 3 no fan-out has more than 3 answers: a cap of 3 or 4 never drops one.
    codes = [code for code, _, _ in findings(UPSTREAM_QUIRKS.read_text(), OPEN_SOURCE)]
    assert codes == ["PLX501", "PLX501"]
    text = """pattern P {
  agents pool { capabilities ["x"] max 2 }
  fanout answers = pool.score(task: "t")
  let avg = sum(slice(answers, 0, 2).map(r, r.confidence)) / len(answers)
  output avg
}
"""
    assert findings(text) == []


@pytest.mark.parametrize(
    "avg",
    [
        "sum(slice(answers, 0, 2).map(r, r.confidence)) / len(slice(answers, 0, 2))",  # divided by what was summed
        "sum(answers.map(r, r.confidence)) / len(answers)",  # no cap
        "sum(slice(answers, 0, 2).map(r, r.confidence)) / len(input.items)",  # another list
        "sum(answers.filter(r, r.confidence > 0.5).map(r, r.confidence)) / len(answers)",  # a ratio, not a prefix
        "average_confidence(slice(answers, 0, 2))",
    ],
)
def test_what_is_not_a_capped_sum(avg: str) -> None:
    text = f"""pattern P {{
  input {{ items: list[string] = [] }}
  agents pool {{ capabilities ["x"] max 5 }}
  fanout answers = pool.score(task: "t")
  let avg = {avg}
  output avg
}}
"""
    assert findings(text) == []


def test_a_capped_sum_through_lets_and_in_an_output() -> None:
    text = """pattern P {
  input { items: list[number] }
  let first = slice(input.items, 0, 3)
  let total = sum(first)
  output total / input.items.length
}
"""
    [(code, line, message)] = findings(text)
    assert (code, line) == ("PLX507", 5)
    assert message.startswith(
        "this sum covers at most the first 3 items of `input.items` but is divided by `input.items.length`, the "
        "length of all of `input.items`, which has no upper bound:"
    )


def test_the_stdlib_capped_sums_are_suppressed_where_they_are_pinned() -> None:
    report, _ = check_paths(["stdlib_patterns"], edition=ENTERPRISE)
    assert [d for d in report.diagnostics if d.code == "PLX507"] == []
    for name in ("EpistemicOrchestrator", "ParallelExploration", "UncertaintyMapReduce"):
        text = (ROOT / "stdlib_patterns" / f"{name}.plx").read_text()
        unsuppressed = text.replace("# plx: ignore[PLX507]", "#")
        codes = [c for c, _, _ in findings(unsuppressed, ENTERPRISE) if c == "PLX507"]
        assert codes == ["PLX507"], name


RANGED = """pattern Ranged {
  agents pool { capabilities ["x"] max 3 confidence 0.2..0.72 }
  fanout answers = pool.vote(task: "t")
  let vote = majority_vote(answers)
  output vote.value with confidence confidence(vote)
}
"""


def test_expectations_no_run_can_satisfy() -> None:
    text = (
        RANGED
        + """
test "too confident" for Ranged {
  agent a answers "x" with confidence 0.7
  expect confidence >= 0.8
  expect 0.9 <= confidence(output)
  expect confidence == 0.95 within 0.1
  expect confidence == 0.95 within 0.3
  expect confidence > 0.5 and confidence < 0.75
  expect confidence < 0.8 and confidence > 0.72
  expect confidence >= 0.72
  expect confidence != 0.72
  expect output == "x"
}
"""
    )
    why = "the result confidence of `Ranged` is at most 0.72 (set by step `answers`) in every run"
    assert findings(text) == [
        ("PLX508", 10, f"this expectation can never hold: {why}, so `confidence >= 0.8` is always false"),
        ("PLX508", 11, f"this expectation can never hold: {why}, so `0.9 <= confidence(output)` is always false"),
        ("PLX508", 12, f"this expectation can never hold: {why}, so `confidence == 0.95 within 0.1` is always false"),
        ("PLX508", 15, f"this expectation can never hold: {why}, so `confidence > 0.72` is always false"),
    ]
    report = check_text(text, "p.plx")
    [d, *_] = [d for d in report.diagnostics if d.code == "PLX508"]
    assert (d.span.line, d.span.column, d.span.end_line) == (10, 3, 10)
    assert d.help and d.help.startswith("check the expected number")


def test_canned_answers_never_narrow_the_interval_but_may_widen_it() -> None:
    # Canned confidences inside the declared range: the run reaches 0.3, but only what NO run reaches is reported.
    inside = (
        RANGED
        + """
test "inside" for Ranged {
  agent a answers "x" with confidence 0.3
  agent b answers "x" with confidence 0.3
  expect confidence >= 0.7
}
"""
    )
    assert findings(inside) == []
    # The runtime does not enforce a group's declared range: a canned 0.9 widens it for this test.
    outside = (
        RANGED
        + """
test "outside" for Ranged {
  agent a answers "x" with confidence 0.9
  expect confidence >= 0.8
  expect confidence > 0.95
}
"""
    )
    assert findings(outside) == [
        (
            "PLX508",
            11,
            "this expectation can never hold: the result confidence of `Ranged` is at most 0.9 (set by step "
            "`answers`) in every run (with this test's canned confidences, outside the declared ranges), so "
            "`confidence > 0.95` is always false",
        )
    ]
    # A canned confidence that is not a number literal: any confidence is possible.
    unknown = (
        RANGED
        + """
test "unknown" for Ranged {
  agent a answers "x" with confidence 0.5 + 0.45
  expect confidence >= 0.8
  expect confidence > 1
}
"""
    )
    assert [(c, line) for c, line, _ in findings(unknown)] == [("PLX508", 11)]


def test_a_test_that_expects_a_failure_is_not_checked() -> None:
    text = (
        RANGED
        + """
test "fails" for Ranged {
  expect error != null or confidence >= 0.8
  expect confidence >= 0.8
}
"""
    )
    assert findings(text) == []


def test_expectations_on_imported_and_stdlib_patterns(tmp_path: Path) -> None:
    (tmp_path / "ranged.plx").write_text(RANGED)
    (tmp_path / "ranged.test.plx").write_text(
        """import "ranged.plx"

test "imported" for Ranged {
  agent a answers "x" with confidence 0.6
  expect confidence >= 0.75
}

test "stdlib" for SimpleConsensus {
  agent a answers "x" with confidence 0.6
  expect confidence > 1
}
"""
    )
    report, _ = check_paths([str(tmp_path / "ranged.test.plx")])
    assert [(d.code, d.span.line) for d in report.diagnostics] == [("PLX508", 5), ("PLX508", 10)]
    assert "`SimpleConsensus` is at most 1" in report.diagnostics[1].message


def test_suppression_comments_apply() -> None:
    text = """pattern P {
  agents pool { capabilities ["x"] max 1 confidence 0.1..0.6 }
  step probe = pool.assess(task: "t")
  # plx: ignore[PLX502]
  let never = gate(probe, 0.8, "ship")
  output never
}
"""
    assert findings(text) == []


def test_no_analysis_when_the_file_has_errors() -> None:
    text = 'pattern P {\n  let g = gate(1 with confidence 0.1, 0.9, "x")\n  output nope\n}\n'
    codes = [d.code for d in check_text(text, "p.plx").diagnostics]
    assert "PLX101" in codes and not [c for c in codes if c.startswith("PLX5")]


@pytest.mark.parametrize("edition", [None, OPEN_SOURCE])
def test_examples_and_the_valid_corpus_stay_clean(edition: EditionTarget | None) -> None:
    report, _ = check_paths(["examples", "tests/syntax/corpus/valid"], edition=edition)
    assert [f"{d.span.file}:{d.span.line} {d.code}" for d in report.diagnostics] == []


def test_plxc_check_reports_them() -> None:
    result = CliRunner().invoke(cli, ["check", "--format", "concise", "tests/analysis/fixtures/quirks.plx"])
    assert result.exit_code == 1
    assert "quirks.plx:9:14: PLX502 this gate can never pass" in result.stdout
    assert "Found 0 errors and 4 warnings in 1 file." in result.stdout
