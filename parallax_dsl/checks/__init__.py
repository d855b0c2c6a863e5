"""Checking files and folders: loading, imports, the rule registry, suppressions and selection."""
