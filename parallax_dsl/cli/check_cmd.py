"""`plxc check PATH...`: parse, resolve and lint .plx files and folders."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, EXIT_OK, allow_deep_nesting, no_traceback, usage_error, use_color

if TYPE_CHECKING:
    from parallax_dsl.checks.edition import EditionTarget
    from parallax_dsl.checks.run import CheckReport

FORMATS = ("full", "concise", "json", "sarif", "github")


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.command(
    "check",
    epilog="""\b
Examples:
  plxc check examples/
  plxc check --format concise pattern.plx
  plxc check --format json --ignore PLX103 src/ > report.json
  plxc check --edition enterprise patterns/
  plxc check --explain examples/uncertainty_router.plx""",
)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: full on a terminal and in pipes).",
)
@click.option("--select", multiple=True, help="Only report these codes, code prefixes or names (comma-separated).")
@click.option("--ignore", multiple=True, help="Do not report these codes, code prefixes or names.")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto", show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, without the summary line.")
@click.option(
    "--edition",
    type=click.Choice(("opensource", "enterprise", "enterprise-plus")),
    help="Check against this edition instead of the detected licence (no key needed).",
)
@click.option("--license-key", envvar=None, help="Licence key to check against (else PARALLAX_LICENSE_KEY, …).")
@click.option("--max-agents", type=click.IntRange(min=1), help="Open Source agent limit to check against.")
@click.option(
    "--explain", is_flag=True, help="After the diagnostics, print each pattern's confidence intervals and call bounds."
)
@no_traceback
def check(
    paths: tuple[str, ...],
    fmt: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    color: str,
    quiet: bool,
    edition: str | None,
    license_key: str | None,
    max_agents: int | None,
    explain: bool,
) -> None:
    """Check .plx files and folders: syntax, names, types, settings and lint rules.

    Exit status: 0 when clean, 1 when anything was reported, 2 on usage or internal errors.
    """
    from parallax_dsl.checks.edition import resolve_target
    from parallax_dsl.checks.registry import rule_doc
    from parallax_dsl.checks.run import check_paths
    from parallax_dsl.diagnostics.render import render, summary_line

    if not paths:
        usage_error("no paths given; try `plxc check examples/`")
    if explain and fmt not in (None, "full", "concise"):
        usage_error(
            f"--explain prints tables after full or concise output, not {fmt}; try `plxc explain --format json`"
        )
    allow_deep_nesting()
    target = resolve_target(edition, license_key, max_agents)
    report, missing = check_paths(list(paths), select=_split(select), ignore=_split(ignore), edition=target)
    if missing:
        usage_error("path not found: " + ", ".join(missing))
    if report.files == 0:
        usage_error("no .plx files found in " + ", ".join(paths))
    fmt = fmt or "full"
    output = render(fmt, report.diagnostics, report.sources, color=use_color(color), rule_docs=rule_doc)
    if output:
        click.echo(output, nl=False)
    if fmt in ("full", "concise") and not quiet:
        if fmt == "full" and report.diagnostics:
            click.echo("")
        click.echo(summary_line(report.diagnostics, report.files))
    if explain:
        _explain(list(paths), report, target)
    raise SystemExit(EXIT_FINDINGS if report.diagnostics else EXIT_OK)


def _explain(paths: list[str], report: CheckReport, target: EditionTarget) -> None:
    """`--explain`: the `plxc explain` tables of every checked file without errors."""
    from parallax_dsl.checks.loader import display_path, expand_paths
    from parallax_dsl.cli.explain_cmd import explain_report
    from parallax_dsl.diagnostics.model import Severity

    files, _ = expand_paths(paths)
    broken = {d.span.file for d in report.diagnostics if d.severity is Severity.ERROR}
    clean = [f for f in files if display_path(f) not in broken]
    skipped = len(files) - len(clean)
    click.echo("")
    if clean:
        click.echo(explain_report([Path(display_path(f)) for f in clean], target, report.diagnostics), nl=False)
    if skipped:
        click.echo(f"not explained: {skipped} file(s) with errors")
