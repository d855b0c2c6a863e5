"""The front end pauses the cyclic garbage collector while it runs, and always restores it (no timings here)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable

import pytest

import parallax_dsl
from parallax_dsl.checks.run import check_text
from parallax_dsl.ir.compile import CompileError
from parallax_dsl.syntax import parse_source
from parallax_dsl.syntax.gcpause import gc_paused

SOURCE = 'pattern Hello {\n  input { task: string }\n  output "hi ${input.task}"\n}\n'


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still on
    assert gc.isenabled()


def test_restored_after_an_exception() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_in_threads_restore_the_collector() -> None:
    inside = threading.Barrier(2)
    leave = threading.Event()

    def worker() -> None:
        with gc_paused():
            inside.wait()
            leave.wait()

    thread = threading.Thread(target=worker)
    thread.start()
    with gc_paused():
        inside.wait()
    assert not gc.isenabled()  # the worker's pause outlives ours
    leave.set()
    thread.join()
    assert gc.isenabled()


@pytest.mark.parametrize(
    "run",
    [
        lambda: parse_source(SOURCE, "hello.plx"),
        lambda: check_text(SOURCE, "hello.plx"),
        lambda: parallax_dsl.compile_file(SOURCE),
        lambda: parse_source("pattern {", "broken.plx"),
        lambda: parallax_dsl.compile_file("pattern Broken { output missing }"),
    ],
    ids=["parse", "check", "compile", "syntax-error", "compile-error"],
)
def test_front_end_entry_points_restore_the_collector(run: Callable[[], object]) -> None:
    with contextlib.suppress(CompileError):
        run()
    assert gc.isenabled()
