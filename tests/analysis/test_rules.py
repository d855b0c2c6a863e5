"""Interval rules: one or more cases per operator, built-in function and list macro, and a property test that the
abstract evaluation contains what the runtime's interpreter computes on random expressions over ranged values."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parallax_dsl.analysis import analyse_source
from parallax_dsl.analysis.domain import (
    OPAQUE,
    STR,
    Bound,
    Data,
    Val,
    list_of,
    num,
    record,
    round_bound,
    truth,
)
from parallax_dsl.analysis.engine import AGENT_INFO
from parallax_dsl.analysis.exprs import Evaluator, possible_bands
from parallax_dsl.analysis.view import from_model
from parallax_dsl.ir.lower import lower_pattern
from parallax_dsl.semantics.builtins import FUNCTIONS, MACROS
from parallax_dsl.syntax import parse_source

INPUT = "input { x: number = 1, xs: list[number] = [], o: optional[string] = null, any: any = null }"


def let_val(body: str, name: str = "out", agents: str = "") -> Val:
    """The answered-mode value of `let name` in a pattern with `body`."""
    text = f"pattern P {{\n  {INPUT}\n  {agents}\n  {body}\n  output {name}\n}}\n"
    [analysis] = analyse_source(text, "rules.plx")
    facts = analysis.answered.steps[name]
    assert facts.value is not None
    return facts.value


def conf(body: str, **kwargs: Any) -> tuple[float, float]:
    v = let_val(body, **kwargs)
    return v.conf.lo, v.conf.hi


def value(body: str, **kwargs: Any) -> tuple[float, float]:
    v = let_val(body, **kwargs)
    assert v.data.only("num") and v.data.num is not None, v.data
    return v.data.num.lo, v.data.num.hi


RANGED = 'agents pool { capabilities ["a"] min 2 max 3 confidence 0.4..0.9 }\n  fanout rs = pool.ask(task: "t")'
SINGLE = 'agents one { capabilities ["b"] max 1 confidence 0.2..0.6 }\n  step r = one.ask(task: "t")'


# ------------------------------------------------------------------------------------------------ attach / read


def test_literals_and_inputs_are_certain() -> None:
    assert conf("let out = 3") == (1, 1)
    assert conf("let out = input.x") == (1, 1)
    assert value("let out = 3") == (3, 3)


def test_with_confidence_uses_the_numeric_value_clamped() -> None:
    assert conf("let out = 1 with confidence 0.7") == (0.7, 0.7)
    assert conf("let out = 1 with confidence 1.7") == (1, 1)
    assert conf("let out = 1 with confidence -2") == (0, 0)
    assert conf("let out = 1 with confidence null") == (0, 0)
    assert conf("let out = 1 with confidence input.x") == (0, 1)  # any number, NaN included
    assert conf("let out = 1 with confidence confidence(r)", agents=SINGLE) == (0.2, 0.6)
    assert conf('let out = 1 with confidence "0.5"') == (0, 1)


def test_confidence_and_value() -> None:
    assert value("let out = confidence(r)", agents=SINGLE) == (0.2, 0.6)
    assert conf("let out = confidence(r)", agents=SINGLE) == (1, 1)
    assert conf("let out = value(r)", agents=SINGLE) == (1, 1)


def test_field_access_keeps_the_confidence_and_halves_it_per_missing_hop() -> None:
    assert conf("let m = { a: { b: 1 } } \n let out = m.a.b") == (1, 1)
    assert conf("let m = { a: 1 } with confidence 0.8\n let out = m.zz") == (0.4, 0.4)
    assert conf("let m = { a: 1 } with confidence 0.8\n let out = m.zz.yy") == (0.2, 0.2)
    assert conf("let out = r.confidence", agents=SINGLE) == (0.2, 0.6)
    # an agent's answer may itself be a result record carrying any confidence
    assert conf("let out = r.value", agents=SINGLE) == (0, 1)
    assert conf('let out = prop({ a: 1 } with confidence 0.8, "a.b.c", 0.5)') == (0.2, 0.2)


def test_list_items_carry_the_list_confidence_unless_they_are_records() -> None:
    assert conf("let l = [1, 2] with confidence 0.6\n let out = l[0]") == (0.6, 0.6)
    assert conf("let out = first(rs)", agents=RANGED) == (0.4, 0.9)
    assert conf("let out = rs", agents=RANGED) == (1, 1)
    items = let_val("let out = input.xs[5]")
    assert items.data.kinds == {"num", "missing"} and (items.conf.lo, items.conf.hi) == (0.5, 1)


# ------------------------------------------------------------------------------------------------ operators


def test_arithmetic_and_comparison_take_the_minimum() -> None:
    body = "let a = 23.1 with confidence 0.8\n let b = 22.9 with confidence 0.7\n let out = a + b"
    assert conf(body) == (0.7, 0.7)
    lo, hi = value(body)
    assert lo == hi == 23.1 + 22.9
    assert conf("let out = (2 with confidence 0.3) < 5") == (0.3, 0.3)
    assert let_val("let out = (2 with confidence 0.3) < 5").data.const is True
    assert value("let out = confidence(r) * 2 - 1", agents=SINGLE) == pytest.approx((-0.6, 0.2))
    assert value("let out = -confidence(r)", agents=SINGLE) == (-0.6, -0.2)
    assert let_val("let out = 1 / (input.x - input.x)").data.num is None  # a divisor that can be 0


def test_and_takes_the_minimum_and_or_the_maximum() -> None:
    body = "let a = true with confidence 0.9\n let b = false with confidence 0.6\n"
    assert conf(body + "let out = a and b") == (0.6, 0.6)
    assert conf(body + "let out = a or b") == (0.9, 0.9)
    assert let_val(body + "let out = a and b").data.const is False


def test_fallback_takes_the_chosen_side() -> None:
    assert conf("let out = (null with confidence 0.2) ?? (3 with confidence 0.7)") == (0.7, 0.7)
    assert conf("let out = (1 with confidence 0.2) ?? (3 with confidence 0.7)") == (0.2, 0.2)
    assert conf("let out = input.o ?? (3 with confidence 0.7)") == (0.7, 1)
    # an `any` input may be a result record carrying any confidence of its own
    assert conf("let out = input.any ?? (3 with confidence 0.7)") == (0, 1)


def test_if_and_match_evaluate_only_the_branch_that_can_be_taken() -> None:
    assert conf("let out = if true then (1 with confidence 0.3) else (2 with confidence 0.9)") == (0.3, 0.3)
    assert conf("let out = if input.x > 0 then (1 with confidence 0.3) else (2 with confidence 0.9)") == (0.3, 0.9)
    assert conf('let out = match 2 { 1 => ("a" with confidence 0.1), 2 => ("b" with confidence 0.4) }') == (0.4, 0.4)
    # no arm matches: missing with confidence 0
    missing = let_val("let out = match input.x { 1 => 5 }")
    assert missing.data.may("missing") and missing.conf.lo == 0


# ------------------------------------------------------------------------------------------------ confidence algebra


def test_chain_best_coalesce() -> None:
    three = "let a = 1 with confidence 0.3\n let b = 2 with confidence 0.6\n let c = 3 with confidence 0.9\n"
    assert conf(three + "let out = chain(a, b, c)") == (0.3, 0.3)
    assert value(three + "let out = chain(a, b, c)") == (3, 3)
    assert conf(three + "let out = best(a, c, b)") == (0.9, 0.9)
    assert value(three + "let out = coalesce(a, b, c)") == (2, 2)  # the first at or above 0.5
    assert value(three + "let out = coalesce(a, b, threshold: 0.95)") == (2, 2)  # none: the last as it is
    assert conf(three + "let out = coalesce(r, a)", agents=SINGLE) == (0.3, 0.6)


def test_gate() -> None:
    assert conf('let out = gate(1 with confidence 0.9, 0.7, "go")') == (0.9, 0.9)
    never = let_val('let out = gate(1 with confidence 0.6, 0.7, "go")')
    assert never.data.kinds == {"missing"} and (never.conf.lo, never.conf.hi) == (0, 0)
    either = let_val('let out = gate(r, 0.5, "go")', agents=SINGLE)
    assert (either.conf.lo, either.conf.hi) == (0, 0.6) and either.data.kinds == {"str", "missing"}


def test_band() -> None:
    assert let_val("let out = band(1 with confidence 0.85)").data.const == "high"
    assert let_val("let out = band(1 with confidence 0.85, 0.9, 0.5)").data.const == "medium"
    assert not let_val("let out = band(r)", agents=SINGLE).data.has_const
    assert possible_bands(Bound(0.2, 0.6), Bound.point(0.8), Bound.point(0.5)) == ["medium", "low"]
    assert possible_bands(Bound(0.5, 0.5), Bound.point(0.8), Bound.point(0.5)) == ["medium"]  # inclusive
    assert possible_bands(Bound(0.8, 1), Bound.point(0.8), Bound.point(0.5)) == ["high"]


def test_aggregates() -> None:
    assert value("let out = average_confidence(rs)", agents=RANGED) == (0.4, 0.9)
    assert conf("let out = average_confidence(rs)", agents=RANGED) == (1, 1)
    assert conf("let out = average(rs)", agents=RANGED) == (0.4, 0.9)
    assert conf("let out = weighted_average(rs)", agents=RANGED) == (0.4, 0.9)
    assert conf("let out = synthesize(rs)", agents=RANGED) == (0.4, 0.9)
    lo, hi = conf("let out = majority_vote(rs)", agents=RANGED)
    assert (lo, hi) == pytest.approx((0.4 / 3, 0.9))  # agreement ≥ 1/3 with at most 3 agents
    summary = let_val("let out = consensus(rs)", agents=RANGED)
    assert summary.data.field_map() is not None and "status" in (summary.data.field_map() or {})
    # an empty list gives 0
    assert value("let out = average_confidence([])") == (0, 0)


def test_numbers_and_lists() -> None:
    assert value("let out = len(rs)", agents=RANGED) == (2, 3)
    assert value("let out = rs.count(r, r.confidence > 0.5)", agents=RANGED) == (0, 3)
    assert value("let out = sum([1, 2, 3])") == (3, 9)  # three items, each in 1..3
    assert value("let out = min(confidence(r), 0.5)", agents=SINGLE) == (0.2, 0.5)
    assert value("let out = max(confidence(r), 0.5)", agents=SINGLE) == (0.5, 0.6)
    assert value("let out = abs(-2)") == (2, 2)
    assert value("let out = len(slice(input.xs, 0, 2))") == (0, 2)
    assert value("let out = len(range(4))") == (2, 6)  # a sound widening of exactly 4
    assert let_val("let out = rs.all(r, r.confidence >= 0.4)", agents=RANGED).data.const is True
    assert let_val("let out = rs.exists(r, r.confidence > 0.95)", agents=RANGED).data.const is False
    assert conf("let out = rs.map(r, r.confidence)", agents=RANGED) == (0.4, 0.9)
    assert conf("let out = rs.max_by(r, r.confidence)", agents=RANGED) == (0.4, 0.9)
    assert let_val('let out = has({ a: 1 }, "a")').data.const is True
    assert let_val('let out = has({ a: 1 }, "b")').data.const is False


def test_type_of_identical_merge_agent_result() -> None:
    assert let_val("let out = type_of(input.x)").data.const == "number"
    assert let_val("let out = identical(1, 1)").data.const is True
    assert not let_val("let out = identical(rs, rs)", agents=RANGED).data.has_const
    merged = let_val("let out = merge({ a: 1 }, { b: 2 } with confidence 0.4)")
    assert (merged.conf.lo, merged.conf.hi) == (0.4, 0.4) and set(merged.data.field_map() or {}) == {"a", "b"}
    shaped = let_val("let out = agent_result(r)", agents=SINGLE)
    assert (shaped.conf.lo, shaped.conf.hi) == (0.2, 0.6) and "record" not in shaped.data.kinds


def test_every_builtin_and_macro_has_a_rule() -> None:
    missing = [name for name in FUNCTIONS if name not in ("gate", "coalesce") and not hasattr(Evaluator, "_fn_" + name)]
    assert not missing
    for macro in MACROS:
        v = let_val(f"let out = rs.{macro}(r, r.confidence)", agents=RANGED)
        assert v.conf.lo >= 0 and v.conf.hi <= 1, macro


def test_rounding_is_outward() -> None:
    assert round_bound(0.18333333, "down") == 0.1833
    assert round_bound(0.18333333, "up") == 0.1834
    assert round_bound(0.7, "up") == 0.7 and round_bound(0.7, "down") == 0.7
    assert round_bound(1 / 3, "down") <= 1 / 3 <= round_bound(1 / 3, "up")


# ------------------------------------------------------------------------------------------------ property test

REC = {"a", "b"}
ATOMS = ["a", "b", "r", "rs", "ns", "0", "0.5", "1", "2", '"x"', "true", "null"]
UNARY = [
    "confidence({})",
    "value({})",
    "-({})",
    "not ({})",
    "({} with confidence 0.7)",
    "({} with confidence a)",
    "abs({})",
    "round({})",
    "floor({})",
    "ceil({})",
    "band({})",
    "string({})",
    "number({})",
    "to_json({})",
    "is_valid({})",
    "({}).value",
    "({}).confidence",
    "({}).zz",
    "({})[0]",
    "len({})",
    "first({})",
    "last({})",
    "average_confidence({})",
    "average({})",
    "weighted_average({})",
    "majority_vote({})",
    "consensus({})",
    "synthesize({})",
    "sum(({}).map(x, x.confidence))",
    "({}).filter(x, x.confidence > 0.5)",
    "({}).map(x, x.confidence * 2)",
    "({}).count(x, x.confidence > 0.5)",
    "({}).max_by(x, x.confidence)",
    "({}).min_by(x, x.confidence)",
    "({}).all(x, x.confidence >= 0.1)",
    "({}).exists(x, x.confidence > 0.8)",
    "({}).sort_by(x, x.confidence)",
    "unique({})",
    "slice({}, 0, 2)",
    'prop({}, "value.kind")',
    "keys({})",
    "values({})",
    'has({}, "value")',
    "gate({}, 0.5, 1)",
    "type_of({})",
    "agent_result({})",
    "(if a > 0.4 then {{ zz: {} }} else {{ yy: 1 }}).zz",
]
BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "??"]
CALLS2 = [
    "min({}, {})",
    "max({}, {})",
    "chain({}, {})",
    "best({}, {})",
    "coalesce({}, {})",
    "coalesce({}, {}, threshold: 0.6)",
    "gate({}, 0.4, {})",
    "contains({}, {})",
    "if {} then {} else 3",
    "match {} {{ 1 => {}, else => 0 }}",
    "[{}, {}]",
    "{{ value: {}, confidence: {} }}",
    "merge({}, {})",
    "identical({}, {})",
    "merge({{ value: 1, confidence: {} }}, {})",
]


def _expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        st.sampled_from(ATOMS),
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(UNARY), inner).map(lambda t: t[0].format(t[1])),
            st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(CALLS2), inner, inner).map(lambda t: t[0].format(t[1], t[2])),
        ),
        max_leaves=5,
    )


ANSWERS = st.one_of(
    st.sampled_from(["bug", "", "yes"]),
    st.integers(-2, 2),
    st.none(),
    st.fixed_dictionaries({"kind": st.sampled_from(["bug", "x"])}),
    st.fixed_dictionaries({"value": st.just("v"), "confidence": st.floats(0, 1)}),
    st.lists(st.integers(0, 2), max_size=2),
)


def _record(c: float, answer: Any) -> dict[str, Any]:
    agent = {"id": "a", "name": "a", "capabilities": [], "expertise": 0.7, "historicalConfidence": 0.75}
    return {"value": answer, "result": answer, "confidence": c, "reasoning": "", "error": None, "agent": agent}


def _abstract_env() -> dict[str, Val]:
    fields = {
        "value": OPAQUE,
        "result": OPAQUE,
        "confidence": num(0.4, 0.8),
        "reasoning": STR,
        "error": Data(frozenset({"null"}), const=None),
        "agent": AGENT_INFO,
    }
    r = record(fields, Bound(0.4, 0.8))
    rs_fields = {**fields, "confidence": num(0.1, 0.9)}
    return {
        "a": Val(num(0.2, 0.6), Bound(0.3, 0.9)),
        "b": Val(num(-1, 2), Bound(0.5, 1)),
        "r": Val(r, Bound(0.4, 0.8)),
        "rs": Val(list_of(record(rs_fields, Bound(0.1, 0.9)), Bound(0, 3)), Bound(1, 1)),
        "ns": Val(list_of(num(0, 1), Bound(1, 3)), Bound(0.6, 0.7)),
    }


def _kind(v: Any) -> str:
    from parallax_dsl.confidence import UNDEFINED
    from parallax_dsl.runtime.values import is_record

    if v is UNDEFINED:
        return "missing"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "num"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list | tuple):
        return "list"
    return "record" if is_record(v) else "map"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(expression=_expressions(), data=st.data())
def test_abstract_evaluation_contains_the_runtime_result(expression: str, data: st.DataObject) -> None:
    runtime = pytest.importorskip("parallax_dsl.runtime.interpreter")
    from parallax_dsl.confidence import Confident, is_truthy
    from parallax_dsl.runtime.errors import PlxRuntimeError

    result = parse_source(f"pattern P {{\n  let out = {expression}\n  output out\n}}\n", "gen.plx")
    assume(result.module is not None and not [d for d in result.diagnostics if d.severity.value == "error"])
    assert result.module is not None
    compiled = lower_pattern(result.module.patterns[0])
    expr = compiled.steps[0].value  # type: ignore[union-attr]
    view_expr = from_model(compiled).steps[0].value  # type: ignore[union-attr]

    floats = st.floats
    values = {
        "a": Confident(data.draw(floats(0.2, 0.6)), data.draw(floats(0.3, 0.9))),
        "b": Confident(data.draw(st.one_of(floats(-1, 2), st.sampled_from([-1, 0, 2]))), data.draw(floats(0.5, 1))),
        "ns": Confident(data.draw(st.lists(floats(0, 1), min_size=1, max_size=3)), data.draw(floats(0.6, 0.7))),
    }
    c = data.draw(floats(0.4, 0.8))
    values["r"] = Confident(_record(c, data.draw(ANSWERS)), c)
    rs = [_record(data.draw(floats(0.1, 0.9)), data.draw(ANSWERS)) for _ in range(data.draw(st.integers(0, 3)))]
    values["rs"] = Confident(rs, 1.0)
    try:
        concrete = runtime.Interpreter().evaluate(expr, values)
    except PlxRuntimeError:
        return  # a run-time error ends the run: nothing to contain
    env = _abstract_env()
    abstract = Evaluator(lambda name: env.get(name, Val(OPAQUE, Bound(0, 1))), "out", None).eval(view_expr)
    note = f"{expression}: runtime {concrete!r}, abstract {abstract}"
    assert abstract.conf.contains(concrete.confidence, 1e-9), note
    kind = _kind(concrete.value)
    assert kind in abstract.data.kinds, note
    if kind == "num" and abstract.data.only("num") and abstract.data.num is not None:
        x = float(concrete.value)
        assert not math.isnan(x), note
        assert abstract.data.num.contains(x, 1e-9 * max(1.0, abs(x))), note
    t = truth(abstract.data)
    if t is not None:
        assert t == is_truthy(concrete.value), note
    if kind == "list" and "list" in abstract.data.kinds and abstract.data.length is not None:
        assert abstract.data.length.contains(len(concrete.value)), note
