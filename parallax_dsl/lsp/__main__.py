"""`python -m parallax_dsl.lsp`: the language server on stdio (the same as `plxc lsp`)."""

from parallax_dsl.lsp.server import main

if __name__ == "__main__":
    main()
