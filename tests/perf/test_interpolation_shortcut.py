"""The `${a.b}` shortcut of the interpolation parser gives exactly what the full parse gives (no timings here)."""

from __future__ import annotations

import pytest

from parallax_dsl.diagnostics.model import Diagnostic
from parallax_dsl.syntax import parse_source
from parallax_dsl.syntax import parser as plx_parser

TEXTS = [
    "x",
    "input",
    "input.task",
    "a.b.c.d",
    "e1.agentName",
    "true",
    "false",
    "null",
    "not",
    "match",
    "if",
    "and",
    "timeout",
    "x.timeout",
    "output.value",
    "a.true",
    "reasoning",
    "x.delay",
    "_",
    "a_1.B_2",
]
PLACES = [(1, 1, 0), (3, 12, 40), (12_000, 9, 400_000)]


def _parse(text: str, line: int, column: int, pos: int) -> tuple[object, list[Diagnostic]]:
    sink: list[Diagnostic] = []
    expr = plx_parser._interpolation_parser("f.plx", sink)(text, line, column, pos)
    return expr, sink


@pytest.mark.parametrize("text", TEXTS)
def test_shortcut_equals_the_full_parse(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plx_parser, "_PLAIN_INTERPOLATIONS", {})
    full = [_parse(text, *place) for place in PLACES]  # the first call learns whether the shortcut applies
    again = [_parse(text, *place) for place in PLACES]  # these take the shortcut where it was learned
    assert again == full
    plain = plx_parser._PLAIN_INTERPOLATIONS.get(text)
    assert bool(plain) is (text not in {"true", "false", "null", "not", "match", "if"})


def test_whole_file_is_the_same_with_the_shortcut_learned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plx_parser, "_PLAIN_INTERPOLATIONS", {})
    source = (
        "pattern P {\n  input { task: string }\n"
        '  let a = "x ${input.task} y ${ input.task } ${true} ${a.b.c} ${len(input.task)}"\n'
        '  output "${a} ${input.task}"\n}\n'
    )
    first = parse_source(source, "p.plx")
    second = parse_source(source, "p.plx")
    assert plx_parser._PLAIN_INTERPOLATIONS["input.task"] is True
    assert (second.module, second.diagnostics) == (first.module, first.diagnostics)
