"""What the analysis reports: the `analysis` map of a compiled pattern, and the `plxc explain` table (text, JSON).

Bounds are rounded to 4 decimals outward (lower bounds down, upper bounds up), so a rounded interval still
contains the exact one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from parallax_dsl.analysis import view as v
from parallax_dsl.analysis.domain import Bound, fmt, round_bound
from parallax_dsl.analysis.engine import Calls, PatternAnalysis, StepFacts, Unbounded, short

FORMAT_VERSION: Final = 1

FAILED_AGENTS_NOTE: Final = (
    "Intervals are for runs in which every agent call answers; a failed or timed-out agent reports confidence 0 "
    '(the "with failed agents" line). Calls count every agent call: retries, reviewers, policy retries and '
    "escalations included."
)


def interval(b: Bound | None) -> list[float] | None:
    """[lo, hi] rounded outward to 4 decimals."""
    if b is None:
        return None
    return [round_bound(b.lo, "down"), round_bound(b.hi, "up")]


def calls_dict(c: Calls | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"min": c.lo, "max": c.hi}


def step_kind(step: v.Step) -> str:
    if isinstance(step, v.AgentStep):
        word = {"fanout": "fanout", "single": "step", "race": "race"}[step.mode]
        return f"{word} per item" if step.over is not None else word
    if isinstance(step, v.BranchStep):
        return step.form
    return step.kind


def _step_entry(step: v.Step, facts: StepFacts | None, failures: StepFacts | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": step.id, "kind": step_kind(step)}
    if facts is None:
        entry["reachable"] = False
        return entry
    if facts.conf is not None:
        entry["confidence"] = interval(facts.conf)
    if failures is not None and failures.conf is not None and failures.conf != facts.conf:
        entry["with_failures"] = interval(failures.conf)
    calls = failures.calls if failures is not None else facts.calls
    if calls is not None:
        entry["calls"] = calls_dict(calls)
    if facts.detail:
        entry["note"] = facts.detail
    return entry


def analysis_dict(a: PatternAnalysis) -> dict[str, Any]:
    """The `analysis` map recorded in a compiled pattern (stable keys, plain JSON data)."""
    out: dict[str, Any] = {
        "agent_limit": a.agent_limit,
        "failed_agents": "excluded (with_failures counts them at confidence 0)",
        "confidence": interval(a.final()),
        "output_confidence": interval(a.output()),
        "with_failures": interval(a.final("failures")),
        "calls": calls_dict(a.calls),
    }
    if a.calls.hi is None:
        out["unbounded"] = [_cause(a, c) for c in a.calls.causes]
    out["steps"] = [_step_entry(s, a.answered.steps.get(s.id), a.failures.steps.get(s.id)) for s in a.pattern.steps]
    return out


# ------------------------------------------------------------------------------------------------ text


def _cause(a: PatternAnalysis, cause: Unbounded) -> str:
    """Why calls are unbounded, naming the used pattern the cause is in."""
    return cause.detail if cause.pattern == a.pattern.name else f"in pattern {cause.pattern}: {cause.detail}"


def _calls_text(c: Calls | None) -> str:
    if c is None:
        return ""
    if c.hi is None:
        return f"{c.lo}–∞"
    return str(c.lo) if c.lo == c.hi else f"{c.lo}–{c.hi}"


def _conf_text(facts: StepFacts | None) -> str:
    if facts is None:
        return "unreachable"
    if facts.conf is None:
        return "—"
    text = str(facts.conf)
    return f"{text} {facts.detail}" if facts.detail in ("each answer", "the winning answer") else text


def _labels(p: v.Pattern) -> dict[str, str]:
    """Arm id (`uncertain#1:1`) → how the table shows it (`medium`, `else`, `if`, `arm 2`)."""
    out: dict[str, str] = {}
    for step in p.steps:
        if not isinstance(step, v.BranchStep):
            continue
        for k, arm in enumerate(step.arms):
            if step.form == "uncertain":
                label = arm.label or "else"
            elif arm.is_else:
                label = "else"
            elif step.form == "if":
                label = "if" if k == 0 else "else if"
            else:
                label = f"arm {k + 1}"
            out[f"{step.id}:{k}"] = label
    return out


def _depth(step: v.Step) -> int:
    return 0 if step.branch is None else step.branch.count("/") + 1


def _provenance(b: Bound | None) -> str:
    if b is None:
        return ""
    parts = []
    if b.lo_src and b.lo > 0:
        parts.append(f"at least {fmt(b.lo, 'down')} set by `{short(b.lo_src)}`")
    if b.hi_src and b.hi < 1:
        parts.append(f"at most {fmt(b.hi, 'up')} set by `{short(b.hi_src)}`")
    return "; ".join(parts)


def pattern_text(a: PatternAnalysis, findings: Sequence[str] = ()) -> str:
    """One pattern's table: step | kind | confidence | calls, then the totals."""
    p = a.pattern
    labels = _labels(p)
    rows: list[tuple[str, str, str, str, str]] = []
    for step in p.steps:
        facts = a.answered.steps.get(step.id)
        failures = a.failures.steps.get(step.id)
        name = short(step.id)
        if step.branch is not None:
            name = f"[{labels.get(step.branch, '?')}] {name}"
        name = "  " * _depth(step) + name
        note = facts.detail if isinstance(step, v.BranchStep | v.UseStep | v.EscalateStep) and facts else ""
        calls = _calls_text(failures.calls if failures is not None else None)
        if isinstance(step, v.AgentStep | v.UseStep) and facts is None:
            calls = "0"
        rows.append((name, step_kind(step), _conf_text(facts), calls, note))
    head = ("step", "kind", "confidence", "calls", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    lines = [f"{p.name}" + (f"  ({p.source})" if p.source else "")]
    for r in [head, *rows]:
        cells = [r[i].ljust(widths[i]) for i in range(4)]
        lines.append(("  " + "  ".join(cells) + ("  " + r[4] if r[4] else "")).rstrip())
    lines.append("")
    lines.append(f"  agent calls per run: {_calls_text(a.calls)}")
    for cause in a.calls.causes if a.calls.hi is None else ():
        lines.append(f"    unbounded: {_cause(a, cause)}")
    output, final, failures_final = a.output(), a.final(), a.final("failures")
    out_text = str(output) if output is not None else "no output is reachable"
    where = _provenance(output)
    lines.append(f"  output confidence:   {out_text}" + (f"  ({where})" if where else ""))
    if final is not None and final != output:
        lines.append(f"  result confidence:   {final}  (outputs and escalations)")
    if failures_final is not None:
        lines.append(f"  with failed agents:  {failures_final}")
    required = p.requires.get("confidence")
    if required is not None:
        lines.append(f"  requires confidence >= {fmt(required)}")
    for finding in findings:
        lines.append(f"  {finding}")
    return "\n".join(lines) + "\n"


def explain_text(analyses: Sequence[PatternAnalysis], header: str, findings: dict[str, list[str]]) -> str:
    parts = [header, FAILED_AGENTS_NOTE, ""]
    for a in analyses:
        parts.append(pattern_text(a, findings.get(a.pattern.name, ())))
    return "\n".join(parts)


def explain_json(
    analyses: Sequence[PatternAnalysis], file: str, edition: dict[str, Any], findings: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "file": file,
        "edition": edition,
        "patterns": [
            {
                "name": a.pattern.name,
                "source": a.pattern.source,
                **analysis_dict(a),
                "findings": findings.get(a.pattern.name, []),
            }
            for a in analyses
        ],
    }
