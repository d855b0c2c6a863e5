"""The runtime: run compiled .plx patterns on the built-in asyncio scheduler with local, HTTP or replayed agents.

>>> import asyncio
>>> from parallax_dsl.runtime import agent, run_sync
>>> @agent(capabilities=["analysis"])
... def analyst(task):
...     return {"value": "looks fine", "confidence": 0.9}
>>> result = run_sync(
...     'pattern P { agents a { capabilities ["analysis"] } step s = a.check(task: "t") output s.value }',
...     {}, [analyst])
>>> result.value, result.confidence
('looks fine', 0.9)
"""

from __future__ import annotations

from parallax_dsl.runtime.agents import (
    Agent,
    Answer,
    BaseAgent,
    FunctionAgent,
    HttpAgent,
    Recorder,
    ReplayAgent,
    Task,
    agent,
    entry_point_agents,
    load_agents,
    load_cassette,
)
from parallax_dsl.runtime.errors import ERROR_CODES, PlxRuntimeError
from parallax_dsl.runtime.executor import Executor, LocalExecutor
from parallax_dsl.runtime.library import PatternLibrary
from parallax_dsl.runtime.scheduler import RunError, RunResult, run, run_sync

__all__ = [
    "ERROR_CODES",
    "Agent",
    "Answer",
    "BaseAgent",
    "Executor",
    "FunctionAgent",
    "HttpAgent",
    "LocalExecutor",
    "PatternLibrary",
    "PlxRuntimeError",
    "Recorder",
    "ReplayAgent",
    "RunError",
    "RunResult",
    "Task",
    "agent",
    "entry_point_agents",
    "load_agents",
    "load_cassette",
    "run",
    "run_sync",
]
