"""Shared helpers for the tables: mock agents named like the upstream's tests (`Mock Agent 1`, …)."""

from typing import Any

from stdlib_harness import Agent


def mock(n: int, result: Any, confidence: float, **kwargs: Any) -> Agent:
    """The upstream tests' `mock-agent-<n>` / `Mock Agent <n>`."""
    return Agent(f"mock-agent-{n}", result, confidence, name=f"Mock Agent {n}", **kwargs)


def mocks(*answers: tuple[Any, float], **kwargs: Any) -> list[Agent]:
    return [mock(i + 1, result, confidence, **kwargs) for i, (result, confidence) in enumerate(answers)]
