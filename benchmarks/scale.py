"""Scale: compile ONE pattern of 1k / 10k / 100k lines; time per line, memory per AST and IR node, growth ratios.

    python benchmarks/scale.py [--sizes 1k,10k,100k] [--repeat N]

Each size is one pattern (benchmarks/generate.py: generate_pattern) whose blocks of agent steps and lets read the
block before, so one scope, one dependency graph and one step list grow with the file. Figures:

    time       compile_file, median of a few runs (no tracing), and the same per line
    AST        bytes retained by the parsed module / its node count (dataclass instances; spans not counted)
    IR         bytes retained by the CompiledFile / its node count (pydantic model instances)
    peak       tracemalloc peak while compiling, per source line

Every figure is reported next to its growth ratio against the next smaller size measured in the same run
(target: ~1.0 per line or node, i.e. linear; time 10x the lines → at most 11x, as for the front end).
The "run" half of the issue's scale benchmark needs the runtime: see benchmarks/scheduler.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import itertools
import sys
import tracemalloc
from typing import Any

from _common import Stat, band, parse_sizes, print_table, ratio_band, seconds, timed, verdict, write_json
from generate import generate_pattern

DEFAULT_REPEATS = {1_000: 7, 10_000: 3, 100_000: 3}
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


def measure(lines: int, repeats: int) -> dict[str, Any]:
    import parallax_dsl

    text = generate_pattern(lines)
    actual = text.count("\n")
    times = Stat.of([timed(lambda: parallax_dsl.compile_file(text)) for _ in range(repeats)])
    module, ast_bytes, _ = retained(lambda: parallax_dsl.parse(text, "scale.plx"))
    ast_nodes = count_ast(module)
    del module
    compiled, ir_bytes, peak = retained(lambda: parallax_dsl.compile_file(text))
    ir_nodes = count_ir(compiled)
    steps = sum(len(p.steps) for p in compiled.patterns)
    del compiled
    return {
        "lines": actual,
        "repeats": repeats,
        "seconds": times.as_dict(),
        "seconds_per_line": times.median / actual,
        "steps": steps,
        "ast_nodes": ast_nodes,
        "ast_bytes": ast_bytes,
        "ast_bytes_per_node": ast_bytes / ast_nodes,
        "ir_nodes": ir_nodes,
        "ir_bytes": ir_bytes,
        "ir_bytes_per_node": ir_bytes / ir_nodes,
        "peak_bytes": peak,
        "peak_bytes_per_line": peak / actual,
        "_times": times,
    }


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", default="1k,10k,100k", help="comma-separated line counts (default 1k,10k,100k)")
    cli.add_argument("--repeat", type=int, default=None, help="timed runs per size (default 7/3/3)")
    args = cli.parse_args(argv)

    import parallax_dsl

    parallax_dsl.compile_file(generate_pattern(300))  # warm-up: lexer regexes, imports, caches
    results = []
    for size in parse_sizes(args.sizes):
        repeats = args.repeat or DEFAULT_REPEATS.get(size, 3)
        print(f"scale: one pattern of {size} lines x {repeats} runs …", file=sys.stderr, flush=True)
        results.append(measure(size, repeats))

    rows = []
    for result in results:
        times: Stat = result["_times"]
        rows.append(
            [
                f"{result['lines']:,}",
                f"{result['steps']:,}",
                band(seconds(times.median), seconds(times.min), seconds(times.max)),
                f"{result['seconds_per_line'] * 1e6:.0f} µs",
                f"{result['ast_nodes']:,}",
                f"{result['ast_bytes_per_node']:.0f} B",
                f"{result['ir_nodes']:,}",
                f"{result['ir_bytes_per_node']:.0f} B",
                f"{result['peak_bytes_per_line'] / 1024:.1f} KiB",
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
            "ast_bytes_per_node": big["ast_bytes_per_node"] / small["ast_bytes_per_node"],
            "ir_bytes_per_node": big["ir_bytes_per_node"] / small["ir_bytes_per_node"],
            "peak_bytes_per_line": big["peak_bytes_per_line"] / small["peak_bytes_per_line"],
        }
        growth_rows.append(
            [
                f"{small['lines']:,} → {big['lines']:,}",
                band(f"{median:.1f}x", f"{low:.1f}x", f"{high:.1f}x"),
                verdict(median <= TARGET_GROWTH),
                f"{growth[key]['ast_bytes_per_node']:.2f}",
                f"{growth[key]['ir_bytes_per_node']:.2f}",
                f"{growth[key]['peak_bytes_per_line']:.2f}",
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
