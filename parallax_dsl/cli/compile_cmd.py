"""`plxc compile FILE`: emit the compiled pattern document (YAML or JSON), byte-stable."""

from __future__ import annotations

from pathlib import Path

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, allow_deep_nesting, no_traceback, usage_error, use_color


@click.command(
    "compile",
    epilog="""\b
Examples:
  plxc compile examples/consensus_review.plx
  plxc compile examples/consensus_review.plx --format json -o build/consensus.json""",
)
@click.argument("file", type=click.Path())
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(("yaml", "json")), default="yaml", show_default=True)
@click.option("--pattern", "only", help="Emit only this pattern of the file.")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto", show_default=True)
@no_traceback
def compile_command(file: str, out: str | None, fmt: str, only: str | None, color: str) -> None:
    """Compile a .plx file to the deployable pattern document; errors are reported as by `plxc check`."""
    allow_deep_nesting()
    from parallax_dsl.diagnostics.render import render
    from parallax_dsl.emit.document import to_json, to_yaml
    from parallax_dsl.ir.compile import CompileError, compile_source

    path = Path(file)
    if not path.is_file():
        usage_error(f"file not found: {file}")
    try:
        compiled = compile_source(None, path)
    except CompileError as exc:
        click.echo(render("full", exc.diagnostics, exc.sources, color=use_color(color)), nl=False, err=True)
        click.echo(f"\ncompile failed: {len(exc.diagnostics)} error(s)", err=True)
        raise SystemExit(EXIT_FINDINGS) from None
    if only is not None:
        kept = [p for p in compiled.patterns if p.name == only]
        if not kept:
            names = ", ".join(p.name for p in compiled.patterns)
            usage_error(f"no pattern `{only}` in {file} (it declares: {names})")
        compiled = compiled.model_copy(update={"patterns": kept})
    text = to_yaml(compiled) if fmt == "yaml" else to_json(compiled)
    if out is None:
        click.echo(text, nl=False)
        return
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target} ({len(compiled.patterns)} pattern(s), {fmt})", err=True)
