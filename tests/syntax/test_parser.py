"""Unit tests of the front end: spans, literals, strings, soft keywords and the public parse API."""

from __future__ import annotations

import pytest

from parallax_dsl import ast
from parallax_dsl.syntax import PlxSyntaxError, parse, parse_expression, parse_source


def _let_value(source: str) -> ast.Expr:
    module = parse(f"pattern P {{\n  let v = {source}\n  output v\n}}\n")
    statement = module.patterns[0].body[0]
    assert isinstance(statement, ast.LetStmt)
    return statement.value


def test_spans_are_one_based_with_exclusive_ends() -> None:
    module = parse("pattern Demo {\n  let answer = 40 + 2\n  output answer\n}\n", "demo.plx")
    pattern = module.patterns[0]
    assert (pattern.name_span.line, pattern.name_span.column, pattern.name_span.end_column) == (1, 9, 13)
    let = pattern.body[0]
    assert isinstance(let, ast.LetStmt)
    assert (let.span.line, let.span.column, let.span.end_line, let.span.end_column) == (2, 3, 2, 22)
    assert isinstance(let.value, ast.Binary)
    assert let.value.op == "+"
    assert (let.value.op_span.column, let.value.op_span.end_column) == (19, 20)
    assert let.value.span.file == "demo.plx"


def test_precedence_and_associativity() -> None:
    value = _let_value("1 - 2 - 3 * 4 ?? 5 or 6 and not 7 == 8")
    assert isinstance(value, ast.Binary) and value.op == "??"
    left = value.left
    assert isinstance(left, ast.Binary) and left.op == "-"
    assert isinstance(left.left, ast.Binary) and left.left.op == "-"
    assert isinstance(left.right, ast.Binary) and left.right.op == "*"
    right = value.right
    assert isinstance(right, ast.Binary) and right.op == "or"
    assert isinstance(right.right, ast.Binary) and right.right.op == "and"
    negation = right.right.right
    assert isinstance(negation, ast.Unary) and negation.op == "not"
    assert isinstance(negation.operand, ast.Binary) and negation.operand.op == "=="


def test_with_confidence_binds_loosest() -> None:
    value = _let_value("a + b with confidence 0.5 * 2")
    assert isinstance(value, ast.WithConfidence)
    assert isinstance(value.value, ast.Binary) and value.value.op == "+"
    assert isinstance(value.confidence, ast.Binary) and value.confidence.op == "*"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3), ("2.5", 2.5), ("1e-9", 1e-9), ("10E2", 1000.0)],
)
def test_numbers_keep_integers_integral(text: str, expected: float) -> None:
    value = parse_expression(text)
    assert isinstance(value, ast.Number)
    assert value.value == expected
    assert type(value.value) is type(expected)


@pytest.mark.parametrize(("text", "ms"), [("250ms", 250.0), ("30s", 30000.0), ("2m", 120000.0), ("1.5h", 5400000.0)])
def test_durations_are_milliseconds(text: str, ms: float) -> None:
    value = parse_expression(text)
    assert isinstance(value, ast.Duration)
    assert value.milliseconds == ms


def test_string_escapes_and_interpolation() -> None:
    value = _let_value(r'"a\tb \"q\" \$x \u00e9 ${input.task} and ${ len("xy") }!"')
    assert isinstance(value, ast.String)
    texts = [part for part in value.parts if isinstance(part, str)]
    assert texts == ['a\tb "q" $x é ', " and ", "!"]
    interpolated = [part for part in value.parts if not isinstance(part, str)]
    assert isinstance(interpolated[0], ast.Field) and interpolated[0].name == "task"
    assert isinstance(interpolated[1], ast.Call)


def test_interpolation_spans_point_into_the_string() -> None:
    module = parse('pattern P {\n  output "n=${ count }"\n}\n')
    output = module.patterns[0].body[0]
    assert isinstance(output, ast.OutputStmt) and isinstance(output.value, ast.String)
    name = output.value.parts[1]
    assert isinstance(name, ast.Name)
    assert (name.span.line, name.span.column, name.span.end_column) == (2, 16, 21)
    text = 'pattern P {\n  output "n=${ count }"\n}\n'
    assert text[name.span.start_pos : name.span.end_pos] == "count"


def test_raw_strings_keep_backslashes() -> None:
    value = parse_expression(r'r"(\d+) passed"')
    assert isinstance(value, ast.String)
    assert value.parts == (r"(\d+) passed",)


def test_interpolation_errors_are_reported_at_their_position() -> None:
    result = parse_source('pattern P {\n  output "x ${1 +} y"\n}\n', "i.plx")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("PLX001", 2)]


def test_domain_nouns_stay_usable_as_names() -> None:
    module = parse(
        "pattern P {\n"
        "  input { agents: list[string] = []  result: any = null  task: string  output: string = '' }\n"
        "  let input_copy = input.agents\n"
        "  let result = input.result ?? input.task\n"
        "  output { agents: input_copy, result: result, task: input.task, confidence: 1, output: input.output }\n"
        "}\n"
    )
    assert [f.name for f in module.patterns[0].inputs[0].fields] == ["agents", "result", "task", "output"]


@pytest.mark.parametrize("key", ["timeout", "escalate", "for", "to", "retries", "until", "policy", "reasoning"])
def test_keywords_are_soft_where_only_a_name_fits(key: str) -> None:
    """A keyword after an expression is a plain map key when the keyword could not continue the parse."""
    value = _let_value(f"{{ a: 1  {key}: 2 }}")
    assert isinstance(value, ast.MapLit)
    assert [entry.key for entry in value.entries] == ["a", key]


def test_agent_group_timeout_setting_after_a_number() -> None:
    module = parse("pattern P {\n  agents g { max 3 timeout 30s }\n  output 1\n}\n")
    assert [s.name for s in module.patterns[0].agents[0].settings] == ["max", "timeout"]


def test_step_clauses_fold_into_the_step() -> None:
    module = parse(
        "pattern P {\n  agents g { max 1 }\n"
        "  step s = g.run(task: 1) timeout 5s retries 2 backoff 100ms\n"
        '    verify command "true" verify agent g policy accept 0.9 escalate below 0.2 to g\n'
        "  output s\n}\n"
    )
    step = module.patterns[0].body[0]
    assert isinstance(step, ast.AgentStep)
    assert isinstance(step.timeout, ast.Duration) and step.timeout.milliseconds == 5000
    assert isinstance(step.retries, ast.Number) and step.retries.value == 2
    assert [v.kind for v in step.verifies] == ["command", "agent"]
    assert step.policy is not None and step.policy.escalate_to == "g" and step.policy.retry_below is None


HISTORY_OPTIONS = (
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
)


def test_verify_history_takes_its_options() -> None:
    module = parse(
        "pattern P {\n  agents g { max 1 }\n"
        "  step s = g.run(task: 1)\n"
        "    verify history half_life_days 14 min_runs 5 saturation_runs 2.5 max_runs 100\n"
        "      drift false drift_recent_n 4 drift_threshold 0.3\n"
        '      pool true pool_family "review" pool_weight 0.25\n'
        "    verify history\n"
        "    policy accept 0.8\n"
        "  output s\n}\n"
    )
    step = module.patterns[0].body[0]
    assert isinstance(step, ast.AgentStep)
    first, bare = step.verifies
    assert (first.kind, first.target, bare.kind, bare.options) == ("history", None, "history", ())
    assert [o.name for o in first.options] == list(HISTORY_OPTIONS)
    values = {o.name: o.value for o in first.options}
    assert isinstance(values["half_life_days"], ast.Number) and values["half_life_days"].value == 14
    assert isinstance(values["saturation_runs"], ast.Number) and values["saturation_runs"].value == 2.5
    assert isinstance(values["drift"], ast.Bool) and values["drift"].value is False
    assert isinstance(values["pool_family"], ast.String) and values["pool_family"].text == "review"
    assert step.policy is not None and step.policy.accept is not None


@pytest.mark.parametrize("key", [*HISTORY_OPTIONS, "score", "cwd"])
def test_verify_option_words_stay_usable_as_names(key: str) -> None:
    """Option words are keywords only where an option can come: elsewhere they are inputs, groups, actions,
    arguments, lets, map keys (also right after an expression), fields — and, right after `verify agent`, the
    group, unless the word is an `agent` option."""
    module = parse(
        "pattern P {\n"
        f"  input {{ {key}: number = 1 }}\n"
        f"  agents {key} {{ max 1 }}\n"
        f"  let {key}_map = {{ a: 1  {key}: 2 }}\n"
        f"  step {key}_step = {key}.{key}({key}: input.{key}) verify agent {key}\n"
        f"  step s = {key}.ask(x: 1) verify agent {key} rubric 'ok?'\n"
        f"    verify history min_runs input.{key} verify command 'true' cwd {key}_step.value\n"
        f"  output {{ {key}: {key}_map.{key}, b: s.value, c: {key}_step }}\n"
        "}\n"
    )
    pattern = module.patterns[0]
    assert [f.name for f in pattern.inputs[0].fields] == [key]
    assert [g.name for g in pattern.agents] == [key]
    let, first, second, _ = pattern.body
    assert isinstance(let, ast.LetStmt) and isinstance(let.value, ast.MapLit)
    assert [entry.key for entry in let.value.entries] == ["a", key]
    assert isinstance(first, ast.AgentStep) and isinstance(second, ast.AgentStep)
    assert (first.call.group, first.call.action, [a.name for a in first.call.args]) == (key, key, [key])
    assert isinstance(first.verifies[0].target, ast.Name) and first.verifies[0].target.name == key
    agent, history, command = second.verifies
    assert isinstance(agent.target, ast.Name) and agent.target.name == key
    assert [o.name for o in agent.options] == ["rubric"]
    assert [o.name for o in history.options] == ["min_runs"]
    assert isinstance(history.options[0].value, ast.Field) and history.options[0].value.name == key
    assert [o.name for o in command.options] == ["cwd"]


def test_an_agent_option_right_after_verify_agent_is_the_option() -> None:
    module = parse("pattern P {\n  agents g { max 1 }\n  step s = g.run() verify agent rubric 'ok?'\n  output s\n}\n")
    step = module.patterns[0].body[0]
    assert isinstance(step, ast.AgentStep)
    assert step.verifies[0].target is None and [o.name for o in step.verifies[0].options] == ["rubric"]


def test_an_option_word_after_verify_history_is_an_option() -> None:
    module = parse("pattern P {\n  agents g { max 1 }\n  step s = g.run() verify history pool true\n  output s\n}\n")
    step = module.patterns[0].body[0]
    assert isinstance(step, ast.AgentStep)
    assert step.verifies[0].target is None and [o.name for o in step.verifies[0].options] == ["pool"]


def test_duplicate_clause_is_an_error() -> None:
    result = parse_source("pattern P {\n  agents g {}\n  step s = g.run() timeout 1s timeout 2s\n  output s\n}\n")
    assert [d.code for d in result.diagnostics] == ["PLX010"]


def test_parse_raises_with_every_diagnostic() -> None:
    with pytest.raises(PlxSyntaxError) as caught:
        parse("pattern P {\n  let a = 1 &&\n  let b = ||\n}\n", "bad.plx")
    assert len(caught.value.diagnostics) == 2
    assert str(caught.value).startswith("bad.plx:2:")


def test_unknown_escape_suggests_raw_strings() -> None:
    result = parse_source('pattern P {\n  output "a\\d"\n}\n')
    assert result.diagnostics[0].code == "PLX004"
    assert 'r"' in (result.diagnostics[0].help or "")


def test_never_terminal_names_in_messages() -> None:
    result = parse_source("pattern P {\n  let = 3\n  output 1\n}\n")
    message = result.diagnostics[0].message
    assert message == "unexpected `=`; expected a name"
    for internal in ("NAME", "RBRACE", "__ANON", "LPAR", "$END"):
        assert internal not in message


def test_unary_plus_is_rejected_with_help() -> None:
    result = parse_source("pattern P {\n  output +1\n}\n")
    assert [d.message for d in result.diagnostics] == ["unary `+` is not part of .plx"]
