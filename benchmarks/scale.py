"""Scale: compile ONE pattern of 1k / 10k / 100k lines, and run patterns of 1k / 10k / 100k agent steps;
time and memory per line / node, growth ratios.

    python benchmarks/scale.py [--sizes 1k,10k,100k] [--repeat N] [--trace-max 10k] [--run-sizes 1k,10k,100k]

Each size is one pattern (benchmarks/generate.py: generate_pattern) whose blocks of agent steps and lets read the
block before, so one scope, one dependency graph and one step list grow with the file. Figures:

    time       compile_file, median of a few runs (no tracing), and the same per line
    AST        bytes retained by the parsed module / its node count (dataclass instances; spans not counted)
    IR         bytes retained by the CompiledFile / its node count (pydantic model instances)
    peak       tracemalloc peak while compiling, per source line

Memory is traced up to `--trace-max` lines (default 10k): tracemalloc slows the pipeline ~5x, and a traced
100k-line compile alone would take two of the five minutes `make bench` may use. Every figure is reported next
to its growth ratio against the next smaller size measured in the same run
(target: ~1.0 per line or node, i.e. linear; time 10x the lines → at most 11x, as for the front end).

Run: a layered DAG of N agent steps (N = 1k / 10k / 100k), 100 steps wide, each step after the first layer
reading the values of two steps of the layer before (`prev: [a.value, b.value]`), the output reading the last
layer; every step calls one no-op async agent, through `parallax_dsl.runtime.run` with everything on (trace,
confidence, per-call timeout). Its IR is built directly (`run_pattern`), not compiled from text: compiling the
100k-step text takes ~45 s, and the compile half above already measures the compiler. At the smallest size the
built IR is checked to be the compiler's own for the same text (`run_source`), spans and analysis aside.

    cold       the first run of the pattern (it builds the scheduler's per-pattern plan), and its time in the
               cyclic garbage collector (gc.callbacks)
    warm       median [min–max] of the following runs, the same per node (step), and the median time in the GC
    memory     tracemalloc peak while one warm run runs, above what was allocated before it, per node; and the
               bytes its RunResult (value, trace, metrics) retains, per node. A traced run is ~4x slower; it is
               not one of the timed runs.

Growth per 10x nodes: warm time (target ≤ 11x, as above) and peak bytes per node (target ≤ 1.10, i.e. constant).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import itertools
import sys
import time
import tracemalloc
from typing import Any

from _common import Stat, band, parse_sizes, print_table, ratio_band, seconds, verdict, write_json
from generate import generate_pattern

# One 100k-line compile takes ~22 s; a single one keeps `make bench` (with the run half below) under 5 minutes.
DEFAULT_REPEATS = {1_000: 7, 10_000: 3, 100_000: 1}
# tracemalloc slows the pipeline ~5x (a traced 100k-line compile alone takes ~2 minutes), so by default memory is
# traced up to 10k lines; `--trace-max 100k` traces every size.
DEFAULT_TRACE_MAX = 10_000
TARGET_GROWTH = 11.0
DEFAULT_RUN_REPEATS = {1_000: 9, 10_000: 5, 100_000: 2}
RUN_WIDTH = 100
TARGET_MEMORY_GROWTH = 1.10


def count_ast(node: Any) -> int:
    """AST nodes (dataclass instances other than Span) reachable from `node`, iteratively."""
    from parallax_dsl.diagnostics.model import Span

    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type | Span):
            count += 1
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
    return count


def count_ir(node: Any) -> int:
    """IR nodes (pydantic model instances) reachable from `node`, iteratively."""
    from pydantic import BaseModel

    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            count += 1
            stack.extend(item.__dict__.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return count


def retained(build: Any) -> tuple[Any, int, int]:
    """(result, bytes still allocated once `build()` returned, peak bytes while it ran) under tracemalloc."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    result = build()
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, after - before, peak - before


def measure(lines: int, repeats: int, trace: bool) -> dict[str, Any]:
    import parallax_dsl

    text = generate_pattern(lines)
    actual = text.count("\n")
    samples = []
    compiled: Any = None
    for _ in range(repeats):
        compiled = None
        gc.collect()
        start = time.perf_counter()
        compiled = parallax_dsl.compile_file(text)
        samples.append(time.perf_counter() - start)
    times = Stat.of(samples)
    out: dict[str, Any] = {
        "lines": actual,
        "repeats": repeats,
        "seconds": times.as_dict(),
        "seconds_per_line": times.median / actual,
        "steps": sum(len(p.steps) for p in compiled.patterns),
        "ir_nodes": count_ir(compiled),
        "traced": trace,
        "_times": times,
    }
    del compiled
    if not trace:
        return out
    module, ast_bytes, _ = retained(lambda: parallax_dsl.parse(text, "scale.plx"))
    ast_nodes = count_ast(module)
    del module
    compiled, ir_bytes, peak = retained(lambda: parallax_dsl.compile_file(text))
    del compiled
    out.update(
        {
            "ast_nodes": ast_nodes,
            "ast_bytes": ast_bytes,
            "ast_bytes_per_node": ast_bytes / ast_nodes,
            "ir_bytes": ir_bytes,
            "ir_bytes_per_node": ir_bytes / out["ir_nodes"],
            "peak_bytes": peak,
            "peak_bytes_per_line": peak / actual,
        }
    )
    return out


# ------------------------------------------------------------------------------------------------ run half


def _run_step_ids(nodes: int, width: int) -> list[tuple[str, list[str]]]:
    """(step id, the steps it reads) of the layered DAG, in source order."""
    out = []
    for i in range(nodes):
        layer, j = divmod(i, width)
        preds = [] if layer == 0 else [f"s{layer - 1}_{j}", f"s{layer - 1}_{(j + 1) % width}"]
        out.append((f"s{layer}_{j}", preds))
    return out


def _last_layer(nodes: int, width: int) -> list[str]:
    last = (nodes - 1) // width
    return [f"s{last}_{j}" for j in range(width) if last * width + j < nodes]


def run_source(nodes: int, width: int = RUN_WIDTH) -> str:
    """The run pattern as .plx text (what `run_pattern` builds directly)."""
    lines = [
        "pattern ScaleRun {",
        "  input {",
        "    task: string",
        "  }",
        "  agents workers {",
        '    capabilities ["work"]',
    ]
    lines.append("  }")
    for sid, preds in _run_step_ids(nodes, width):
        args = "task: input.task" if not preds else "prev: [" + ", ".join(f"{p}.value" for p in preds) + "]"
        lines.append(f"  step {sid} = workers.work({args})")
    lines.append("  output [" + ", ".join(f"{s}.value" for s in _last_layer(nodes, width)) + "]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def run_pattern(nodes: int, width: int = RUN_WIDTH) -> Any:
    """The run pattern's IR (a CompiledPattern), built directly."""
    from parallax_dsl.ir import model as ir
    from parallax_dsl.syntax.gcpause import gc_paused

    def ref(name: str) -> dict[str, Any]:
        return {"op": "ref", "name": name, "args": []}

    def read(name: str, key: str) -> dict[str, Any]:
        return {"op": "field", "name": key, "args": [ref(name)]}

    steps: list[dict[str, Any]] = []
    for line, (sid, preds) in enumerate(_run_step_ids(nodes, width), start=8):
        args = {"task": read("input", "task")} if not preds else {"prev": {"op": "list", "args": []}}
        if preds:
            args["prev"]["args"] = [read(p, "value") for p in preds]
        steps.append(
            {
                "id": sid,
                "depends_on": preds or ["input"],
                "span": f"scale.plx:{line}:3",
                "kind": "agent",
                "mode": "single",
                "group": "workers",
                "action": "work",
                "args": args,
            }
        )
    last = _last_layer(nodes, width)
    steps.append(
        {
            "id": "output#1",
            "depends_on": last,
            "span": f"scale.plx:{nodes + 8}:3",
            "kind": "output",
            "value": {"op": "list", "args": [read(s, "value") for s in last]},
        }
    )
    document = {
        "name": "ScaleRun",
        "source": "scale.plx",
        "input": {"task": {"type": "string"}},
        "agents": {"workers": {"capabilities": ["work"]}},
        "steps": steps,
    }
    with gc_paused():
        return ir.CompiledPattern.model_validate(document)


def check_run_pattern(nodes: int) -> None:
    """The built IR equals what the compiler makes of `run_source` (spans, source and analysis aside)."""
    import parallax_dsl

    compiled = parallax_dsl.compile(run_source(nodes))
    exclude = {"source": True, "analysis": True, "steps": {"__all__": {"span"}}}
    built = run_pattern(nodes).model_dump(exclude=exclude)
    expected = compiled.model_dump(exclude=exclude)
    if built != expected:
        raise SystemExit(f"scale: the run pattern built for {nodes} steps differs from the compiler's")


ANSWER: dict[str, Any] = {"value": 1, "confidence": 0.9}


async def noop(task: Any) -> dict[str, Any]:
    """The no-op agent of benchmarks/scheduler.py: answers at once."""
    return ANSWER


async def measure_run(nodes: int, repeats: int) -> dict[str, Any]:
    from parallax_dsl.runtime import agent, run

    build_start = time.perf_counter()
    pattern = run_pattern(nodes)
    build = time.perf_counter() - build_start
    agents = [agent(noop, capabilities=["work"], name="noop")]
    payload = {"task": "t"}

    collecting: list[float] = [0.0, 0.0]  # [start of the current collection, seconds spent collecting]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collecting[0] = time.perf_counter()
        else:
            collecting[1] += time.perf_counter() - collecting[0]

    async def once() -> tuple[float, float, Any]:
        gc.collect()
        collecting[1] = 0.0
        gc.callbacks.append(on_gc)
        start = time.perf_counter()
        try:
            result = await run(pattern, payload, agents)
            result.trace  # noqa: B018 - "trace on": the trace is built, as `plxc run --format json` needs it
            elapsed = time.perf_counter() - start
        finally:
            gc.callbacks.remove(on_gc)
        if result.error is not None or len(result.trace) != nodes + 1:
            raise SystemExit(f"scale: the {nodes}-step run failed: {result.error}")
        return elapsed, collecting[1], result

    cold, cold_gc, result = await once()
    del result
    samples = []
    gc_samples = []
    for _ in range(repeats):
        elapsed, in_gc, result = await once()
        samples.append(elapsed)
        gc_samples.append(in_gc)
        del result
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    result = await run(pattern, payload, agents)
    result.trace  # noqa: B018 - built, so the result retains what a read result does
    after, peak = tracemalloc.get_traced_memory()
    del result
    gc.collect()
    freed = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    times = Stat.of(samples)
    return {
        "nodes": nodes,
        "width": RUN_WIDTH,
        "edges": 2 * max(nodes - RUN_WIDTH, 0),
        "ir_nodes": count_ir(pattern),
        "ir_build_seconds": build,
        "repeats": repeats,
        "cold_seconds": cold,
        "cold_gc_seconds": cold_gc,
        "seconds": times.as_dict(),
        "gc_seconds": Stat.of(gc_samples).as_dict(),
        "us_per_node": times.median / nodes * 1e6,
        "samples": samples,
        "gc_samples": gc_samples,
        "peak_bytes": peak - before,
        "peak_bytes_per_node": (peak - before) / nodes,
        "result_bytes": after - freed,
        "result_bytes_per_node": (after - freed) / nodes,
        "_times": times,
    }


def report_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for r in results:
        times: Stat = r["_times"]
        rows.append(
            [
                f"{r['nodes']:,}",
                f"{r['ir_nodes']:,}",
                f"{seconds(r['cold_seconds'])} ({seconds(r['cold_gc_seconds'])})",
                band(seconds(times.median), seconds(times.min), seconds(times.max)),
                f"{r['us_per_node']:.1f} µs",
                seconds(r["gc_seconds"]["median"]),
                f"{r['peak_bytes_per_node'] / 1024:.2f} KiB",
                f"{r['result_bytes_per_node'] / 1024:.2f} KiB",
            ]
        )
    print_table(
        f"Scale: run a layered DAG of no-op agent steps ({RUN_WIDTH} wide, 2 reads per step); warm runs median "
        "[min–max]; time in the cyclic GC (gc.callbacks); memory: tracemalloc peak during a run, and the RunResult, "
        "per node",
        [
            "steps",
            "IR nodes",
            "cold run (GC)",
            "warm run",
            "per node",
            "GC in warm",
            "peak per node",
            "result per node",
        ],
        rows,
    )
    growth: dict[str, Any] = {}
    growth_rows = []
    for small, big in itertools.pairwise(results):
        scale = big["nodes"] / small["nodes"]
        median, low, high = (value * 10 / scale for value in ratio_band(big["_times"], small["_times"]))
        memory = big["peak_bytes_per_node"] / small["peak_bytes_per_node"]
        result_memory = big["result_bytes_per_node"] / small["result_bytes_per_node"]
        key = f"{small['nodes']}->{big['nodes']}"
        growth[key] = {
            "nodes_ratio": scale,
            "time_per_10x_nodes": median,
            "time_band": [low, high],
            "cold_time_per_10x_nodes": big["cold_seconds"] / small["cold_seconds"] * 10 / scale,
            "peak_bytes_per_node": memory,
            "result_bytes_per_node": result_memory,
        }
        growth_rows.append(
            [
                f"{small['nodes']:,} → {big['nodes']:,}",
                band(f"{median:.1f}x", f"{low:.1f}x", f"{high:.1f}x"),
                verdict(median <= TARGET_GROWTH),
                f"{growth[key]['cold_time_per_10x_nodes']:.1f}x",
                f"{memory:.2f}",
                verdict(memory <= TARGET_MEMORY_GROWTH),
                f"{result_memory:.2f}",
            ]
        )
    if growth_rows:
        print_table(
            "Scale: run growth against the next smaller size (time per 10x nodes; 1.00 = constant bytes per node)",
            [
                "steps",
                "warm time per 10x nodes",
                f"≤ {TARGET_GROWTH:g}x",
                "cold",
                "peak/node",
                f"≤ {TARGET_MEMORY_GROWTH:.2f}",
                "result/node",
            ],
            growth_rows,
        )
    for r in results:
        r.pop("_times")
    return growth


def _ratio(big: dict[str, Any], small: dict[str, Any], key: str) -> float | None:
    return big[key] / small[key] if key in big and key in small else None


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", default="1k,10k,100k", help="comma-separated line counts (default 1k,10k,100k)")
    cli.add_argument("--repeat", type=int, default=None, help="timed runs per size (default 7/3/1)")
    cli.add_argument(
        "--trace-max",
        default=str(DEFAULT_TRACE_MAX),
        help="trace memory (tracemalloc) for sizes up to this many lines (default 10k; 100k traces all, ~4 min more)",
    )
    cli.add_argument("--run-sizes", default="1k,10k,100k", help="agent steps of the run half ('' to skip it)")
    cli.add_argument("--run-repeat", type=int, default=None, help="warm runs per size (default 9/5/2)")
    cli.add_argument("--no-compile", action="store_true", help="skip the compile half")
    args = cli.parse_args(argv)

    import parallax_dsl

    parallax_dsl.compile_file(generate_pattern(300))  # warm-up: lexer regexes, imports, caches
    trace_max = parse_sizes(args.trace_max)[0]
    results = []
    for size in [] if args.no_compile else parse_sizes(args.sizes):
        repeats = args.repeat or DEFAULT_REPEATS.get(size, 3)
        traced = size <= trace_max
        note = ", memory traced" if traced else ""
        print(f"scale: one pattern of {size} lines x {repeats} runs{note} …", file=sys.stderr, flush=True)
        results.append(measure(size, repeats, traced))

    def fmt(result: dict[str, Any], key: str, pattern: str, scale: float = 1.0) -> str:
        return pattern.format(result[key] / scale) if key in result else "not traced"

    rows = []
    for result in results:
        times = result["_times"]
        rows.append(
            [
                f"{result['lines']:,}",
                f"{result['steps']:,}",
                band(seconds(times.median), seconds(times.min), seconds(times.max)),
                f"{result['seconds_per_line'] * 1e6:.0f} µs",
                fmt(result, "ast_nodes", "{:,.0f}"),
                fmt(result, "ast_bytes_per_node", "{:.0f} B"),
                f"{result['ir_nodes']:,}",
                fmt(result, "ir_bytes_per_node", "{:.0f} B"),
                fmt(result, "peak_bytes_per_line", "{:.1f} KiB", 1024),
            ]
        )
    if rows:
        print_table(
            "Scale: compile one pattern (median [min–max]); memory retained per node, peak per line (tracemalloc)",
            [
                "lines",
                "IR steps",
                "compile",
                "per line",
                "AST nodes",
                "per AST node",
                "IR nodes",
                "per IR node",
                "peak",
            ],
            rows,
        )

    growth: dict[str, Any] = {}
    growth_rows = []
    for small, big in itertools.pairwise(results):
        scale = big["lines"] / small["lines"]
        median, low, high = (value * 10 / scale for value in ratio_band(big["_times"], small["_times"]))
        key = f"{small['lines']}->{big['lines']}"
        growth[key] = {
            "lines_ratio": scale,
            "time_per_10x_lines": median,
            "time_band": [low, high],
            "ast_bytes_per_node": _ratio(big, small, "ast_bytes_per_node"),
            "ir_bytes_per_node": _ratio(big, small, "ir_bytes_per_node"),
            "peak_bytes_per_line": _ratio(big, small, "peak_bytes_per_line"),
        }

        def show(value: float | None) -> str:
            return "not traced" if value is None else f"{value:.2f}"

        growth_rows.append(
            [
                f"{small['lines']:,} → {big['lines']:,}",
                band(f"{median:.1f}x", f"{low:.1f}x", f"{high:.1f}x"),
                verdict(median <= TARGET_GROWTH),
                show(growth[key]["ast_bytes_per_node"]),
                show(growth[key]["ir_bytes_per_node"]),
                show(growth[key]["peak_bytes_per_line"]),
            ]
        )
    if growth_rows:
        print_table(
            "Scale: growth against the next smaller size (1.00 = constant per node / per line)",
            ["sizes", "time per 10x lines", f"≤ {TARGET_GROWTH:g}x", "bytes/AST node", "bytes/IR node", "peak/line"],
            growth_rows,
        )

    for result in results:
        result.pop("_times")

    run_results: list[dict[str, Any]] = []
    run_sizes = parse_sizes(args.run_sizes)
    if run_sizes:
        check_run_pattern(min(run_sizes))
        for size in run_sizes:
            repeats = args.run_repeat or DEFAULT_RUN_REPEATS.get(size, 3)
            print(f"scale: run {size} steps x {repeats} warm runs, 1 traced …", file=sys.stderr, flush=True)
            run_results.append(asyncio.run(measure_run(size, repeats)))
    run_growth = report_run(run_results) if run_results else {}

    path = write_json(
        "scale",
        {
            "targets": {
                "time_per_10x_lines": TARGET_GROWTH,
                "run_time_per_10x_nodes": TARGET_GROWTH,
                "run_peak_bytes_per_node_growth": TARGET_MEMORY_GROWTH,
            },
            "sizes": results,
            "growth": growth,
            "run": {
                "sizes": run_results,
                "growth": run_growth,
                "ir_checked_against_compiler": min(run_sizes, default=0),
            },
        },
    )
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
