"""Checks files and folders end to end: load, parse, follow imports, resolve names, filter, sort."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parallax_dsl.checks.loader import LoadedFile, Workspace, expand_paths
from parallax_dsl.checks.suppress import apply_filters
from parallax_dsl.diagnostics.model import Diagnostic, Severity, SourceFile, Span
from parallax_dsl.semantics.checker import CheckResult, ModuleChecker, PatternInfo
from parallax_dsl.semantics.stdlib_names import UPSTREAM_PATTERNS


@dataclass
class CheckReport:
    """What `plxc check` found: diagnostics (sorted), the sources to quote, and how many files were checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    files: int = 0
    results: dict[str, CheckResult] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def _visible_patterns(workspace: Workspace, loaded: LoadedFile) -> dict[str, PatternInfo]:
    """Patterns of the files `loaded` imports, transitively (imports re-export what they import)."""
    out: dict[str, PatternInfo] = {}
    seen: set[Path] = {loaded.path}
    stack = list(loaded.imports)
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        other = workspace.files.get(path)
        if other is None or other.parse is None or other.parse.module is None:
            continue
        for pattern in other.parse.module.patterns:
            names = tuple(f.name for decl in pattern.inputs for f in decl.fields)
            out.setdefault(pattern.name, PatternInfo(pattern.name, pattern.name_span, names))
        stack.extend(other.imports)
    return out


def check_file(workspace: Workspace, loaded: LoadedFile) -> CheckResult:
    """Semantic checks of one loaded file (after parsing succeeded)."""
    result = CheckResult(diagnostics=list(loaded.diagnostics))
    if loaded.parse is None:
        return result
    result.diagnostics.extend(loaded.parse.diagnostics)
    module = loaded.parse.module
    if module is None:
        return result
    known = _visible_patterns(workspace, loaded)
    for pattern in module.patterns:
        names = tuple(f.name for decl in pattern.inputs for f in decl.fields)
        known[pattern.name] = PatternInfo(pattern.name, pattern.name_span, names)
    try:
        semantic = ModuleChecker(module, known, UPSTREAM_PATTERNS).check()
    except RecursionError:
        result.diagnostics.append(
            Diagnostic(
                "PLX006",
                "nesting-too-deep",
                Severity.ERROR,
                "this file nests expressions too deeply to check",
                Span(loaded.source.path, 1, 1, 1, 1, 0, 0),
                help="split long expressions with `let` declarations",
            )
        )
        return result
    result.diagnostics.extend(semantic.diagnostics)
    result.definitions = semantic.definitions
    result.references = semantic.references
    return result


def check_paths(
    paths: list[str], *, select: list[str] | None = None, ignore: list[str] | None = None
) -> tuple[CheckReport, list[str]]:
    """Check files and folders; returns the report and the paths that do not exist."""
    files, missing = expand_paths(paths)
    workspace = Workspace()
    report = CheckReport(files=len(files))
    for path in files:
        workspace.load(path)
    diagnostics: list[Diagnostic] = []
    for loaded in workspace.files.values():
        result = check_file(workspace, loaded)
        report.results[loaded.source.path] = result
        report.sources[loaded.source.path] = loaded.source
        diagnostics.extend(result.diagnostics)
    kept = apply_filters(diagnostics, report.sources, select or (), ignore or ())
    unique = list(dict.fromkeys(kept))
    report.diagnostics = sorted(unique, key=lambda d: d.sort_key())
    return report, missing


def check_text(text: str, path: str = "<input>") -> CheckReport:
    """Check source text that is not on disk (the language server, tests, the Python API)."""
    workspace = Workspace()
    loaded = workspace.load(Path(path), text)
    result = check_file(workspace, loaded)
    report = CheckReport(files=1)
    report.sources[loaded.source.path] = loaded.source
    report.results[loaded.source.path] = result
    kept = apply_filters(result.diagnostics, report.sources)
    report.diagnostics = sorted(dict.fromkeys(kept), key=lambda d: d.sort_key())
    return report
