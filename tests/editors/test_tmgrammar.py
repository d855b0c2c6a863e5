"""Scope assertions for the VS Code TextMate grammar (`editors/vscode/syntaxes/plx.tmLanguage.json`).

The grammar runs through `tmtokenizer` (vscode-textmate's algorithm with Python `re`). Each table row is
(a fragment of one fixture line, a token inside that fragment, the expected scope): the expected scope must be a
prefix of the token's innermost scope, or, for `meta.*` scopes, of any scope around the token.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from tmtokenizer import Grammar, Token

from parallax_dsl.semantics import builtins
from parallax_dsl.syntax import parse_source
from parallax_dsl.syntax.grammar import GRAMMAR_PATH as LARK_GRAMMAR

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
TM_GRAMMAR = HERE.parents[1] / "editors" / "vscode" / "syntaxes" / "plx.tmLanguage.json"
FIXTURE_NAMES = ("consensus.plx", "constructs.plx")

Row = tuple[str, str, str]


@cache
def grammar() -> Grammar:
    return Grammar(json.loads(TM_GRAMMAR.read_text(encoding="utf-8")))


@cache
def tokenized(text: str) -> tuple[list[list[Token]], list[str]]:
    return grammar().tokenize_with_state(text)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def has_scope(token: Token, expected: str) -> bool:
    def fits(scope: str) -> bool:
        return scope == expected or scope.startswith(expected + ".")

    if expected.startswith("meta."):
        return any(fits(scope) for scope in token.scopes)
    return fits(token.scopes[-1])


def find_token(text: str, fragment: str, spelled: str) -> Token:
    """The first token spelled `spelled` inside the first line fragment `fragment` of `text`."""
    lines, _ = tokenized(text)
    for line, line_tokens in zip(text.split("\n"), lines, strict=True):
        at = line.find(fragment)
        if at < 0:
            continue
        for token in line_tokens:
            if token.text == spelled and at <= token.start and token.end <= at + len(fragment):
                return token
        raise AssertionError(f"no token {spelled!r} in {fragment!r}: {[t.text for t in line_tokens]}")
    raise AssertionError(f"no line contains {fragment!r}")


def check_rows(text: str, rows: list[Row]) -> None:
    failures = []
    for fragment, spelled, expected in rows:
        token = find_token(text, fragment, spelled)
        if not has_scope(token, expected):
            failures.append(f"{fragment!r} / {spelled!r}: expected {expected}, got {token.scope}")
    assert not failures, "\n".join(failures)


def in_pattern(body: str) -> str:
    return "pattern P {\n" + body + "\n}\n"


# ---------------------------------------------------------------------------------------------- the tables
CONSENSUS: list[Row] = [
    ('import "common.plx"', "import", "keyword.control.import.plx"),
    ('import "common.plx"', "common.plx", "string.quoted.double.plx"),
    ('import "common.plx"', '"', "punctuation.definition.string.begin.plx"),
    ("pattern ConsensusBuilder {", "pattern", "storage.type.pattern.plx"),
    ("pattern ConsensusBuilder {", "ConsensusBuilder", "entity.name.type.pattern.plx"),
    ("pattern ConsensusBuilder {", "{", "punctuation.section.block.begin.plx"),
    ("pattern ConsensusBuilder {", "ConsensusBuilder", "meta.pattern.plx"),
    ('version "2.0.0"', "version", "variable.parameter.setting.plx"),
    ('description "Build', "description", "variable.parameter.setting.plx"),
    ("requires confidence >= 0.5", "requires", "variable.parameter.setting.plx"),
    ("requires confidence >= 0.5", "confidence", "variable.language.confidence.plx"),
    ("requires confidence >= 0.5", ">=", "keyword.operator.comparison.plx"),
    ("requires confidence >= 0.5", "0.5", "constant.numeric.plx"),
    ("input { task: string", "input", "storage.type.input.plx"),
    ("input { task: string", "task", "variable.parameter.input.plx"),
    ("input { task: string", ":", "punctuation.separator.type-annotation.plx"),
    ("input { task: string", "string", "support.type.plx"),
    ("data: any = null", "any", "support.type.plx"),
    ("data: any = null", "=", "keyword.operator.assignment.plx"),
    ("data: any = null", "null", "constant.language.null.plx"),
    ("items: list[string] = []", "list", "support.type.plx"),
    ("items: list[string] = []", "string", "support.type.plx"),
    ("items: list[string] = []", "[", "punctuation.section.brackets.begin.plx"),
    ("agents experts {", "agents", "storage.type.agents.plx"),
    ("agents experts {", "experts", "entity.name.type.agent-group.plx"),
    ('{ capabilities ["code-analysis"] min', "capabilities", "variable.parameter.setting.plx"),
    ("min 3 max 5", "min", "variable.parameter.setting.plx"),
    ("min 3 max 5", "max", "variable.parameter.setting.plx"),
    ("min 3 max 5", "5", "constant.numeric.plx"),
    ("timeout 30s confidence", "timeout", "variable.parameter.setting.plx"),
    ("timeout 30s confidence", "30s", "constant.numeric.duration.plx"),
    ("confidence 0.6..0.95", "confidence", "variable.parameter.setting.plx"),
    ("confidence 0.6..0.95", "0.6", "constant.numeric.plx"),
    ("confidence 0.6..0.95", "..", "keyword.operator.range.plx"),
    ("confidence 0.6..0.95", "0.95", "constant.numeric.plx"),
    ("fanout analyses = experts.analyze(", "fanout", "storage.type.fanout.plx"),
    ("fanout analyses = experts.analyze(", "analyses", "entity.name.function.step.plx"),
    ("fanout analyses = experts.analyze(", "=", "keyword.operator.assignment.plx"),
    ("fanout analyses = experts.analyze(", "experts", "variable.other.agent-group.plx"),
    ("fanout analyses = experts.analyze(", ".", "punctuation.accessor.plx"),
    ("fanout analyses = experts.analyze(", "analyze", "entity.name.function.task.plx"),
    ("analyze(task: input.task, data", "(", "punctuation.section.parens.begin.plx"),
    ("analyze(task: input.task, data", "task", "variable.parameter.argument.plx"),
    ("analyze(task: input.task, data", "input", "variable.language.input.plx"),
    ("input.task, data", "task", "variable.other.property.plx"),
    ("input.task, data", ",", "punctuation.separator.comma.plx"),
    ("timeout 30s retries 2 backoff 500ms", "timeout", "keyword.other.timeout.plx"),
    ("timeout 30s retries 2 backoff 500ms", "retries", "keyword.other.retries.plx"),
    ("timeout 30s retries 2 backoff 500ms", "backoff", "keyword.other.backoff.plx"),
    ("timeout 30s retries 2 backoff 500ms", "500ms", "constant.numeric.duration.plx"),
    ("step fix = experts.implement(", "step", "storage.type.step.plx"),
    ("step fix = experts.implement(", "fix", "entity.name.function.step.plx"),
    ("step fix = experts.implement(", "implement", "entity.name.function.task.plx"),
    ('"Fix ${input.task}"', "Fix ", "string.quoted.double.plx"),
    ('"Fix ${input.task}"', "${", "punctuation.section.interpolation.begin.plx"),
    ('"Fix ${input.task}"', "input", "meta.interpolation.plx"),
    ('"Fix ${input.task}"', "input", "meta.embedded.line.plx"),
    ('"Fix ${input.task}"', "input", "variable.language.input.plx"),
    ('"Fix ${input.task}"', "task", "variable.other.property.plx"),
    ('"Fix ${input.task}"', "}", "punctuation.section.interpolation.end.plx"),
    ('verify command "pytest -q"', "verify", "keyword.other.verify.plx"),
    ('verify command "pytest -q"', "command", "support.constant.verify-kind.plx"),
    ('verify command "pytest -q"', "pytest -q", "string.quoted.double.plx"),
    ('score "(\\\\d+) passed"', "score", "keyword.other.option.plx"),
    ('score "(\\\\d+) passed"', "\\\\", "constant.character.escape.plx"),
    ("verify agent reviewer rubric", "agent", "support.constant.verify-kind.plx"),
    ("verify agent reviewer rubric", "reviewer", "variable.other.agent-group.plx"),
    ("verify agent reviewer rubric", "rubric", "keyword.other.option.plx"),
    ("policy accept 0.8 retry below 0.6", "policy", "keyword.other.policy.plx"),
    ("policy accept 0.8 retry below 0.6", "accept", "keyword.other.policy.plx"),
    ("policy accept 0.8 retry below 0.6", "retry", "keyword.other.policy.plx"),
    ("policy accept 0.8 retry below 0.6", "below", "keyword.other.policy.plx"),
    ("policy accept 0.8 retry below 0.6", "accept", "meta.policy.plx"),
    ("escalate below 0.4 to lead", "escalate", "keyword.other.policy.plx"),
    ("escalate below 0.4 to lead", "to", "keyword.other.to.plx"),
    ("escalate below 0.4 to lead", "lead", "variable.other.agent-group.plx"),
    ("race quick = experts.solve(", "race", "storage.type.race.plx"),
    ("race quick = experts.solve(", "quick", "entity.name.function.step.plx"),
    ("until quick.confidence >= 0.9", "until", "keyword.control.until.plx"),
    ("until quick.confidence >= 0.9", "quick", "variable.other.plx"),
    ("until quick.confidence >= 0.9", "confidence", "variable.other.property.plx"),
    ("for item in input.items", "for", "keyword.control.loop.plx"),
    ("for item in input.items", "item", "variable.parameter.binder.plx"),
    ("for item in input.items", "in", "keyword.operator.in.plx"),
    ("use nested = stdlib.SimpleConsensus(", "use", "storage.type.use.plx"),
    ("use nested = stdlib.SimpleConsensus(", "nested", "entity.name.function.step.plx"),
    ("use nested = stdlib.SimpleConsensus(", "stdlib", "entity.name.namespace.plx"),
    ("use nested = stdlib.SimpleConsensus(", ".", "punctuation.accessor.plx"),
    ("use nested = stdlib.SimpleConsensus(", "SimpleConsensus", "entity.name.type.pattern.plx"),
    ("let weight = sum(", "let", "storage.type.let.plx"),
    ("let weight = sum(", "weight", "variable.other.definition.plx"),
    ("let weight = sum(", "sum", "support.function.builtin.plx"),
    ("analyses.map(r, r.agent.expertise)", "map", "support.function.macro.plx"),
    ("analyses.map(r, r.agent.expertise)", "r", "variable.parameter.binder.plx"),
    ("analyses.map(r, r.agent.expertise)", "expertise", "variable.other.property.plx"),
    ("let kind = match {", "match", "keyword.control.match.plx"),
    ("weight >= 3 and weight > 0.8", "and", "keyword.operator.logical.plx"),
    ("weight >= 3 and weight > 0.8", ">", "keyword.operator.comparison.plx"),
    ('0.8 => "strong"', "=>", "keyword.operator.arrow.plx"),
    ('else => "weak"', "else", "keyword.control.conditional.plx"),
    ("analyses.max_by(r, r.confidence) ?? null", "max_by", "support.function.macro.plx"),
    ("analyses.max_by(r, r.confidence) ?? null", "??", "keyword.operator.coalesce.plx"),
    ("uncertain weight bands(high: 0.9, medium: 0.6) {", "uncertain", "keyword.control.uncertain.plx"),
    ("uncertain weight bands(high: 0.9, medium: 0.6) {", "bands", "keyword.other.bands.plx"),
    ("uncertain weight bands(high: 0.9, medium: 0.6) {", "high", "constant.language.band.plx"),
    ("uncertain weight bands(high: 0.9, medium: 0.6) {", "medium", "constant.language.band.plx"),
    ("high => output { type: kind", "high", "constant.language.band.plx"),
    ("high => output { type: kind", "output", "keyword.control.output.plx"),
    ("high => output { type: kind", "type", "support.type.property-name.plx"),
    ("n: len(analyses) }", "len", "support.function.builtin.plx"),
    ("} with confidence weight", "with", "keyword.other.with.plx"),
    ("} with confidence weight", "confidence", "keyword.other.confidence.plx"),
    ("medium => { step more", "medium", "constant.language.band.plx"),
    ("medium => { step more", "more", "entity.name.function.step.plx"),
    ("low => escalate to human", "low", "constant.language.band.plx"),
    ("low => escalate to human", "escalate", "keyword.control.escalate.plx"),
    ("low => escalate to human", "human", "variable.other.agent-group.plx"),
    ('{ fail "no consensus" }', "fail", "keyword.control.fail.plx"),
    ("if weight > 1 { output weight }", "if", "keyword.control.conditional.plx"),
    ("if weight > 1 { output weight }", "{", "punctuation.section.block.begin.plx"),
    ("else if not (weight < 0)", "not", "keyword.operator.logical.plx"),
    ("output -1", "-", "keyword.operator.arithmetic.plx"),
    ('test "two agree" for ConsensusBuilder {', "test", "storage.type.test.plx"),
    ('test "two agree" for ConsensusBuilder {', "two agree", "string.quoted.double.plx"),
    ('test "two agree" for ConsensusBuilder {', "for", "keyword.other.for.plx"),
    ('test "two agree" for ConsensusBuilder {', "ConsensusBuilder", "entity.name.type.pattern.plx"),
    ('test "two agree" for ConsensusBuilder {', "ConsensusBuilder", "meta.test.plx"),
    ('input { task: "t" }', "input", "storage.type.input.plx"),
    ('input { task: "t" }', "task", "support.type.property-name.plx"),
    ("agent a1 {", "agent", "storage.type.agent.plx"),
    ("agent a1 {", "a1", "entity.name.type.agent.plx"),
    ('{ capabilities ["code-analysis"] } answers', "capabilities", "variable.parameter.setting.plx"),
    ('answers "yes" with confidence 0.9', "answers", "keyword.other.answers.plx"),
    ('answers "yes" with confidence 0.9', "confidence", "keyword.other.confidence.plx"),
    ('then fails "down" delay 10ms', "then", "keyword.control.conditional.plx"),
    ('then fails "down" delay 10ms', "fails", "keyword.other.fails.plx"),
    ('then fails "down" delay 10ms', "delay", "keyword.other.option.plx"),
    ('then fails "down" delay 10ms', "10ms", "constant.numeric.duration.plx"),
    ('agent a2 answers { ok: true } reasoning "because"', "a2", "entity.name.type.agent.plx"),
    ('agent a2 answers { ok: true } reasoning "because"', "ok", "support.type.property-name.plx"),
    ('agent a2 answers { ok: true } reasoning "because"', "true", "constant.language.boolean.plx"),
    ('agent a2 answers { ok: true } reasoning "because"', "reasoning", "keyword.other.option.plx"),
    ('expect output.type == "strong"', "expect", "keyword.other.expect.plx"),
    ('expect output.type == "strong"', "output", "variable.language.output.plx"),
    ('expect output.type == "strong"', "==", "keyword.operator.comparison.plx"),
    ("expect confidence == 0.85 within 1e-9", "confidence", "variable.language.confidence.plx"),
    ("expect confidence == 0.85 within 1e-9", "within", "keyword.other.within.plx"),
    ("expect confidence == 0.85 within 1e-9", "1e-9", "constant.numeric.plx"),
    ("expect output matches snapshot", "output", "variable.language.output.plx"),
    ("expect output matches snapshot", "matches", "keyword.other.matches.plx"),
    ("expect output matches snapshot", "snapshot", "keyword.other.snapshot.plx"),
]

FIRST_LINE = "# Every construct of the .plx surface, for the TextMate grammar tests."
CONSTRUCTS: list[Row] = [
    ("# Every construct", "#", "punctuation.definition.comment.plx"),
    (FIRST_LINE, " Every construct of the .plx surface, for the TextMate grammar tests.", "comment.line"),
    ("import 'lib/common.plx';", "'", "punctuation.definition.string.begin.plx"),
    ("import 'lib/common.plx';", "lib/common.plx", "string.quoted.single.plx"),
    ("import 'lib/common.plx';", ";", "punctuation.terminator.statement.plx"),
    ('"Review a change; \\"strict\\" mode"', "Review a change; ", "string.quoted.double.plx"),
    ('"Review a change; \\"strict\\" mode"', '\\"', "constant.character.escape.plx"),
    ("# trailing comment", " trailing comment", "comment.line.number-sign.plx"),
    ('tags ["review", "code"]', "tags", "variable.parameter.setting.plx"),
    ('tags ["review", "code"]', "[", "punctuation.section.brackets.begin.plx"),
    ("timeout 5m", "timeout", "keyword.other.timeout.plx"),
    ("timeout 5m", "5m", "constant.numeric.duration.plx"),
    ('schedule "0 * * * *"', "schedule", "variable.parameter.setting.plx"),
    ('schedule "0 * * * *"', "0 * * * *", "string.quoted.double.plx"),
    ("persist true", "persist", "variable.parameter.setting.plx"),
    ('backend "local"', "backend", "variable.parameter.setting.plx"),
    ('target "kubernetes"', "target", "variable.parameter.setting.plx"),
    ('regions ["eu-west"', "regions", "variable.parameter.setting.plx"),
    ("policy accept 0.9", "accept", "keyword.other.policy.plx"),
    ("change: string   ", "string", "support.type.plx"),
    ("# the diff", " the diff", "comment.line.number-sign.plx"),
    ("weights: map[list[number]] = {}", "weights", "variable.parameter.input.plx"),
    ("weights: map[list[number]] = {}", "map", "support.type.plx"),
    ("weights: map[list[number]] = {}", "list", "support.type.plx"),
    ("weights: map[list[number]] = {}", "number", "support.type.plx"),
    ("weights: map[list[number]] = {}", "]", "punctuation.section.brackets.end.plx"),
    ("weights: map[list[number]] = {}", "{", "punctuation.section.braces.begin.plx"),
    ("limit: optional[integer] = 3", "optional", "support.type.plx"),
    ("limit: optional[integer] = 3", "integer", "support.type.plx"),
    ("limit: optional[integer] = 3", "3", "constant.numeric.plx"),
    ("strict: boolean = false,", "boolean", "support.type.plx"),
    ("strict: boolean = false,", "false", "constant.language.boolean.plx"),
    ("extra: any", "any", "support.type.plx"),
    ("agents reviewers {", "reviewers", "entity.name.type.agent-group.plx"),
    ('prefer "expertise"', "prefer", "variable.parameter.setting.plx"),
    ("stateful true", "stateful", "variable.parameter.setting.plx"),
    ("min 2; max 4", "min", "variable.parameter.setting.plx"),
    ("min 2; max 4", ";", "punctuation.terminator.statement.plx"),
    ("min 2; max 4", "max", "variable.parameter.setting.plx"),
    ("agents lead { capabilities ['lead'] }", "lead", "entity.name.type.agent-group.plx"),
    ("agents lead { capabilities ['lead'] }", "capabilities", "variable.parameter.setting.plx"),
    ("capabilities ['lead'] }", "lead", "string.quoted.single.plx"),
    ("    timeout 45s", "timeout", "keyword.other.timeout.plx"),
    ("    timeout 45s", "45s", "constant.numeric.duration.plx"),
    ("retries 3 backoff 1.5s", "retries", "keyword.other.retries.plx"),
    ("retries 3 backoff 1.5s", "1.5s", "constant.numeric.duration.plx"),
    ("step patch = lead.fix(", "lead", "variable.other.agent-group.plx"),
    ("step patch = lead.fix(", "fix", "entity.name.function.task.plx"),
    ('verify command "make test" cwd "./repo"', "cwd", "keyword.other.option.plx"),
    ('verify command "make test" cwd "./repo"', "cwd", "meta.verify.plx"),
    ("verify agent reviewers rubric 'Is it right?'", "reviewers", "variable.other.agent-group.plx"),
    ("verify agent reviewers rubric 'Is it right?'", "Is it right?", "string.quoted.single.plx"),
    ("pass_confidence 0.7 fail_confidence 0.2", "pass_confidence", "keyword.other.option.plx"),
    ("pass_confidence 0.7 fail_confidence 0.2", "fail_confidence", "keyword.other.option.plx"),
    ("verify history", "history", "support.constant.verify-kind.plx"),
    ("verify history half_life_days 14 min_runs 5", "half_life_days", "keyword.other.option.plx"),
    ("verify history half_life_days 14 min_runs 5", "14", "constant.numeric"),
    ("verify history half_life_days 14 min_runs 5", "min_runs", "keyword.other.option.plx"),
    ("saturation_runs 8 max_runs 100", "saturation_runs", "keyword.other.option.plx"),
    ("saturation_runs 8 max_runs 100", "max_runs", "keyword.other.option.plx"),
    ("verify history drift true drift_recent_n 4", "drift", "keyword.other.option.plx"),
    ("verify history drift true drift_recent_n 4", "true", "constant.language"),
    ("verify history drift true drift_recent_n 4", "drift_recent_n", "keyword.other.option.plx"),
    ("drift_threshold 0.3 pool true", "drift_threshold", "keyword.other.option.plx"),
    ("drift_threshold 0.3 pool true", "pool", "keyword.other.option.plx"),
    ("pool_family 'review' pool_weight 0.4", "pool_family", "keyword.other.option.plx"),
    ("pool_family 'review' pool_weight 0.4", "review", "string.quoted.single.plx"),
    ("pool_family 'review' pool_weight 0.4", "pool_weight", "keyword.other.option.plx"),
    ("pool_family 'review' pool_weight 0.4", "pool_weight", "meta.verify.plx"),
    ("policy accept 0.8 retry below 0.5", "retry", "keyword.other.policy.plx"),
    ("let total = len(reviews) * 2 + 1 - 3 / 4 % 5", "*", "keyword.operator.arithmetic.plx"),
    ("let total = len(reviews) * 2 + 1 - 3 / 4 % 5", "+", "keyword.operator.arithmetic.plx"),
    ("let total = len(reviews) * 2 + 1 - 3 / 4 % 5", "-", "keyword.operator.arithmetic.plx"),
    ("let total = len(reviews) * 2 + 1 - 3 / 4 % 5", "/", "keyword.operator.arithmetic.plx"),
    ("let total = len(reviews) * 2 + 1 - 3 / 4 % 5", "%", "keyword.operator.arithmetic.plx"),
    ("total == 1 or total != 2", "==", "keyword.operator.comparison.plx"),
    ("total == 1 or total != 2", "or", "keyword.operator.logical.plx"),
    ("total == 1 or total != 2", "!=", "keyword.operator.comparison.plx"),
    ("not (total < 3)", "not", "keyword.operator.logical.plx"),
    ("not (total < 3)", "<", "keyword.operator.comparison.plx"),
    ("total <= 4", "<=", "keyword.operator.comparison.plx"),
    ("total > 5", ">", "keyword.operator.comparison.plx"),
    ("if total in [1, 2] then \"some\" else 'none'", "if", "keyword.control.conditional.plx"),
    ("if total in [1, 2] then \"some\" else 'none'", "in", "keyword.operator.in.plx"),
    ("if total in [1, 2] then \"some\" else 'none'", "[", "punctuation.section.brackets.begin.plx"),
    ("if total in [1, 2] then \"some\" else 'none'", "then", "keyword.control.conditional.plx"),
    ("if total in [1, 2] then \"some\" else 'none'", "else", "keyword.control.conditional.plx"),
    ("if total in [1, 2] then \"some\" else 'none'", "none", "string.quoted.single.plx"),
    ("total not in [3]", "not", "keyword.operator.logical.plx"),
    ("total not in [3]", "in", "keyword.operator.in.plx"),
    ('"Got ${len(reviews)} reviews', "len", "support.function.builtin.plx"),
    ('"Got ${len(reviews)} reviews', "len", "meta.interpolation.plx"),
    ('"Got ${len(reviews)} reviews', "reviews", "variable.other.plx"),
    ('"Got ${len(reviews)} reviews for ${', " reviews for ", "string.quoted.double.plx"),
    ("${input.change} \\$5 \\t\\u00e9", "change", "meta.interpolation.plx"),
    ("${input.change} \\$5 \\t\\u00e9", "\\$", "constant.character.escape.plx"),
    ("${input.change} \\$5 \\t\\u00e9", "5 ", "string.quoted.double.plx"),
    ("${input.change} \\$5 \\t\\u00e9", "\\t", "constant.character.escape.plx"),
    ("${input.change} \\$5 \\t\\u00e9", "\\u00e9", "constant.character.escape.plx"),
    ("'it\\'s ${upper(trim(\"x\"))}'", "\\'", "constant.character.escape.plx"),
    ("'it\\'s ${upper(trim(\"x\"))}'", "${", "punctuation.section.interpolation.begin.plx"),
    ("'it\\'s ${upper(trim(\"x\"))}'", "upper", "support.function.builtin.plx"),
    ("'it\\'s ${upper(trim(\"x\"))}'", "trim", "support.function.builtin.plx"),
    ("'it\\'s ${upper(trim(\"x\"))}'", "x", "string.quoted.double.plx"),
    ("'it\\'s ${upper(trim(\"x\"))}'", "}", "punctuation.section.interpolation.end.plx"),
    ("'it\\'s ${upper(trim(\"x\"))}'", "'", "punctuation.definition.string.begin.plx"),
    ("let hours = 1h + 2m", "1h", "constant.numeric.duration.plx"),
    ("let hours = 1h + 2m", "2m", "constant.numeric.duration.plx"),
    ("let big = 1e6 + 2.5E-3 + 42", "1e6", "constant.numeric.plx"),
    ("let big = 1e6 + 2.5E-3 + 42", "2.5E-3", "constant.numeric.plx"),
    ("let big = 1e6 + 2.5E-3 + 42", "42", "constant.numeric.plx"),
    ("reviews.filter(r, r.confidence > 0.8).sort_by(r", "filter", "support.function.macro.plx"),
    ("reviews.filter(r, r.confidence > 0.8).sort_by(r", "sort_by", "support.function.macro.plx"),
    ("reviews.count(r, r.value", "count", "support.function.macro.plx"),
    ("len(reviews.group_by(r, r.agent))", "group_by", "support.function.macro.plx"),
    ("reviews.all(r, is_valid(r))", "all", "support.function.macro.plx"),
    ("reviews.all(r, is_valid(r))", "is_valid", "support.function.builtin.plx"),
    ('reviews.exists(r, has(r, "value"))', "exists", "support.function.macro.plx"),
    ('reviews.exists(r, has(r, "value"))', "has", "support.function.builtin.plx"),
    ("reviews.min_by(r, r.confidence)", "min_by", "support.function.macro.plx"),
    ("coalesce(patch, best_review, threshold: 0.5) ?? 0;", "coalesce", "support.function.builtin.plx"),
    ("coalesce(patch, best_review, threshold: 0.5) ?? 0;", "threshold", "variable.parameter.argument.plx"),
    ("coalesce(patch, best_review, threshold: 0.5) ?? 0;", ";", "punctuation.terminator.statement.plx"),
    ('match total { 1 => "one", else => "many" }', "match", "keyword.control.match.plx"),
    ('match total { 1 => "one", else => "many" }', "total", "variable.other.plx"),
    ('match total { 1 => "one", else => "many" }', ",", "punctuation.separator.comma.plx"),
    ('match total { 1 => "one", else => "many" }', "else", "keyword.control.conditional.plx"),
    ('escalate "needs a human"', "escalate", "keyword.control.escalate.plx"),
    ('output { patch: patch, "quoted key": v', "patch", "support.type.property-name.plx"),
    ('output { patch: patch, "quoted key": v', "quoted key", "string.quoted.double.plx"),
    ('output { patch: patch, "quoted key": v', ":", "punctuation.separator.key-value.plx"),
    ("with confidence average_confidence(reviews)", "average_confidence", "support.function.builtin.plx"),
    ('test "reviews pass" for stdlib.Review {', "stdlib", "entity.name.namespace.plx"),
    ('test "reviews pass" for stdlib.Review {', "Review", "entity.name.type.pattern.plx"),
    ('let expected = "ok"', "let", "storage.type.let.plx"),
    ('let expected = "ok"', "expected", "variable.other.definition.plx"),
    ('input { change: "diff", limit: 2 }', "limit", "support.type.property-name.plx"),
    ("expertise 0.9 historical_confidence 0.8 name", "expertise", "variable.parameter.setting.plx"),
    ("expertise 0.9 historical_confidence 0.8 name", "historical_confidence", "variable.parameter.setting.plx"),
    ("expertise 0.9 historical_confidence 0.8 name", "name", "variable.parameter.setting.plx"),
    ("} answers 'ok' reasoning \"fine\"", "ok", "string.quoted.single.plx"),
    ('agent boss fails "offline" then answers', "boss", "entity.name.type.agent.plx"),
    ('agent boss fails "offline" then answers', "fails", "keyword.other.fails.plx"),
    ("answers { fixed: true } with confidence 1.0 delay 2s", "fixed", "support.type.property-name.plx"),
    ("answers { fixed: true } with confidence 1.0 delay 2s", "delay", "keyword.other.option.plx"),
    ("answers { fixed: true } with confidence 1.0 delay 2s", "2s", "constant.numeric.duration.plx"),
    ("expect output.count == 2", "count", "variable.other.property.plx"),
    ("expect confidence >= 0.5 within 0.01", "within", "keyword.other.within.plx"),
]


def test_fixtures_are_valid_plx() -> None:
    for name in FIXTURE_NAMES:
        result = parse_source(fixture_text(name), name)
        assert result.ok, (name, [d.message for d in result.diagnostics])


def test_consensus_example_scopes() -> None:
    check_rows(fixture_text("consensus.plx"), CONSENSUS)


def test_every_construct_scopes() -> None:
    check_rows(fixture_text("constructs.plx"), CONSTRUCTS)


def test_fixtures_close_every_rule_and_classify_every_token() -> None:
    """No rule stays open at the end (so nothing bleeds into the next file) and no text is left unscoped."""
    for name in FIXTURE_NAMES:
        lines, still_open = tokenized(fixture_text(name))
        assert still_open == [], (name, still_open)
        bare = [
            (t.line + 1, t.text)
            for line in lines
            for t in line
            if t.text.strip() and all(s == "source.plx" or s.startswith("meta.") for s in t.scopes)
        ]
        assert bare == [], (name, bare)
        last = [t for t in next(line for line in reversed(lines) if line) if t.text.strip()]
        assert [t.text for t in last] == ["}"]
        assert last[0].scopes[-1] == "punctuation.section.block.end.plx" and len(last[0].scopes) == 4


# ---------------------------------------------------------------------------------------- completeness
def fixture_tokens() -> list[Token]:
    return [t for name in FIXTURE_NAMES for line in tokenized(fixture_text(name))[0] for t in line]


def is_keywordish(token: Token) -> bool:
    return token.scopes[-1].startswith(("keyword.", "storage.type.", "constant.language."))


def test_every_keyword_of_builtins_is_highlighted() -> None:
    highlighted = {t.text for t in fixture_tokens() if is_keywordish(t)}
    missing = sorted(set(builtins.KEYWORDS) - highlighted)
    assert missing == [], f"keywords never highlighted as keywords in the fixtures: {missing}"


def test_every_literal_word_of_the_lark_grammar_is_highlighted() -> None:
    lark = LARK_GRAMMAR.read_text(encoding="utf-8")
    words = set(re.findall(r'"([a-z_]+)"', lark))
    for terminal in ("VERIFY_OPTION", "ANSWER_OPTION"):
        options = re.search(terminal + r"[.\d]*: /\(([a-z_|]+)\)", lark)
        assert options is not None, terminal
        words |= set(options.group(1).split("|"))
    assert {"pattern", "uncertain", "snapshot", "rubric", "delay"} <= words
    highlighted = {t.text for t in fixture_tokens() if is_keywordish(t)}
    assert sorted(words - highlighted) == []


def test_every_builtin_function_is_highlighted() -> None:
    names = sorted(builtins.FUNCTIONS)
    text = in_pattern("\n".join(f"  let v{i} = {name}(1) + {name} (2)" for i, name in enumerate(names)))
    wrong = []
    for name in names:
        for fragment in (f"= {name}(1)", f"+ {name} (2)"):
            token = find_token(text, fragment, name)
            if not has_scope(token, "support.function.builtin.plx"):
                wrong.append((name, token.scope))
    assert wrong == []
    # Not built-ins: a field with a built-in's name, a user name that is called, a built-in name not called.
    check_rows(
        in_pattern("  let a = r.len(x) + lengths(x) + sum"),
        [
            ("r.len(x)", "len", "entity.name.function.member.plx"),
            ("lengths(x)", "lengths", "variable.other.plx"),
            ("+ sum", "sum", "variable.other.plx"),
        ],
    )


def test_every_list_macro_is_highlighted_with_its_binder() -> None:
    rows = [(f"xs.{m}(x, x.a)", m, "support.function.macro.plx") for m in builtins.MACROS]
    rows += [(f"xs.{m}(x, x.a)", "x", "variable.parameter.binder.plx") for m in builtins.MACROS]
    text = in_pattern("\n".join(f"  let v = xs.{m}(x, x.a)" for m in builtins.MACROS))
    check_rows(text, rows)
    # A macro name that is not called after a dot is a plain field.
    check_rows(in_pattern("  let v = r.filter + map"), [("r.filter", "filter", "variable.other.property.plx")])


def test_every_type_name_is_highlighted_in_inputs() -> None:
    text = in_pattern("  input {\n" + "\n".join(f"    f{t}: {t}" for t in builtins.TYPE_NAMES) + "\n  }")
    check_rows(text, [(f"f{t}: {t}", t, "support.type.plx") for t in builtins.TYPE_NAMES])
    generic = in_pattern("  input { xs: optional[list[map]] = [], m: map[string, number] }")
    check_rows(generic, [("optional[list[map]]", t, "support.type.plx") for t in ("optional", "list", "map")])
    check_rows(generic, [("map[string, number]", ",", "punctuation.separator.comma.plx")])
    check_rows(generic, [("map[string, number]", "number", "support.type.plx")])
    # An unknown type is still a type, not a variable; in a test's `input { … }` the values are expressions.
    check_rows(in_pattern("  input { x: Strng }"), [("x: Strng", "Strng", "entity.name.type.plx")])
    check_rows(
        'test "t" for P {\n  input { x: string(1) }\n}',
        [("x: string(1)", "x", "support.type.property-name.plx"), ("x: string(1)", "string", "support.function")],
    )


def test_every_setting_is_highlighted_where_it_belongs() -> None:
    header = in_pattern("\n".join(f"  {name} 1" for name in builtins.PATTERN_SETTINGS))
    rows = [(f"  {n} 1", n, "variable.parameter.setting.plx") for n in builtins.PATTERN_SETTINGS if n != "timeout"]
    rows.append(("  timeout 1", "timeout", "keyword.other.timeout.plx"))  # also a step clause: a keyword
    check_rows(header, rows)
    group = in_pattern("  agents g {\n" + "\n".join(f"    {n} 1" for n in builtins.AGENT_GROUP_SETTINGS) + "\n  }")
    check_rows(group, [(f"    {n} 1", n, "variable.parameter.setting.plx") for n in builtins.AGENT_GROUP_SETTINGS])
    agent = 'test "t" for P {\n  agent a {\n' + "\n".join(f"    {n} 1" for n in builtins.TEST_AGENT_SETTINGS)
    agent += '\n  } answers "x"\n}'
    check_rows(agent, [(f"    {n} 1", n, "variable.parameter.setting.plx") for n in builtins.TEST_AGENT_SETTINGS])


def test_bands_constants_and_verify_kinds() -> None:
    arms = "\n".join(f"    {label} => output 1" for label in builtins.BAND_LABELS)
    text = in_pattern(f"  uncertain c {{\n{arms}\n  }}\n  let k = [true, false, null]")
    rows = [(f"{label} => output 1", label, "constant.language.band.plx") for label in ("high", "medium", "low")]
    rows.append(("else => output 1", "else", "keyword.control.conditional.plx"))
    rows += [("[true, false, null]", c, "constant.language") for c in builtins.CONSTANTS]
    check_rows(text, rows)
    verify = in_pattern("\n".join(f'  step s{k} = g.t() verify {k} "x"' for k in builtins.VERIFY_KINDS))
    check_rows(verify, [(f"verify {k}", k, "support.constant.verify-kind.plx") for k in builtins.VERIFY_KINDS])


# ------------------------------------------------------------------------------ precision and recovery
def test_names_that_contain_or_resemble_keywords_stay_names() -> None:
    text = in_pattern(
        "  let letter = outputs + input_x + stepper + agents_count + x.output + high\n"
        "  let score = 1\n"
        "  let low = score > 0\n"
        '  let note = "a # b and output"\n'
        "  let capabilities = retry + x2"
    )
    check_rows(
        text,
        [
            ("let letter", "letter", "variable.other.definition.plx"),
            ("outputs + input_x", "outputs", "variable.other.plx"),
            ("outputs + input_x", "input_x", "variable.other.plx"),
            ("stepper + agents_count", "stepper", "variable.other.plx"),
            ("stepper + agents_count", "agents_count", "variable.other.plx"),
            ("x.output", "output", "variable.other.property.plx"),
            ("+ high", "high", "variable.other.plx"),
            ("let score = 1", "score", "variable.other.definition.plx"),
            ("let low = score > 0", "low", "variable.other.definition.plx"),
            ("let low = score > 0", "score", "variable.other.plx"),
            ('"a # b and output"', "a # b and output", "string.quoted.double.plx"),
            ("let capabilities = retry + x2", "capabilities", "variable.other.definition.plx"),
            ("let capabilities = retry + x2", "retry", "variable.other.plx"),
            ("let capabilities = retry + x2", "x2", "variable.other.plx"),
        ],
    )


def test_verify_option_words_are_names_outside_their_slot() -> None:
    """As in the parser: right after `verify agent` a word that is not an `agent` option is the group, a field
    access is a name, and outside a verify clause an option word is an ordinary name."""
    text = in_pattern(
        "  step s = pool.ask(x: 1) verify agent pool rubric 'ok?'\n"
        "  step t = pool.ask(x: 1) verify history min_runs pool.size drift true\n"
        "  let drift = { pool: 1, min_runs: 2 }\n"
        "  let w = drift.pool + pool_weight"
    )
    check_rows(
        text,
        [
            ("step s = pool.ask", "pool", "variable.other.agent-group.plx"),
            ("verify agent pool rubric", "pool", "variable.other.agent-group.plx"),
            ("verify agent pool rubric", "rubric", "keyword.other.option.plx"),
            ("min_runs pool.size", "min_runs", "keyword.other.option.plx"),
            ("min_runs pool.size", "pool", "variable.other.plx"),
            ("min_runs pool.size drift true", "drift", "keyword.other.option.plx"),
            ("let drift = {", "drift", "variable.other.definition.plx"),
            ("{ pool: 1, min_runs: 2 }", "pool", "support.type.property-name.plx"),
            ("{ pool: 1, min_runs: 2 }", "min_runs", "support.type.property-name.plx"),
            ("drift.pool + pool_weight", "drift", "variable.other.plx"),
            ("drift.pool + pool_weight", "pool_weight", "variable.other.plx"),
        ],
    )


def test_broken_text_does_not_bleed() -> None:
    text = 'pattern P {\n  let s = "never closed\n  let t = "bad \\q escape"\n}\n'
    lines, still_open = tokenized(text)
    assert still_open == []
    check_rows(
        text,
        [
            ('"never closed', "never closed", "string.quoted.double.plx"),
            ("  let t =", "let", "storage.type.let.plx"),
            ('"bad \\q escape"', "\\q", "invalid.illegal.escape.plx"),
        ],
    )
    assert [t.text for t in lines[3]] == ["}"] and lines[3][0].scopes[-1] == "punctuation.section.block.end.plx"


def test_braces_on_their_own_line() -> None:
    text = 'pattern P\n{\n  version "1"\n}\ntest "t" for P\n{\n  expect output == 1\n}\n'
    _, still_open = tokenized(text)
    assert still_open == []
    check_rows(
        text,
        [
            ("pattern P", "P", "entity.name.type.pattern.plx"),
            ('version "1"', "version", "variable.parameter.setting.plx"),
            ('test "t" for P', "P", "entity.name.type.pattern.plx"),
            ("expect output == 1", "output", "variable.language.output.plx"),
        ],
    )


# --------------------------------------------------------------------------------------- the JSON itself
def walk_rules(node: Any) -> list[dict[str, Any]]:
    """Every rule and capture object in the grammar."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(walk_rules(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(walk_rules(value))
    return found


def oniguruma_only(regex: str) -> list[str]:
    """Constructs Python `re` would reject or read differently (checked outside character classes)."""
    bare = re.sub(r"\[(?:\\.|[^\]\\])*\]", "[]", re.sub(r"\\\\", "", regex))
    checks = {
        "possessive quantifier": r"(?<!\\)[*+?}]\+",
        "\\G / \\A / \\z / \\h / \\K anchor or class": r"\\[GAzZhHK]",
        "named group or back-reference": r"\(\?<[A-Za-z]|\\k<|\(\?P",
        "Unicode property": r"\\[pP]\{",
        "inline flags": r"\(\?[imx]+[:)-]",
        "atomic group": r"\(\?>",
    }
    return [what for what, probe in checks.items() if re.search(probe, bare)]


def test_grammar_file_is_consistent() -> None:
    raw = json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))
    assert raw["scopeName"] == "source.plx"
    rules = walk_rules(raw)
    regexes = [r[k] for r in rules for k in ("match", "begin", "end") if isinstance(r.get(k), str)]
    assert len(regexes) > 50
    assert {rx: oniguruma_only(rx) for rx in regexes if oniguruma_only(rx)} == {}
    names = [r[k] for r in rules for k in ("name", "contentName") if isinstance(r.get(k), str)]
    assert [n for n in names if not n.endswith(".plx") and n != "Parallax"] == []
    included = {r["include"][1:] for r in rules if str(r.get("include", "")).startswith("#")}
    assert sorted(set(raw["repository"]) - included) == [], "unused repository items"
    assert sorted(included - set(raw["repository"])) == [], "includes of missing repository items"
