"""docs/patterns.md: every stdlib pattern has a section, and every example run prints what the document says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from stdlib_harness import json_equal, run_cli

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"<!-- example: (\w+) -->(.*?)<!-- /example -->", DOC, flags=re.S)
NAMES = sorted(p.stem for p in (ROOT / "stdlib_patterns").glob("*.plx"))


@pytest.mark.parametrize("name", NAMES)
def test_every_stdlib_pattern_has_a_section_and_an_example(name: str) -> None:
    assert f"\n### {name}\n" in DOC
    assert name in [n for n, _ in EXAMPLES]


@pytest.mark.parametrize(("name", "block"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_example_runs_print_what_the_document_shows(name: str, block: str, tmp_path: Path) -> None:
    command = re.search(r"\$ plxc run stdlib:(\w+)(?: --input '(.*?)')? --replay", block)
    assert command is not None and command.group(1) == name
    data = json.loads(command.group(2)) if command.group(2) else None
    cassette = json.loads(re.search(r"```json cassette\n(.*?)```", block, flags=re.S).group(1))  # type: ignore[union-attr]
    shown = json.loads(re.search(r"```json result\n(.*?)```", block, flags=re.S).group(1))  # type: ignore[union-attr]
    code, out = run_cli(name, data, cassette, tmp_path)
    assert code == 0, out
    assert json_equal(out["value"], shown["value"]) and json_equal(out["confidence"], shown["confidence"])
