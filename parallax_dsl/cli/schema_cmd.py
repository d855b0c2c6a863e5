"""`plxc schema`: the JSON Schema of compiled pattern documents."""

from __future__ import annotations

import click

from parallax_dsl.cli.common import no_traceback


@click.command(
    "schema",
    epilog="""\b
Example:
  plxc schema > compiled-pattern.schema.json""",
)
@no_traceback
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) that `plxc compile` output follows."""
    from parallax_dsl.emit.document import json_schema

    click.echo(json_schema(), nl=False)
