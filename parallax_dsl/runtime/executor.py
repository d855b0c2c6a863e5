"""Where agent calls run: the `Executor` protocol the scheduler calls for every agent call, the local default, and
choosing/opening the executor of a run (a pattern's `backend` setting, the licence's `distributed_execution`)."""

from __future__ import annotations

import inspect
from typing import Any, Protocol, runtime_checkable

from parallax_dsl.runtime.agents import Agent, Answer, Task
from parallax_dsl.runtime.errors import BACKEND_UNAVAILABLE, LICENSE_REQUIRED, PlxRuntimeError


@runtime_checkable
class Executor(Protocol):
    """Runs one agent call. The scheduler enforces `timeout` (seconds) itself; a remote backend (Ray) also passes
    it on. `stateful`: the step's agent group is declared `stateful` (a remote backend keeps one long-lived worker
    per agent for it); passed only to executors whose `call_agent` has that parameter. Raising is fine: the
    scheduler turns any exception into a failed result record — except a `PlxRuntimeError`, which fails the whole
    run (a backend raises one when it cannot run anything any more).

    Optional members, looked up by name: `feature` (the licence feature the executor needs, e.g.
    `"distributed_execution"`) and `async def open()` (called once before a run; connects, may raise
    `PlxRuntimeError`)."""

    async def call_agent(
        self, agent: Agent, task: Task, timeout: float | None, *, stateful: bool = False
    ) -> Answer: ...


class LocalExecutor:
    """Calls the agent in this process, on the running event loop."""

    async def call_agent(self, agent: Agent, task: Task, timeout: float | None, *, stateful: bool = False) -> Answer:
        return await agent(task)


def accepts_stateful(executor: Executor) -> bool:
    """True when the executor's `call_agent` takes the `stateful` keyword (executors written before it don't)."""
    try:
        parameters = inspect.signature(executor.call_agent).parameters
    except (TypeError, ValueError):
        return False
    return "stateful" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def backend_for_setting(setting: Any, address: str | None = None) -> Executor | None:
    """The executor a backend name asks for — a pattern's `backend` setting or `plxc run --backend`: `"local"`
    a LocalExecutor, `"ray"` a RayBackend (on the cluster at `address`, if given); anything else None."""
    if setting == "local":
        return LocalExecutor()
    if setting == "ray":
        from parallax_dsl.distributed import RayBackend

        return RayBackend(address)
    return None


def require_feature(license: Any, feature: str) -> None:
    """Raise PlxRuntimeError(LICENSE_REQUIRED), worded as the licence module words it, unless `license` grants
    `feature`."""
    if not license.has_feature(feature):
        from parallax_dsl.license.enforcer import UpgradeRequiredError
        from parallax_dsl.license.features import minimum_tier

        raise PlxRuntimeError(LICENSE_REQUIRED, str(UpgradeRequiredError(feature, minimum_tier(feature))))


async def open_executor(executor: Executor | None, setting: Any, license: Any) -> Executor:
    """The executor of a run, checked against the licence and opened: `executor` if given, else the one the
    pattern's `backend` setting names, else local. Raises `PlxRuntimeError` (LICENSE_REQUIRED when the licence
    lacks the executor's feature, BACKEND_UNAVAILABLE when it cannot be opened)."""
    chosen = executor if executor is not None else backend_for_setting(setting)
    if chosen is None:
        return LocalExecutor()
    feature = getattr(chosen, "feature", None)
    if isinstance(feature, str):
        require_feature(license, feature)
    opener = getattr(chosen, "open", None)
    if opener is not None:
        try:
            await opener()
        except PlxRuntimeError:
            raise
        except Exception as exc:  # a backend that cannot start: one clear error, not a traceback
            raise PlxRuntimeError(BACKEND_UNAVAILABLE, f"{type(exc).__name__}: {exc}") from exc
    return chosen
