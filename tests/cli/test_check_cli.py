"""`plxc check` and `plxc rule` through click's runner: exit codes, formats, selection, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax_dsl.cli.main import cli

BROKEN = "tests/syntax/corpus/broken/undefined_names.plx"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_examples_are_clean() -> None:
    code, out, _ = run("check", "examples/")
    assert code == 0
    assert out.startswith("All checks passed (")


def test_findings_exit_one_with_full_output_and_summary() -> None:
    code, out, _ = run("check", BROKEN)
    assert code == 1
    assert "error[PLX104]: no agent group named `expert`" in out
    assert f" --> {BROKEN}:4:21" in out
    assert out.rstrip().endswith("Found 5 errors and 3 warnings in 1 file.")


def test_concise_format() -> None:
    code, out, _ = run("check", "--format", "concise", "-q", BROKEN)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{BROKEN}:3:10: PLX103 agent group `experts` is never used"
    assert len(lines) == 8


def test_json_format_is_versioned() -> None:
    code, out, _ = run("check", "--format", "json", BROKEN)
    assert code == 1
    payload = json.loads(out)
    assert payload["format_version"] == 1
    first = payload["diagnostics"][0]
    assert set(first) >= {"code", "name", "severity", "message", "location", "help"}
    assert first["location"] == {"file": BROKEN, "line": 3, "column": 10, "end_line": 3, "end_column": 17}
    assert payload["summary"] == {"errors": 5, "warnings": 3, "infos": 0}


def test_sarif_format() -> None:
    code, out, _ = run("check", "--format", "sarif", BROKEN)
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    assert run_["tool"]["driver"]["name"] == "plxc"
    rule_ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(set(rule_ids))
    for result in run_["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_github_annotations() -> None:
    code, out, _ = run("check", "--format", "github", BROKEN)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"::warning file={BROKEN},line=3,col=10,endLine=3,endColumn=17,title=PLX103 unused-name::")


def test_select_and_ignore() -> None:
    code, out, _ = run("check", "--format", "concise", "-q", "--select", "PLX10", "--ignore", "PLX103,PLX109", BROKEN)
    assert code == 1
    assert [line.split(": ")[1].split()[0] for line in out.splitlines()] == ["PLX104", "PLX105", "PLX101", "PLX101"]
    code, out, _ = run("check", "--select", "unused-name", "--ignore", "PLX103", BROKEN)
    assert code == 0
    assert "All checks passed" in out


def test_folder_and_imports(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "shared.plx").write_text("pattern Shared {\n  output 1\n}\n")
    (tmp_path / "main.plx").write_text('import "lib/shared.plx"\npattern Main {\n  use s = Shared()\n  output s\n}\n')
    code, out, _ = run("check", str(tmp_path))
    assert code == 0, out
    assert "All checks passed (2 files)." in out


def test_errors_in_imported_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.plx").write_text("pattern Bad {\n  output nope\n}\n")
    (tmp_path / "main.plx").write_text('import "bad.plx"\npattern Main {\n  use b = Bad()\n  output b\n}\n')
    code, out, _ = run("check", "--format", "concise", str(tmp_path / "main.plx"))
    assert code == 1
    assert "bad.plx:2:10: PLX101 undefined name `nope`" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no paths given"),
        (("does/not/exist.plx",), "path not found: does/not/exist.plx"),
        (("docs/",), "no .plx files found"),
    ],
)
def test_usage_errors_exit_two(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    if args == ("docs/",):
        args = (str(tmp_path),)
    code, _, err = run("check", *args)
    assert code == 2
    assert message in err


def test_unknown_format_is_a_usage_error() -> None:
    code, _, err = run("check", "--format", "xml", "examples/")
    assert code == 2
    assert "Invalid value for '--format'" in err


def test_help_shows_an_example() -> None:
    code, out, _ = run("check", "--help")
    assert code == 0
    assert "plxc check examples/" in out


def test_rule_explains_a_code_and_a_name() -> None:
    code, out, _ = run("rule", "PLX101")
    assert code == 0
    assert out.startswith("PLX101 undefined-name (error)")
    for heading in ("What it reports", "Why", "Example", "Fix"):
        assert heading in out
    assert run("rule", "undefined-name")[1] == out


def test_rule_unknown_code_suggests() -> None:
    code, _, err = run("rule", "PLX11")
    assert code == 2
    assert "unknown rule `PLX11`" in err


def test_rule_list_covers_every_registered_code() -> None:
    from parallax_dsl.checks.registry import RULES

    code, out, _ = run("rule", "--all")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(RULES)


def test_every_emitted_code_is_documented() -> None:
    """Every code that appears anywhere in the source tree has a registry entry reachable with `plxc rule`."""
    import re

    from parallax_dsl.checks.registry import RULES

    source = "".join(p.read_text() for p in Path("parallax_dsl").rglob("*.py"))
    emitted = set(re.findall(r'"(PLX\d{3})"', source))
    assert emitted <= set(RULES), emitted - set(RULES)


def test_top_level_help_lists_every_command_without_importing_them() -> None:
    from parallax_dsl.cli.main import _COMMANDS

    code, out, _ = run("--help")
    assert code == 0
    for name, (_, _, summary) in _COMMANDS.items():
        assert f"  {name}" in out and summary in out


@pytest.mark.parametrize(
    "command", ["check", "compile", "explain", "fmt", "graph", "license", "lsp", "rule", "run", "schema", "test"]
)
def test_every_command_help_shows_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Example" in out or "example" in out, out
