"""`compile`: checked source → CompiledFile (every pattern of a file), refusing files with errors."""

from __future__ import annotations

from pathlib import Path

from parallax_dsl.diagnostics.model import Diagnostic, Severity, SourceFile
from parallax_dsl.ir import model as ir
from parallax_dsl.syntax.gcpause import gc_paused


class CompileError(Exception):
    """The source has errors; `.diagnostics` lists them and `.sources` holds the texts to quote."""

    def __init__(self, diagnostics: list[Diagnostic], sources: dict[str, SourceFile]) -> None:
        self.diagnostics = diagnostics
        self.sources = sources
        first = diagnostics[0]
        super().__init__(f"{first.span.file}:{first.span.line}:{first.span.column}: {first.code} {first.message}")


@gc_paused()
def compile_source(text: str | None = None, path: str | Path = "<input>") -> ir.CompiledFile:
    """Compile a file (or `text` standing for it). Raises CompileError when any error is found."""
    from parallax_dsl.checks.loader import Workspace
    from parallax_dsl.checks.run import check_file
    from parallax_dsl.ir.lower import lower_pattern

    workspace = Workspace()
    loaded = workspace.load(Path(path), text)
    errors: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    for other in workspace.files.values():
        sources[other.source.path] = other.source
        # Only errors stop a compile; the analysis warnings (PLX5xx) would be computed here and thrown away,
        # and the analysis runs once below for the IR anyway.
        result = check_file(workspace, other, analysis=False)
        errors.extend(d for d in result.diagnostics if d.severity is Severity.ERROR)
    if errors:
        raise CompileError(sorted(errors, key=lambda d: d.sort_key()), sources)
    assert loaded.parse is not None and loaded.parse.module is not None
    from parallax_dsl.analysis import attach_analysis
    from parallax_dsl.checks.run import nesting_too_deep

    try:
        patterns = [lower_pattern(p, loaded.source.path) for p in loaded.parse.module.patterns]
        patterns = attach_analysis(patterns, workspace, loaded)  # confidence intervals and agent-call bounds
    except RecursionError:  # lowering and the analysis recurse over expressions: one too deep is PLX006
        raise CompileError([nesting_too_deep(loaded.source.path)], sources) from None
    return ir.CompiledFile(patterns=patterns)
