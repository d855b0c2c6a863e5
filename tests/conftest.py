"""Shared fixtures: run every test from the repository root, isolated from the machine's licence settings."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_LICENSE_ENV = (
    "PARALLAX_LICENSE_KEY",
    "PARALLAX_LICENSE_PUBLIC_KEY",
    "PARALLAX_LICENSE_FILE",
    "PARALLAX_MAX_AGENTS",
    "KUBERNETES_SERVICE_HOST",
)


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.chdir(ROOT)
    for name in _LICENSE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARALLAX_CONFIG_DIR", str(tmp_path_factory.mktemp("parallax-config")))
