"""Finding patterns to run: a file's own patterns, those of the files it imports, and stdlib patterns by name."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from parallax_dsl.ir.model import CompiledFile, CompiledPattern
from parallax_dsl.runtime.errors import UNKNOWN_PATTERN, PlxRuntimeError
from parallax_dsl.stdlib_files import find_stdlib_file, stdlib_dirs


def compile_with_imports(path: str | Path, text: str | None = None) -> tuple[CompiledFile, list[CompiledPattern]]:
    """Compile a file (raising CompileError on errors) and lower the patterns of every file it imports."""
    from parallax_dsl.checks.loader import Workspace
    from parallax_dsl.ir.compile import compile_source
    from parallax_dsl.ir.lower import lower_pattern

    compiled = compile_source(text, path)
    workspace = Workspace()
    root = workspace.load(Path(path), text)
    imported: list[CompiledPattern] = []
    for loaded in workspace.files.values():
        if loaded is root or loaded.parse is None or loaded.parse.module is None:
            continue
        imported.extend(lower_pattern(p, loaded.source.path) for p in loaded.parse.module.patterns)
    return compiled, imported


class PatternLibrary:
    """Patterns `use` can name: the ones given (the run's file and its imports), then stdlib patterns."""

    def __init__(self, patterns: Iterable[CompiledPattern] = (), stdlib: Iterable[Path] | None = None) -> None:
        self.patterns: dict[str, CompiledPattern] = {}
        for p in patterns:
            self.patterns.setdefault(p.name, p)
        self.stdlib = None if stdlib is None else list(stdlib)

    def add(self, patterns: Iterable[CompiledPattern]) -> None:
        for p in patterns:
            self.patterns.setdefault(p.name, p)

    def resolve(self, name: str) -> CompiledPattern:
        """The pattern called `name` (a `stdlib.` prefix is ignored); raises PlxRuntimeError(UNKNOWN_PATTERN)."""
        name = name.removeprefix("stdlib.").removeprefix("stdlib:")
        found = self.patterns.get(name)
        if found is not None:
            return found
        path = find_stdlib_file(name, self.stdlib)
        if path is None:
            where = ", ".join(str(d) for d in (self.stdlib if self.stdlib is not None else stdlib_dirs()))
            raise PlxRuntimeError(
                UNKNOWN_PATTERN,
                f"unknown pattern `{name}`: it is not in this file or its imports, and no stdlib file declares it "
                f"(looked in {where})",
            )
        from parallax_dsl.ir.compile import CompileError

        try:
            compiled, imported = compile_with_imports(path)
        except CompileError as exc:
            raise PlxRuntimeError(
                UNKNOWN_PATTERN, f"stdlib pattern `{name}` ({path}) does not compile: {exc}"
            ) from None
        self.add(compiled.patterns)
        self.add(imported)
        found = self.patterns.get(name)
        if found is None:
            raise PlxRuntimeError(UNKNOWN_PATTERN, f"{path} does not declare pattern `{name}`")
        return found
