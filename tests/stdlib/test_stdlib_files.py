"""The stdlib folder as a whole: every upstream pattern is there, checks clean, is formatted, stays short, and its
in-file tests pass under `plxc test`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax_dsl.cli.main import cli
from parallax_dsl.semantics.stdlib_names import UPSTREAM_PATTERNS
from parallax_dsl.stdlib_files import find_stdlib_file

ROOT = Path(__file__).resolve().parents[2]
STDLIB = ROOT / "stdlib_patterns"
FILES = sorted(STDLIB.glob("*.plx"))


@pytest.mark.parametrize("name", UPSTREAM_PATTERNS)
def test_every_upstream_pattern_has_a_stdlib_file(name: str) -> None:
    found = find_stdlib_file(name)
    assert found is not None and found.name == f"{name}.plx"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_pattern_is_at_most_80_lines(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("pattern "))
    end = next(i for i in range(start, len(lines)) if lines[i] == "}")
    assert end - start + 1 <= 80, f"{path.name}: the pattern is {end - start + 1} lines"
    assert all(len(line) <= 120 for line in lines), f"{path.name}: a line is longer than 120 characters"


def test_upstream_quirks_are_marked() -> None:
    marked = [p.stem for p in FILES if "# upstream quirk:" in p.read_text(encoding="utf-8")]
    assert len(marked) >= 15, marked


def test_check_is_clean_and_files_are_formatted() -> None:
    runner = CliRunner()
    check = runner.invoke(cli, ["check", str(STDLIB)])
    assert check.exit_code == 0, check.output
    assert re.search(r"All checks passed \(\d+ files?\)", check.output)
    fmt = runner.invoke(cli, ["fmt", "--check", str(STDLIB)])
    assert fmt.exit_code == 0, fmt.output


def test_in_file_tests_pass() -> None:
    result = CliRunner().invoke(cli, ["test", str(STDLIB)])
    assert result.exit_code == 0, result.output
    passed = re.search(r"(\d+) passed, 0 failed", result.output)
    assert passed is not None and int(passed.group(1)) >= 2 * len(UPSTREAM_PATTERNS), result.output


def test_a_test_agent_id_may_be_any_string(tmp_path: Path) -> None:
    source = tmp_path / "ids.plx"
    source.write_text(
        """pattern Ids {
  agents pool { capabilities ["extraction"] }
  fanout answers = pool.extract(task: "t")
  output answers.map(r, [r.agent.id, r.agent.name])
}

test "ids with dashes" for Ids {
  agent dates { capabilities ["extraction"] id "date-extractor" } answers [] with confidence 0.9
  agent named { capabilities ["extraction"] id "x-1" name "Named" } answers [] with confidence 0.9
  expect output == [["date-extractor", "date-extractor"], ["x-1", "Named"]]
}
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["test", str(source)])
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.plx"
    bad.write_text(source.read_text().replace('id "x-1"', "id 3"), encoding="utf-8")
    check = CliRunner().invoke(cli, ["check", str(bad)])
    assert "PLX203" in check.output
