"""Renders diagnostics as `full` (rustc/Ruff style), `concise`, `json`, `sarif` (2.1.0) and `github` annotations."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from parallax_dsl.diagnostics.model import Diagnostic, Severity, SourceFile, Span

JSON_FORMAT_VERSION = 1
FORMATS = ("full", "concise", "json", "sarif", "github")


def render(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    *,
    color: bool = False,
    rule_docs: Callable[[str], str | None] | None = None,
) -> str:
    """Render `diagnostics` in one of FORMATS; `sources` maps a file path to its text for snippets."""
    if fmt == "full":
        return render_full(diagnostics, sources, color=color)
    if fmt == "concise":
        return render_concise(diagnostics)
    if fmt == "json":
        return render_json(diagnostics)
    if fmt == "sarif":
        return render_sarif(diagnostics, rule_docs=rule_docs)
    if fmt == "github":
        return render_github(diagnostics)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------- full

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m", "help": "\x1b[1;36m"}
_BLUE = "\x1b[1;34m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color and text else text


def render_full(diagnostics: Sequence[Diagnostic], sources: Mapping[str, SourceFile], *, color: bool = False) -> str:
    blocks = [_render_one(d, sources.get(d.span.file), color) for d in diagnostics]
    return "\n".join(blocks)


def _render_one(d: Diagnostic, source: SourceFile | None, color: bool) -> str:
    severity = d.severity.value
    header = _paint(f"{severity}[{d.code}]", _COLORS[severity], color) + _paint(f": {d.message}", _BOLD, color)
    spans = [d.span, *(label.span for label in d.labels)]
    gutter_width = max(len(str(s.end_line)) for s in spans)
    pad = " " * gutter_width
    bar = _paint("|", _BLUE, color)
    lines = [header, f"{pad}{_paint('-->', _BLUE, color)} {d.span.file}:{d.span.line}:{d.span.column}"]
    if source is not None:
        lines.append(f"{pad} {bar}")
        snippets = [(d.span, "", _COLORS[severity], "^")]
        snippets += [(label.span, label.message, _BLUE, "-") for label in d.labels if label.span.file == d.span.file]
        snippets.sort(key=lambda item: (item[0].line, item[0].column))
        previous_line = 0
        for span, message, style, marker in snippets:
            if previous_line and span.line > previous_line + 1:
                lines.append(_paint("...", _BLUE, color))
            text = source.line(span.line).replace("\t", "    ")
            raw_line = source.line(span.line)
            tabs_before = raw_line[: max(span.column - 1, 0)].count("\t") * 3
            if span.line != previous_line:
                number = _paint(str(span.line).rjust(gutter_width), _BLUE, color)
                lines.append(f"{number} {bar} {text}".rstrip())
            end_column = span.end_column if span.end_line == span.line else len(raw_line) + 1
            width = max(1, end_column - span.column)
            underline = " " * (span.column - 1 + tabs_before) + marker * width
            tail = f" {message}" if message else ""
            lines.append(f"{pad} {bar} " + _paint(underline + tail, style, color))
            previous_line = span.line
        lines.append(f"{pad} {bar}")
    if d.help:
        lines.append(f"{pad} = " + _paint("help", _COLORS["help"], color) + f": {d.help}")
    if d.fix is not None:
        lines.append(f"{pad} = " + _paint("fix", _COLORS["help"], color) + f": {d.fix.message}")
    return "\n".join(lines) + "\n"


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """`Found 2 errors and 1 warning in 3 files.` or `All checks passed (3 files).`"""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    infos = len(diagnostics) - errors - warnings
    noun = "file" if files == 1 else "files"
    if not diagnostics:
        return f"All checks passed ({files} {noun})."
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(_plural(infos, "note"))
    return f"Found {' and '.join(parts)} in {files} {noun}."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- concise / json


def render_concise(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(f"{d.span.file}:{d.span.line}:{d.span.column}: {d.code} {d.message}\n" for d in diagnostics)


def _location(span: Span) -> dict[str, Any]:
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def diagnostic_to_dict(d: Diagnostic) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "location": _location(d.span),
        "help": d.help,
    }
    if d.labels:
        out["labels"] = [{"message": label.message, "location": _location(label.span)} for label in d.labels]
    if d.fix is not None:
        out["fix"] = {
            "message": d.fix.message,
            "location": _location(d.fix.span),
            "replacement": d.fix.replacement,
        }
    return out


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    payload = {
        "format_version": JSON_FORMAT_VERSION,
        "diagnostics": [diagnostic_to_dict(d) for d in diagnostics],
        "summary": {
            "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
            "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
            "infos": sum(1 for d in diagnostics if d.severity is Severity.INFO),
        },
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- sarif 2.1.0

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(diagnostics: Sequence[Diagnostic], *, rule_docs: Callable[[str], str | None] | None = None) -> str:
    from parallax_dsl import __version__

    rules: dict[str, dict[str, Any]] = {}
    for d in diagnostics:
        if d.code not in rules:
            rule: dict[str, Any] = {
                "id": d.code,
                "name": d.name,
                "shortDescription": {"text": d.name.replace("-", " ")},
                "defaultConfiguration": {"level": _SARIF_LEVEL[d.severity]},
            }
            doc = rule_docs(d.code) if rule_docs else None
            if doc:
                rule["fullDescription"] = {"text": doc.strip().splitlines()[0]}
                rule["help"] = {"text": doc.strip()}
            rules[d.code] = rule
    ordered = sorted(rules)
    results = []
    for d in diagnostics:
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": ordered.index(d.code),
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": message},
            "locations": [_sarif_location(d.span)],
        }
        if d.labels:
            result["relatedLocations"] = [
                {**_sarif_location(label.span), "id": i, "message": {"text": label.message}}
                for i, label in enumerate(d.labels)
            ]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "plxc",
                        "informationUri": "https://github.com/parallax-dsl/parallax-dsl",
                        "version": __version__,
                        "rules": [rules[code] for code in ordered],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_location(span: Span) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": span.file.replace("\\", "/")},
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": max(span.end_column, span.column + 1) if span.end_line == span.line else span.end_column,
            },
        }
    }


# ---------------------------------------------------------------- github workflow annotations

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    out = []
    for d in diagnostics:
        s = d.span
        props = ",".join(
            [
                f"file={_escape_property(s.file)}",
                f"line={s.line}",
                f"col={s.column}",
                f"endLine={s.end_line}",
                f"endColumn={s.end_column}",
                f"title={_escape_property(f'{d.code} {d.name}')}",
            ]
        )
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        out.append(f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_data(message)}\n")
    return "".join(out)
