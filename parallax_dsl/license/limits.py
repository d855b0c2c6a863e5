"""Applying the agent limit to selected agents (the brief's `enforceAgentLimit`) and counting limit hits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypedDict, TypeVar

from parallax_dsl.license.features import UPGRADE_URL

T = TypeVar("T")

AGENT_LIMIT_WARNING_TYPE: Final = "AGENT_LIMIT"

logger = logging.getLogger("parallax_dsl.license")


class AgentLimitWarning(TypedDict):
    """The warning an execution result carries when agents were cut (a plain dict at run time)."""

    type: str
    message: str
    upgrade_url: str


@dataclass(frozen=True)
class AgentLimitOutcome(Generic[T]):
    """The agents allowed to run, how many were requested, and the warning when some were cut."""

    agents: tuple[T, ...]
    requested: int
    warning: AgentLimitWarning | None = None

    @property
    def used(self) -> int:
        """How many agents will run."""
        return len(self.agents)

    @property
    def limited(self) -> bool:
        """True when the limit cut some agents."""
        return self.used < self.requested


def agent_limit_warning(used: int, requested: int) -> AgentLimitWarning:
    """The execution-result warning for running `used` of `requested` agents."""
    return {
        "type": AGENT_LIMIT_WARNING_TYPE,
        "message": f"Pattern performance may be reduced. Using {used} of {requested} optimal agents.",
        "upgrade_url": UPGRADE_URL,
    }


def agent_limit_log_message(used: int, requested: int) -> str:
    """The log line for running `used` of `requested` agents, worded as in the brief."""
    return (
        f"Using {used} of {requested} requested agents (Open Source limit). "
        "Upgrade to Enterprise for unlimited agents: parallax.ai/enterprise"
    )


def enforce_agent_limit(
    agents: Sequence[T], limit: int | None, *, counter: LimitCounter | None = None
) -> AgentLimitOutcome[T]:
    """Keep the first `limit` agents (None = unlimited); warn and log when some are cut.

    Pure apart from one INFO log record on logger `parallax_dsl.license` and, when given, one `counter` hit.
    Raises `ValueError` for a limit below 1 (resolved limits never are).
    """
    if limit is not None and (isinstance(limit, bool) or limit < 1):
        raise ValueError(f"agent limit must be a positive integer or None, not {limit!r}")
    requested = len(agents)
    if limit is None or requested <= limit:
        return AgentLimitOutcome(tuple(agents), requested)
    kept = tuple(agents[:limit])
    logger.info("%s", agent_limit_log_message(len(kept), requested))
    if counter is not None:
        counter.record(requested=requested, used=len(kept))
    return AgentLimitOutcome(kept, requested, agent_limit_warning(len(kept), requested))


class LimitCounter:
    """Counts agent-limit hits for the local run metrics (thread-safe; nothing leaves the machine)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits = 0
        self._agents_requested = 0
        self._agents_dropped = 0

    def record(self, *, requested: int, used: int) -> None:
        """Count one execution whose `requested` agents were cut to `used`."""
        with self._lock:
            self._hits += 1
            self._agents_requested += requested
            self._agents_dropped += max(requested - used, 0)

    @property
    def hits(self) -> int:
        """How many executions hit the agent limit."""
        with self._lock:
            return self._hits

    @property
    def agents_dropped(self) -> int:
        """How many selected agents the limit kept from running, over all hits."""
        with self._lock:
            return self._agents_dropped

    def snapshot(self) -> dict[str, int]:
        """The counters as metrics: `agent_limit_hits`, `agent_limit_requested`, `agent_limit_dropped`."""
        with self._lock:
            return {
                "agent_limit_hits": self._hits,
                "agent_limit_requested": self._agents_requested,
                "agent_limit_dropped": self._agents_dropped,
            }

    def reset(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            self._hits = 0
            self._agents_requested = 0
            self._agents_dropped = 0
