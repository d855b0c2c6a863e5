"""Semantic checks: each code fires on the smallest file that shows it, with the right message and help."""

from __future__ import annotations

import re

import pytest

from parallax_dsl.checks.run import check_text
from parallax_dsl.diagnostics.model import Severity
from parallax_dsl.semantics.suggest import closest, edit_distance


def _findings(text: str) -> list[tuple[str, str, str | None]]:
    report = check_text(text, "t.plx")
    return [(d.code, d.message, d.help) for d in report.diagnostics]


def _codes(text: str) -> list[str]:
    return [code for code, _, _ in _findings(text)]


GOOD = """
pattern Good {
  input { task: string  items: list[string] = [] }
  agents pool { capabilities ["a"] max 2 }
  fanout answers = pool.ask(task: input.task)
  let best_one = answers.max_by(a, a.confidence)
  output { answer: best_one.value, n: len(input.items) } with confidence confidence(best_one)
}
"""


def test_clean_pattern_has_no_findings() -> None:
    assert _findings(GOOD) == []


def test_undefined_name_with_did_you_mean() -> None:
    findings = _findings(GOOD.replace("len(input.items)", "len(answres)"))
    assert findings == [("PLX101", "undefined name `answres`", "did you mean `answers`?")]


def test_python_booleans_suggest_plx_spelling() -> None:
    assert _findings(GOOD.replace("n: len(input.items)", "n: True")) == [
        ("PLX101", "undefined name `True`", "did you mean `true`?")
    ]


def test_unused_let_and_step_are_warnings_and_underscore_silences() -> None:
    text = GOOD.replace("  let best_one", "  let spare = 1\n  let _kept = 2\n  let best_one")
    report = check_text(text, "t.plx")
    assert [(d.code, d.severity, d.message) for d in report.diagnostics] == [
        ("PLX103", Severity.WARNING, "value `spare` is never used")
    ]


def test_names_are_visible_across_the_whole_block() -> None:
    """A pattern is a DAG: a let may use a name declared below it."""
    text = GOOD.replace("  fanout answers", "  let count = len(answers)\n  fanout answers").replace(
        "n: len(input.items)", "n: count"
    )
    assert _findings(text) == []


def test_branch_names_do_not_leak() -> None:
    text = """
pattern P {
  agents pool { capabilities ["a"] }
  step probe = pool.ask(task: 1)
  uncertain probe {
    high => { let inner = 1  output inner }
    else => output inner
  }
}
"""
    assert _codes(text) == ["PLX101"]


def test_unknown_agent_group() -> None:
    findings = _findings(GOOD.replace("pool.ask", "poll.ask"))
    assert ("PLX104", "no agent group named `poll`", "did you mean `pool`?") in findings
    assert ("PLX103", "agent group `pool` is never used", findings[0][2]) in findings or any(
        code == "PLX103" for code, _, _ in findings
    )


def test_unknown_input_field_and_field_of_scalar() -> None:
    assert _findings(GOOD.replace("task: input.task", "task: input.tsak")) == [
        ("PLX105", "the input has no field `tsak`", "did you mean `task`?")
    ]
    assert _codes(GOOD.replace("task: input.task", "task: input.task.title")) == ["PLX204"]


def test_undeclared_input_block_is_open() -> None:
    assert _findings("pattern P {\n  output input.anything.at_all\n}\n") == []


@pytest.mark.parametrize(
    ("declaration", "code", "message"),
    [
        ("x: strng", "PLX201", "unknown type `strng`"),
        ("x: list[integer, string]", "PLX201", "`list` takes one type argument, e.g. `list[string]`"),
        ("x: integer = 1.5", "PLX202", "the default is not a whole number"),
        ("x: boolean = 0", "PLX202", "the default is a number, not a boolean"),
        ("x: string = input.y", "PLX202", "an input default must be a literal value"),
        ("x: optional[number] = null", None, None),
        (
            "x: map[string] = { a: 1 }",
            "PLX202",
            "map entry `a` does not fit `string`: the default is a number, not a string",
        ),
    ],
)
def test_input_types_and_defaults(declaration: str, code: str | None, message: str | None) -> None:
    findings = _findings(f"pattern P {{\n  input {{ {declaration} }}\n  output input.x\n}}\n")
    assert [(c, m) for c, m, _ in findings] == ([] if code is None else [(code, message)])


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ('versoin "1"', "PLX106"),
        ("version 1", "PLX203"),
        ("tags [1]", "PLX203"),
        ("requires accuracy > 1", "PLX203"),
        ('backend "spark"', "PLX203"),
        ('version "1"\n  version "2"', "PLX102"),
    ],
)
def test_pattern_settings(settings: str, code: str) -> None:
    assert _codes(f"pattern P {{\n  {settings}\n  output 1\n}}\n") == [code]


def test_min_above_max_names_both_values() -> None:
    findings = _findings(GOOD.replace("max 2", "min 4 max 2"))
    assert findings[0][:2] == ("PLX207", "agent group `pool` needs at least 4 agents but uses at most 2")


def test_unknown_group_setting_suggests() -> None:
    assert _findings(GOOD.replace("max 2", 'capabilites ["b"]'))[0] == (
        "PLX106",
        "unknown agent group setting `capabilites`",
        "did you mean `capabilities`?",
    )


def test_functions_macros_and_arity() -> None:
    assert _codes(GOOD.replace("len(input.items)", "length(input.items)")) == ["PLX109"]
    assert _codes(GOOD.replace("len(input.items)", "len(input.items, 2)")) == ["PLX205"]
    assert _codes(GOOD.replace("answers.max_by(a, a.confidence)", "answers.max_by(a.confidence)")) == [
        "PLX206",
        "PLX101",
    ]
    assert _findings(GOOD.replace("max_by", "maxby"))[0][2] == "did you mean `max_by`?"


def test_macro_binders_are_scoped_to_their_expression() -> None:
    text = GOOD.replace("n: len(input.items)", "n: len(input.items.filter(i, i != a))")
    assert _findings(text)[0][:2] == ("PLX101", "undefined name `a`")


def test_use_checks_pattern_and_inputs() -> None:
    text = """
pattern Outer {
  input { task: string }
  use inner = Inner(tsk: input.task)
  use std = stdlib.SimpleConsensus(task: input.task)
  use typo = SimpleConsensos(task: input.task)
  output [inner, std, typo]
}
pattern Inner {
  input { task: string }
  output input.task
}
"""
    findings = _findings(text)
    assert ("PLX105", "pattern `Inner` has no input `tsk`", "did you mean `task`?") in findings
    assert ("PLX107", "no pattern named `SimpleConsensos`", "did you mean `SimpleConsensus`?") in findings
    assert len(findings) == 2


def test_uncertain_needs_every_band_and_valid_bounds() -> None:
    # The subject's confidence is unknown statically (an input), so no band is dead (PLX501 stays quiet).
    base = (
        "pattern P {{\n  input {{ c: number }}\n  let c = input.c with confidence input.c\n"
        "  uncertain c {bands}{{\n{arms}\n  }}\n}}\n"
    )
    assert _codes(base.format(bands="", arms="high => output 1\n medium => output 2")) == ["PLX110"]
    assert _codes(base.format(bands="", arms="high => output 1\n else => output 2")) == []
    assert _codes(base.format(bands="bands(high: 1.5) ", arms="else => output 2")) == ["PLX203"]
    assert _codes(base.format(bands="", arms="hihg => output 1\n else => output 2")) == ["PLX110"]


def test_missing_output() -> None:
    assert _findings("pattern P {\n  let x = 1\n}\n")[0][:2] == ("PLX208", "pattern `P` never produces an output")


def test_tests_must_name_a_known_pattern() -> None:
    text = GOOD + 'test "t" for Goood {\n  expect output.answer == 1\n}\n'
    assert _findings(text) == [("PLX107", "no pattern named `Goood` to test", "did you mean `Good`?")]


def test_test_scope_names() -> None:
    text = (
        GOOD
        + 'test "t" for Good {\n  expect calls == 1 and branch == null and error == null\n  expect outptu == 1\n}\n'
    )
    assert _findings(text)[0][:2] == ("PLX101", "undefined name `outptu`")


def test_suppression_comment_on_the_line_or_the_line_above() -> None:
    text = GOOD.replace(
        "  let best_one", "  # plx: ignore[PLX103]\n  let spare = 1\n  let other = 2  # plx: ignore\n  let best_one"
    )
    assert _findings(text) == []


def test_suggestions_are_bounded() -> None:
    assert edit_distance("analsis", "analysis") == 1
    assert edit_distance("ab", "ba") == 1
    assert closest("x", ["analysis"]) is None
    assert closest("reviwe", ["review", "reviews"]) == "review"


TYPES = """
pattern T {
  input { task: string  n: number }
  agents pool { capabilities ["a"] }
  fanout answers = pool.ask(task: input.task)
  step one = pool.ask(task: input.task)
  let top = answers.max_by(a, a.confidence)
  output [EXPR]
}
"""


@pytest.mark.parametrize(
    ("expr", "finding"),
    [
        ("input.task - 1", ("PLX204", "`-` needs numbers, but one side is a string")),
        ("input.n < 'three'", ("PLX204", "`<` compares a number with a string")),
        ("true + 1", ("PLX204", "`+` adds numbers or joins strings, but one side is a boolean")),
        ("len(input.n)", ("PLX204", "`len` takes a list, map or string, not a number")),
        ("sum('abc')", ("PLX204", "`sum` takes a list, not a string")),
        ("input.task + 1", None),
        ("one.value.summary", ("PLX305", "field `summary` of an agent answer is read without checking that it exists")),
        ("top.value.title", ("PLX305", "field `title` of an agent answer is read without checking that it exists")),
        ("answers[0].value.x", ("PLX305", "field `x` of an agent answer is read without checking that it exists")),
        (
            "answers.map(a, a.value.score)",
            ("PLX305", "field `score` of an agent answer is read without checking that it exists"),
        ),
        ("top.value.title ?? 'untitled'", None),
        ("has(one.value, 'x')", None),
        ("one.value", None),
        ("input.task.size", ("PLX204", "`input.task` is a string and has no field `size`")),
    ],
)
def test_expression_types_and_answer_fields(expr: str, finding: tuple[str, str] | None) -> None:
    found = _findings(TYPES.replace("EXPR", expr))
    findings = [(code, message) for code, message, _ in found if code != "PLX103"]  # unused names are not the point
    assert findings == ([] if finding is None else [finding])


def test_constants_and_input_cannot_be_redefined() -> None:
    findings = _findings("pattern P {\n  let true = 1\n  let input = 2\n  output 1\n}\n")
    assert [(code, message) for code, message, _ in findings] == [
        ("PLX102", "`true` is built into the language and cannot be redefined"),
        ("PLX102", "`input` is built into the language and cannot be redefined"),
    ]


def test_policy_thresholds_must_be_literals() -> None:
    text = GOOD.replace(
        "fanout answers = pool.ask(task: input.task)",
        "fanout answers = pool.ask(task: input.task) policy accept input.task",
    )
    assert [code for code in _codes(text)] == ["PLX203"]


HISTORY_OPTIONS = (
    "half_life_days, min_runs, saturation_runs, max_runs, drift, drift_recent_n, drift_threshold, pool,"
    " pool_family, pool_weight"
)


def _with_verify(clauses: str) -> str:
    return GOOD.replace(
        "fanout answers = pool.ask(task: input.task)",
        f"fanout answers = pool.ask(task: input.task) {clauses}",
    )


def test_verify_history_options_are_checked_clean() -> None:
    text = _with_verify(
        "verify history half_life_days 14 min_runs 5 saturation_runs 2.5 max_runs 100"
        " drift false drift_recent_n 4 drift_threshold 0.3"
        ' pool true pool_family "review" pool_weight 0.25'
        " verify history half_life_days 0 min_runs 1 saturation_runs 0.5 max_runs 1 drift_recent_n 1"
        ' drift_threshold 1 pool_family "team-${input.task}" pool_weight 0'
        " verify history drift_threshold 0 pool_weight 1 verify history"
    )
    assert _findings(text) == []


def test_verify_history_options_may_be_computed() -> None:
    """Only literals are checked; an expression is evaluated when the step runs."""
    text = GOOD.replace("items: list[string] = []", "items: list[string] = []  days: number = 7  pooled: boolean")
    text = text.replace(
        "fanout answers = pool.ask(task: input.task)",
        "fanout answers = pool.ask(task: input.task) verify history half_life_days input.days * 2"
        " min_runs len(input.items) pool input.pooled pool_family input.task drift not input.pooled",
    )
    assert _findings(text) == []


def test_options_of_other_oracles_are_not_history_options() -> None:
    text = _with_verify('verify history score r"x" rubric "ok?" min_runs 3 cwd "."')
    assert _findings(text) == [
        ("PLX106", "`verify history` has no option `score`", f"its options: {HISTORY_OPTIONS}"),
        ("PLX106", "`verify history` has no option `rubric`", f"its options: {HISTORY_OPTIONS}"),
        ("PLX106", "`verify history` has no option `cwd`", f"its options: {HISTORY_OPTIONS}"),
    ]


def test_history_options_are_not_options_of_other_oracles() -> None:
    text = _with_verify('verify command "make" min_runs 3 verify agent pool pool true rubric "ok?"')
    assert _findings(text) == [
        (
            "PLX106",
            "`verify command` has no option `min_runs`",
            "its options: score, cwd, pass_confidence, fail_confidence",
        ),
        ("PLX106", "`verify agent` has no option `pool`", "its options: rubric"),
    ]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("half_life_days", "-1", "`half_life_days` takes a number >= 0"),
        ("half_life_days", "30s", "`half_life_days` takes a number >= 0"),
        ("half_life_days", '"30"', "`half_life_days` takes a number >= 0"),
        ("min_runs", "0", "`min_runs` takes a whole number >= 1"),
        ("min_runs", "2.5", "`min_runs` takes a whole number >= 1"),
        ("min_runs", "true", "`min_runs` takes a whole number >= 1"),
        ("saturation_runs", "0", "`saturation_runs` takes a number > 0"),
        ("saturation_runs", "-2", "`saturation_runs` takes a number > 0"),
        ("max_runs", "0", "`max_runs` takes a whole number >= 1"),
        ("max_runs", "null", "`max_runs` takes a whole number >= 1"),
        ("drift", "1", "`drift` takes true or false"),
        ("drift", '"yes"', "`drift` takes true or false"),
        ("drift_recent_n", "-3", "`drift_recent_n` takes a whole number >= 1"),
        ("drift_threshold", "1.5", "`drift_threshold` takes a number in [0, 1]"),
        ("drift_threshold", "-0.1", "`drift_threshold` takes a number in [0, 1]"),
        ("pool", "0", "`pool` takes true or false"),
        ("pool_family", "3", "`pool_family` takes a string, not a number"),
        ("pool_family", '""', "`pool_family` takes a non-empty string"),
        ("pool_family", '["a"]', "`pool_family` takes a string, not a list"),
        ("pool_weight", "2", "`pool_weight` takes a number in [0, 1]"),
        ("pool_weight", "false", "`pool_weight` takes a number in [0, 1]"),
    ],
)
def test_literal_history_option_values_of_the_wrong_kind_or_range(option: str, value: str, message: str) -> None:
    text = _with_verify(f"verify history {option} {value}")
    assert _findings(text) == [("PLX203", message, None)]
    report = check_text(text, "t.plx")
    (diagnostic,) = report.diagnostics
    line = text.splitlines()[diagnostic.span.line - 1]
    assert line[diagnostic.span.column - 1 :].startswith(value)


def test_the_verify_option_tables_agree() -> None:
    """The grammar's option words, the checker's per-oracle table, the completion list and the lexer's
    `verify agent` exception name the same options."""
    from parallax_dsl.lsp.features import _OPTION_TERMINALS
    from parallax_dsl.semantics.checker import _HISTORY_OPTIONS, _VERIFY_OPTIONS
    from parallax_dsl.syntax.grammar import NAME_TARGET_VERIFY_OPTIONS, grammar_text

    match = re.search(r"VERIFY_OPTION\.\d+: /\((?P<names>[a-z_|]+)\)", grammar_text())
    assert match is not None
    words = match.group("names").split("|")
    assert sorted(words) == sorted(name for names in _VERIFY_OPTIONS.values() for name in names)
    assert sorted(_OPTION_TERMINALS["VERIFY_OPTION"]) == sorted(words)
    assert list(_HISTORY_OPTIONS) == list(_VERIFY_OPTIONS["history"])
    assert {"agent": frozenset(_VERIFY_OPTIONS["agent"])} == NAME_TARGET_VERIFY_OPTIONS


def test_verify_options_depend_on_the_oracle() -> None:
    text = GOOD.replace(
        "fanout answers = pool.ask(task: input.task)",
        'fanout answers = pool.ask(task: input.task) verify command "make" rubric "x" pass_confidence 2'
        ' verify agent pool score r"x"',
    )
    assert _findings(text) == [
        (
            "PLX106",
            "`verify command` has no option `rubric`",
            "its options: score, cwd, pass_confidence, fail_confidence",
        ),
        ("PLX203", "`pass_confidence` is a number in [0, 1]", None),
        ("PLX106", "`verify agent` has no option `score`", "its options: rubric"),
    ]
