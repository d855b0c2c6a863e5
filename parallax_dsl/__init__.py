"""parallax-dsl: the .plx pattern language — parse, check, compile and run coordination patterns.

>>> import parallax_dsl
>>> module = parallax_dsl.parse('pattern Hello { output "hi" }')
>>> compiled = parallax_dsl.compile('pattern Hello { output "hi" }')
>>> compiled.name
'Hello'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from parallax_dsl.ast import Module
    from parallax_dsl.checks.run import CheckReport
    from parallax_dsl.ir.model import CompiledFile, CompiledPattern


def _as_source(text_or_path: str | Path) -> tuple[str | None, Path]:
    """(text, path): a Path or an existing `*.plx` path is read from disk; anything else is source text."""
    if isinstance(text_or_path, Path):
        return None, text_or_path
    if text_or_path.endswith((".plx", ".yaml", ".yml", ".json")) and "\n" not in text_or_path:
        candidate = Path(text_or_path)
        if candidate.is_file():
            return None, candidate
    return text_or_path, Path("<input>.plx")


def parse(text: str, path: str = "<input>") -> Module:
    """Parse .plx text into the AST; raises `PlxSyntaxError` (with `.diagnostics`) on invalid syntax."""
    from parallax_dsl.syntax import parse as _parse

    return _parse(text, path)


def check(text_or_path: str | Path) -> CheckReport:
    """Every diagnostic `plxc check` would report for this source text or file."""
    from parallax_dsl.checks.run import check_paths, check_text

    text, path = _as_source(text_or_path)
    if text is not None:
        return check_text(text, str(path))
    report, _ = check_paths([str(path)])
    return report


def compile_file(text_or_path: str | Path) -> CompiledFile:
    """Compile every pattern of a file; raises `CompileError` (with `.diagnostics`) on errors."""
    from parallax_dsl.ir.compile import compile_source

    text, path = _as_source(text_or_path)
    return compile_source(text, path)


def compile(text_or_path: str | Path, pattern: str | None = None) -> CompiledPattern:
    """Compile one pattern (the file's only pattern, or the one named) to the IR the runtime executes."""
    compiled = compile_file(text_or_path)
    if pattern is None:
        if len(compiled.patterns) != 1:
            names = ", ".join(p.name for p in compiled.patterns) or "none"
            raise ValueError(f"the file declares several patterns ({names}); pass pattern=")
        return compiled.patterns[0]
    for candidate in compiled.patterns:
        if candidate.name == pattern:
            return candidate
    raise ValueError(f"no pattern named {pattern!r}")


__all__ = ["__version__", "check", "compile", "compile_file", "parse"]
