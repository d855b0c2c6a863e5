"""Unit tests of the language-server features as plain functions (no server, no LSP library)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from parallax_dsl.lsp.features import (
    Position,
    analyze,
    completion,
    definition,
    document_symbols,
    formatting,
    hover,
    in_comment_or_string,
    parser_context,
)

MAIN = textwrap.dedent(
    """\
    import "shared.plx"

    pattern Review {
      description "Review a change"
      input {
        task: string
        files: list[string] = []
      }
      agents reviewers {
        capabilities ["code-review"]
        max 3
      }
      fanout reviews = reviewers.review(task: input.task, file: f) for f in input.files
      let good = reviews.filter(r, r.confidence > 0.8)
      use outline = Outline(task: input.task)
      use consensus = SimpleConsensus(task: input.task)
      output { count: len(good), outline: outline.value, consensus: consensus.value }
    }

    test "counts" for Review {
      input { task: "t" }
      agent a1 answers "ok"
      expect output.count == 1
    }
    """
)
SHARED = "pattern Outline {\n  input {\n    task: string\n  }\n  output input.task\n}\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "main.plx").write_text(MAIN, encoding="utf-8")
    (tmp_path / "shared.plx").write_text(SHARED, encoding="utf-8")
    return tmp_path / "main.plx"


def at(text: str, needle: str, occurrence: int = 0, shift: int = 1) -> Position:
    """The position `shift` characters into the `occurrence`-th `needle` of `text`."""
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    offset += shift
    line = text.count("\n", 0, offset)
    return Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def test_analysis_matches_plxc_check(files: Path) -> None:
    result = analyze(MAIN, files)
    assert result.module is not None
    assert [d.code for d in result.diagnostics] == []
    broken = analyze(MAIN.replace("len(good)", "len(goood)"), files)
    assert [(d.code, d.span.line) for d in broken.diagnostics] == [("PLX103", 14), ("PLX101", 17)]


def test_hover_on_a_keyword_a_builtin_a_macro_and_a_setting(files: Path) -> None:
    result = analyze(MAIN, files)
    keyword = hover(result, at(MAIN, "fanout"))
    assert keyword is not None and keyword.markdown.startswith("**keyword** `fanout`")
    function = hover(result, at(MAIN, "len("))
    assert function is not None and "len(x)" in function.markdown
    macro = hover(result, at(MAIN, "filter"))
    assert macro is not None and macro.markdown.startswith("**list macro** `filter`")
    setting = hover(result, at(MAIN, "capabilities"))
    assert setting is not None and "ALL have" in setting.markdown
    assert hover(result, at(MAIN, "Review a change", shift=3)) is None  # inside a string


def test_hover_on_declared_names(files: Path) -> None:
    result = analyze(MAIN, files)
    step = hover(result, at(MAIN, "reviews.filter"))
    assert step is not None
    assert step.markdown.startswith("**step** `reviews` — fanout reviewers.review")
    assert "fanout reviews = reviewers.review(" in step.markdown
    group = hover(result, at(MAIN, "reviewers.review"))
    assert group is not None and group.markdown.startswith("**agent group** `reviewers`")
    field = hover(result, at(MAIN, "task: input.task", shift=13))
    assert field is not None and field.markdown.startswith("**input** `task` — input field: string")
    imported = hover(result, at(MAIN, "Outline("))
    assert imported is not None and "(from `shared.plx`)" in imported.markdown
    stdlib = hover(result, at(MAIN, "SimpleConsensus"))
    assert stdlib is not None and stdlib.markdown.startswith("**stdlib pattern**")
    test_name = hover(result, at(MAIN, "output.count"))
    assert test_name is not None and "output value" in test_name.markdown


def test_definition_of_steps_lets_groups_fields_binders_patterns_and_imports(files: Path) -> None:
    result = analyze(MAIN, files)

    def target(position: Position) -> tuple[str, int, int]:
        [location] = definition(result, position)
        return location.path.name, location.range.start.line, location.range.start.character

    assert target(at(MAIN, "reviews.filter")) == ("main.plx", 12, 9)
    assert target(at(MAIN, "len(good)", shift=5)) == ("main.plx", 13, 6)
    assert target(at(MAIN, "reviewers.review")) == ("main.plx", 8, 9)
    assert target(at(MAIN, "input.task", shift=7)) == ("main.plx", 5, 4)
    binder = at(MAIN, "for f", shift=4)
    assert target(at(MAIN, "file: f", shift=6)) == ("main.plx", binder.line, binder.character)  # `for f`
    macro_binder = at(MAIN, "filter(r", shift=7)
    assert target(at(MAIN, "r.confidence")) == ("main.plx", macro_binder.line, macro_binder.character)
    assert target(at(MAIN, "Outline(")) == ("shared.plx", 0, 8)
    assert target(at(MAIN, '"shared.plx"')) == ("shared.plx", 0, 0)
    assert target(at(MAIN, "for Review", shift=5)) == ("main.plx", 2, 8)
    [stdlib_location] = definition(result, at(MAIN, "SimpleConsensus"))  # into the stdlib's own source
    assert stdlib_location.path.name == "SimpleConsensus.plx"
    assert (
        stdlib_location.path.read_text()
        .splitlines()[stdlib_location.range.start.line]
        .startswith("pattern SimpleConsensus")
    )


def test_completion_of_input_fields_patterns_groups_and_macros(files: Path) -> None:
    def labels(line: str) -> list[str]:
        text = MAIN.replace("  let good = ", f"  {line}\n  let good = ")
        return [c.label for c in completion(text, files, at(text, line, shift=len(line)))]

    assert labels("let t = input.") == ["task", "files"]
    assert labels("let t = input.fi") == ["task", "files"]
    use = labels("use o = ")
    assert use[:2] == ["Review", "Outline"] and "SimpleConsensus" in use
    assert labels("step s = ") == ["reviewers"]
    assert labels("escalate to ") == ["reviewers", "human"]
    assert labels("let t = reviews.")[:3] == ["filter", "map", "count"]
    assert labels("let t = 1  # input.") == []


def test_completion_at_a_statement_start_offers_the_keywords_the_grammar_accepts(files: Path) -> None:
    text = MAIN.replace("  let good = ", "  \n  let good = ")
    items = completion(text, files, at(text, "  \n", shift=2))
    keywords = {c.label for c in items if c.kind == "keyword"}
    assert {"let", "fanout", "step", "race", "use", "uncertain", "match", "if", "output"} <= keywords
    assert "then" not in keywords and "pattern" not in keywords
    assert not any(c.kind == "function" for c in items)


def test_completion_in_an_expression_offers_names_in_scope_and_functions(files: Path) -> None:
    text = MAIN.replace("  let good = ", "  let t = \n  let good = ")
    items = {c.label: c for c in completion(text, files, at(text, "let t = ", shift=8))}
    assert {"input", "reviews", "good", "outline", "consensus"} <= set(items)
    assert items["len"].kind == "function" and items["true"].kind == "keyword"
    assert "let" not in items


def test_completion_of_settings_in_headers_and_agent_groups(files: Path) -> None:
    text = MAIN.replace("    max 3\n", "    max 3\n    \n")
    labels = {c.label for c in completion(text, files, at(text, "max 3\n    ", shift=10))}
    assert {"capabilities", "prefer", "stateful"} <= labels
    header = MAIN.replace('  description "Review a change"\n', '  description "Review a change"\n  \n')
    labels = {c.label for c in completion(header, files, at(header, 'change"\n  ', shift=10))}
    assert {"version", "tags", "input", "agents", "let"} <= labels


HISTORY_OPTIONS = {
    "half_life_days",
    "min_runs",
    "saturation_runs",
    "max_runs",
    "drift",
    "drift_recent_n",
    "drift_threshold",
    "pool",
    "pool_family",
    "pool_weight",
}


def test_completion_of_verify_options_includes_the_history_options(files: Path) -> None:
    step = "  fanout reviews = reviewers.review(task: input.task, file: f) for f in input.files"
    for written in ("verify history ", "verify history min_runs 3 ", "verify history po"):
        text = MAIN.replace(step, f"{step} {written}")
        labels = {c.label for c in completion(text, files, at(text, written, shift=len(written)))}
        assert HISTORY_OPTIONS | {"score", "cwd", "rubric", "pass_confidence", "fail_confidence"} <= labels, written
        assert {"policy", "timeout", "verify"} <= labels
    # Where a value must come, an option word is not offered.
    text = MAIN.replace(step, f"{step} verify history min_runs ")
    labels = {c.label for c in completion(text, files, at(text, "min_runs ", shift=9))}
    assert not HISTORY_OPTIONS & labels and "len" in labels


def test_hover_on_verify_history_names_its_options(files: Path) -> None:
    step = "  fanout reviews = reviewers.review(task: input.task, file: f) for f in input.files"
    text = MAIN.replace(step, f"{step} verify history pool true")
    result = analyze(text, files)
    shown = hover(result, at(text, "history"))
    assert shown is not None and "`min_runs`" in shown.markdown and "`pool_weight`" in shown.markdown


def test_parser_context_reports_the_accepted_keywords() -> None:
    context = parser_context("pattern A {\n  step s = g.go() ")
    assert context is not None
    assert {"timeout", "retries", "verify", "policy", "for", "let", "output"} <= set(context.keywords)
    assert parser_context("pattern A { let = ") is None


@pytest.mark.parametrize(
    ("prefix", "inside"),
    [("let x = 1 # note", True), ('let x = "a # b', True), ('let x = "a" ', False), ("let x = r'\\", True)],
)
def test_comment_and_string_detection(prefix: str, inside: bool) -> None:
    assert in_comment_or_string(prefix) is inside


def test_document_symbols(files: Path) -> None:
    symbols = document_symbols(analyze(MAIN, files).module)
    assert [(s.name, s.kind) for s in symbols] == [("Review", "class"), ("counts", "method")]
    children = [(c.name, c.kind) for c in symbols[0].children]
    assert children == [
        ("task", "field"),
        ("files", "field"),
        ("reviewers", "object"),
        ("reviews", "function"),
        ("good", "variable"),
        ("outline", "function"),
        ("consensus", "function"),
    ]
    assert [c.name for c in symbols[1].children] == ["a1"]
    assert symbols[0].selection_range.start == Position(2, 8)


def test_formatting_returns_one_whole_document_edit() -> None:
    [edit] = formatting("pattern A{output 1}") or []
    assert edit.new_text == "pattern A {\n  output 1\n}\n"
    assert (edit.range.start, edit.range.end) == (Position(0, 0), Position(0, 19))
    assert formatting("pattern A {\n  output 1\n}\n") == []
    assert formatting("pattern A {") is None
