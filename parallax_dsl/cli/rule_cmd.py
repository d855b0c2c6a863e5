"""`plxc rule CODE`: what a diagnostic means, why it matters and how to fix it."""

from __future__ import annotations

import click

from parallax_dsl.cli.common import no_traceback, usage_error


@click.command(
    "rule",
    epilog="""\b
Examples:
  plxc rule PLX101
  plxc rule undefined-name
  plxc rule --all""",
)
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule with its code, name and severity.")
@no_traceback
def rule(code: str | None, show_all: bool) -> None:
    """Explain a diagnostic code (or kebab-case name)."""
    from parallax_dsl.checks.registry import RULES, lookup
    from parallax_dsl.semantics.suggest import did_you_mean

    if show_all or code is None:
        for item in RULES.values():
            click.echo(f"{item.code}  {item.name:<24} {item.severity.value:<8} {item.summary}")
        return
    found = lookup(code)
    if found is None:
        hint = did_you_mean(code.upper(), RULES) or did_you_mean(code.lower(), [r.name for r in RULES.values()])
        usage_error(f"unknown rule `{code}`" + (f"; {hint}" if hint else "; see `plxc rule --all`"))
        return
    click.echo(found.doc(), nl=False)
