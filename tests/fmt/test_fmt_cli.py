"""`plxc fmt`: in-place rewriting, --check, --diff, errors, stdin and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax_dsl.cli.main import cli

UGLY = "pattern A{  # keep me\nlet x=1  output {v:x}}\n"
PRETTY = "pattern A {  # keep me\n  let x = 1\n  output { v: x }\n}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "ugly.plx").write_text(UGLY, encoding="utf-8")
    (tmp_path / "sub" / "pretty.plx").write_text(PRETTY, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not plx", encoding="utf-8")
    return tmp_path


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_rewrites_files_in_place_and_prints_a_summary(project: Path) -> None:
    code, out, _ = run("fmt", str(project))
    assert code == 0
    assert "1 file reformatted, 1 file left unchanged" in out
    assert (project / "ugly.plx").read_text(encoding="utf-8") == PRETTY
    assert run("fmt", str(project))[1].strip().endswith("0 files reformatted, 2 files left unchanged")


def test_check_lists_files_that_would_change_and_writes_nothing(project: Path) -> None:
    code, out, _ = run("fmt", "--check", str(project))
    assert code == 1
    assert f"Would reformat: {project / 'ugly.plx'}" in out
    assert "pretty.plx" not in out
    assert "1 file would be reformatted, 1 file already formatted" in out
    assert (project / "ugly.plx").read_text(encoding="utf-8") == UGLY
    assert run("fmt", "--check", str(project / "sub"))[0] == 0


def test_diff_prints_a_unified_diff_and_writes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    code, out, err = run("fmt", "--diff", "ugly.plx")
    assert code == 1
    assert out.startswith("--- a/ugly.plx\n+++ b/ugly.plx\n@@")
    assert "-let x=1  output {v:x}}\n" in out
    assert "+  let x = 1\n" in out
    assert "1 file would be reformatted" in err
    assert (project / "ugly.plx").read_text(encoding="utf-8") == UGLY
    assert run("fmt", "--diff", "sub")[:2] == (0, "")


def test_a_file_with_syntax_errors_is_reported_and_left_alone(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    broken = "pattern B {\n  let x = \n}\n"
    (project / "broken.plx").write_text(broken, encoding="utf-8")
    code, out, err = run("fmt", ".")
    assert code == 1
    assert "broken.plx:3:1: PLX001 " in err
    assert "1 file reformatted, 1 file left unchanged, 1 file with errors" in out
    assert (project / "broken.plx").read_text(encoding="utf-8") == broken


def test_usage_errors_exit_2(project: Path) -> None:
    assert run("fmt")[0] == 2
    code, _, err = run("fmt", str(project / "missing.plx"))
    assert code == 2 and "path not found" in err
    assert run("fmt", "--check", str(project / "notes.txt"), "-")[0] == 2


def test_standard_input_to_standard_output() -> None:
    assert run("fmt", "-", stdin=UGLY)[:2] == (0, PRETTY)
    assert run("fmt", "--check", "-", stdin=UGLY)[:2] == (1, "Would reformat: <stdin>\n")
    assert run("fmt", "--check", "-", stdin=PRETTY)[0] == 0
    code, _, err = run("fmt", "-", stdin="pattern {")
    assert code == 1 and "<stdin>:1:9: PLX001" in err


def test_help_shows_examples() -> None:
    code, out, _ = run("fmt", "--help")
    assert code == 0
    assert "Examples:" in out and "plxc fmt --check ." in out


def test_the_repository_is_formatted() -> None:
    """`plxc fmt --check` passes on the repository's own patterns (the broken corpus is broken on purpose)."""
    from click.testing import CliRunner

    from parallax_dsl.cli.main import cli

    root = Path(__file__).resolve().parents[2]
    folders = [
        str(root / p) for p in ("examples", "stdlib_patterns", "tests/syntax/corpus/valid") if (root / p).is_dir()
    ]
    result = CliRunner().invoke(cli, ["fmt", "--check", *folders])
    assert result.exit_code == 0, result.output
