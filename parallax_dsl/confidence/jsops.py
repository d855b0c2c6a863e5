"""JavaScript binary operators (+ - * / < <= > >=) on plain values, as the confident operators use them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from parallax_dsl.confidence.js import to_float, to_number, to_primitive, to_string

_MAX_SAFE: Final = 2**53


def _arith(op: Callable[[Any, Any], Any], x: int | float, y: int | float) -> int | float:
    """Apply op on doubles, keeping int results while they are exactly what the double result would be."""
    if isinstance(x, int) and isinstance(y, int) and abs(x) <= _MAX_SAFE and abs(y) <= _MAX_SAFE:
        exact = op(x, y)
        if abs(exact) <= _MAX_SAFE:
            return int(exact)
    result: float = op(to_float(x), to_float(y))
    return result


def plus(a: Any, b: Any) -> Any:
    """JavaScript `a + b`: string concatenation when either primitive is a string, else numeric addition."""
    pa, pb = to_primitive(a), to_primitive(b)
    if isinstance(pa, str) or isinstance(pb, str):
        return to_string(pa) + to_string(pb)
    return _arith(lambda x, y: x + y, to_number(pa), to_number(pb))


def minus(a: Any, b: Any) -> int | float:
    """JavaScript `a - b`."""
    return _arith(lambda x, y: x - y, to_number(a), to_number(b))


def times(a: Any, b: Any) -> int | float:
    """JavaScript `a * b`, including the negative zero of e.g. `0 * -1`."""
    x, y = to_number(a), to_number(b)
    result = _arith(lambda p, q: p * q, x, y)
    if isinstance(result, int) and result == 0 and (x < 0) != (y < 0):
        return -0.0
    return result


def divide(a: Any, b: Any) -> float:
    """JavaScript `a / b`: division by zero gives ±Infinity, or NaN for 0/0 and NaN/0."""
    x, y = to_float(to_number(a)), to_float(to_number(b))
    if y == 0:
        if x == 0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _compare(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Operands ready for Python's ordering, or None when the JavaScript comparison is undefined (NaN)."""
    pa, pb = to_primitive(a), to_primitive(b)
    if isinstance(pa, str) and isinstance(pb, str):
        # JavaScript orders strings by UTF-16 code units, which big-endian UTF-16 bytes reproduce.
        return pa.encode("utf-16-be", "surrogatepass"), pb.encode("utf-16-be", "surrogatepass")
    x, y = to_number(pa), to_number(pb)
    if math.isnan(x) or math.isnan(y):
        return None
    return x, y


def less_than(a: Any, b: Any) -> bool:
    """JavaScript `a < b`."""
    pair = _compare(a, b)
    return pair is not None and bool(pair[0] < pair[1])


def less_equal(a: Any, b: Any) -> bool:
    """JavaScript `a <= b`."""
    pair = _compare(a, b)
    return pair is not None and bool(pair[0] <= pair[1])


def greater_than(a: Any, b: Any) -> bool:
    """JavaScript `a > b`."""
    pair = _compare(a, b)
    return pair is not None and bool(pair[0] > pair[1])


def greater_equal(a: Any, b: Any) -> bool:
    """JavaScript `a >= b`."""
    pair = _compare(a, b)
    return pair is not None and bool(pair[0] >= pair[1])
