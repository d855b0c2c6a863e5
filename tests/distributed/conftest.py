"""Fixtures for the distributed-execution tests: Enterprise licences, and one local Ray instance per session."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@pytest.fixture
def enterprise_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment variables that make `plxc` see a valid Enterprise key (signed by a throw-away key pair)."""
    private = Ed25519PrivateKey.generate()
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    now = int(time.time())
    claims = {"iss": "parallax", "v": 1, "tier": "enterprise", "org": "Test", "sub": "org_t", "iat": now}
    payload = _b64url(json.dumps({**claims, "exp": now + 3600}).encode())
    env = {
        "PARALLAX_LICENSE_PUBLIC_KEY": base64.b64encode(der).decode("ascii"),
        "PARALLAX_LICENSE_KEY": f"{payload}.{_b64url(private.sign(payload.encode('ascii')))}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture(scope="session")
def ray_backend() -> Iterator[Any]:
    """A RayBackend on a local Ray instance started for this test session (skipped without the `ray` extra)."""
    pytest.importorskip("ray")
    import asyncio

    from parallax_dsl.distributed import RayBackend

    backend = RayBackend(num_cpus=4)  # logical CPUs: slots for calls that wait, not cores
    asyncio.run(backend.open())
    yield backend
    backend.close()
