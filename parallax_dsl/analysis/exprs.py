"""Abstract evaluation of IR expressions: one interval rule per operator, built-in function and list macro.

Each rule over-approximates the runtime (parallax_dsl/runtime/interpreter.py and functions.py): for every concrete
value inside the abstract arguments, the concrete result lies inside the abstract result. Where a rule cannot do
better it answers "any data, confidence [0, 1]" (never an error: run-time errors end the run without a result).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from parallax_dsl.analysis.domain import (
    ANY_NUM,
    BOOL,
    EMPTY,
    EPS,
    INF,
    MISSING,
    ONE,
    OPAQUE,
    STR,
    UNIT,
    ZERO,
    Bound,
    Data,
    Val,
    boolean,
    certain,
    const,
    element,
    element_conf,
    fmt,
    join,
    join_all,
    list_of,
    map_of,
    num_of,
    to_confidence,
    to_number,
    truth,
)
from parallax_dsl.analysis.view import Expr, MatchArm

Lookup = Callable[[str], Val]
Locals = Mapping[str, Val]


# ------------------------------------------------------------------------------------------------ notes


@dataclass
class GateNote:
    """What every evaluation of one `gate(x, t, then)` saw."""

    expr: Expr
    step: str
    can_pass: bool = False
    can_fail: bool = False
    conf: Bound | None = None
    threshold: Bound | None = None


@dataclass
class ArmNote:
    """Whether an arm of a `match`/`if` (expression or statement) can be taken, and why not."""

    span: object
    step: str
    label: str
    taken: bool = False
    reason: str = ""


@dataclass
class SliceNote:
    """The lengths of the lists every evaluation of one `slice(xs, …)` was given."""

    expr: Expr
    step: str
    length: Bound


@dataclass
class Notes:
    """Facts for the diagnostics, gathered while evaluating (in the mode that includes failed agents)."""

    gates: dict[int, GateNote] = field(default_factory=dict)
    arms: dict[int, ArmNote] = field(default_factory=dict)
    slices: dict[int, SliceNote] = field(default_factory=dict)

    def arm(self, key: object, span: object, step: str, label: str, taken: bool, reason: str) -> None:
        note = self.arms.get(id(key))
        if note is None:
            note = self.arms[id(key)] = ArmNote(span, step, label)
        if taken:
            note.taken = True
        elif not note.reason:
            note.reason = reason


# ------------------------------------------------------------------------------------------------ helpers


def _min_conf(vals: Sequence[Val]) -> Bound:
    out: Bound | None = None
    for v in vals:
        out = v.conf if out is None else out.min_with(v.conf)
    return out if out is not None else ONE


def _num_pair(a: Data, b: Data) -> tuple[Bound, Bound] | None:
    if a.only("num") and b.only("num") and a.num is not None and b.num is not None:
        return a.num, b.num
    return None


def _safe(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def _products(a: Bound, b: Bound) -> list[float]:
    out = []
    for x in (a.lo, a.hi):
        for y in (b.lo, b.hi):
            p = x * y
            if math.isnan(p):  # 0 · inf: the real product tends to anything between
                return []
            out.append(p)
    return out


def arith(op: str, a: Data, b: Data, src: str) -> Data:
    """The data of `a op b` for + - * / %."""
    if op == "+" and (a.may("str", "list", "map", "record") or b.may("str", "list", "map", "record")):
        if a.only("str") or b.only("str"):
            return STR
        return Data(frozenset({"num", "str"}))
    pair = _num_pair(a, b)
    if pair is None:
        return ANY_NUM
    x, y = pair
    if op == "+":
        lo, hi = x.lo + y.lo, x.hi + y.hi
    elif op == "-":
        lo, hi = x.lo - y.hi, x.hi - y.lo
    elif op == "*":
        products = _products(x, y)
        if not products:
            return ANY_NUM
        lo, hi = min(products), max(products)
    elif op == "/":
        if y.lo <= 0 <= y.hi:
            return ANY_NUM
        quotients = [p / q for p in (x.lo, x.hi) for q in (y.lo, y.hi) if not (math.isinf(p) and math.isinf(q))]
        if len(quotients) < 4:
            return ANY_NUM
        lo, hi = min(quotients), max(quotients)
    else:  # %: the result has the dividend's sign and is smaller than the divisor in magnitude
        if y.lo <= 0 <= y.hi or math.isinf(x.lo) or math.isinf(x.hi):
            return ANY_NUM
        limit = max(abs(y.lo), abs(y.hi))
        lo = 0.0 if x.lo >= 0 else max(x.lo, -limit)
        hi = 0.0 if x.hi <= 0 else min(x.hi, limit)
    if math.isnan(lo) or math.isnan(hi):
        return ANY_NUM
    return num_of(Bound(lo, hi, src, src, x.fuzzy or y.fuzzy))


def _margin(x: Bound, y: Bound) -> float:
    return EPS if x.fuzzy or y.fuzzy else 0.0


def _lt(x: Bound, y: Bound) -> bool | None:
    """x < y when the ranges decide it (with a margin when a bound may carry float rounding)."""
    m = _margin(x, y)
    if x.hi < y.lo - m:
        return True
    if x.lo >= y.hi + m:
        return False
    return None


def _le(x: Bound, y: Bound) -> bool | None:
    """x <= y when the ranges decide it (with a margin when a bound may carry float rounding)."""
    m = _margin(x, y)
    if x.hi <= y.lo - m:
        return True
    if x.lo > y.hi + m:
        return False
    return None


def compare(op: str, a: Data, b: Data) -> bool | None:
    """The outcome of `a op b` for < <= > >= when both are numbers whose ranges decide it."""
    pair = _num_pair(a, b)
    if pair is None:
        if a.has_const and b.has_const and isinstance(a.const, str) and isinstance(b.const, str):
            p, q = a.const, b.const
            return {"<": p < q, "<=": p <= q, ">": p > q, ">=": p >= q}[op]
        return None
    x, y = pair
    if op == "<":
        return _lt(x, y)
    if op == "<=":
        return _le(x, y)
    if op == ">":
        return _lt(y, x)
    return _le(y, x)


def reach(conf: Bound, threshold: Bound) -> tuple[bool, bool]:
    """(can `c >= t` hold, can it fail) for c in conf and t in threshold; confidences are never below 0."""
    m = _margin(conf, threshold)
    can_pass = conf.hi >= threshold.lo - m
    can_fail = threshold.hi > 0 and conf.lo < threshold.hi + m
    return can_pass, can_fail


def equal(a: Data, b: Data) -> bool | None:
    """Whether deep_equal(a, b) holds, when the abstract values decide it."""
    if a.has_const and b.has_const and len(a.kinds) == 1 and a.kinds == b.kinds:
        x, y = a.const, b.const
        if isinstance(x, bool) or isinstance(y, bool):
            return x is y
        if isinstance(x, float) and math.isnan(x):
            return False
        return bool(x == y)
    families = [{"num"}, {"str"}, {"bool"}, {"null"}, {"missing"}, {"list"}, {"map", "record"}]

    def family(d: Data) -> set[int]:
        return {i for i, f in enumerate(families) if d.kinds & f}

    if a.kinds and b.kinds and not family(a) & family(b):
        return False
    pair = _num_pair(a, b)
    if pair is not None:
        x, y = pair
        m = _margin(x, y)
        if x.hi < y.lo - m or y.hi < x.lo - m:
            return False
    return None


def index_key(d: Data) -> str | None:
    """The property key `x[i]` reads when `i` is known."""
    if not d.has_const or len(d.kinds) != 1:
        return None
    value = d.const
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, int | float) and float(value).is_integer() and not math.isinf(value):
        return str(int(value))
    return None


def _is_index(key: str) -> bool:
    return key.isdigit() and (key == "0" or not key.startswith("0"))


def read(container: Val, key: str | None, penalty: Bound, src: str) -> Val:
    """One property hop (`x.key`, `x[key]`, a `prop` hop): a present entry carries the container's confidence (a
    record its own); a missing one is missing with the confidence × penalty. key None: any key."""
    d = container.data
    c = container.conf
    present: list[Data] = []
    missing = False
    for kind in d.kinds:
        if kind in ("map", "record"):
            fields = d.field_map()
            if fields is None:
                present.append(OPAQUE)
                missing = True
            elif key is None:
                present.extend(fields.values())
                missing = True
            elif key in fields:
                present.append(fields[key])
                if fields[key].may("missing"):
                    missing = True  # possibly an absent key (× penalty), not just a missing value
            else:
                missing = True
        elif kind == "list":
            if key == "length":
                present.append(num_of(d.size))
            elif key is None or _is_index(key):
                if d.elem is None or d.elem.kinds:
                    present.append(d.items)
                if key is None or d.size.lo <= int(key):
                    missing = True
            else:
                missing = True
        else:
            missing = True
    parts: list[Bound] = [element_conf(p, c) for p in present]
    data = join_all(present)
    if missing:
        data = join(data, MISSING)
        lo = max(0.0, c.lo * penalty.lo) if penalty.lo >= 0 else 0.0
        hi = c.hi * penalty.hi if c.hi > 0 else 0.0
        exact = penalty.is_point and penalty.lo in (0.0, 0.5, 1.0)  # the runtime multiplies by penalty ** hops
        lo_src = c.lo_src if penalty.lo == 1 else src
        parts.append(Bound(lo, min(1.0, max(0.0, hi)), lo_src, c.hi_src, c.fuzzy or not exact))
    conf = parts[0]
    for p in parts[1:]:
        conf = conf.hull(p)
    if not d.kinds:
        return Val(EMPTY, c)
    return Val(data, conf)


def _sum_range(item: Bound, count: Bound) -> Bound | None:
    """{Σ of n items, each in item, n in count}."""
    ends = []
    for n in (count.lo, count.hi):
        for x in (item.lo, item.hi):
            if n == 0 or (math.isinf(n) and x == 0):
                ends.append(0.0)
            else:
                ends.append(n * x)
    if any(math.isnan(e) for e in ends):
        return None
    if item.lo < 0 < item.hi or (count.lo < count.hi):
        ends.append(0.0 if count.lo == 0 else count.lo * item.lo)
    return Bound(min(ends), max(ends))


def describe_expr(e: Expr | None) -> str:
    """Short source-like text of a simple expression (names, fields, calls), for messages."""
    if e is None:
        return "?"
    if e.op == "ref":
        return _name(e.name)
    if e.op == "field" and e.args:
        return f"{describe_expr(e.args[0])}.{e.name}"
    if e.op == "lit":
        if isinstance(e.value, str):
            return f'"{e.value}"'
        return "null" if e.value is None else str(e.value).lower() if isinstance(e.value, bool) else str(e.value)
    if e.op == "call":
        return f"{e.name}({', '.join(describe_expr(a) for a in e.args)})"
    if e.op == "macro" and e.args:
        return f"{describe_expr(e.args[0])}.{e.name}({e.var}, …)"
    if e.op == "with_confidence" and len(e.args) == 2:
        return f"{describe_expr(e.args[0])} with confidence {describe_expr(e.args[1])}"
    if e.op in ("<", "<=", ">", ">=", "==", "!=", "+", "-", "*", "/", "and", "or") and len(e.args) == 2:
        return f"{describe_expr(e.args[0])} {e.op} {describe_expr(e.args[1])}"
    if e.op == "not" and e.args:
        return f"not {describe_expr(e.args[0])}"
    return "…"


def _name(src: str | None) -> str:
    return (src or "?").rsplit("/", 1)[-1]


def at_most(b: Bound) -> str:
    """ "at most 0.72 (set by step `vote`)"."""
    where = f" (set by step `{_name(b.hi_src)}`)" if b.hi_src else ""
    return f"at most {fmt(b.hi, 'up')}{where}"


def at_least(b: Bound) -> str:
    where = f" (set by step `{_name(b.lo_src)}`)" if b.lo_src else ""
    return f"at least {fmt(b.lo, 'down')}{where}"


def range_text(b: Bound) -> str:
    """ "at most 0.8 (set by …)", "at least …", "exactly 0.5" or "between 0.2 and 0.8 (…)"."""
    if b.is_point:
        where = f" (set by step `{_name(b.lo_src)}`)" if b.lo_src else ""
        return f"exactly {fmt(b.lo)}{where}"
    if math.isinf(b.lo) or b.lo == 0:
        return at_most(b)
    if math.isinf(b.hi) or b.hi == 1:
        return at_least(b)
    return f"{at_least(b)} and {at_most(b)}"


# ------------------------------------------------------------------------------------------------ the evaluator


@functools.lru_cache(maxsize=1024, typed=True)
def _scalar_const(value: str | bool) -> Data:
    """`const` of a string or boolean literal, shared (Data is immutable). Numbers are not cached: 0.0 and -0.0
    are equal keys."""
    return const(value)


_SINGLE_KEEP: Final = {"lower", "upper", "trim", "string"}


class Evaluator:
    """Evaluates expressions of one step against the abstract values of the steps it reads."""

    def __init__(self, lookup: Lookup, step: str, notes: Notes | None) -> None:
        self.lookup = lookup
        self.step = step
        self.notes = notes

    def eval(self, e: Expr, local: Locals | None = None) -> Val:
        method = _DISPATCH.get(e.op)
        if method is None:
            return Val(OPAQUE, UNIT)
        return method(self, e, local if local is not None else _NO_LOCALS)

    def why(self, cond: Expr, local: Locals | None = None) -> str:
        """What makes a decided condition decided: the ranges of the numbers a comparison compares."""
        if cond.op == "not" and cond.args:
            return self.why(cond.args[0], local)
        if cond.op in ("and", "or"):
            reasons = [r for r in (self.why(a, local) for a in cond.args) if r]
            return reasons[0] if reasons else ""
        if cond.op not in ("<", "<=", ">", ">=", "==", "!=") or len(cond.args) != 2:
            return ""
        parts = []
        for side in cond.args:
            d = self.eval(side, local).data
            if side.op != "lit" and d.only("num") and d.num is not None:
                parts.append(f"`{describe_expr(side)}` is {range_text(d.num)}")
        return "; ".join(parts)

    # -------------------------------------------------------------------------------------------- leaves

    def _op_lit(self, e: Expr, local: Locals) -> Val:
        value = e.value
        data = _scalar_const(value) if isinstance(value, str | bool) else const(value)
        return certain(data, self.step)

    def _op_ref(self, e: Expr, local: Locals) -> Val:
        name = e.name or ""
        if name in local:
            return local[name]
        return self.lookup(name)

    def _op_field(self, e: Expr, local: Locals) -> Val:
        return read(self.eval(e.args[0], local), e.name or "", Bound.point(0.5), self.step)

    def _op_index(self, e: Expr, local: Locals) -> Val:
        obj = self.eval(e.args[0], local)
        idx = self.eval(e.args[1], local)
        container = Val(obj.data, obj.conf.min_with(idx.conf))
        return read(container, index_key(idx.data), Bound.point(0.5), self.step)

    def _op_list(self, e: Expr, local: Locals) -> Val:
        items = [self.eval(a, local) for a in e.args]
        elem = join_all(i.data for i in items) if items else EMPTY
        return Val(list_of(elem, Bound.point(float(len(items)))), _min_conf(items))

    def _op_map(self, e: Expr, local: Locals) -> Val:
        entries = [(k, self.eval(a, local)) for k, a in zip(e.keys or (), e.args, strict=True)]
        return Val(map_of({k: v.data for k, v in entries}), _min_conf([v for _, v in entries]))

    def _op_concat(self, e: Expr, local: Locals) -> Val:
        parts = [self.eval(a, local) for a in e.args if not (a.op == "lit" and isinstance(a.value, str))]
        return Val(STR, _min_conf(parts))

    # -------------------------------------------------------------------------------------------- operators

    def _op_neg(self, e: Expr, local: Locals) -> Val:
        x = self.eval(e.args[0], local)
        n = x.data.num if x.data.only("num") else None
        data = ANY_NUM if n is None else num_of(Bound(-n.hi, -n.lo, n.hi_src, n.lo_src))
        return Val(data, x.conf)

    def _op_not(self, e: Expr, local: Locals) -> Val:
        x = self.eval(e.args[0], local)
        t = truth(x.data)
        return Val(boolean(None if t is None else not t), x.conf)

    def _op_and(self, e: Expr, local: Locals) -> Val:
        a, b = self.eval(e.args[0], local), self.eval(e.args[1], local)
        t = truth(a.data)
        data = b.data if t is True else a.data if t is False else join(_falsy(a.data), b.data)
        return Val(data, a.conf.min_with(b.conf))

    def _op_or(self, e: Expr, local: Locals) -> Val:
        a, b = self.eval(e.args[0], local), self.eval(e.args[1], local)
        t = truth(a.data)
        data = a.data if t is True else b.data if t is False else join(_truthy(a.data), b.data)
        return Val(data, a.conf.max_with(b.conf))

    def _op_coalesce_op(self, e: Expr, local: Locals) -> Val:
        left = self.eval(e.args[0], local)
        if not left.data.may("null", "missing"):
            return left
        right = self.eval(e.args[1], local)
        if left.data.only("null", "missing"):
            return right
        return Val(left.data.without("null", "missing"), left.conf).join(right)

    def _op_binary(self, e: Expr, local: Locals) -> Val:
        a, b = self.eval(e.args[0], local), self.eval(e.args[1], local)
        conf = a.conf.min_with(b.conf)
        op = e.op
        if op in ("+", "-", "*", "/", "%"):
            return Val(arith(op, a.data, b.data, self.step), conf)
        if op in ("<", "<=", ">", ">="):
            return Val(boolean(compare(op, a.data, b.data)), conf)
        if op in ("==", "!="):
            eq = equal(a.data, b.data)
            return Val(boolean(None if eq is None else eq == (op == "==")), conf)
        return Val(BOOL, conf)  # in, not_in

    def _op_with_confidence(self, e: Expr, local: Locals) -> Val:
        x = self.eval(e.args[0], local)
        c = self.eval(e.args[1], local)
        return Val(x.data, to_confidence(c.data, self.step))

    def _op_if(self, e: Expr, local: Locals) -> Val:
        cond = self.eval(e.args[0], local)
        t = truth(cond.data)
        if self.notes is not None:
            detail = self.why(e.args[0], local) if t is not None else ""
            never = "its condition is always " + ("false" if t is False else "true")
            reason = f"{never}: {detail}" if detail else never
            self.notes.arm(
                e.args[1], e.args[1].span or e.span, self.step, "the `then` branch of this `if`", t is not False, reason
            )
            self.notes.arm(
                e.args[2], e.args[2].span or e.span, self.step, "the `else` branch of this `if`", t is not True, reason
            )
        if t is True:
            return self.eval(e.args[1], local)
        if t is False:
            return self.eval(e.args[2], local)
        return self.eval(e.args[1], local).join(self.eval(e.args[2], local))

    def _op_match(self, e: Expr, local: Locals) -> Val:
        subject = None if e.subject is None else self.eval(e.subject, local)
        outcomes: list[Val] = []
        decided = False
        decided_by = ""
        for index, arm in enumerate(e.arms or ()):
            label = "the `else` arm of this `match`" if arm.when is None else f"arm {index + 1} of this `match`"
            if decided:
                self._note_arm(arm, label, False, f"{decided_by} before it always matches")
                continue
            if arm.when is None:
                self._note_arm(arm, label, True, "")
                outcomes.append(self.eval(arm.then, local))
                decided = True
                continue
            guard = self.eval(arm.when, local)
            hit = truth(guard.data) if subject is None else equal(subject.data, guard.data)
            if subject is None:
                detail = self.why(arm.when, local) if hit is False else ""
                why = f"its condition is always false: {detail}" if detail else "its condition is always false"
            else:
                why = "its value never equals the subject"
            self._note_arm(arm, label, hit is not False or subject is not None, why)  # value arms: not reported
            if hit is False:
                continue
            outcomes.append(self.eval(arm.then, local))
            if hit is True:
                decided = True
                decided_by = label
        if not decided:
            outcomes.append(Val(MISSING, ZERO.with_src(self.step)))
        out = outcomes[0]
        for o in outcomes[1:]:
            out = out.join(o)
        return out

    def _note_arm(self, arm: MatchArm, label: str, taken: bool, reason: str) -> None:
        if self.notes is not None:
            self.notes.arm(arm, arm.span, self.step, label, taken, reason)

    # -------------------------------------------------------------------------------------------- calls

    def _op_call(self, e: Expr, local: Locals) -> Val:
        name = e.name or ""
        if name == "gate":
            return self._gate(e, local)
        if name == "coalesce":
            return self._coalesce(e, local)
        args = [self.eval(a, local) for a in e.args]
        kwargs = {k: self.eval(v, local) for k, v in (e.kwargs or {}).items()}
        args = _bind(name, args, kwargs)
        rule = getattr(self, "_fn_" + name, None)
        if rule is None or (not args and name not in ("range",)):
            return Val(OPAQUE, UNIT)
        if name == "slice" and self.notes is not None:
            self._note_slice(e, args[0])
        result: Val = rule(args)
        return result

    def _note_slice(self, e: Expr, xs: Val) -> None:
        assert self.notes is not None
        _, count, _ = self._items(xs)
        note = self.notes.slices.get(id(e))
        if note is None:
            self.notes.slices[id(e)] = SliceNote(e, self.step, count)
        else:
            note.length = note.length.hull(count)

    def _gate(self, e: Expr, local: Locals) -> Val:
        named = dict(zip(("x", "threshold", "then"), e.args, strict=False))
        named.update(e.kwargs or {})
        if len(named) != 3:
            return Val(OPAQUE, UNIT)
        x = self.eval(named["x"], local)
        t = self.eval(named["threshold"], local)
        threshold = to_number(t.data)
        tb = threshold if threshold is not None else Bound(-INF, INF)
        can_pass, can_fail = reach(x.conf, tb) if threshold is not None else (True, True)
        if self.notes is not None:
            note = self.notes.gates.get(id(e))
            if note is None:
                note = self.notes.gates[id(e)] = GateNote(e, self.step)
            note.can_pass |= can_pass
            note.can_fail |= can_fail
            note.conf = x.conf if note.conf is None else note.conf.hull(x.conf)
            note.threshold = tb if note.threshold is None else note.threshold.hull(tb)
        outcomes: list[Val] = []
        if can_pass:
            then = self.eval(named["then"], local)
            passing = x.conf.meet(max(0.0, tb.lo), 1.0, self.step) if threshold is not None else x.conf
            outcomes.append(Val(then.data, passing if passing is not None else x.conf))
        if can_fail:
            outcomes.append(Val(MISSING, ZERO.with_src(self.step)))
        out = outcomes[0]
        for o in outcomes[1:]:
            out = out.join(o)
        return out

    def _coalesce(self, e: Expr, local: Locals) -> Val:
        args = [self.eval(a, local) for a in e.args]
        if not args:
            return Val(OPAQUE, UNIT)
        t_expr = (e.kwargs or {}).get("threshold")
        t = to_number(self.eval(t_expr, local).data) if t_expr is not None else Bound.point(0.5)
        tb = t if t is not None else Bound(-INF, INF)
        chosen: list[Val] = []
        for index, a in enumerate(args):
            last = index == len(args) - 1
            passes_maybe, fails_maybe = reach(a.conf, tb) if t is not None else (True, True)
            passes_always = not fails_maybe
            if last:
                chosen.append(a)  # chosen when it passes, and as the fallback when nothing does
                break
            if passes_maybe:
                refined = a.conf.meet(tb.lo, 1.0, self.step) if t is not None else a.conf
                chosen.append(Val(a.data, refined if refined is not None else a.conf))
            if passes_always:
                break
        out = chosen[0]
        for c in chosen[1:]:
            out = out.join(c)
        return out

    # -------------------------------------------------------------------------------------------- list macros

    def _op_macro(self, e: Expr, local: Locals) -> Val:
        source = self.eval(e.args[0], local)
        d = source.data
        c = source.conf
        name = e.name or ""
        lists = d.without("null", "missing")
        maybe_empty = d.may("null", "missing") or lists.size.lo == 0 or not lists.kinds
        elem = lists.items if "list" in lists.kinds else EMPTY
        if lists.kinds - {"list"}:
            elem = OPAQUE  # a non-list is a run-time error; stay sound anyway
        length = Bound(0.0 if maybe_empty else lists.size.lo, lists.size.hi) if "list" in lists.kinds else ZERO
        body: Val | None = None
        if elem.kinds:
            inner = dict(local)
            inner[e.var or ""] = element(elem, c)
            body = self.eval(e.args[1], inner)
        if name == "filter":
            return Val(list_of(elem, Bound(0.0, length.hi)), c)
        if name == "map":
            conf = c if body is None else (body.conf.hull(c) if maybe_empty else body.conf)
            return Val(list_of(body.data if body is not None else EMPTY, length), conf)
        if name == "count":
            return Val(num_of(Bound(0.0, length.hi, self.step, self.step)), c)
        if name in ("all", "exists"):
            t = None if body is None else truth(body.data)
            if body is None:
                value: bool | None = name == "all"
            elif name == "all":
                value = True if t is True else (False if t is False and not maybe_empty else None)
            else:
                value = False if t is False else (True if t is True and not maybe_empty else None)
            return Val(boolean(value), c)
        if name in ("max_by", "min_by"):
            out = element(elem, c) if elem.kinds else None
            if maybe_empty:
                empty = Val(MISSING, c)
                out = empty if out is None else out.join(empty)
            return out if out is not None else Val(MISSING, c)
        if name == "sort_by":
            return Val(list_of(elem, length), c)
        if name == "group_by":
            return Val(Data(frozenset({"map"})), c)
        return Val(OPAQUE, UNIT)

    # -------------------------------------------------------------------------------------------- functions

    def _items(self, v: Val) -> tuple[Data, Bound, bool]:
        """(item data, count, maybe empty) of a list argument (null and missing are empty lists)."""
        d = v.data
        lists = d.without("null", "missing")
        if lists.kinds - {"list"}:
            return OPAQUE, Bound(0.0, INF), True
        if not lists.kinds:
            return EMPTY, ZERO, True
        size = lists.size
        maybe_empty = d.may("null", "missing") or size.lo == 0
        return lists.items, Bound(0.0 if maybe_empty else size.lo, size.hi), maybe_empty

    def _value_elements(self, v: Val) -> tuple[Data, Bound | None, bool]:
        """(value data, confidence range, maybe empty) of the items as aggregation sees them: a record contributes
        its `value` and its confidence, anything else itself and the list's confidence."""
        items, _, maybe_empty = self._items(v)
        if not items.kinds:
            return EMPTY, None, True
        datas: list[Data] = []
        if "record" in items.kinds:
            fields = items.field_map()
            datas.append(fields.get("value", OPAQUE) if fields is not None else OPAQUE)
        if items.kinds - {"record"}:
            datas.append(items.without("record"))
        return join_all(datas), element_conf(items, v.conf), maybe_empty

    def _fn_len(self, a: list[Val]) -> Val:
        d = a[0].data
        parts: list[Bound] = []
        for kind in d.kinds:
            if kind == "list":
                parts.append(d.size)
            elif kind in ("null", "missing"):
                parts.append(ZERO)
            elif kind in ("map", "record") and d.fields is not None:
                parts.append(Bound(0.0, float(len(d.fields))))
            elif kind == "str" and d.has_const and isinstance(d.const, str):
                parts.append(Bound.point(float(len(d.const.encode("utf-16-le")) // 2)))
            else:
                parts.append(Bound(0.0, INF))
        b = parts[0] if parts else ZERO
        for p in parts[1:]:
            b = b.hull(p)
        return Val(num_of(Bound(b.lo, b.hi, self.step, self.step)), a[0].conf)

    def _fn_sum(self, a: list[Val]) -> Val:
        values, conf, maybe_empty = self._value_elements(a[0])
        if conf is None:
            return Val(num_of(ZERO), a[0].conf)
        if maybe_empty:
            conf = conf.hull(a[0].conf)
        _, count, _ = self._items(a[0])
        total = _sum_range(values.num, count) if values.only("num") and values.num is not None else None
        if total is not None:
            total = Bound(total.lo, total.hi, self.step, self.step, True)
        return Val(num_of(total), conf)

    def _extreme(self, a: list[Val], pick_min: bool) -> Val:
        if len(a) == 1 and a[0].data.only("list"):
            values, conf, maybe_empty = self._value_elements(a[0])
            if conf is None:
                return Val(num_of(Bound.point(INF if pick_min else -INF)), a[0].conf)
            if maybe_empty:
                conf = conf.hull(a[0].conf)
            b = values.num if values.only("num") else None
            if b is not None and maybe_empty:
                b = b.hull(Bound.point(INF if pick_min else -INF))
            return Val(num_of(b), conf)
        nums = [v.data.num if v.data.only("num") else None for v in a]
        conf = _min_conf(a)
        if any(n is None for n in nums) or a[0].data.may("list"):
            return Val(ANY_NUM, conf)
        out = nums[0]
        assert out is not None
        for n in nums[1:]:
            assert n is not None
            out = out.min_with(n) if pick_min else out.max_with(n)
        return Val(num_of(out), conf)

    def _fn_min(self, a: list[Val]) -> Val:
        return self._extreme(a, True)

    def _fn_max(self, a: list[Val]) -> Val:
        return self._extreme(a, False)

    def _one_num(self, a: list[Val], f: Callable[[Bound], Bound | None]) -> Val:
        n = a[0].data.num if a[0].data.only("num") else None
        out = f(n) if n is not None else None
        return Val(num_of(out), _min_conf(a))

    def _fn_abs(self, a: list[Val]) -> Val:
        def rule(n: Bound) -> Bound:
            if n.lo >= 0:
                return n
            if n.hi <= 0:
                return Bound(-n.hi, -n.lo, n.hi_src, n.lo_src)
            return Bound(0.0, max(-n.lo, n.hi), self.step, self.step)

        return self._one_num(a, rule)

    def _fn_floor(self, a: list[Val]) -> Val:
        return self._one_num(a, lambda n: Bound(math.floor(n.lo) if math.isfinite(n.lo) else n.lo, n.hi, self.step))

    def _fn_ceil(self, a: list[Val]) -> Val:
        return self._one_num(
            a, lambda n: Bound(n.lo, math.ceil(n.hi) if math.isfinite(n.hi) else n.hi, None, self.step)
        )

    def _fn_round(self, a: list[Val]) -> Val:
        return self._one_num(
            a,
            lambda n: Bound(
                math.floor(n.lo) if math.isfinite(n.lo) else n.lo,
                math.ceil(n.hi) if math.isfinite(n.hi) else n.hi,
                self.step,
                self.step,
            ),
        )

    def _fn_confidence(self, a: list[Val]) -> Val:
        return Val(num_of(a[0].conf), ONE.with_src(self.step))

    def _fn_value(self, a: list[Val]) -> Val:
        return Val(a[0].data, ONE.with_src(self.step))

    def _fn_chain(self, a: list[Val]) -> Val:
        return Val(a[-1].data, _min_conf(a))

    def _fn_best(self, a: list[Val]) -> Val:
        top_lo = max(v.conf.lo for v in a)
        candidates = [v for v in a if v.conf.hi >= top_lo]
        conf = a[0].conf
        for v in a[1:]:
            conf = conf.max_with(v.conf)
        data = join_all(v.data for v in candidates)
        return Val(data, conf)

    def _fn_prop(self, a: list[Val]) -> Val:
        if len(a) < 2:
            return Val(OPAQUE, UNIT)
        path = a[1].data
        penalty = Bound.point(0.5)
        if len(a) > 2:
            p = to_number(a[2].data)
            penalty = p if p is not None else Bound(0.0, INF)
        current = Val(a[0].data, a[0].conf.min_with(a[1].conf))
        if path.only("str") and path.has_const and isinstance(path.const, str):
            hops: list[str | None] = list(path.const.split("."))
        elif path.only("list") and path.length is not None and path.length.is_point:
            hops = [index_key(path.items) for _ in range(int(path.length.lo))]
        else:
            return Val(OPAQUE, UNIT)
        for hop in hops:
            current = read(current, hop, penalty, self.step)
        return current

    def _fn_band(self, a: list[Val]) -> Val:
        high = to_number(a[1].data) if len(a) > 1 else Bound.point(0.8)
        medium = to_number(a[2].data) if len(a) > 2 else Bound.point(0.5)
        if high is None or medium is None:
            return Val(STR, ONE)
        labels = possible_bands(a[0].conf, high, medium)
        data = Data(frozenset({"str"}), const=labels[0]) if len(labels) == 1 else STR
        return Val(data, ONE.with_src(self.step))

    def _mean_conf(self, v: Val) -> tuple[Bound, bool]:
        _, conf, maybe_empty = self._value_elements(v)
        if conf is None:
            return ZERO.with_src(self.step), True
        if maybe_empty:
            conf = conf.hull(ZERO.with_src(self.step))
        return conf, maybe_empty

    def _fn_average(self, a: list[Val]) -> Val:
        values, _, _ = self._value_elements(a[0])
        conf, maybe_empty = self._mean_conf(a[0])
        n = values.num if values.only("num") else None
        if n is not None and maybe_empty:
            n = n.hull(ZERO)
        return Val(num_of(None if n is None else n.rounded()), conf.rounded())

    def _fn_weighted_average(self, a: list[Val]) -> Val:
        values, _, _ = self._value_elements(a[0])
        conf, _ = self._mean_conf(a[0])
        n = values.num if values.only("num") else None
        if n is not None:
            n = n.hull(ZERO).rounded()  # an empty list or zero total weight gives 0
        return Val(num_of(n), conf.rounded())

    def _fn_average_confidence(self, a: list[Val]) -> Val:
        items, _, maybe_empty = self._items(a[0])
        if not items.kinds:
            return Val(num_of(ZERO.with_src(self.step)), ONE.with_src(self.step))
        conf = element_conf(items, a[0].conf)
        if maybe_empty:
            conf = conf.hull(ZERO.with_src(self.step))
        return Val(num_of(conf.rounded()), ONE.with_src(self.step))

    def _fn_synthesize(self, a: list[Val]) -> Val:
        items, _, _ = self._items(a[0])
        if not items.kinds:
            return Val(OPAQUE, UNIT)  # an empty list is a run-time error
        return element(items, a[0].conf)

    def _vote_conf(self, v: Val) -> tuple[Bound, bool]:
        """agreement × the winning group's mean confidence: at most the highest item confidence, at least the
        lowest one divided by the largest possible number of items."""
        _, conf, maybe_empty = self._value_elements(v)
        _, count, _ = self._items(v)
        if conf is None:
            return ZERO.with_src(self.step), True
        lo = conf.lo / count.hi if count.hi >= 1 and math.isfinite(count.hi) else 0.0
        out = Bound(lo, conf.hi, self.step, conf.hi_src, True)
        if maybe_empty:
            out = out.hull(ZERO.with_src(self.step))
        return out, maybe_empty

    def _fn_majority_vote(self, a: list[Val]) -> Val:
        values, _, _ = self._value_elements(a[0])
        conf, maybe_empty = self._vote_conf(a[0])
        data = join(values, MISSING) if maybe_empty else values
        return Val(data if data.kinds else MISSING, conf)

    def _fn_consensus(self, a: list[Val]) -> Val:
        values, item_conf, maybe_empty = self._value_elements(a[0])
        conf, _ = self._vote_conf(a[0])
        average = item_conf if item_conf is not None else ZERO
        if maybe_empty:
            average = average.hull(ZERO)
        fields = {
            "status": STR,
            "winner": join(values, MISSING),
            "agreement": num_of(Bound(0.0, 1.0)),
            "averageConfidence": num_of(average.rounded()),
            "reached": BOOL,
        }
        return Val(map_of(fields), conf)

    def _fn_keys(self, a: list[Val]) -> Val:
        d = a[0].data
        n = Bound(0.0, float(len(d.fields))) if d.fields is not None and d.only("map", "record") else None
        return Val(list_of(STR, n), a[0].conf)

    def _fn_values(self, a: list[Val]) -> Val:
        d = a[0].data
        if d.fields is not None and d.only("map", "record"):
            elem = join_all(f.without("missing") for _, f in d.fields)
            return Val(list_of(elem, Bound(0.0, float(len(d.fields)))), a[0].conf)
        return Val(list_of(None), a[0].conf)

    def _fn_has(self, a: list[Val]) -> Val:
        d, key = a[0].data, a[1].data
        value: bool | None = None
        if not d.may("map", "record"):
            value = False
        elif d.only("map", "record") and d.fields is not None and key.has_const and isinstance(key.const, str):
            f = d.field_map() or {}
            if key.const not in f:
                value = False
            elif not f[key.const].may("missing"):
                value = True
        return Val(boolean(value), _min_conf(a))

    def _fn_contains(self, a: list[Val]) -> Val:
        return Val(BOOL, _min_conf(a))

    def _str_keep(self, a: list[Val]) -> Val:
        return Val(STR, a[0].conf)

    _fn_lower = _fn_upper = _fn_trim = _fn_string = _str_keep

    def _fn_split(self, a: list[Val]) -> Val:
        return Val(list_of(STR, Bound(0.0, INF)), _min_conf(a))

    def _fn_join(self, a: list[Val]) -> Val:
        return Val(STR, _min_conf(a))

    def _fn_number(self, a: list[Val]) -> Val:
        n = to_number(a[0].data)
        return Val(num_of(n), a[0].conf)

    def _ends(self, a: list[Val]) -> Val:
        items, _, maybe_empty = self._items(a[0])
        out = element(items, a[0].conf) if items.kinds else None
        if maybe_empty:
            missing = Val(MISSING, a[0].conf)
            out = missing if out is None else out.join(missing)
        return out if out is not None else Val(MISSING, a[0].conf)

    _fn_first = _fn_last = _ends

    def _fn_unique(self, a: list[Val]) -> Val:
        items, count, maybe_empty = self._items(a[0])
        return Val(list_of(items, Bound(0.0 if maybe_empty else 1.0, count.hi)), a[0].conf)

    def _fn_flatten(self, a: list[Val]) -> Val:
        items, count, _ = self._items(a[0])
        parts: list[Data] = []
        if "list" in items.kinds:
            parts.append(items.items)
        if items.kinds - {"list"}:
            parts.append(items.without("list"))
        inner_max = items.size.hi if "list" in items.kinds else 1.0
        longest = max(inner_max, 1.0)
        hi = count.hi * longest if count.hi > 0 else 0.0
        return Val(list_of(join_all(parts), Bound(0.0, hi)), a[0].conf)

    def _fn_range(self, a: list[Val]) -> Val:
        """range(n) / range(a, b): ⌊b⌋-ish − ⌊a⌋-ish items (arguments are truncated), at most 1 000 000."""
        conf = _min_conf(a)
        limit = 1_000_000.0
        found = [to_number(v.data) for v in a]
        bounds = [b for b in found if b is not None]
        if not a or len(bounds) != len(found):
            return Val(list_of(ANY_NUM, Bound(0.0, limit)), conf)
        start, stop = (Bound.point(0.0), bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
        low = stop.lo - start.hi - 2
        high = stop.hi - start.lo + 2
        lo_len = max(0.0, low) if math.isfinite(low) else 0.0
        hi_len = min(limit, max(0.0, high)) if not math.isnan(high) else limit
        return Val(list_of(num_of(Bound(start.lo - 1, stop.hi)), Bound(math.floor(lo_len), math.ceil(hi_len))), conf)

    def _fn_slice(self, a: list[Val]) -> Val:
        conf = _min_conf(a)
        d = a[0].data
        if d.only("str"):
            return Val(STR, conf)
        items, count, _ = self._items(a[0])
        start = a[1].data if len(a) > 1 else None
        end = a[2].data if len(a) > 2 else None
        s = start.const if start is not None and start.has_const and isinstance(start.const, int | float) else None
        x = end.const if end is not None and end.has_const and isinstance(end.const, int | float) else None
        hi = count.hi
        lo = 0.0
        if s is not None and s >= 0 and (end is None or (x is not None and x >= 0)):
            if x is not None:
                hi = min(hi, max(0.0, math.trunc(x) - math.trunc(s)))
                lo = max(0.0, min(math.trunc(x), count.lo) - math.trunc(s))
            else:
                lo = max(0.0, count.lo - math.trunc(s))
        elif x is not None and x >= 0:
            hi = min(hi, float(math.trunc(x)))
        result = list_of(items if items.kinds else EMPTY, Bound(min(lo, hi), hi, self.step, self.step))
        if d.may("str"):
            result = join(result, STR)
        return Val(result, conf)

    def _fn_is_valid(self, a: list[Val]) -> Val:
        d = a[0].data
        value: bool | None = None
        if d.only("null", "missing"):
            value = False
        elif d.only("num", "str", "bool", "list"):
            value = True
        return Val(boolean(value), ONE.with_src(self.step))

    def _fn_type_of(self, a: list[Val]) -> Val:
        names = {"num": "number", "str": "string", "bool": "boolean", "null": "null", "list": "list"}
        found = {names.get(k, "map" if k in ("map", "record") else "missing") for k in a[0].data.kinds}
        data = Data(frozenset({"str"}), const=found.pop()) if len(found) == 1 else STR
        return Val(data, a[0].conf)

    def _fn_identical(self, a: list[Val]) -> Val:
        """JavaScript `===`: scalars by value; lists and maps only when they are the same object."""
        x, y = a[0].data, a[1].data
        same = equal(x, y) if x.only("num", "str", "bool", "null") and y.only("num", "str", "bool", "null") else None
        if same is None and equal(x, y) is False:
            same = False
        return Val(boolean(same), _min_conf(a))

    def _fn_merge(self, a: list[Val]) -> Val:
        """`{...a, ...b}`: known fields when every argument is a map with known fields (or nothing)."""
        fields: dict[str, Data] = {}
        for v in a:
            d = v.data
            if d.kinds - {"map", "record", "null", "missing"} or (d.may("map", "record") and d.fields is None):
                return Val(Data(frozenset({"map", "record"})), _min_conf(a))
            optional = d.may("null", "missing")
            for key, item in d.fields or ():
                present = item.without("missing")
                if not present.kinds:
                    continue
                if optional or item.may("missing"):
                    present = join(present, fields.get(key, MISSING))
                fields[key] = present
        return Val(map_of(fields), _min_conf(a))

    def _fn_agent_result(self, a: list[Val]) -> Val:
        """The upstream's result shape of an agent record (null and missing pass through)."""
        d = a[0].data
        out: list[Data] = [d.without("list", "map", "record", "num", "str", "bool")] if d.may("null", "missing") else []
        if d.may("record"):
            fields = d.field_map() or {}
            shaped = {
                "agentId": OPAQUE,
                "agentName": OPAQUE,
                "capabilities": list_of(None),
                "expertise": OPAQUE,
                "result": fields.get("value", OPAQUE),
                "confidence": num_of(d.record_conf),
                "reasoning": join(fields.get("reasoning", OPAQUE), MISSING),
                "error": OPAQUE,
                "timestamp": OPAQUE,
            }
            out.append(map_of(shaped))
        data = join_all(out)
        return Val(data if data.kinds else OPAQUE, a[0].conf)

    def _fn_to_json(self, a: list[Val]) -> Val:
        data = join(STR, MISSING) if a[0].data.may("missing") else STR
        return Val(data, a[0].conf)


_OP_NAMES: Final = {
    "??": "coalesce_op",
    **{op: "binary" for op in ("+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not_in")},
}

# Positional parameter names of the built-ins that accept keyword arguments (runtime/functions.py).
_PARAMS: Final[dict[str, tuple[str, ...]]] = {
    "len": ("x",),
    "sum": ("xs",),
    "abs": ("x",),
    "round": ("x", "digits"),
    "floor": ("x",),
    "ceil": ("x",),
    "confidence": ("x",),
    "value": ("x",),
    "prop": ("x", "path", "penalty"),
    "band": ("x", "high", "medium"),
    "average": ("xs",),
    "weighted_average": ("xs",),
    "average_confidence": ("xs",),
    "synthesize": ("xs",),
    "majority_vote": ("xs",),
    "consensus": ("xs", "confidence_threshold", "agreement_threshold"),
    "keys": ("m",),
    "values": ("m",),
    "has": ("m", "field"),
    "contains": ("haystack", "needle"),
    "lower": ("s",),
    "upper": ("s",),
    "trim": ("s",),
    "split": ("s", "sep"),
    "join": ("xs", "sep"),
    "string": ("x",),
    "number": ("x",),
    "first": ("xs",),
    "last": ("xs",),
    "unique": ("xs",),
    "flatten": ("xs",),
    "range": ("a", "b"),
    "slice": ("xs", "start", "end"),
    "is_valid": ("r",),
    "to_json": ("x",),
    "type_of": ("x",),
    "identical": ("a", "b"),
    "agent_result": ("r",),
}


_NO_LOCALS: Final[Mapping[str, Val]] = {}
_DISPATCH: Final[dict[str, Callable[[Evaluator, Expr, Locals], Val]]] = {
    op: getattr(Evaluator, "_op_" + _OP_NAMES.get(op, op))
    for op in (
        "lit",
        "ref",
        "field",
        "index",
        "list",
        "map",
        "concat",
        "neg",
        "not",
        "and",
        "or",
        "??",
        "with_confidence",
        "if",
        "match",
        "call",
        "macro",
        "+",
        "-",
        "*",
        "/",
        "%",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "in",
        "not_in",
    )
}


def _bind(name: str, args: list[Val], kwargs: dict[str, Val]) -> list[Val]:
    """Keyword arguments put in their positions (a binding the runtime rejects is an error there: any value)."""
    if not kwargs:
        return args
    params = _PARAMS.get(name)
    if params is None:
        return []
    slots: list[Val | None] = [*args, *([None] * max(len(params) - len(args), 0))]
    for key, value in kwargs.items():
        if key not in params or slots[params.index(key)] is not None:
            return []
        slots[params.index(key)] = value
    while slots and slots[-1] is None:
        slots.pop()
    if any(s is None for s in slots):
        return []
    return [s for s in slots if s is not None]


def _falsy(d: Data) -> Data:
    """The part of `d` that can be falsy (what `a and b` returns when `a` is falsy)."""
    return d.without("list", "map", "record") if d.kinds - {"list", "map", "record"} else d


def _truthy(d: Data) -> Data:
    return d.without("null", "missing") if d.kinds - {"null", "missing"} else d


def possible_bands(conf: Bound, high: Bound, medium: Bound) -> list[str]:
    """The `uncertain` bands a confidence in `conf` can fall in: high if c >= H, medium if c >= M, else low."""
    reach_high, below_high = reach(conf, high)
    reach_medium, below_medium = reach(conf, medium)
    out = []
    if reach_high:
        out.append("high")
    if reach_medium and below_high and medium.lo < high.hi:
        out.append("medium")
    if below_medium:
        out.append("low")
    return out


__all__ = [
    "ArmNote",
    "Evaluator",
    "GateNote",
    "Notes",
    "SliceNote",
    "arith",
    "at_least",
    "at_most",
    "compare",
    "describe_expr",
    "equal",
    "possible_bands",
    "range_text",
    "reach",
    "read",
]
