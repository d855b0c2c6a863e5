"""verify_license_key: the upstream's signed key format and every rejection reason."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from parallax_dsl.license import (
    UPSTREAM_LICENSE_PUBLIC_KEY_B64,
    RejectedKey,
    VerifiedKey,
    verify_license_key,
)
from parallax_dsl.license.keys import public_key_problem


def _verified(result: object) -> VerifiedKey:
    assert isinstance(result, VerifiedKey), result
    return result


def _reason(result: object) -> str:
    assert isinstance(result, RejectedKey), result
    assert result.valid is False
    return result.reason


class TestValidKeys:
    def test_enterprise(self, signer) -> None:
        result = _verified(verify_license_key(signer.key(tier="enterprise"), signer.public_key_b64))
        assert result.valid is True
        assert result.payload.tier == "enterprise"
        assert result.payload.org == "Test Corp"
        assert result.payload.sub == "org_test_001"
        assert result.payload.cluster is None

    def test_enterprise_plus(self, signer) -> None:
        result = _verified(verify_license_key(signer.key(tier="enterprise-plus"), signer.public_key_b64))
        assert result.payload.tier == "enterprise-plus"

    def test_perpetual(self, signer) -> None:
        result = _verified(verify_license_key(signer.key(exp=0), signer.public_key_b64))
        assert result.payload.exp == 0
        assert result.payload.perpetual

    def test_cluster(self, signer) -> None:
        result = _verified(verify_license_key(signer.key(cluster="prod-us-east-1"), signer.public_key_b64))
        assert result.payload.cluster == "prod-us-east-1"

    def test_padded_base64url_is_accepted(self, signer) -> None:
        payload_b64, signature_b64 = signer.key().split(".")
        padded_sig = signature_b64 + "=" * (-len(signature_b64) % 4)
        assert _verified(verify_license_key(f"{payload_b64}.{padded_sig}", signer.public_key_b64))

    def test_expiry_is_not_checked_here(self, signer) -> None:
        # As upstream: verify_license_key checks signature and claims; expiry is the detector's job.
        assert _verified(verify_license_key(signer.key(exp=1), signer.public_key_b64))


class TestSignature:
    def test_tampered_payload(self, signer) -> None:
        payload_b64, signature_b64 = signer.key().split(".")
        tampered = payload_b64[:-2] + "XX"
        reason = _reason(verify_license_key(f"{tampered}.{signature_b64}", signer.public_key_b64))
        assert reason in {"Invalid signature", "Invalid payload encoding"}

    def test_tampered_claims_with_original_signature(self, signer) -> None:
        _, signature_b64 = signer.key(tier="enterprise").split(".")
        forged = base64.urlsafe_b64encode(json.dumps(signer.payload(tier="enterprise-plus")).encode())
        key = forged.decode().rstrip("=") + "." + signature_b64
        assert _reason(verify_license_key(key, signer.public_key_b64)) == "Invalid signature"

    def test_foreign_key(self, signer) -> None:
        key = signer(signer.payload(), Ed25519PrivateKey.generate())
        assert _reason(verify_license_key(key, signer.public_key_b64)) == "Invalid signature"

    def test_signature_not_base64(self, signer) -> None:
        payload_b64, _ = signer.key().split(".")
        assert _reason(verify_license_key(f"{payload_b64}.!!!", signer.public_key_b64)) == "Invalid signature"

    def test_signature_wrong_length(self, signer) -> None:
        payload_b64, _ = signer.key().split(".")
        assert _reason(verify_license_key(f"{payload_b64}.AAAA", signer.public_key_b64)) == "Invalid signature"

    def test_embedded_upstream_key_rejects_our_keys(self, signer) -> None:
        # No public key given: the upstream's embedded key is used, which did not sign the test key.
        assert _reason(verify_license_key(signer.key())) == "Invalid signature"


class TestFormat:
    def test_no_dot(self, signer) -> None:
        reason = _reason(verify_license_key("no-dot-in-this-key", signer.public_key_b64))
        assert "expected payload.signature" in reason
        assert reason == "Invalid license key format: expected payload.signature"

    def test_three_parts(self, signer) -> None:
        reason = _reason(verify_license_key("a.b.c", signer.public_key_b64))
        assert reason == "Invalid license key format: expected payload.signature"

    @pytest.mark.parametrize("key", [".signature", "payload.", "."])
    def test_empty_part(self, signer, key: str) -> None:
        reason = _reason(verify_license_key(key, signer.public_key_b64))
        assert reason == "Invalid license key format: empty payload or signature"

    def test_non_base64_payload_validly_signed(self, signer) -> None:
        key = signer.sign_raw("!!!not-base64!!!")
        assert _reason(verify_license_key(key, signer.public_key_b64)) == "Invalid payload encoding"

    def test_payload_not_json(self, signer) -> None:
        key = signer.sign_raw(base64.urlsafe_b64encode(b"{not json").decode().rstrip("="))
        assert _reason(verify_license_key(key, signer.public_key_b64)) == "Invalid payload encoding"

    def test_payload_not_utf8(self, signer) -> None:
        key = signer.sign_raw(base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode().rstrip("="))
        assert _reason(verify_license_key(key, signer.public_key_b64)) == "Invalid payload encoding"

    @pytest.mark.parametrize("document", [b"[1, 2]", b"null", b"42", b'"text"'])
    def test_payload_not_an_object(self, signer, document: bytes) -> None:
        key = signer.sign_raw(base64.urlsafe_b64encode(document).decode().rstrip("="))
        assert _reason(verify_license_key(key, signer.public_key_b64)).startswith("Invalid payload encoding")

    def test_payload_with_nan_is_not_json(self, signer) -> None:
        raw = b'{"iss": "parallax", "v": NaN}'
        key = signer.sign_raw(base64.urlsafe_b64encode(raw).decode().rstrip("="))
        assert _reason(verify_license_key(key, signer.public_key_b64)) == "Invalid payload encoding"


class TestPublicKey:
    def test_placeholder(self, signer) -> None:
        reason = _reason(verify_license_key(signer.key(), "REPLACE_WITH_REAL_PUBLIC_KEY"))
        assert reason == "License public key not configured"

    @pytest.mark.parametrize("bad", ["not base64 at all!", base64.b64encode(b"not a DER key").decode()])
    def test_garbage(self, signer, bad: str) -> None:
        assert _reason(verify_license_key(signer.key(), bad)) == "Invalid public key"

    def test_not_ed25519(self, signer) -> None:
        der = (
            generate_private_key(SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        assert _reason(verify_license_key(signer.key(), base64.b64encode(der).decode())) == "Invalid public key"

    def test_pem_armour_and_whitespace_are_tolerated(self, signer) -> None:
        body = signer.public_key_b64
        pem = f"-----BEGIN PUBLIC KEY-----\n{body[:20]}\n{body[20:]}\n-----END PUBLIC KEY-----\n"
        assert _verified(verify_license_key(signer.key(), pem))

    def test_embedded_upstream_key_is_a_valid_ed25519_key(self) -> None:
        assert UPSTREAM_LICENSE_PUBLIC_KEY_B64 == "MCowBQYDK2VwAyEAosfzTO5t+wf+hqAgzpAXVwYatf/PJ/9qV1Cuf/mtLg8="
        assert public_key_problem(UPSTREAM_LICENSE_PUBLIC_KEY_B64) is None

    def test_public_key_problem(self) -> None:
        assert public_key_problem("REPLACE_WITH_REAL_PUBLIC_KEY") == "License public key not configured"
        assert public_key_problem("AAAA") == "Invalid public key"


class TestClaims:
    def test_wrong_issuer(self, signer) -> None:
        reason = _reason(verify_license_key(signer.key(iss="not-parallax"), signer.public_key_b64))
        assert reason == "Invalid issuer: not-parallax"

    def test_missing_issuer(self, signer) -> None:
        reason = _reason(verify_license_key(signer.key(iss=...), signer.public_key_b64))
        assert reason == "Invalid issuer: undefined"

    def test_version_99(self, signer) -> None:
        reason = _reason(verify_license_key(signer.key(v=99), signer.public_key_b64))
        assert reason == "Unsupported schema version: 99"

    @pytest.mark.parametrize("version", [True, "1", None])
    def test_version_must_be_the_number_1(self, signer, version: object) -> None:
        reason = _reason(verify_license_key(signer.key(v=version), signer.public_key_b64))
        assert reason.startswith("Unsupported schema version: ")

    @pytest.mark.parametrize("tier", ["free", "opensource", "ENTERPRISE", None, 1])
    def test_invalid_tier(self, signer, tier: object) -> None:
        reason = _reason(verify_license_key(signer.key(tier=tier), signer.public_key_b64))
        assert reason.startswith("Invalid tier: ")

    def test_tier_free_reason(self, signer) -> None:
        assert _reason(verify_license_key(signer.key(tier="free"), signer.public_key_b64)) == "Invalid tier: free"

    @pytest.mark.parametrize("field", ["org", "sub", "iat", "exp"])
    def test_missing_field(self, signer, field: str) -> None:
        reason = _reason(verify_license_key(signer.key(**{field: ...}), signer.public_key_b64))
        assert reason == f"Missing {field} field"

    @pytest.mark.parametrize(("field", "value"), [("org", ""), ("sub", 7), ("iat", "2024"), ("exp", True)])
    def test_wrongly_typed_field(self, signer, field: str, value: object) -> None:
        reason = _reason(verify_license_key(signer.key(**{field: value}), signer.public_key_b64))
        assert reason == f"Missing {field} field"

    def test_long_claim_values_are_shortened_in_reasons(self, signer) -> None:
        reason = _reason(verify_license_key(signer.key(iss="x" * 500), signer.public_key_b64))
        assert len(reason) < 80


@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = verify_license_key(text, UPSTREAM_LICENSE_PUBLIC_KEY_B64)
    assert isinstance(result, RejectedKey | VerifiedKey)


@given(st.text(alphabet="ABCDEFabcdef0123456789-_.=!", max_size=200))
def test_never_raises_on_base64ish_text(text: str) -> None:
    assert isinstance(verify_license_key(text), RejectedKey)
