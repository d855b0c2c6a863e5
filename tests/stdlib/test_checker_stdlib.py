"""The checker knows the stdlib patterns' inputs, agent groups and output fields (read from their files)."""

from __future__ import annotations

from parallax_dsl.checks.run import check_text, stdlib_pattern_info
from parallax_dsl.semantics.stdlib_names import UPSTREAM_PATTERNS, stdlib_file


def codes(text: str) -> list[str]:
    return [d.code for d in check_text(text).diagnostics]


def test_every_stdlib_pattern_has_checker_info_with_the_engine_inputs() -> None:
    for name in UPSTREAM_PATTERNS:
        info = stdlib_pattern_info(name)
        assert info is not None and info.name == name, name
        assert info.open_input and {"task", "data"} <= set(info.inputs), name
    assert stdlib_file("stdlib.SimpleConsensus") == stdlib_file("SimpleConsensus") is not None
    assert stdlib_pattern_info("NoSuchPattern") is None


def test_a_misspelt_input_of_a_stdlib_pattern_is_reported_with_a_suggestion() -> None:
    report = check_text("pattern P { use c = ConfidenceCascade(minConfidnce: 0.9) output c.value }")
    [diagnostic] = report.diagnostics
    assert diagnostic.code == "PLX105" and diagnostic.help == "did you mean `minConfidence`?"


def test_extra_inputs_are_passed_on_to_stdlib_patterns() -> None:
    assert codes('pattern P { use r = stdlib.UncertaintyRouter(task: "t", context: { k: 1 }) output r.value }') == []


def test_tests_of_stdlib_patterns_check_output_fields_and_agents() -> None:
    source = """test "t" for stdlib.MultiModelVoting {
  agent a1 { capabilities ["voting"] } answers { decision: "A" } with confidence 0.9
  agent a2 { capabilities ["voting", "decision"] } answers { decision: "A" } with confidence 0.9
  expect output.decison == "A"
}"""
    assert codes(source) == ["PLX120", "PLX121"]


def test_the_multi_step_designs_are_stdlib_names_too() -> None:
    source = """pattern P {
  use a = SequentialCascade(task: "t", minConfidence: 0.9)
  use b = stdlib.ChunkedMapReduce(data: [1, 2], chunkSize: 1)
  output [a.value, b.value]
}"""
    assert codes(source) == []
    assert codes("pattern Q { use c = SequentialCascade(minConfidnce: 0.9) output c.value }") == ["PLX105"]
