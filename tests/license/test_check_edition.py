"""`plxc check` against editions: Enterprise-only constructs and the Open Source agent limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from parallax_dsl.cli.main import cli

PATTERN = """pattern Nightly {
  schedule "0 2 * * *"
  persist true
  backend "ray"
  target "kubernetes"
  regions ["eu-west", "us-east"]
  agents experts { capabilities ["x"] min 5 }
  step s = experts.run(task: 1)
  output s
}
"""


@pytest.fixture
def pattern_file(tmp_path: Path) -> Path:
    path = tmp_path / "nightly.plx"
    path.write_text(PATTERN)
    return path


def _concise(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", "--format", "concise", "-q", *args])
    return result.exit_code, [line.split(": ", 1)[1] for line in result.stdout.splitlines()]


def test_open_source_rejects_enterprise_constructs_and_warns_on_the_limit(pattern_file: Path) -> None:
    code, lines = _concise(str(pattern_file))
    assert code == 1
    assert lines == [
        "PLX401 `schedule` needs the Enterprise edition (feature `scheduled_patterns`);"
        " this check runs against Open Source (the detected licence)",
        "PLX401 `persist` needs the Enterprise edition (feature `persistence`);"
        " this check runs against Open Source (the detected licence)",
        "PLX401 `backend` needs the Enterprise edition (feature `distributed_execution`);"
        " this check runs against Open Source (the detected licence)",
        "PLX401 `target` needs the Enterprise edition (feature `kubernetes_operator`);"
        " this check runs against Open Source (the detected licence)",
        "PLX401 `regions` needs the Enterprise+ edition (feature `multi_region`);"
        " this check runs against Open Source (the detected licence)",
        "PLX402 agent group `experts` needs at least 5 agents; Open Source runs 3 of them (agent limit 3)",
    ]


def test_edition_flag_checks_without_a_key(pattern_file: Path) -> None:
    code, lines = _concise("--edition", "enterprise", str(pattern_file))
    assert code == 1
    assert lines == [
        "PLX401 `regions` needs the Enterprise+ edition (feature `multi_region`);"
        " this check runs against Enterprise (--edition enterprise)"
    ]
    assert _concise("--edition", "enterprise-plus", str(pattern_file)) == (0, [])


def test_max_agents_changes_the_limit(pattern_file: Path) -> None:
    _, lines = _concise("--edition", "opensource", "--max-agents", "5", str(pattern_file))
    assert not any(line.startswith("PLX402") for line in lines)
    _, lines = _concise("--edition", "opensource", "--max-agents", "2", str(pattern_file))
    assert (
        lines[-1] == "PLX402 agent group `experts` needs at least 5 agents; Open Source runs 2 of them (agent limit 2)"
    )


def test_a_real_enterprise_key_unlocks_enterprise_constructs(pattern_file: Path, signer: Any) -> None:
    key = signer.key(tier="enterprise-plus")
    assert _concise("--license-key", key, str(pattern_file)) == (0, [])
    code, lines = _concise("--license-key", signer.key(tier="enterprise"), str(pattern_file))
    assert code == 1
    assert lines == [
        "PLX401 `regions` needs the Enterprise+ edition (feature `multi_region`);"
        " this check runs against Enterprise (the detected licence)"
    ]


def test_a_rejected_key_falls_back_to_open_source(pattern_file: Path, signer: Any) -> None:
    code, lines = _concise("--license-key", signer.key(iss="someone-else"), str(pattern_file))
    assert code == 1
    assert len(lines) == 6
