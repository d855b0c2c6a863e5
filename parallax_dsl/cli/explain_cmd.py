"""`plxc explain FILE`: the static confidence intervals and agent-call bounds of every pattern of a file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, EXIT_OK, allow_deep_nesting, no_traceback, usage_error, use_color

if TYPE_CHECKING:
    from parallax_dsl.analysis.engine import PatternAnalysis
    from parallax_dsl.checks.edition import EditionTarget
    from parallax_dsl.diagnostics.model import Diagnostic


TOO_DEEP = "its expressions nest too deeply (split long expressions with `let` declarations)"


def _limit_text(target: EditionTarget) -> str:
    limit = "no agent limit" if target.max_agents is None else f"agent limit {target.max_agents}"
    return f"{limit} ({target.name}, {target.origin})"


def analyse_file(path: Path, target: EditionTarget) -> list[PatternAnalysis]:
    """Analyse every pattern of a checked file (its `use`s resolved through its imports and the stdlib)."""
    from parallax_dsl.analysis import workspace_patterns
    from parallax_dsl.analysis.engine import analyse_patterns
    from parallax_dsl.checks.loader import Workspace

    workspace = Workspace()
    root = workspace.load(path)
    own, others = workspace_patterns(workspace, root)
    return analyse_patterns(own, others, target.max_agents)


def _by_pattern(analyses: Sequence[PatternAnalysis], diagnostics: Sequence[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """PLX5xx findings grouped by the pattern whose lines they point into."""
    out: dict[str, list[Diagnostic]] = {}
    spans = [(a.pattern.name, a.pattern.span) for a in analyses]
    for d in diagnostics:
        if not d.code.startswith("PLX5"):
            continue
        owner = None
        for name, span in spans:
            if span is not None and span.file == d.span.file and span.line <= d.span.line:
                owner = name
        if owner is not None:
            out.setdefault(owner, []).append(d)
    return out


def explain_report(paths: Sequence[Path], target: EditionTarget, diagnostics: Sequence[Diagnostic]) -> str:
    """The text tables of `plxc explain` for several files (also `plxc check --explain`)."""
    from parallax_dsl.analysis.report import explain_text

    parts = []
    for path in paths:
        try:
            analyses = analyse_file(path, target)
        except RecursionError:
            parts.append(f"plxc explain {path}: not analysed: {TOO_DEEP}\n")
            continue
        found = _by_pattern(analyses, diagnostics)
        lines = {name: [f"{d.code} line {d.span.line}: {d.message}" for d in items] for name, items in found.items()}
        header = f"plxc explain {path} — {_limit_text(target)}"
        parts.append(explain_text(analyses, header, lines))
    return "\n".join(parts)


@click.command(
    "explain",
    epilog="""\b
Examples:
  plxc explain examples/uncertainty_router.plx
  plxc explain --edition enterprise --format json examples/consensus_review.plx""",
)
@click.argument("file", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option(
    "--edition",
    type=click.Choice(("opensource", "enterprise", "enterprise-plus")),
    help="Bound agent calls with this edition's agent limit instead of the detected licence's.",
)
@click.option("--license-key", envvar=None, help="Licence key whose agent limit applies.")
@click.option("--max-agents", type=click.IntRange(min=1), help="Open Source agent limit to assume.")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto", show_default=True)
@no_traceback
def explain(
    file: str, fmt: str, edition: str | None, license_key: str | None, max_agents: int | None, color: str
) -> None:
    """Show each pattern's confidence intervals and agent-call bounds, step by step.

    A file with errors is not analysed: the errors are printed as by `plxc check` (exit status 1).
    """
    from parallax_dsl.analysis.report import explain_json
    from parallax_dsl.checks.edition import resolve_target
    from parallax_dsl.checks.registry import rule_doc
    from parallax_dsl.checks.run import check_paths
    from parallax_dsl.diagnostics.model import Severity
    from parallax_dsl.diagnostics.render import render

    path = Path(file)
    if not path.is_file():
        usage_error(f"file not found: {file}")
    allow_deep_nesting()
    target = resolve_target(edition, license_key, max_agents)
    report, _ = check_paths([file], edition=target)
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    if errors:
        click.echo(render("full", errors, report.sources, color=use_color(color), rule_docs=rule_doc), nl=False)
        click.echo(f"\nnot analysed: {len(errors)} error(s); fix them first (see `plxc check {file}`)", err=True)
        raise SystemExit(EXIT_FINDINGS)
    if fmt == "text":
        click.echo(explain_report([path], target, report.diagnostics), nl=False)
        raise SystemExit(EXIT_OK)
    try:
        analyses = analyse_file(path, target)
    except RecursionError:
        click.echo(f"plxc explain: {file}: not analysed: {TOO_DEEP}", err=True)
        raise SystemExit(EXIT_FINDINGS) from None
    findings: dict[str, list[dict[str, Any]]] = {
        name: [
            {"code": d.code, "name": d.name, "message": d.message, "line": d.span.line, "column": d.span.column}
            for d in items
        ]
        for name, items in _by_pattern(analyses, report.diagnostics).items()
    }
    edition_info = {"tier": target.tier, "name": target.name, "agent_limit": target.max_agents, "origin": target.origin}
    click.echo(json.dumps(explain_json(analyses, str(path), edition_info, findings), indent=2, ensure_ascii=False))
    raise SystemExit(EXIT_OK)
