"""`plxc test [PATH...]`: run in-file `test` blocks with canned agents; pytest-like summary and exit codes."""

from __future__ import annotations

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, EXIT_OK, allow_deep_nesting, no_traceback, usage_error


@click.command(
    "test",
    epilog="""\b
Examples:
  plxc test
  plxc test examples/ -k consensus
  plxc test stdlib_patterns/ --format junit > report.xml
  plxc test examples/consensus_review.plx --update   # rewrite snapshots""",
)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-k", "keyword", help="Only tests whose `file::name` matches (e.g. 'consensus and not slow').")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "junit")), default="text", show_default=True)
@click.option("--update", is_flag=True, help="Rewrite snapshot files instead of comparing with them.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=8, show_default=True, help="Tests run at once.")
@no_traceback
def test(paths: tuple[str, ...], keyword: str | None, fmt: str, update: bool, jobs: int) -> None:
    """Run the `test` blocks of .plx files and folders (default: the current folder).

    Exit status: 0 when every test passed, 1 when any failed, 2 on usage errors.
    """
    allow_deep_nesting()
    from parallax_dsl.diagnostics.render import render
    from parallax_dsl.testing.report import render_json, render_junit, render_text
    from parallax_dsl.testing.select import KeywordError, matches
    from parallax_dsl.testing.session import run_session

    if keyword:
        try:
            matches(keyword, "")
        except KeywordError as exc:
            usage_error(str(exc))
    session, missing = run_session(list(paths) or ["."], keyword=keyword, update=update, concurrency=jobs)
    if missing:
        usage_error("path not found: " + ", ".join(missing))
    if session.load_errors:
        click.echo(render("full", session.load_errors, session.sources), err=True, nl=False)
    output = {"text": render_text, "json": render_json, "junit": render_junit}[fmt](session)
    click.echo(output, nl=False)
    raise SystemExit(EXIT_FINDINGS if session.failed or session.load_errors else EXIT_OK)
