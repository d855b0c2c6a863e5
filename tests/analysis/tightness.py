"""How tight the static bounds are: the table in docs/analysis.md ("How tight are the bounds").

    .venv/bin/python tests/analysis/tightness.py [--runs 300] [--limit 3]

For every pattern the soundness test runs, prints the static confidence interval of answered runs and the calls
bounds next to what random runs (no failing agents, replayed within the declared ranges) actually reached. The
observed range is always inside the static one (that is the soundness test); the closer, the tighter.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from soundness import Outcome, Target, run, scenarios, targets

from parallax_dsl.analysis.domain import Bound


def observe(target: Target, runs: int, limit: int | None) -> list[Outcome]:
    seen: list[Outcome] = []

    @settings(max_examples=runs, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def sample(data: st.DataObject) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            seen.append(run(target, data.draw(scenarios(target, 0.0)), limit, Path(tmp)))

    sample()
    return seen


def _width(b: Bound | None) -> str:
    return "—" if b is None else f"{b.hi - b.lo:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--limit", type=int, default=3)
    args = parser.parse_args()
    print("| pattern | static confidence (answered) | width | observed in runs | static calls | observed calls |")
    print("|---|---|---|---|---|---|")
    for target in targets():
        analysis = target.analysis(args.limit)
        final = analysis.final()
        seen = observe(target, args.runs, args.limit)
        confs = [o.confidence for o in seen if o.confidence is not None]
        calls = [o.calls for o in seen if o.confidence is not None]
        observed = f"[{min(confs):.4g}, {max(confs):.4g}] ({len(confs)} runs)" if confs else "no successful run"
        observed_calls = f"{min(calls)}–{max(calls)}" if calls else "—"
        static = str(final) if final is not None else "—"
        print(
            f"| `{target.pattern.name}` ({target.path.name}) | {static} | {_width(final)} | {observed} "
            f"| {analysis.calls} | {observed_calls} |"
        )


if __name__ == "__main__":
    main()
