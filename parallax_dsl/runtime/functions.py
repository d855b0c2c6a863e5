"""The built-in functions of .plx (semantics/builtins.py FUNCTIONS) over confident values.

Each takes the evaluated positional arguments as `Confident`s and returns a `Confident`. Confidence rules:
functions *about* a value's confidence or status (`confidence`, `value`, `band`, `average_confidence`, `is_valid`)
are certain (1.0); the confidence-algebra functions (`chain`, `coalesce`, `best`, `gate`, `prop`, `average`,
`weighted_average`, `synthesize`, `majority_vote`, `consensus`) follow parallax_dsl.confidence; functions of one
value keep its confidence; functions of several values (and `sum`/`min`/`max` over a list's items) take the minimum.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from parallax_dsl.confidence import (
    UNDEFINED,
    Confident,
    average,
    average_confidence,
    band,
    best,
    chain,
    coalesce,
    consensus,
    js_key,
    majority_vote,
    prop,
    weighted_average,
)
from parallax_dsl.confidence.js import is_truthy, strict_equals, to_number, to_string
from parallax_dsl.confidence.jsops import plus
from parallax_dsl.runtime.errors import EXPRESSION_ERROR, PlxRuntimeError
from parallax_dsl.runtime.values import deep_equal, element, is_record

Fn = Callable[[list[Confident]], Confident]

#: Longest list `range` may build (expressions are total: no runaway allocation).
MAX_RANGE: Final = 1_000_000

_JS_WHITESPACE: Final = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)


def fail(message: str) -> PlxRuntimeError:
    return PlxRuntimeError(EXPRESSION_ERROR, message)


def _min_conf(args: Sequence[Confident]) -> float:
    return min((a.confidence for a in args), default=1.0)


def items_of(x: Confident, fname: str) -> list[Any]:
    """The items of a list argument; missing and null count as an empty list."""
    v = x.value
    if type(v) is list:
        return v
    if isinstance(v, tuple):
        return list(v)
    if v is None or v is UNDEFINED:
        return []
    raise fail(f"`{fname}` needs a list, not {kind_of(v)}")


def kind_of(v: Any) -> str:
    if v is None:
        return "null"
    if v is UNDEFINED:
        return "a missing value"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int | float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list | tuple):
        return "a list"
    if isinstance(v, dict):
        return "a map"
    return type(v).__name__


def elements(x: Confident, fname: str) -> list[Confident]:
    """Items as confident values: records keep their own confidence, other items carry the list's."""
    c = x.confidence
    return [element(item, c) for item in items_of(x, fname)]


def value_elements(x: Confident, fname: str) -> list[Confident]:
    """Items as (value, confidence) pairs for aggregation: a result record contributes its `value`."""
    c = x.confidence
    out = []
    for item in items_of(x, fname):
        if is_record(item):
            out.append(Confident(item["value"], item["confidence"]))
        else:
            out.append(Confident(item, c))
    return out


def _num(v: Any) -> int | float:
    return to_number(v)


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


# ------------------------------------------------------------------------------------------------ one value


def f_len(a: list[Confident]) -> Confident:
    x = a[0]
    v = x.value
    if isinstance(v, str):
        n = _utf16_len(v)
    elif isinstance(v, list | tuple):
        n = len(v)
    elif isinstance(v, dict):
        n = sum(1 for item in v.values() if item is not UNDEFINED)
    elif v is None or v is UNDEFINED:
        n = 0
    else:
        raise fail(f"`len` needs a list, map or string, not {kind_of(v)}")
    return Confident(n, x.confidence)


def f_abs(a: list[Confident]) -> Confident:
    n = _num(a[0].value)
    return Confident(abs(n), a[0].confidence)


def f_floor(a: list[Confident]) -> Confident:
    n = _num(a[0].value)
    return Confident(n if isinstance(n, int) or not math.isfinite(n) else math.floor(n), a[0].confidence)


def f_ceil(a: list[Confident]) -> Confident:
    n = _num(a[0].value)
    return Confident(n if isinstance(n, int) or not math.isfinite(n) else math.ceil(n), a[0].confidence)


def f_round(a: list[Confident]) -> Confident:
    n = _num(a[0].value)
    digits = _num(a[1].value) if len(a) > 1 else 0
    c = _min_conf(a)
    if not isinstance(digits, int):
        if not math.isfinite(digits) or digits != int(digits):
            raise fail("`round` needs a whole number of digits")
        digits = int(digits)
    if isinstance(n, float) and not math.isfinite(n):
        return Confident(n, c)
    if isinstance(n, int) and digits >= 0:
        return Confident(n, c)
    try:
        q = Decimal(repr(n)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return Confident(n, c)
    if digits <= 0:
        return Confident(int(q), c)
    return Confident(float(q), c)


def f_confidence(a: list[Confident]) -> Confident:
    return Confident(a[0].confidence, 1.0)


def f_value(a: list[Confident]) -> Confident:
    return Confident(a[0].value, 1.0)


def f_lower(a: list[Confident]) -> Confident:
    return Confident(to_string(a[0].value).lower(), a[0].confidence)


def f_upper(a: list[Confident]) -> Confident:
    return Confident(to_string(a[0].value).upper(), a[0].confidence)


def f_trim(a: list[Confident]) -> Confident:
    return Confident(to_string(a[0].value).strip(_JS_WHITESPACE), a[0].confidence)


def f_string(a: list[Confident]) -> Confident:
    return Confident(to_string(a[0].value), a[0].confidence)


def f_number(a: list[Confident]) -> Confident:
    return Confident(_num(a[0].value), a[0].confidence)


def f_keys(a: list[Confident]) -> Confident:
    v = a[0].value
    if not isinstance(v, dict):
        if v is None or v is UNDEFINED:
            return Confident([], a[0].confidence)
        raise fail(f"`keys` needs a map, not {kind_of(v)}")
    return Confident([k for k, item in v.items() if item is not UNDEFINED], a[0].confidence)


def f_values(a: list[Confident]) -> Confident:
    v = a[0].value
    if not isinstance(v, dict):
        if v is None or v is UNDEFINED:
            return Confident([], a[0].confidence)
        raise fail(f"`values` needs a map, not {kind_of(v)}")
    return Confident([item for item in v.values() if item is not UNDEFINED], a[0].confidence)


def f_first(a: list[Confident]) -> Confident:
    xs = items_of(a[0], "first")
    return element(xs[0], a[0].confidence) if xs else Confident(UNDEFINED, a[0].confidence)


def f_last(a: list[Confident]) -> Confident:
    xs = items_of(a[0], "last")
    return element(xs[-1], a[0].confidence) if xs else Confident(UNDEFINED, a[0].confidence)


def f_unique(a: list[Confident]) -> Confident:
    out: list[Any] = []
    for item in items_of(a[0], "unique"):
        if not any(deep_equal(item, seen) for seen in out):
            out.append(item)
    return Confident(out, a[0].confidence)


def f_flatten(a: list[Confident]) -> Confident:
    out: list[Any] = []
    for item in items_of(a[0], "flatten"):
        if isinstance(item, list | tuple):
            out.extend(item)
        else:
            out.append(item)
    return Confident(out, a[0].confidence)


def f_is_valid(a: list[Confident]) -> Confident:
    v = a[0].value
    if not isinstance(v, dict):
        return Confident(v is not None and v is not UNDEFINED, 1.0)
    ok = not is_truthy(v.get("error")) and v.get("value") is not None and v.get("value") is not UNDEFINED
    return Confident(ok, 1.0)


def type_of(v: Any) -> str:
    """The JSON type of a plain value: null, boolean, number, string, list, map, or missing."""
    if v is UNDEFINED:
        return "missing"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list | tuple):
        return "list"
    if isinstance(v, dict):
        return "map"
    return "string"


def f_type_of(a: list[Confident]) -> Confident:
    return Confident(type_of(a[0].value), a[0].confidence)


#: The upstream engine's default expertise, applied as it does (`agent.expertise || 0.7`).
UPSTREAM_DEFAULT_EXPERTISE: Final = 0.7


def f_agent_result(a: list[Confident]) -> Confident:
    """An agent result record in the upstream's `PatternAgentResult` shape."""
    x = a[0]
    v = x.value
    if v is None or v is UNDEFINED:
        return x
    if not (is_record(v) and isinstance(v.get("agent"), dict)):
        raise fail(f"`agent_result` needs an agent result record, not {kind_of(v)}")
    info = v["agent"]
    expertise = info.get("expertise")
    out: dict[str, Any] = {
        "agentId": info.get("id"),
        "agentName": info.get("name"),
        "capabilities": list(info.get("capabilities") or []),
        "expertise": expertise if is_truthy(expertise) else UPSTREAM_DEFAULT_EXPERTISE,
        "result": v["value"],
        "confidence": v["confidence"],
        "reasoning": v.get("reasoning", UNDEFINED),
    }
    error = v.get("error")
    if error is not None and error is not UNDEFINED:
        out["error"] = error
    out["timestamp"] = v.get("timestamp", 0)
    return Confident(out, x.confidence)


def identical(a: Any, b: Any) -> bool:
    """JavaScript `a === b`: primitives by value (NaN is never identical), lists and maps only when they are the
    very same value (two answers' maps never are; the same map read twice is)."""
    if isinstance(a, list | tuple | dict) or isinstance(b, list | tuple | dict):
        return a is b
    if a is None or b is None or a is UNDEFINED or b is UNDEFINED:
        return a is b
    return strict_equals(a, b)


def f_identical(a: list[Confident]) -> Confident:
    return Confident(identical(a[0].value, a[1].value), _min_conf(a))


def _spread(out: dict[str, Any], v: Any) -> None:
    """JavaScript object spread `{...v}` into `out`: map entries, list items by index, string characters."""
    if isinstance(v, dict):
        for key, item in v.items():
            if item is not UNDEFINED:
                out[key] = item
    elif isinstance(v, list | tuple):
        for i, item in enumerate(v):
            out[str(i)] = item
    elif isinstance(v, str):
        for i, ch in enumerate(v):
            out[str(i)] = ch


def f_merge(a: list[Confident]) -> Confident:
    out: dict[str, Any] = {}
    for x in a:
        _spread(out, x.value)
    return Confident(out, _min_conf(a))


def f_to_json(a: list[Confident]) -> Confident:
    v = a[0].value
    if v is UNDEFINED:
        return Confident(UNDEFINED, a[0].confidence)
    try:
        return Confident(js_key(v), a[0].confidence)
    except (TypeError, RecursionError) as exc:
        raise fail(f"`to_json`: {exc}") from None


# ------------------------------------------------------------------------------------------------ several values


def _numbers(a: list[Confident], fname: str) -> tuple[list[Any], float]:
    """Operands of sum/min/max: a single list argument's items, else the arguments themselves."""
    if len(a) == 1 and isinstance(a[0].value, list | tuple):
        items = value_elements(a[0], fname)
        return [i.value for i in items], min((i.confidence for i in items), default=a[0].confidence)
    return [x.value for x in a], _min_conf(a)


def f_sum(a: list[Confident]) -> Confident:
    if a[0].value is None or a[0].value is UNDEFINED:
        return Confident(0, a[0].confidence)
    if not isinstance(a[0].value, list | tuple):
        raise fail(f"`sum` needs a list, not {kind_of(a[0].value)}")
    values, c = _numbers(a, "sum")
    total: Any = 0
    for v in values:
        total = plus(total, v)
    return Confident(total, c)


def _extreme(a: list[Confident], fname: str, pick_min: bool) -> Confident:
    values, c = _numbers(a, fname)
    result: int | float = math.inf if pick_min else -math.inf
    for v in values:
        n = _num(v)
        if isinstance(n, float) and math.isnan(n):
            return Confident(math.nan, c)
        if (n < result) if pick_min else (n > result):
            result = n
    return Confident(result, c)


def f_min(a: list[Confident]) -> Confident:
    return _extreme(a, "min", True)


def f_max(a: list[Confident]) -> Confident:
    return _extreme(a, "max", False)


def f_has(a: list[Confident]) -> Confident:
    m, key = a[0].value, to_string(a[1].value)
    ok = isinstance(m, dict) and key in m and m[key] is not UNDEFINED
    return Confident(ok, _min_conf(a))


def f_contains(a: list[Confident]) -> Confident:
    hay, needle = a[0].value, a[1].value
    if isinstance(hay, str):
        ok = to_string(needle) in hay
    elif isinstance(hay, list | tuple):
        ok = any(deep_equal(needle, item) for item in hay)
    elif isinstance(hay, dict):
        key = to_string(needle)
        ok = key in hay and hay[key] is not UNDEFINED
    else:
        ok = False
    return Confident(ok, _min_conf(a))


def f_split(a: list[Confident]) -> Confident:
    s, sep = to_string(a[0].value), to_string(a[1].value)
    return Confident(list(s) if sep == "" else s.split(sep), _min_conf(a))


def f_join(a: list[Confident]) -> Confident:
    sep = to_string(a[1].value) if len(a) > 1 and a[1].value is not UNDEFINED else ","
    parts = ["" if v is None or v is UNDEFINED else to_string(v) for v in items_of(a[0], "join")]
    return Confident(sep.join(parts), _min_conf(a))


def _int_arg(x: Confident, fname: str) -> int:
    n = _num(x.value)
    if isinstance(n, float):
        if math.isnan(n):
            return 0
        if math.isinf(n):
            return (1 << 62) if n > 0 else -(1 << 62)
        n = int(n)  # JavaScript ToIntegerOrInfinity truncates
    return n


def f_range(a: list[Confident]) -> Confident:
    start, stop = (0, _int_arg(a[0], "range")) if len(a) == 1 else (_int_arg(a[0], "range"), _int_arg(a[1], "range"))
    count = max(stop - start, 0)
    if count > MAX_RANGE:
        raise fail(f"`range` would build {count} items; the limit is {MAX_RANGE}")
    return Confident(list(range(start, stop)), _min_conf(a))


def f_slice(a: list[Confident]) -> Confident:
    v = a[0].value
    seq: Any = v if isinstance(v, str) else items_of(a[0], "slice")
    n = len(seq)
    start = _int_arg(a[1], "slice")
    end = _int_arg(a[2], "slice") if len(a) > 2 and a[2].value is not UNDEFINED else n
    start = max(n + start, 0) if start < 0 else min(start, n)
    end = max(n + end, 0) if end < 0 else min(end, n)
    return Confident(seq[start:end] if end > start else seq[:0], _min_conf(a))


# ------------------------------------------------------------------------------------------------ confidence algebra


def f_chain(a: list[Confident]) -> Confident:
    return chain(*a)


def f_best(a: list[Confident]) -> Confident:
    return best(*a)


def f_coalesce(a: list[Confident], threshold: float = 0.5) -> Confident:
    return coalesce(a, threshold)


def f_prop(a: list[Confident]) -> Confident:
    path = a[1].value
    hops: list[str] = [to_string(p) for p in path] if isinstance(path, list | tuple) else to_string(path).split(".")
    penalty = float(_num(a[2].value)) if len(a) > 2 else 0.5
    current = Confident(a[0].value, min(a[0].confidence, a[1].confidence))
    for i, hop in enumerate(hops):
        step = prop(current, (hop,), penalty)
        if step.value is UNDEFINED:
            return prop(current, hops[i:], penalty)
        current = element(step.value, step.confidence)
    return current


def f_band(a: list[Confident]) -> Confident:
    high = float(_num(a[1].value)) if len(a) > 1 else 0.8
    medium = float(_num(a[2].value)) if len(a) > 2 else 0.5
    return Confident(band(a[0], high, medium), 1.0)


def f_average(a: list[Confident]) -> Confident:
    return average(value_elements(a[0], "average"))


def f_weighted_average(a: list[Confident]) -> Confident:
    return weighted_average(value_elements(a[0], "weighted_average"))


def f_average_confidence(a: list[Confident]) -> Confident:
    return Confident(average_confidence(elements(a[0], "average_confidence")), 1.0)


def f_synthesize(a: list[Confident]) -> Confident:
    items = elements(a[0], "synthesize")
    if not items:
        raise fail("`synthesize` needs at least one item (best() requires at least one value)")
    return best(*items)


def f_majority_vote(a: list[Confident]) -> Confident:
    return majority_vote(value_elements(a[0], "majority_vote"))


def f_consensus(a: list[Confident]) -> Confident:
    ct = float(_num(a[1].value)) if len(a) > 1 else 0.7
    at = float(_num(a[2].value)) if len(a) > 2 else 0.5
    r = consensus(value_elements(a[0], "consensus"), ct, at)
    res = r.value
    out = {
        "status": res.status,
        "winner": res.winner,
        "agreement": res.agreement,
        "averageConfidence": res.average_confidence,
        "reached": res.reached,
    }
    return Confident(out, r.confidence)


#: name → (implementation, parameter names for keyword arguments; "*" marks a variadic function).
FUNCTIONS: Final[dict[str, tuple[Fn, tuple[str, ...]]]] = {
    "len": (f_len, ("x",)),
    "sum": (f_sum, ("xs",)),
    "min": (f_min, ("*",)),
    "max": (f_max, ("*",)),
    "abs": (f_abs, ("x",)),
    "round": (f_round, ("x", "digits")),
    "floor": (f_floor, ("x",)),
    "ceil": (f_ceil, ("x",)),
    "confidence": (f_confidence, ("x",)),
    "value": (f_value, ("x",)),
    "chain": (f_chain, ("*",)),
    "coalesce": (f_coalesce, ("*",)),
    "best": (f_best, ("*",)),
    "prop": (f_prop, ("x", "path", "penalty")),
    "band": (f_band, ("x", "high", "medium")),
    "average": (f_average, ("xs",)),
    "weighted_average": (f_weighted_average, ("xs",)),
    "average_confidence": (f_average_confidence, ("xs",)),
    "synthesize": (f_synthesize, ("xs",)),
    "majority_vote": (f_majority_vote, ("xs",)),
    "consensus": (f_consensus, ("xs", "confidence_threshold", "agreement_threshold")),
    "keys": (f_keys, ("m",)),
    "values": (f_values, ("m",)),
    "has": (f_has, ("m", "field")),
    "contains": (f_contains, ("haystack", "needle")),
    "lower": (f_lower, ("s",)),
    "upper": (f_upper, ("s",)),
    "trim": (f_trim, ("s",)),
    "split": (f_split, ("s", "sep")),
    "join": (f_join, ("xs", "sep")),
    "string": (f_string, ("x",)),
    "number": (f_number, ("x",)),
    "first": (f_first, ("xs",)),
    "last": (f_last, ("xs",)),
    "unique": (f_unique, ("xs",)),
    "flatten": (f_flatten, ("xs",)),
    "range": (f_range, ("a", "b")),
    "slice": (f_slice, ("xs", "start", "end")),
    "is_valid": (f_is_valid, ("r",)),
    "to_json": (f_to_json, ("x",)),
    "type_of": (f_type_of, ("x",)),
    "identical": (f_identical, ("a", "b")),
    "merge": (f_merge, ("*",)),
    "agent_result": (f_agent_result, ("r",)),
}
