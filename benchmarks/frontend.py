"""Front-end throughput: parse → AST → checks → IR against raw Lark LALR parsing of the same text.

    python benchmarks/frontend.py [--sizes 1k,10k,100k] [--repeat N]

The baseline is a fresh `Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True,
maybe_placeholders=True)` with the soft-keyword lexer installed (the grammar cannot parse without it): what any
tool must pay to get a parse tree with positions out of Lark. The stages, each timed from the text:

    parse    parallax_dsl.syntax.parse_source  (recovering parse + tree → typed AST)
    check    parallax_dsl.checks.run.check_text (parse + every check)
    compile  parallax_dsl.compile_file          (parse + checks + lowering to the IR: the full pipeline)

Above 10k lines only `compile` is timed (`--all-stages` adds parse and check there), to keep `make bench` under
five minutes. All stages run interleaved with the baseline in every repetition; a ratio is computed per
repetition and the median, min and max of those are shown. Targets (issue 9): the full pipeline at >= 60 %
of the raw parse's throughput, and 10x the lines costs at most 11x the time.

`raw, GC paused` is a second, informational baseline: the raw parse with Python's cyclic garbage collector paused,
as the pipeline does it (see docs/performance.md), so the GC share of the win can be read off the table.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import sys
from collections.abc import Callable
from typing import Any

from _common import Stat, band, parse_sizes, percent, print_table, ratio_band, seconds, timed, verdict, write_json
from generate import generate

TARGET_THROUGHPUT = 0.60
TARGET_GROWTH = 11.0
DEFAULT_REPEATS = {1_000: 15, 10_000: 5, 100_000: 3}
STAGES = ("parse", "check", "compile")
# Above this size only the full pipeline is timed against the baselines (keeps `make bench` under 5 minutes).
ALL_STAGES_UP_TO = 10_000


def raw_parser() -> Any:
    from lark import Lark

    from parallax_dsl.syntax.grammar import _install_soft_keywords, grammar_text

    parser = Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        start=["start", "expr"],
    )
    _install_soft_keywords(parser)
    return parser


def gc_paused(fn: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn()
        finally:
            if was_enabled:
                gc.enable()

    return run


def workloads(text: str, parser: Any) -> dict[str, Callable[[], object]]:
    import parallax_dsl
    from parallax_dsl.checks.run import check_text
    from parallax_dsl.syntax import parse_source

    def raw() -> object:
        return parser.parse(text, start="start")

    def parse() -> object:
        result = parse_source(text, "bench.plx")
        assert result.ok, result.diagnostics[:3]
        return result

    def check() -> object:
        report = check_text(text, "bench.plx")
        assert not report.diagnostics, report.diagnostics[:3]
        return report

    def compile_() -> object:
        return parallax_dsl.compile_file(text)

    return {"raw": raw, "raw, GC paused": gc_paused(raw), "parse": parse, "check": check, "compile": compile_}


def measure(lines: int, repeats: int, parser: Any, stages: tuple[str, ...]) -> dict[str, Any]:
    text = generate(lines)
    actual = text.count("\n")
    jobs = {name: job for name, job in workloads(text, parser).items() if name.startswith("raw") or name in stages}
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, job in jobs.items():
            samples[name].append(timed(job))
    stats = {name: Stat.of(values) for name, values in samples.items()}
    ratios = {
        name: Stat.of([raw / own for raw, own in zip(samples["raw"], samples[name], strict=True)])
        for name in (*stages, "raw, GC paused")
    }
    ratios_vs_paused = {
        name: Stat.of([raw / own for raw, own in zip(samples["raw, GC paused"], samples[name], strict=True)])
        for name in stages
    }
    return {
        "lines": actual,
        "bytes": len(text.encode()),
        "repeats": repeats,
        "seconds": {name: stat.as_dict() for name, stat in stats.items()},
        "samples": samples,
        "throughput_vs_raw": {name: stat.as_dict() for name, stat in ratios.items()},
        "throughput_vs_raw_gc_paused": {name: stat.as_dict() for name, stat in ratios_vs_paused.items()},
        "_stats": stats,
        "_ratios": ratios,
        "_ratios_paused": ratios_vs_paused,
    }


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--sizes", default="1k,10k,100k", help="comma-separated line counts (default 1k,10k,100k)")
    cli.add_argument("--repeat", type=int, default=None, help="repetitions per size (default 15/5/3)")
    cli.add_argument(
        "--all-stages",
        action="store_true",
        help=f"time parse and check too above {ALL_STAGES_UP_TO:,} lines (default: compile only there)",
    )
    args = cli.parse_args(argv)
    sizes = parse_sizes(args.sizes)

    import parallax_dsl

    parser = raw_parser()
    # Warm-up: every lexer state's regular expressions are compiled lazily on first use, in both parsers.
    warm = generate(300)
    parser.parse(warm, start="start")
    parallax_dsl.compile_file(warm)

    results = []
    for size in sizes:
        repeats = args.repeat or DEFAULT_REPEATS.get(size, 3)
        print(f"front end: {size} lines x {repeats} runs …", file=sys.stderr, flush=True)
        stages = STAGES if args.all_stages or size <= ALL_STAGES_UP_TO else ("compile",)
        results.append(measure(size, repeats, parser, stages))

    rows = []
    for result in results:
        stats: dict[str, Stat] = result["_stats"]
        ratios: dict[str, Stat] = result["_ratios"]
        for name in ("raw", "raw, GC paused", *STAGES):
            if name not in stats:
                continue
            stat = stats[name]
            ratio = ratios.get(name)
            target = ""
            if name == "compile":
                target = f"≥ {percent(TARGET_THROUGHPUT)}: {verdict(ratio is not None and ratio.median >= 0.6)}"
            rows.append(
                [
                    f"{result['lines']:,}",
                    "raw Lark parse (baseline)" if name == "raw" else name,
                    band(seconds(stat.median), seconds(stat.min), seconds(stat.max)),
                    f"{result['lines'] / stat.median:,.0f}",
                    "100 %" if ratio is None else band(percent(ratio.median), percent(ratio.min), percent(ratio.max)),
                    "" if name not in STAGES else percent(result["_ratios_paused"][name].median),
                    target,
                ]
            )
    print_table(
        "Front end: time per file and throughput relative to the raw Lark parse (median [min–max])",
        ["lines", "stage", "time", "lines/s", "throughput vs raw", "vs raw, GC paused", "target"],
        rows,
    )

    growth: dict[str, Any] = {}
    growth_rows = []
    for small, big in itertools.pairwise(results):
        scale = big["lines"] / small["lines"]
        key = f"{small['lines']}->{big['lines']}"
        growth[key] = {"lines_ratio": scale}
        for name in ("raw", "check", "compile"):
            if name not in big["_stats"] or name not in small["_stats"]:
                continue
            median, low, high = ratio_band(big["_stats"][name], small["_stats"][name])
            # Normalised to exactly 10x the lines (the generator overshoots a little).
            per10 = [value * 10 / scale for value in (median, low, high)]
            growth[key][name] = {"time_ratio": median, "per_10x_lines": per10[0], "band": per10[1:]}
            target = f"≤ {TARGET_GROWTH:g}x: {verdict(per10[0] <= TARGET_GROWTH)}" if name == "compile" else ""
            growth_rows.append(
                [
                    f"{small['lines']:,} → {big['lines']:,}",
                    name,
                    band(f"{per10[0]:.1f}x", f"{per10[1]:.1f}x", f"{per10[2]:.1f}x"),
                    target,
                ]
            )
    if growth_rows:
        print_table(
            "Front end: time for 10x the lines (median; band = slowest/fastest pairing of runs)",
            ["sizes", "stage", "time ratio per 10x lines", "target"],
            growth_rows,
        )

    for result in results:
        for key in ("_stats", "_ratios", "_ratios_paused"):
            result.pop(key)
    path = write_json(
        "frontend",
        {
            "targets": {"throughput_vs_raw": TARGET_THROUGHPUT, "time_per_10x_lines": TARGET_GROWTH},
            "sizes": results,
            "growth": growth,
        },
    )
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
