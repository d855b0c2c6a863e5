"""Scale: compile ONE pattern of 1k / 10k / 100k lines; time per line, memory per AST and IR node, growth ratios.

    python benchmarks/scale.py [--sizes 1k,10k,100k] [--repeat N] [--trace-max 10k]

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
The "run" half of the issue's scale benchmark needs the runtime: see benchmarks/scheduler.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import itertools
import sys
import time
import tracemalloc
from typing import Any

from _common import Stat, band, parse_sizes, print_table, ratio_band, seconds, verdict, write_json
from generate import generate_pattern

DEFAULT_REPEATS = {1_000: 7, 10_000: 3, 100_000: 2}
# tracemalloc slows the pipeline ~5x (a traced 100k-line compile alone takes ~2 minutes), so by default memory is
# traced up to 10k lines; `--trace-max 100k` traces every size.
DEFAULT_TRACE_MAX = 10_000
TARGET_GROWTH = 11.0


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


def _ratio(big: dict[str, Any], small: dict[str, Any], key: str) -> float | None:
    return big[key] / small[key] if key in big and key in small else None


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", default="1k,10k,100k", help="comma-separated line counts (default 1k,10k,100k)")
    cli.add_argument("--repeat", type=int, default=None, help="timed runs per size (default 7/3/2)")
    cli.add_argument(
        "--trace-max",
        default=str(DEFAULT_TRACE_MAX),
        help="trace memory (tracemalloc) for sizes up to this many lines (default 10k; 100k traces all, ~4 min more)",
    )
    args = cli.parse_args(argv)

    import parallax_dsl

    parallax_dsl.compile_file(generate_pattern(300))  # warm-up: lexer regexes, imports, caches
    trace_max = parse_sizes(args.trace_max)[0]
    results = []
    for size in parse_sizes(args.sizes):
        repeats = args.repeat or DEFAULT_REPEATS.get(size, 3)
        traced = size <= trace_max
        note = ", memory traced" if traced else ""
        print(f"scale: one pattern of {size} lines x {repeats} runs{note} …", file=sys.stderr, flush=True)
        results.append(measure(size, repeats, traced))

    def fmt(result: dict[str, Any], key: str, pattern: str, scale: float = 1.0) -> str:
        return pattern.format(result[key] / scale) if key in result else "not traced"

    rows = []
    for result in results:
        times: Stat = result["_times"]
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
    print_table(
        "Scale: compile one pattern (median [min–max]); memory retained per node, peak per line (tracemalloc)",
        ["lines", "IR steps", "compile", "per line", "AST nodes", "per AST node", "IR nodes", "per IR node", "peak"],
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
    path = write_json("scale", {"targets": {"time_per_10x_lines": TARGET_GROWTH}, "sizes": results, "growth": growth})
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
