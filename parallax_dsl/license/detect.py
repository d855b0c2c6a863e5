"""Licence detection: find a key in the documented order, check it, describe the result as `LicenseInfo`."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from parallax_dsl.license.features import edition_name, features_for
from parallax_dsl.license.keys import (
    REASON_BAD_PUBLIC_KEY,
    KeyCheck,
    LicensePayload,
    RejectedKey,
    VerifiedKey,
    verify_license_key,
)
from parallax_dsl.license.model import (
    LicenseInfo,
    fingerprint,
    format_timestamp,
    key_prefix,
    open_source_info,
)
from parallax_dsl.license.settings import resolve_agent_limit
from parallax_dsl.license.store import KeyFileError, installed_key_path, read_key_file

LICENSE_KEY_ENV: Final = "PARALLAX_LICENSE_KEY"
PUBLIC_KEY_ENV: Final = "PARALLAX_LICENSE_PUBLIC_KEY"
LICENSE_FILE_ENV: Final = "PARALLAX_LICENSE_FILE"
KUBERNETES_ENV: Final = "KUBERNETES_SERVICE_HOST"

#: Unsigned keys of the upstream's first licensing scheme; they no longer grant anything.
LEGACY_PREFIXES: Final = ("PARALLAX-ENT-", "PARALLAX-PLUS-", "PARALLAX-ENTERPRISE-")

REASON_LEGACY: Final = (
    "Legacy prefix-based license key: prefix keys are deprecated and no longer grant enterprise features; "
    "ask for a signed key (https://parallax.ai/enterprise)"
)
REASON_UNKNOWN_FORMAT: Final = "invalid licence key format"

logger = logging.getLogger("parallax_dsl.license")


@dataclass(frozen=True)
class FoundKey:
    """A key and where it was found. The key is left out of `repr` so it cannot leak into logs."""

    key: str = field(repr=False)
    source: str


def find_license_key(
    license_key: str | None = None, *, env: Mapping[str, str] | None = None
) -> tuple[FoundKey | None, tuple[str, ...]]:
    """The first key in the documented order, and warnings about sources that could not be used.

    Order: `license_key` (from `--license-key`), `PARALLAX_LICENSE_KEY`, the installed key file, then
    `PARALLAX_LICENSE_FILE` when running inside Kubernetes (`KUBERNETES_SERVICE_HOST` set). Blank values
    count as absent. Never raises.
    """
    env = os.environ if env is None else env
    warnings: list[str] = []

    if license_key is not None and license_key.strip():
        return FoundKey(license_key.strip(), "--license-key"), ()
    from_env = env.get(LICENSE_KEY_ENV, "")
    if from_env.strip():
        return FoundKey(from_env.strip(), LICENSE_KEY_ENV), ()

    try:
        installed = installed_key_path(env)
    except (RuntimeError, OSError) as exc:  # no home directory to be found
        warnings.append(f"cannot locate the installed licence key: {exc}")
    else:
        try:
            stored = read_key_file(installed)
        except KeyFileError as exc:
            warnings.append(str(exc))
        else:
            if stored is not None:
                return FoundKey(stored, f"installed key file {installed}"), tuple(warnings)

    mounted = env.get(LICENSE_FILE_ENV, "").strip()
    if mounted:
        if env.get(KUBERNETES_ENV, "").strip():
            try:
                secret = read_key_file(Path(mounted))
            except KeyFileError as exc:
                warnings.append(str(exc))
            else:
                if secret is not None:
                    return FoundKey(secret, f"{LICENSE_FILE_ENV} {mounted}"), tuple(warnings)
                warnings.append(f"{LICENSE_FILE_ENV} points to {mounted}, which does not exist")
        else:
            warnings.append(f"{LICENSE_FILE_ENV} is only read inside Kubernetes ({KUBERNETES_ENV} set); ignoring it")
    return None, tuple(warnings)


def check_license_key(key: str, *, env: Mapping[str, str] | None = None, now: datetime | None = None) -> KeyCheck:
    """Check one key completely: format, legacy prefix, signature, claims and expiry. Never raises.

    The public key is `PARALLAX_LICENSE_PUBLIC_KEY` when set, else the upstream's embedded key.
    """
    env = os.environ if env is None else env
    key = key.strip()
    if "." not in key:
        if key.startswith(LEGACY_PREFIXES):
            return RejectedKey(REASON_LEGACY)
        return RejectedKey(f'{REASON_UNKNOWN_FORMAT} (starts with "{key_prefix(key)}")')
    checked = verify_license_key(key, env.get(PUBLIC_KEY_ENV, "").strip() or None)
    if isinstance(checked, RejectedKey):
        return checked
    exp = checked.payload.exp
    moment = now or datetime.now(UTC)
    if exp != 0 and exp < moment.timestamp():
        expiry = format_timestamp(_from_unix(exp))
        return RejectedKey(f"License key has expired (expiry {expiry}, org {checked.payload.org})")
    return checked


def detect_license(
    license_key: str | None = None,
    *,
    max_agents: int | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    now: datetime | None = None,
) -> LicenseInfo:
    """Detect the licence in effect (LICENSING.md, "Licence detection"). Never raises.

    `license_key` is the `--license-key` value; `max_agents` the `--max-agents` value (Open Source only).
    A rejected key falls back to Open Source with `reason` set and a warning logged.
    """
    env = os.environ if env is None else env
    found, warnings = find_license_key(license_key, env=env)
    for warning in warnings:
        logger.warning("%s", warning)
    if found is None:
        return _open_source(max_agents, env, cwd, warnings)

    checked = check_license_key(found.key, env=env, now=now)
    print_id = fingerprint(found.key)
    if isinstance(checked, VerifiedKey):
        return enterprise_info(checked.payload, source=found.source, key_fingerprint=print_id, warnings=warnings)

    if checked.reason == REASON_BAD_PUBLIC_KEY and env.get(PUBLIC_KEY_ENV, "").strip():
        hint = f"{PUBLIC_KEY_ENV} is set but is not an Ed25519 public key in base64 SPKI DER form"
        logger.warning("%s", hint)
        warnings = (*warnings, hint)
    logger.warning(
        "Licence key from %s (%s) rejected: %s. Running as Open Source.",
        found.source,
        print_id,
        checked.reason,
    )
    return _open_source(
        max_agents, env, cwd, warnings, reason=checked.reason, source=found.source, key_fingerprint=print_id
    )


def enterprise_info(
    payload: LicensePayload,
    *,
    source: str | None = None,
    key_fingerprint: str | None = None,
    warnings: tuple[str, ...] = (),
) -> LicenseInfo:
    """The `LicenseInfo` of a verified, unexpired key: its tier's features and no agent limit."""
    return LicenseInfo(
        edition=edition_name(payload.tier),
        tier=payload.tier,
        valid_until=None if payload.perpetual else _from_unix(payload.exp),
        cluster=payload.cluster,
        org=payload.org,
        max_agents=None,
        features=features_for(payload.tier),
        warnings=warnings,
        source=source,
        key_fingerprint=key_fingerprint,
        max_agents_source="licence",
    )


def _open_source(
    max_agents: int | None,
    env: Mapping[str, str],
    cwd: Path | None,
    warnings: tuple[str, ...],
    *,
    reason: str | None = None,
    source: str | None = None,
    key_fingerprint: str | None = None,
) -> LicenseInfo:
    limit = resolve_agent_limit(max_agents, env=env, cwd=cwd)
    for warning in limit.warnings:
        logger.warning("%s", warning)
    return open_source_info(
        max_agents=limit.value,
        reason=reason,
        warnings=(*warnings, *limit.warnings),
        source=source,
        key_fingerprint=key_fingerprint,
        max_agents_source=limit.source,
    )


def _from_unix(seconds: float) -> datetime:
    """A UTC datetime for Unix `seconds`, clamped to what `datetime` can represent."""
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.max.replace(tzinfo=UTC) if seconds > 0 else datetime.min.replace(tzinfo=UTC)
