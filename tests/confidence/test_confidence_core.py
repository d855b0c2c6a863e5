"""Edge behaviour of the core combinators, uncertain() and the aggregates beyond the worked examples."""

from __future__ import annotations

import ast
import math
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest

import parallax_dsl.confidence as confidence_pkg
from parallax_dsl.confidence import (
    UNDEFINED,
    Confident,
    average,
    average_confidence,
    best,
    cf,
    chain,
    clamp01,
    coalesce,
    conf,
    consensus,
    from_,
    gate,
    is_confident,
    lift,
    majority_vote,
    prop,
    synthesize,
    uncertain,
    val,
    weighted_average,
)


def test_confident_is_frozen_and_clamps_on_construction() -> None:
    x = Confident("v", 1.5)
    assert x.confidence == 1.0
    assert Confident("v", -3).confidence == 0.0
    assert Confident("v", math.nan).confidence == 0.0
    assert Confident("v", math.inf).confidence == 1.0
    assert math.copysign(1.0, Confident("v", -0.0).confidence) == 1.0
    assert Confident("v", True).confidence == 1.0
    with pytest.raises(FrozenInstanceError):
        x.confidence = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        cf("v", "0.5")  # type: ignore[arg-type]
    assert clamp01(10**400) == 1.0


def test_mapping_with_value_and_numeric_confidence_is_confident_like_upstream() -> None:
    shaped = {"value": "yes", "confidence": 0.4}
    assert is_confident(shaped)
    assert conf(shaped) == 0.4
    assert val(shaped) == "yes"
    assert from_(shaped) == Confident("yes", 0.4)
    assert not is_confident({"value": "yes", "confidence": "high"})
    assert not is_confident({"value": "yes", "confidence": True})
    assert conf({"value": "yes"}) == 1.0


def test_from_returns_confident_inputs_unchanged() -> None:
    x = cf(1, 0.3)
    assert from_(x) is x


def test_empty_inputs_raise_like_upstream() -> None:
    with pytest.raises(ValueError, match=r"^best\(\) requires at least one value$"):
        best()
    with pytest.raises(ValueError, match=r"^best\(\) requires at least one value$"):
        synthesize([])
    with pytest.raises(ValueError, match=r"chain\(\) requires at least one value"):
        chain()
    with pytest.raises(ValueError, match=r"coalesce\(\) requires at least one value"):
        coalesce([])


def test_chain_mixes_plain_and_confident() -> None:
    assert chain(cf("a", 0.6), "b", cf("c", 0.9)) == Confident("c", 0.6)
    assert chain("only") == Confident("only", 1.0)


def test_coalesce_returns_last_operand_as_is() -> None:
    last = cf("fallback", 0.1)
    assert coalesce([cf("a", 0.2), last]) is last
    assert coalesce([cf("a", 0.5)]).value == "a"  # threshold is inclusive


def test_lift_with_no_arguments_is_certain_and_ignores_extra_arguments() -> None:
    assert lift(lambda: 42)() == Confident(42, 1.0)
    assert lift(lambda: 42)(cf(1, 0.3), cf(2, 0.2)) == Confident(42, 0.2)
    assert lift(max)(cf(3, 0.8), 7, cf(5, 0.4)) == Confident(7, 0.4)
    assert lift(lambda *xs: sum(xs))(1, 2, 3) == Confident(6, 1.0)


def test_gate_passes_value_and_fails_to_undefined() -> None:
    assert gate(cf(21, 0.7), 0.7, lambda v: v * 2) == Confident(42, 0.7)
    assert gate(cf(21, 0.69), 0.7, lambda v: v * 2) == Confident(UNDEFINED, 0.0)
    assert gate(21, 1.0, lambda v: v + 1) == Confident(22, 1.0)


def test_prop_navigates_lists_dataclasses_and_confident_values() -> None:
    data = {"items": [{"name": "a"}, {"name": "b"}], "n": None, 3: "int key"}
    assert prop(cf(data, 0.9), "items.1.name") == Confident("b", 0.9)
    assert prop(cf(data, 0.9), ["items", 0, "name"]) == Confident("a", 0.9)
    assert prop(cf(data, 0.9), "items.length") == Confident(2, 0.9)
    assert prop(cf(data, 0.9), "3") == Confident("int key", 0.9)
    assert prop(cf(data, 0.9), "n") == Confident(None, 0.9)  # a present null resolves
    assert prop(cf(data, 0.8), "n.x") == Confident(UNDEFINED, 0.4)  # …but cannot be walked through
    assert prop(cf(data, 0.8), "items.01") == Confident(UNDEFINED, 0.4)  # not a canonical index
    assert prop(cf(data, 0.8), "items.5.name") == Confident(UNDEFINED, 0.2)
    assert prop(cf("text", 0.8), "length") == Confident(UNDEFINED, 0.4)  # primitives have no properties
    nested = consensus([cf("a", 0.9), cf("a", 0.8)])
    assert prop(nested, "status") == Confident("unanimous", nested.confidence)
    assert prop({"inner": cf("x", 0.3)}, "inner.confidence") == Confident(0.3, 1.0)


def test_prop_missing_penalty_option() -> None:
    assert prop(cf({}, 0.8), "a.b", missing_penalty=0.9).confidence == 0.8 * math.pow(0.9, 2)
    assert prop(cf({}, 0.8), "a.b", missing_penalty=1.0).confidence == 0.8
    assert prop(cf({}, 0.8), "a.b.c", missing_penalty=1e200).confidence == 1.0  # overflow → inf → clamped


def test_uncertain_handler_arguments_and_returns() -> None:
    seen: list[tuple[Any, float]] = []

    def medium(value: Any, c: float) -> str:
        seen.append((value, c))
        return "m"

    assert uncertain(cf("v", 0.6), {"high": lambda: "h", "medium": medium, "low": lambda: "l"}) == Confident("m", 0.6)
    assert seen == [("v", 0.6)]
    kept = cf("override", 0.1)
    assert uncertain(cf("v", 0.9), {"high": lambda v: kept}) is kept
    shaped = uncertain(cf("v", 0.9), {"high": lambda: {"value": "s", "confidence": 0.2}})
    assert shaped == Confident("s", 0.2)
    assert uncertain("plain", {"high": lambda v: v.upper()}) == Confident("PLAIN", 1.0)
    with pytest.raises(KeyError, match="low"):
        uncertain(cf("v", 0.1), {"high": lambda: "h"})


def test_aggregates_on_empty_input() -> None:
    assert average_confidence([]) == 0.0
    assert average([]) == Confident(0, 0.0)
    assert weighted_average([]) == Confident(0, 0.0)
    assert weighted_average([cf(5, 0.0)]) == Confident(0, 0.0)
    vote = majority_vote([])
    assert vote.value is UNDEFINED
    assert vote.confidence == 0.0
    empty = consensus([])
    assert empty.value.status == "split"
    assert empty.value.winner is UNDEFINED
    assert empty.value.reached is False
    assert empty.confidence == 0.0


def test_aggregates_treat_plain_values_as_certain() -> None:
    assert average([1, 2, cf(6, 0.4)]) == Confident(3.0, (0 + 1.0 + 1.0 + 0.4) / 3)
    assert average_confidence(["x", cf("y", 0.5)]) == 0.75
    assert synthesize([cf("a", 0.2), "b", cf("c", 1.0)]) == Confident("b", 1.0)


def test_majority_vote_representative_is_most_confident_member() -> None:
    small, big = {"k": 1}, {"k": 1}
    vote = majority_vote([cf(small, 0.5), cf(big, 0.9), cf("other", 1.0)])
    assert vote.value is big
    assert vote.confidence == 2 / 3 * ((0.5 + 0.9) / 2)


def test_consensus_thresholds_are_configurable() -> None:
    xs = [cf("a", 0.5), cf("a", 0.5), cf("b", 0.9)]
    assert consensus(xs).value.reached is False
    loose = consensus(xs, confidence_threshold=0.6, agreement_threshold=0.6)
    assert loose.value.status == "majority"
    assert loose.value.reached is True
    by_first_letter = consensus(["apple", "avocado"], key_fn=lambda s: s[0])
    assert by_first_letter.value.status == "unanimous"
    assert by_first_letter.value.winner == "apple"


def test_package_is_pure_stdlib() -> None:
    package_dir = Path(confidence_pkg.__file__).parent
    for module in package_dir.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, module.name
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith("parallax_dsl.confidence"), (
                    module.name,
                    name,
                )


def test_public_api_is_exported() -> None:
    expected = {
        "Confident",
        "UNDEFINED",
        "cf",
        "conf",
        "chain",
        "coalesce",
        "and_",
        "or_",
        "lift",
        "add",
        "sub",
        "mul",
        "div",
        "eq",
        "neq",
        "gt",
        "gte",
        "lt",
        "lte",
        "best",
        "gate",
        "prop",
        "band",
        "uncertain",
        "average_confidence",
        "average",
        "weighted_average",
        "synthesize",
        "majority_vote",
        "consensus",
        "parse_confidence_marker",
        "strip_ansi",
        "is_truthy",
        "js_key",
    }
    assert expected <= set(confidence_pkg.__all__)
    for name in confidence_pkg.__all__:
        assert hasattr(confidence_pkg, name)
