"""Snapshot tests: ASTs of the valid corpus and rendered diagnostics of the broken corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from parallax_dsl import ast
from parallax_dsl.checks.run import check_paths
from parallax_dsl.diagnostics.render import render
from parallax_dsl.syntax import parse_source

ROOT = Path(__file__).resolve().parents[2]
VALID = sorted((ROOT / "tests/syntax/corpus/valid").rglob("*.plx"))
EXAMPLES = sorted((ROOT / "examples").rglob("*.plx"))
BROKEN = sorted((ROOT / "tests/syntax/corpus/broken").glob("*.plx"))


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _test_id(path: Path) -> str:
    return path.relative_to(ROOT).with_suffix("").as_posix().replace("tests/syntax/corpus/", "").replace("/", "-")


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("path", VALID, ids=_test_id)
def test_valid_corpus_parses_to_the_pinned_ast(path: Path, json_snapshot: SnapshotAssertion) -> None:
    result = parse_source(path.read_text(encoding="utf-8"), _id(path))
    assert result.diagnostics == []
    assert result.module is not None
    assert ast.dump(result.module) == json_snapshot


@pytest.mark.parametrize("path", [*VALID, *EXAMPLES], ids=_test_id)
def test_valid_files_pass_check(path: Path) -> None:
    report, missing = check_paths([_id(path)])
    assert missing == []
    assert [f"{d.code} {d.message}" for d in report.diagnostics] == []


@pytest.mark.parametrize("path", BROKEN, ids=_test_id)
def test_broken_corpus_diagnostics(path: Path, snapshot: SnapshotAssertion, json_snapshot: SnapshotAssertion) -> None:
    report, _ = check_paths([_id(path)])
    assert report.diagnostics, "a broken file must produce diagnostics"
    full = render("full", report.diagnostics, report.sources)
    assert full == snapshot(name="full")
    assert json.loads(render("json", report.diagnostics, report.sources)) == json_snapshot(name="json")


@pytest.mark.parametrize("path", BROKEN, ids=_test_id)
def test_broken_corpus_carets_point_at_the_reported_line(path: Path) -> None:
    """Every diagnostic with source shows the user's line under its gutter number and a caret below it."""
    report, _ = check_paths([_id(path)])
    for diagnostic in report.diagnostics:
        source = report.sources[diagnostic.span.file]
        if not source.text:
            continue
        block = render("full", [diagnostic], report.sources).splitlines()
        assert block[1].endswith(f"{diagnostic.span.file}:{diagnostic.span.line}:{diagnostic.span.column}")
        numbered = [line for line in block if line.lstrip().startswith(f"{diagnostic.span.line} |")]
        assert numbered, block
        assert numbered[0].split("| ", 1)[1] == source.line(diagnostic.span.line).rstrip()
        after = block[block.index(numbered[0]) + 1 :]
        caret_line = next(line for line in after if "^" in line)
        caret_column = caret_line.split("| ", 1)[1].index("^") + 1
        assert caret_column == diagnostic.span.column


def test_broken_corpus_covers_recovery_with_several_errors() -> None:
    report, _ = check_paths(["tests/syntax/corpus/broken/c_style_operators.plx"])
    assert [(d.span.line, d.code) for d in report.diagnostics] == [(3, "PLX001"), (4, "PLX001")]
