"""`plxc fmt [--check] [--diff] PATH...`: rewrite .plx files in the one canonical layout, comments kept."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, EXIT_OK, no_traceback, usage_error


def _plural(count: int, word: str = "file") -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _unified_diff(before: str, after: str, shown: str) -> str:
    import difflib

    relative = not shown.startswith(("/", "<", "..")) and ":" not in shown
    old, new = (f"a/{shown}", f"b/{shown}") if relative else (shown, shown)
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), old, new)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


@click.command(
    "fmt",
    epilog="""\b
Examples:
  plxc fmt examples/                   rewrite every .plx file under examples/
  plxc fmt --check .                   exit 1 and list the files that are not formatted (for CI)
  plxc fmt --diff pattern.plx          show what would change, without writing
  plxc fmt - < pattern.plx             format standard input to standard output""",
)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", is_flag=True, help="Do not write; exit 1 if any file would be reformatted.")
@click.option("--diff", is_flag=True, help="Do not write; print a unified diff of the changes.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only, without the list of files and the summary.")
@no_traceback
def fmt(paths: tuple[str, ...], check: bool, diff: bool, quiet: bool) -> None:
    """Format .plx files and folders in the canonical layout (comments are kept).

    Two-space indentation, one statement, setting or field per line, spaces around operators; map literals stay on
    one line when they fit in 100 columns. Files with syntax errors are left alone and reported.

    Exit status: 0 when done (or, with --check/--diff, nothing would change), 1 when a file would be
    reformatted or has syntax errors, 2 on usage or internal errors.
    """
    from parallax_dsl.checks.loader import display_path, expand_paths

    if not paths:
        usage_error("no paths given; try `plxc fmt examples/` or `plxc fmt --check .`")
    if "-" in paths:
        if len(paths) > 1:
            usage_error("`-` (standard input) cannot be combined with other paths")
        raise SystemExit(_format_stdin(check=check, diff=diff))
    files, missing = expand_paths(list(paths))
    if missing:
        usage_error("path not found: " + ", ".join(missing))
    if not files:
        usage_error("no .plx files found in " + ", ".join(paths))

    changed = unchanged = failed = 0
    for path in files:
        shown = display_path(path)
        result = _format_file(path, shown)
        if result is None:
            failed += 1
            continue
        before, after = result
        if before == after:
            unchanged += 1
            continue
        changed += 1
        if diff:
            click.echo(_unified_diff(before, after, shown), nl=False)
        if check:
            if not quiet:
                click.echo(f"Would reformat: {shown}")
        elif not diff:
            path.write_text(after, encoding="utf-8", newline="\n")
            if not quiet:
                click.echo(f"Reformatted: {shown}", err=True)
    if not quiet:
        if check or diff:
            parts = [f"{_plural(changed)} would be reformatted", f"{_plural(unchanged)} already formatted"]
        else:
            parts = [f"{_plural(changed)} reformatted", f"{_plural(unchanged)} left unchanged"]
        if failed:
            parts.append(f"{_plural(failed)} with errors")
        click.echo(", ".join(parts), err=diff and not check)
    would_change = changed and (check or diff)
    raise SystemExit(EXIT_FINDINGS if failed or would_change else EXIT_OK)


def _format_file(path: Path, shown: str) -> tuple[str, str] | None:
    """(text before, text after), or None after reporting why the file cannot be formatted."""
    from parallax_dsl.checks.loader import decode_source
    from parallax_dsl.diagnostics.render import render_concise
    from parallax_dsl.fmt import FormatError, format_source

    try:
        data = path.read_bytes()
    except OSError as exc:
        click.echo(f"{shown}:1:1: PLX005 cannot read file: {exc.strerror or exc}", err=True)
        return None
    source, problems = decode_source(shown, data)
    if problems:
        click.echo(render_concise(problems), nl=False, err=True)
        return None
    before = data.decode("utf-8-sig")
    try:
        after = format_source(source.text, shown)
    except FormatError as exc:
        if exc.diagnostics:
            click.echo(render_concise(exc.diagnostics), nl=False, err=True)
        else:
            click.echo(f"plxc fmt: error: {exc}", err=True)
        return None
    return before, after


def _format_stdin(*, check: bool, diff: bool) -> int:
    from parallax_dsl.diagnostics.render import render_concise
    from parallax_dsl.fmt import FormatError, format_source

    before = sys.stdin.read()
    try:
        after = format_source(before, "<stdin>")
    except FormatError as exc:
        click.echo(
            render_concise(exc.diagnostics) if exc.diagnostics else f"plxc fmt: error: {exc}", nl=False, err=True
        )
        return EXIT_FINDINGS
    if diff:
        click.echo(_unified_diff(before, after, "<stdin>"), nl=False)
    elif check:
        if before != after:
            click.echo("Would reformat: <stdin>")
    else:
        click.echo(after, nl=False)
    return EXIT_FINDINGS if (check or diff) and before != after else EXIT_OK
