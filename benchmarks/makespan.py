"""Makespan: a DAG of agents with uneven latencies, run by the scheduler, against its ideal critical-path time.

    python benchmarks/makespan.py [--nodes N] [--seed S] [--repeat N]

The DAG (fixed seed): N agent steps in topological order; step i reads 1–3 random steps among the 12 before it
(the first steps read only the input) and its agent sleeps a latency drawn uniformly from 5–50 ms. The ideal
makespan is the critical path: the longest path through the DAG, summing the latencies along it — what a
scheduler that starts every step the moment its inputs are ready would take with zero overhead.

Measured in the same run, interleaved, median [min–max] of the repetitions:

    parallax run()      `parallax_dsl.runtime.run` on the compiled pattern (compiled once, outside the timing)
    raw asyncio         one task per node, awaiting its predecessors' tasks, then sleeping (the practical floor:
                        it pays the event loop's timer granularity just like the runtime)
    layer by layer      raw asyncio with a barrier per layer (`gather` of each depth level in turn): what a
                        superstep / per-layer scheduler costs on the same DAG — informational

Target (issue 9): parallax run() within 5 % of the ideal critical-path time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from _common import Stat, band, percent, print_table, verdict, write_json

TARGET = 0.05
DEFAULT_NODES = 80
DEFAULT_SEED = 20240917
DEFAULT_REPEATS = 5
WINDOW = 12
LATENCY_MS = (5, 50)


@dataclass(frozen=True)
class Dag:
    latencies: list[int]  # ms per node
    preds: list[list[int]]

    @property
    def nodes(self) -> int:
        return len(self.latencies)

    def critical_path(self) -> tuple[float, list[int]]:
        """The longest path (sum of latencies, ms) and its nodes."""
        finish: list[float] = []
        best_pred: list[int | None] = []
        for i, preds in enumerate(self.preds):
            start, via = 0.0, None
            for p in preds:
                if finish[p] > start:
                    start, via = finish[p], p
            finish.append(start + self.latencies[i])
            best_pred.append(via)
        end = max(range(self.nodes), key=finish.__getitem__)
        path = [end]
        while (prev := best_pred[path[-1]]) is not None:
            path.append(prev)
        return finish[end], path[::-1]

    def layers(self) -> list[list[int]]:
        depth: list[int] = []
        for preds in self.preds:
            depth.append(1 + max((depth[p] for p in preds), default=-1))
        out: list[list[int]] = [[] for _ in range(max(depth) + 1)]
        for i, d in enumerate(depth):
            out[d].append(i)
        return out


def random_dag(nodes: int, seed: int) -> Dag:
    rng = random.Random(seed)
    latencies = [rng.randint(*LATENCY_MS) for _ in range(nodes)]
    preds: list[list[int]] = []
    for i in range(nodes):
        if i < 3:
            preds.append([])
            continue
        window = list(range(max(0, i - WINDOW), i))
        preds.append(sorted(rng.sample(window, min(len(window), rng.randint(1, 3)))))
    return Dag(latencies, preds)


def plx_text(dag: Dag) -> str:
    lines = ["pattern Makespan {", "  input {", "    task: string", "  }", "  agents sleepers {"]
    lines += ['    capabilities ["sleep"]', "  }"]
    for i, (ms, preds) in enumerate(zip(dag.latencies, dag.preds, strict=True)):
        prev = "[" + ", ".join(f"n{p}.value" for p in preds) + "]"
        lines.append(f"  step n{i} = sleepers.work(task: input.task, ms: {ms}, prev: {prev})")
    sinks = set(range(dag.nodes)) - {p for preds in dag.preds for p in preds}
    lines.append("  output [" + ", ".join(f"n{i}.value" for i in sorted(sinks)) + "]")
    lines.append("}")
    return "\n".join(lines) + "\n"


async def sleeper(task: Any) -> dict[str, Any]:
    await asyncio.sleep(task["args"]["ms"] / 1000)
    return {"value": task["args"]["ms"], "confidence": 0.9}


def _task(dag: Dag, i: int, prev: list[Any]) -> dict[str, Any]:
    return {"action": "work", "args": {"task": "t", "ms": dag.latencies[i], "prev": prev}, "step": f"n{i}"}


async def raw_asyncio(dag: Dag) -> Any:
    loop = asyncio.get_running_loop()
    tasks: list[asyncio.Task[Any]] = []

    async def node(i: int, deps: list[asyncio.Task[Any]]) -> Any:
        prev = [(await d)["value"] for d in deps]
        return await sleeper(_task(dag, i, prev))

    for i, preds in enumerate(dag.preds):
        tasks.append(loop.create_task(node(i, [tasks[p] for p in preds])))
    return await asyncio.gather(*tasks)


async def layer_by_layer(dag: Dag) -> Any:
    results: list[Any] = [None] * dag.nodes

    async def node(i: int) -> None:
        results[i] = await sleeper(_task(dag, i, [results[p]["value"] for p in dag.preds[i]]))

    for layer in dag.layers():
        await asyncio.gather(*(node(i) for i in layer))
    return results


def runtime_job(dag: Dag) -> Callable[[], Awaitable[Any]]:
    import parallax_dsl
    from parallax_dsl.runtime import agent, run

    compiled = parallax_dsl.compile(plx_text(dag))
    agents = [agent(sleeper, capabilities=["sleep"], name="sleeper")]

    async def job() -> Any:
        result = await run(compiled, {"task": "t"}, agents)
        if result.error is not None:
            raise RuntimeError(str(result.error))
        return result

    return job


async def measure(dag: Dag, repeats: int) -> dict[str, list[float]]:
    jobs: dict[str, Callable[[], Awaitable[Any]]] = {
        "runtime": runtime_job(dag),
        "raw": lambda: raw_asyncio(dag),
        "layered": lambda: layer_by_layer(dag),
    }
    await jobs["runtime"]()  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    for rep in range(repeats):
        order = list(jobs) if rep % 2 == 0 else list(reversed(jobs))
        for name in order:
            gc.collect()
            start = time.perf_counter()
            await jobs[name]()
            samples[name].append(time.perf_counter() - start)
    return samples


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--nodes", type=int, default=DEFAULT_NODES, help=f"agent steps (default {DEFAULT_NODES})")
    cli.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the DAG and its latencies")
    cli.add_argument("--repeat", type=int, default=DEFAULT_REPEATS, help=f"repetitions (default {DEFAULT_REPEATS})")
    args = cli.parse_args(argv)

    dag = random_dag(args.nodes, args.seed)
    ideal_ms, path = dag.critical_path()
    layers = dag.layers()
    print(
        f"makespan: {dag.nodes} nodes, {sum(map(len, dag.preds))} edges, {len(layers)} layers, "
        f"critical path {ideal_ms:.0f} ms over {len(path)} nodes; {args.repeat} runs …",
        file=sys.stderr,
        flush=True,
    )
    samples = asyncio.run(measure(dag, args.repeat))
    ideal = ideal_ms / 1000
    ratios = {name: Stat.of([v / ideal for v in values]) for name, values in samples.items()}
    labels = {
        "runtime": "parallax run()",
        "raw": "raw asyncio, one task per node",
        "layered": "raw asyncio, layer by layer (gather)",
    }
    raw_ratio = Stat.of([own / raw for raw, own in zip(samples["raw"], samples["runtime"], strict=True)])
    rows = [["ideal (critical path)", f"{ideal_ms:.1f} ms", "1.000x", "", ""]]
    for name in ("runtime", "raw", "layered"):
        stat = Stat.of(samples[name])
        ratio = ratios[name]
        rows.append(
            [
                labels[name],
                band(f"{stat.median * 1000:.1f}", f"{stat.min * 1000:.1f}", f"{stat.max * 1000:.1f}") + " ms",
                band(f"{ratio.median:.3f}x", f"{ratio.min:.3f}x", f"{ratio.max:.3f}x"),
                f"{(ratio.median - 1) * 100:+.1f} %",
                f"≤ +{percent(TARGET)}: {verdict(ratio.median <= 1 + TARGET)}" if name == "runtime" else "",
            ]
        )
    print_table(
        f"Makespan: {dag.nodes} sleeping agents (5–50 ms, seed {args.seed}) against the critical path "
        "(median [min–max])",
        ["runner", "makespan", "vs ideal", "over ideal", "target"],
        rows,
    )
    print(
        "parallax run() / raw asyncio on the same DAG: "
        f"{band(f'{raw_ratio.median:.3f}x', f'{raw_ratio.min:.3f}x', f'{raw_ratio.max:.3f}x')}\n"
    )
    path_out = write_json(
        "makespan",
        {
            "targets": {"over_ideal": TARGET},
            "dag": {
                "nodes": dag.nodes,
                "edges": sum(map(len, dag.preds)),
                "seed": args.seed,
                "latency_ms": list(LATENCY_MS),
                "layers": len(layers),
                "critical_path_ms": ideal_ms,
                "critical_path_nodes": len(path),
            },
            "repeats": args.repeat,
            "seconds": {name: Stat.of(values).as_dict() for name, values in samples.items()},
            "ratio_vs_ideal": {name: stat.as_dict() for name, stat in ratios.items()},
            "runtime_vs_raw": raw_ratio.as_dict(),
            "samples": samples,
        },
    )
    print(f"wrote {path_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
