"""`LicenseEnforcer`: the runtime's handle on the licence in effect, feature checks and the agent limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from parallax_dsl.license.detect import detect_license
from parallax_dsl.license.features import UPGRADE_URL, Tier, edition_name, minimum_tier
from parallax_dsl.license.limits import AgentLimitOutcome, LimitCounter, enforce_agent_limit
from parallax_dsl.license.model import LicenseInfo

T = TypeVar("T")


class UpgradeRequiredError(Exception):
    """A feature the licence in effect does not grant was required."""

    def __init__(self, feature: str, required_tier: Tier | None, upgrade_url: str = UPGRADE_URL) -> None:
        self.feature = feature
        self.required_tier = required_tier
        self.upgrade_url = upgrade_url
        name = feature.replace("_", " ")
        if required_tier is None:
            message = f"unknown feature '{feature}': no Parallax edition provides it"
        else:
            edition = edition_name(required_tier)
            message = f"{name} requires Parallax {edition} (feature '{feature}'). Learn more: {upgrade_url}"
        super().__init__(message)


class LicenseEnforcer:
    """The licence in effect (detected once, at construction), plus a counter of agent-limit hits."""

    def __init__(self, info: LicenseInfo | None = None, *, counter: LimitCounter | None = None) -> None:
        self.info = info if info is not None else detect_license()
        self.counter = counter if counter is not None else LimitCounter()

    @property
    def is_enterprise(self) -> bool:
        """True for Enterprise and Enterprise+."""
        return self.info.is_enterprise

    @property
    def is_enterprise_plus(self) -> bool:
        """True for Enterprise+ only."""
        return self.info.is_enterprise_plus

    @property
    def max_agents(self) -> int | None:
        """The per-execution agent limit; None = unlimited."""
        return self.info.max_agents

    def has_feature(self, feature: str) -> bool:
        """True when the licence grants `feature`; unknown names are never granted."""
        return self.info.has_feature(feature)

    def require_feature(self, feature: str) -> None:
        """Raise `UpgradeRequiredError` unless the licence grants `feature`."""
        if not self.info.has_feature(feature):
            raise UpgradeRequiredError(feature, minimum_tier(feature))

    def enforce_agent_limit(self, agents: Sequence[T]) -> AgentLimitOutcome[T]:
        """Apply the licence's agent limit to the selected `agents`, counting a hit when some are cut."""
        return enforce_agent_limit(agents, self.info.max_agents, counter=self.counter)
