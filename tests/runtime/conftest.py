"""Fixtures for the runtime tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def clean_license_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No licence or agent-limit settings from the machine (for code paths that detect the licence)."""
    for name in (
        "PARALLAX_LICENSE_KEY",
        "PARALLAX_LICENSE_FILE",
        "PARALLAX_MAX_AGENTS",
        "KUBERNETES_SERVICE_HOST",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARALLAX_CONFIG_DIR", str(tmp_path / "config"))
