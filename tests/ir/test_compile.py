"""Compilation to YAML/JSON: snapshots, byte stability, round trips, the schema, graphs and IR checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

import parallax_dsl
from parallax_dsl.checks.run import check_text
from parallax_dsl.cli.main import cli
from parallax_dsl.emit.document import json_schema, load_compiled, to_json, to_yaml
from parallax_dsl.emit.graph import to_dot, to_mermaid
from parallax_dsl.ir import model as ir
from parallax_dsl.ir.compile import CompileError

ROOT = Path(__file__).resolve().parents[2]
COMPILABLE = sorted(
    [
        *(ROOT / "examples").glob("*.plx"),
        *(ROOT / "tests/syntax/corpus/valid").glob("*.plx"),
        *(ROOT / "stdlib_patterns").glob("*.plx"),
    ]
)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _id(path: Path) -> str:
    return _rel(path).replace("tests/syntax/corpus/", "").replace("/", "-").removesuffix(".plx")


@pytest.mark.parametrize("path", COMPILABLE, ids=_id)
def test_compiled_yaml_and_json_are_pinned(path: Path, snapshot: SnapshotAssertion) -> None:
    compiled = parallax_dsl.compile_file(_rel(path))
    assert to_yaml(compiled) == snapshot(name="yaml")
    assert json.loads(to_json(compiled)) == snapshot(name="json").use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("path", COMPILABLE, ids=_id)
def test_round_trip_and_byte_stability(path: Path) -> None:
    compiled = parallax_dsl.compile_file(_rel(path))
    yaml_text = to_yaml(compiled)
    assert to_yaml(parallax_dsl.compile_file(_rel(path))) == yaml_text
    loaded = load_compiled(yaml_text)
    assert loaded == compiled
    assert to_yaml(loaded) == yaml_text
    assert load_compiled(to_json(compiled)) == compiled


def test_compiled_documents_follow_the_published_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    published = (ROOT / "docs/schema/compiled-pattern.schema.json").read_text()
    assert published == json_schema(), "regenerate with `plxc schema > docs/schema/compiled-pattern.schema.json`"
    schema = json.loads(published)
    for path in COMPILABLE:
        jsonschema.validate(json.loads(to_json(parallax_dsl.compile_file(_rel(path)))), schema)


def test_compile_refuses_errors() -> None:
    with pytest.raises(CompileError) as caught:
        parallax_dsl.compile_file("pattern P {\n  output nope\n}\n")
    assert [d.code for d in caught.value.diagnostics] == ["PLX101"]


def test_compile_single_pattern_api() -> None:
    compiled = parallax_dsl.compile("examples/uncertainty_router.plx")
    assert compiled.name == "TriageRouter"
    assert [s.id for s in compiled.steps][:2] == ["probe", "uncertain#1"]
    with pytest.raises(ValueError, match="several patterns"):
        parallax_dsl.compile("tests/syntax/corpus/valid/branches.plx")


def test_steps_carry_dependencies_and_branch_membership() -> None:
    compiled = parallax_dsl.compile("examples/uncertainty_router.plx")
    steps = {s.id: s for s in compiled.steps}
    assert steps["probe"].depends_on == ["input"]
    inner = steps["uncertain#1:1/best_answer"]
    assert inner.branch == "uncertain#1:1"
    assert inner.depends_on == ["probe", "uncertain#1:1/second_opinions"]


def test_verify_history_options_are_carried_by_name() -> None:
    """The runtime reads the `verify history` options by name from `Verify.options`, literal or computed."""
    compiled = parallax_dsl.compile(
        "pattern P {\n  input { n: integer = 4 }\n  agents g { max 1 }\n"
        "  step s = g.run(x: 1) verify history half_life_days 0 min_runs input.n saturation_runs 2.5 max_runs 50\n"
        '    drift false drift_recent_n 3 drift_threshold 0.4 pool true pool_family "team" pool_weight 1\n'
        "    verify history\n"
        "  output s\n}\n"
    )
    step = compiled.steps[0]
    assert isinstance(step, ir.AgentStep)
    history, bare = step.verify
    assert (history.type, history.run, history.role, bare.options) == ("history", None, None, {})
    literals = {name: expr.model_dump(exclude_defaults=True) for name, expr in history.options.items()}
    assert literals == {
        "half_life_days": {"op": "lit", "value": 0},
        "min_runs": {"op": "field", "args": [{"op": "ref", "name": "input"}], "name": "n"},
        "saturation_runs": {"op": "lit", "value": 2.5},
        "max_runs": {"op": "lit", "value": 50},
        "drift": {"op": "lit", "value": False},
        "drift_recent_n": {"op": "lit", "value": 3},
        "drift_threshold": {"op": "lit", "value": 0.4},
        "pool": {"op": "lit", "value": True},
        "pool_family": {"op": "lit", "value": "team"},
        "pool_weight": {"op": "lit", "value": 1},
    }


def test_load_rejects_other_documents() -> None:
    for text, message in [("[]", "no `patterns`"), ("plx: 9\npatterns: []", "format version 9"), (":", "not a YAML")]:
        with pytest.raises(ValueError, match=message):
            load_compiled(text)
    with pytest.raises(ValueError, match="invalid compiled document"):
        load_compiled("plx: 1\npatterns:\n- name: X\n  steps:\n  - id: a\n    kind: teleport\n")


# ---------------------------------------------------------------- property: compile → load → compile is a fixed point

NAMES = st.sampled_from(["a", "b", "c", "total", "items"])
LEAVES = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(0, 1, allow_nan=False).map(lambda f: repr(round(f, 6))),
    st.text(alphabet="abcxyz é", max_size=8).map(lambda s: json.dumps(s, ensure_ascii=False)),
    st.sampled_from(["true", "false", "null", "input.task", "30s"]),
)


def _expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        LEAVES,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "==", "<", "and", "or", "??"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.tuples(inner, inner).map(lambda t: f"{{ k: {t[0]}, other: {t[1]} }}"),
            st.tuples(inner, inner, inner).map(lambda t: f"(if {t[0]} then {t[1]} else {t[2]})"),
            inner.map(lambda e: f"({e} with confidence 0.5)"),
            inner.map(lambda e: f"[{e}].map(x, x)"),
            LEAVES.filter(lambda e: "$" not in e).map(lambda e: f'"v=${{{e}}}"'),
        ),
        max_leaves=6,
    )


EXPRESSIONS = _expressions()


@settings(max_examples=60, deadline=None)
@given(st.lists(EXPRESSIONS, min_size=1, max_size=4))
def test_compile_load_compile_is_a_fixed_point(expressions: list[str]) -> None:
    lets = "\n".join(f"  let v{i} = {e}" for i, e in enumerate(expressions))
    uses = ", ".join(f"v{i}" for i in range(len(expressions)))
    text = f"pattern Generated {{\n  input {{ task: string }}\n{lets}\n  output [{uses}]\n}}\n"
    report = check_text(text, "gen.plx")
    # Generated expressions may be ill-typed (`[] + []`); only well-formed patterns compile.
    assume(not [d for d in report.diagnostics if d.code == "PLX204"])
    assert not [d for d in report.diagnostics if d.severity.value == "error"], report.diagnostics
    compiled = parallax_dsl.compile_file(text)
    for document in (to_yaml(compiled), to_json(compiled)):
        loaded = load_compiled(document)
        assert loaded == compiled
        assert to_yaml(loaded) == to_yaml(compiled)


# ---------------------------------------------------------------- graphs and IR checks

CYCLE = "pattern Loop {\n  let a = b + 1\n  let b = a * 2\n  output a\n}\n"


def test_cycles_are_errors_naming_every_step() -> None:
    report = check_text(CYCLE, "loop.plx")
    [d] = report.diagnostics
    assert d.code == "PLX301"
    assert d.message == "these steps depend on each other in a cycle: `a`, `b`"
    assert [label.span.line for label in d.labels] == [3]


def test_graph_highlights_cycles(tmp_path: Path) -> None:
    path = tmp_path / "loop.plx"
    path.write_text(CYCLE)
    result = CliRunner().invoke(cli, ["graph", str(path), "--format", "dot"])
    assert result.exit_code == 1
    assert '"a" -> "b" [color="red"];' in result.stdout
    assert "dependency cycle" in result.stderr
    mermaid = CliRunner().invoke(cli, ["graph", str(path)])
    assert "class n1,n2 cycle" in mermaid.stdout


def test_graph_outputs_for_an_example() -> None:
    compiled = parallax_dsl.compile("examples/uncertainty_router.plx")
    mermaid = to_mermaid(compiled)
    assert mermaid.startswith("flowchart TD\n")
    assert "-. high .->" in mermaid and "-. low .->" in mermaid
    dot = to_dot(compiled)
    assert dot.startswith('digraph "TriageRouter" {')
    assert '"uncertain#1" -> "uncertain#1:2/escalate#1" [style=dashed, label="low"];' in dot


def test_unreachable_and_missing_result_warnings() -> None:
    text = "pattern P {\n  output 1\n  output 2\n}\n"
    assert [(d.code, d.span.line) for d in check_text(text, "u.plx").diagnostics] == [("PLX302", 3)]
    text = "pattern P {\n  let c = 0.5\n  match c { 1 => output 1 }\n}\n"
    assert [d.code for d in check_text(text, "m.plx").diagnostics] == ["PLX303"]


def test_composition_cycle_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.plx").write_text('import "b.plx"\npattern A {\n  use b = B()\n  output b\n}\n')
    (tmp_path / "b.plx").write_text('import "a.plx"\npattern B {\n  use a = A()\n  output a\n}\n')
    result = CliRunner().invoke(cli, ["check", "--format", "concise", "-q", str(tmp_path)])
    assert result.exit_code == 1
    assert "PLX304 pattern `A` uses itself: A → B → A" in result.stdout
    assert "PLX304 pattern `B` uses itself: B → A → B" in result.stdout


# ---------------------------------------------------------------- CLI golden tests


def test_compile_cli_yaml_json_and_output_file(tmp_path: Path) -> None:
    runner = CliRunner()
    yaml_out = runner.invoke(cli, ["compile", "examples/consensus_review.plx"])
    assert yaml_out.exit_code == 0
    assert yaml_out.stdout == to_yaml(parallax_dsl.compile_file("examples/consensus_review.plx"))
    json_out = runner.invoke(cli, ["compile", "examples/consensus_review.plx", "--format", "json"])
    assert json.loads(json_out.stdout)["patterns"][0]["name"] == "ConsensusReview"
    target = tmp_path / "out" / "c.yaml"
    written = runner.invoke(cli, ["compile", "examples/consensus_review.plx", "-o", str(target)])
    assert written.exit_code == 0
    assert target.read_text() == yaml_out.stdout


def test_compile_cli_reports_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.plx"
    path.write_text("pattern P {\n  output nope\n}\n")
    result = CliRunner().invoke(cli, ["compile", str(path)])
    assert result.exit_code == 1
    assert "error[PLX101]: undefined name `nope`" in result.stderr
    assert result.stdout == ""


def test_compile_cli_pattern_selection() -> None:
    result = CliRunner().invoke(cli, ["compile", "tests/syntax/corpus/valid/branches.plx", "--pattern", "MatchAndIf"])
    assert result.exit_code == 0
    assert "name: MatchAndIf" in result.stdout and "name: DefaultBands" not in result.stdout
    missing = CliRunner().invoke(cli, ["compile", "tests/syntax/corpus/valid/branches.plx", "--pattern", "Nope"])
    assert missing.exit_code == 2


def test_schema_cli_matches_published_file() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "docs/schema/compiled-pattern.schema.json").read_text()


def test_sarif_output_validates_against_the_sarif_schema() -> None:
    import os

    jsonschema = pytest.importorskip("jsonschema")
    schema_path = Path(os.environ.get("PLX_SARIF_SCHEMA", ROOT / ".venv/sarif-2.1.0.json"))
    if not schema_path.is_file():
        pytest.fail(f"SARIF schema missing at {schema_path}; `make test` downloads it")
    schema = json.loads(schema_path.read_text())
    result = CliRunner().invoke(cli, ["check", "--format", "sarif", "tests/syntax/corpus/broken/"])
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    assert len(log["runs"][0]["results"]) > 20
