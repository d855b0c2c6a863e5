"""The abstract domain: bounded intervals with provenance, abstract plain data, and abstract confident values.

A run-time value is `Confident(value, confidence)` holding plain data. Its abstraction is `Val(data, conf)`:

* `conf` — a `Bound` [lo, hi] ⊆ [0, 1] containing every confidence the value can carry;
* `data` — a `Data`: which kinds of plain data the value can be (number, string, boolean, null, missing, list,
  map, record), the range of a number, a known constant, the fields of a map, the items and length of a list.

A *record* is a map with `value` and a numeric `confidence` (an agent or `use` result): read out of a list or a
map it carries its own confidence (`rconf`), not its container's — the runtime's `element()` rule.

Single operations are computed with the runtime's own floating-point operations, so their bounds are exact (correct
rounding is monotone). Aggregates (sums, means, votes) round differently from the runtime by a few ulps: their
intervals are marked `fuzzy`, and decisions on fuzzy bounds keep a margin of EPS.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

#: Margin for decisions on computed bounds (floating-point rounding of the runtime is ~1e-16 relative).
EPS: Final = 1e-9
INF: Final = math.inf

KINDS: Final = frozenset({"num", "str", "bool", "null", "missing", "list", "map", "record"})
DICT_KINDS: Final = frozenset({"map", "record"})


# Not `frozen`: constructing a frozen dataclass costs one object.__setattr__ call per field, and these are built
# by the hundred per analysed pattern. Treat instances as immutable (nothing assigns to them); hashable as before.
@dataclass(slots=True, unsafe_hash=True)
class Bound:
    """A closed interval [lo, hi] (±inf allowed) with the step that set each end (None: not attributed)."""

    lo: float
    hi: float
    lo_src: str | None = None
    hi_src: str | None = None
    fuzzy: bool = False  # may be off from the runtime's value by float rounding (aggregates)

    @staticmethod
    def point(x: float, src: str | None = None) -> Bound:
        return Bound(x, x, src, src)

    @property
    def margin(self) -> float:
        return EPS if self.fuzzy else 0.0

    def hull(self, other: Bound) -> Bound:
        lo, lo_src = (self.lo, self.lo_src) if self.lo <= other.lo else (other.lo, other.lo_src)
        hi, hi_src = (self.hi, self.hi_src) if self.hi >= other.hi else (other.hi, other.hi_src)
        return Bound(lo, hi, lo_src, hi_src, self.fuzzy or other.fuzzy)

    def meet(self, lo: float, hi: float, src: str | None) -> Bound | None:
        """The part of this interval inside [lo, hi] (None when empty); a bound that moves is set by `src`."""
        new_lo, lo_src = (lo, src) if lo > self.lo else (self.lo, self.lo_src)
        new_hi, hi_src = (hi, src) if hi < self.hi else (self.hi, self.hi_src)
        if new_lo > new_hi:
            return None
        return Bound(new_lo, new_hi, lo_src, hi_src, self.fuzzy)

    def min_with(self, other: Bound) -> Bound:
        """{min(a, b) : a ∈ self, b ∈ other}."""
        lo, lo_src = (self.lo, self.lo_src) if self.lo <= other.lo else (other.lo, other.lo_src)
        hi, hi_src = (self.hi, self.hi_src) if self.hi <= other.hi else (other.hi, other.hi_src)
        return Bound(lo, hi, lo_src, hi_src, self.fuzzy or other.fuzzy)

    def max_with(self, other: Bound) -> Bound:
        """{max(a, b) : a ∈ self, b ∈ other}."""
        lo, lo_src = (self.lo, self.lo_src) if self.lo >= other.lo else (other.lo, other.lo_src)
        hi, hi_src = (self.hi, self.hi_src) if self.hi >= other.hi else (other.hi, other.hi_src)
        return Bound(lo, hi, lo_src, hi_src, self.fuzzy or other.fuzzy)

    def clamp01(self) -> Bound:
        lo = min(1.0, max(0.0, self.lo))
        hi = min(1.0, max(0.0, self.hi))
        return Bound(lo, hi, self.lo_src, self.hi_src, self.fuzzy)

    def with_src(self, src: str | None) -> Bound:
        return Bound(self.lo, self.hi, src, src, self.fuzzy)

    def rounded(self) -> Bound:
        """The same interval, marked as computed differently from the runtime (float rounding)."""
        return Bound(self.lo, self.hi, self.lo_src, self.hi_src, True)

    def contains(self, x: float, tolerance: float = 0.0) -> bool:
        return self.lo - tolerance <= x <= self.hi + tolerance

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    def __str__(self) -> str:
        return f"[{fmt(self.lo, 'down')}, {fmt(self.hi, 'up')}]"


def hull_all(bounds: Iterable[Bound]) -> Bound | None:
    out: Bound | None = None
    for b in bounds:
        out = b if out is None else out.hull(b)
    return out


def fmt(x: float, direction: str = "nearest", digits: int = 4) -> str:
    """A bound for people: at most `digits` decimals, rounded outward (`down` for lower bounds, `up` for upper)."""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr_number(round_bound(x, direction, digits))


def round_bound(x: float, direction: str = "nearest", digits: int = 4) -> float:
    """`x` rounded to `digits` decimals; `down`/`up` round toward -inf/+inf so a rounded interval still contains
    the exact one. Uses the shortest decimal form of `x` (so 0.7 stays 0.7)."""
    from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

    if math.isinf(x) or math.isnan(x):
        return x
    text = repr(float(x))
    if "e" not in text and len(text) - text.index(".") - 1 <= digits:
        return x + 0.0  # already at most `digits` decimals (0.7, 0.95, 1.0): the decimal rounding keeps it
    mode = {"down": ROUND_FLOOR, "up": ROUND_CEILING}.get(direction, ROUND_HALF_EVEN)
    q = Decimal(text).quantize(Decimal(1).scaleb(-digits), rounding=mode)
    value = float(q)
    if direction == "down" and value > x:  # the decimal string of x is rounded; never end above x
        value = math.nextafter(value, -INF)
    if direction == "up" and value < x:
        value = math.nextafter(value, INF)
    return value + 0.0


def repr_number(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


UNIT: Final = Bound(0.0, 1.0)
ONE: Final = Bound(1.0, 1.0)
ZERO: Final = Bound(0.0, 0.0)


# ------------------------------------------------------------------------------------------------ data


_NO_CONST: Final = object()


# Not `frozen`: constructing a frozen dataclass costs one object.__setattr__ call per field, and these are built
# by the hundred per analysed pattern. Treat instances as immutable (nothing assigns to them); hashable as before.
@dataclass(slots=True, unsafe_hash=True)
class Data:
    """Abstract plain data (no carried confidence).

    kinds: the kinds it can be. num: the range of a number (None = any number, NaN included). const: a known
    exact value when `kinds` is one scalar kind (`_NO_CONST` when unknown). rconf: for records, the range of their
    `confidence` field (None = [0, 1]). fields: for maps and records, the known fields (None = unknown fields).
    elem: for lists, the items (None = anything). length: for lists, the number of items (None = [0, inf]).
    """

    kinds: frozenset[str]
    num: Bound | None = None
    const: Any = _NO_CONST
    rconf: Bound | None = None
    fields: tuple[tuple[str, Data], ...] | None = None
    elem: Data | None = None
    length: Bound | None = None

    @property
    def has_const(self) -> bool:
        return self.const is not _NO_CONST

    def field_map(self) -> dict[str, Data] | None:
        return None if self.fields is None else dict(self.fields)

    def only(self, *kinds: str) -> bool:
        return bool(self.kinds) and self.kinds <= frozenset(kinds)

    def may(self, *kinds: str) -> bool:
        return bool(self.kinds & frozenset(kinds))

    @property
    def record_conf(self) -> Bound:
        return self.rconf if self.rconf is not None else UNIT

    @property
    def items(self) -> Data:
        return self.elem if self.elem is not None else OPAQUE

    @property
    def size(self) -> Bound:
        return self.length if self.length is not None else Bound(0.0, INF)

    def without(self, *kinds: str) -> Data:
        remaining = self.kinds - frozenset(kinds)
        if remaining == self.kinds:
            return self
        return Data(remaining, self.num, self.const, self.rconf, self.fields, self.elem, self.length)


def num(lo: float = -INF, hi: float = INF, src: str | None = None) -> Data:
    if lo == hi and not math.isinf(lo):
        return Data(frozenset({"num"}), Bound(lo, hi, src, src), const=lo)
    return Data(frozenset({"num"}), Bound(lo, hi, src, src))


def num_of(b: Bound | None) -> Data:
    if b is None:
        return ANY_NUM
    if b.lo == b.hi and not math.isinf(b.lo):
        return Data(frozenset({"num"}), b, const=b.lo)
    return Data(frozenset({"num"}), b)


ANY_NUM: Final = Data(frozenset({"num"}))
STR: Final = Data(frozenset({"str"}))
BOOL: Final = Data(frozenset({"bool"}))
NULL: Final = Data(frozenset({"null"}), const=None)
MISSING: Final = Data(frozenset({"missing"}))
OPAQUE: Final = Data(KINDS)
EMPTY: Final = Data(frozenset())


def const(value: Any) -> Data:
    """The data of a literal."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return Data(frozenset({"bool"}), const=value)
    if isinstance(value, int | float):
        x = float(value)
        if math.isnan(x):
            return ANY_NUM
        return Data(frozenset({"num"}), Bound(x, x), const=value)
    if isinstance(value, str):
        return Data(frozenset({"str"}), const=value)
    if isinstance(value, list):
        items = [const(v) for v in value]
        return list_of(join_all(items) if items else EMPTY, Bound.point(float(len(items))))
    if isinstance(value, dict):
        return map_of({str(k): const(v) for k, v in value.items()})
    return OPAQUE


def boolean(value: bool | None) -> Data:
    return BOOL if value is None else Data(frozenset({"bool"}), const=value)


def list_of(elem: Data | None, length: Bound | None = None) -> Data:
    return Data(frozenset({"list"}), elem=elem, length=length)


def map_of(fields: Mapping[str, Data]) -> Data:
    """A map with known fields; it is a record when it has `value` and a numeric `confidence`."""
    kinds: set[str] = {"map"}
    rconf: Bound | None = None
    conf = fields.get("confidence")
    if "value" in fields and conf is not None and conf.may("num"):
        if conf.kinds - {"num"}:
            kinds.add("record")
        else:
            kinds = {"record"}
        rconf = conf.num.clamp01() if conf.num is not None else UNIT
    return Data(frozenset(kinds), rconf=rconf, fields=tuple(fields.items()))


def record(fields: Mapping[str, Data], conf: Bound) -> Data:
    """A result record whose `confidence` field lies in `conf`."""
    return Data(frozenset({"record"}), rconf=conf, fields=tuple(fields.items()))


def _join_bound(a: Bound | None, b: Bound | None) -> Bound | None:
    if a is None or b is None:
        return None
    return a.hull(b)


def join(a: Data, b: Data) -> Data:
    """The least abstract data containing both."""
    if not a.kinds:
        return b
    if not b.kinds:
        return a
    if a is b:
        return a
    kinds = a.kinds | b.kinds
    number: Bound | None = None
    if "num" in kinds:
        if "num" in a.kinds and "num" in b.kinds:
            number = _join_bound(a.num, b.num)
        else:
            number = a.num if "num" in a.kinds else b.num
    constant = a.const if (a.has_const and b.has_const and a.const == b.const and len(kinds) == 1) else _NO_CONST
    if constant is not _NO_CONST and type(a.const) is not type(b.const):
        constant = _NO_CONST
    rconf: Bound | None = None
    if "record" in kinds:
        if "record" in a.kinds and "record" in b.kinds:
            rconf = _join_bound(a.rconf, b.rconf)
        else:
            rconf = a.rconf if "record" in a.kinds else b.rconf
    fields: tuple[tuple[str, Data], ...] | None = None
    a_dict, b_dict = a.may(*DICT_KINDS), b.may(*DICT_KINDS)
    if a_dict and b_dict:
        if a.fields is not None and b.fields is not None:
            fa, fb = dict(a.fields), dict(b.fields)
            merged: dict[str, Data] = {}
            for key in [*fa, *(k for k in fb if k not in fa)]:
                merged[key] = join(fa.get(key, MISSING), fb.get(key, MISSING))
            fields = tuple(merged.items())
    elif a_dict:
        fields = a.fields
    elif b_dict:
        fields = b.fields
    elem: Data | None = None
    length: Bound | None = None
    if "list" in kinds:
        if "list" in a.kinds and "list" in b.kinds:
            elem = None if a.elem is None or b.elem is None else join(a.elem, b.elem)
            length = _join_bound(a.length, b.length)
        else:
            source = a if "list" in a.kinds else b
            elem, length = source.elem, source.length
    return Data(kinds, number, constant, rconf, fields, elem, length)


def join_all(items: Iterable[Data]) -> Data:
    out = EMPTY
    for item in items:
        out = join(out, item)
    return out


# ------------------------------------------------------------------------------------------------ values


# Not `frozen`: constructing a frozen dataclass costs one object.__setattr__ call per field, and these are built
# by the hundred per analysed pattern. Treat instances as immutable (nothing assigns to them); hashable as before.
@dataclass(slots=True, unsafe_hash=True)
class Val:
    """An abstract confident value."""

    data: Data
    conf: Bound

    def join(self, other: Val) -> Val:
        return Val(join(self.data, other.data), self.conf.hull(other.conf))


def join_vals(vals: Iterable[Val]) -> Val | None:
    out: Val | None = None
    for v in vals:
        out = v if out is None else out.join(v)
    return out


def certain(data: Data, src: str | None = None) -> Val:
    """A value with confidence 1.0 (literals, inputs)."""
    return Val(data, Bound(1.0, 1.0, src, src))


def element_conf(item: Data, container: Bound) -> Bound:
    """The confidence an item read out of a container carries: a record its own, anything else the container's."""
    out: Bound | None = None
    if "record" in item.kinds:
        out = item.record_conf
    if item.kinds - {"record"} or not item.kinds:
        out = container if out is None else out.hull(container)
    return out if out is not None else container


def element(item: Data, container: Bound) -> Val:
    return Val(item, element_conf(item, container))


def truth(d: Data) -> bool | None:
    """Whether the value is truthy (JavaScript rules), when every kind it can be agrees."""
    verdicts: set[bool | None] = set()
    for kind in d.kinds:
        if kind in ("null", "missing"):
            verdicts.add(False)
        elif kind in ("list", "map", "record"):
            verdicts.add(True)
        elif kind == "num":
            if d.num is None:
                verdicts.add(None)
            elif d.num.lo > 0 or d.num.hi < 0:
                verdicts.add(True)
            elif d.num.lo == 0 and d.num.hi == 0:
                verdicts.add(False)
            else:
                verdicts.add(None)
        elif kind in ("str", "bool"):
            verdicts.add(bool(d.const) if d.has_const and len(d.kinds) == 1 else None)
        if None in verdicts:
            return None
    if len(verdicts) == 1:
        return verdicts.pop()
    return None


def to_number(d: Data) -> Bound | None:
    """The range of JavaScript `Number(value)`, or None when it can be NaN or is unknown."""
    out: Bound | None = None
    for kind in d.kinds:
        if kind == "num":
            part = d.num
        elif kind == "bool":
            part = Bound.point(float(d.const)) if d.has_const and len(d.kinds) == 1 else Bound(0.0, 1.0)
        elif kind == "null":
            part = Bound.point(0.0)
        else:
            return None
        if part is None:
            return None
        out = part if out is None else out.hull(part)
    return out


def to_confidence(d: Data, src: str | None) -> Bound:
    """The confidence `x with confidence d` attaches: Number(d) clamped to [0, 1], NaN → 0."""
    out: Bound | None = None
    for kind in sorted(d.kinds):
        if kind in ("missing", "null"):
            part = Bound.point(0.0, src)  # NaN → 0, null → 0
        elif kind == "num" and d.num is not None:
            part = d.num.clamp01()
        elif kind == "bool" and d.has_const and len(d.kinds) == 1:
            part = Bound.point(float(d.const), src)
        elif kind == "bool":
            part = Bound(0.0, 1.0, src, src)
        else:  # strings, lists and maps convert to any number or NaN
            return UNIT.with_src(src)
        out = part if out is None else out.hull(part)
    if out is None:
        return Bound.point(0.0, src)
    return Bound(out.lo, out.hi, out.lo_src or src, out.hi_src or src)
