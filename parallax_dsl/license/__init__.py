"""Editions: licence detection, signed Ed25519 keys, feature flags and the Open Source agent limit."""

from __future__ import annotations

import logging

from parallax_dsl.license.constructs import (
    CONSTRUCT_FEATURES,
    CONSTRUCT_REQUIREMENTS,
    ConstructRequirement,
    required_edition,
    requirement_for,
)
from parallax_dsl.license.detect import (
    FoundKey,
    check_license_key,
    detect_license,
    find_license_key,
)
from parallax_dsl.license.enforcer import LicenseEnforcer, UpgradeRequiredError
from parallax_dsl.license.features import (
    ENTERPRISE,
    ENTERPRISE_PLUS,
    KNOWN_FEATURES,
    OPENSOURCE,
    TIERS,
    UPGRADE_URL,
    Tier,
    edition_name,
    features_for,
    is_tier,
    minimum_tier,
    tier_has_feature,
)
from parallax_dsl.license.keys import (
    UPSTREAM_LICENSE_PUBLIC_KEY_B64,
    KeyCheck,
    LicensePayload,
    RejectedKey,
    VerifiedKey,
    verify_license_key,
)
from parallax_dsl.license.limits import (
    AgentLimitOutcome,
    AgentLimitWarning,
    LimitCounter,
    agent_limit_log_message,
    agent_limit_warning,
    enforce_agent_limit,
)
from parallax_dsl.license.model import LicenseInfo
from parallax_dsl.license.settings import DEFAULT_MAX_AGENTS, AgentLimitSetting, resolve_agent_limit

# A library logs; the application decides where records go.
logging.getLogger("parallax_dsl.license").addHandler(logging.NullHandler())

__all__ = [
    "CONSTRUCT_FEATURES",
    "CONSTRUCT_REQUIREMENTS",
    "DEFAULT_MAX_AGENTS",
    "ENTERPRISE",
    "ENTERPRISE_PLUS",
    "KNOWN_FEATURES",
    "OPENSOURCE",
    "TIERS",
    "UPGRADE_URL",
    "UPSTREAM_LICENSE_PUBLIC_KEY_B64",
    "AgentLimitOutcome",
    "AgentLimitSetting",
    "AgentLimitWarning",
    "ConstructRequirement",
    "FoundKey",
    "KeyCheck",
    "LicenseEnforcer",
    "LicenseInfo",
    "LicensePayload",
    "LimitCounter",
    "RejectedKey",
    "Tier",
    "UpgradeRequiredError",
    "VerifiedKey",
    "agent_limit_log_message",
    "agent_limit_warning",
    "check_license_key",
    "detect_license",
    "edition_name",
    "enforce_agent_limit",
    "features_for",
    "find_license_key",
    "has_feature",
    "is_tier",
    "minimum_tier",
    "required_edition",
    "requirement_for",
    "resolve_agent_limit",
    "tier_has_feature",
    "verify_license_key",
]


def has_feature(name: str, info: LicenseInfo | None = None) -> bool:
    """True when the licence (`info`, default: the detected one) grants `name`; unknown names never are."""
    return (info if info is not None else detect_license()).has_feature(name)
