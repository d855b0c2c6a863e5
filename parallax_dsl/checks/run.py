"""Checks files and folders end to end: load, parse, follow imports, resolve names, filter, sort."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parallax_dsl.ast import Module, PatternDecl, Statement, UseStmt
from parallax_dsl.checks.edition import EditionTarget, edition_diagnostics
from parallax_dsl.checks.loader import LoadedFile, Workspace, expand_paths
from parallax_dsl.checks.suppress import apply_filters
from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity, SourceFile, Span
from parallax_dsl.semantics.checker import CheckResult, ModuleChecker, PatternInfo
from parallax_dsl.semantics.stdlib_names import STDLIB_PATTERNS, stdlib_file
from parallax_dsl.syntax.gcpause import gc_paused


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


def nesting_too_deep(path: str) -> Diagnostic:
    """PLX006 for a file whose expressions nest too deeply to check or compile."""
    return Diagnostic(
        "PLX006",
        "nesting-too-deep",
        Severity.ERROR,
        "this file nests expressions too deeply to check",
        Span(path, 1, 1, 1, 1, 0, 0),
        help="split long expressions with `let` declarations",
    )


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
            out.setdefault(pattern.name, PatternInfo.of(pattern))
        stack.extend(other.imports)
    return out


_STDLIB_INFO: dict[tuple[Path, int], PatternInfo | None] = {}


def stdlib_pattern_info(name: str) -> PatternInfo | None:
    """What the checker knows of a stdlib pattern (its inputs, groups, output fields), read from its file."""
    path = stdlib_file(name)
    if path is None:
        return None
    try:
        key = (path, path.stat().st_mtime_ns)
    except OSError:
        return None
    if key not in _STDLIB_INFO:
        from parallax_dsl.syntax.parser import parse_source

        parsed = parse_source(path.read_text(encoding="utf-8"), str(path))
        found = [p for p in parsed.module.patterns if p.name == name] if parsed.module is not None else []
        _STDLIB_INFO[key] = PatternInfo.of(found[0]) if found else None
    return _STDLIB_INFO[key]


def _stdlib_references(module: Module) -> set[str]:
    """Stdlib pattern names that `use` statements and tests of `module` refer to."""
    names = {u.target.removeprefix("stdlib.") for p in module.patterns for u in _uses(p.body)}
    names.update(t.pattern.removeprefix("stdlib.") for t in module.tests)
    return names & set(STDLIB_PATTERNS)


def check_file(
    workspace: Workspace, loaded: LoadedFile, edition: EditionTarget | None = None, *, analysis: bool = True
) -> CheckResult:
    """Semantic checks of one loaded file (after parsing succeeded); `edition` adds the licence checks.

    `analysis=False` leaves out the confidence/call-bound analysis (PLX501–PLX507, warnings only): for callers
    that keep only errors, such as `compile_source`, which runs the analysis once itself for the IR.
    """
    result = CheckResult(diagnostics=list(loaded.diagnostics))
    if loaded.parse is None:
        return result
    result.diagnostics.extend(loaded.parse.diagnostics)
    module = loaded.parse.module
    if module is None:
        return result
    known = _visible_patterns(workspace, loaded)
    for pattern in module.patterns:
        known[pattern.name] = PatternInfo.of(pattern)
    for name in _stdlib_references(module) - set(known):
        info = stdlib_pattern_info(name)
        if info is not None:
            known[name] = info
    try:
        semantic = ModuleChecker(module, known, STDLIB_PATTERNS).check()
    except RecursionError:
        result.diagnostics.append(nesting_too_deep(loaded.source.path))
        return result
    result.diagnostics.extend(semantic.diagnostics)
    result.definitions = semantic.definitions
    result.references = semantic.references
    if not any(d.severity is Severity.ERROR for d in result.diagnostics):
        try:
            result.diagnostics.extend(_ir_checks(module, loaded.source.path, workspace, edition, analysis=analysis))
        except RecursionError:  # lowering and the analysis recurse over expressions the checker walked iteratively
            result.diagnostics.append(nesting_too_deep(loaded.source.path))
            return result
    result.diagnostics.extend(_composition_cycles(workspace, loaded))
    if edition is not None:
        result.diagnostics.extend(edition_diagnostics(module, edition))
    return result


def _ir_checks(
    module: Module,
    path: str,
    workspace: Workspace | None = None,
    edition: EditionTarget | None = None,
    *,
    analysis: bool = True,
) -> list[Diagnostic]:
    from parallax_dsl.analysis.diagnostics import module_diagnostics
    from parallax_dsl.ir.checks import check_pattern_structure

    out: list[Diagnostic] = []
    for pattern in module.patterns:
        out.extend(check_pattern_structure(pattern))
    if analysis and not any(d.severity is Severity.ERROR for d in out):
        out.extend(module_diagnostics(module, path, workspace, edition))  # PLX5xx: confidence and call bounds
    return out


def _uses(statements: tuple[Statement, ...]) -> list[UseStmt]:
    from parallax_dsl.ir.checks import _child_blocks

    found: list[UseStmt] = []
    stack = list(statements)
    while stack:
        statement = stack.pop()
        if isinstance(statement, UseStmt):
            found.append(statement)
        for block in _child_blocks(statement):
            stack.extend(block)
    return sorted(found, key=lambda u: u.span.start_pos)


def _composition_cycles(workspace: Workspace, loaded: LoadedFile) -> list[Diagnostic]:
    """`use` chains that lead back to the pattern they start from, across files."""
    declared: dict[str, PatternDecl] = {}
    for other in workspace.files.values():
        if other.parse is not None and other.parse.module is not None:
            for pattern in other.parse.module.patterns:
                declared.setdefault(pattern.name, pattern)
    if loaded.parse is None or loaded.parse.module is None:
        return []
    out: list[Diagnostic] = []
    for pattern in loaded.parse.module.patterns:
        # Depth-first search for a path of `use`s from this pattern back to itself.
        stack: list[tuple[str, list[UseStmt]]] = [(pattern.name, [])]
        seen: set[str] = set()
        while stack:
            name, path = stack.pop()
            decl = declared.get(name)
            if decl is None or name in seen:
                continue
            seen.add(name)
            for use in _uses(decl.body):
                target = use.target.removeprefix("stdlib.")
                if target == pattern.name:
                    chain = " → ".join([pattern.name, *(u.target.removeprefix("stdlib.") for u in [*path, use])])
                    first = (path or [use])[0]
                    out.append(
                        Diagnostic(
                            "PLX304",
                            "composition-cycle",
                            Severity.ERROR,
                            f"pattern `{pattern.name}` uses itself: {chain}",
                            first.target_span,
                            labels=tuple(Label(u.target_span, "continues the cycle") for u in [*path, use][1:]),
                            help="patterns compose as a tree: remove one of the `use`s on this cycle",
                        )
                    )
                    stack.clear()
                    break
                stack.append((target, [*path, use]))
    return out


@gc_paused()
def check_paths(
    paths: list[str],
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    edition: EditionTarget | None = None,
) -> tuple[CheckReport, list[str]]:
    """Check files and folders; returns the report and the paths that do not exist."""
    files, missing = expand_paths(paths)
    workspace = Workspace()
    report = CheckReport(files=len(files))
    for path in files:
        workspace.load(path)
    diagnostics: list[Diagnostic] = []
    for loaded in workspace.files.values():
        result = check_file(workspace, loaded, edition)
        report.results[loaded.source.path] = result
        report.sources[loaded.source.path] = loaded.source
        diagnostics.extend(result.diagnostics)
    kept = apply_filters(diagnostics, report.sources, select or (), ignore or ())
    unique = list(dict.fromkeys(kept))
    report.diagnostics = sorted(unique, key=lambda d: d.sort_key())
    return report, missing


@gc_paused()
def check_text(text: str, path: str = "<input>", edition: EditionTarget | None = None) -> CheckReport:
    """Check source text that is not on disk (the language server, tests, the Python API)."""
    workspace = Workspace()
    loaded = workspace.load(Path(path), text)
    result = check_file(workspace, loaded, edition)
    report = CheckReport(files=1)
    report.sources[loaded.source.path] = loaded.source
    report.results[loaded.source.path] = result
    kept = apply_filters(result.diagnostics, report.sources)
    report.diagnostics = sorted(dict.fromkeys(kept), key=lambda d: d.sort_key())
    return report
