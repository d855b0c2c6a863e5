"""No input can make the front end crash: random text, mutated valid files, deep nesting, huge and binary files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax_dsl.checks.loader import decode_source
from parallax_dsl.checks.run import check_text
from parallax_dsl.cli.main import cli
from parallax_dsl.diagnostics.render import render

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/syntax/corpus/valid").rglob("*.plx"))] + [
    p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").rglob("*.plx"))
]
TOKENS = [
    "pattern",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "let",
    "=",
    "==",
    "fanout",
    "step",
    "race",
    "until",
    "use",
    "output",
    "uncertain",
    "high",
    "=>",
    "match",
    "if",
    "then",
    "else",
    "with",
    "confidence",
    "input",
    "agents",
    "test",
    "expect",
    "agent",
    "answers",
    '"s"',
    "'t'",
    '"${x}"',
    '"${"',
    "1",
    "0.5",
    "30s",
    ",",
    ";",
    ".",
    ":",
    "..",
    "#",
    "\n",
    " ",
    "??",
    "and",
    "or",
    "not",
    "in",
    "~>",
    "&&",
    "\\",
    'r"\\d"',
    "\x00",
    "\u00e9",
    "\ufeff",
]

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str) -> None:
    report = check_text(text, "fuzz.plx")
    # Rendering every format must work for whatever was found.
    for fmt in ("full", "concise", "json", "sarif", "github"):
        render(fmt, report.diagnostics, report.sources)
    for d in report.diagnostics:
        assert d.span.line >= 1 and d.span.column >= 1
        assert d.code.startswith("PLX")


@FAST
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _check(text)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=120))
def test_random_token_soup(tokens: list[str]) -> None:
    _check(" ".join(tokens))


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 40)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "swap"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "insert":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
        else:
            text = text[:i] + text[j : j + (j - i)] + text[i:j] + text[j + (j - i) :]
    return text


@FAST
@given(mutated_seed())
def test_mutated_valid_files(text: str) -> None:
    _check(text)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_decode_to_diagnostics_or_text(data: bytes) -> None:
    source, problems = decode_source("fuzz.plx", data)
    if problems:
        assert problems[0].code == "PLX005"
    else:
        _check(source.text)


@pytest.mark.parametrize(
    "text",
    [
        "pattern P {\n  output " + "[" * 500 + "]" * 500 + "\n}\n",
        "pattern P {\n  output " + "(" * 500 + "1" + ")" * 500 + "\n}\n",
        "pattern P {\n  output " + "{a: " * 500 + "1" + "}" * 500 + "\n}\n",
        "pattern P {\n  output " + "not " * 500 + "true\n}\n",
        "pattern P {\n  output " + "- " * 500 + "1\n}\n",
        "pattern P {\n  output " + " + ".join(["1"] * 5000) + "\n}\n",
        "pattern P {\n  output " + "if true then " * 500 + "1" + " else 2" * 500 + "\n}\n",
        "pattern P {\n" + "  if true {\n" * 150 + "  output 1\n" + "  }\n" * 150 + "}\n",
    ],
    ids=["lists", "parens", "maps", "not", "negation", "long-sum", "if-chain", "if-blocks"],
)
def test_deep_nesting(text: str) -> None:
    _check(text)


def test_one_megabyte_file() -> None:
    body = "".join(f"  let v{i} = {i} + {i} * 2  # comment {i}\n" for i in range(25_000))
    text = "pattern Big {\n" + body + "  output v0\n}\n"
    assert len(text) > 1_000_000
    report = check_text(text, "big.plx")
    assert any(d.code == "PLX103" for d in report.diagnostics)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"pattern A {\n output '\xff\xfe'\n}\n", b"\xef\xbb\xbfpattern A {\n output 1\n}\n"],
    ids=["empty", "binary", "latin1", "bom"],
)
def test_cli_never_prints_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "input.plx"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert result.exit_code == (0 if content.startswith(b"\xef\xbb\xbf") else 1)


@pytest.mark.parametrize("command", ["check", "compile", "graph", "explain", "run"])
def test_expressions_too_deep_for_a_command_are_an_error_not_a_crash(tmp_path: Path, command: str) -> None:
    path = tmp_path / "long.plx"
    path.write_text("pattern P {\n  output " + " + ".join(["1"] * 20_000) + "\n}\n")
    result = CliRunner().invoke(cli, [command, str(path)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "PLX006" in result.output or "nest too deeply" in result.output
