"""`plxc check PATH...`: parse, resolve and lint .plx files and folders."""

from __future__ import annotations

import sys

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, EXIT_OK, no_traceback, usage_error, use_color

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
  plxc check --edition enterprise patterns/""",
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
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
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
    raise SystemExit(EXIT_FINDINGS if report.diagnostics else EXIT_OK)
