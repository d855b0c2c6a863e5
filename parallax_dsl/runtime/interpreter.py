"""The expression interpreter: evaluates IR `Expr` trees to confident values, propagating confidence.

Every value is a `Confident(value, confidence)` with plain data inside (dict, list, str, int, float, bool, None,
and UNDEFINED for a missing value). Literals and `input` are certain (1.0). Operators follow CONFIDENCE.md through
parallax_dsl.confidence; see docs/runtime.md ("Expressions") for the full table. Evaluation is total: no host code,
no I/O, nesting and work are bounded, and every failure is a `PlxRuntimeError` (code EXPRESSION_ERROR).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, Final

from parallax_dsl.confidence import (
    UNDEFINED,
    Confident,
    add,
    and_,
    clamp01,
    div,
    gt,
    gte,
    is_truthy,
    lt,
    lte,
    mul,
    or_,
    prop,
    sub,
)
from parallax_dsl.confidence.js import to_number, to_string
from parallax_dsl.confidence.jsops import greater_than, less_than
from parallax_dsl.ir.model import Expr
from parallax_dsl.runtime import functions
from parallax_dsl.runtime.errors import EXPRESSION_ERROR, PlxRuntimeError
from parallax_dsl.runtime.values import confident, deep_equal, element, js_number_to_string

__all__ = ["DEFAULT_FUEL", "MAX_DEPTH", "Interpreter", "evaluate", "js_number_to_string"]

#: Deepest expression nesting evaluated; deeper trees are an EXPRESSION_ERROR (never a RecursionError).
MAX_DEPTH: Final = 200
#: Macro iterations and `range` items one interpreter may produce in total (bounds `range(n).map(x, range(n))`).
DEFAULT_FUEL: Final = 5_000_000
#: Longest string `+` or interpolation may build (a chain of `let b = a + a` would otherwise grow exponentially).
MAX_STRING: Final = 16 * 1024 * 1024

Values = Mapping[str, Confident]
Locals = dict[str, Confident] | None
Handler = Callable[[Expr, Values, Locals, int], Confident]

_ONE: Final = 1.0
_MISSING: Final = object()


def js_mod(a: Any, b: Any) -> int | float:
    """JavaScript `a % b`: the remainder takes the dividend's sign; x % 0 and ±Infinity % y are NaN."""
    x, y = to_number(a), to_number(b)
    if isinstance(x, int) and isinstance(y, int) and y != 0:
        r = abs(x) % abs(y)
        if r == 0 and x < 0:
            return -0.0
        return -r if x < 0 else r
    xf, yf = float(x), float(y)
    if math.isnan(xf) or math.isnan(yf) or math.isinf(xf) or yf == 0:
        return math.nan
    if math.isinf(yf):
        return x
    return math.fmod(xf, yf)


def js_negate(a: Any) -> int | float:
    """JavaScript unary minus."""
    n = to_number(a)
    if n == 0 and isinstance(n, int):
        return -0.0
    return -n


def _js_compare(a: Any, b: Any) -> int:
    if less_than(a, b):
        return -1
    if greater_than(a, b):
        return 1
    return 0


def _compare_first(p: tuple[Any, Any], q: tuple[Any, Any]) -> int:
    return _js_compare(p[0], q[0])


def _member(needle: Any, hay: Any) -> bool:
    if isinstance(hay, list | tuple):
        return any(deep_equal(needle, item) for item in hay)
    if isinstance(hay, dict):
        key = to_string(needle)
        return key in hay and hay[key] is not UNDEFINED
    if isinstance(hay, str):
        return to_string(needle) in hay
    return False


class Interpreter:
    """Evaluates expressions against step values (step id → Confident, plus "input") and local binders."""

    __slots__ = ("_binary", "_ops", "fuel")

    def __init__(self, fuel: int = DEFAULT_FUEL) -> None:
        self.fuel = fuel
        self._ops: dict[str, Handler] = {
            "lit": self._lit,
            "ref": self._ref,
            "field": self._field,
            "index": self._index,
            "list": self._list,
            "map": self._map,
            "concat": self._concat,
            "call": self._call,
            "macro": self._macro,
            "neg": self._neg,
            "not": self._not,
            "with_confidence": self._with_confidence,
            "if": self._if,
            "match": self._match,
            "??": self._coalesce,
            "and": self._and,
            "or": self._or,
        }
        self._binary: dict[str, Callable[[Confident, Confident], Confident]] = {
            "+": self._plus,
            "-": sub,
            "*": mul,
            "/": div,
            "<": lt,
            "<=": lte,
            ">": gt,
            ">=": gte,
            "%": lambda a, b: Confident(js_mod(a.value, b.value), min(a.confidence, b.confidence)),
            "==": lambda a, b: Confident(deep_equal(a.value, b.value), min(a.confidence, b.confidence)),
            "!=": lambda a, b: Confident(not deep_equal(a.value, b.value), min(a.confidence, b.confidence)),
            "in": lambda a, b: Confident(_member(a.value, b.value), min(a.confidence, b.confidence)),
            "not_in": lambda a, b: Confident(not _member(a.value, b.value), min(a.confidence, b.confidence)),
        }

    # -------------------------------------------------------------------------------------------- entry points

    def evaluate(self, e: Expr, values: Values, local: Locals = None) -> Confident:
        """Evaluate `e`; raises PlxRuntimeError (EXPRESSION_ERROR) when it cannot be evaluated."""
        try:
            return self._eval(e, values, local, 0)
        except RecursionError:
            raise PlxRuntimeError(EXPRESSION_ERROR, "expression or data nested too deeply") from None
        except (TypeError, ValueError, KeyError, ArithmeticError) as exc:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"cannot evaluate expression: {exc}") from None

    def _eval(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        if depth > MAX_DEPTH:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"expression nested more than {MAX_DEPTH} levels deep")
        handler = self._ops.get(e.op)
        if handler is not None:
            return handler(e, values, local, depth + 1)
        binary = self._binary.get(e.op)
        if binary is None:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"unknown expression operation `{e.op}`")
        args = e.args
        return binary(self._eval(args[0], values, local, depth + 1), self._eval(args[1], values, local, depth + 1))

    @staticmethod
    def _plus(a: Confident, b: Confident) -> Confident:
        result = add(a, b)
        if isinstance(result.value, str) and len(result.value) > MAX_STRING:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"a string longer than {MAX_STRING} characters was built")
        return result

    def _charge(self, amount: int) -> None:
        self.fuel -= amount
        if self.fuel < 0:
            raise PlxRuntimeError(EXPRESSION_ERROR, "expression evaluation budget exhausted (lists too large)")

    # -------------------------------------------------------------------------------------------- leaves

    def _lit(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        return confident(e.value, _ONE)

    def _ref(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        name = e.name or ""
        if local is not None:
            found = local.get(name)
            if found is not None:
                return found
        value = values.get(name)
        if value is None:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"`{name}` has no value")
        return value

    # -------------------------------------------------------------------------------------------- access

    def _field(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        target = e.args[0]
        if target.op == "ref":  # `step.field`, the most common shape: no dispatch
            name = target.name or ""
            found = local.get(name) if local is not None else None
            obj = found if found is not None else values.get(name)
            if obj is None:
                raise PlxRuntimeError(EXPRESSION_ERROR, f"`{name}` has no value")
        else:
            obj = self._eval(target, values, local, depth)
        container = obj.value
        if type(container) is dict:  # fast path of prop() for a key that is present
            item = container.get(e.name, _MISSING)
            if item is not _MISSING:
                if type(item) is dict and "value" in item:
                    return element(item, obj.confidence)
                return confident(item, obj.confidence)
        r = prop(obj, (e.name or "",))
        if r.value is UNDEFINED:
            return r
        return element(r.value, r.confidence)

    def _index(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        obj = self._eval(e.args[0], values, local, depth)
        idx = self._eval(e.args[1], values, local, depth)
        container = Confident(obj.value, min(obj.confidence, idx.confidence))
        r = prop(container, (to_string(idx.value),))
        if r.value is UNDEFINED:
            return r
        return element(r.value, r.confidence)

    # -------------------------------------------------------------------------------------------- constructors

    def _list(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        out: list[Any] = []
        c = _ONE
        evaluate = self._eval
        for arg in e.args:
            item = evaluate(arg, values, local, depth)
            out.append(item.value)
            if item.confidence < c:
                c = item.confidence
        return confident(out, c)

    def _map(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        out: dict[str, Any] = {}
        c = _ONE
        for key, arg in zip(e.keys or (), e.args, strict=True):
            item = self._eval(arg, values, local, depth)
            out[key] = item.value
            if item.confidence < c:
                c = item.confidence
        return confident(out, c)

    def _concat(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        parts: list[str] = []
        c = _ONE
        for arg in e.args:
            if arg.op == "lit" and isinstance(arg.value, str):
                parts.append(arg.value)
                continue
            item = self._eval(arg, values, local, depth)
            parts.append(to_string(item.value))
            if item.confidence < c:
                c = item.confidence
        text = "".join(parts)
        if len(text) > MAX_STRING:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"a string longer than {MAX_STRING} characters was built")
        return Confident(text, c)

    # -------------------------------------------------------------------------------------------- operators

    def _neg(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        x = self._eval(e.args[0], values, local, depth)
        return Confident(js_negate(x.value), x.confidence)

    def _not(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        x = self._eval(e.args[0], values, local, depth)
        return Confident(not is_truthy(x.value), x.confidence)

    def _and(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        return and_(self._eval(e.args[0], values, local, depth), self._eval(e.args[1], values, local, depth))

    def _or(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        return or_(self._eval(e.args[0], values, local, depth), self._eval(e.args[1], values, local, depth))

    def _coalesce(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        left = self._eval(e.args[0], values, local, depth)
        if left.value is None or left.value is UNDEFINED:
            return self._eval(e.args[1], values, local, depth)
        return left

    def _with_confidence(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        x = self._eval(e.args[0], values, local, depth)
        c = self._eval(e.args[1], values, local, depth)
        n = to_number(c.value)
        return Confident(x.value, clamp01(float(n)))

    def _if(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        cond = self._eval(e.args[0], values, local, depth)
        return self._eval(e.args[1] if is_truthy(cond.value) else e.args[2], values, local, depth)

    def _match(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        subject = None if e.subject is None else self._eval(e.subject, values, local, depth)
        for arm in e.arms or ():
            if arm.when is None:
                return self._eval(arm.then, values, local, depth)
            guard = self._eval(arm.when, values, local, depth)
            hit = is_truthy(guard.value) if subject is None else deep_equal(subject.value, guard.value)
            if hit:
                return self._eval(arm.then, values, local, depth)
        return Confident(UNDEFINED, 0.0)

    # -------------------------------------------------------------------------------------------- calls

    def _call(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        name = e.name or ""
        if name == "gate":
            return self._gate(e, values, local, depth)
        spec = functions.FUNCTIONS.get(name)
        if spec is None:
            raise PlxRuntimeError(EXPRESSION_ERROR, f"unknown function `{name}`")
        impl, params = spec
        args = [self._eval(a, values, local, depth) for a in e.args]
        if name == "coalesce":
            threshold = 0.5
            for key, arg in (e.kwargs or {}).items():
                if key != "threshold":
                    raise PlxRuntimeError(EXPRESSION_ERROR, f"`coalesce` has no argument `{key}`")
                threshold = float(to_number(self._eval(arg, values, local, depth).value))
            if not args:
                raise PlxRuntimeError(EXPRESSION_ERROR, "`coalesce` needs at least one value")
            return functions.f_coalesce(args, threshold)
        if e.kwargs:
            args = self._bind_kwargs(name, params, args, e.kwargs, values, local, depth)
        if not args and params and params[0] == "*":
            raise PlxRuntimeError(EXPRESSION_ERROR, f"`{name}` needs at least one argument")
        result = impl(args)
        if name in ("range", "flatten", "split") and isinstance(result.value, list):
            self._charge(len(result.value))
        return result

    def _bind_kwargs(
        self,
        name: str,
        params: tuple[str, ...],
        args: list[Confident],
        kwargs: dict[str, Expr],
        values: Values,
        local: Locals,
        depth: int,
    ) -> list[Confident]:
        slots: list[Confident | None] = [*args, *([None] * max(len(params) - len(args), 0))]
        for key, arg in kwargs.items():
            if key not in params or params[0] == "*":
                raise PlxRuntimeError(EXPRESSION_ERROR, f"`{name}` has no argument `{key}`")
            position = params.index(key)
            if slots[position] is not None:
                raise PlxRuntimeError(EXPRESSION_ERROR, f"`{name}` got `{key}` twice")
            slots[position] = self._eval(arg, values, local, depth)
        while slots and slots[-1] is None:
            slots.pop()
        if any(s is None for s in slots):
            missing = params[slots.index(None)]
            raise PlxRuntimeError(EXPRESSION_ERROR, f"`{name}` is missing argument `{missing}`")
        return [s for s in slots if s is not None]

    def _gate(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        """gate(x, threshold, then): `then`'s value with x's confidence when confidence(x) >= threshold, else
        missing with confidence 0. `then` is evaluated only when the gate passes."""
        args: dict[str, Expr] = dict(zip(("x", "threshold", "then"), e.args, strict=False))
        for key, arg in (e.kwargs or {}).items():
            if key not in ("x", "threshold", "then") or key in args:
                raise PlxRuntimeError(EXPRESSION_ERROR, f"`gate` has no argument `{key}` (or got it twice)")
            args[key] = arg
        if len(args) != 3:
            raise PlxRuntimeError(EXPRESSION_ERROR, "`gate` takes x, threshold and then")
        x = self._eval(args["x"], values, local, depth)
        threshold = float(to_number(self._eval(args["threshold"], values, local, depth).value))
        if x.confidence >= threshold:
            return Confident(self._eval(args["then"], values, local, depth).value, x.confidence)
        return Confident(UNDEFINED, 0.0)

    # -------------------------------------------------------------------------------------------- list macros

    def _macro(self, e: Expr, values: Values, local: Locals, depth: int) -> Confident:
        name = e.name or ""
        source = self._eval(e.args[0], values, local, depth)
        items = functions.items_of(source, name)
        self._charge(len(items))
        c = source.confidence
        body = e.args[1]
        var = e.var or ""
        inner: dict[str, Confident] = dict(local) if local else {}

        def run(item: Any) -> Confident:
            inner[var] = element(item, c)
            return self._eval(body, values, inner, depth)

        if name == "filter":
            return Confident([item for item in items if is_truthy(run(item).value)], c)
        if name == "map":
            results = [run(item) for item in items]
            return Confident([r.value for r in results], min((r.confidence for r in results), default=c))
        if name == "count":
            return Confident(sum(1 for item in items if is_truthy(run(item).value)), c)
        if name == "all":
            return Confident(all(is_truthy(run(item).value) for item in items), c)
        if name == "exists":
            return Confident(any(is_truthy(run(item).value) for item in items), c)
        if name in ("max_by", "min_by"):
            better = greater_than if name == "max_by" else less_than
            chosen: Any = UNDEFINED
            chosen_key: Any = None
            for index, item in enumerate(items):
                key = run(item).value
                if index == 0 or better(key, chosen_key):
                    chosen, chosen_key = item, key
            return Confident(UNDEFINED, c) if chosen is UNDEFINED and not items else element(chosen, c)
        if name == "sort_by":
            keyed: list[tuple[Any, Any]] = [(run(item).value, item) for item in items]
            keyed.sort(key=functools.cmp_to_key(_compare_first))
            return Confident([item for _, item in keyed], c)
        if name == "group_by":
            groups: dict[str, list[Any]] = {}
            for item in items:
                groups.setdefault(to_string(run(item).value), []).append(item)
            return Confident(groups, c)
        raise PlxRuntimeError(EXPRESSION_ERROR, f"unknown list macro `{name}`")


def evaluate(e: Expr, values: Values, local: Locals = None) -> Confident:
    """Evaluate one expression with a fresh interpreter (convenience for tests and tools)."""
    return Interpreter().evaluate(e, values, local)
