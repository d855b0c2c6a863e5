"""Formatting every .plx file of the repository and random generated files: same AST, idempotent, comments kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fmt_strategies import files, laid_out
from hypothesis import HealthCheck, assume, given, settings

from parallax_dsl import ast
from parallax_dsl.fmt import format_source
from parallax_dsl.fmt.comments import scan_comments
from parallax_dsl.syntax.parser import parse_source

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("examples", "tests", "stdlib_patterns", "parallax_dsl/stdlib")


def _repository_files() -> list[Path]:
    found: list[Path] = []
    for folder in FOLDERS:
        base = ROOT / folder
        if base.is_dir():
            found.extend(sorted(base.rglob("*.plx")))
    return found


def _readable(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _parses(text: str | None) -> bool:
    if text is None:
        return False
    result = parse_source(text)
    return result.module is not None and not any(
        d.severity.value == "error" and d.code.startswith("PLX0") for d in result.diagnostics
    )


REPOSITORY_FILES = [p for p in _repository_files() if _parses(_readable(p))]


def _dump(text: str) -> object:
    module = parse_source(text).module
    assert module is not None
    return ast.dump(module, spans=False)


def _comments(text: str) -> list[str]:
    return sorted(c.text for c in scan_comments(text))


def test_the_repository_has_files_to_format() -> None:
    assert len(REPOSITORY_FILES) >= 8
    assert any("examples" in p.parts for p in REPOSITORY_FILES)


@pytest.mark.parametrize("path", REPOSITORY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_file_keeps_its_meaning_and_comments(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_source(text, str(path))
    assert _dump(once) == _dump(text)
    assert format_source(once, str(path)) == once
    assert _comments(once) == _comments(text)
    assert once == "" or (once.endswith("\n") and not once.endswith("\n\n"))
    assert "\n\n\n" not in once
    assert all(line == line.rstrip() for line in once.splitlines())


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@settings(
    max_examples=int(os.environ.get("PLX_FMT_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(laid_out(files))
def test_generated_files_keep_meaning_and_comments(sample: tuple[str, list[str]]) -> None:
    text, markers = sample
    assume(_parses(text))
    once = format_source(text)
    assert _dump(once) == _dump(text)
    assert format_source(once) == once
    for marker in markers:
        assert once.count(marker) == 1, marker
    assert len(scan_comments(once)) == len(markers)
