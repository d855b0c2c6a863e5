"""`# plx: ignore[CODE, …]` comments and `--select` / `--ignore` filtering."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from parallax_dsl.diagnostics.model import Diagnostic, SourceFile

_IGNORE = re.compile(r"#\s*plx:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_ALL = "*"


def suppressions(source: SourceFile) -> dict[int, set[str]]:
    """Line number → codes suppressed there (a comment covers its own line and the line below)."""
    out: dict[int, set[str]] = {}
    if "plx:" not in source.text:
        return out
    for number, line in enumerate(source.lines, start=1):
        match = _IGNORE.search(line)
        if match is None:
            continue
        raw = match.group("codes")
        codes = {c.strip().upper() for c in raw.split(",") if c.strip()} if raw is not None else {_ALL}
        for target in (number, number + 1):
            out.setdefault(target, set()).update(codes)
    return out


def _matches(diagnostic: Diagnostic, selectors: Iterable[str]) -> bool:
    for selector in selectors:
        s = selector.strip()
        if not s:
            continue
        if s.upper() == "ALL" or diagnostic.code.startswith(s.upper()) or diagnostic.name == s.lower():
            return True
    return False


def apply_filters(
    diagnostics: Sequence[Diagnostic],
    sources: dict[str, SourceFile],
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Diagnostic]:
    """Drop suppressed, unselected and ignored diagnostics. Syntax and file errors can only be ignored."""
    by_file = {path: suppressions(source) for path, source in sources.items()}
    kept = []
    for d in diagnostics:
        suppressed = by_file.get(d.span.file, {}).get(d.span.line, set())
        if d.code in suppressed or _ALL in suppressed:
            continue
        if select and not _matches(d, select):
            continue
        if ignore and _matches(d, ignore):
            continue
        kept.append(d)
    return kept
