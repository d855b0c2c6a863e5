"""`plxc lsp`: the .plx language server (pygls over stdio). The language knowledge is in `features`."""
