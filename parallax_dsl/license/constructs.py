"""Check-time data: which language constructs need which licence feature, and the smallest edition with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from parallax_dsl.license.features import Tier, edition_name, minimum_tier, tier_has_feature


@dataclass(frozen=True)
class ConstructRequirement:
    """A language construct that only some editions allow, and the feature that allows it."""

    construct: str
    feature: str
    description: str

    @property
    def edition(self) -> Tier:
        """The smallest tier that grants the feature (a tier id such as `enterprise-plus`)."""
        return required_edition(self.feature)

    @property
    def edition_name(self) -> str:
        """The display name of that edition, for messages ("Enterprise", "Enterprise+")."""
        return edition_name(self.edition)

    def allowed_in(self, tier: Tier) -> bool:
        """True when a pattern using this construct passes the licence check for `tier`."""
        return tier_has_feature(tier, self.feature)


_REQUIREMENTS: Final = (
    ConstructRequirement("persisted_state", "persistence", "state that outlives a run (persisted state)"),
    ConstructRequirement("schedule", "scheduled_patterns", "a schedule or trigger that starts the pattern"),
    ConstructRequirement(
        "distributed_backend", "distributed_execution", "execution on a distributed (multi-node) backend"
    ),
    ConstructRequirement("kubernetes_target", "kubernetes_operator", "a Kubernetes deployment target"),
    ConstructRequirement("regions", "multi_region", "agents or execution placed in named regions"),
)

#: Construct name -> requirement. Constructs not listed here are allowed in every edition.
CONSTRUCT_REQUIREMENTS: Final[Mapping[str, ConstructRequirement]] = MappingProxyType(
    {requirement.construct: requirement for requirement in _REQUIREMENTS}
)

#: Construct name -> feature name (the same data, flattened).
CONSTRUCT_FEATURES: Final[Mapping[str, str]] = MappingProxyType(
    {requirement.construct: requirement.feature for requirement in _REQUIREMENTS}
)


def required_edition(feature: str) -> Tier:
    """The smallest tier id that grants `feature` (`opensource`, `enterprise` or `enterprise-plus`).

    Raises `ValueError` for a feature name no edition knows (a programming error in the caller).
    """
    tier = minimum_tier(feature)
    if tier is None:
        raise ValueError(f"unknown licence feature {feature!r}")
    return tier


def requirement_for(construct: str) -> ConstructRequirement | None:
    """The requirement of `construct`, or None when every edition allows it."""
    return CONSTRUCT_REQUIREMENTS.get(construct)
