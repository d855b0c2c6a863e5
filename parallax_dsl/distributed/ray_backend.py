"""`RayBackend`: the executor that runs agent calls on a Ray cluster — stateless calls as Ray tasks, stateful
agents in host actors — and fails the run clearly when the cluster cannot be reached or goes away."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import itertools
import os
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from parallax_dsl.runtime.agents import Agent, Answer, FunctionAgent, Task
from parallax_dsl.runtime.errors import BACKEND_UNAVAILABLE, PlxRuntimeError

RAY_FEATURE: Final = "distributed_execution"
RAY_INSTALL_HINT: Final = "the Ray backend needs Ray: pip install 'parallax-dsl[ray]'"

#: How often a run with calls in flight checks that the cluster is still there, and how long it may be away.
HEALTH_INTERVAL: Final = 0.5
HEALTH_GRACE: Final = 2.0
#: How many workers `open()` starts ahead of the first calls, and how long it waits for them at most.
WARM_WORKERS: Final = 8
WARM_TIMEOUT: Final = 30.0
#: How long an explicitly named cluster may take to accept a connection before the run gives up on it.
CONNECT_TIMEOUT: Final = 5.0

#: Ray errors that mean "this call's worker is gone" (the call fails; the pattern's retries may try again).
_WORKER_LOST: Final = frozenset(
    {
        "WorkerCrashedError",
        "ActorDiedError",
        "ActorUnavailableError",
        "ActorUnschedulableError",
        "NodeDiedError",
        "ObjectLostError",
        "ObjectFetchTimedOutError",
        "OwnerDiedError",
        "OutOfMemoryError",
        "TaskUnschedulableError",
        "RuntimeEnvSetupError",
        "TaskCancelledError",
    }
)


def _import_ray() -> Any:
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise PlxRuntimeError(BACKEND_UNAVAILABLE, RAY_INSTALL_HINT) from None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _is_site_module(module: Any) -> bool:
    """True for modules installed in site-packages or the standard library (importable on any worker that has
    the same packages); False for the user's own agent files, which travel to the workers by value."""
    path = getattr(module, "__file__", None)
    if not path:
        return True
    resolved = str(Path(path).resolve())
    roots = {sysconfig.get_paths()[key] for key in ("purelib", "platlib", "stdlib")}
    return any(resolved.startswith(str(Path(root).resolve())) for root in roots)


class RayBackend:
    """Runs agent calls on Ray (the `Executor` protocol; needs the licence feature `distributed_execution`).

    `address`: None starts a local Ray instance (or joins the one `RAY_ADDRESS` names), `"auto"` joins the cluster
    this machine belongs to, `"ray://host:port"` connects through Ray Client, `"host:port"` to a GCS.
    `num_cpus`: CPUs of a local instance started here (logical; sleeping agents need little). `call_cpus`: CPUs
    each stateless agent call reserves (lower it for I/O-bound agents to run more at once). `hosts`: how many
    host actors keep the stateful agents (each agent lives in one). `runtime_env`: passed to `ray.init`
    (e.g. `{"pip": [...], "env_vars": {...}}` for what the agents' modules need on remote workers).
    `init_options`: any other `ray.init` keyword arguments."""

    feature: Final = RAY_FEATURE

    def __init__(
        self,
        address: str | None = None,
        *,
        num_cpus: int | None = None,
        call_cpus: float = 1.0,
        hosts: int = 2,
        runtime_env: dict[str, Any] | None = None,
        init_options: dict[str, Any] | None = None,
    ) -> None:
        if hosts < 1:
            raise ValueError("hosts must be at least 1")
        self.address = address
        self.num_cpus = num_cpus
        self.call_cpus = call_cpus
        self.hosts = hosts
        self.runtime_env = runtime_env
        self.init_options = dict(init_options or {})
        self._ray: Any = None
        self._connected_here = False
        self._probe: tuple[str, int] | None = None
        self._task: Any = None
        self._host_class: Any = None
        self._host_actors: list[Any] = []
        self._agent_refs: dict[int, tuple[Agent, Any]] = {}
        self._lanes: dict[int, tuple[Agent, Any, str, itertools.count[int]]] = {}
        self._pending: set[asyncio.Future[Any]] = set()
        self._monitor: asyncio.Task[None] | None = None
        self._down: str | None = None
        self.submitted = 0  # agent calls sent to the cluster (tasks and actor calls)

    def __repr__(self) -> str:
        return f"RayBackend(address={self.address!r})"

    @property
    def down(self) -> bool:
        """True once the cluster went away during a run (the backend cannot be used again)."""
        return self._down is not None

    # ---------------------------------------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        """Connect to (or start) the cluster; idempotent. Raises PlxRuntimeError(BACKEND_UNAVAILABLE)."""
        if self._down is not None:
            raise PlxRuntimeError(BACKEND_UNAVAILABLE, self._down)
        if self._task is not None:
            return
        ray = self._ray = _import_ray()
        if not ray.is_initialized():
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": "ERROR",
                "configure_logging": True,
            }
            if self.address is None and self.num_cpus is not None:
                options["num_cpus"] = self.num_cpus
            if self.runtime_env is not None:
                options["runtime_env"] = self.runtime_env
            options.update(self.init_options)
            target = _explicit_target(self.address or os.environ.get("RAY_ADDRESS"))
            if target is not None and not await _reachable(*target, timeout=CONNECT_TIMEOUT):
                # ray.init would retry for minutes: say at once that nothing answers there
                raise PlxRuntimeError(
                    BACKEND_UNAVAILABLE,
                    f"cannot reach the Ray cluster at {target[0]}:{target[1]} (nothing answers there; is it running?)",
                )
            try:
                ray.init(address=self.address, **options)
            except Exception as exc:
                where = self.address or "a local Ray instance"
                raise PlxRuntimeError(
                    BACKEND_UNAVAILABLE, f"cannot connect to {where}: {_first_line(str(exc)) or type(exc).__name__}"
                ) from None
            self._connected_here = True
        self._probe = self._probe_address(ray)
        from parallax_dsl.distributed import worker

        self._task = ray.remote(max_retries=0, retry_exceptions=False, num_cpus=self.call_cpus)(worker.call_agent)
        self._host_class = ray.remote(num_cpus=0, max_restarts=0, max_concurrency=10_000)(worker.AgentHost)
        _route_notices_to_stderr(ray)
        await self._warm(ray, worker.warm)

    async def _warm(self, ray: Any, warm: Callable[[float], bool]) -> None:
        """Start the workers the first calls will need (up to WARM_WORKERS): a cold worker takes about a second
        to start, which would count against the first calls' timeouts."""
        try:
            cpus = float(ray.cluster_resources().get("CPU", 1.0))
        except Exception:
            cpus = 1.0
        slots = int(cpus / self.call_cpus) if self.call_cpus > 0 else WARM_WORKERS
        count = max(1, min(WARM_WORKERS, slots))
        remote = ray.remote(max_retries=0, num_cpus=self.call_cpus)(warm)
        refs = [remote.remote(0.2) for _ in range(count)]
        with contextlib.suppress(TimeoutError, PlxRuntimeError):  # a busy cluster: the calls start colder
            await asyncio.wait_for(asyncio.gather(*(self._wait(ref) for ref in refs)), WARM_TIMEOUT)

    def _probe_address(self, ray: Any) -> tuple[str, int] | None:
        """Where to check that the cluster is still there: the Ray Client server or the GCS."""
        if (self.address or "").startswith("ray://"):
            return _explicit_target(self.address)
        try:
            return _explicit_target(str(ray.get_runtime_context().gcs_address))  # "host:port"
        except Exception:
            return None

    def close(self) -> None:
        """Kill the host actors and, when this backend connected Ray (started a local instance or joined a
        cluster), disconnect — a local instance stops with it."""
        ray = self._ray
        if ray is None:
            return
        if self._down is not None:  # nothing to kill or shut down politely: do not wait for a cluster that is gone
            self._host_actors.clear()
            self._task = None
            return
        for actor in self._host_actors:
            with contextlib.suppress(Exception):
                ray.kill(actor)
        self._host_actors.clear()
        self._lanes.clear()
        self._agent_refs.clear()
        self._task = None
        if self._connected_here and ray.is_initialized():
            ray.shutdown()
        self._connected_here = False

    # ---------------------------------------------------------------------------------------------- calls

    async def call_agent(self, agent: Agent, task: Task, timeout: float | None, *, stateful: bool = False) -> Answer:
        """One agent call on the cluster (submitted before the first wait, so in dispatch order)."""
        if self._task is None:
            await self.open()
        ray = self._ray
        self.submitted += 1
        cancel: Callable[[], None]
        if stateful or getattr(agent, "stateful", False):
            actor, key, seq = self._lane_for(agent)
            ref = actor.call.remote(key, seq, agent if seq == 0 else None, task, timeout)

            def cancel() -> None:
                actor.cancel.remote(key, seq)
        else:
            ref = self._task.remote(self._agent_ref(agent), task, timeout)
            # A blocking (sync) Python agent can only be stopped by ending its worker process; anything else is
            # interrupted inside the worker and ends through its own cancellation handling.
            force = type(agent) is FunctionAgent and not agent.is_async

            def cancel() -> None:
                ray.cancel(ref, force=force)

        try:
            return await self._wait(ref)  # type: ignore[no-any-return]
        except asyncio.CancelledError:
            if self._down is None:
                with contextlib.suppress(Exception):
                    cancel()
            raise

    def _agent_ref(self, agent: Agent) -> Any:
        """The agent in the object store, put there once (its module travels by value unless installed)."""
        found = self._agent_refs.get(id(agent))
        if found is None:
            self._ship_module(agent)
            found = self._agent_refs[id(agent)] = (agent, self._ray.put(agent))
        return found[1]

    def _lane_for(self, agent: Agent) -> tuple[Any, str, int]:
        found = self._lanes.get(id(agent))
        if found is None:
            self._ship_module(agent)
            if len(self._host_actors) < self.hosts:
                self._host_actors.append(self._host_class.remote())
            actor = self._host_actors[len(self._lanes) % self.hosts]
            key = f"{len(self._lanes)}:{agent.id}"
            found = self._lanes[id(agent)] = (agent, actor, key, itertools.count())
        _, actor, key, counter = found
        return actor, key, next(counter)

    def _ship_module(self, agent: Agent) -> None:
        """Let a local Python agent's own module (a file, not an installed package) travel with it by value."""
        fn = agent.fn if isinstance(agent, FunctionAgent) else type(agent)
        module = sys.modules.get(getattr(fn, "__module__", "") or "")
        if module is None or module.__name__.startswith("parallax_dsl") or _is_site_module(module):
            return
        from ray import cloudpickle

        cloudpickle.register_pickle_by_value(module)

    async def _wait(self, ref: Any) -> Any:
        """The value of `ref`; Ray's wrapper errors unwrapped so a failed call reads as it does locally."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        source: concurrent.futures.Future[Any] = ref.future()

        def settle(done: concurrent.futures.Future[Any]) -> None:
            if not waiter.done():  # else the run moved on (timeout, cancellation) and may have ended
                with contextlib.suppress(RuntimeError):  # its event loop is closed
                    loop.call_soon_threadsafe(_copy, done, waiter)

        source.add_done_callback(settle)
        self._pending.add(waiter)
        self._watch(loop)
        try:
            return await waiter
        finally:
            self._pending.discard(waiter)

    # ---------------------------------------------------------------------------------------------- health

    def _watch(self, loop: asyncio.AbstractEventLoop) -> None:
        monitor = self._monitor
        if self._probe is not None and (monitor is None or monitor.done() or monitor.get_loop() is not loop):
            self._monitor = loop.create_task(self._health())

    async def _health(self) -> None:
        """While calls are in flight, check the cluster answers; when it has been away for HEALTH_GRACE seconds,
        fail every waiting call (and so the run) with BACKEND_UNAVAILABLE instead of hanging."""
        assert self._probe is not None
        host, port = self._probe
        away_since: float | None = None
        loop = asyncio.get_running_loop()
        while self._pending:
            await asyncio.sleep(HEALTH_INTERVAL)
            if await _reachable(host, port):
                away_since = None
                continue
            now = loop.time()
            away_since = away_since if away_since is not None else now
            if now - away_since >= HEALTH_GRACE:
                self._down = f"the Ray cluster at {host}:{port} went away during the run"
                for waiter in list(self._pending):
                    if not waiter.done():
                        waiter.set_exception(PlxRuntimeError(BACKEND_UNAVAILABLE, self._down))
                return


def _route_notices_to_stderr(ray: Any) -> None:
    """Ray prints the cluster's notices (a worker died, …) on the driver's standard output; `plxc run --format
    json` promises exactly one JSON object there, so they go to standard error instead."""
    module = sys.modules.get("ray._private.worker")
    original = getattr(module, "print_to_stdstream", None)
    if module is None or original is None or getattr(original, "plx_routed", False):
        return

    def to_stderr(data: dict[str, Any], ignore_prefix: bool) -> None:
        original({**data, "is_err": True}, ignore_prefix)

    to_stderr.plx_routed = True  # type: ignore[attr-defined]
    setattr(module, "print_to_stdstream", to_stderr)  # noqa: B010 - a module mypy does not know


def _explicit_target(address: str | None) -> tuple[str, int] | None:
    """host and port of an address naming a cluster (`ray://host:port` or `host:port`); None for `auto`/local."""
    if not address or address in ("auto", "local"):
        return None
    if "://" in address:
        parts = urlsplit(address)
        if parts.hostname is None:
            return None
        try:
            return (parts.hostname, parts.port or 10001)
        except ValueError:
            return None
    host, _, port = address.rpartition(":")
    return (host, int(port)) if host and port.isdigit() else None


async def _reachable(host: str, port: int, timeout: float = HEALTH_INTERVAL) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (TimeoutError, OSError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def _copy(done: concurrent.futures.Future[Any], waiter: asyncio.Future[Any]) -> None:
    if waiter.done():
        return
    try:
        waiter.set_result(done.result())
    except BaseException as exc:
        waiter.set_exception(_unwrap(exc))


def _unwrap(exc: BaseException) -> BaseException:
    """The error a call's caller should see: the agent's own exception for errors raised in the agent (so the
    failed answer reads as locally, and a PlxRuntimeError still fails the run); a short plain error for a lost
    worker; BACKEND_UNAVAILABLE for the cluster itself."""
    name = type(exc).__name__
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException) and name.startswith("RayTaskError"):
        if isinstance(cause, asyncio.TimeoutError | TimeoutError):
            return TimeoutError("the agent did not answer on the worker")
        return cause
    if name in _WORKER_LOST:
        return WorkerLostError(f"the Ray worker running the call is gone ({name})")
    if name in ("RaySystemError", "GetTimeoutError", "RpcError") or "Gcs" in name:
        return PlxRuntimeError(BACKEND_UNAVAILABLE, f"the Ray cluster failed: {name}: {_first_line(str(exc))}")
    return exc


class WorkerLostError(Exception):
    """The Ray worker (or actor) running a call died; the call fails and may be retried."""


__all__ = ["RAY_FEATURE", "RAY_INSTALL_HINT", "RayBackend", "WorkerLostError"]
