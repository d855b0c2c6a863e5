"""Pauses Python's cyclic garbage collector while the front end builds a large graph of objects.

Parsing allocates a parse tree, an AST and an IR: hundreds of thousands of container objects that all stay alive
until the pipeline is done, and contain no garbage cycles. With the collector on, every generation-2 collection
walks all of them again; on a 10k-line file that was ~40 % of the pipeline, and it grew faster than the file
(profile in docs/performance.md). The pause is process-wide, nests, is thread-safe, and restores the previous
state when the outermost pause ends; garbage made meanwhile is collected by the next collection as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """`with gc_paused():` or `@gc_paused()`: no cyclic garbage collection inside (reference counting goes on)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
