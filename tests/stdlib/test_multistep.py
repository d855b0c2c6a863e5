"""The multi-step designs through `plxc run stdlib:<Name> --replay`: their results and what they cost in agent
calls, against their one-fan-out upstream twins on the same agents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stdlib_harness import Agent, cassette, run_cli


def calls(out: dict[str, Any]) -> int:
    count: int = out["metrics"]["agentCalls"]
    return count


def test_sequential_cascade_stops_at_the_first_tier_that_meets_the_target(tmp_path: Path) -> None:
    agents = [
        Agent("quick", "draft", 0.5, capabilities=["query-processing", "fast"]),
        Agent("mid", "refined", 0.85, capabilities=["query-processing", "standard"]),
        Agent("deep", "thorough", 0.99, capabilities=["query-processing", "expert"]),
    ]
    code, out = run_cli("SequentialCascade", {"minConfidence": 0.8}, cassette(agents, []), tmp_path / "seq")
    assert code == 0 and out["value"]["result"] == "refined" and out["confidence"] == 0.85
    assert calls(out) == 2
    # The upstream twin calls every query-processing agent to reach the same answer.
    code, twin = run_cli("ConfidenceCascade", {"minConfidence": 0.8}, cassette(agents, []), tmp_path / "twin")
    assert code == 0 and twin["value"]["result"] == "refined" and calls(twin) == 3


def test_chunked_map_reduce_maps_each_chunk_retries_unsure_ones_and_reduces(tmp_path: Path) -> None:
    agents = [
        Agent("m1", {"n": 1}, 0.9, capabilities=["processing"], historical=0.7,
              more=[{"result": {"n": 3}, "confidence": 0.8}]),
        Agent("m2", {"n": 2}, 0.4, capabilities=["processing"], historical=0.9,
              more=[{"result": {"n": 2}, "confidence": 0.75}, {"result": {"total": 6}, "confidence": 0.9}]),
    ]  # fmt: skip
    data = {"data": list(range(6)), "chunkSize": 2}
    code, out = run_cli("ChunkedMapReduce", data, cassette(agents, []), tmp_path)
    assert code == 0, out
    assert out["value"]["result"] == {"total": 6} and out["value"]["chunks"] == 3
    assert out["value"]["lowConfidenceChunks"] == 0  # the retried chunk came back at 0.75
    assert calls(out) == 5  # 3 chunks + 1 retry + 1 reducer
    avg = (0.9 + 0.75 + 0.8) / 3
    assert out["confidence"] == 0.9 * (0.7 + 0.3 * avg)


def test_parallel_deep_exploration_adds_a_round_only_for_divergent_approaches(tmp_path: Path) -> None:
    deep = ["code-analysis", "deep-analysis"]
    agents = [
        Agent("e1", {"approach": "cache"}, 0.9, capabilities=["code-analysis"]),
        Agent("e2", {"approach": "shard"}, 0.85, capabilities=["code-analysis"]),
        Agent("d1", {"approach": "cache"}, 0.6, capabilities=deep,
              more=[{"result": "cache it", "confidence": 0.8}, {"result": "shard it", "confidence": 0.7}]),
    ]  # fmt: skip
    code, out = run_cli("ParallelDeepExploration", None, cassette(agents, []), tmp_path)
    assert code == 0, out
    assert out["value"]["strategy"] == "divergent_exploration" and out["value"]["recommendation"] == "cache it"
    assert calls(out) == 5  # 3 explorers + 2 approaches


def test_robust_analysis_composite_runs_only_the_chosen_branch(tmp_path: Path) -> None:
    agents = [
        Agent("probe", "simple", 0.95, capabilities=["any"]),
        Agent("c1", {"assessment": "easy"}, 0.9, capabilities=["code-analysis"]),
        Agent("v1", {}, 0.9, capabilities=["validation"]),
    ]
    code, out = run_cli("RobustAnalysisComposite", {"task": "t"}, cassette(agents, []), tmp_path)
    assert code == 0, out
    assert out["value"]["strategy"] == "routed" and calls(out) == 2
    use_steps = [t for t in out["trace"] if t["kind"] == "use"]
    assert [t["pattern"] for t in use_steps] == ["LoadBalancer", "UncertaintyRouter"]
