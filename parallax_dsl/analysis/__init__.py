"""Static analysis of patterns: confidence intervals, agent-call bounds and the diagnostics they give.

Abstract interpretation over the IR (docs/analysis.md): every value gets a confidence interval [lo, hi] (and a
value interval where it is a number), each bound remembering the step that set it; every step and the whole
pattern get the minimum and maximum number of agent calls a run makes. `plxc explain` prints it, `plxc check`
reports PLX501–PLX507 from it, and `plxc compile` records it under each pattern's `analysis`.

>>> from parallax_dsl.analysis import analyse_source
>>> [a] = analyse_source('pattern P { let x = 1 with confidence 0.7  output x }')
>>> str(a.output()), str(a.calls)
('[0.7, 0.7]', '0–0')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parallax_dsl.analysis.engine import Calls, Library, PatternAnalysis, analyse_pattern, analyse_patterns
from parallax_dsl.analysis.view import Pattern, from_ast, from_model

if TYPE_CHECKING:
    from parallax_dsl.checks.loader import LoadedFile, Workspace
    from parallax_dsl.ir import model as ir


def workspace_patterns(workspace: Workspace, root: LoadedFile) -> tuple[list[Pattern], list[Pattern]]:
    """(the patterns of `root`, the patterns of every other loaded file) as analysis views."""
    own = _file_patterns(root)
    others = [p for loaded in workspace.files.values() if loaded is not root for p in _file_patterns(loaded)]
    return own, others


def _file_patterns(loaded: LoadedFile) -> list[Pattern]:
    module = loaded.parse.module if loaded.parse is not None else None
    if module is None:
        return []
    return [from_ast(p, loaded.source.path) for p in module.patterns]


def _lazy_others(workspace: Workspace, root: LoadedFile) -> list[Callable[[], list[Pattern]]]:
    """The patterns of every loaded file but `root`, one file at a time, for `Library(more=…)`: a file's views
    are only built when a `use` looks for a name the files before it do not declare."""
    return [partial(_file_patterns, loaded) for loaded in workspace.files.values() if loaded is not root]


def analyse_source(
    text: str,
    path: str = "<input>.plx",
    agent_limit: int | None = None,
    stdlib_dirs: Sequence[Path] | None = None,
) -> list[PatternAnalysis]:
    """Analyse the patterns of source text (its imports resolved relative to `path`, stdlib patterns in
    `stdlib_dirs`, default: where the runtime looks); for tests and tools."""
    from parallax_dsl.checks.loader import Workspace

    workspace = Workspace()
    root = workspace.load(Path(path), text)
    own, others = workspace_patterns(workspace, root)
    library = Library([*own, *others], stdlib_dirs)
    return [analyse_pattern(p, library, agent_limit) for p in own]


def attach_analysis(
    patterns: list[ir.CompiledPattern], workspace: Workspace, root: LoadedFile
) -> list[ir.CompiledPattern]:
    """The compiled patterns with `analysis` filled (no licence agent limit assumed: `agent_limit: null`)."""
    from parallax_dsl.analysis.report import analysis_dict

    views = [from_model(p) for p in patterns]
    library = Library(views, more=_lazy_others(workspace, root))  # one view per pattern, one plan per view
    out = []
    for compiled, view in zip(patterns, views, strict=True):
        analysis: dict[str, Any] = analysis_dict(analyse_pattern(view, library, None))
        out.append(compiled.model_copy(update={"analysis": analysis}))
    return out


__all__ = [
    "Calls",
    "Library",
    "Pattern",
    "PatternAnalysis",
    "analyse_pattern",
    "analyse_patterns",
    "analyse_source",
    "attach_analysis",
    "from_ast",
    "from_model",
    "workspace_patterns",
]
