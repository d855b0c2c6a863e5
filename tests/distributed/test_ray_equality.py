"""Same answers on Ray: every stdlib pattern's and example's tests, and the example cassettes, replayed on the
local backend and on a local Ray cluster give byte-identical results (dispatch order, confidences, trace)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from ray_helpers import ENTERPRISE_LIMITED, ENTERPRISE_UNLIMITED

from parallax_dsl.license.model import LicenseInfo
from parallax_dsl.runtime import run
from parallax_dsl.runtime.agents import load_cassette
from parallax_dsl.testing import runner
from parallax_dsl.testing.runner import _plain, build_agents, resolve_target
from parallax_dsl.testing.session import discover

pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[2]
_, CASES, _ = discover([str(ROOT / "stdlib_patterns"), str(ROOT / "examples")], None)
CASSETTES = sorted((ROOT / "examples" / "cassettes").glob("*.json"))
LICENCES = {"unlimited": ENTERPRISE_UNLIMITED, "limit-3": ENTERPRISE_LIMITED}
_TARGETS: dict[str, Any] = {}


def _run_case(case: runner.TestCase, licence: LicenseInfo, backend: Any) -> str:
    target = resolve_target(case, _TARGETS)
    agents = build_agents(case.decl, target.group_capabilities)  # fresh canned agents for every run
    inputs = _plain(case.decl.input) if case.decl.input is not None else {}
    result = asyncio.run(
        run(
            target.pattern,
            inputs,
            agents,
            library=target.library,
            license=licence,
            agent_timeout=10.0,
            timeout=60.0,
            backend=backend,
        )
    )
    return result.to_json_text()


def test_every_stdlib_pattern_and_example_has_tests_to_compare() -> None:
    files = {Path(case.file).name for case in CASES}
    assert len(list((ROOT / "stdlib_patterns").glob("*.plx"))) <= len({f for f in files if not f.endswith(".test.plx")})
    assert len(CASES) >= 30


@pytest.mark.parametrize("licence", sorted(LICENCES))
@pytest.mark.parametrize("case", CASES, ids=[case.id.replace(str(ROOT) + "/", "") for case in CASES])
def test_a_test_case_gives_the_same_bytes_on_ray(case: runner.TestCase, licence: str, ray_backend: Any) -> None:
    local = _run_case(case, LICENCES[licence], None)
    submitted = ray_backend.submitted
    remote = _run_case(case, LICENCES[licence], ray_backend)
    assert remote == local
    calls = json.loads(local).get("metrics", {}).get("agentCalls", 0)
    assert ray_backend.submitted - submitted == calls  # every agent call of the run went to the cluster


@pytest.mark.parametrize("cassette", CASSETTES, ids=[path.stem for path in CASSETTES])
def test_a_replayed_cassette_gives_the_same_bytes_on_ray(cassette: Path, ray_backend: Any) -> None:
    stem = cassette.stem.removesuffix("_low")
    pattern = ROOT / "examples" / f"{stem}.plx"
    inputs = json.loads((ROOT / "examples" / "inputs" / f"{cassette.stem}.json").read_text())
    outputs = [
        asyncio.run(run(pattern, inputs, load_cassette(cassette), license=ENTERPRISE_LIMITED, backend=backend))
        for backend in (None, ray_backend)
    ]
    assert outputs[0].error is None
    assert outputs[1].to_json_text() == outputs[0].to_json_text()
