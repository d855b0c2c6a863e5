"""Diagnostics from the analysis (PLX501–PLX506): dead bands, constant gates, arms that never match, outputs that
cannot meet the pattern's requirement, and unbounded agent calls.

They are computed in the mode where any agent call may fail (a failed agent reports confidence 0), so each one
holds for every run. Every message names the interval and the step that bounds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from parallax_dsl.analysis import view as v
from parallax_dsl.analysis.domain import Bound, fmt
from parallax_dsl.analysis.engine import Library, PatternAnalysis, analyse_pattern, short
from parallax_dsl.analysis.exprs import at_least, at_most, describe_expr
from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity, Span

if TYPE_CHECKING:
    from parallax_dsl import ast
    from parallax_dsl.checks.edition import EditionTarget
    from parallax_dsl.checks.loader import LoadedFile, Workspace

W: Final = Severity.WARNING
UNREACHABLE_BAND: Final = ("PLX501", "unreachable-band")
GATE_NEVER: Final = ("PLX502", "gate-never-passes")
GATE_ALWAYS: Final = ("PLX503", "gate-always-passes")
ARM_NEVER: Final = ("PLX504", "never-matching-arm")
REQUIREMENT: Final = ("PLX505", "requirement-unreachable")
UNBOUNDED: Final = ("PLX506", "unbounded-agent-calls")


def _span(*candidates: object) -> Span | None:
    for c in candidates:
        if isinstance(c, Span):
            return c
    return None


def _subject(e: v.Expr | None) -> str:
    if e is None:
        return "the subject"
    if e.op == "with_confidence":
        return f"`{describe_expr(e)}`"
    return f"the confidence of `{describe_expr(e)}`"


def _band_reason(band: str, conf: Bound, high: float, medium: float) -> str:
    if band == "high":
        return f"is {at_most(conf)}, below the `high` bound {fmt(high)}"
    if band == "low":
        return f"is {at_least(conf)}, never below the `medium` bound {fmt(medium)}"
    if medium >= high:
        return f"falls in `medium` only between {fmt(medium)} and {fmt(high)}, which is empty"
    if conf.hi < medium:
        return f"is {at_most(conf)}, below the `medium` bound {fmt(medium)}"
    return f"is {at_least(conf)}, at or above the `high` bound {fmt(high)}"


def pattern_diagnostics(a: PatternAnalysis, edition: EditionTarget | None = None) -> list[Diagnostic]:
    """The findings of one analysed pattern (views built from the AST carry the spans they point at)."""
    out: list[Diagnostic] = []
    p = a.pattern
    facts = a.failures
    steps = {s.id: s for s in p.steps}

    # PLX501: uncertain bands that can never be taken.
    for sid, (subject, high, medium, _) in facts.bands.items():
        step = steps.get(sid)
        possible = facts.arms.get(sid, [])
        if not isinstance(step, v.BranchStep):
            continue
        own = {arm.label for arm in step.arms}
        for k, arm in enumerate(step.arms):
            if k >= len(possible) or possible[k]:
                continue
            span = _span(arm.span, step.node)
            if span is None:
                continue
            covers: list[str] = [b for b in ("high", "medium", "low") if b not in own]
            if not arm.is_else and arm.label is not None:
                covers = [arm.label]
            if not covers:
                continue
            covered = "medium" if "medium" in covers else covers[0]
            reason = _band_reason(covered, subject.conf, high.lo, medium.lo)
            label = f"`{arm.label}` arm" if not arm.is_else else f"`else` arm (band {', '.join(covers)})"
            out.append(
                Diagnostic(
                    *UNREACHABLE_BAND,
                    W,
                    f"the {label} of this `uncertain` can never be taken: {_subject(step.subject)} {reason}",
                    span,
                    help="remove the arm, or widen what reaches it (the agent group's `confidence lo..hi`, "
                    "a `with confidence`, the `bands(…)` bounds)",
                )
            )

    # PLX502 / PLX503: gates whose outcome never varies.
    for note in a.notes.gates.values():
        span = _span(note.expr.span)
        if span is None or note.conf is None or note.threshold is None:
            continue
        x = note.expr.args[0] if note.expr.args else None
        threshold = fmt(note.threshold.lo) if note.threshold.is_point else str(note.threshold)
        if not note.can_pass:
            out.append(
                Diagnostic(
                    *GATE_NEVER,
                    W,
                    f"this gate can never pass: {_subject(x)} is {at_most(note.conf)}, below the threshold {threshold}",
                    span,
                    help="lower the threshold, or raise the confidence that reaches it; as written the gate is "
                    "always missing with confidence 0",
                )
            )
        elif not note.can_fail:
            out.append(
                Diagnostic(
                    *GATE_ALWAYS,
                    W,
                    f"this gate always passes: {_subject(x)} is {at_least(note.conf)}, at or above the threshold "
                    f"{threshold}",
                    span,
                    help="the gate has no effect: remove it, or raise the threshold to the level you meant",
                )
            )

    # PLX504: arms of match / if (statements and expressions) that can never be taken.
    for arm_note in a.notes.arms.values():
        span = _span(arm_note.span)
        if arm_note.taken or span is None:
            continue
        out.append(
            Diagnostic(
                *ARM_NEVER,
                W,
                f"{arm_note.label} can never be taken: {arm_note.reason}",
                span,
                help="remove the arm or fix its condition; check the ranges the message names",
            )
        )

    # PLX505: outputs that can never meet `requires confidence >= x`.
    required = p.requires.get("confidence")
    if required is not None:
        for terminal in facts.terminals:
            if terminal.kind != "output" or terminal.val is None:
                continue
            conf = terminal.val.conf
            span = _span(terminal.step.node)
            if span is None or conf.hi >= required - conf.margin:
                continue
            out.append(
                Diagnostic(
                    *REQUIREMENT,
                    W,
                    f"this output's confidence is {at_most(conf)}, so it can never meet the pattern's "
                    f"`requires confidence >= {fmt(required)}`",
                    span,
                    help="every run ending here reports REQUIREMENT_NOT_MET: raise the confidence that reaches "
                    "this output, or lower the requirement",
                )
            )

    # PLX506: an unbounded number of agent calls that a group `max` would bound.
    if edition is not None:
        for sid, step_facts in facts.steps.items():
            step = step_facts.step
            calls = step_facts.calls
            if not isinstance(step, v.AgentStep) or calls is None or calls.hi is not None:
                continue
            causes = [c for c in calls.causes if c.kind == "group" and c.pattern == p.name and c.step == sid]
            span = _span(step.node)
            if not causes or span is None:
                continue
            group = p.agents.get(step.group)
            limit = "has no agent limit" if edition.max_agents is None else f"limits agents to {edition.max_agents}"
            labels: tuple[Label, ...] = ()
            if group is not None and group.span is not None:
                labels = (Label(group.span, "declared here without `max`"),)
            out.append(
                Diagnostic(
                    *UNBOUNDED,
                    W,
                    f"the number of agent calls has no upper bound: `{short(sid)}` calls every agent of group "
                    f"`{step.group}`, which declares no `max`, and {edition.name} ({edition.origin}) {limit}",
                    span,
                    labels=labels,
                    help=f"declare `max N` on agent group `{step.group}` to bound the calls (and the cost) of a run",
                )
            )
    return out


# ------------------------------------------------------------------------------------------------ the check hook


def _views(loaded: LoadedFile) -> list[v.Pattern]:
    module = loaded.parse.module if loaded.parse is not None else None
    if module is None:
        return []
    out = []
    for p in module.patterns:
        try:
            out.append(v.from_ast(p, loaded.source.path))
        except (TypeError, ValueError, KeyError):
            continue
    return out


def _imported(workspace: Workspace, loaded: LoadedFile) -> Iterable[v.Pattern]:
    seen: set[Path] = {loaded.path}
    stack = list(loaded.imports)
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        other = workspace.files.get(path)
        if other is None:
            continue
        yield from _views(other)
        stack.extend(other.imports)


def module_diagnostics(
    module: ast.Module,
    path: str,
    workspace: Workspace | None = None,
    edition: EditionTarget | None = None,
) -> list[Diagnostic]:
    """PLX501–PLX506 for the patterns of one checked file (called by `plxc check` when it found no errors).

    `workspace` resolves `use` of imported patterns; `edition` gives the agent limit (PLX506 needs one)."""
    patterns: list[v.Pattern] = []
    for decl in module.patterns:
        try:
            patterns.append(v.from_ast(decl, path))
        except (TypeError, ValueError, KeyError):
            continue
    library: list[v.Pattern] = []
    if workspace is not None:
        loaded = next((f for f in workspace.files.values() if f.source.path == path), None)
        if loaded is not None:
            library = list(_imported(workspace, loaded))
    lib = Library([*patterns, *library])
    limit = edition.max_agents if edition is not None else None
    out: list[Diagnostic] = []
    for p in patterns:
        try:
            out.extend(pattern_diagnostics(analyse_pattern(p, lib, limit, answered=False), edition))
        except RecursionError:
            continue
    return out
