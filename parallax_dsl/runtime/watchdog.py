"""Per-call timeouts with one timer for all calls: `asyncio.timeout` arms a timer handle per call, which costs about
as much as the rest of a no-op agent call; a run arms one handle for its earliest deadline instead.

Calls with the same timeout are watched in a FIFO queue: the loop's clock never goes back, so each new deadline of
a queue is the latest of that queue, and the earliest deadline of all is at the head of one of the (few) queues —
no heap, no sorting. Finished calls leave the head of their queue as soon as everything before them has finished."""

from __future__ import annotations

import asyncio
import math
from collections import deque


class Watch:
    """One watched call: its deadline, the task to cancel, and whether it expired / finished."""

    __slots__ = ("deadline", "done", "expired", "queue", "seq", "task")

    def __init__(self, deadline: float, task: asyncio.Task[object], queue: deque[Watch], seq: int) -> None:
        self.deadline = deadline
        self.seq = seq
        self.task = task
        self.queue = queue
        self.expired = False
        self.done = False


class Watchdog:
    """Cancels the task of every watched call still running at its deadline (like `asyncio.timeout`, whose
    semantics `_call` reproduces with `Task.uncancel()`)."""

    def __init__(self) -> None:
        self._queues: dict[float, deque[Watch]] = {}  # per timeout (seconds), in deadline order
        self._seq = 0
        self._live = 0
        self._size = 0
        self._handle: asyncio.TimerHandle | None = None
        self._armed_at = math.inf
        self._loop: asyncio.AbstractEventLoop | None = None

    def now(self) -> float:
        """The event loop's clock."""
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        return loop.time()

    def watch(self, seconds: float, started: float | None = None) -> Watch:
        """Start watching the current task for `seconds` from `started` (a `now()` reading; default: now)."""
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        queue = self._queues.get(seconds)
        if queue is None:
            queue = self._queues[seconds] = deque()
        deadline = (loop.time() if started is None else started) + seconds
        self._seq += 1
        entry = Watch(deadline, asyncio.current_task(loop), queue, self._seq)  # type: ignore[arg-type]
        if queue and deadline < queue[-1].deadline:  # started before calls already watched: keep the order
            index = len(queue)
            while index > 0 and queue[index - 1].deadline > deadline:
                index -= 1
            queue.insert(index, entry)
        else:
            queue.append(entry)
        self._live += 1
        self._size += 1
        if deadline < self._armed_at:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = loop.call_at(deadline, self._fire)
            self._armed_at = deadline
        elif self._size > 64 and self._size > 4 * self._live:
            self._compact()
        return entry

    def finish(self, entry: Watch) -> None:
        """The watched call is over (answered, failed or cancelled)."""
        if not entry.done:
            entry.done = True
            self._live -= 1
            queue = entry.queue
            while queue and queue[0].done:
                queue.popleft()
                self._size -= 1

    def _compact(self) -> None:
        """Drop finished calls stuck behind a long-running one (they cost memory, not time)."""
        for seconds, queue in self._queues.items():
            self._queues[seconds] = kept = deque(w for w in queue if not w.done)
            for w in kept:
                w.queue = kept
        self._size = self._live

    def _fire(self) -> None:
        self._handle = None
        self._armed_at = math.inf
        loop = self._loop
        assert loop is not None
        now = loop.time()
        earliest = math.inf
        expired: list[Watch] = []
        for queue in self._queues.values():
            while queue and (queue[0].done or queue[0].deadline <= now):
                entry = queue.popleft()
                self._size -= 1
                if not entry.done:
                    expired.append(entry)
            if queue and queue[0].deadline < earliest:
                earliest = queue[0].deadline
        if len(expired) > 1:
            expired.sort(key=lambda w: (w.deadline, w.seq))  # cancelled in deadline order, then watch order
        for entry in expired:
            entry.expired = True
            entry.task.cancel()
        if earliest < math.inf:
            self._armed_at = earliest
            self._handle = loop.call_at(earliest, self._fire)

    def close(self) -> None:
        """Stop the timer (at the end of a run)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._armed_at = math.inf
        self._queues.clear()
        self._live = 0
        self._size = 0
