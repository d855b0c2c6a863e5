"""JavaScript value semantics: UNDEFINED, truthiness, JSON keys and the operators on plain values."""

from __future__ import annotations

import copy
import math
import pickle
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parallax_dsl.confidence import (
    UNDEFINED,
    Confident,
    add,
    cf,
    div,
    eq,
    gt,
    gte,
    is_truthy,
    js_key,
    lt,
    lte,
    majority_vote,
    mul,
    neq,
    sub,
)
from parallax_dsl.confidence.js import number_to_string


def test_undefined_sentinel() -> None:
    assert repr(UNDEFINED) == "UNDEFINED"
    assert str(UNDEFINED) == "undefined"
    assert not UNDEFINED
    assert UNDEFINED is not None
    assert copy.deepcopy(UNDEFINED) is UNDEFINED
    assert pickle.loads(pickle.dumps(UNDEFINED)) is UNDEFINED


@pytest.mark.parametrize("value", [False, 0, 0.0, -0.0, math.nan, "", None, UNDEFINED])
def test_falsy_values(value: Any) -> None:
    assert is_truthy(value) is False


@pytest.mark.parametrize("value", [True, 1, -1, 0.5, math.inf, "0", " ", "false", [], {}, (), cf(0, 0)])
def test_truthy_values(value: Any) -> None:
    assert is_truthy(value) is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (UNDEFINED, "undefined"),
        (len, "undefined"),
        (True, "true"),
        (1, "1"),
        (1.0, "1"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (math.nan, "null"),
        (math.inf, "null"),
        ('a"b\\c\n\x01é', '"a\\"b\\\\c\\n\\u0001é"'),
        ([1, None, UNDEFINED, len], "[1,null,null,null]"),
        ({"b": 1, "a": [True], "u": UNDEFINED}, '{"b":1,"a":[true]}'),
        ({"b": 1, "10": 2, "2": 3, "02": 4}, '{"2":3,"10":2,"b":1,"02":4}'),
        (cf("x", 0.5), '{"value":"x","confidence":0.5}'),
    ],
)
def test_js_key_matches_json_stringify(value: Any, expected: str) -> None:
    assert js_key(value) == expected


def test_js_key_dataclass_and_cycles() -> None:
    @dataclass
    class Point:
        x: int
        y: float

    assert js_key(Point(1, 2.5)) == '{"x":1,"y":2.5}'
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(TypeError, match="circular"):
        js_key(cyclic)


@given(st.dictionaries(st.text(alphabet="abcxyz", min_size=1), st.integers(-(2**31), 2**31)))
def test_js_key_keeps_insertion_order_of_non_index_keys(d: dict[str, int]) -> None:
    assert js_key(d) == "{" + ",".join(f'"{k}":{v}' for k, v in d.items()) + "}"
    backwards = dict(reversed(d.items()))
    assert js_key(backwards) == "{" + ",".join(f'"{k}":{v}' for k, v in backwards.items()) + "}"


def test_majority_vote_groups_structurally_equal_values() -> None:
    vote = majority_vote([cf({"a": 1}, 0.6), cf({"a": 1}, 0.9), cf({"a": 2}, 1.0)])
    assert vote.value == {"a": 1}
    assert vote.confidence == pytest.approx(2 / 3 * 0.75)
    by_len = majority_vote(["aa", "bb", "c"], key_fn=len)
    assert by_len == Confident("aa", 2 / 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.000001, "0.000001"), (123.456, "123.456"), (1e20, "100000000000000000000"), (-1.5e-10, "-1.5e-10")],
)
def test_number_to_string(value: float, expected: str) -> None:
    assert number_to_string(value) == expected


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_to_string_round_trips(x: float) -> None:
    assert float(number_to_string(x)) == x


def test_division_follows_javascript() -> None:
    assert div(1, 0).value == math.inf
    assert div(-1, 0).value == -math.inf
    assert math.isnan(div(0, 0).value)
    assert div(1, mul(0, -1)).value == -math.inf  # 0 * -1 is -0 in JavaScript
    assert div(cf(7, 0.4), cf(2, 0.9)) == Confident(3.5, 0.4)


def test_arithmetic_coerces_like_javascript() -> None:
    assert add("1", 2).value == "12"
    assert add(1, "2").value == "12"
    assert add(1.5, None).value == 1.5
    assert math.isnan(add(1, UNDEFINED).value)
    assert add(True, True).value == 2
    assert add([1, 2], [3]).value == "1,23"
    assert add({}, 1).value == "[object Object]1"
    assert sub("10", " 4 ").value == 6
    assert mul("0x10", 2).value == 32
    assert math.isnan(sub("abc", 1).value)
    assert js_key(2**53 + 1) == "9007199254740992"  # numbers are doubles, as in JavaScript
    assert sub(2**53, -1).value == 2**53  # beyond 2^53 the double result rounds, as in JavaScript


def test_small_integer_arithmetic_stays_exact_int() -> None:
    result = add(cf(2, 0.9), 3)
    assert result == Confident(5, 0.9)
    assert isinstance(result.value, int)


def test_equality_is_strict() -> None:
    assert eq(1, 1.0).value is True
    assert eq(True, 1).value is False
    assert eq("1", 1).value is False
    assert eq(None, UNDEFINED).value is False
    assert eq(math.nan, math.nan).value is False
    same: list[int] = []
    assert eq(same, same).value is True
    assert eq([], []).value is False  # objects compare by identity
    assert neq(cf(1, 0.3), cf("1", 0.8)) == Confident(True, 0.3)


def test_relational_operators_follow_javascript() -> None:
    assert gt(cf(3, 0.9), cf(2, 0.6)) == Confident(True, 0.6)
    assert gt("b", "a").value is True
    assert lt("10", 9).value is False  # numeric comparison once one side is a number
    assert lt("10", "9").value is True  # string comparison when both are strings
    assert lt("\uffff", "\U0001f600").value is False  # UTF-16 code-unit order
    assert gte(math.nan, 1).value is False
    assert lte(None, 0).value is True
    assert lte(UNDEFINED, 0).value is False
