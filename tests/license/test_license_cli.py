"""`plxc license status|install|uninstall` through the real root group, in a tmp config dir."""

from __future__ import annotations

import json
import stat
import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner, Result

from parallax_dsl.cli.main import cli
from parallax_dsl.license import features_for

EXP_2099 = int(datetime(2099, 12, 31, tzinfo=UTC).timestamp())


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["license", *args], input=stdin)


def _box_lines(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("┌"))
    end = next(i for i, line in enumerate(lines) if line.startswith("└"))
    return lines[start : end + 1]


class TestStatusText:
    def test_open_source_banner(self) -> None:
        result = run("status")
        assert result.exit_code == 0, result.output
        box = _box_lines(result.stdout)
        assert len({len(line) for line in box}) == 1  # a closed, aligned frame
        text = "\n".join(box)
        assert "Welcome to Parallax Open Source!" in text
        assert "Up to 3 agents per pattern execution" in text
        assert "In-memory" in text or "in-memory" in text
        assert "Learn more: parallax.ai/enterprise" in text
        assert "Agent limit: 3 (default)" in result.stdout

    def test_open_source_banner_with_configured_limit(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "5")
        result = run("status")
        assert "Up to 5 agents per pattern execution" in result.stdout
        assert "Agent limit: 5 (from PARALLAX_MAX_AGENTS)" in result.stdout
        result = run("status", "--max-agents", "8")
        assert "Up to 8 agents per pattern execution" in result.stdout
        assert "Agent limit: 8 (from --max-agents)" in result.stdout

    def test_enterprise_banner(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        key = signer.key(exp=EXP_2099, cluster="prod-us-east-1", org="Acme Corp")
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", key)
        result = run("status")
        assert result.exit_code == 0, result.output
        box = _box_lines(result.stdout)
        assert len({len(line) for line in box}) == 1
        text = "\n".join(box)
        assert "Parallax Enterprise Edition" in text
        assert "Tier: Enterprise (enterprise)" in text
        assert "License: Valid until 2099-12-31" in text
        assert "Cluster ID: prod-us-east-1" in text
        assert "Agent Limit: Unlimited" in text
        assert "Organization: Acme Corp" in text
        assert "enterprise-support@parallax.ai" in text
        assert key not in result.output

    def test_enterprise_plus_perpetual_banner(self, signer) -> None:
        key = signer.key(tier="enterprise-plus", exp=0)
        result = run("status", "--license-key", key)
        assert result.exit_code == 0
        assert "Parallax Enterprise+ Edition" in result.stdout
        assert "License: Perpetual" in result.stdout
        assert "Support Level: 24/7" in result.stdout
        assert key not in result.output

    def test_rejected_key(self, signer) -> None:
        key = signer.key(v=99)
        result = run("status", "--license-key", key)
        assert result.exit_code == 1
        assert "Welcome to Parallax Open Source!" in result.stdout
        assert "rejected: Unsupported schema version: 99" in result.stdout
        assert "Running as Open Source." in result.stdout
        assert key not in result.output

    def test_long_values_widen_the_box(self, signer) -> None:
        result = run("status", "--license-key", signer.key(org="O" * 58))
        box = _box_lines(result.stdout)
        assert len({len(line) for line in box}) == 1

    def test_invalid_env_limit_is_a_warning_not_a_crash(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "lots")
        result = run("status")
        assert result.exit_code == 0
        assert "warning: PARALLAX_MAX_AGENTS='lots' is not a positive integer" in result.stderr
        assert "Up to 3 agents" in result.stdout


class TestStatusJson:
    def test_open_source(self) -> None:
        result = run("status", "--format", "json")
        assert result.exit_code == 0
        assert json.loads(result.stdout) == {
            "edition": "Open Source",
            "tier": "opensource",
            "valid_until": None,
            "cluster": None,
            "max_agents": 3,
            "features": sorted(features_for("opensource")),
        }

    def test_enterprise(self, signer) -> None:
        key = signer.key(exp=EXP_2099, cluster="prod-us-east-1")
        result = run("status", "--format", "json", "--license-key", key)
        assert result.exit_code == 0
        assert json.loads(result.stdout) == {
            "edition": "Enterprise",
            "tier": "enterprise",
            "valid_until": "2099-12-31T00:00:00Z",
            "cluster": "prod-us-east-1",
            "max_agents": None,
            "features": sorted(features_for("enterprise")),
        }
        assert key not in result.output

    def test_rejected_key_has_a_reason(self, signer) -> None:
        key = signer.key(exp=int(time.time()) - 60)
        result = run("status", "--format", "json", "--license-key", key, "--max-agents", "4")
        assert result.exit_code == 1
        data = json.loads(result.stdout)
        assert data["tier"] == "opensource"
        assert data["max_agents"] == 4
        assert data["reason"].startswith("License key has expired")
        assert key not in result.output

    def test_warnings_go_to_stderr_and_stdout_stays_json(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "-1")
        result = run("status", "--format", "json")
        assert result.exit_code == 0
        assert json.loads(result.stdout)["max_agents"] == 3
        assert "PARALLAX_MAX_AGENTS" in result.stderr


class TestUsageErrors:
    @pytest.mark.parametrize(
        "args",
        [
            ("status", "--max-agents", "0"),
            ("status", "--max-agents", "three"),
            ("status", "--format", "xml"),
            ("install",),
            ("status", "extra"),
            ("frobnicate",),
        ],
    )
    def test_exit_2(self, args: tuple[str, ...]) -> None:
        assert run(*args).exit_code == 2

    def test_empty_key_is_a_usage_error(self) -> None:
        assert run("install", "  ").exit_code == 2


class TestHelp:
    @pytest.mark.parametrize("args", [(), ("status",), ("install",), ("uninstall",)])
    def test_help_shows_an_example(self, args: tuple[str, ...]) -> None:
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout
        assert "plxc license" in result.stdout

    def test_short_help_option(self) -> None:
        assert run("status", "-h").exit_code == 0


class TestInstall:
    def test_install_then_status_then_uninstall(self, signer, sandbox) -> None:
        key = signer.key(tier="enterprise-plus", exp=EXP_2099, org="Acme Corp")
        result = run("install", key)
        assert result.exit_code == 0, result.output
        assert "Installed Enterprise+ licence for Acme Corp (valid until 2099-12-31" in result.stdout
        assert str(sandbox.key_file) in result.stdout
        assert key not in result.output

        assert sandbox.key_file.read_text() == key + "\n"
        assert stat.S_IMODE(sandbox.key_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(sandbox.config_dir.stat().st_mode) == 0o700
        assert [p.name for p in sandbox.config_dir.iterdir()] == ["license.key"]  # no temp files left

        status = run("status", "--format", "json")
        assert status.exit_code == 0
        assert json.loads(status.stdout)["tier"] == "enterprise-plus"
        assert key not in status.output

        removed = run("uninstall")
        assert removed.exit_code == 0
        assert f"Removed the licence key at {sandbox.key_file}." in removed.stdout
        assert not sandbox.key_file.exists()
        assert json.loads(run("status", "--format", "json").stdout)["tier"] == "opensource"

    def test_install_from_stdin(self, signer, sandbox) -> None:
        key = signer.key()
        result = run("install", "-", stdin=key + "\n")
        assert result.exit_code == 0, result.output
        assert sandbox.key_file.read_text() == key + "\n"
        assert key not in result.output

    def test_install_replaces_a_key(self, signer, sandbox) -> None:
        assert run("install", signer.key(tier="enterprise")).exit_code == 0
        assert run("install", signer.key(tier="enterprise-plus")).exit_code == 0
        assert json.loads(run("status", "--format", "json").stdout)["tier"] == "enterprise-plus"
        assert stat.S_IMODE(sandbox.key_file.stat().st_mode) == 0o600

    def test_install_into_existing_dir_keeps_the_file_private(self, signer, sandbox) -> None:
        sandbox.config_dir.mkdir(parents=True, mode=0o755)
        assert run("install", signer.key()).exit_code == 0
        assert stat.S_IMODE(sandbox.key_file.stat().st_mode) == 0o600

    @pytest.mark.parametrize(
        ("make_key", "reason"),
        [
            (lambda s: s.key(v=99), "Unsupported schema version: 99"),
            (lambda s: s.key(exp=int(time.time()) - 60), "License key has expired"),
            (lambda s: "PARALLAX-ENT-abc123def456", "Legacy prefix-based license key"),
            (lambda s: "some-unknown-key-format-here", "invalid licence key format"),
            (lambda s: "a.b", "Invalid signature"),
        ],
    )
    def test_invalid_keys_are_refused(self, signer, sandbox, make_key, reason: str) -> None:
        key = make_key(signer)
        result = run("install", key)
        assert result.exit_code == 1
        assert f"error: licence key not installed: {reason}" in result.stderr
        assert not sandbox.key_file.exists()
        assert not sandbox.config_dir.exists()
        if len(key) > 15:
            assert key not in result.output

    def test_write_failure_exits_1(self, signer, sandbox) -> None:
        sandbox.config_dir.parent.mkdir(parents=True)
        sandbox.config_dir.write_text("a file where the directory should be")
        result = run("install", signer.key())
        assert result.exit_code == 1
        assert "error: cannot write the licence key file" in result.stderr

    def test_env_key_takes_precedence_note(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", "PARALLAX-ENT-abc")
        result = run("install", signer.key())
        assert result.exit_code == 0
        assert "PARALLAX_LICENSE_KEY is set and takes precedence" in result.stderr


class TestUninstall:
    def test_nothing_installed(self, sandbox) -> None:
        result = run("uninstall")
        assert result.exit_code == 0
        assert "No licence key is installed" in result.stdout
        assert str(sandbox.key_file) in result.stdout

    def test_env_key_still_used_note(self, signer, monkeypatch: pytest.MonkeyPatch) -> None:
        assert run("install", signer.key()).exit_code == 0
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", "x")
        result = run("uninstall")
        assert result.exit_code == 0
        assert "still set" in result.stderr
