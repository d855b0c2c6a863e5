"""The light IR view: `from_ast` (the check path, no pydantic) builds exactly what `from_model ∘ lower_pattern` does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from parallax_dsl.analysis.view import from_ast, from_model
from parallax_dsl.ir.lower import lower_pattern
from parallax_dsl.syntax import parse_source

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *(ROOT / "examples").rglob("*.plx"),
        *(ROOT / "tests/syntax/corpus/valid").rglob("*.plx"),
        *(ROOT / "tests/analysis/fixtures").rglob("*.plx"),
        *(ROOT / "stdlib_patterns").glob("*.plx"),
    ]
)


def _doc_blocks() -> list[str]:
    sys.path.insert(0, str(ROOT / "tests/docs"))
    try:
        from test_language_doc import PLX_BLOCKS
    finally:
        sys.path.pop(0)
    return [b.text for b in PLX_BLOCKS if b.kind == "file"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_view_from_the_ast_equals_the_compiled_ir(path: Path) -> None:
    module = parse_source(path.read_text(encoding="utf-8"), str(path)).module
    assert module is not None
    for decl in module.patterns:
        assert from_ast(decl, str(path)) == from_model(lower_pattern(decl, str(path)))


def test_view_equivalence_on_every_example_of_the_language_reference() -> None:
    blocks = _doc_blocks()
    assert len(blocks) > 20
    for text in blocks:
        module = parse_source(text, "doc.plx").module
        assert module is not None
        for decl in module.patterns:
            assert from_ast(decl) == from_model(lower_pattern(decl)), decl.name


def test_views_keep_source_spans_for_diagnostics() -> None:
    module = parse_source('pattern P {\n  let x = gate(1, 0.5, "y")\n  output x\n}\n', "p.plx").module
    assert module is not None
    view = from_ast(module.patterns[0], "p.plx")
    let = view.steps[0]
    assert let.node is not None and let.node.line == 2
    assert let.kind == "let" and let.value.span is not None and let.value.span.column == 11
