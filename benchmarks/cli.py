"""CLI latency: `plxc check` of one typical file as a whole process, cold start included.

    python benchmarks/cli.py [--rounds N] [--file examples/consensus_review.plx]

Baselines, run interleaved with `plxc check` in every round: `python -c pass` (bare interpreter start) and
`python -c "import lark"` (the parser library's own import). Target (issue 9): `plxc check` adds less than
150 ms over bare Python, with the grammar tables loaded from the on-disk cache.

It also asserts (exit status 1 otherwise) that the check path imports none of networkx, jinja2, pydantic and
rich, from `python -X importtime` of the real command; tests/perf/test_imports.py checks the same in the suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, Stat, band, print_table, verdict, write_json

TARGET_ADDED_MS = 150.0
FORBIDDEN = ("networkx", "jinja2", "pydantic", "rich")
DEFAULT_FILE = "examples/consensus_review.plx"


def plxc_command() -> list[str]:
    """The installed console script when there is one (what users run), else the same entry point via -c."""
    script = Path(sys.executable).with_name("plxc")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from parallax_dsl.cli.main import main; main()"]


def run_once(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def grammar_cache() -> Path:
    from parallax_dsl.syntax.grammar import _cache_path, grammar_text

    return Path(_cache_path(grammar_text()))


def imported_modules(command: list[str], env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """module → (self µs, cumulative µs) from `python -X importtime` of the command."""
    rest = command[1:] if command[0] == sys.executable else command
    argv = [sys.executable, "-X", "importtime", *rest]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    out: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if match:
            out[match.group(3)] = (int(match.group(1)), int(match.group(2)))
    return out


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--rounds", type=int, default=20, help="interleaved rounds (default 20)")
    cli.add_argument("--file", default=DEFAULT_FILE, help=f"the .plx file to check (default {DEFAULT_FILE})")
    args = cli.parse_args(argv)

    inherited = dict(os.environ)
    inherited.pop("PYTHONPROFILEIMPORTTIME", None)
    # Bytecode cached as in any installed package: .pyc files written once (to a private prefix, so the source
    # tree is left alone) and read by every later start.
    pycache = tempfile.mkdtemp(prefix="plx-bench-pycache-")
    env = {**inherited, "PYTHONPYCACHEPREFIX": pycache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    plxc = [*plxc_command(), "check", args.file]
    runs: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        'python -c "import lark"': ([sys.executable, "-c", "import lark"], env),
        "plxc check": (plxc, env),
    }
    no_bytecode = bool(inherited.get("PYTHONDONTWRITEBYTECODE")) and not inherited.get("PYTHONPYCACHEPREFIX")
    if no_bytecode:
        # This environment forbids writing .pyc files, so an editable install compiles every parallax_dsl module
        # from source at each start; shown for information (users' installs have their .pyc files).
        runs["plxc check, no .pyc for parallax_dsl (inherited env)"] = (plxc, inherited)
    # Warm-up: fills the OS file cache, the .pyc files and (on a first run ever) the grammar cache.
    for command, command_env in runs.values():
        run_once(command, command_env)
        run_once(command, command_env)
    cache = grammar_cache()
    cache_before = cache.stat().st_mtime_ns if cache.exists() else None

    samples: dict[str, list[float]] = {name: [] for name in runs}
    print(f"cli: {args.rounds} rounds …", file=sys.stderr, flush=True)
    for _ in range(args.rounds):
        for name, (command, command_env) in runs.items():
            samples[name].append(run_once(command, command_env))
    cache_after = cache.stat().st_mtime_ns if cache.exists() else None
    from_cache = cache_before is not None and cache_before == cache_after

    bare, lark_only, plxc_times = samples["python -c pass"], samples['python -c "import lark"'], samples["plxc check"]
    added = Stat.of([(p - b) * 1000 for p, b in zip(plxc_times, bare, strict=True)])
    added_lark = Stat.of([(p - lk) * 1000 for p, lk in zip(plxc_times, lark_only, strict=True)])
    vs_bare = Stat.of([p / b for p, b in zip(plxc_times, bare, strict=True)])
    vs_lark = Stat.of([p / lk for p, lk in zip(plxc_times, lark_only, strict=True)])
    stats = {name: Stat.of(values) for name, values in samples.items()}

    modules = imported_modules(plxc, env)
    forbidden = sorted({name.split(".")[0] for name in modules} & set(FORBIDDEN))
    shutil.rmtree(pycache, ignore_errors=True)

    def ms(value: float) -> str:
        return f"{value * 1000:.0f} ms"

    rows = [[name, band(ms(stat.median), ms(stat.min), ms(stat.max)), "", ""] for name, stat in stats.items()]
    rows += [
        [
            "plxc check − python -c pass",
            band(f"{added.median:.0f} ms", f"{added.min:.0f} ms", f"{added.max:.0f} ms"),
            f"{vs_bare.median:.1f}x [{vs_bare.min:.1f}x–{vs_bare.max:.1f}x]",
            f"< {TARGET_ADDED_MS:.0f} ms: {verdict(added.median < TARGET_ADDED_MS)}",
        ],
        [
            'plxc check − python -c "import lark"',
            band(f"{added_lark.median:.0f} ms", f"{added_lark.min:.0f} ms", f"{added_lark.max:.0f} ms"),
            f"{vs_lark.median:.1f}x [{vs_lark.min:.1f}x–{vs_lark.max:.1f}x]",
            "",
        ],
    ]
    for name in list(runs)[3:]:
        extra = Stat.of([(p - b) * 1000 for p, b in zip(samples[name], bare, strict=True)])
        rows.append(
            [
                f"{name} − python -c pass",
                band(f"{extra.median:.0f} ms", f"{extra.min:.0f} ms", f"{extra.max:.0f} ms"),
                "",
                "(information)",
            ]
        )
    rows += [
        ["grammar tables from the on-disk cache", "yes" if from_cache else "NO", "", verdict(from_cache)],
        [
            "imports of " + ", ".join(FORBIDDEN),
            "none" if not forbidden else ", ".join(forbidden),
            "",
            verdict(not forbidden),
        ],
    ]
    print_table(
        f"CLI latency: `plxc check {args.file}` as a whole process, {args.rounds} interleaved rounds "
        "(median [min–max])",
        ["command", "wall time", "ratio", "target"],
        rows,
    )

    ours = sorted(
        ((name, times) for name, times in modules.items() if name.startswith("parallax_dsl")),
        key=lambda item: -item[1][0],
    )[:8]
    print("slowest parallax_dsl imports (self time): " + ", ".join(f"{n} {t[0] / 1000:.1f} ms" for n, t in ours))
    heavy = sorted(
        ((name, times) for name, times in modules.items() if "." not in name),
        key=lambda item: -item[1][1],
    )[:8]
    print("heaviest top-level imports (cumulative): " + ", ".join(f"{n} {t[1] / 1000:.1f} ms" for n, t in heavy))

    payload: dict[str, Any] = {
        "file": args.file,
        "rounds": args.rounds,
        "seconds": {name: stat.as_dict() for name, stat in stats.items()},
        "samples": samples,
        "added_over_bare_ms": added.as_dict(),
        "added_over_lark_ms": added_lark.as_dict(),
        "ratio_vs_bare": vs_bare.as_dict(),
        "ratio_vs_lark": vs_lark.as_dict(),
        "bytecode": "cached in a private PYTHONPYCACHEPREFIX (written during warm-up)",
        "grammar_from_cache": from_cache,
        "forbidden_imported": forbidden,
        "imports_us": {name: list(times) for name, times in modules.items()},
        "targets": {"added_over_bare_ms": TARGET_ADDED_MS, "forbidden_imports": list(FORBIDDEN)},
    }
    path = write_json("cli", payload)
    print(f"wrote {path}", file=sys.stderr)
    if forbidden:
        print(f"FAIL: `plxc check` imported {', '.join(forbidden)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
