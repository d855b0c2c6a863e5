"""The `plxc` click group; commands are imported lazily so start-up stays fast."""

from __future__ import annotations

import importlib
from typing import Any

import click

# command name -> (module, attribute, one-line help). Each module owns one command; `plxc --help` lists them
# from this table without importing any of them.
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("parallax_dsl.cli.check_cmd", "check", "Check .plx files and folders: syntax, names, types, lints."),
    "compile": ("parallax_dsl.cli.compile_cmd", "compile_command", "Compile a .plx file to YAML or JSON."),
    "explain": ("parallax_dsl.cli.explain_cmd", "explain", "Static confidence intervals and agent-call bounds."),
    "fmt": ("parallax_dsl.cli.fmt_cmd", "fmt", "Format .plx files in the one canonical layout."),
    "graph": ("parallax_dsl.cli.graph_cmd", "graph", "Draw a pattern's DAG as Mermaid or Graphviz DOT."),
    "license": ("parallax_dsl.cli.license_cmd", "license_group", "Show, install or remove the licence key."),
    "lsp": ("parallax_dsl.cli.lsp_cmd", "lsp", "Run the language server on stdio (for editors)."),
    "rule": ("parallax_dsl.cli.rule_cmd", "rule", "Explain a diagnostic code: what, why, example, fix."),
    "run": ("parallax_dsl.cli.run_cmd", "run", "Run a pattern with the built-in scheduler."),
    "schema": ("parallax_dsl.cli.schema_cmd", "schema", "Print the JSON Schema of compiled patterns."),
    "test": ("parallax_dsl.cli.test_cmd", "test", "Run the in-file `test` blocks of .plx files."),
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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="parallax-dsl", prog_name="plxc")
def cli() -> None:
    """plxc — check, compile, run and test .plx coordination patterns.

    \b
    Example:
      plxc check examples/
      plxc run examples/consensus_review.plx --input @examples/inputs/consensus_review.json \\
               --agents examples/agents.py
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="plxc")


if __name__ == "__main__":
    main()
