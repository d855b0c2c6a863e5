"""The `plxc` command-line interface: a click group with one module per command."""
