"""detect_license: the documented lookup order, Open Source fallbacks with reasons, and key redaction."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from parallax_dsl.license import (
    LicenseInfo,
    RejectedKey,
    VerifiedKey,
    check_license_key,
    detect_license,
    features_for,
    find_license_key,
)
from parallax_dsl.license.model import fingerprint, key_prefix
from parallax_dsl.license.store import config_dir, installed_key_path

LEGACY_REASON_START = "Legacy prefix-based license key"


def _assert_open_source(info: LicenseInfo) -> None:
    assert info.tier == "opensource"
    assert info.edition == "Open Source"
    assert not info.is_enterprise
    assert info.features == features_for("opensource")
    assert not info.has_feature("persistence")
    assert info.max_agents == 3


def _assert_redacted(key: str, *texts: str) -> None:
    for text in texts:
        assert key not in text


class TestNoKey:
    def test_open_source_by_default(self) -> None:
        info = detect_license()
        _assert_open_source(info)
        assert info.reason is None
        assert info.source is None
        assert info.key_fingerprint is None
        assert info.warnings == ()
        assert info.valid_until is None

    def test_blank_values_count_as_absent(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", "   ")
        info = detect_license("  ")
        _assert_open_source(info)
        assert info.reason is None


class TestValidKeys:
    def test_enterprise_from_env(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", signer.key(tier="enterprise", org="Acme"))
        info = detect_license()
        assert info.tier == "enterprise"
        assert info.edition == "Enterprise"
        assert info.is_enterprise and not info.is_enterprise_plus
        assert info.org == "Acme"
        assert info.max_agents is None
        assert info.has_feature("persistence")
        assert info.has_feature("kubernetes_operator")
        assert info.has_feature("unlimited_agents")
        assert not info.has_feature("multi_region")
        assert info.reason is None
        assert info.source == "PARALLAX_LICENSE_KEY"

    def test_enterprise_plus(self, signer) -> None:
        info = detect_license(signer.key(tier="enterprise-plus"))
        assert info.tier == "enterprise-plus"
        assert info.edition == "Enterprise+"
        assert info.is_enterprise_plus
        assert info.has_feature("multi_region")
        assert info.has_feature("priority_support_24_7")
        assert info.features == features_for("enterprise-plus")

    def test_perpetual(self, signer) -> None:
        info = detect_license(signer.key(exp=0))
        assert info.tier == "enterprise"
        assert info.valid_until is None
        assert info.perpetual

    def test_valid_until_and_cluster(self, signer) -> None:
        exp = int(datetime(2099, 12, 31, tzinfo=UTC).timestamp())
        info = detect_license(signer.key(exp=exp, cluster="prod-us-east-1"))
        assert info.valid_until == datetime(2099, 12, 31, tzinfo=UTC)
        assert info.cluster == "prod-us-east-1"

    def test_huge_expiry_does_not_crash(self, signer) -> None:
        info = detect_license(signer.key(exp=1e30))
        assert info.tier == "enterprise"
        assert info.valid_until is not None

    def test_surrounding_whitespace_is_ignored(self, signer) -> None:
        assert detect_license(f"  {signer.key()}\n").tier == "enterprise"


class TestRejections:
    @pytest.mark.parametrize(
        ("make_key", "reason"),
        [
            (lambda s: s.key(iss="not-parallax"), "Invalid issuer: not-parallax"),
            (lambda s: s.key(v=99), "Unsupported schema version: 99"),
            (lambda s: s.key(tier="free"), "Invalid tier: free"),
            (lambda s: s.key(org=...), "Missing org field"),
            (lambda s: s.key(sub=...), "Missing sub field"),
            (lambda s: s.key(iat=...), "Missing iat field"),
            (lambda s: s.key(exp=...), "Missing exp field"),
            (lambda s: s(s.payload(), Ed25519PrivateKey.generate()), "Invalid signature"),
            (lambda s: s.sign_raw("!!!not-base64!!!"), "Invalid payload encoding"),
            (lambda s: "a.b.c", "Invalid license key format: expected payload.signature"),
            (lambda s: "payload.", "Invalid license key format: empty payload or signature"),
            (lambda s: ".signature", "Invalid license key format: empty payload or signature"),
        ],
    )
    def test_falls_back_to_open_source_with_reason(self, signer, make_key, reason: str) -> None:
        key = make_key(signer)
        info = detect_license(key)
        _assert_open_source(info)
        assert info.reason == reason
        assert info.source == "--license-key"
        assert info.key_fingerprint == fingerprint(key)

    def test_tampered_payload(self, signer) -> None:
        payload_b64, signature_b64 = signer.key().split(".")
        info = detect_license(f"{payload_b64[:-2]}XX.{signature_b64}")
        _assert_open_source(info)
        assert info.reason in {"Invalid signature", "Invalid payload encoding"}

    def test_expired(self, signer) -> None:
        key = signer.key(exp=int(time.time()) - 3600, org="Old Corp")
        info = detect_license(key)
        _assert_open_source(info)
        assert info.reason is not None
        assert info.reason.startswith("License key has expired")
        assert "Old Corp" in info.reason

    def test_expiry_uses_the_given_clock(self, signer) -> None:
        exp = int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
        key = signer.key(exp=exp)
        assert detect_license(key, now=datetime(2029, 12, 31, tzinfo=UTC)).tier == "enterprise"
        late = detect_license(key, now=datetime(2030, 1, 2, tzinfo=UTC))
        assert late.tier == "opensource"
        assert late.reason == "License key has expired (expiry 2030-01-01T00:00:00Z, org Test Corp)"

    def test_no_dot_unknown_format_shows_only_15_characters(self) -> None:
        key = "no-dot-in-this-key-but-a-long-secret-tail"
        info = detect_license(key)
        _assert_open_source(info)
        assert info.reason == 'invalid licence key format (starts with "no-dot-in-this-...")'
        _assert_redacted(key, info.reason, repr(info))

    @pytest.mark.parametrize(
        "key",
        [
            "PARALLAX-ENT-abc123",
            "PARALLAX-PLUS-x9y8z7w6",
            "PARALLAX-ENTERPRISE-PLUS-abc",
            "PARALLAX-ENTERPRISE-1",
        ],
    )
    def test_legacy_prefix_keys(self, key: str) -> None:
        info = detect_license(key)
        _assert_open_source(info)
        assert info.reason is not None
        assert info.reason.startswith(LEGACY_REASON_START)
        assert "deprecated" in info.reason
        assert key not in info.reason

    def test_bad_public_key_override(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_LICENSE_PUBLIC_KEY", "AAAA")
        info = detect_license(signer.key())
        _assert_open_source(info)
        assert info.reason == "Invalid public key"
        assert any("PARALLAX_LICENSE_PUBLIC_KEY" in warning for warning in info.warnings)

    def test_placeholder_public_key(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_LICENSE_PUBLIC_KEY", "REPLACE_WITH_REAL_PUBLIC_KEY")
        assert detect_license(signer.key()).reason == "License public key not configured"

    def test_without_override_the_upstream_key_is_used(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("PARALLAX_LICENSE_PUBLIC_KEY")
        info = detect_license(signer.key())
        _assert_open_source(info)
        assert info.reason == "Invalid signature"

    def test_check_license_key_matches_detection(self, signer) -> None:
        assert isinstance(check_license_key(signer.key()), VerifiedKey)
        rejected = check_license_key("PARALLAX-ENT-abc123")
        assert isinstance(rejected, RejectedKey)
        assert rejected.reason.startswith(LEGACY_REASON_START)


class TestOrder:
    def test_explicit_key_beats_env(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", signer.key(tier="enterprise"))
        info = detect_license(signer.key(tier="enterprise-plus"))
        assert info.tier == "enterprise-plus"
        assert info.source == "--license-key"

    def test_first_match_wins_even_when_rejected(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", signer.key())
        info = detect_license("PARALLAX-ENT-abc123")
        _assert_open_source(info)
        assert info.source == "--license-key"

    def test_env_beats_installed_file(self, signer, sandbox, write_file, monkeypatch: pytest.MonkeyPatch) -> None:
        write_file(sandbox.key_file, signer.key(tier="enterprise-plus") + "\n")
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", signer.key(tier="enterprise"))
        assert detect_license().tier == "enterprise"

    def test_installed_file(self, signer, sandbox, write_file) -> None:
        write_file(sandbox.key_file, signer.key(tier="enterprise-plus") + "\n")
        info = detect_license()
        assert info.tier == "enterprise-plus"
        assert info.source == f"installed key file {sandbox.key_file}"

    def test_installed_file_beats_kubernetes_secret(self, signer, sandbox, write_file, tmp_path, monkeypatch) -> None:
        write_file(sandbox.key_file, signer.key(tier="enterprise"))
        secret = write_file(tmp_path / "secret" / "license", signer.key(tier="enterprise-plus"))
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
        monkeypatch.setenv("PARALLAX_LICENSE_FILE", str(secret))
        assert detect_license().tier == "enterprise"

    def test_kubernetes_secret(self, signer, write_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        secret = write_file(tmp_path / "secret" / "license", signer.key(tier="enterprise-plus"))
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
        monkeypatch.setenv("PARALLAX_LICENSE_FILE", str(secret))
        info = detect_license()
        assert info.tier == "enterprise-plus"
        assert info.source == f"PARALLAX_LICENSE_FILE {secret}"

    def test_license_file_ignored_outside_kubernetes(self, signer, write_file, tmp_path, monkeypatch) -> None:
        secret = write_file(tmp_path / "secret" / "license", signer.key())
        monkeypatch.setenv("PARALLAX_LICENSE_FILE", str(secret))
        info = detect_license()
        _assert_open_source(info)
        assert info.reason is None
        assert any("only read inside Kubernetes" in warning for warning in info.warnings)

    def test_kubernetes_without_secret_is_open_source(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
        info = detect_license()
        _assert_open_source(info)
        assert info.warnings == ()

    def test_kubernetes_secret_missing(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
        monkeypatch.setenv("PARALLAX_LICENSE_FILE", str(tmp_path / "nope"))
        info = detect_license()
        _assert_open_source(info)
        assert any("does not exist" in warning for warning in info.warnings)

    @pytest.mark.parametrize("content", ["", "  \n", b"\xff\xfe"])
    def test_unusable_installed_file_is_a_warning(self, sandbox, content: str | bytes) -> None:
        sandbox.key_file.parent.mkdir(parents=True)
        if isinstance(content, bytes):
            sandbox.key_file.write_bytes(content)
        else:
            sandbox.key_file.write_text(content)
        info = detect_license()
        _assert_open_source(info)
        assert info.reason is None
        assert len(info.warnings) == 1
        assert str(sandbox.key_file) in info.warnings[0]

    def test_installed_file_that_is_a_directory(self, sandbox) -> None:
        sandbox.key_file.mkdir(parents=True)
        info = detect_license()
        _assert_open_source(info)
        assert any("cannot read" in warning for warning in info.warnings)

    def test_find_license_key_repr_hides_the_key(self, signer) -> None:
        key = signer.key()
        found, warnings = find_license_key(key)
        assert found is not None
        assert found.key == key
        assert key not in repr(found)
        assert warnings == ()


class TestConfigDir:
    def test_override(self, tmp_path: Path) -> None:
        assert config_dir({"PARALLAX_CONFIG_DIR": str(tmp_path)}) == tmp_path

    def test_xdg(self, tmp_path: Path) -> None:
        assert config_dir({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "parallax"

    def test_relative_xdg_is_ignored(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("HOME", str(tmp_path))
        assert config_dir({"XDG_CONFIG_HOME": "relative/dir"}) == Path.home() / ".config" / "parallax"

    def test_default(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("HOME", str(tmp_path))
        assert installed_key_path({}) == tmp_path / ".config" / "parallax" / "license.key"

    def test_override_beats_xdg(self, tmp_path: Path) -> None:
        env = {"PARALLAX_CONFIG_DIR": str(tmp_path / "a"), "XDG_CONFIG_HOME": str(tmp_path / "b")}
        assert config_dir(env) == tmp_path / "a"


class TestSecrecy:
    def test_key_never_in_info_or_logs(self, signer, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG)
        keys = [
            signer.key(),
            signer.key(tier="enterprise-plus", cluster="c1"),
            signer.key(v=99),
            signer.key(exp=int(time.time()) - 10),
            signer(signer.payload(), Ed25519PrivateKey.generate()),
            "PARALLAX-ENT-0123456789abcdef",
            "totally-unknown-format-key-0123456789",
            "a.b.c",
        ]
        for key in keys:
            caplog.clear()
            info = detect_license(key)
            texts = [repr(info), str(info.to_json()), info.reason or "", *info.warnings, caplog.text]
            texts += [str(record.args) for record in caplog.records]
            _assert_redacted(key, *texts)
            # No distinctive part of a signed key leaks either (the payload prefix `eyJ` is common to all).
            for part in key.split("."):
                if len(part) > 12:
                    _assert_redacted(part, *texts)

    def test_rejections_are_logged_as_warnings(self, signer, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.WARNING, logger="parallax_dsl.license")
        detect_license(signer.key(v=99))
        messages = [record.getMessage() for record in caplog.records if record.name == "parallax_dsl.license"]
        assert any("Unsupported schema version: 99" in message for message in messages)
        assert any("Running as Open Source" in message for message in messages)

    def test_short_unknown_key_is_never_shown_whole(self) -> None:
        assert key_prefix("abcdef") == "abc..."
        assert key_prefix("x") == "..."
        assert key_prefix("0123456789abcdefXYZ") == "0123456789abcde..."
        info = detect_license("secret7")
        assert info.reason is not None
        assert "secret7" not in info.reason

    def test_fingerprint_is_a_short_hash(self) -> None:
        assert fingerprint("k").startswith("sha256:")
        assert len(fingerprint("k")) == len("sha256:") + 8

    def test_license_info_is_frozen(self) -> None:
        info = detect_license()
        with pytest.raises(FrozenInstanceError):
            info.tier = "enterprise"  # type: ignore[misc]


@given(st.text(max_size=200))
def test_detection_never_raises(text: str) -> None:
    env = {"PARALLAX_CONFIG_DIR": os.devnull + "-missing"}
    info = detect_license(text, env=env)
    assert info.tier in {"opensource", "enterprise", "enterprise-plus"}
    if text.strip():
        assert info.tier == "opensource"
        assert info.reason is not None
