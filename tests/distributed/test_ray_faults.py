"""The Ray backend under faults and edge cases: timeouts, stateful agents, a worker killed mid-run, a cluster
that goes away (a clear error, never a hang) and one that cannot be reached."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ray_helpers import ENTERPRISE_UNLIMITED

from parallax_dsl.runtime import agent, run
from parallax_dsl.runtime.agents import load_agents

pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[2]
PLXC = str(Path(sys.executable).with_name("plxc"))

FANOUT = """pattern P {
  input { task: string }
  agents g { capabilities ["analysis"] }
  fanout s = g.go(task: input.task) TIMEOUT RETRIES
  output s.map(r, r.value)
}
"""


def _calls(result: Any) -> list[dict[str, Any]]:
    """The per-agent records of the run's first step, as `plxc run --format json` shows them."""
    return json.loads(result.to_json_text())["trace"][0]["results"]  # type: ignore[no-any-return]


def _run(source: str, agents: list[Any], backend: Any) -> Any:
    return asyncio.run(run(source, {"task": "t"}, agents, license=ENTERPRISE_UNLIMITED, backend=backend))


def test_a_hanging_and_a_crashing_agent_fail_alone_and_read_as_locally(ray_backend: Any) -> None:
    @agent(capabilities=["analysis"])
    async def hangs(task: Any) -> Any:
        await asyncio.sleep(30)

    @agent(capabilities=["analysis"])
    def crashes(task: Any) -> Any:
        raise ValueError("boom")

    @agent(capabilities=["analysis"])
    def answers(task: Any) -> Any:
        return {"value": "ok", "confidence": 0.9}

    source = FANOUT.replace("TIMEOUT", "timeout 1s").replace("RETRIES", "")
    started = time.monotonic()
    remote = _run(source, [hangs, crashes, answers], ray_backend)
    assert time.monotonic() - started < 5
    local = _run(source, [hangs, crashes, answers], None)
    assert remote.to_json_text() == local.to_json_text()
    assert remote.value == [None, None, "ok"]
    errors = [call.get("error") for call in _calls(remote)]
    assert errors == ["timed out after 1 s", "ValueError: boom", None]


def test_stateful_agents_keep_their_state_in_one_actor(ray_backend: Any) -> None:
    class Counter:
        id = name = "counter"
        capabilities = ("analysis",)
        expertise = 0.7
        historicalConfidence = 0.75

        def __init__(self) -> None:
            self.calls = 0

        async def __call__(self, task: Any) -> Any:
            self.calls += 1
            return {"value": self.calls, "confidence": 0.9}

    source = """pattern P {
      input { items: list[string] }
      agents g { capabilities ["analysis"] STATEFUL }
      fanout s = g.go(item: x) for x in input.items
      output s.map(r, r.value)
    }
    """
    items = {"items": ["a", "b", "c", "d"]}

    def values(stateful: str, backend: Any) -> Any:
        coro = run(
            source.replace("STATEFUL", stateful), items, [Counter()], license=ENTERPRISE_UNLIMITED, backend=backend
        )
        return asyncio.run(coro).value

    assert values("stateful true", ray_backend) == values("stateful true", None) == [1, 2, 3, 4]
    # Without `stateful`, every call is a Ray task with its own copy of the agent: state does not carry over.
    assert values("", ray_backend) == [1, 1, 1, 1]


def _fragile_module(tmp_path: Path) -> Path:
    module = tmp_path / "fragile_agents.py"
    module.write_text(
        f"""import os
from pathlib import Path
from parallax_dsl.runtime import agent

MARK = Path({str(tmp_path / "killed")!r})

@agent(capabilities=["analysis"])
def fragile(task):
    if not MARK.exists():  # the first call kills the worker process running it
        MARK.write_text("killed")
        os._exit(1)
    return {{"value": "survived", "confidence": 0.9}}

@agent(capabilities=["analysis"])
def steady(task):
    return {{"value": "steady", "confidence": 0.8}}
"""
    )
    return module


def test_a_worker_killed_mid_run_is_a_failed_answer_and_the_run_completes(tmp_path: Path, ray_backend: Any) -> None:
    agents = load_agents(str(_fragile_module(tmp_path)))
    result = _run(FANOUT.replace("TIMEOUT", "timeout 20s").replace("RETRIES", ""), agents, ray_backend)
    assert result.error is None
    assert result.value == [None, "steady"]
    failed = _calls(result)[0]
    assert failed["status"] == "failed"
    assert failed["error"].startswith("WorkerLostError: the Ray worker running the call is gone")


def test_a_worker_killed_mid_run_is_retried_per_the_pattern(tmp_path: Path, ray_backend: Any) -> None:
    agents = load_agents(str(_fragile_module(tmp_path)))
    result = _run(FANOUT.replace("TIMEOUT", "timeout 20s").replace("RETRIES", "retries 1"), agents, ray_backend)
    assert result.error is None
    assert result.value == ["survived", "steady"]
    assert result.metrics["retries"] == 1


def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found[int(entry)] = Path(f"/proc/{entry}/comm").read_text().strip()
            except (OSError, ValueError, IndexError):
                continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the cluster's processes through /proc")
def test_the_cluster_going_away_fails_the_run_clearly(tmp_path: Path, enterprise_env: dict[str, str]) -> None:
    marker = tmp_path / "called"
    (tmp_path / "slow_agents.py").write_text(
        f"""import asyncio
from pathlib import Path
from parallax_dsl.runtime import agent

@agent(capabilities=["analysis"])
async def slow(task):
    Path({str(marker)!r}).write_text("called")
    await asyncio.sleep(120)
    return {{"value": "late", "confidence": 0.9}}
"""
    )
    (tmp_path / "slow.plx").write_text(FANOUT.replace("TIMEOUT RETRIES", "timeout 5m"))
    command = [PLXC, "run", "slow.plx", "--input", '{"task": "t"}', "--agents", "slow_agents.py"]
    process = subprocess.Popen(
        [*command, "--backend", "ray", "--format", "json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RAY_ADDRESS": ""},
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), process.communicate(timeout=10)
        cluster = {pid: name for pid, name in _children(process.pid).items() if "gcs" in name or "raylet" in name}
        assert cluster, _children(process.pid)
        for pid in cluster:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        out, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert time.monotonic() - killed < 15
    assert process.returncode == 1
    error = json.loads(out)["error"]
    assert error["code"] == "BACKEND_UNAVAILABLE"
    assert "went away during the run" in error["message"]


def test_an_address_where_nothing_answers_fails_at_once(enterprise_env: dict[str, str]) -> None:
    started = time.monotonic()
    example = ["examples/consensus_review.plx", "--input", "@examples/inputs/consensus_review.json"]
    ray_options = ["--backend", "ray", "--address", "127.0.0.1:1", "--format", "json"]
    completed = subprocess.run(
        [PLXC, "run", *example, "--agents", "examples/agents.py", *ray_options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - started < 30
    assert completed.returncode == 1
    assert json.loads(completed.stdout)["error"] == {
        "code": "BACKEND_UNAVAILABLE",
        "message": "cannot reach the Ray cluster at 127.0.0.1:1 (nothing answers there; is it running?)",
    }


def test_calls_the_run_gives_up_on_are_stopped_on_the_cluster(tmp_path: Path, ray_backend: Any) -> None:
    (tmp_path / "race_agents.py").write_text(
        f"""import asyncio, time
from pathlib import Path
from parallax_dsl.runtime import agent

@agent(capabilities=["analysis"])
async def waits(task):
    try:
        await asyncio.sleep(60)
    finally:  # cancelled on the worker: its cancellation handling runs
        Path({str(tmp_path / "cancelled")!r}).write_text("yes")

@agent(capabilities=["analysis"])
def blocks(task):
    time.sleep(3)  # a blocking agent cannot be interrupted: its worker process is ended instead
    Path({str(tmp_path / "finished")!r}).write_text("yes")

@agent(capabilities=["analysis"])
def quick(task):
    return {{"value": "quick", "confidence": 0.95}}
"""
    )
    source = """pattern Race {
      input { task: string }
      agents g { capabilities ["analysis"] }
      race r = g.go(task: input.task) until r.confidence >= 0.9 timeout 30s
      output r.value
    }
    """
    agents = load_agents(str(tmp_path / "race_agents.py"))
    result = _run(source, agents, ray_backend)
    assert (result.value, result.error) == ("quick", None)
    deadline = time.monotonic() + 10
    while not (tmp_path / "cancelled").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "cancelled").exists()
    time.sleep(4)
    assert not (tmp_path / "finished").exists()
    assert _run(source, agents, ray_backend).value == "quick"  # the cluster has recovered its worker
