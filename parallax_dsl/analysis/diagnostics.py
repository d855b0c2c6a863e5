"""Diagnostics from the analysis (PLX501–PLX508): dead bands, constant gates, arms that never match, outputs that
cannot meet the pattern's requirement, unbounded agent calls, sums over a capped prefix divided by the length of
the whole list, and test expectations on the result confidence that no run can satisfy.

They are computed in the mode where any agent call may fail (a failed agent reports confidence 0), so each one
holds for every run. Every message names the interval and the step that bounds it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final

from parallax_dsl import ast
from parallax_dsl.analysis import view as v
from parallax_dsl.analysis.domain import Bound, fmt
from parallax_dsl.analysis.engine import Library, PatternAnalysis, analyse_pattern, short
from parallax_dsl.analysis.exprs import at_least, at_most, describe_expr, range_text
from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity, Span

if TYPE_CHECKING:
    from parallax_dsl.checks.edition import EditionTarget
    from parallax_dsl.checks.loader import LoadedFile, Workspace

W: Final = Severity.WARNING
UNREACHABLE_BAND: Final = ("PLX501", "unreachable-band")
GATE_NEVER: Final = ("PLX502", "gate-never-passes")
GATE_ALWAYS: Final = ("PLX503", "gate-always-passes")
ARM_NEVER: Final = ("PLX504", "never-matching-arm")
REQUIREMENT: Final = ("PLX505", "requirement-unreachable")
UNBOUNDED: Final = ("PLX506", "unbounded-agent-calls")
CAPPED_SUM: Final = ("PLX507", "capped-sum")
EXPECTATION: Final = ("PLX508", "impossible-expectation")

#: List macros that keep a list's length (and its order of items, so a prefix stays a prefix).
_SAME_LENGTH: Final = frozenset({"map", "sort_by"})
_MAX_HOPS: Final = 64


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
    # PLX507: a sum over a capped prefix of a list divided by the length of the whole list.
    out.extend(_capped_sums(a))
    return out


# ------------------------------------------------------------------------------------------------ PLX507


def _step_exprs(step: v.Step) -> Iterator[v.Expr]:
    """The expressions a step evaluates."""
    if isinstance(step, v.LetStep | v.OutputStep):
        yield step.value
    elif isinstance(step, v.AgentStep):
        yield from step.args.values()
        if step.over is not None:
            yield step.over.items
        if step.until is not None:
            yield step.until
        for oracle in step.verify:
            yield from oracle.options.values()
    elif isinstance(step, v.UseStep):
        yield from step.args.values()
    elif isinstance(step, v.BranchStep):
        if step.subject is not None:
            yield step.subject
        yield from (arm.when for arm in step.arms if arm.when is not None)
    elif isinstance(step, v.EscalateStep):
        if step.reason is not None:
            yield step.reason
    else:
        yield step.message


def _subexprs(e: v.Expr) -> Iterator[v.Expr]:
    """`e` and every expression inside it."""
    stack = [e]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.args)
        if node.kwargs:
            stack.extend(node.kwargs.values())
        if node.subject is not None:
            stack.append(node.subject)
        for arm in node.arms or ():
            stack.append(arm.then)
            if arm.when is not None:
                stack.append(arm.when)


def _deref(e: v.Expr, lets: dict[str, v.Expr]) -> v.Expr:
    """The expression a chain of `let` names stands for."""
    for _ in range(_MAX_HOPS):
        if e.op != "ref" or e.name not in lets:
            break
        e = lets[e.name]
    return e


def _list_root(e: v.Expr, lets: dict[str, v.Expr]) -> v.Expr:
    """The list `e` is, up to `let` names and length-keeping macros (`results` for `answers.map(r, …)`)."""
    for _ in range(_MAX_HOPS):
        e = _deref(e, lets)
        if e.op != "macro" or e.name not in _SAME_LENGTH or not e.args:
            break
        e = e.args[0]
    return e


def _capped_prefix(e: v.Expr, lets: dict[str, v.Expr]) -> v.Expr | None:
    """The `slice(xs, start, end)` whose items `e` is, up to `let` names and length-keeping macros."""
    for _ in range(_MAX_HOPS):
        e = _deref(e, lets)
        if e.op == "macro" and e.name in _SAME_LENGTH and e.args:
            e = e.args[0]
            continue
        if e.op == "call" and e.name == "slice" and len(e.args) == 3 and not e.kwargs:
            return e
        break
    return None


def _whole_length(e: v.Expr, lets: dict[str, v.Expr]) -> v.Expr | None:
    """The list a divisor is the length of: `len(xs)`, `xs.length` (up to `let` names)."""
    e = _deref(e, lets)
    if e.op == "call" and e.name == "len" and len(e.args) == 1 and not e.kwargs:
        return e.args[0]
    if e.op == "field" and e.name == "length" and e.args:
        return e.args[0]
    return None


def _index(e: v.Expr) -> int | None:
    """A literal slice bound (truncated like the runtime's), when it is a non-negative number."""
    if e.op != "lit" or isinstance(e.value, bool) or not isinstance(e.value, int | float):
        return None
    if not math.isfinite(e.value) or e.value < 0:
        return None
    return math.trunc(e.value)


def _capped_sums(a: PatternAnalysis) -> list[Diagnostic]:
    p = a.pattern
    lets = {s.id: s.value for s in p.steps if isinstance(s, v.LetStep)}
    out: list[Diagnostic] = []
    seen: set[int] = set()
    reachable = a.failures.steps  # the steps that can run
    for step in p.steps:
        if step.id not in reachable:
            continue
        for root in _step_exprs(step):
            for e in _subexprs(root):
                if e.op != "/" or len(e.args) != 2 or id(e) in seen:
                    continue
                seen.add(id(e))
                found = _capped_division(a, e, lets)
                if found is not None:
                    out.append(found)
    return out


def _capped_division(a: PatternAnalysis, e: v.Expr, lets: dict[str, v.Expr]) -> Diagnostic | None:
    """PLX507 for `sum(<a prefix of xs>) / len(xs)` when `xs` can have more items than the prefix keeps."""
    numerator, divisor = _deref(e.args[0], lets), e.args[1]
    if numerator.op != "call" or numerator.name != "sum" or len(numerator.args) != 1 or numerator.kwargs:
        return None
    prefix = _capped_prefix(numerator.args[0], lets)
    whole = _whole_length(divisor, lets)
    span = _span(e.span)
    if prefix is None or whole is None or span is None:
        return None
    xs = prefix.args[0]
    start, end = _index(prefix.args[1]), _index(prefix.args[2])
    if start is None or end is None or _list_root(xs, lets) != _list_root(whole, lets):
        return None
    cap = max(0, end - start)
    note = a.notes.slices.get(id(prefix))
    if note is None or note.length.hi <= cap:
        return None  # never evaluated, or the list never has more items than the prefix keeps
    name = describe_expr(xs)
    source = _list_root(xs, lets)
    origin = f" (set by step `{short(source.name)}`)" if source.op == "ref" and source.name else ""
    longest = "has no upper bound" if math.isinf(note.length.hi) else f"is at most {fmt(note.length.hi)}"
    first = f"the first {cap} items" if start == 0 else f"{cap} items (from index {start})"
    return Diagnostic(
        *CAPPED_SUM,
        W,
        f"this sum covers at most {first} of `{name}` but is divided by `{describe_expr(divisor)}`, the length "
        f"of all of `{name}`, which {longest}{origin}: with more than {cap} items the result is too low",
        span,
        help=f"divide by the number of items summed (`len({describe_expr(prefix)})`), or sum every item "
        "(`average(…)` and `average_confidence(…)` do both); if only the first ones are meant, bound the list "
        f"(`max {cap}` on its agent group)",
    )


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


def _imported(workspace: Workspace, loaded: LoadedFile) -> list[LoadedFile]:
    """The files `loaded` imports, transitively, in the order `use` looks through them."""
    seen: set[Path] = {loaded.path}
    stack = list(loaded.imports)
    out: list[LoadedFile] = []
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        other = workspace.files.get(path)
        if other is None:
            continue
        out.append(other)
        stack.extend(other.imports)
    return out


def module_diagnostics(
    module: ast.Module,
    path: str,
    workspace: Workspace | None = None,
    edition: EditionTarget | None = None,
) -> list[Diagnostic]:
    """PLX501–PLX508 for the patterns and tests of one checked file (called by `plxc check` when it found no
    errors).

    `workspace` resolves `use` of imported patterns; `edition` gives the agent limit (PLX506 needs one)."""
    patterns: list[v.Pattern] = []
    for decl in module.patterns:
        try:
            patterns.append(v.from_ast(decl, path))
        except (TypeError, ValueError, KeyError):
            continue
    more: list[Callable[[], list[v.Pattern]]] = []
    if workspace is not None:
        loaded = next((f for f in workspace.files.values() if f.source.path == path), None)
        if loaded is not None:
            more = [partial(_views, other) for other in _imported(workspace, loaded)]  # views built when needed
    lib = Library(patterns, more=more)
    limit = edition.max_agents if edition is not None else None
    out: list[Diagnostic] = []
    analyses: dict[str, PatternAnalysis] = {}
    for p in patterns:
        try:
            analysis = analyse_pattern(p, lib, limit, answered=False)
        except RecursionError:
            continue
        analyses.setdefault(p.name, analysis)
        out.extend(pattern_diagnostics(analysis, edition))
    for test in module.tests:
        try:
            out.extend(expectation_diagnostics(test, lib, limit, analyses))
        except RecursionError:
            continue
    return out


# ------------------------------------------------------------------------------------------------ PLX508


def expectation_diagnostics(
    test: ast.TestDecl, library: Library, agent_limit: int | None, analyses: dict[str, PatternAnalysis] | None = None
) -> list[Diagnostic]:
    """PLX508: `expect` lines about the result confidence that no run of the tested pattern can satisfy.

    The interval is the pattern's with failed agents included (outputs and escalations), under the agent limit
    the tests run with. The canned answers can only narrow what a run reaches, so they are not used to narrow it
    — but a canned confidence outside a group's declared `confidence lo..hi` widens that range (the runtime does
    not enforce it). A test that mentions `error` is skipped: its run may fail, and a failed run's confidence is
    not an output's."""
    checks = [e for e in test.expects if not e.snapshot and _confidence_tests(e.condition)]
    if not checks or any(_mentions_error(e.condition) for e in test.expects):
        return []
    name = test.pattern.removeprefix("stdlib.").removeprefix("stdlib:")
    canned = _canned_confidences(test)
    cached = (analyses or {}).get(name)
    pattern = cached.pattern if cached is not None else library.resolve(name)
    if pattern is None:
        return []
    widened = _widen(pattern, canned)
    if cached is not None and widened is pattern:
        analysis = cached
    else:
        analysis = analyse_pattern(widened, library, agent_limit, answered=False)
    conf = analysis.final("failures")
    if conf is None:
        return []
    widened_note = (
        " (with this test's canned confidences, outside the declared ranges)" if widened is not pattern else ""
    )
    out: list[Diagnostic] = []
    for expect in checks:
        found = _never_holds(expect.condition, expect.within, conf)
        if found is None:
            continue
        out.append(
            Diagnostic(
                *EXPECTATION,
                W,
                f"this expectation can never hold: the result confidence of `{pattern.name}` is "
                f"{range_text(conf)} in every run{widened_note}, so `{found}` is always false",
                expect.span,
                help="check the expected number; if the pattern should reach it, widen what bounds the result "
                "(the agent groups' `confidence lo..hi`, the aggregation, a `with confidence`)",
            )
        )
    return out


def _is_result_confidence(e: ast.Expr) -> bool:
    """`confidence` (the result's) or `confidence(output)` in an `expect`."""
    if isinstance(e, ast.Name):
        return e.name == "confidence"
    if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.name == "confidence" and len(e.args) == 1:
        arg = e.args[0]
        return arg.name is None and isinstance(arg.value, ast.Name) and arg.value.name == "output"
    return False


def _literal_number(e: ast.Expr | None) -> float | None:
    if isinstance(e, ast.Number) and not isinstance(e.value, bool):
        return float(e.value)
    if isinstance(e, ast.Unary) and e.op == "-" and isinstance(e.operand, ast.Number):
        return -float(e.operand.value)
    return None


_COMPARISONS: Final = ("==", "!=", "<", "<=", ">", ">=")
_FLIPPED: Final = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _comparison(e: ast.Expr) -> tuple[str, str, float] | None:
    """(the comparison as written, the operator with the confidence on the left, the number) of
    `confidence op k` or `k op confidence`."""
    if not isinstance(e, ast.Binary) or e.op not in _COMPARISONS:
        return None
    for subject, other, op in ((e.left, e.right, e.op), (e.right, e.left, _FLIPPED[e.op])):
        k = _literal_number(other)
        if _is_result_confidence(subject) and k is not None and math.isfinite(k):
            name = "confidence" if isinstance(subject, ast.Name) else "confidence(output)"
            shown = f"{name} {e.op} {fmt(k)}" if subject is e.left else f"{fmt(k)} {e.op} {name}"
            return shown, op, k
    return None


def _confidence_tests(e: ast.Expr) -> bool:
    if isinstance(e, ast.Binary) and e.op == "and":
        return _confidence_tests(e.left) or _confidence_tests(e.right)
    return _comparison(e) is not None


def _never_holds(e: ast.Expr, within: ast.Expr | None, conf: Bound) -> str | None:
    """The part of an `expect` condition no confidence in `conf` satisfies (as text), or None. Conjunctions fail
    when one side does; the bounds keep the analysis's float margin."""
    if isinstance(e, ast.Binary) and e.op == "and" and within is None:
        return _never_holds(e.left, None, conf) or _never_holds(e.right, None, conf)
    found = _comparison(e)
    if found is None:
        return None
    shown, op, k = found
    lo, hi = conf.lo - conf.margin, conf.hi + conf.margin
    if within is not None:
        t = _literal_number(within)
        if op != "==" or t is None or t < 0:
            return None
        return f"{shown} within {fmt(t)}" if k + t < lo or k - t > hi else None
    impossible = {
        "==": k < lo or k > hi,
        "!=": lo == hi == k,
        "<": lo >= k,
        "<=": lo > k,
        ">": hi <= k,
        ">=": hi < k,
    }[op]
    return shown if impossible else None


def _mentions_error(e: ast.Expr) -> bool:
    """Whether an expression reads the name `error` anywhere (the test then expects a failing run)."""
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and node.name == "error":
            return True
        stack.extend(ast.expr_children(node))
    return False


def _canned_confidences(test: ast.TestDecl) -> Bound | None:
    """The hull of the confidences the test's canned agents answer with (None: one is not a known constant)."""
    out: Bound | None = Bound.point(0.0) if any(r.kind == "fails" for a in test.agents for r in a.responses) else None
    for agent in test.agents:
        for response in agent.responses:
            if response.kind != "answers" or response.value is None:
                continue
            c = _answer_confidence(response.value)
            if c is None:
                return None
            out = Bound.point(c) if out is None else out.hull(Bound.point(c))
    return out


def _answer_confidence(e: ast.Expr) -> float | None:
    """The confidence a canned answer reports: `v with confidence k` → k clamped to [0, 1] (NaN → 0); a literal
    without `with confidence` anywhere → 1; anything else unknown."""
    if isinstance(e, ast.WithConfidence):
        k = _literal_number(e.confidence)
        if k is None:
            return None
        return 0.0 if math.isnan(k) else min(1.0, max(0.0, k))
    return 1.0 if _plain_literal(e) else None


def _plain_literal(e: ast.Expr) -> bool:
    if isinstance(e, ast.Number | ast.Bool | ast.Null):
        return True
    if isinstance(e, ast.String):
        return all(isinstance(part, str) for part in e.parts)
    if isinstance(e, ast.Unary):
        return e.op == "-" and isinstance(e.operand, ast.Number)
    if isinstance(e, ast.ListLit):
        return all(_plain_literal(item) for item in e.items)
    if isinstance(e, ast.MapLit):
        return all(_plain_literal(entry.value) for entry in e.entries)
    return False


def _widen(pattern: v.Pattern, canned: Bound | None) -> v.Pattern:
    """The pattern with every declared agent confidence range widened to include the canned confidences
    (all of [0, 1] when one of them is unknown); the same object when nothing changes."""
    groups = dict(pattern.agents)
    changed = False
    for name, group in pattern.agents.items():
        if group.confidence is None:
            continue
        lo, hi = group.confidence
        if canned is None:
            lo, hi = 0.0, 1.0
        else:
            lo, hi = min(lo, canned.lo), max(hi, canned.hi)
        if (lo, hi) != group.confidence:
            groups[name] = replace(group, confidence=(lo, hi))
            changed = True
    return replace(pattern, agents=groups) if changed else pattern
