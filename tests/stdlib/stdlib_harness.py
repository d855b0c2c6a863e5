"""Run a stdlib pattern the way users do — `plxc run stdlib:<Name> --input @in.json --replay cassette.json
--format json` through click's CliRunner — from a compact table of cases, and compare JSON exactly.

A case names the input, the agents (in dispatch order) with their answers, and the expected `value` (the whole
value, or only some dotted paths of it) and `confidence`. Comparison is exact: floats to the last bit, and a
boolean is never equal to a number (JSON equality, not Python's `True == 1`).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from parallax_dsl.cli.main import cli

#: No licence agent limit in these tests: the upstream had none (docs/licensing.md; the limit is the product's).
ENV = {"PARALLAX_MAX_AGENTS": "1000", "PARALLAX_LICENSE_KEY": "", "PARALLAX_LICENSE_FILE": ""}

UNSET: Any = object()


@dataclass
class Agent:
    """A cassette agent answering once: `Agent("a1", {"decision": "go"}, 0.9)`; `error=` makes it a failed call."""

    id: str
    result: Any = None
    confidence: float = 0.8
    capabilities: tuple[str, ...] | list[str] | None = None  # None: the capabilities the pattern needs
    name: str | None = None
    expertise: float | None = None
    historical: float | None = None
    reasoning: Any = UNSET
    error: str | None = None
    timestamp: float | None = None
    more: list[dict[str, Any]] = field(default_factory=list)  # further responses, for patterns that call again

    def entry(self, default_capabilities: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.name is not None:
            out["name"] = self.name
        out["capabilities"] = list(self.capabilities if self.capabilities is not None else default_capabilities)
        if self.expertise is not None:
            out["expertise"] = self.expertise
        if self.historical is not None:
            out["historicalConfidence"] = self.historical
        response: dict[str, Any] = {"result": self.result, "confidence": self.confidence}
        if self.reasoning is not UNSET:
            response["reasoning"] = self.reasoning
        if self.error is not None:
            response = {"result": None, "confidence": 0, "error": self.error}
        if self.timestamp is not None:
            response["timestamp"] = self.timestamp
        out["responses"] = [response, *self.more]
        return out


def cassette(agents: list[Agent], capabilities: list[str]) -> dict[str, Any]:
    return {"agents": [a.entry(capabilities) for a in agents]}


def run_cli(name: str, data: Any, doc: dict[str, Any], tmp: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """`plxc run stdlib:<name> --input @in.json --replay cassette.json --format json`; (exit code, parsed JSON)."""
    tmp.mkdir(parents=True, exist_ok=True)
    args = ["run", f"stdlib:{name}"]
    if data is not None:
        (tmp / "in.json").write_text(json.dumps(data), encoding="utf-8")
        args += ["--input", f"@{tmp / 'in.json'}"]
    (tmp / "cassette.json").write_text(json.dumps(doc), encoding="utf-8")
    args += ["--replay", str(tmp / "cassette.json"), "--format", "json", *extra]
    result = CliRunner().invoke(cli, args, env=ENV, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def json_equal(a: Any, b: Any) -> bool:
    """Equality of parsed JSON: numbers by exact value (1 == 1.0), booleans only with booleans, maps unordered."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


_ABSENT: Any = object()


def at(value: Any, path: str) -> Any:
    """`value` at a dotted path (`a.b.0.c`); _ABSENT when a hop is missing."""
    for hop in path.split(".") if path else []:
        if isinstance(value, dict):
            if hop not in value:
                return _ABSENT
            value = value[hop]
        elif isinstance(value, list) and hop.isdigit() and int(hop) < len(value):
            value = value[int(hop)]
        else:
            return _ABSENT
    return value


#: In `fields`, this expected value means "the key is absent" (JavaScript `undefined`, left out of the JSON).
ABSENT = _ABSENT


@dataclass
class Case:
    """One row of a pattern's table."""

    id: str
    agents: list[Agent]
    confidence: float | None = None
    value: Any = UNSET  # the whole expected value
    fields: dict[str, Any] = field(default_factory=dict)  # or some dotted paths of it
    input: Any = None
    error: str | None = None  # expected run error message (exit 1)


def check_case(name: str, capabilities: list[str], case: Case, tmp: Path) -> dict[str, Any]:
    code, out = run_cli(name, case.input, cassette(case.agents, capabilities), tmp)
    if case.error is not None:
        assert code == 1, out
        assert out["error"]["message"] == case.error, out
        return out
    assert code == 0, out
    problems = []
    if case.value is not UNSET and not json_equal(out["value"], case.value):
        problems.append(f"value:\n  got      {json.dumps(out['value'])}\n  expected {json.dumps(case.value)}")
    for path, expected in case.fields.items():
        got = at(out["value"], path)
        if expected is ABSENT:
            if got is not ABSENT:
                problems.append(f"{path}: expected absent, got {json.dumps(got)}")
        elif got is ABSENT or not json_equal(got, expected):
            problems.append(f"{path}: got {'absent' if got is ABSENT else json.dumps(got)}, expected {expected!r}")
    if case.confidence is not None and not json_equal(out["confidence"], case.confidence):
        problems.append(f"confidence: got {out['confidence']!r}, expected {case.confidence!r}")
    assert not problems, "\n".join(problems)
    return out


# ------------------------------------------------------------------------------------------------ upstream oracle

#: A folder with the upstream's modules transpiled to JavaScript and `run.js` (see tests/stdlib/oracle/README.md); when
#: set, `oracle()` runs the upstream module itself on the same cassette, for differential tests.
ORACLE = os.environ.get("PLX_UPSTREAM_ORACLE")


def oracle(cases: list[tuple[str, Any, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The upstream module's {value, confidence} (or {error}) for each (name, input, cassette)."""
    assert ORACLE is not None
    payload = [{"pattern": n, "input": i, "cassette": c} for n, i, c in cases]
    done = subprocess.run(
        ["node", str(Path(ORACLE) / "run.js")], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result
