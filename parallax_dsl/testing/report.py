"""`plxc test` output: pytest-like text with source snippets of failing expects, JSON, and JUnit XML."""

from __future__ import annotations

import json
import shutil
from xml.etree import ElementTree as ET

from parallax_dsl.testing.runner import Failure, TestOutcome
from parallax_dsl.testing.session import Session

_MARK = {"passed": ".", "failed": "F", "error": "E"}
JSON_FORMAT_VERSION = 1


def _width() -> int:
    return max(60, min(120, shutil.get_terminal_size((100, 20)).columns))


def _rule(title: str, char: str = "=") -> str:
    width = _width()
    text = f" {title} " if title else ""
    left = max(3, (width - len(text)) // 2)
    return (char * left + text + char * max(3, width - left - len(text)))[:width]


def _snippet(outcome: TestOutcome, failure: Failure) -> list[str]:
    span = failure.span
    source = outcome.case.source
    number = str(span.line)
    pad = " " * len(number)
    line = source.line(span.line)
    end = span.end_column if span.end_line == span.line else len(line) + 1
    lines = [f"{pad}--> {span.file}:{span.line}:{span.column}", f"{pad} |", f"{number} | {line}"]
    lines.append(f"{pad} | " + " " * (span.column - 1) + "^" * max(1, end - span.column))
    for label, value in failure.details:
        lines.append(f"{pad} = {label}: {value}")
    return lines


def render_text(session: Session) -> str:
    out: list[str] = []
    total = len(session.outcomes)
    out.append(f"collected {total} test{'s' if total != 1 else ''} in {len(session.files)} file(s)")
    if session.deselected:
        out[-1] += f" ({session.deselected} deselected by -k)"
    out.append("")
    done = 0
    by_file: dict[str, list[TestOutcome]] = {}
    for outcome in session.outcomes:
        by_file.setdefault(outcome.case.file, []).append(outcome)
    for file, outcomes in by_file.items():
        done += len(outcomes)
        marks = "".join(_MARK[o.status] for o in outcomes)
        percent = f"[{100 * done // max(total, 1):3d}%]"
        head = f"{file} {marks}"
        out.append(head + " " * max(1, _width() - len(head) - len(percent)) + percent)
    failing = [o for o in session.outcomes if o.status != "passed"]
    if failing:
        out.append("")
        out.append(_rule("FAILURES"))
        for outcome in failing:
            out.append(_rule(outcome.case.id, "_"))
            for failure in outcome.failures:
                out.append(("error: " if outcome.status == "error" else "") + failure.message)
                out.extend(_snippet(outcome, failure))
                out.append("")
    notes = [(o.case.id, note) for o in session.outcomes for note in o.notes]
    if notes:
        out.append(_rule("notes", "-"))
        out.extend(f"{test_id}: {note}" for test_id, note in notes)
    out.append(f"ran {total} test{'s' if total != 1 else ''} in {session.duration:.2f}s")
    out.append(session.summary())
    return "\n".join(out) + "\n"


def _failure_json(failure: Failure) -> dict[str, object]:
    return {
        "message": failure.message,
        "location": {"file": failure.span.file, "line": failure.span.line, "column": failure.span.column},
        "details": {label: value for label, value in failure.details},
    }


def render_json(session: Session) -> str:
    payload = {
        "format_version": JSON_FORMAT_VERSION,
        "tests": [
            {
                "id": o.case.id,
                "file": o.case.file,
                "name": o.case.decl.name,
                "pattern": o.case.decl.pattern,
                "status": o.status,
                "failures": [_failure_json(f) for f in o.failures],
                "notes": o.notes,
            }
            for o in session.outcomes
        ],
        "summary": {"passed": session.passed, "failed": session.failed, "skipped": session.deselected},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_junit(session: Session) -> str:
    suites = ET.Element("testsuites", name="plxc test", tests=str(len(session.outcomes)))
    by_file: dict[str, list[TestOutcome]] = {}
    for outcome in session.outcomes:
        by_file.setdefault(outcome.case.file, []).append(outcome)
    for file, outcomes in by_file.items():
        failures = sum(1 for o in outcomes if o.status == "failed")
        errors = sum(1 for o in outcomes if o.status == "error")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=file,
            tests=str(len(outcomes)),
            failures=str(failures),
            errors=str(errors),
            time=f"{sum(o.duration for o in outcomes):.3f}",
        )
        for outcome in outcomes:
            case = ET.SubElement(
                suite, "testcase", classname=file, name=outcome.case.decl.name, time=f"{outcome.duration:.3f}"
            )
            for failure in outcome.failures:
                tag = "error" if outcome.status == "error" else "failure"
                element = ET.SubElement(case, tag, message=failure.message)
                details = "\n".join(f"{label}: {value}" for label, value in failure.details)
                element.text = f"{failure.span.file}:{failure.span.line}:{failure.span.column}\n{details}".rstrip()
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
