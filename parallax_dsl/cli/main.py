"""The `plxc` click group; commands are imported lazily so start-up stays fast."""

from __future__ import annotations

import importlib
from typing import Any

import click

# command name -> (module, attribute). Each module owns one command.
_COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("parallax_dsl.cli.check_cmd", "check"),
    "fmt": ("parallax_dsl.cli.fmt_cmd", "fmt"),
    "compile": ("parallax_dsl.cli.compile_cmd", "compile_command"),
    "graph": ("parallax_dsl.cli.graph_cmd", "graph"),
    "schema": ("parallax_dsl.cli.schema_cmd", "schema"),
    "license": ("parallax_dsl.cli.license_cmd", "license_group"),
    "lsp": ("parallax_dsl.cli.lsp_cmd", "lsp"),
    "rule": ("parallax_dsl.cli.rule_cmd", "rule"),
    "run": ("parallax_dsl.cli.run_cmd", "run"),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module = importlib.import_module(target[0])
        command: Any = getattr(module, target[1])
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="parallax-dsl", prog_name="plxc")
def cli() -> None:
    """plxc — check, compile and run .plx coordination patterns.

    \b
    Example:
      plxc check examples/
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="plxc")
