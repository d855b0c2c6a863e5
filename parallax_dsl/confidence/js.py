"""JavaScript value semantics mirrored by the algebra: undefined, truthiness, ToString, JSON keys."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import math
import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeVar

R = TypeVar("R")

_MAX_ARRAY_INDEX: Final = 2**32 - 2
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_JSON_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


class UndefinedType(enum.Enum):
    """The type of `UNDEFINED`, the stand-in for JavaScript `undefined` (None stands for `null`)."""

    UNDEFINED = "undefined"

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __str__(self) -> str:
        return "undefined"

    def __bool__(self) -> Literal[False]:
        return False


UNDEFINED: Final = UndefinedType.UNDEFINED


def is_number(value: object) -> bool:
    """True for int and float but not bool: the Python values that play JavaScript numbers."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_array_index(key: str) -> bool:
    """True for a canonical JavaScript array index ("0", "7", not "07" or "-1")."""
    return _ARRAY_INDEX.fullmatch(key) is not None and int(key) <= _MAX_ARRAY_INDEX


def is_truthy(value: object) -> bool:
    """JavaScript truthiness: False, 0, -0, NaN, "", None and UNDEFINED are falsy; every object is truthy."""
    if value is None or value is UNDEFINED:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real):
        return value == value and value != 0
    if isinstance(value, str):
        return value != ""
    return True


def to_float(value: int | float) -> float:
    """Convert a number to a double as JavaScript holds it; ints too large for a double become ±inf."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def number_to_string(value: int | float) -> str:
    """Format a number exactly as JavaScript's Number.prototype.toString() does."""
    x = to_float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    n = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        head = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        body = f"{head}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def _array_join(items: list[Any] | tuple[Any, ...], seen: set[int]) -> str:
    if id(items) in seen:
        return ""
    seen = seen | {id(items)}
    parts = []
    for item in items:
        if item is None or item is UNDEFINED:
            parts.append("")
        elif isinstance(item, list | tuple):
            parts.append(_array_join(item, seen))
        else:
            parts.append(to_string(item))
    return ",".join(parts)


def to_primitive(value: Any) -> Any:
    """JavaScript ToPrimitive: lists/tuples join like arrays, other objects give "[object Object]"."""
    if value is None or value is UNDEFINED or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return _array_join(value, set())
    return "[object Object]"


def to_string(value: Any) -> str:
    """JavaScript String(value)."""
    prim = to_primitive(value)
    if prim is None:
        return "null"
    if prim is UNDEFINED:
        return "undefined"
    if isinstance(prim, bool):
        return "true" if prim else "false"
    if isinstance(prim, int | float):
        return number_to_string(prim)
    assert isinstance(prim, str)
    return prim


_JS_WHITESPACE: Final = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def _string_to_number(text: str) -> float:
    text = text.strip(_JS_WHITESPACE)
    if text == "":
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    if _RADIX.fullmatch(text):
        return to_float(int(text, 0))
    return math.nan


def to_number(value: Any) -> int | float:
    """JavaScript ToNumber; ints (and bools, None) stay ints so small-integer arithmetic stays exact ints."""
    prim = to_primitive(value)
    if prim is None:
        return 0
    if prim is UNDEFINED:
        return math.nan
    if isinstance(prim, bool):
        return int(prim)
    if isinstance(prim, int | float):
        return prim
    assert isinstance(prim, str)
    return _string_to_number(prim)


def strict_equals(a: Any, b: Any) -> bool:
    """JavaScript `===`: primitives compare by type and value (NaN never equal), objects by identity."""
    if is_number(a) and is_number(b):
        return bool(a == b)
    if isinstance(a, bool) and isinstance(b, bool):
        return a is b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is b


def _quote(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _object_items(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, Mapping):
        pairs = [(k if isinstance(k, str) else to_string(k), v) for k, v in value.items()]
    elif dataclasses.is_dataclass(value):
        pairs = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    else:
        pairs = [(k, v) for k, v in getattr(value, "__dict__", {}).items() if not k.startswith("_")]
    # JavaScript enumerates array-index keys first, ascending, then the rest in insertion order.
    indices = sorted(
        ((int(k), k, v) for k, v in pairs if is_array_index(k)),
        key=lambda t: t[0],
    )
    index_keys = {k for _, k, _ in indices}
    return [(k, v) for _, k, v in indices] + [(k, v) for k, v in pairs if k not in index_keys]


def _is_unserialisable(value: Any) -> bool:
    return value is UNDEFINED or callable(value)


def _stringify(value: Any, stack: list[int]) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        x = to_float(value)
        return number_to_string(x) if math.isfinite(x) else "null"
    if isinstance(value, str):
        return _quote(value)
    if id(value) in stack:
        raise TypeError("Converting circular structure to JSON")
    stack.append(id(value))
    try:
        if isinstance(value, list | tuple):
            parts = ["null" if _is_unserialisable(v) else _stringify(v, stack) for v in value]
            return "[" + ",".join(parts) + "]"
        fields = [f"{_quote(k)}:{_stringify(v, stack)}" for k, v in _object_items(value) if not _is_unserialisable(v)]
        return "{" + ",".join(fields) + "}"
    finally:
        stack.pop()


def js_key(value: Any) -> str:
    """`JSON.stringify(value) ?? "undefined"`: the default grouping key of majority_vote and consensus."""
    if _is_unserialisable(value):
        return "undefined"
    return _stringify(value, [])


def js_call(fn: Callable[..., R], *args: Any) -> R:
    """Call a user callback the JavaScript way: arguments beyond those it declares are dropped."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return fn(*args)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return fn(*args)
    return fn(*args[: sum(p.kind in _POSITIONAL for p in params)])
