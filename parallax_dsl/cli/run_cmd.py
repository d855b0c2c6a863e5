"""`plxc run FILE|COMPILED.yaml|stdlib:NAME`: execute a pattern with the built-in scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from parallax_dsl.cli.common import EXIT_FINDINGS, allow_deep_nesting, no_traceback, usage_error, use_color

if TYPE_CHECKING:
    from parallax_dsl.runtime.agents import Agent
    from parallax_dsl.runtime.scheduler import RunResult

EXIT_INTERRUPTED = 130
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(text: str) -> float:
    """`30s`, `2m`, `500ms`, `1h` or a plain number of seconds → seconds."""
    match = _DURATION.match(text)
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration; write e.g. 30s, 2m, 500ms or 1.5")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


class _Duration(click.ParamType):  # type: ignore[type-arg]
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, int | float):
            return float(value)
        try:
            return parse_duration(str(value))
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


DURATION = _Duration()


def _read_input(spec: str | None) -> Any:
    """The --input value: inline JSON, `@file` or `@-` (stdin). Raises PlxRuntimeError(INVALID_INPUT)."""
    from parallax_dsl.runtime.errors import INVALID_INPUT, PlxRuntimeError

    if spec is None:
        return None
    if spec.startswith("@"):
        name = spec[1:]
        if name == "-":
            text = sys.stdin.read()
        else:
            path = Path(name)
            if not path.is_file():
                usage_error(f"input file not found: {name}")
            text = path.read_text(encoding="utf-8")
        where = "stdin" if name == "-" else name
    else:
        text, where = spec, "--input"

    def reject(constant: str) -> Any:
        raise ValueError(f"{constant} is not valid JSON")

    try:
        return json.loads(text, parse_constant=reject)
    except (ValueError, RecursionError) as exc:
        raise PlxRuntimeError(INVALID_INPUT, f"{where} is not valid JSON: {exc}") from None


@contextlib.contextmanager
def _license_log_to_stderr() -> Iterator[None]:
    """Show the licence's log lines (the agent-limit notice, rejected keys) on stderr during the run."""
    logger = logging.getLogger("parallax_dsl.license")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("plxc: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


# ------------------------------------------------------------------------------------------------ text output


def _number(x: Any) -> str:
    from parallax_dsl.runtime.values import js_number_to_string

    return js_number_to_string(x) if isinstance(x, int | float) and not isinstance(x, bool) else str(x)


def _band(c: float) -> str:
    return "high" if c >= 0.8 else "medium" if c >= 0.5 else "low"


def _step_line(entry: dict[str, Any]) -> str:
    kind = entry.get("kind")
    status = entry.get("status")
    if status == "failed":
        return f"failed: {entry['error']['code']} {entry['error']['message']}" if "error" in entry else "failed"
    if status == "skipped":
        return "skipped"
    if kind == "agent":
        answers = ", ".join(
            f"{r['agentId']} {_number(r['confidence'])}" + (" (failed)" if r.get("error") else "")
            for r in entry.get("results", [])
        )
        return f"{entry.get('mode')} {entry.get('group')}.{entry.get('action')}: {answers or 'no agents'}"
    if kind == "branch":
        arm = entry.get("label") or (f"arm {entry['arm']}" if entry.get("arm") is not None else "no arm")
        extra = f" (confidence {_number(entry['confidence'])})" if "confidence" in entry else ""
        return f"{entry.get('form')} -> {arm}{extra}"
    if kind == "use":
        return f"use {entry.get('pattern')}: confidence {_number(entry.get('confidence'))}"
    if kind == "escalate":
        return f"escalate to {entry.get('to')}: {entry.get('reason', '')}"
    return f"confidence {_number(entry.get('confidence'))}" if "confidence" in entry else str(kind)


def render_text(result: RunResult) -> str:
    """The plain-text report of a finished run (stdout when not on a terminal)."""
    from parallax_dsl.runtime.values import dumps

    lines: list[str] = []
    if result.escalation is not None:
        head = f"{result.pattern}: escalated to {result.escalation.get('to')}"
        if result.escalation.get("reason"):
            head += f" — {result.escalation['reason']}"
        lines.append(head)
    else:
        lines.append(f"{result.pattern}: ok")
    lines.append(f"confidence: {_number(result.confidence)} ({_band(result.confidence)})")
    terminal = next((e for e in reversed(result.trace) if "provenance" in e), None)
    if terminal is not None and terminal["provenance"].get("via") != "escalation":
        prov = terminal["provenance"]
        source = f"step `{prov['step']}`" + (f", agent {prov['agent']}" if "agent" in prov else "")
        lines.append(f"confidence set by: {source}")
    lines.append("value:")
    lines.extend("  " + line for line in dumps(result.value, indent=2).splitlines())
    if result.warnings:
        lines.append("warnings:")
        lines.extend(f"  - {w.get('type')}: {w.get('message')}" for w in result.warnings)
    lines.append("steps:")
    width = max((len(e["step"]) for e in result.trace), default=4)
    lines.extend(f"  {e['step']:<{width}}  {_step_line(e)}" for e in result.trace)
    m = result.metrics
    lines.append(
        f"agent calls: {m.get('agentCalls', 0)}, failures: {m.get('agentFailures', 0)}, "
        f"retries: {m.get('retries', 0)}, cancelled: {m.get('cancelled', 0)}"
    )
    return "\n".join(lines) + "\n"


class _Progress:
    """A live table of steps and agent answers on a terminal (rich), fed by the scheduler's events."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.rows: dict[str, dict[str, Any]] = {}

    def on_event(self, event: dict[str, Any]) -> None:
        kind = event["event"]
        if event.get("depth"):
            return
        step = event.get("step")
        if step is None:
            return
        row = self.rows.setdefault(step, {"status": "…", "agents": {}, "confidence": None})
        if kind == "step_started":
            row["status"] = "running"
        elif kind == "step_done":
            row["status"] = "done"
            row["confidence"] = event.get("confidence")
        elif kind == "step_failed":
            row["status"] = f"failed ({event.get('code')})"
        elif kind == "agent_started":
            row["agents"][event["agent"]] = "…"
        elif kind == "agent_answered":
            c = event.get("confidence")
            row["agents"][event["agent"]] = "failed" if event.get("error") else _number(round(c or 0.0, 3))
        elif kind == "branch":
            row["status"] = f"-> {event.get('label') or event.get('arm')}"

    def render(self) -> Any:
        from rich.table import Table

        table = Table(title=f"plxc run {self.pattern}", expand=False)
        table.add_column("step")
        table.add_column("status")
        table.add_column("confidence", justify="right")
        table.add_column("agents")
        for step, row in self.rows.items():
            c = row["confidence"]
            agents = ", ".join(f"{a} {v}" for a, v in row["agents"].items())
            table.add_row(step, row["status"], "" if c is None else _number(round(c, 3)), agents)
        return table


# ------------------------------------------------------------------------------------------------ the command


def _fail(result: RunResult, fmt: str, exit_code: int = EXIT_FINDINGS) -> None:
    """Report a failed run ({error} JSON on stdout, or one line on stderr) and exit."""
    assert result.error is not None
    if fmt == "json":
        click.echo(result.to_json_text())
    else:
        click.echo(f"plxc: run failed [{result.error.code}]: {result.error.message}", err=True)
    raise SystemExit(exit_code)


def _fail_now(result: RunResult, fmt: str) -> None:
    """Report a run whose cluster went away and leave at once: Ray's exit hooks would wait seconds for it."""
    try:
        _fail(result, fmt)
    except SystemExit as exit_:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exit_.code if isinstance(exit_.code, int) else EXIT_FINDINGS)


@click.command(
    "run",
    epilog="""\b
Examples:
  plxc run examples/consensus_review.plx --input @examples/inputs/consensus_review.json --agents examples/agents.py
  plxc run examples/uncertainty_router.plx --input '{"task": "Refactor the pager"}' --agents my_agents --format json
  plxc run examples/consensus_review.plx --input @examples/inputs/consensus_review.json \\
      --replay examples/cassettes/consensus_review.json --format json
  plxc run build/pattern.yaml --pattern ConsensusReview --input @input.json --agents agents.yaml --timeout 5m
  plxc run stdlib:SimpleConsensus --input '{"task": "Ship it?"}' --agents my_agents""",
)
@click.argument("target", metavar="FILE|COMPILED.yaml|stdlib:NAME")
@click.option("--pattern", "pattern_name", help="The pattern to run when the file declares several.")
@click.option("--input", "input_spec", metavar="JSON|@FILE", help="The input: inline JSON, @file or @- for stdin.")
@click.option(
    "--agents",
    "agents_specs",
    multiple=True,
    metavar="MODULE|FILE",
    help="Agents: a Python module or .py file (AGENTS list or @agent functions), or a JSON/YAML file of HTTP agents.",
)
@click.option("--replay", type=click.Path(dir_okay=False), help="Replay the agents recorded in this cassette.")
@click.option("--record", type=click.Path(dir_okay=False), help="Record every agent answer into this cassette.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--timeout", type=DURATION, help="Whole-run timeout (default: the pattern's `timeout`, else none).")
@click.option(
    "--agent-timeout",
    type=DURATION,
    default="60s",
    show_default=True,
    help="Per-call timeout when neither the step nor its agent group sets one.",
)
@click.option("--max-agents", type=int, help="Open Source agent limit per step (default 3).")
@click.option("--license-key", help="Licence key (else PARALLAX_LICENSE_KEY or the installed key).")
@click.option("--timings", is_flag=True, help="Add wall-clock durations under metrics.timings (not byte-stable).")
@click.option(
    "--history",
    type=click.Path(dir_okay=False),
    help="Decision journal (JSON Lines) that `verify history` reads; the run is appended to it. Enterprise.",
)
@click.option(
    "--backend",
    type=click.Choice(("local", "ray")),
    help="Where agent calls run (default: the pattern's `backend` setting, else local). ray: Enterprise.",
)
@click.option(
    "--address",
    metavar="auto|ray://HOST:PORT|HOST:PORT",
    help="The Ray cluster for --backend ray (default: start a local Ray instance, or RAY_ADDRESS).",
)
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto", show_default=True)
@no_traceback
def run(
    target: str,
    pattern_name: str | None,
    input_spec: str | None,
    agents_specs: tuple[str, ...],
    replay: str | None,
    record: str | None,
    fmt: str,
    timeout: float | None,
    agent_timeout: float,
    max_agents: int | None,
    license_key: str | None,
    timings: bool,
    history: str | None,
    backend: str | None,
    address: str | None,
    color: str,
) -> None:
    """Run a pattern with the built-in scheduler and print its result.

    \b
    --format json prints exactly one JSON object: {value, confidence, warnings, trace, metrics} (plus escalation
    when the run escalated), or {error: {code, message}} when it failed. The same cassette gives byte-identical
    JSON. Exit status: 0 for a result or an escalation, 1 for compile and run-time errors, 2 for usage errors,
    130 when interrupted.
    """
    from parallax_dsl.diagnostics.render import render
    from parallax_dsl.ir.compile import CompileError
    from parallax_dsl.license import detect_license
    from parallax_dsl.runtime.agents import Recorder, entry_point_agents, load_agents, load_cassette
    from parallax_dsl.runtime.errors import PlxRuntimeError
    from parallax_dsl.runtime.executor import backend_for_setting
    from parallax_dsl.runtime.scheduler import RunResult, cancelled_result, resolve_pattern
    from parallax_dsl.runtime.scheduler import run as run_pattern

    allow_deep_nesting()
    if replay and agents_specs:
        usage_error("--replay replaces live agents; do not combine it with --agents")
    if not target.startswith("stdlib:") and not Path(target).is_file():
        usage_error(f"file not found: {target}")
    if max_agents is not None and max_agents < 1:
        usage_error("--max-agents must be at least 1")

    try:
        pattern, library = resolve_pattern(target, pattern_name)
    except CompileError as exc:
        click.echo(render("full", exc.diagnostics, exc.sources, color=use_color(color)), nl=False, err=True)
        click.echo(f"\ncompile failed: {len(exc.diagnostics)} error(s)", err=True)
        raise SystemExit(EXIT_FINDINGS) from None
    except ValueError as exc:
        usage_error(str(exc))
        return
    except PlxRuntimeError as exc:
        name = target.removeprefix("stdlib:")
        _fail(RunResult(name, "failed", error=_error(exc)), fmt)
        return

    try:
        input_value = _read_input(input_spec)
        agents: list[Agent] = []
        if replay:
            agents = load_cassette(replay)
        elif agents_specs:
            for spec in agents_specs:
                agents.extend(load_agents(spec))
        else:
            agents = entry_point_agents()
    except PlxRuntimeError as exc:
        _fail(RunResult(pattern.name, "failed", error=_error(exc)), fmt)
        return

    chosen = backend or ("ray" if pattern.settings.get("backend") == "ray" else None)
    if address is not None and chosen != "ray":
        usage_error('--address is for --backend ray (or a pattern that sets `backend "ray"`)')
    executor = backend_for_setting(chosen, address)
    recorder = Recorder(agents) if record else None
    progress = _Progress(pattern.name) if fmt == "text" and sys.stderr.isatty() and sys.stdout.isatty() else None
    with _license_log_to_stderr():
        info = detect_license(license_key, max_agents=max_agents)
        coro = run_pattern(
            pattern,
            input_value,
            agents,
            license=info,
            timeout=timeout,
            agent_timeout=agent_timeout,
            library=library,
            recorder=recorder,
            on_event=progress.on_event if progress is not None else None,
            timings=timings,
            backend=executor,
            history=history,
        )
        try:
            if progress is not None:
                from rich.console import Console
                from rich.live import Live

                with Live(console=Console(stderr=True), get_renderable=progress.render, transient=True):
                    result = asyncio.run(coro)
            else:
                result = asyncio.run(coro)
        except KeyboardInterrupt:
            result = cancelled_result(pattern.name)
            if recorder is not None and record:
                recorder.save(record)
            _fail(result, fmt, EXIT_INTERRUPTED)
        finally:
            _close(executor)
    if recorder is not None and record:
        recorder.save(record)
        click.echo(f"plxc: recorded {sum(len(v) for v in recorder.responses.values())} answer(s) to {record}", err=True)
    if result.error is not None:
        if getattr(executor, "down", False):
            _fail_now(result, fmt)
        _fail(result, fmt)
    if fmt == "json":
        click.echo(result.to_json_text())
    elif progress is not None:
        _print_rich(result)
    else:
        click.echo(render_text(result), nl=False)


def _close(executor: Any) -> None:
    close = getattr(executor, "close", None)
    if close is not None:
        close()


def _error(exc: Any) -> Any:
    from parallax_dsl.runtime.scheduler import RunError

    return RunError(exc.code, exc.message, exc.step)


def _print_rich(result: RunResult) -> None:
    from rich.console import Console
    from rich.syntax import Syntax

    from parallax_dsl.runtime.values import dumps

    console = Console()
    text = render_text(result)
    head, _, _ = text.partition("value:\n")
    console.print(head.rstrip(), highlight=False)
    console.print("value:")
    console.print(Syntax(dumps(result.value, indent=2), "json", background_color="default", word_wrap=True))
    _, _, rest = text.partition("\nwarnings:\n") if result.warnings else text.partition("\nsteps:\n")
    console.print(("warnings:\n" if result.warnings else "steps:\n") + rest.rstrip(), highlight=False)
