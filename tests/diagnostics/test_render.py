"""Renderers: layout of the full format, escaping of GitHub annotations, labels and fixes in JSON."""

from __future__ import annotations

import json

from parallax_dsl.diagnostics.model import Diagnostic, Fix, Label, Severity, SourceFile, Span
from parallax_dsl.diagnostics.render import render, render_github, summary_line

SOURCE = SourceFile("f.plx", "pattern P {\n\tlet x = 1\n  output y\n}\n")


def _diag(**kw: object) -> Diagnostic:
    base: dict[str, object] = {
        "code": "PLX101",
        "name": "undefined-name",
        "severity": Severity.ERROR,
        "message": "undefined name `y`",
        "span": Span("f.plx", 3, 10, 3, 11, 0, 0),
    }
    base.update(kw)
    return Diagnostic(**base)  # type: ignore[arg-type]


def test_full_layout_with_label_and_help() -> None:
    d = _diag(labels=(Label(Span("f.plx", 2, 6, 2, 7), "similar name here"),), help="did you mean `x`?")
    assert render("full", [d], {"f.plx": SOURCE}) == (
        "error[PLX101]: undefined name `y`\n"
        " --> f.plx:3:10\n"
        "  |\n"
        "2 |     let x = 1\n"
        "  |         - similar name here\n"
        "3 |   output y\n"
        "  |          ^\n"
        "  |\n"
        "  = help: did you mean `x`?\n"
    )


def test_full_color_wraps_in_ansi() -> None:
    out = render("full", [_diag()], {"f.plx": SOURCE}, color=True)
    assert "\x1b[1;31merror[PLX101]\x1b[0m" in out


def test_json_includes_labels_and_fix() -> None:
    d = _diag(
        labels=(Label(Span("f.plx", 2, 6, 2, 7), "here"),),
        fix=Fix("rename", Span("f.plx", 3, 10, 3, 11), "x"),
    )
    payload = json.loads(render("json", [d], {}))
    item = payload["diagnostics"][0]
    assert item["labels"][0]["message"] == "here"
    assert item["fix"] == {
        "message": "rename",
        "location": {"file": "f.plx", "line": 3, "column": 10, "end_line": 3, "end_column": 11},
        "replacement": "x",
    }


def test_github_escapes_properties_and_data() -> None:
    d = _diag(span=Span("a,b:c.plx", 1, 1, 1, 2), message="100% sure\nnext", help=None)
    assert render_github([d]) == (
        "::error file=a%2Cb%3Ac.plx,line=1,col=1,endLine=1,endColumn=2,"
        "title=PLX101 undefined-name::100%25 sure%0Anext\n"
    )


def test_summary_line_plurals() -> None:
    warning = _diag(severity=Severity.WARNING)
    assert summary_line([], 1) == "All checks passed (1 file)."
    assert summary_line([_diag(), warning, warning], 3) == "Found 1 error and 2 warnings in 3 files."
