"""The Open Source agent limit end to end through `plxc run`: 3 of 5 agents with the warning, 5 with Enterprise."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from parallax_dsl.cli.main import cli

PATTERN = """pattern Panel {
  input { task: string }
  agents panel { capabilities ["review"] }
  fanout votes = panel.review(task: input.task)
  output { n: len(votes) } with confidence average_confidence(votes)
}
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    pattern = tmp_path / "panel.plx"
    pattern.write_text(PATTERN)
    cassette = {
        "agents": [
            {"id": f"a{i}", "capabilities": ["review"], "responses": [{"result": "ok", "confidence": 0.5 + i / 10}]}
            for i in range(5)
        ]
    }
    replay = tmp_path / "cassette.json"
    replay.write_text(json.dumps(cassette))
    return pattern, replay


def _run(pattern: Path, replay: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["run", str(pattern), "--input", '{"task": "t"}', "--replay", str(replay), "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_open_source_runs_three_of_five_with_the_warning(
    files: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="parallax_dsl.license"):
        data = _run(*files)
    assert data["value"] == {"n": 3}
    assert data["warnings"] == [
        {
            "type": "AGENT_LIMIT",
            "message": "Pattern performance may be reduced. Using 3 of 5 optimal agents.",
            "upgrade_url": "https://parallax.ai/enterprise",
        }
    ]
    assert data["metrics"]["agentCalls"] == 3
    assert data["metrics"]["agentLimitHits"] == 1
    assert (
        "Using 3 of 5 requested agents (Open Source limit). Upgrade to Enterprise for unlimited agents: "
        "parallax.ai/enterprise" in caplog.text
    )


def test_an_enterprise_key_runs_all_five(files: tuple[Path, Path], signer: Any) -> None:
    data = _run(*files, "--license-key", signer.key(tier="enterprise"))
    assert data["value"] == {"n": 5}
    assert data["warnings"] == []
    assert data["metrics"]["agentCalls"] == 5


def test_max_agents_raises_the_open_source_limit(files: tuple[Path, Path]) -> None:
    data = _run(*files, "--max-agents", "4")
    assert data["value"] == {"n": 4}
    assert data["warnings"][0]["message"] == "Pattern performance may be reduced. Using 4 of 5 optimal agents."
