"""Per-call timeouts with one timer for all calls: `asyncio.timeout` arms a timer handle per call, which costs about
as much as the rest of a no-op agent call; a run arms one handle for its earliest deadline instead."""

from __future__ import annotations

import asyncio
import heapq
import math


class Watch:
    """One watched call: its deadline, the task to cancel, and whether it expired / finished."""

    __slots__ = ("deadline", "done", "expired", "task")

    def __init__(self, deadline: float, task: asyncio.Task[object]) -> None:
        self.deadline = deadline
        self.task = task
        self.expired = False
        self.done = False


class Watchdog:
    """Cancels the task of every watched call still running at its deadline (like `asyncio.timeout`, whose
    semantics `_call` reproduces with `Task.uncancel()`)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Watch]] = []
        self._seq = 0
        self._live = 0
        self._handle: asyncio.TimerHandle | None = None
        self._armed_at = math.inf
        self._loop: asyncio.AbstractEventLoop | None = None

    def watch(self, seconds: float) -> Watch:
        """Start watching the current task for `seconds`."""
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        entry = Watch(loop.time() + seconds, asyncio.current_task())  # type: ignore[arg-type]
        self._seq += 1
        self._live += 1
        heapq.heappush(self._heap, (entry.deadline, self._seq, entry))
        if entry.deadline < self._armed_at:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = loop.call_at(entry.deadline, self._fire)
            self._armed_at = entry.deadline
        elif len(self._heap) > 64 and len(self._heap) > 4 * self._live:
            self._heap = [item for item in self._heap if not item[2].done]
            heapq.heapify(self._heap)
        return entry

    def finish(self, entry: Watch) -> None:
        """The watched call is over (answered, failed or cancelled)."""
        if not entry.done:
            entry.done = True
            self._live -= 1

    def _fire(self) -> None:
        self._handle = None
        self._armed_at = math.inf
        loop = self._loop
        assert loop is not None
        now = loop.time()
        heap = self._heap
        while heap and (heap[0][2].done or heap[0][0] <= now):
            _, _, entry = heapq.heappop(heap)
            if not entry.done:
                entry.expired = True
                entry.task.cancel()
        if heap:
            self._armed_at = heap[0][0]
            self._handle = loop.call_at(self._armed_at, self._fire)

    def close(self) -> None:
        """Stop the timer (at the end of a run)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._armed_at = math.inf
        self._heap.clear()
