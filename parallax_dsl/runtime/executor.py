"""Where agent calls run: the `Executor` protocol the scheduler calls for every agent call, and the local default."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from parallax_dsl.runtime.agents import Agent, Answer, Task


@runtime_checkable
class Executor(Protocol):
    """Runs one agent call. The scheduler enforces `timeout` (seconds) itself; a remote backend (Ray) may also pass
    it on. Raising is fine: the scheduler turns any exception into a failed result record."""

    async def call_agent(self, agent: Agent, task: Task, timeout: float | None) -> Answer: ...


class LocalExecutor:
    """Calls the agent in this process, on the running event loop."""

    async def call_agent(self, agent: Agent, task: Task, timeout: float | None) -> Answer:
        return await agent(task)
