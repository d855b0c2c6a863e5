"""Every `.plx` example in docs/language.md is valid, and the reference covers every built-in, setting and code.

Conventions for fenced code blocks in the document:

- ```plx          a complete file: it must parse, and `plxc check` must report no errors (warnings are fine).
- ```plx whose first line is `# fragment`
                  statements from inside a pattern body: wrapped in `pattern Doc { … }`, it must parse.
- ```plx whose first line is `# excerpt`
                  a whole file that refers to files not shown (imports): it must parse.
- ```plx-error    a complete file demonstrating a mistake: its first line is a comment naming the diagnostic
                  codes it produces (`# PLX104 PLX207: …`); each must be reported, and no other error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from parallax_dsl.checks.registry import RULES
from parallax_dsl.checks.run import check_text
from parallax_dsl.diagnostics.model import Diagnostic
from parallax_dsl.semantics import builtins
from parallax_dsl.semantics.checker import TEST_NAMES
from parallax_dsl.semantics.stdlib_names import UPSTREAM_PATTERNS
from parallax_dsl.syntax import parse_source

DOC = Path(__file__).resolve().parents[2] / "docs" / "language.md"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[A-Za-z0-9_-]*)[ \t]*$")
CODE = re.compile(r"PLX\d{3}")
KNOWN_INFOS = {"", "plx", "plx-error", "text", "json", "toml", "bash", "console"}


@dataclass(frozen=True)
class Block:
    info: str
    line: int  # 1-based line of the opening fence
    text: str

    @property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0].strip()

    @property
    def kind(self) -> str:
        if self.info == "plx-error":
            return "error"
        if self.first_line.startswith("# fragment"):
            return "fragment"
        if self.first_line.startswith("# excerpt"):
            return "excerpt"
        return "file"

    def __str__(self) -> str:
        return f"{self.info} block at docs/language.md:{self.line}"


def _blocks(markdown: str) -> list[Block]:
    """Fenced code blocks, with the fence's indentation removed from their lines."""
    blocks: list[Block] = []
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, info = opening.group("indent"), opening.group("info")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        assert j < len(lines), f"unclosed code fence at docs/language.md:{i + 1}"
        blocks.append(Block(info, i + 1, "\n".join(body) + "\n"))
        i = j + 1
    return blocks


DOC_TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = _blocks(DOC_TEXT)
PLX_BLOCKS = [b for b in BLOCKS if b.info in ("plx", "plx-error")]


def _errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity.value == "error"]


def _describe(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"  {d.span.line}:{d.span.column} {d.code} {d.message}" for d in diagnostics)


def _wrap(fragment: str) -> str:
    return "pattern Doc {\n" + fragment + "}\n"


def test_the_document_has_examples_of_every_kind() -> None:
    kinds = {b.kind for b in PLX_BLOCKS}
    assert kinds == {"file", "fragment", "excerpt", "error"}
    assert len(PLX_BLOCKS) >= 40


def test_fences_use_known_languages() -> None:
    unknown = [f"{b} ({b.info!r})" for b in BLOCKS if b.info not in KNOWN_INFOS]
    assert not unknown, "unknown code-fence languages (a typo of plx / plx-error?):\n" + "\n".join(unknown)


@pytest.mark.parametrize("block", [b for b in PLX_BLOCKS if b.kind != "error"], ids=str)
def test_example_parses(block: Block) -> None:
    text = _wrap(block.text) if block.kind == "fragment" else block.text
    result = parse_source(text, "doc.plx")
    errors = _errors(result.diagnostics)
    assert not errors, f"{block} has syntax errors:\n{_describe(errors)}"
    assert result.module is not None


@pytest.mark.parametrize("block", [b for b in PLX_BLOCKS if b.kind == "file"], ids=str)
def test_complete_example_checks_clean(block: Block) -> None:
    report = check_text(block.text, "doc.plx")
    errors = _errors(report.diagnostics)
    assert not errors, f"{block} does not pass `plxc check`:\n{_describe(errors)}"


@pytest.mark.parametrize("block", [b for b in PLX_BLOCKS if b.kind == "error"], ids=str)
def test_error_example_reports_its_codes(block: Block) -> None:
    assert block.first_line.startswith("#"), f"{block} must start with a comment naming its codes"
    expected = set(CODE.findall(block.first_line))
    assert expected, f"{block}: the first line names no PLX code"
    unknown = expected - set(RULES)
    assert not unknown, f"{block} names codes that do not exist: {sorted(unknown)}"
    report = check_text(block.text, "doc.plx")
    found = {d.code for d in report.diagnostics}
    assert expected <= found, f"{block} should report {sorted(expected)}; got:\n{_describe(report.diagnostics)}"
    surprises = [d for d in _errors(report.diagnostics) if d.code not in expected]
    assert not surprises, f"{block} reports other errors too:\n{_describe(surprises)}"


# ---------------------------------------------------------------- coverage: the reference documents everything


def _mentioned(word: str) -> bool:
    """`word` appears in code spans: `word`, `word(…)`, `xs.word(…)` or as the start of a longer code span."""
    return re.search(rf"`(?:[A-Za-z_.]*\.)?{re.escape(word)}(?![A-Za-z0-9_])[^`]*`", DOC_TEXT) is not None


COVERAGE = {
    "built-in function": list(builtins.FUNCTIONS),
    "list macro": list(builtins.MACROS),
    "pattern setting": list(builtins.PATTERN_SETTINGS),
    "agent group setting": list(builtins.AGENT_GROUP_SETTINGS),
    "test agent setting": list(builtins.TEST_AGENT_SETTINGS),
    "verify kind": list(builtins.VERIFY_KINDS),
    "type": list(builtins.TYPE_NAMES) + list(builtins.GENERIC_TYPES),
    "band label": list(builtins.BAND_LABELS),
    "constant": list(builtins.CONSTANTS),
    "keyword": list(builtins.KEYWORDS),
    "name in tests": list(TEST_NAMES),
    "stdlib pattern": list(UPSTREAM_PATTERNS),
    "diagnostic code": list(RULES),
}


@pytest.mark.parametrize("what", sorted(COVERAGE))
def test_reference_covers(what: str) -> None:
    missing = [word for word in COVERAGE[what] if not _mentioned(word)]
    assert not missing, f"docs/language.md does not document these {what}s: {missing}"


def test_every_builtin_function_has_a_table_row() -> None:
    rows = {m.group(1) for m in re.finditer(r"^\| `([a-z_]+)\(", DOC_TEXT, re.MULTILINE)}
    assert set(builtins.FUNCTIONS) <= rows, sorted(set(builtins.FUNCTIONS) - rows)


def test_every_diagnostic_code_has_a_table_row_with_its_name_and_severity() -> None:
    for rule in RULES.values():
        row = re.search(rf"^\| `{rule.code}` \| {re.escape(rule.name)} \| {rule.severity.value} \|", DOC_TEXT, re.M)
        assert row is not None, f"no row `| `{rule.code}` | {rule.name} | {rule.severity.value} |` in the code table"


def test_codes_named_in_the_document_exist() -> None:
    stale = sorted(set(CODE.findall(DOC_TEXT)) - set(RULES))
    assert not stale, f"docs/language.md mentions codes that do not exist: {stale}"


def test_verify_options_are_the_grammar_options() -> None:
    grammar = (Path(__file__).resolve().parents[2] / "grammar" / "plx.lark").read_text(encoding="utf-8")
    match = re.search(r"VERIFY_OPTION\.\d+: /\((?P<names>[a-z_|]+)\)", grammar)
    assert match is not None
    for option in match.group("names").split("|"):
        assert re.search(rf"^\| `{option}` \|", DOC_TEXT, re.M), f"verify option `{option}` has no table row"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_internal_links_point_at_headings() -> None:
    prose = re.sub(r"```.*?```", "", DOC_TEXT, flags=re.S)  # `# comment` lines in examples are not headings
    anchors = {_slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", prose, re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", DOC_TEXT))
    broken = sorted(links - anchors)
    assert not broken, f"links to missing headings: {broken}"
