"""The licence's agent limit at run time: Open Source runs the first 3 of 5 agents, Enterprise runs all 5."""

from __future__ import annotations

import base64
import json
import logging
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from runtime_helpers import ENTERPRISE_INFO, OPEN_SOURCE, Scripted, answer, run_text

from parallax_dsl.license import detect_license

FIVE = """
pattern Five {
  agents pool { capabilities ["analysis"] max 5 }
  fanout answers = pool.analyze(task: "t")
  output answers.map(r, r.agent.id)
}
"""
WARNING = {
    "type": "AGENT_LIMIT",
    "message": "Pattern performance may be reduced. Using 3 of 5 optimal agents.",
    "upgrade_url": "https://parallax.ai/enterprise",
}


def five_agents() -> list[Scripted]:
    return [Scripted(f"a{i}", answers=[answer(i, 0.9)]) for i in range(1, 6)]


def test_open_source_runs_the_first_three_with_the_exact_warning(caplog: pytest.LogCaptureFixture) -> None:
    agents = five_agents()
    with caplog.at_level(logging.INFO, logger="parallax_dsl.license"):
        result = run_text(FIVE, None, agents, license=OPEN_SOURCE)
    assert result.value == ["a1", "a2", "a3"]
    assert [a.calls for a in agents] == [1, 1, 1, 0, 0]
    assert result.warnings == [WARNING]
    assert result.metrics["agentLimitHits"] == 1
    assert (
        "Using 3 of 5 requested agents (Open Source limit). Upgrade to Enterprise for unlimited agents: "
        "parallax.ai/enterprise"
    ) in caplog.messages


def test_enterprise_runs_all_five() -> None:
    agents = five_agents()
    result = run_text(FIVE, None, agents, license=ENTERPRISE_INFO)
    assert result.value == ["a1", "a2", "a3", "a4", "a5"]
    assert result.warnings == []
    assert result.metrics["agentLimitHits"] == 0


def test_a_signed_enterprise_key_lifts_the_limit(monkeypatch: pytest.MonkeyPatch, clean_license_env: None) -> None:
    private = Ed25519PrivateKey.generate()
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    monkeypatch.setenv("PARALLAX_LICENSE_PUBLIC_KEY", base64.b64encode(der).decode())
    now = int(time.time())
    payload = {"iss": "parallax", "v": 1, "tier": "enterprise", "org": "T", "sub": "s", "iat": now, "exp": now + 3600}
    payload_b64 = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    signature = base64.urlsafe_b64encode(private.sign(payload_b64.encode())).decode().rstrip("=")
    info = detect_license(f"{payload_b64}.{signature}")
    assert info.is_enterprise and info.max_agents is None
    assert run_text(FIVE, None, five_agents(), license=info).value == ["a1", "a2", "a3", "a4", "a5"]


def test_max_agents_setting_changes_the_open_source_limit(clean_license_env: None) -> None:
    info = detect_license(max_agents=4)
    result = run_text(FIVE, None, five_agents(), license=info)
    assert result.value == ["a1", "a2", "a3", "a4"]
    assert result.warnings[0]["message"] == "Pattern performance may be reduced. Using 4 of 5 optimal agents."


def test_single_steps_are_never_limited() -> None:
    source = 'pattern One { agents pool { capabilities ["analysis"] } step s = pool.go() output s.value }'
    result = run_text(source, None, five_agents(), license=OPEN_SOURCE)
    assert result.value == 1
    assert result.warnings == []  # one agent runs: the limit is not hit
