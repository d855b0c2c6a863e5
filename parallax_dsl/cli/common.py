"""Helpers shared by `plxc` commands: colour decisions and turning unexpected failures into exit code 2."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import click

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def use_color(choice: str) -> bool:
    """`--color auto|always|never`; auto means a terminal without NO_COLOR."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def allow_deep_nesting() -> None:
    """Raise the recursion limit for commands that walk whole expression trees (deeply nested or very long
    expressions); what is still too deep is reported as PLX006, never as a RecursionError."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


def usage_error(message: str) -> None:
    click.echo(f"plxc: error: {message}", err=True)
    raise SystemExit(EXIT_USAGE)


def no_traceback(func: Callable[P, R]) -> Callable[P, R]:
    """Report an unexpected exception in one line and exit 2, instead of a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (SystemExit, KeyboardInterrupt, click.exceptions.ClickException, click.exceptions.Exit):
            raise
        except Exception as exc:
            click.echo(
                f"plxc: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in plxc; please report it with the input that caused it.",
                err=True,
            )
            raise SystemExit(EXIT_USAGE) from None

    return wrapper
