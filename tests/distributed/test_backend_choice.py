"""Choosing the backend — `--backend`, `backend=`, a pattern's `backend "ray"` — and what the core package promises
without Ray: the licence feature is checked first, Ray is never imported for a local run, and a missing extra is
one clear error. None of these tests needs Ray installed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ray_helpers import ENTERPRISE_UNLIMITED

from parallax_dsl.cli.main import cli
from parallax_dsl.distributed import RAY_INSTALL_HINT, RayBackend
from parallax_dsl.runtime import LocalExecutor, agent, run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ["run", "examples/consensus_review.plx", "--input", "@examples/inputs/consensus_review.json"]
AGENTS = ["--agents", "examples/agents.py", "--format", "json"]
NEEDS_ENTERPRISE = (
    "distributed execution requires Parallax Enterprise (feature 'distributed_execution'). "
    "Learn more: https://parallax.ai/enterprise"
)
RAY_PATTERN = """pattern OnRay {
  backend "ray"
  input { task: string }
  agents g { capabilities ["analysis"] }
  step s = g.go(task: input.task)
  output s.value
}
"""


@agent(capabilities=["analysis"])
def answers(task: Any) -> Any:
    return {"value": "ok", "confidence": 0.9}


def test_the_core_package_never_imports_ray() -> None:
    code = (
        "import sys, asyncio\n"
        "import parallax_dsl, parallax_dsl.runtime, parallax_dsl.distributed, parallax_dsl.cli.main\n"
        "from parallax_dsl.runtime import agent, run_sync\n"
        "a = agent(lambda task: {'value': 1, 'confidence': 1.0}, capabilities=['x'], id='a')\n"
        'src = \'pattern P { input { t: string } agents g { capabilities ["x"] } step s = g.go(t: input.t) '
        "output s.value }'\n"
        "assert run_sync(src, {'t': 'x'}, [a]).value == 1\n"
        "print('ray' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert completed.stdout.strip() == "False"


def test_backend_ray_needs_an_enterprise_licence() -> None:
    result = CliRunner().invoke(cli, [*EXAMPLE, *AGENTS, "--backend", "ray"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"error": {"code": "LICENSE_REQUIRED", "message": NEEDS_ENTERPRISE}}


def test_a_pattern_that_sets_backend_ray_needs_it_too(tmp_path: Path) -> None:
    (tmp_path / "on_ray.plx").write_text(RAY_PATTERN)
    result = asyncio.run(run(tmp_path / "on_ray.plx", {"task": "t"}, [answers]))
    assert result.error is not None
    assert (result.error.code, result.error.message) == ("LICENSE_REQUIRED", NEEDS_ENTERPRISE)


def test_backend_local_overrides_the_patterns_setting(tmp_path: Path) -> None:
    (tmp_path / "on_ray.plx").write_text(RAY_PATTERN)
    (tmp_path / "agents.py").write_text(
        "from parallax_dsl.runtime import agent\n\n"
        "@agent(capabilities=['analysis'])\n"
        "def answers(task):\n"
        "    return {'value': 'ok', 'confidence': 0.9}\n"
    )
    target = str(tmp_path / "on_ray.plx")
    options = ["--input", '{"task": "t"}', "--agents", str(tmp_path / "agents.py"), "--format", "json"]
    result = CliRunner().invoke(cli, ["run", target, *options, "--backend", "local"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["value"] == "ok"
    assert asyncio.run(run(target, {"task": "t"}, [answers], backend=LocalExecutor())).value == "ok"


def test_address_without_the_ray_backend_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, [*EXAMPLE, *AGENTS, "--address", "auto"])
    assert result.exit_code == 2
    assert "--address is for --backend ray" in result.output


def test_a_missing_ray_extra_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    source = RAY_PATTERN.replace('  backend "ray"\n', "")
    result = asyncio.run(run(source, {"task": "t"}, [answers], license=ENTERPRISE_UNLIMITED, backend=RayBackend()))
    assert result.error is not None
    assert (result.error.code, result.error.message) == ("BACKEND_UNAVAILABLE", RAY_INSTALL_HINT)
    assert RAY_INSTALL_HINT == "the Ray backend needs Ray: pip install 'parallax-dsl[ray]'"


def test_backend_and_executor_are_one_choice() -> None:
    with pytest.raises(ValueError, match="not both"):
        asyncio.run(run(RAY_PATTERN, {"task": "t"}, [answers], backend=LocalExecutor(), executor=LocalExecutor()))


def test_plxc_check_names_the_edition_a_ray_backend_needs(tmp_path: Path) -> None:
    (tmp_path / "on_ray.plx").write_text(RAY_PATTERN)
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "on_ray.plx"), "--format", "concise"])
    assert result.exit_code == 1
    assert "PLX401" in result.output and "distributed_execution" in result.output
