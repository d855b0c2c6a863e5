"""The expression interpreter: every operator, built-in and list macro, confidence propagation, JS printing."""

from __future__ import annotations

import math
from typing import Any

import pytest
from runtime_helpers import compile_text, run_text

from parallax_dsl.confidence import UNDEFINED, Confident
from parallax_dsl.ir.model import Expr
from parallax_dsl.runtime import PlxRuntimeError
from parallax_dsl.runtime.functions import FUNCTIONS
from parallax_dsl.runtime.interpreter import MAX_DEPTH, Interpreter, js_mod
from parallax_dsl.runtime.values import dumps, js_number_to_string, to_plain
from parallax_dsl.semantics.builtins import FUNCTIONS as DECLARED_FUNCTIONS
from parallax_dsl.semantics.builtins import MACROS


def ev(expr: str, x: Any = None, *, decl: str = "x: any = null", lets: str = "") -> Confident:
    """Evaluate one expression (`input.x` = x) through compile + interpreter, returning the raw Confident."""
    pattern = compile_text(f"pattern T {{ input {{ {decl} }} {lets} let out = {expr}  output out }}")
    it = Interpreter()
    values: dict[str, Confident] = {"input": Confident({"x": x}, 1.0)}
    for step in pattern.steps:
        if step.kind == "let":
            values[step.id] = it.evaluate(step.value, values)
    return values["out"]


def val(expr: str, x: Any = None, **kw: Any) -> Any:
    return ev(expr, x, **kw).value


def conf(expr: str, x: Any = None, **kw: Any) -> float:
    return ev(expr, x, **kw).confidence


# ------------------------------------------------------------------------------------------------ basics


def test_literals_and_input_are_certain() -> None:
    assert ev("42") == Confident(42, 1.0)
    assert ev('"s"') == Confident("s", 1.0)
    assert ev("input.x", {"a": 1}) == Confident({"a": 1}, 1.0)
    assert ev("[1, 2]") == Confident([1, 2], 1.0)
    assert ev("null").value is None


def test_with_confidence_clamps_and_reads_the_numeric_value() -> None:
    assert ev("7 with confidence 0.3") == Confident(7, 0.3)
    assert conf("7 with confidence 1.5") == 1.0
    assert conf("7 with confidence -2") == 0.0
    assert conf('7 with confidence "0.25"') == 0.25
    assert conf('7 with confidence "high"') == 0.0  # NaN → 0
    # the confidence of the confidence expression is irrelevant: only its value counts
    assert conf("7 with confidence (0.6 with confidence 0.1)") == 0.6


def test_confidence_and_value_functions_are_certain() -> None:
    assert ev("confidence(7 with confidence 0.3)") == Confident(0.3, 1.0)
    assert ev("value(7 with confidence 0.3)") == Confident(7, 1.0)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("(2 with confidence 0.8) + (3 with confidence 0.6)", Confident(5, 0.6)),
        ("(10 with confidence 0.9) - 4", Confident(6, 0.9)),
        ("(2 with confidence 0.5) * 4", Confident(8, 0.5)),
        ("(9 with confidence 0.7) / 2", Confident(4.5, 0.7)),
        ("(7 with confidence 0.4) % 4", Confident(3, 0.4)),
        ('"a" + 1', Confident("a1", 1.0)),
        ("(3 with confidence 0.9) > (2 with confidence 0.2)", Confident(True, 0.2)),
        ("1 >= 1", Confident(True, 1.0)),
        ('"apple" < "banana"', Confident(True, 1.0)),
        ("2 <= 1", Confident(False, 1.0)),
    ],
)
def test_arithmetic_and_comparison_take_the_minimum(expr: str, expected: Confident) -> None:
    assert ev(expr) == expected


def test_javascript_arithmetic_edge_cases() -> None:
    assert val("-7 % 3") == -1
    assert val("5.5 % 2") == 1.5
    assert math.isnan(val("1 % 0"))
    assert val("1 / 0") == math.inf
    assert math.isnan(val("0 / 0"))
    assert val("0.1 + 0.2") == 0.30000000000000004
    assert js_mod(-6, 3) == 0 and math.copysign(1, js_mod(-6, 3)) == -1
    assert val("-(2 with confidence 0.3)") == -2 and conf("-(2 with confidence 0.3)") == 0.3


def test_equality_is_deep_and_strict() -> None:
    assert val("[1, {a: 2}] == [1, {a: 2}]") is True
    assert val("{a: 1, b: 2} == {b: 2, a: 1}") is True
    assert val('1 == "1"') is False
    assert val("true == 1") is False
    assert val("null == null") is True
    assert val("[1] != [2]") is True
    assert val("(0 / 0) == (0 / 0)") is False
    assert conf("(1 with confidence 0.4) == 1") == 0.4


def test_and_or_follow_javascript_with_min_and_max() -> None:
    assert ev("(true with confidence 0.9) and (false with confidence 0.6)") == Confident(False, 0.6)
    assert ev('(false with confidence 0.9) or ("b" with confidence 0.6)') == Confident("b", 0.9)
    assert val('0 or "x"') == "x"
    assert val('"" and 1') == ""
    assert val("1 and 2") == 2


def test_not_keeps_confidence() -> None:
    assert ev("not (0 with confidence 0.3)") == Confident(True, 0.3)
    assert val('not "x"') is False


def test_null_coalescing_picks_a_side_and_its_confidence() -> None:
    assert ev("input.x.missing ?? (5 with confidence 0.4)", {}) == Confident(5, 0.4)
    assert ev("null ?? 2") == Confident(2, 1.0)
    assert ev("(0 with confidence 0.3) ?? 5") == Confident(0, 0.3)
    assert ev('(false with confidence 0.2) ?? "x"') == Confident(False, 0.2)


def test_in_and_not_in_use_deep_equality() -> None:
    assert val("{a: 1} in [{a: 1}, 2]") is True
    assert val("[1, 2] in [[1, 2]]") is True
    assert val("3 not in [1, 2]") is True
    assert val('"ell" in "hello"') is True
    assert val('"a" in {a: 1}') is True
    assert conf("(1 with confidence 0.5) in [1]") == 0.5


# ------------------------------------------------------------------------------------------------ access


def test_field_access_keeps_confidence_when_resolved() -> None:
    assert ev("({a: {b: 1}} with confidence 0.8).a.b") == Confident(1, 0.8)


def test_missing_fields_degrade_by_half_per_hop() -> None:
    assert ev("({} with confidence 0.8).x") == Confident(UNDEFINED, 0.4)
    assert ev("({a: {}} with confidence 0.8).a.b.c").confidence == pytest.approx(0.2)
    # a null hop is resolved (null); stepping *from* null is the missing hop
    assert ev("({a: null} with confidence 0.8).a") == Confident(None, 0.8)
    assert ev("({a: null} with confidence 0.8).a.b") == Confident(UNDEFINED, 0.4)
    assert ev("input.x.a.b", None).confidence == 0.25


def test_index_reads_lists_and_maps() -> None:
    assert ev("[10, 20, 30][1]") == Confident(20, 1.0)
    assert ev("([10, 20] with confidence 0.6)[5]") == Confident(UNDEFINED, 0.3)
    assert val('{k: "v"}["k"]') == "v"
    assert val("[1, 2, 3][-1]") is UNDEFINED
    assert val("[1, 2, 3].length") == 3


def test_elements_carry_the_container_confidence_unless_they_are_records() -> None:
    records = [{"value": "a", "confidence": 0.3}, {"value": "b", "confidence": 0.9}]
    assert conf("input.x[1]", records) == 0.9
    assert conf("input.x[0].value", records) == 0.3
    assert conf("(input.x with confidence 0.5)[1]", records) == 0.9
    assert conf("([1, 2] with confidence 0.5)[1]") == 0.5
    assert conf("input.x.map(r, r.value)", records) == 0.3  # map → min of the items
    assert conf("input.x.filter(r, true)", records) == 1.0  # filter keeps the container's


def test_map_and_list_literals_take_the_minimum() -> None:
    assert conf("{a: 1 with confidence 0.4, b: 2}") == 0.4
    assert conf("[1, 2 with confidence 0.7]") == 0.7
    assert conf("{}") == 1.0


# ------------------------------------------------------------------------------------------------ laziness


def test_if_and_match_are_lazy() -> None:
    assert val("if true then 1 else synthesize([])") == 1
    assert val("if 0 then synthesize([]) else 2") == 2
    assert val('match 2 { 1 => synthesize([]), 2 => "two", else => "other" }') == "two"
    assert val('match { false => synthesize([]), true => "yes" }') == "yes"
    assert val("match 3 { 1 => 1 }") is UNDEFINED
    assert ev("if true then (1 with confidence 0.3) else 2") == Confident(1, 0.3)
    assert val("match [1] { [1] => 'deep', else => 'no' }") == "deep"


def test_gate_evaluates_then_only_when_it_passes() -> None:
    assert ev('gate(1 with confidence 0.92, 0.9, "auto_approve")') == Confident("auto_approve", 0.92)
    assert ev("gate(1 with confidence 0.4, 0.9, synthesize([]))") == Confident(UNDEFINED, 0.0)
    assert val('coalesce(gate(1 with confidence 0.4, 0.9, "auto"), "manual_review")') == "manual_review"


# ------------------------------------------------------------------------------------------------ macros

XS = "input { x: any = null }"


def test_filter_map_count_all_exists() -> None:
    assert val("[3, 1, 2].filter(x, x > 1)") == [3, 2]
    assert val("[3, 1, 2].map(x, x * 2)") == [6, 2, 4]
    assert val("[3, 1, 2].count(x, x > 1)") == 2
    assert val("[3, 1, 2].all(x, x > 0)") is True
    assert val("[].all(x, false)") is True
    assert val("[3, 1, 2].exists(x, x > 2)") is True
    assert val("[].exists(x, true)") is False
    assert val("input.x.map(i, i + 1)", None) == []  # missing lists count as empty


def test_max_by_min_by_first_wins_ties() -> None:
    items = [{"k": 1, "n": "a"}, {"k": 3, "n": "b"}, {"k": 3, "n": "c"}, {"k": 1, "n": "d"}]
    assert val("input.x.max_by(i, i.k).n", items) == "b"
    assert val("input.x.min_by(i, i.k).n", items) == "a"
    assert val("[].max_by(i, i)") is UNDEFINED


def test_sort_by_is_stable_and_group_by_keeps_first_seen_order() -> None:
    items = [{"k": 2, "n": "a"}, {"k": 1, "n": "b"}, {"k": 2, "n": "c"}, {"k": 1, "n": "d"}]
    assert val("input.x.sort_by(i, i.k).map(i, i.n)", items) == ["b", "d", "a", "c"]
    assert val("[3, 1, 2].sort_by(x, -x)") == [3, 2, 1]
    assert val("[3, 1, 2, 4].group_by(x, x % 2)") == {"1": [3, 1], "0": [2, 4]}
    assert list(val("[true, 1, 1.5, null].group_by(x, x)")) == ["true", "1", "1.5", "null"]


def test_macro_binders_shadow_nothing_outside() -> None:
    assert val("[1, 2].map(x, [10, 20].map(y, x + y))") == [[11, 21], [12, 22]]


# ------------------------------------------------------------------------------------------------ strings and numbers


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (3.0, "3"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (123456789012345680000.0, "123456789012345680000"),
        (-0.0, "0"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (2**53, "9007199254740992"),
        (-1.5, "-1.5"),
    ],
)
def test_js_number_to_string(number: float, text: str) -> None:
    assert js_number_to_string(number) == text


def test_interpolation_prints_like_javascript() -> None:
    assert val('"n=${0.1 + 0.2} ${1e21} ${3.0} ${0/0} ${1/0} ${-1/0} ${[1, 2]} ${null} ${true}"') == (
        "n=0.30000000000000004 1e+21 3 NaN Infinity -Infinity 1,2 null true"
    )
    assert conf('"a${1 with confidence 0.3}"') == 0.3
    assert val('"${input.x.nope}"', {}) == "undefined"


def test_json_output_omits_missing_and_nulls_nan() -> None:
    value = val("{a: input.x.nope, b: null, c: 0/0, d: 3.0, e: [input.x.nope]}", {})
    assert dumps(value) == '{"b":null,"c":null,"d":3,"e":[null]}'
    assert to_plain(value) == {"b": None, "c": None, "d": 3.0, "e": [None]}


# ------------------------------------------------------------------------------------------------ built-ins


def test_every_declared_function_and_macro_is_implemented() -> None:
    assert set(DECLARED_FUNCTIONS) - {"gate"} == set(FUNCTIONS)
    handled = {"filter", "map", "count", "all", "exists", "max_by", "min_by", "sort_by", "group_by"}
    assert set(MACROS) == handled


RECORDS = [
    {"value": 10, "confidence": 0.9, "error": None},
    {"value": 20, "confidence": 0.5, "error": None},
    {"value": None, "confidence": 0.0, "error": "timed out"},
]


@pytest.mark.parametrize(
    ("expr", "x", "expected"),
    [
        ("len([1, 2, 3])", None, 3),
        ('len("é😀")', None, 3),  # UTF-16 code units, as JavaScript counts
        ("len({a: 1, b: 2})", None, 2),
        ("sum([1, 2, 3.5])", None, 6.5),
        ("sum([])", None, 0),
        ("sum(input.x)", RECORDS[:2], 30),
        ("min([4, 2, 8])", None, 2),
        ("min(4, 2, 8)", None, 2),
        ("max(4, 2, 8)", None, 8),
        ("min([])", None, math.inf),
        ("abs(-3)", None, 3),
        ("round(2.5)", None, 3),
        ("round(-2.5)", None, -3),
        ("round(1.005, 2)", None, 1.01),
        ("round(1234, -2)", None, 1200),
        ("floor(2.7)", None, 2),
        ("ceil(2.1)", None, 3),
        ("keys({b: 1, a: 2})", None, ["b", "a"]),
        ("values({b: 1, a: 2})", None, [1, 2]),
        ('has({a: 1}, "a")', None, True),
        ('has({a: input.x.nope}, "a")', {}, False),
        ('contains("hello", "ell")', None, True),
        ("contains([[1], [2]], [2])", None, True),
        ('lower("AbC")', None, "abc"),
        ('upper("AbC")', None, "ABC"),
        ('trim("  x \\n")', None, "x"),
        ('split("a,b,,c", ",")', None, ["a", "b", "", "c"]),
        ('split("ab", "")', None, ["a", "b"]),
        ('join(["a", 1, null])', None, "a,1,"),
        ('join(["a", "b"], " - ")', None, "a - b"),
        ("string(3.0)", None, "3"),
        ('number("2.5")', None, 2.5),
        ("first([7, 8])", None, 7),
        ("last([7, 8])", None, 8),
        ("unique([1, {a: 1}, 1, {a: 1}, 2])", None, [1, {"a": 1}, 2]),
        ("flatten([[1, 2], 3, [[4]]])", None, [1, 2, 3, [4]]),
        ("range(3)", None, [0, 1, 2]),
        ("range(2, 5)", None, [2, 3, 4]),
        ("slice([1, 2, 3, 4], 1, -1)", None, [2, 3]),
        ('slice("hello", -3)', None, "llo"),
        ("is_valid(input.x[0])", RECORDS, True),
        ("is_valid(input.x[2])", RECORDS, False),
        ("input.x.filter(r, is_valid(r)).map(r, r.value)", RECORDS, [10, 20]),
        ("to_json({a: [1, 2.0, null], b: input.x.nope})", {}, '{"a":[1,2,null]}'),
        ('prop({a: {b: 2}}, "a.b")', None, 2),
        ("band(1 with confidence 0.6)", None, "medium"),
        ("band(1 with confidence 0.6, 0.6, 0.3)", None, "high"),
        ("average_confidence(input.x)", RECORDS, pytest.approx(1.4 / 3)),
        ("chain(1 with confidence 0.9, 2 with confidence 0.5, 3)", None, 3),
        ("best(1 with confidence 0.7, 2 with confidence 0.7)", None, 1),
    ],
)
def test_builtin_values(expr: str, x: Any, expected: Any) -> None:
    assert val(expr, x) == expected


def test_builtin_confidences() -> None:
    assert conf("sum([1, 2] with confidence 0.4)") == 0.4
    assert conf("sum(input.x)", RECORDS) == 0.0  # the failed record's 0 is the minimum
    assert conf("max(1 with confidence 0.3, 2)") == 0.3
    assert conf("len([1] with confidence 0.6)") == 0.6
    assert conf("round(2.4 with confidence 0.5, 1 with confidence 0.9)") == 0.5
    assert conf("chain(1 with confidence 0.9, 2 with confidence 0.5, 3)") == 0.5
    assert conf("average_confidence(input.x)", RECORDS) == 1.0
    assert conf("band(1 with confidence 0.2)") == 1.0
    assert conf("first([1] with confidence 0.4)") == 0.4
    assert conf("first(input.x)", RECORDS) == 0.9
    assert ev('prop({} with confidence 0.8, "a.b", 0.9)').confidence == pytest.approx(0.8 * 0.81)


def test_coalesce_with_threshold_keyword() -> None:
    options = "(1 with confidence 0.3), (2 with confidence 0.6), (3 with confidence 0.9)"
    assert ev(f"coalesce({options})") == Confident(2, 0.6)
    assert ev(f"coalesce({options}, threshold: 0.8)") == Confident(3, 0.9)
    assert ev('coalesce(1 with confidence 0.1, 2 with confidence 0.2, "unknown")') == Confident("unknown", 1.0)


def test_aggregations_over_records_use_their_values() -> None:
    pair = [{"value": 10, "confidence": 0.9}, {"value": 20, "confidence": 0.5}]
    assert ev("average(input.x)", pair) == Confident(15, 0.7)
    assert ev("weighted_average(input.x)", pair) == Confident(13.571428571428573, 0.7)
    votes = [
        {"value": "a", "confidence": 0.9},
        {"value": "a", "confidence": 0.8},
        {"value": "b", "confidence": 0.9},
    ]
    assert ev("majority_vote(input.x)", votes) == Confident("a", 0.5666666666666667)
    result = ev("consensus(input.x)", votes)
    assert result.value == {
        "status": "majority",
        "winner": "a",
        "agreement": 2 / 3,
        "averageConfidence": pytest.approx(2.6 / 3),
        "reached": True,
    }
    split = ev("consensus(input.x)", [{"value": "a", "confidence": 0.9}, {"value": "b", "confidence": 0.9}])
    assert split.value["status"] == "split" and split.value["winner"] is UNDEFINED
    assert split.value["reached"] is True and split.confidence == pytest.approx(0.45)


def test_synthesize_keeps_the_record_and_fails_on_empty_lists() -> None:
    records = [{"value": "x", "confidence": 0.4}, {"value": "y", "confidence": 0.8}]
    winner = ev("synthesize(input.x)", records)
    assert winner.value == records[1] and winner.confidence == 0.8
    assert val("synthesize(input.x).value", records) == "y"
    with pytest.raises(PlxRuntimeError) as info:
        ev("synthesize([])")
    assert info.value.code == "EXPRESSION_ERROR"


# ------------------------------------------------------------------------------------------------ totality


def test_deep_expressions_raise_a_clean_error_not_recursion_error() -> None:
    e = Expr(op="lit", value=1)
    for _ in range(MAX_DEPTH + 50):
        e = Expr(op="neg", args=[e])
    with pytest.raises(PlxRuntimeError, match="nested"):
        Interpreter().evaluate(e, {})


def test_unknown_operations_and_names_are_errors() -> None:
    with pytest.raises(PlxRuntimeError, match="unknown expression operation"):
        Interpreter().evaluate(Expr(op="__import__", value="os"), {})
    with pytest.raises(PlxRuntimeError, match="unknown function"):
        Interpreter().evaluate(Expr(op="call", name="eval", args=[Expr(op="lit", value="1")]), {})
    with pytest.raises(PlxRuntimeError, match="has no value"):
        Interpreter().evaluate(Expr(op="ref", name="nowhere"), {})


def test_runaway_work_is_bounded() -> None:
    with pytest.raises(PlxRuntimeError, match="range"):
        ev("range(100000000)")
    with pytest.raises(PlxRuntimeError, match="budget"):
        Interpreter(fuel=10_000).evaluate(
            compile_text("pattern T { let out = range(1000).map(a, range(1000).count(b, b > a))  output out }")
            .steps[0]
            .value,
            {},
        )


def test_expression_errors_fail_the_run_with_the_step() -> None:
    result = run_text("pattern T { let a = synthesize([])  output a }")
    assert result.error is not None and result.error.code == "EXPRESSION_ERROR"
    assert result.error.step == "a"
    assert result.to_json() == {"error": {"code": "EXPRESSION_ERROR", "message": result.error.message}}
