"""Verification of signed licence keys (`<payload_b64url>.<signature_b64url>`, Ed25519, as upstream)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeGuard

from parallax_dsl.license.features import Tier, is_tier

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

#: The Ed25519 public key embedded in the upstream (HaruHunab1320/parallax,
#: packages/control-plane/src/licensing/license-keys.ts), base64 SPKI DER. Keys issued for the upstream
#: verify here too. `PARALLAX_LICENSE_PUBLIC_KEY` overrides it (how the tests use their own key pairs).
UPSTREAM_LICENSE_PUBLIC_KEY_B64: Final = "MCowBQYDK2VwAyEAosfzTO5t+wf+hqAgzpAXVwYatf/PJ/9qV1Cuf/mtLg8="

#: The placeholder the upstream ships before a real key is configured; never a usable key.
PUBLIC_KEY_PLACEHOLDER: Final = "REPLACE_WITH_REAL_PUBLIC_KEY"

ISSUER: Final = "parallax"
SCHEMA_VERSION: Final = 1

# Rejection reasons, worded exactly as the upstream words them.
REASON_FORMAT: Final = "Invalid license key format: expected payload.signature"
REASON_EMPTY_PART: Final = "Invalid license key format: empty payload or signature"
REASON_NO_PUBLIC_KEY: Final = "License public key not configured"
REASON_BAD_PUBLIC_KEY: Final = "Invalid public key"
REASON_BAD_SIGNATURE: Final = "Invalid signature"
REASON_BAD_ENCODING: Final = "Invalid payload encoding"

_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_MISSING: Final = object()


@dataclass(frozen=True)
class LicensePayload:
    """The verified claims of a signed key; `exp == 0` means perpetual. Times are Unix seconds."""

    tier: Tier
    org: str
    sub: str
    iat: float
    exp: float
    cluster: str | None = None
    iss: str = ISSUER
    v: int = SCHEMA_VERSION

    @property
    def perpetual(self) -> bool:
        """True when the licence never expires."""
        return self.exp == 0


@dataclass(frozen=True)
class VerifiedKey:
    """A key whose signature and payload are valid (expiry is the caller's business, as upstream)."""

    payload: LicensePayload
    valid: bool = True


@dataclass(frozen=True)
class RejectedKey:
    """A key that failed verification, with the reason."""

    reason: str
    valid: bool = False


KeyCheck = VerifiedKey | RejectedKey


def verify_license_key(key: str, public_key_b64: str | None = None) -> KeyCheck:
    """Verify a signed key against `public_key_b64` (default: the upstream's embedded key). Never raises."""
    parts = key.split(".")
    if len(parts) != 2:
        return RejectedKey(REASON_FORMAT)
    payload_b64, signature_b64 = parts
    if not payload_b64 or not signature_b64:
        return RejectedKey(REASON_EMPTY_PART)

    public_key = _load_public_key(public_key_b64 or UPSTREAM_LICENSE_PUBLIC_KEY_B64)
    if isinstance(public_key, str):
        return RejectedKey(public_key)
    if not _signature_ok(public_key, payload_b64, signature_b64):
        return RejectedKey(REASON_BAD_SIGNATURE)

    claims = _decode_payload(payload_b64)
    if claims is None:
        return RejectedKey(REASON_BAD_ENCODING)
    return _check_claims(claims)


def public_key_problem(public_key_b64: str) -> str | None:
    """Why `public_key_b64` is unusable (a rejection reason), or None when it is a valid Ed25519 key."""
    loaded = _load_public_key(public_key_b64)
    return loaded if isinstance(loaded, str) else None


def _load_public_key(public_key_b64: str) -> Ed25519PublicKey | str:
    """The Ed25519 key in base64 SPKI DER `public_key_b64`, or the rejection reason when it is unusable.

    Whitespace is ignored and PEM armour lines (`-----BEGIN PUBLIC KEY-----`) are tolerated.
    """
    if public_key_b64.strip() == PUBLIC_KEY_PLACEHOLDER:
        return REASON_NO_PUBLIC_KEY
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    body = (line for line in public_key_b64.splitlines() if not line.strip().startswith("-----"))
    text = "".join("".join(body).split())
    try:
        key = load_der_public_key(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, TypeError):
        return REASON_BAD_PUBLIC_KEY
    if not isinstance(key, Ed25519PublicKey):
        return REASON_BAD_PUBLIC_KEY
    return key


def _signature_ok(public_key: Ed25519PublicKey, payload_b64: str, signature_b64: str) -> bool:
    signature = _b64url_decode(signature_b64)
    if signature is None:
        return False
    from cryptography.exceptions import InvalidSignature

    try:
        # The signature covers the ASCII bytes of the base64url payload string, not the decoded JSON.
        public_key.verify(signature, payload_b64.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


def _b64url_decode(text: str) -> bytes | None:
    """Decode base64url with or without padding; None when `text` is not base64url."""
    if _BASE64URL.fullmatch(text) is None:
        return None
    stripped = text.rstrip("=")
    if len(stripped) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError):
        return None


def _reject_constant(name: str) -> object:
    raise ValueError(f"not JSON: {name}")


def _decode_payload(payload_b64: str) -> dict[str, object] | None:
    raw = _b64url_decode(payload_b64)
    if raw is None:
        return None
    try:
        decoded = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(decoded, dict):
        return None
    return decoded


def _is_number(value: object) -> TypeGuard[float]:
    """A JSON number (JavaScript `typeof value === "number"`): int or float, never a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: object) -> str:
    """Render a claim value in a reason the way the upstream's template strings do, kept short."""
    if value is _MISSING:
        return "undefined"
    text = value if isinstance(value, str) else json.dumps(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 40 else text[:40] + "..."


def _check_claims(claims: Mapping[str, object]) -> KeyCheck:
    iss = claims.get("iss", _MISSING)
    if iss != ISSUER:
        return RejectedKey(f"Invalid issuer: {_show(iss)}")
    version = claims.get("v", _MISSING)
    if not _is_number(version) or version != SCHEMA_VERSION:
        return RejectedKey(f"Unsupported schema version: {_show(version)}")
    tier = claims.get("tier", _MISSING)
    if not is_tier(tier) or tier == "opensource":
        return RejectedKey(f"Invalid tier: {_show(tier)}")
    org = claims.get("org")
    if not isinstance(org, str) or not org:
        return RejectedKey("Missing org field")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        return RejectedKey("Missing sub field")
    iat = claims.get("iat")
    if not _is_number(iat):
        return RejectedKey("Missing iat field")
    exp = claims.get("exp")
    if not _is_number(exp):
        return RejectedKey("Missing exp field")
    cluster = claims.get("cluster")
    return VerifiedKey(
        LicensePayload(
            tier=tier,
            org=org,
            sub=sub,
            iat=iat,
            exp=exp,
            cluster=cluster if isinstance(cluster, str) and cluster else None,
        )
    )
