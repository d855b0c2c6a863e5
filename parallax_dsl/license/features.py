"""Tiers, their display names and the feature sets each tier grants (LICENSING.md, "Editions")."""

from __future__ import annotations

from typing import Final, Literal, TypeGuard

Tier = Literal["opensource", "enterprise", "enterprise-plus"]

OPENSOURCE: Final = "opensource"
ENTERPRISE: Final = "enterprise"
ENTERPRISE_PLUS: Final = "enterprise-plus"

#: Tiers from the smallest to the largest feature set.
TIERS: Final[tuple[Tier, ...]] = (OPENSOURCE, ENTERPRISE, ENTERPRISE_PLUS)

#: Human-readable edition names, as shown in banners and messages.
EDITION_NAMES: Final[dict[Tier, str]] = {
    OPENSOURCE: "Open Source",
    ENTERPRISE: "Enterprise",
    ENTERPRISE_PLUS: "Enterprise+",
}

UPGRADE_URL: Final = "https://parallax.ai/enterprise"

#: Granted to everyone: all coordination patterns, the CLI, local execution with in-memory state,
#: pattern development and testing.
OPENSOURCE_FEATURES: Final[frozenset[str]] = frozenset(
    {
        "all_patterns",
        "cli_full",
        "local_execution",
        "in_memory_execution",
        "pattern_development",
    }
)

#: Granted by an Enterprise (or Enterprise+) licence. `unlimited_agents` is here, not in Open Source:
#: the brief limits Open Source to 3 agents per pattern execution by default.
ENTERPRISE_FEATURES: Final[frozenset[str]] = frozenset(
    {
        "unlimited_agents",
        "persistence",
        "execution_history",
        "metrics_storage",
        "web_dashboard",
        "scheduled_patterns",
        "high_availability",
        "distributed_execution",
        "backup_restore",
        "pattern_management",
        "multi_user",
        "rbac",
        "sso_integration",
        "api_keys",
        "audit_logging",
        "mtls_security",
        "kubernetes_operator",
    }
)

#: Granted only by an Enterprise+ licence.
ENTERPRISE_PLUS_FEATURES: Final[frozenset[str]] = frozenset(
    {
        "multi_region",
        "advanced_analytics",
        "pattern_marketplace",
        "priority_support_24_7",
    }
)

#: Everything each tier grants.
TIER_FEATURES: Final[dict[Tier, frozenset[str]]] = {
    OPENSOURCE: OPENSOURCE_FEATURES,
    ENTERPRISE: OPENSOURCE_FEATURES | ENTERPRISE_FEATURES,
    ENTERPRISE_PLUS: OPENSOURCE_FEATURES | ENTERPRISE_FEATURES | ENTERPRISE_PLUS_FEATURES,
}

#: Every feature name that exists in some tier.
KNOWN_FEATURES: Final[frozenset[str]] = TIER_FEATURES[ENTERPRISE_PLUS]


def is_tier(value: object) -> TypeGuard[Tier]:
    """True when `value` is one of the three tier ids."""
    return isinstance(value, str) and value in TIERS


def features_for(tier: Tier) -> frozenset[str]:
    """The feature names granted by `tier`."""
    return TIER_FEATURES[tier]


def tier_has_feature(tier: Tier, feature: str) -> bool:
    """True when `tier` grants `feature`; unknown feature names are never granted."""
    return feature in TIER_FEATURES[tier]


def minimum_tier(feature: str) -> Tier | None:
    """The smallest tier that grants `feature`, or None when no tier knows the name."""
    for tier in TIERS:
        if feature in TIER_FEATURES[tier]:
            return tier
    return None


def edition_name(tier: Tier) -> str:
    """The display name of the edition a tier belongs to ("Open Source", "Enterprise", "Enterprise+")."""
    return EDITION_NAMES[tier]
