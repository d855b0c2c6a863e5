"""`plxc lsp`: the language server on stdin/stdout, for any editor with an LSP client."""

from __future__ import annotations

import click

from parallax_dsl.cli.common import no_traceback, usage_error


@click.command(
    "lsp",
    epilog="""\b
Examples:
  plxc lsp                             serve on stdio (what editors/vscode/ starts)
  nvim: vim.lsp.start({ name = "plxc", cmd = { "plxc", "lsp" } })""",
)
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
@no_traceback
def lsp(stdio: bool) -> None:
    """Run the .plx language server: diagnostics as you type, hover, go to definition, completion, document
    outline and formatting. It talks the Language Server Protocol over stdin/stdout; see docs/editors.md.
    """
    try:
        from parallax_dsl.lsp.server import main
    except ImportError as exc:  # pygls is only needed by this command
        usage_error(f"the language server needs pygls ({exc}); install it with `pip install 'pygls>=2,<3'`")
        return
    main()
