"""Scheduler overhead per node: the runtime on DAGs of no-op agents against raw asyncio on the same shapes.

    python benchmarks/scheduler.py [--repeat N] [--shapes chain,fanout,layered] [--profile SHAPE]

Three shapes of 1,000 agent steps, each built as `.plx` text and compiled once, outside the timing:

    chain    n0 → n1 → … → n999: each step passes its predecessor's value to the agent
    fanout   1,000 independent steps, then one join step reading all 1,000 values
    layered  50 layers x 20 steps, each step reading all 20 steps of the layer before

Every step calls one no-op async `@agent` (it returns `{"value": 1, "confidence": 0.9}` at once). The runtime
is timed through the normal public API, `await parallax_dsl.runtime.run(compiled_pattern, input, agents)`, with
everything on: licence detection, input validation, confidence propagation, the per-call timeout (60 s default),
the trace (read inside the timed job, since a `RunResult` builds it when first read) and the metrics.

The baseline, in the same event loop and interleaved with the runtime in every repetition, is raw asyncio on the
same shape: one task per node, which awaits its predecessors' tasks, builds the task dict and awaits the same
no-op agent function. No confidence, no trace, no timeouts. The figure is runtime time / baseline time per
repetition (median [min–max] over the repetitions), next to the per-node times in µs. Target (issue 9): ≤ 2x.

LangGraph, when it is importable (an extra, never a dependency), runs the same shapes as a `StateGraph` of no-op
nodes (an `add` reducer on one channel) and its ratio against the same baseline is reported for comparison.

`--profile SHAPE` runs that shape's runtime under cProfile instead and prints the top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from _common import Stat, band, print_table, verdict, write_json

TARGET_RATIO = 2.0
DEFAULT_REPEATS = 15
SHAPES = ("chain", "fanout", "layered")


# ------------------------------------------------------------------------------------------------ shapes


@dataclass(frozen=True)
class Shape:
    """A DAG in topological order: `preds[i]` are the nodes node i waits for (and reads)."""

    name: str
    description: str
    names: list[str]
    preds: list[list[int]]

    @property
    def nodes(self) -> int:
        return len(self.names)


def chain(n: int = 1000) -> Shape:
    return Shape("chain", f"chain of {n:,}", [f"n{i}" for i in range(n)], [[]] + [[i - 1] for i in range(1, n)])


def fanout(n: int = 1000) -> Shape:
    names = [f"n{i}" for i in range(n)] + ["join"]
    return Shape("fanout", f"fan-out of {n:,} into one join", names, [[] for _ in range(n)] + [list(range(n))])


def layered(layers: int = 50, width: int = 20) -> Shape:
    names: list[str] = []
    preds: list[list[int]] = []
    for layer in range(layers):
        for j in range(width):
            names.append(f"l{layer}_{j}")
            preds.append([] if layer == 0 else list(range((layer - 1) * width, layer * width)))
    return Shape("layered", f"{layers} x {width} layered DAG", names, preds)


def build_shape(name: str) -> Shape:
    return {"chain": chain, "fanout": fanout, "layered": layered}[name]()


def plx_text(shape: Shape) -> str:
    """The shape as a pattern: one agent step per node, whose `prev` argument reads its predecessors' values."""
    lines = [
        f"pattern Bench{shape.name.capitalize()} {{",
        "  input {",
        "    task: string",
        "  }",
        "  agents workers {",
        '    capabilities ["work"]',
        "  }",
    ]
    for name, preds in zip(shape.names, shape.preds, strict=True):
        if not preds:
            args = "task: input.task"
        elif len(preds) == 1:
            args = f"task: input.task, prev: {shape.names[preds[0]]}.value"
        else:
            args = "task: input.task, prev: [" + ", ".join(f"{shape.names[p]}.value" for p in preds) + "]"
        lines.append(f"  step {name} = workers.work({args})")
    sinks = set(range(shape.nodes)) - {p for preds in shape.preds for p in preds}
    outputs = ", ".join(f"{shape.names[i]}.value" for i in sorted(sinks))
    lines.append(f"  output [{outputs}]")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ workloads


ANSWER: dict[str, Any] = {"value": 1, "confidence": 0.9}


async def noop(task: Any) -> dict[str, Any]:
    """The no-op agent: answers at once, without yielding to the event loop."""
    return ANSWER


async def raw_asyncio(shape: Shape) -> list[Any]:
    """Raw asyncio on the shape: one task per node awaiting its predecessors' tasks, then the agent function."""
    loop = asyncio.get_running_loop()
    tasks: list[asyncio.Task[Any]] = []

    async def node(name: str, deps: list[asyncio.Task[Any]]) -> Any:
        prev = [(await d)["value"] for d in deps]
        return await noop({"action": "work", "args": {"task": "t", "prev": prev}, "step": name, "pattern": "raw"})

    for name, preds in zip(shape.names, shape.preds, strict=True):
        tasks.append(loop.create_task(node(name, [tasks[p] for p in preds])))
    return await asyncio.gather(*tasks)


def runtime_job(shape: Shape) -> Callable[[], Awaitable[Any]]:
    import parallax_dsl
    from parallax_dsl.runtime import agent, run

    compiled = parallax_dsl.compile(plx_text(shape))
    agents = [agent(noop, capabilities=["work"], name="noop")]
    payload = {"task": "t"}

    async def job() -> Any:
        result = await run(compiled, payload, agents)
        # "Trace on": the trace is built inside the timed job. A RunResult builds it when first read, so without
        # this read a run whose caller never looks at the trace would be timed instead.
        result.trace  # noqa: B018
        if result.error is not None:
            raise RuntimeError(f"{shape.name}: {result.error}")
        return result

    return job


def langgraph_job(shape: Shape) -> Callable[[], Awaitable[Any]] | None:
    """The shape as a LangGraph StateGraph of no-op async nodes, or None when LangGraph is not importable."""
    if importlib.util.find_spec("langgraph") is None:
        return None
    # LangSmith (a LangGraph dependency) sends traces over the network when the environment turns tracing on: never
    # from a benchmark.
    for switch in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING"):
        os.environ[switch] = "false"
    import operator
    from typing import Annotated, TypedDict

    from langgraph.graph import END, START, StateGraph

    # The functional form: with `from __future__ import annotations` a class body's annotations are strings, which
    # LangGraph resolves in this module's globals, where the local imports above are not.
    State = TypedDict("State", {"done": Annotated[list[str], operator.add]})  # noqa: UP013

    graph = StateGraph(State)

    def make(name: str) -> Callable[[State], Awaitable[dict[str, list[str]]]]:
        async def node(state: State) -> dict[str, list[str]]:
            await noop({"action": "work", "step": name})
            return {"done": [name]}

        return node

    for name in shape.names:
        graph.add_node(name, make(name))
    successors: set[int] = set()
    for i, preds in enumerate(shape.preds):
        if not preds:
            graph.add_edge(START, shape.names[i])
        elif len(preds) == 1:
            graph.add_edge(shape.names[preds[0]], shape.names[i])
        else:  # wait for all predecessors
            graph.add_edge([shape.names[p] for p in preds], shape.names[i])
        successors.update(preds)
    for i, name in enumerate(shape.names):
        if i not in successors:
            graph.add_edge(name, END)
    app = graph.compile()
    config = {"recursion_limit": shape.nodes + 10}

    async def job() -> Any:
        return await app.ainvoke({"done": []}, config=config)

    return job


async def timed_async(job: Callable[[], Awaitable[Any]]) -> float:
    gc.collect()
    start = time.perf_counter()
    result = await job()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


# ------------------------------------------------------------------------------------------------ measuring


async def measure(shapes: Sequence[Shape], repeats: int) -> list[dict[str, Any]]:
    jobs: list[dict[str, Callable[[], Awaitable[Any]]]] = []
    for shape in shapes:
        entry: dict[str, Callable[[], Awaitable[Any]]] = {
            "raw": lambda s=shape: raw_asyncio(s),  # type: ignore[misc]
            "runtime": runtime_job(shape),
        }
        lg = langgraph_job(shape)
        if lg is not None:
            entry["langgraph"] = lg
        jobs.append(entry)
    # Warm-up: first calls pay for imports, lazily built caches and the interpreter's specialisation.
    for entry in jobs:
        for job in entry.values():
            for _ in range(2):
                await job()
    samples: list[dict[str, list[float]]] = [{name: [] for name in entry} for entry in jobs]
    for rep in range(repeats):
        for entry, sample in zip(jobs, samples, strict=True):
            order = list(entry) if rep % 2 == 0 else list(reversed(entry))  # alternate who runs first
            for name in order:
                sample[name].append(await timed_async(entry[name]))
    results = []
    for shape, sample in zip(shapes, samples, strict=True):
        ratios = {
            name: Stat.of([own / raw for raw, own in zip(sample["raw"], values, strict=True)])
            for name, values in sample.items()
            if name != "raw"
        }
        per_node = {name: Stat.of([v / shape.nodes * 1e6 for v in values]) for name, values in sample.items()}
        results.append(
            {
                "shape": shape.name,
                "description": shape.description,
                "nodes": shape.nodes,
                "edges": sum(len(p) for p in shape.preds),
                "repeats": repeats,
                "seconds": {name: Stat.of(values).as_dict() for name, values in sample.items()},
                "us_per_node": {name: stat.as_dict() for name, stat in per_node.items()},
                "ratio_vs_raw": {name: stat.as_dict() for name, stat in ratios.items()},
                "overhead_us_per_node": statistics.median(
                    (own - raw) / shape.nodes * 1e6 for raw, own in zip(sample["raw"], sample["runtime"], strict=True)
                ),
                "samples": sample,
                "_ratios": ratios,
                "_per_node": per_node,
            }
        )
    return results


def profile(shape: Shape, runs: int) -> None:
    import cProfile
    import pstats

    job = runtime_job(shape)

    async def go() -> None:
        for _ in range(2):
            await job()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            await job()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)

    asyncio.run(go())


def us(value: float) -> str:
    return f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--repeat", type=int, default=DEFAULT_REPEATS, help=f"repetitions (default {DEFAULT_REPEATS})")
    cli.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated: chain,fanout,layered")
    cli.add_argument("--profile", choices=SHAPES, help="profile the runtime on one shape instead (cProfile)")
    args = cli.parse_args(argv)

    if args.profile:
        profile(build_shape(args.profile), 10)
        return 0

    shapes = [build_shape(name.strip()) for name in args.shapes.split(",") if name.strip()]
    print(f"scheduler: {', '.join(s.name for s in shapes)} x {args.repeat} runs …", file=sys.stderr, flush=True)
    results = asyncio.run(measure(shapes, args.repeat))

    rows = []
    for result in results:
        ratios: dict[str, Stat] = result["_ratios"]
        per_node: dict[str, Stat] = result["_per_node"]
        for name in ("raw", "runtime", "langgraph"):
            if name not in per_node:
                continue
            stat = per_node[name]
            ratio = ratios.get(name)
            rows.append(
                [
                    result["description"],
                    {"raw": "raw asyncio (baseline)", "runtime": "parallax run()", "langgraph": "LangGraph"}[name],
                    band(us(stat.median), us(stat.min), us(stat.max)),
                    "1.00x"
                    if ratio is None
                    else band(f"{ratio.median:.2f}x", f"{ratio.min:.2f}x", f"{ratio.max:.2f}x"),
                    f"≤ {TARGET_RATIO:g}x: {verdict(ratio.median <= TARGET_RATIO)}"
                    if name == "runtime" and ratio is not None
                    else "",
                ]
            )
    print_table(
        "Scheduler: time per node on no-op agents, relative to raw asyncio on the same DAG (median [min–max])",
        ["shape", "runner", "µs per node", "vs raw asyncio", "target"],
        rows,
    )
    if not any("langgraph" in r["_per_node"] for r in results):
        print("(LangGraph is not installed: no comparison; `make bench-langgraph` installs the extra and adds it)\n")

    for result in results:
        result.pop("_ratios")
        result.pop("_per_node")
    path = write_json("scheduler", {"targets": {"ratio_vs_raw": TARGET_RATIO}, "shapes": results})
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
