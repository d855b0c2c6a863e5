"""STUB — scheduler, makespan and run-at-scale benchmarks (issue 9). Not written yet: they need the runtime.

    python benchmarks/scheduler.py

The runtime (parallax_dsl.runtime) is being built separately. Until it can run a compiled pattern end to end
this script only says so and exits 0, so `make bench` keeps working. What it must measure once it can:

1. Scheduler overhead per node, on DAGs of no-op local agents, with confidence propagation and tracing ON:
     - a chain of 1,000 nodes;
     - a fan-out of 1,000 nodes into one join;
     - a 50 x 20 layered DAG (50 layers of 20 nodes, each node reading every node of the layer before).
   Baseline, in the same run: raw asyncio on the same shapes (one task per node awaiting its predecessors'
   futures, no confidence, no trace). Report (runtime time / baseline time) per shape, median [min–max] of
   several interleaved runs, and the per-node overhead in µs. Target: <= 2x the baseline.
   Optional: the same shapes in LangGraph when it is installed (an extra, never a dependency); report the ratio.
2. Makespan: a DAG of sleeping agents with uneven latencies (5–50 ms, fixed seed), against its ideal critical-path
   time computed from the latencies (longest path through the DAG). Target: within 5 % of ideal. This is what
   catches a layer-by-layer scheduler: the runtime must dispatch from a ready queue with dependency counts, not
   `gather` per layer or superstep barriers (those cost ~20 % here).
3. Scale, run half: run the 1k / 10k / 100k-node patterns (compile half: benchmarks/scale.py) with no-op agents;
   time per node, memory per node (tracemalloc), growth ratios against the next smaller size.

Write the table like the other scripts (benchmarks/_common.py: Stat, print_table, write_json) to
benchmarks/results/scheduler.json, and add the rows to docs/performance.md.
"""

from __future__ import annotations

import importlib
import sys


def main() -> int:
    try:
        importlib.import_module("parallax_dsl.runtime")
    except ImportError as exc:
        print(
            f"scheduler benchmarks skipped: parallax_dsl.runtime is not importable ({exc}); "
            "they need the runtime (see this script's docstring for what they will measure)",
            file=sys.stderr,
        )
        return 0
    print(
        "scheduler benchmarks skipped: parallax_dsl.runtime imports, but this script is still a stub — "
        "see its docstring for what it must measure (chain / fan-out / layered DAG overhead vs raw asyncio, "
        "makespan vs the critical path, run-at-scale)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
