"""The `LicenseInfo` result of licence detection, and the redaction helpers that keep keys out of it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from parallax_dsl.license.features import (
    ENTERPRISE_PLUS,
    OPENSOURCE,
    Tier,
    edition_name,
    features_for,
)

#: How many leading characters of an unrecognised key a message may show (as the upstream does).
KEY_PREFIX_SHOWN = 15


@dataclass(frozen=True)
class LicenseInfo:
    """The licence in effect. Never holds the key itself: at most `key_fingerprint`, a short hash.

    `max_agents` is the per-execution agent limit (None = unlimited). `reason` is set when a key was
    found but rejected (the edition then falls back to Open Source); `warnings` lists everything else
    worth telling the user (unreadable files, invalid agent-limit settings).
    """

    edition: str
    tier: Tier
    valid_until: datetime | None = None
    cluster: str | None = None
    org: str | None = None
    max_agents: int | None = 3
    features: frozenset[str] = field(default_factory=lambda: features_for(OPENSOURCE))
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    source: str | None = None
    key_fingerprint: str | None = None
    max_agents_source: str | None = None

    @property
    def is_enterprise(self) -> bool:
        """True for Enterprise and Enterprise+."""
        return self.tier != OPENSOURCE

    @property
    def is_enterprise_plus(self) -> bool:
        """True for Enterprise+ only."""
        return self.tier == ENTERPRISE_PLUS

    @property
    def perpetual(self) -> bool:
        """True for an Enterprise licence without an expiry date."""
        return self.is_enterprise and self.valid_until is None

    def has_feature(self, name: str) -> bool:
        """True when this licence grants `name`; unknown names are never granted."""
        return name in self.features

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form printed by `plxc license status --format json`."""
        data: dict[str, Any] = {
            "edition": self.edition,
            "tier": self.tier,
            "valid_until": format_timestamp(self.valid_until) if self.valid_until else None,
            "cluster": self.cluster,
            "max_agents": self.max_agents,
            "features": sorted(self.features),
        }
        if self.reason is not None:
            data["reason"] = self.reason
        return data


def open_source_info(
    *,
    max_agents: int | None = 3,
    reason: str | None = None,
    warnings: tuple[str, ...] = (),
    source: str | None = None,
    key_fingerprint: str | None = None,
    max_agents_source: str | None = None,
) -> LicenseInfo:
    """A `LicenseInfo` for the Open Source edition."""
    return LicenseInfo(
        edition=edition_name(OPENSOURCE),
        tier=OPENSOURCE,
        max_agents=max_agents,
        features=features_for(OPENSOURCE),
        reason=reason,
        warnings=warnings,
        source=source,
        key_fingerprint=key_fingerprint,
        max_agents_source=max_agents_source,
    )


def fingerprint(key: str) -> str:
    """A short, non-reversible identifier of a key, safe to print: `sha256:` + 8 hex digits."""
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:8]


def key_prefix(key: str) -> str:
    """The first characters of an unrecognised key for a message, never the whole key.

    Shows up to 15 characters (as the upstream does); a shorter key shows at most half of itself.
    """
    shown = KEY_PREFIX_SHOWN if len(key) > KEY_PREFIX_SHOWN else len(key) // 2
    text = "".join(ch if ch.isprintable() else "?" for ch in key[:shown])
    return text + "..."


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, seconds precision: `2027-12-31T00:00:00Z`."""
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    return utc.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def format_date(moment: datetime) -> str:
    """The calendar date (UTC) shown in banners: `2027-12-31`."""
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    return utc.date().isoformat()
