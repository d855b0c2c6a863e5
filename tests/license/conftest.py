"""Fixtures for the licence tests: a fresh Ed25519 key pair per session and an isolated environment."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_ENV_TO_CLEAR = (
    "PARALLAX_LICENSE_KEY",
    "PARALLAX_LICENSE_PUBLIC_KEY",
    "PARALLAX_LICENSE_FILE",
    "PARALLAX_MAX_AGENTS",
    "PARALLAX_CONFIG_DIR",
    "KUBERNETES_SERVICE_HOST",
    "XDG_CONFIG_HOME",
)

YEAR = 365 * 24 * 60 * 60


def b64url(data: bytes) -> str:
    """base64url without padding, as Node's `toString('base64url')`."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def public_key_b64(private_key: Ed25519PrivateKey) -> str:
    """The base64 SPKI DER form of the public half of `private_key`."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def sign_raw(payload_b64: str, private_key: Ed25519PrivateKey) -> str:
    """A key made of an arbitrary payload string and a valid signature over it."""
    return f"{payload_b64}.{b64url(private_key.sign(payload_b64.encode('ascii')))}"


def make_payload(**overrides: Any) -> dict[str, Any]:
    """A valid Enterprise payload, one year long; `overrides` replace fields (`...` deletes one)."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": "parallax",
        "v": 1,
        "tier": "enterprise",
        "org": "Test Corp",
        "sub": "org_test_001",
        "iat": now,
        "exp": now + YEAR,
    }
    for name, value in overrides.items():
        if value is ...:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


@dataclass(frozen=True)
class Signer:
    """Signs payloads with the session's private key (or another one)."""

    private_key: Ed25519PrivateKey
    public_key_b64: str

    def __call__(self, payload: dict[str, Any], private_key: Ed25519PrivateKey | None = None) -> str:
        payload_b64 = b64url(json.dumps(payload).encode("utf-8"))
        return sign_raw(payload_b64, private_key or self.private_key)

    def key(self, **overrides: Any) -> str:
        """A signed key for `payload(**overrides)`."""
        return self(make_payload(**overrides))

    @staticmethod
    def payload(**overrides: Any) -> dict[str, Any]:
        """A valid Enterprise payload, one year long; `overrides` replace fields (`...` deletes one)."""
        return make_payload(**overrides)

    def sign_raw(self, payload_b64: str, private_key: Ed25519PrivateKey | None = None) -> str:
        """A key made of an arbitrary payload string and a valid signature over it."""
        return sign_raw(payload_b64, private_key or self.private_key)


@pytest.fixture(scope="session")
def signer() -> Signer:
    """A fresh key pair for this test session; its public key is what `isolated_env` installs."""
    private_key = Ed25519PrivateKey.generate()
    return Signer(private_key, public_key_b64(private_key))


@dataclass(frozen=True)
class Sandbox:
    """Paths of the isolated environment a test runs in."""

    config_dir: Path
    workdir: Path

    @property
    def key_file(self) -> Path:
        return self.config_dir / "license.key"


@pytest.fixture(autouse=True)
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signer: Signer) -> Iterator[Sandbox]:
    """No licence environment from the machine, a tmp config dir, a tmp cwd, the session's public key."""
    for name in _ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    config_dir = tmp_path / "config" / "parallax"
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.setenv("PARALLAX_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("PARALLAX_LICENSE_PUBLIC_KEY", signer.public_key_b64)
    monkeypatch.chdir(workdir)
    yield Sandbox(config_dir, workdir)


@pytest.fixture
def write_file() -> Callable[[Path, str], Path]:
    """Write text to a path, creating parents."""

    def write(path: Path, text: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
