"""Hypothesis twins of upstream properties.test.ts: every property CONFIDENCE.md §4 lists."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from parallax_dsl.confidence import (
    UNDEFINED,
    Confident,
    add,
    and_,
    band,
    best,
    cf,
    chain,
    coalesce,
    conf,
    consensus,
    from_,
    gate,
    is_truthy,
    lift,
    majority_vote,
    or_,
    parse_confidence_marker,
    prop,
    uncertain,
    val,
    weighted_average,
)

int32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)
confidence = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
confident = st.builds(cf, int32, confidence)
plain = st.one_of(int32, st.text(), st.none(), st.booleans(), st.lists(int32))
BAND_HANDLERS = {"high": lambda: "high", "medium": lambda: "medium", "low": lambda: "low"}


# --- cf / conf / val ---


@given(st.floats())
def test_cf_clamps_any_double_into_unit_interval(c: float) -> None:
    x = cf("v", c)
    assert 0.0 <= x.confidence <= 1.0
    if math.isnan(c):
        assert x.confidence == 0.0
    elif 0.0 <= c <= 1.0:
        assert x.confidence == c
    else:
        assert x.confidence == (1.0 if c > 1 else 0.0)


@given(plain)
def test_plain_values_are_certain(v: Any) -> None:
    assert conf(v) == 1.0
    assert val(v) is v
    assert from_(v) == cf(v, 1.0)


@given(int32, confidence)
def test_round_trip(v: int, c: float) -> None:
    assert conf(cf(v, c)) == c
    assert val(cf(v, c)) == v


# --- rule 1: arithmetic propagates the minimum confidence ---


@given(confident, confident)
def test_add_sums_values_with_min_confidence(a: Confident, b: Confident) -> None:
    total = add(a, b)
    assert total.value == a.value + b.value
    assert total.confidence == min(a.confidence, b.confidence)


@given(confident, confident)
def test_lift_is_order_insensitive_in_confidence(a: Confident, b: Confident) -> None:
    f = lift(lambda x, y: x - y)
    assert f(a, b).confidence == f(b, a).confidence
    assert f(a, b).value == a.value - b.value


@given(st.lists(confident, min_size=1))
def test_chain_carries_min_confidence_and_last_value(xs: list[Confident]) -> None:
    c = chain(*xs)
    assert c.confidence == min(x.confidence for x in xs)
    assert c.value == xs[-1].value


# --- rules 2 & 3: AND is min, OR is max ---


@given(confident, confident)
def test_and_carries_min_confidence(a: Confident, b: Confident) -> None:
    result = and_(a, b)
    assert result.confidence == min(a.confidence, b.confidence)
    assert result.value == (b.value if is_truthy(a.value) else a.value)


@given(confident, confident)
def test_or_carries_max_confidence(a: Confident, b: Confident) -> None:
    result = or_(a, b)
    assert result.confidence == max(a.confidence, b.confidence)
    assert result.value == (a.value if is_truthy(a.value) else b.value)


# --- rule 4: best() selects the highest confidence ---


@given(st.lists(confident, min_size=1))
def test_best_returns_max_confidence_carried_by_a_member(xs: list[Confident]) -> None:
    winner = best(*xs)
    top = max(x.confidence for x in xs)
    assert winner.confidence == top
    assert any(x.value == winner.value and x.confidence == top for x in xs)
    # and it is the first such member
    assert winner is next(x for x in xs if x.confidence == top)


def test_best_first_operand_wins_ties() -> None:
    assert best(cf("a", 0.7), cf("b", 0.7)).value == "a"


@given(st.lists(int32, min_size=1), confidence)
def test_best_of_equal_confidences_is_the_first(values: list[int], c: float) -> None:
    xs = [cf(v, c) for v in values]
    assert best(*xs) is xs[0]


# --- rule 5: coalesce takes the first value at/above threshold ---


@given(st.lists(confident, min_size=1), confidence)
def test_coalesce_first_qualifying_else_last(xs: list[Confident], threshold: float) -> None:
    result = coalesce(xs, threshold)
    qualifying = [x for x in xs if x.confidence >= threshold]
    assert result == (qualifying[0] if qualifying else xs[-1])


# --- gate (~@>) ---


@given(confident, confidence)
def test_gate_applies_fn_at_or_above_threshold(x: Confident, threshold: float) -> None:
    result = gate(x, threshold, lambda v: v * 2)
    if x.confidence >= threshold:
        assert result.value == x.value * 2
        assert result.confidence == x.confidence
    else:
        assert result.value is UNDEFINED
        assert result.confidence == 0.0


# --- rule 6: prop (~.) safe navigation ---


@given(confidence, int32)
def test_prop_preserves_confidence_while_path_resolves(c: float, leaf: int) -> None:
    result = prop(cf({"a": {"b": {"c": leaf}}}, c), "a.b.c")
    assert result.value == leaf
    assert result.confidence == c


@given(confidence)
def test_prop_degrades_per_unreached_hop(c: float) -> None:
    # 'b' is missing at hop 2 of 3: that hop and 'c' are penalised, 0.5 ** 2.
    result = prop(cf({"a": {}}, c), "a.b.c")
    assert result.value is UNDEFINED
    assert math.isclose(result.confidence, c * 0.25, rel_tol=0, abs_tol=1e-10)


@given(confidence, st.text())
def test_prop_never_increases_confidence(c: float, key: str) -> None:
    result = prop(cf({}, c), key or "k")
    assert result.confidence <= c


# --- uncertain: three-band dispatch ---


@given(confident)
def test_uncertain_routes_to_its_band_inclusively(x: Confident) -> None:
    result = uncertain(x, BAND_HANDLERS)
    expected = "high" if x.confidence >= 0.8 else "medium" if x.confidence >= 0.5 else "low"
    assert result.value == expected
    assert band(x) == expected
    assert result.confidence == x.confidence


def test_uncertain_honours_custom_bounds() -> None:
    x = cf("v", 0.6)
    assert uncertain(x, BAND_HANDLERS, high=0.6, medium=0.3).value == "high"
    assert band(x, high=0.6, medium=0.3) == "high"
    assert band(cf("v", 0.3), high=0.6, medium=0.3) == "medium"
    assert band(cf("v", 0.29), high=0.6, medium=0.3) == "low"


# --- aggregation ---


@given(st.lists(st.tuples(st.integers(min_value=-1000, max_value=1000), confidence), min_size=1))
def test_weighted_average_stays_within_value_range(pairs: list[tuple[int, float]]) -> None:
    xs = [cf(v, c) for v, c in pairs]
    result = weighted_average(xs)
    if all(x.confidence == 0 for x in xs):
        assert result == Confident(0, 0.0)  # degenerate: no weight at all
        return
    values = [v for v, _ in pairs]
    assert min(values) - 1e-9 <= result.value <= max(values) + 1e-9


@given(st.lists(confidence, min_size=1, max_size=20))
def test_unanimous_majority_vote_carries_group_mean(cs: list[float]) -> None:
    vote = majority_vote([cf("same", c) for c in cs])
    assert vote.value == "same"
    assert math.isclose(vote.confidence, sum(cs) / len(cs), rel_tol=0, abs_tol=1e-10)


def test_consensus_classifies_unanimity_majority_and_split() -> None:
    unanimous = consensus([cf("a", 0.9), cf("a", 0.8), cf("a", 0.85)])
    assert unanimous.value.status == "unanimous"
    assert unanimous.value.reached is True
    assert unanimous.value.winner == "a"

    split = consensus([cf("a", 0.9), cf("b", 0.9), cf("c", 0.9)])
    assert split.value.status == "split"
    assert split.value.winner is UNDEFINED
    assert split.value.reached is False

    majority = consensus([cf("a", 0.9), cf("a", 0.8), cf("b", 0.9)])
    assert majority.value.status == "majority"
    assert majority.value.winner == "a"
    assert majority.confidence == 0.5666666666666667


# --- parse_confidence_marker ---


@given(confidence)
def test_marker_extracts_rendered_decimal(c: float) -> None:
    rendered = f"{c:.4f}"
    parsed = parse_confidence_marker(f"Some work summary.\nCONFIDENCE: {rendered}")
    assert parsed == float(rendered)


def test_marker_examples() -> None:
    assert parse_confidence_marker("confidence: 0.7") == 0.7
    assert parse_confidence_marker("End with CONFIDENCE: 0.9 they said.\nDone.\nCONFIDENCE: 0.42") == 0.42
    assert parse_confidence_marker("Confidence: 7") == 1.0  # clamped
    assert parse_confidence_marker("no marker here") is UNDEFINED
    assert parse_confidence_marker("") is UNDEFINED
