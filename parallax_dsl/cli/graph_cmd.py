"""`plxc graph FILE`: a pattern's DAG as Mermaid or Graphviz DOT, with dependency cycles highlighted."""

from __future__ import annotations

from pathlib import Path

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, allow_deep_nesting, no_traceback, usage_error


@click.command(
    "graph",
    epilog="""\b
Examples:
  plxc graph examples/uncertainty_router.plx
  plxc graph examples/consensus_review.plx --format dot | dot -Tsvg > consensus.svg""",
)
@click.argument("file", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("mermaid", "dot")), default="mermaid", show_default=True)
@click.option("--pattern", "only", help="Draw only this pattern of the file.")
@no_traceback
def graph(file: str, fmt: str, only: str | None) -> None:
    """Draw the DAG of each pattern in FILE. Exit 1 when a dependency cycle is found (it is drawn in red)."""
    allow_deep_nesting()
    from parallax_dsl.checks.loader import read_source
    from parallax_dsl.checks.run import nesting_too_deep
    from parallax_dsl.diagnostics.render import render
    from parallax_dsl.emit.graph import to_dot, to_mermaid
    from parallax_dsl.ir.graph import build_graph, data_cycles
    from parallax_dsl.ir.lower import lower_pattern
    from parallax_dsl.syntax import parse_source

    path = Path(file)
    if not path.is_file():
        usage_error(f"file not found: {file}")
    source, problems = read_source(path)
    result = parse_source(source.text, source.path) if not problems else None
    if result is None or result.module is None:
        diagnostics = problems or (result.diagnostics if result else [])
        click.echo(render("full", diagnostics, {source.path: source}), nl=False, err=True)
        raise SystemExit(EXIT_FINDINGS)
    patterns = [p for p in result.module.patterns if only is None or p.name == only]
    if only is not None and not patterns:
        usage_error(f"no pattern `{only}` in {file}")
    has_cycle = False
    chunks = []
    for pattern in patterns:
        try:
            compiled = lower_pattern(pattern, source.path)
        except RecursionError:
            too_deep = nesting_too_deep(source.path)
            click.echo(render("full", [too_deep], {source.path: source}), nl=False, err=True)
            raise SystemExit(EXIT_FINDINGS) from None
        has_cycle = has_cycle or bool(data_cycles(build_graph(compiled)))
        chunks.append(to_mermaid(compiled) if fmt == "mermaid" else to_dot(compiled))
    click.echo("\n".join(chunks), nl=False)
    if has_cycle:
        click.echo("plxc: the graph has a dependency cycle (highlighted)", err=True)
        raise SystemExit(EXIT_FINDINGS)
