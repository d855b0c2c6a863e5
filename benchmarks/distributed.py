"""Local vs Ray: per-node overhead on the scheduler benchmark's shapes, and a fan-out of 1,000 sleeping agents.

    python benchmarks/distributed.py [--repeat N] [--nodes N] [--sleep MS] [--ray-cpus N]

Needs the `ray` extra (`pip install 'parallax-dsl[ray]'`); without it the script says so and exits 0. It starts a
local Ray instance with `--ray-cpus` logical CPUs (default 32: sleeping agents need slots, not cores).

1. **Per-node overhead**: the chain / fan-out / layered shapes of benchmarks/scheduler.py (no-op agents, `--nodes`
   steps each, default 200 — every Ray call is a real task) run through `parallax_dsl.runtime.run`, once on the
   local backend and once with `backend=RayBackend(...)`, interleaved; figure: ms per node and Ray / local.
2. **Where Ray's parallelism pays**: one `fanout` step over 1,000 agents that each *block* for `--sleep` ms
   (`time.sleep`, like a CPU-bound model or a blocking client). Locally, sync agents share the event loop's thread
   pool (min(32, CPUs + 4) threads); on Ray each call is a task in its own worker, as many at once as the cluster
   has slots. The same fan-out of *async* sleeping agents is shown too: there the local event loop already
   overlaps all 1,000 waits and Ray can only add its per-call cost.
No target is set by the issue for these figures: they are measured so docs/distributed.md can say when Ray pays.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _common import Stat, band, print_table, write_json
from scheduler import Shape, chain, fanout, layered, noop, plx_text

DEFAULT_REPEATS = 3


def _licence() -> Any:
    from parallax_dsl.license.features import ENTERPRISE, features_for
    from parallax_dsl.license.model import LicenseInfo

    return LicenseInfo(edition="Enterprise", tier=ENTERPRISE, max_agents=None, features=features_for(ENTERPRISE))


def _shapes(nodes: int) -> list[Shape]:
    width = 10
    return [chain(nodes), fanout(nodes - 1), layered(max(1, nodes // width), width)]


def _job(source: str, agents: list[Any], backend: Any) -> Callable[[], Awaitable[Any]]:
    import parallax_dsl
    from parallax_dsl.runtime import run

    compiled = parallax_dsl.compile(source)
    licence = _licence()

    async def job() -> Any:
        result = await run(compiled, {"task": "t"}, agents, license=licence, backend=backend, agent_timeout=600.0)
        if result.error is not None:
            raise RuntimeError(str(result.error))
        return result

    return job


async def _time(job: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await job()
    return time.perf_counter() - start


def _sleepers(count: int, ms: float, blocking: bool) -> list[Any]:
    from parallax_dsl.runtime import agent

    seconds = ms / 1000.0
    if blocking:

        def blocks(task: Any) -> Any:
            time.sleep(seconds)
            return {"value": 1, "confidence": 0.9}

        work: Any = blocks
    else:

        async def waits(task: Any) -> Any:
            await asyncio.sleep(seconds)
            return {"value": 1, "confidence": 0.9}

        work = waits
    return [agent(work, capabilities=["work"], id=f"a{i}") for i in range(count)]


FANOUT_PATTERN = """pattern Sleepers {
  input { task: string }
  agents workers { capabilities ["work"] }
  fanout all = workers.work(task: input.task)
  output len(all)
}
"""


async def measure(args: argparse.Namespace, backend: Any) -> dict[str, Any]:
    from parallax_dsl.runtime import agent

    noop_agents = [agent(noop, capabilities=["work"], name="noop")]
    overhead = []
    for shape in _shapes(args.nodes):
        jobs = {
            "local": _job(plx_text(shape), noop_agents, None),
            "ray": _job(plx_text(shape), noop_agents, backend),
        }
        for job in jobs.values():
            await job()  # warm-up
        samples: dict[str, list[float]] = {"local": [], "ray": []}
        for rep in range(args.repeat):
            for name in ("local", "ray") if rep % 2 == 0 else ("ray", "local"):
                samples[name].append(await _time(jobs[name]))
        overhead.append(
            {
                "shape": shape.description,
                "nodes": shape.nodes,
                "ms_per_node": {k: Stat.of([v / shape.nodes * 1e3 for v in vs]).as_dict() for k, vs in samples.items()},
                "ray_vs_local": Stat.of([r / lo for r, lo in zip(samples["ray"], samples["local"], strict=True)]),
            }
        )
    sleeping = []
    for blocking in (True, False):
        agents = _sleepers(args.agents, args.sleep, blocking)
        jobs = {"local": _job(FANOUT_PATTERN, agents, None), "ray": _job(FANOUT_PATTERN, agents, backend)}
        await jobs["ray"]()  # warm-up: the workers
        samples = {"local": [], "ray": []}
        for rep in range(args.repeat):
            for name in ("local", "ray") if rep % 2 == 0 else ("ray", "local"):
                samples[name].append(await _time(jobs[name]))
        sleeping.append(
            {
                "agents": f"{args.agents:,} {'blocking' if blocking else 'async'} agents sleeping {args.sleep:g} ms",
                "seconds": {k: Stat.of(vs).as_dict() for k, vs in samples.items()},
                "speed_up": Stat.of([lo / r for r, lo in zip(samples["ray"], samples["local"], strict=True)]),
            }
        )
    return {"overhead": overhead, "sleeping": sleeping}


def _rows(entries: list[dict[str, Any]], label: str, times: str, ratio: str, formats: tuple[str, ...]) -> list[Any]:
    """Table rows: label, local and Ray figures, the ratio — each as median [min–max]; the ratio's Stat is
    replaced by its dict in `entries` (for the JSON)."""
    rows = []
    for entry in entries:
        stats = [Stat(**entry[times][name]) for name in ("local", "ray")]
        stats.append(entry[ratio])
        entry[ratio] = entry[ratio].as_dict()
        cells = [
            band(f.format(st.median), f.format(st.min), f.format(st.max)) for f, st in zip(formats, stats, strict=True)
        ]
        rows.append([entry[label], *cells])
    return rows


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--repeat", type=int, default=DEFAULT_REPEATS)
    cli.add_argument("--nodes", type=int, default=200, help="steps per shape for the overhead figures")
    cli.add_argument("--agents", type=int, default=1000, help="agents in the sleeping fan-out")
    cli.add_argument("--sleep", type=float, default=50.0, help="ms each sleeping agent takes")
    cli.add_argument("--ray-cpus", type=int, default=32, help="logical CPUs of the local Ray instance")
    args = cli.parse_args(argv)
    if importlib.util.find_spec("ray") is None:
        print("distributed: Ray is not installed (pip install 'parallax-dsl[ray]'): nothing measured")
        return 0
    from parallax_dsl.distributed import RayBackend

    backend = RayBackend(num_cpus=args.ray_cpus)
    print(f"distributed: local Ray instance with {args.ray_cpus} logical CPUs …", file=sys.stderr, flush=True)

    async def go() -> dict[str, Any]:
        await backend.open()
        return await measure(args, backend)

    try:
        results = asyncio.run(go())
    finally:
        backend.close()

    print_table(
        "Local vs Ray: ms per node on no-op agents (median [min–max])",
        ["shape", "local ms/node", "Ray ms/node", "Ray / local"],
        _rows(results["overhead"], "shape", "ms_per_node", "ray_vs_local", ("{:.3f}", "{:.2f}", "{:.0f}x")),
    )
    print_table(
        f"A fan-out of sleeping agents, local vs Ray ({args.ray_cpus} logical CPUs; median [min–max])",
        ["fan-out", "local", "Ray", "Ray speed-up"],
        _rows(results["sleeping"], "agents", "seconds", "speed_up", ("{:.2f} s", "{:.2f} s", "{:.2f}x")),
    )
    path = write_json("distributed", {"ray_cpus": args.ray_cpus, **results})
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
