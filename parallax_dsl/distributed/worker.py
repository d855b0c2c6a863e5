"""What runs on Ray workers: one stateless agent call (a Ray task) and the host actor of stateful agents.

Imported on the workers (the remote functions refer to it by name), so it imports nothing heavy at module level:
no Ray here — `ray_backend` wraps these with `ray.remote`."""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any

from parallax_dsl.runtime.agents import Agent, FunctionAgent, Task

#: A call is abandoned on the worker this long after its timeout: the driver's own timeout (which produces the
#: failed answer, with the same text as locally) always fires first; this only frees the worker.
GRACE_SECONDS = 5.0
#: How often a waiting call's event loop wakes up to notice a cancellation.
TICK_SECONDS = 0.1


def _guard(timeout: float | None) -> float | None:
    return None if timeout is None else timeout + GRACE_SECONDS


async def _answer(agent: Agent, task: Task) -> Any:
    if type(agent) is FunctionAgent and not agent.is_async:
        result = agent.fn(task)  # a worker process of its own: block it, no thread needed
        return await result if inspect.isawaitable(result) else result
    return await agent(task)


def warm(seconds: float) -> bool:
    """A no-op task that holds its worker for `seconds`, so that several of them start a worker each."""
    time.sleep(seconds)
    return True


async def _interruptible(agent: Agent, task: Task, timeout: float | None) -> Any:
    """The call, with the event loop woken every TICK_SECONDS: Ray cancels a running task by interrupting the
    worker's main thread, which Python only notices when it runs — not while the loop sleeps in `select`."""
    ticker = asyncio.ensure_future(_tick())
    try:
        return await asyncio.wait_for(_answer(agent, task), _guard(timeout))
    finally:
        ticker.cancel()


async def _tick() -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)


def call_agent(agent: Agent, task: Task, timeout: float | None) -> Any:
    """One agent call as a Ray task: run it to its answer (bounded by timeout + grace) in a fresh event loop."""
    return asyncio.run(_interruptible(agent, task, timeout))


class _Lane:
    """One stateful agent inside a host: its calls start in the order the driver dispatched them."""

    __slots__ = ("agent", "cancelled", "next", "running", "turn")

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.next = 0  # sequence number of the call whose turn it is to start
        self.turn = asyncio.Condition()
        self.running: dict[int, asyncio.Task[Any]] = {}
        self.cancelled: set[int] = set()


class AgentHost:
    """An async Ray actor holding stateful agents (declared `stateful`, replayed cassettes): their state lives
    here across calls. Ray does not order the calls of an async actor, so the driver numbers each agent's calls
    and a call starts only after the previous one has started (run up to its first wait), as on the local
    backend, where every call starts at dispatch."""

    def __init__(self) -> None:
        self.lanes: dict[str, _Lane] = {}
        self.registered = asyncio.Condition()
        self.early_cancels: dict[str, set[int]] = {}  # cancels that arrived before their agent's first call

    async def call(self, key: str, seq: int, agent: Agent | None, task: Task, timeout: float | None) -> Any:
        """The `seq`-th call of agent `key`; the first call (seq 0) brings the agent, later ones name it."""
        async with self.registered:
            if agent is not None and key not in self.lanes:
                lane = self.lanes[key] = _Lane(agent)
                lane.cancelled |= self.early_cancels.pop(key, set())
                self.registered.notify_all()
            await self.registered.wait_for(lambda: key in self.lanes)
        lane = self.lanes[key]
        async with lane.turn:
            await lane.turn.wait_for(lambda: lane.next == seq)
        started: asyncio.Task[Any] | None = None
        if seq not in lane.cancelled:
            started = asyncio.ensure_future(_answer(lane.agent, task))
            lane.running[seq] = started
            await asyncio.sleep(0)  # let it run up to its first wait before the next call starts
        async with lane.turn:
            lane.next = seq + 1
            lane.turn.notify_all()
        if started is None:
            lane.cancelled.discard(seq)
            raise asyncio.CancelledError
        try:
            return await asyncio.wait_for(started, _guard(timeout))
        finally:
            lane.running.pop(seq, None)

    def cancel(self, key: str, seq: int) -> None:
        """The driver gave up on call `seq` (timeout, race lost, run cancelled): stop it, or skip it if it has
        not started yet."""
        lane = self.lanes.get(key)
        if lane is None:
            self.early_cancels.setdefault(key, set()).add(seq)
            return
        running = lane.running.get(seq)
        if running is not None:
            running.cancel()
        elif seq >= lane.next:
            lane.cancelled.add(seq)

    def ping(self) -> bool:
        """Ready (used to wait for the actor to start)."""
        return True
