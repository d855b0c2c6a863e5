"""Plain-data helpers of the runtime: JavaScript number printing, deep equality, result records and JSON output."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Final

from parallax_dsl.confidence import UNDEFINED, Confident
from parallax_dsl.confidence.js import is_number, number_to_string, strict_equals
from parallax_dsl.runtime.errors import EXPRESSION_ERROR, PlxRuntimeError

#: Deepest nesting of data the runtime walks (JSON output, equality); deeper data is an error, not a crash.
MAX_DATA_DEPTH: Final = 500


def js_number_to_string(x: int | float) -> str:
    """A number printed the way JavaScript's `String(x)` prints it: `3` not `3.0`, `1e+21`, `NaN`, `Infinity`."""
    return number_to_string(x)


_PRIMITIVES: Final = frozenset({str, int, bool, type(None)})
_new = object.__new__
_set = object.__setattr__


def confident(value: Any, confidence: float) -> Confident:
    """A Confident built without re-validating `confidence` (the caller guarantees a float in [0, 1]); the hot
    paths of the interpreter and scheduler use it, everything else uses `Confident(...)` which clamps."""
    obj = _new(Confident)
    _set(obj, "value", value)
    _set(obj, "confidence", confidence)
    return obj


def is_record(x: object) -> bool:
    """True for a result record (agent or `use`): a map with `value` and a numeric `confidence`."""
    return type(x) is dict and "value" in x and is_number(x.get("confidence"))


def element(item: Any, container_confidence: float) -> Confident:
    """An item read out of a list or map: a result record carries its own confidence, anything else the container's."""
    if type(item) is dict and "value" in item:
        c = item.get("confidence")
        if type(c) is float and 0.0 <= c <= 1.0:
            return confident(item, c)
        if is_number(c):
            return Confident(item, float(c))  # type: ignore[arg-type]
    return confident(item, container_confidence)


def _too_deep() -> PlxRuntimeError:
    return PlxRuntimeError(EXPRESSION_ERROR, f"data is nested more than {MAX_DATA_DEPTH} levels deep")


def deep_equal(a: Any, b: Any, depth: int = 0) -> bool:
    """Structural equality of plain data: numbers by value (NaN never equal, booleans are not numbers), lists by
    items, maps by keys and values (missing entries ignored, as JSON would)."""
    if depth > MAX_DATA_DEPTH:
        raise _too_deep()
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(deep_equal(x, y, depth + 1) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        ka = [k for k, v in a.items() if v is not UNDEFINED]
        kb = {k for k, v in b.items() if v is not UNDEFINED}
        return len(ka) == len(kb) and all(k in kb and deep_equal(a[k], b[k], depth + 1) for k in ka)
    if isinstance(a, list | tuple | Mapping) or isinstance(b, list | tuple | Mapping):
        return False
    if a is None or b is None or a is UNDEFINED or b is UNDEFINED:
        return a is b
    return strict_equals(a, b)


def to_plain(x: Any, depth: int = 0) -> Any:
    """JSON-ready plain data, as `JSON.stringify` would see it: missing map entries dropped, missing list items
    and NaN/Infinity become null, tuples become lists. Returns `x` itself when nothing needs changing."""
    if x is None or isinstance(x, str | bool):
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if x is UNDEFINED:
        return None
    if depth > MAX_DATA_DEPTH:
        raise _too_deep()
    if type(x) is list:
        for v in x:
            if type(v) not in _PRIMITIVES:
                break
        else:
            return x  # a list of primitives (NaN/Infinity are floats: checked below)
    if isinstance(x, list | tuple):
        items = [to_plain(v, depth + 1) for v in x]
        if type(x) is list and all(p is v for p, v in zip(items, x, strict=True)):
            return x
        return items
    if isinstance(x, Mapping):
        changed = type(x) is not dict
        out: dict[str, Any] = {}
        for k, v in x.items():
            if v is UNDEFINED:
                changed = True
                continue
            p = to_plain(v, depth + 1)
            changed = changed or p is not v or not isinstance(k, str)
            out[k if isinstance(k, str) else str(k)] = p
        return out if changed else x
    if isinstance(x, Confident):
        return to_plain(x.value, depth + 1)
    return str(x)


def _number_json(x: int | float) -> str:
    if isinstance(x, float) and not math.isfinite(x):
        return "null"
    return number_to_string(x)


def dumps(x: Any, indent: int | None = None) -> str:
    """JSON text the way JavaScript's `JSON.stringify(x, null, indent)` writes it (numbers printed as JavaScript
    prints them, missing entries omitted, NaN → null). Deterministic: map order is insertion order."""
    parts: list[str] = []
    _dump(x, parts, indent, 0)
    return "".join(parts)


def _dump(x: Any, out: list[str], indent: int | None, level: int) -> None:
    if x is None or x is UNDEFINED:
        out.append("null")
    elif x is True:
        out.append("true")
    elif x is False:
        out.append("false")
    elif isinstance(x, int | float):
        out.append(_number_json(x))
    elif isinstance(x, str):
        out.append(json.dumps(x, ensure_ascii=False))
    elif level > MAX_DATA_DEPTH:
        raise _too_deep()
    elif isinstance(x, list | tuple):
        if not x:
            out.append("[]")
            return
        inner = "" if indent is None else "\n" + " " * (indent * (level + 1))
        out.append("[")
        for i, item in enumerate(x):
            if i:
                out.append(",")
            out.append(inner)
            _dump(item, out, indent, level + 1)
        out.append("" if indent is None else "\n" + " " * (indent * level))
        out.append("]")
    elif isinstance(x, Mapping):
        entries = [(k, v) for k, v in x.items() if v is not UNDEFINED]
        if not entries:
            out.append("{}")
            return
        inner = "" if indent is None else "\n" + " " * (indent * (level + 1))
        sep = ":" if indent is None else ": "
        out.append("{")
        for i, (k, v) in enumerate(entries):
            if i:
                out.append(",")
            out.append(inner)
            out.append(json.dumps(k if isinstance(k, str) else str(k), ensure_ascii=False))
            out.append(sep)
            _dump(v, out, indent, level + 1)
        out.append("" if indent is None else "\n" + " " * (indent * level))
        out.append("}")
    elif isinstance(x, Confident):
        _dump(x.value, out, indent, level)
    else:
        out.append(json.dumps(str(x), ensure_ascii=False))
