"""The `verify history` oracle: a decision journal of past runs (a JSON Lines file) and the score it gives a step —
age-decayed success rate × clean-decision rate, shrunk toward neutral 1.0 while the history is thin (ORG_CHART.md,
"History oracle")."""

from __future__ import annotations

import json
import math
import os
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

DAY_SECONDS: Final = 24 * 60 * 60
HISTORY_FEATURE: Final = "execution_history"

#: Policy actions a journal records per step; "accept" is the clean one.
ACTIONS: Final = ("accept", "accept_with_warning", "retry", "escalate")


@dataclass(frozen=True)
class HistoryOptions:
    """The options of `verify history` (snake_case of the upstream oracle's fields), with their defaults."""

    half_life_days: float = 30.0
    min_runs: int = 3
    saturation_runs: float = 10.0
    max_runs: int = 200
    drift: bool = True
    drift_recent_n: int = 5
    drift_threshold: float = 0.25
    pool: bool = False
    pool_family: str | None = None
    pool_weight: float = 0.5

    @staticmethod
    def of(values: dict[str, Any]) -> HistoryOptions:
        """Options from evaluated option values (unknown names and None are ignored; numbers are clamped into
        their ranges so a bad value cannot make the score leave [0, 1])."""
        base = HistoryOptions()

        def number(name: str, default: float, low: float, high: float = math.inf) -> float:
            value = values.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
                return default
            return min(max(float(value), low), high)

        def flag(name: str, default: bool) -> bool:
            value = values.get(name)
            return value if isinstance(value, bool) else default

        family = values.get("pool_family")
        return HistoryOptions(
            half_life_days=number("half_life_days", base.half_life_days, 0.0),
            min_runs=int(number("min_runs", base.min_runs, 1.0)),
            saturation_runs=number("saturation_runs", base.saturation_runs, 1e-9),
            max_runs=int(number("max_runs", base.max_runs, 1.0)),
            drift=flag("drift", base.drift),
            drift_recent_n=int(number("drift_recent_n", base.drift_recent_n, 1.0)),
            drift_threshold=number("drift_threshold", base.drift_threshold, 0.0, 1.0),
            pool=flag("pool", base.pool),
            pool_family=family if isinstance(family, str) and family else None,
            pool_weight=number("pool_weight", base.pool_weight, 0.0, 1.0),
        )


@dataclass(frozen=True)
class PastRun:
    """One journal entry: when a run of `pattern` ended, whether it succeeded, and its policy decisions."""

    run: str
    pattern: str
    time: float  # seconds since the epoch
    success: bool
    decisions: tuple[tuple[str, str], ...] = ()  # (agent group, action)


@dataclass(frozen=True)
class HistoryScore:
    """The oracle's confidence and a one-line account of it."""

    confidence: float
    detail: str
    drifted: bool = False
    pooled_from: tuple[str, ...] = ()


def pattern_family(pattern: str) -> str:
    """The sibling family of a pattern name: its leading `-` segment (`coding-swarm-local` → `coding`)."""
    head = pattern.split("-")[0]
    return head or pattern


def _weight(age_days: float, half_life: float) -> float:
    return 1.0 if half_life <= 0 else 2.0 ** (-max(age_days, 0.0) / half_life)


def _drift(runs: Sequence[PastRun], options: HistoryOptions) -> tuple[float, float] | None:
    """(recent, lifetime) success rates when the most recent window collapsed against the lifetime rate; None
    when it did not, or when the history is too thin to tell (fewer than max(min_runs, 2 × window) runs)."""
    window = options.drift_recent_n
    if not options.drift or len(runs) < max(options.min_runs, 2 * window):
        return None
    newest = sorted(runs, key=lambda r: r.time, reverse=True)
    recent = sum(r.success for r in newest[:window]) / window
    lifetime = sum(r.success for r in runs) / len(runs)
    return (recent, lifetime) if lifetime - recent >= options.drift_threshold else None


def score_history(
    runs: Sequence[PastRun],
    actions: Sequence[str],
    options: HistoryOptions,
    now: float,
    pooled_from: Sequence[str] = (),
) -> HistoryScore | None:
    """The history prior of a step, or None (neutral) below `min_runs` runs.

    w = 2^(−age_days / half_life); success = Σw·[success] / Σw; efficiency = clean accepts / policy decisions
    (1 without any); raw = success × efficiency, × (1 − (lifetime − recent)) when drift is detected;
    sample = min(Σw / saturation, 1), saturation divided by `pool_weight` for a pooled prior;
    confidence = 1 − sample × (1 − raw). It can only pull a step's confidence down from the neutral 1.0."""
    if len(runs) < options.min_runs:
        return None
    weights = [_weight((now - r.time) / DAY_SECONDS, options.half_life_days) for r in runs]
    total = sum(weights)
    success = sum(w for w, r in zip(weights, runs, strict=True) if r.success) / total if total > 0 else 0.0
    efficiency = sum(1 for a in actions if a == "accept") / len(actions) if actions else 1.0
    drift = _drift(runs, options)
    factor = min(max(1.0 - (drift[1] - drift[0]), 0.0), 1.0) if drift is not None else 1.0
    raw = success * efficiency * factor
    saturation = options.saturation_runs
    if pooled_from and options.pool_weight > 0:
        saturation /= options.pool_weight
    sample = min(total / saturation, 1.0)
    confidence = 1.0 - sample * (1.0 - raw)
    source = f"history (pooled from {', '.join(pooled_from)})" if pooled_from else "history"
    noun = "sibling run(s)" if pooled_from else "prior run(s)"
    drift_note = (
        f", DRIFT: last {options.drift_recent_n} at {drift[0] * 100:.0f}% vs {drift[1] * 100:.0f}% lifetime "
        f"(prior demoted x{factor:.2f})"
        if drift is not None
        else ""
    )
    detail = (
        f"{source} — {len(runs)} {noun}: {success * 100:.0f}% weighted success, "
        f"{efficiency * 100:.0f}% clean decisions{drift_note} → {confidence:.2f}"
    )
    return HistoryScore(confidence, detail, drift is not None, tuple(pooled_from))


@dataclass
class DecisionJournal:
    """Past runs kept in a JSON Lines file (one object per finished run), read once and appended to.

    A line: `{"run", "pattern", "time" (epoch seconds), "outcome": "success"|"failure", "decisions": [{"group",
    "action"}]}`. Lines that do not parse are skipped (a journal is never a reason for a run to fail)."""

    path: Path
    runs: list[PastRun] = field(default_factory=list)
    skipped: int = 0

    @staticmethod
    def open(path: str | Path) -> DecisionJournal:
        """The journal at `path` (created on the first run that ends)."""
        journal = DecisionJournal(Path(path))
        try:
            text = journal.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return journal
        for line in text.splitlines():
            if line.strip():
                entry = _parse(line)
                if entry is None:
                    journal.skipped += 1
                else:
                    journal.runs.append(entry)
        return journal

    def signal(self, pattern: str, group: str, options: HistoryOptions, now: float) -> tuple[float, str]:
        """The oracle's (confidence, detail) for steps of `group` in `pattern`: first-party history, else (with
        `pool`) the pattern's family, else neutral 1.0."""
        own = [r for r in self.runs if r.pattern == pattern][-options.max_runs :]
        score = score_history(own, _actions(own, group), options, now) if own else None
        if score is None and options.pool:
            family = options.pool_family or pattern_family(pattern)
            siblings = [r for r in self.runs if r.pattern != pattern and pattern_family(r.pattern) == family]
            siblings = siblings[-options.max_runs :]
            if siblings:
                tag = f"family:{family}"
                score = score_history(siblings, _actions(siblings, group), options, now, (tag,))
        if score is None:
            return 1.0, f'history — {len(own)} prior run(s) of "{pattern}" (min {options.min_runs}): neutral'
        return score.confidence, score.detail

    def record(self, run: PastRun) -> None:
        """Append a finished run (the file and its folder are created when missing)."""
        self.runs.append(run)
        line = json.dumps(
            {
                "run": run.run,
                "pattern": run.pattern,
                "time": run.time,
                "outcome": "success" if run.success else "failure",
                "decisions": [{"group": g, "action": a} for g, a in run.decisions],
            },
            separators=(",", ":"),
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())


def decisions_of(trace: Iterable[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """The confidence-policy decisions of a finished run, as (agent group, action), from its trace: every agent
    step's results that went through the policy (their `policy.actions`)."""
    found: list[tuple[str, str]] = []
    for entry in trace:
        group = entry.get("group")
        if entry.get("kind") != "agent" or not isinstance(group, str):
            continue
        for result in entry.get("results") or ():
            policy = result.get("policy") if isinstance(result, dict) else None
            actions = policy.get("actions") if isinstance(policy, dict) else None
            found.extend((group, action) for action in actions or () if action in ACTIONS)
    return tuple(found)


def open_journal(history: DecisionJournal | str | Path | None, license: Any) -> DecisionJournal | None:
    """The journal a run reads and appends to (None without one). Keeping execution history is the licence
    feature `execution_history`: without it, PlxRuntimeError(LICENSE_REQUIRED)."""
    if history is None:
        return None
    from parallax_dsl.runtime.executor import require_feature

    require_feature(license, HISTORY_FEATURE)
    return history if isinstance(history, DecisionJournal) else DecisionJournal.open(history)


def record_run(journal: DecisionJournal, result: Any) -> None:
    """Append a finished run: a success when it produced a result (no escalation, no error), with the policy
    decisions its trace shows."""
    entry = PastRun(
        uuid.uuid4().hex,
        result.pattern,
        time.time(),
        result.status == "ok",
        decisions_of(result.trace),
    )
    journal.record(entry)


def _actions(runs: Iterable[PastRun], group: str) -> list[str]:
    return [action for run in runs for g, action in run.decisions if g == group]


def _parse(line: str) -> PastRun | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    pattern, when, outcome = data.get("pattern"), data.get("time"), data.get("outcome")
    if not isinstance(pattern, str) or isinstance(when, bool) or not isinstance(when, int | float):
        return None
    if outcome not in ("success", "failure"):
        return None
    decisions: list[tuple[str, str]] = []
    for item in data.get("decisions") or ():
        if isinstance(item, dict) and isinstance(item.get("group"), str) and item.get("action") in ACTIONS:
            decisions.append((item["group"], item["action"]))
    return PastRun(str(data.get("run", "")), pattern, float(when), outcome == "success", tuple(decisions))


__all__ = [
    "DecisionJournal",
    "HistoryOptions",
    "HistoryScore",
    "PastRun",
    "decisions_of",
    "open_journal",
    "pattern_family",
    "record_run",
    "score_history",
]
