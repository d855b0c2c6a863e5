"""Shared helpers for the benchmark scripts: timing, statistics, tables and the JSON results.

Machines are shared and noisy, so every figure the scripts report is a ratio against a baseline measured in the
same run (interleaved with it where possible), as the median of several runs with the min and max next to it.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Stat:
    """Median, min and max of a few samples."""

    median: float
    min: float
    max: float
    n: int

    @staticmethod
    def of(samples: Sequence[float]) -> Stat:
        return Stat(statistics.median(samples), min(samples), max(samples), len(samples))

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.min, "max": self.max, "n": self.n}


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of `fn` takes; the heap is collected first so each run starts from the same state."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


def ratio_band(big: Stat, small: Stat) -> tuple[float, float, float]:
    """big / small from the medians, with the widest band the samples allow (min/max, max/min)."""
    return big.median / small.median, big.min / small.max, big.max / small.min


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def band(median: str, low: str, high: str) -> str:
    return f"{median} [{low}–{high}]"


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain-text table (also valid Markdown), so it can be pasted into docs/performance.md."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(f"\n{title}\n")
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print()


def environment() -> dict[str, Any]:
    """Where and on what the numbers were taken."""
    import lark

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "parallax_dsl"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        )
    except OSError:
        commit, dirty = "", False
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "lark": lark.__version__,
        "commit": commit,
        "parallax_dsl_modified": dirty,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": sys.argv,
    }


def write_json(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"environment": environment(), **payload}, indent=2) + "\n", encoding="utf-8")
    return path


def parse_sizes(text: str) -> list[int]:
    """`1k,10k,100000` → [1000, 10000, 100000]."""
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            out.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    return out
