"""Aggregation over many agents' results: averages, synthesis, majority vote and consensus."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal

from parallax_dsl.confidence.core import Confident, best, cf, conf, from_, val
from parallax_dsl.confidence.js import UNDEFINED, js_call, js_key
from parallax_dsl.confidence.jsops import divide, plus, times

KeyFn = Callable[[Any], Hashable]
ConsensusStatus = Literal["unanimous", "majority", "split"]


def average_confidence(xs: Sequence[Any]) -> float:
    """Mean confidence of xs (0.0 for an empty sequence)."""
    if not xs:
        return 0.0
    total = 0.0
    for x in xs:
        total += conf(x)
    return total / len(xs)


def average(xs: Sequence[Any]) -> Confident:
    """Mean value (JavaScript `+` then `/`) carrying the mean confidence; empty → cf(0, 0)."""
    if not xs:
        return cf(0, 0.0)
    total: Any = 0
    for x in xs:
        total = plus(total, val(x))
    return cf(divide(total, len(xs)), average_confidence(xs))


def weighted_average(xs: Sequence[Any]) -> Confident:
    """Σ value·conf / Σ conf carrying the mean confidence; empty or zero total weight → cf(0, 0)."""
    if not xs:
        return cf(0, 0.0)
    total_weight = 0.0
    for x in xs:
        total_weight += conf(x)
    if total_weight == 0:
        return cf(0, 0.0)
    weighted: Any = 0
    for x in xs:
        weighted = plus(weighted, times(val(x), conf(x)))
    return cf(divide(weighted, total_weight), average_confidence(xs))


def synthesize(xs: Sequence[Any]) -> Confident:
    """The most confident result (first wins ties): `best(*xs)`."""
    return best(*xs)


@dataclasses.dataclass(slots=True)
class _Group:
    votes: int
    representative: Confident
    confidence_sum: float


def _group_votes(xs: Sequence[Any], key_fn: KeyFn) -> list[_Group]:
    """Group by key in first-seen order, then stably sort by votes (most first)."""
    groups: dict[Hashable, _Group] = {}
    for x in xs:
        item = from_(x)
        key = js_call(key_fn, item.value)
        group = groups.get(key)
        if group is None:
            groups[key] = _Group(1, item, item.confidence)
            continue
        group.votes += 1
        group.confidence_sum += item.confidence
        if item.confidence > group.representative.confidence:
            group.representative = item
    return sorted(groups.values(), key=lambda g: -g.votes)


def majority_vote(xs: Sequence[Any], key_fn: KeyFn = js_key) -> Confident:
    """The largest group's most confident value, with confidence agreement × the group's mean confidence."""
    if not xs:
        return cf(UNDEFINED, 0.0)
    winner = _group_votes(xs, key_fn)[0]
    agreement = winner.votes / len(xs)
    return cf(winner.representative.value, agreement * (winner.confidence_sum / winner.votes))


@dataclasses.dataclass(frozen=True, slots=True)
class ConsensusResult:
    """How far results agree: status, winner (UNDEFINED when split), agreement, mean confidence, reached."""

    status: ConsensusStatus
    winner: Any
    agreement: float
    average_confidence: float
    reached: bool


def consensus(
    xs: Sequence[Any],
    confidence_threshold: float = 0.7,
    agreement_threshold: float = 0.5,
    key_fn: KeyFn = js_key,
) -> Confident:
    """Classify agreement (unanimous / majority / split) as a ConsensusResult with confidence
    agreement × the winning group's mean confidence."""
    if not xs:
        return cf(ConsensusResult("split", UNDEFINED, 0.0, 0.0, False), 0.0)
    groups = _group_votes(xs, key_fn)
    winner = groups[0]
    agreement = winner.votes / len(xs)
    avg = average_confidence(xs)
    status: ConsensusStatus = "unanimous" if len(groups) == 1 else "majority" if agreement > 0.5 else "split"
    result = ConsensusResult(
        status=status,
        winner=UNDEFINED if status == "split" else winner.representative.value,
        agreement=agreement,
        average_confidence=avg,
        reached=avg >= confidence_threshold and agreement >= agreement_threshold,
    )
    return cf(result, agreement * (winner.confidence_sum / winner.votes))
