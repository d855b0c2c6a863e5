"""Core combinators: the Prism operators `~>` `<~` `~~` `~??` `~&&` `~||` `~+`… `~||>` `~@>` `~.`."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from parallax_dsl.confidence import jsops
from parallax_dsl.confidence.js import (
    UNDEFINED,
    is_array_index,
    is_number,
    is_truthy,
    js_call,
    strict_equals,
    to_string,
)

DEFAULT_COALESCE_THRESHOLD: Final = 0.5


def clamp01(n: float) -> float:
    """Clamp a confidence into [0, 1]; NaN becomes 0."""
    if isinstance(n, int):
        return 1.0 if n >= 1 else 0.0
    if not isinstance(n, numbers.Real):
        raise TypeError(f"confidence must be a real number, not {type(n).__name__}")
    x = float(n)
    if math.isnan(x):
        return 0.0
    return min(1.0, max(0.0, x))


@dataclasses.dataclass(frozen=True, slots=True)
class Confident:
    """A value paired with a confidence in [0, 1] (clamped on construction, NaN → 0)."""

    value: Any
    confidence: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "confidence", clamp01(self.confidence))


def is_confident(x: Any) -> bool:
    """True for a `Confident` or (structurally, as upstream) a mapping with value and numeric confidence."""
    if isinstance(x, Confident):
        return True
    return isinstance(x, Mapping) and "value" in x and "confidence" in x and is_number(x["confidence"])


def cf(value: Any, confidence: float) -> Confident:
    """Prism `x ~> c`: attach a (clamped) confidence to a value."""
    return Confident(value, confidence)


def from_(x: Any) -> Confident:
    """Normalise a plain or confident value into a `Confident`; plain values are certain (1.0)."""
    if isinstance(x, Confident):
        return x
    if is_confident(x):
        return Confident(x["value"], x["confidence"])
    return Confident(x, 1.0)


def conf(x: Any) -> float:
    """Prism `<~ x`: the confidence of x (1.0 for plain values)."""
    if isinstance(x, Confident):
        return x.confidence
    return clamp01(x["confidence"]) if is_confident(x) else 1.0


def val(x: Any) -> Any:
    """The underlying value of x (identity for plain values)."""
    if isinstance(x, Confident):
        return x.value
    return x["value"] if is_confident(x) else x


def chain(*xs: Any) -> Confident:
    """Prism `a ~~ b ~~ c`: the last operand's value with the minimum confidence of all operands."""
    if not xs:
        raise ValueError("chain() requires at least one value")
    return cf(val(xs[-1]), min(conf(x) for x in xs))


def coalesce(xs: Sequence[Any], threshold: float = DEFAULT_COALESCE_THRESHOLD) -> Confident:
    """Prism `a ~?? b ~?? c`: the first operand with confidence ≥ threshold, else the last operand as-is."""
    if not xs:
        raise ValueError("coalesce() requires at least one value")
    for x in xs:
        if conf(x) >= threshold:
            return from_(x)
    return from_(xs[-1])


def and_(a: Any, b: Any) -> Confident:
    """Prism `a ~&& b`: JavaScript `&&` on the values, minimum confidence."""
    left = val(a)
    return cf(val(b) if is_truthy(left) else left, min(conf(a), conf(b)))


def or_(a: Any, b: Any) -> Confident:
    """Prism `a ~|| b`: JavaScript `||` on the values, maximum confidence."""
    left = val(a)
    return cf(left if is_truthy(left) else val(b), max(conf(a), conf(b)))


def lift(fn: Callable[..., Any]) -> Callable[..., Confident]:
    """Lift a plain function: apply it to the unwrapped values, carry the min confidence (1.0 if no args)."""

    def lifted(*args: Any) -> Confident:
        values = [val(a) for a in args]
        confidence = min((conf(a) for a in args), default=1.0)
        return cf(js_call(fn, *values), confidence)

    return lifted


def _binary(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Confident:
    return cf(op(val(a), val(b)), min(conf(a), conf(b)))


def add(a: Any, b: Any) -> Confident:
    """Prism `a ~+ b`: JavaScript `+` on the values, minimum confidence."""
    return _binary(jsops.plus, a, b)


def sub(a: Any, b: Any) -> Confident:
    """Prism `a ~- b`: JavaScript `-` on the values, minimum confidence."""
    return _binary(jsops.minus, a, b)


def mul(a: Any, b: Any) -> Confident:
    """Prism `a ~* b`: JavaScript `*` on the values, minimum confidence."""
    return _binary(jsops.times, a, b)


def div(a: Any, b: Any) -> Confident:
    """Prism `a ~/ b`: JavaScript `/` on the values (x/0 → ±inf, 0/0 → nan), minimum confidence."""
    return _binary(jsops.divide, a, b)


def eq(a: Any, b: Any) -> Confident:
    """Prism `a ~== b`: JavaScript `===` on the values, minimum confidence."""
    return _binary(strict_equals, a, b)


def neq(a: Any, b: Any) -> Confident:
    """Prism `a ~!= b`: JavaScript `!==` on the values, minimum confidence."""
    return _binary(lambda x, y: not strict_equals(x, y), a, b)


def gt(a: Any, b: Any) -> Confident:
    """Prism's confident `>`: JavaScript `>` on the values, minimum confidence."""
    return _binary(jsops.greater_than, a, b)


def gte(a: Any, b: Any) -> Confident:
    """Prism `a ~>= b`: JavaScript `>=` on the values, minimum confidence."""
    return _binary(jsops.greater_equal, a, b)


def lt(a: Any, b: Any) -> Confident:
    """Prism `a ~< b`: JavaScript `<` on the values, minimum confidence."""
    return _binary(jsops.less_than, a, b)


def lte(a: Any, b: Any) -> Confident:
    """Prism `a ~<= b`: JavaScript `<=` on the values, minimum confidence."""
    return _binary(jsops.less_equal, a, b)


def best(*xs: Any) -> Confident:
    """Prism `a ~||> b ~||> c`: the operand with the highest confidence; the first wins ties."""
    if not xs:
        raise ValueError("best() requires at least one value")
    winner = from_(xs[0])
    for x in xs[1:]:
        candidate = from_(x)
        if candidate.confidence > winner.confidence:
            winner = candidate
    return winner


def gate(x: Any, threshold: float, fn: Callable[..., Any]) -> Confident:
    """Prism `check ~@> action`: `cf(fn(value), conf)` when conf ≥ threshold, else `cf(UNDEFINED, 0)`."""
    c = conf(x)
    if c >= threshold:
        return cf(js_call(fn, val(x)), c)
    return cf(UNDEFINED, 0.0)


def _step(current: Any, key: str) -> tuple[bool, Any]:
    """One `~.` hop, as JavaScript's `key in obj` then `obj[key]`: (found, value)."""
    if current is None or current is UNDEFINED or isinstance(current, bool | int | float | str):
        return False, None
    if isinstance(current, Mapping):
        if key in current:
            return True, current[key]
        if is_array_index(key) and int(key) in current:
            return True, current[int(key)]
        return False, None
    if isinstance(current, list | tuple):
        if key == "length":
            return True, len(current)
        if is_array_index(key) and int(key) < len(current):
            return True, current[int(key)]
        return False, None
    if dataclasses.is_dataclass(current) and not isinstance(current, type):
        names = {f.name for f in dataclasses.fields(current)}
        return (True, getattr(current, key)) if key in names else (False, None)
    attrs = getattr(current, "__dict__", {})
    if not key.startswith("_") and key in attrs:
        return True, attrs[key]
    return False, None


def _pow(base: float, exponent: int) -> float:
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return -math.inf if base < 0 and exponent % 2 else math.inf


def prop(x: Any, path: str | Sequence[str | int], missing_penalty: float = 0.5) -> Confident:
    """Prism `obj ~. a ~. b`: walk a dotted path; from the first missing/null hop on, the value is UNDEFINED
    and the confidence is multiplied by missing_penalty for that hop and each one not reached."""
    hops = path.split(".") if isinstance(path, str) else list(path)
    current = val(x)
    confidence = conf(x)
    for i, hop in enumerate(hops):
        found, nxt = _step(current, hop if isinstance(hop, str) else to_string(hop))
        if not found:
            return cf(UNDEFINED, confidence * _pow(missing_penalty, len(hops) - i))
        current = nxt
    return cf(current, confidence)
