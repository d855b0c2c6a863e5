"""Loads the one .plx grammar once per process, with Lark's table cache on disk for fast start-up."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark

GRAMMAR_PATH = Path(__file__).resolve().parent.parent / "grammar" / "plx.lark"
START_RULES = ("start", "expr")


def _cache_path(grammar_text: str) -> str:
    """A per-user cache file keyed by the grammar text, so a grammar change never loads stale tables."""
    import hashlib

    from lark import __version__ as lark_version

    digest = hashlib.sha256(f"{lark_version}\n{grammar_text}".encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "parallax-dsl"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    return str(folder / f"plx-grammar-{digest}.lark-cache")


@functools.cache
def grammar_text() -> str:
    return GRAMMAR_PATH.read_text(encoding="utf-8")


@functools.cache
def plx_parser() -> Lark:
    """The LALR parser with the contextual lexer, positions on, tables cached on disk."""
    from lark import Lark

    text = grammar_text()
    options: dict[str, object] = {
        "parser": "lalr",
        "lexer": "contextual",
        "propagate_positions": True,
        "maybe_placeholders": True,
        "start": list(START_RULES),
    }
    try:
        return Lark(text, cache=_cache_path(text), **options)
    except OSError:
        return Lark(text, **options)
