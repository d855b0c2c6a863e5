"""A `plxc test` session: discover test blocks, run them concurrently, keep results in discovery order."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from parallax_dsl.checks.loader import Workspace, expand_paths
from parallax_dsl.diagnostics.model import Diagnostic, Severity, SourceFile
from parallax_dsl.testing.runner import (
    TestCase,
    TestOutcome,
    TestTarget,
    resolve_target,
    run_case,
    setup_error,
    snapshot_path,
)
from parallax_dsl.testing.select import matches
from parallax_dsl.testing.snapshots import SnapshotStore


@dataclass
class Session:
    """Everything one `plxc test` run found and did."""

    outcomes: list[TestOutcome] = field(default_factory=list)
    deselected: int = 0
    files: list[str] = field(default_factory=list)
    load_errors: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    duration: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def passed(self) -> int:
        return self.count("passed")

    @property
    def failed(self) -> int:
        return self.count("failed") + self.count("error")

    def summary(self) -> str:
        """The closing line: `N passed, N failed` (`, N skipped` when -k deselected tests)."""
        line = f"{self.passed} passed, {self.failed} failed"
        return line + (f", {self.deselected} skipped" if self.deselected else "")


def discover(paths: list[str], keyword: str | None) -> tuple[Session, list[TestCase], list[str]]:
    """Test blocks in the given files and folders (all `*.plx`, including `*.test.plx`), in file order."""
    files, missing = expand_paths(paths)
    session = Session(files=[])
    workspace = Workspace()
    cases: list[TestCase] = []
    for path in files:
        loaded = workspace.load(path)
        session.sources[loaded.source.path] = loaded.source
        parse = loaded.parse
        if parse is None or parse.module is None:
            problems = loaded.diagnostics or (parse.diagnostics if parse else [])
            session.load_errors.extend(d for d in problems if d.severity is Severity.ERROR)
            continue
        if not parse.module.tests:
            continue
        session.files.append(loaded.source.path)
        for decl in parse.module.tests:
            case = TestCase(loaded.source.path, decl, loaded.source)
            if keyword and not matches(keyword, case.id):
                session.deselected += 1
                continue
            cases.append(case)
    return session, cases, missing


async def _run_all(cases: list[TestCase], update: bool, concurrency: int) -> list[TestOutcome]:
    from parallax_dsl.ir.compile import CompileError
    from parallax_dsl.runtime.errors import PlxRuntimeError

    stores: dict[str, SnapshotStore] = {}
    compiled: dict[str, object] = {}
    targets: dict[int, TestTarget | TestOutcome] = {}
    for index, case in enumerate(cases):
        stores.setdefault(case.file, SnapshotStore(snapshot_path(case.file), update=update))
        try:
            targets[index] = resolve_target(case, compiled)
        except CompileError as exc:
            targets[index] = setup_error(
                case, exc.diagnostics, f"the file does not compile ({len(exc.diagnostics)} error(s)); run plxc check"
            )
        except PlxRuntimeError as exc:
            targets[index] = setup_error(case, None, exc.message)
    limit = asyncio.Semaphore(concurrency)

    async def one(index: int, case: TestCase) -> TestOutcome:
        target = targets[index]
        if isinstance(target, TestOutcome):
            return target
        async with limit:
            return await run_case(case, target, stores[case.file])

    outcomes = list(await asyncio.gather(*(one(i, c) for i, c in enumerate(cases))))
    for store in stores.values():
        store.save()
    return outcomes


def run_session(
    paths: list[str], *, keyword: str | None = None, update: bool = False, concurrency: int = 8
) -> tuple[Session, list[str]]:
    """Discover and run; returns the session and the paths that do not exist."""
    started = time.perf_counter()
    session, cases, missing = discover(paths, keyword)
    if cases:
        session.outcomes = asyncio.run(_run_all(cases, update, concurrency))
    session.duration = time.perf_counter() - started
    return session, missing
