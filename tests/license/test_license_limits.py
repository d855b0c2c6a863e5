"""The agent limit: enforce_agent_limit (the brief's enforceAgentLimit), settings, counter, enforcer."""

from __future__ import annotations

import logging
import threading

import pytest

from parallax_dsl.license import (
    AgentLimitOutcome,
    LicenseEnforcer,
    LimitCounter,
    UpgradeRequiredError,
    detect_license,
    enforce_agent_limit,
    resolve_agent_limit,
)

WARNING_3_OF_5 = {
    "type": "AGENT_LIMIT",
    "message": "Pattern performance may be reduced. Using 3 of 5 optimal agents.",
    "upgrade_url": "https://parallax.ai/enterprise",
}
LOG_3_OF_5 = (
    "Using 3 of 5 requested agents (Open Source limit). "
    "Upgrade to Enterprise for unlimited agents: parallax.ai/enterprise"
)


def _license_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "parallax_dsl.license"]


class TestEnforceAgentLimit:
    def test_three_of_five(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="parallax_dsl.license")
        outcome = enforce_agent_limit(["a", "b", "c", "d", "e"], 3)
        assert outcome.agents == ("a", "b", "c")
        assert outcome.requested == 5
        assert outcome.used == 3
        assert outcome.limited
        assert outcome.warning == WARNING_3_OF_5
        assert _license_messages(caplog) == [LOG_3_OF_5]
        record = next(r for r in caplog.records if r.name == "parallax_dsl.license")
        assert record.levelno == logging.INFO

    def test_numbers_are_substituted(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="parallax_dsl.license")
        outcome = enforce_agent_limit(list(range(12)), 7)
        assert outcome.agents == tuple(range(7))
        assert outcome.warning is not None
        assert outcome.warning["message"] == "Pattern performance may be reduced. Using 7 of 12 optimal agents."
        assert _license_messages(caplog) == [
            "Using 7 of 12 requested agents (Open Source limit). "
            "Upgrade to Enterprise for unlimited agents: parallax.ai/enterprise"
        ]

    @pytest.mark.parametrize("count", [0, 1, 3])
    def test_within_limit_is_untouched(self, count: int, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG)
        agents = [object() for _ in range(count)]
        outcome = enforce_agent_limit(agents, 3)
        assert list(outcome.agents) == agents
        assert outcome.warning is None
        assert not outcome.limited
        assert _license_messages(caplog) == []

    def test_unlimited(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG)
        outcome = enforce_agent_limit(list(range(100)), None)
        assert outcome.used == 100
        assert outcome.warning is None
        assert _license_messages(caplog) == []

    def test_input_is_not_mutated(self) -> None:
        agents = [1, 2, 3, 4]
        enforce_agent_limit(agents, 2)
        assert agents == [1, 2, 3, 4]

    @pytest.mark.parametrize("limit", [0, -1, True])
    def test_invalid_limit_is_a_programming_error(self, limit: int) -> None:
        with pytest.raises(ValueError):
            enforce_agent_limit([1, 2], limit)

    def test_counter(self) -> None:
        counter = LimitCounter()
        enforce_agent_limit([1, 2, 3, 4, 5], 3, counter=counter)
        enforce_agent_limit([1, 2], 3, counter=counter)
        enforce_agent_limit([1, 2, 3, 4], 3, counter=counter)
        assert counter.hits == 2
        assert counter.agents_dropped == 3
        assert counter.snapshot() == {
            "agent_limit_hits": 2,
            "agent_limit_requested": 9,
            "agent_limit_dropped": 3,
        }
        counter.reset()
        assert counter.snapshot() == {
            "agent_limit_hits": 0,
            "agent_limit_requested": 0,
            "agent_limit_dropped": 0,
        }

    def test_counter_is_thread_safe(self) -> None:
        counter = LimitCounter()

        def work() -> None:
            for _ in range(500):
                counter.record(requested=5, used=3)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert counter.hits == 4000
        assert counter.agents_dropped == 8000

    def test_outcome_is_generic_and_frozen(self) -> None:
        outcome: AgentLimitOutcome[str] = enforce_agent_limit(("x", "y"), 1)
        assert outcome.agents == ("x",)
        with pytest.raises(AttributeError):
            outcome.requested = 9  # type: ignore[misc]


class TestAgentLimitSettings:
    def test_default(self) -> None:
        setting = resolve_agent_limit()
        assert (setting.value, setting.source, setting.warnings) == (3, "default", ())

    def test_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "5")
        assert resolve_agent_limit().value == 5
        assert detect_license().max_agents == 5

    def test_argument_beats_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "5")
        setting = resolve_agent_limit(7)
        assert (setting.value, setting.source) == (7, "--max-agents")
        assert detect_license(max_agents=7).max_agents == 7

    def test_env_beats_config(self, sandbox, write_file, monkeypatch: pytest.MonkeyPatch) -> None:
        write_file(sandbox.workdir / "parallax.toml", "[license]\nmax_agents = 9\n")
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "5")
        assert resolve_agent_limit().value == 5

    def test_config_found_by_walking_up(self, sandbox, write_file, monkeypatch: pytest.MonkeyPatch) -> None:
        config = write_file(sandbox.workdir / "parallax.toml", "[license]\nmax_agents = 9\n")
        nested = sandbox.workdir / "patterns" / "deep"
        nested.mkdir(parents=True)
        monkeypatch.chdir(nested)
        setting = resolve_agent_limit()
        assert setting.value == 9
        assert str(config.resolve()) in setting.source
        assert detect_license().max_agents == 9

    def test_nearest_config_wins(self, sandbox, write_file) -> None:
        write_file(sandbox.workdir / "parallax.toml", "[license]\nmax_agents = 9\n")
        inner = write_file(sandbox.workdir / "sub" / "parallax.toml", "[project]\nname = 'x'\n")
        # The nearest parallax.toml has no [license] max_agents: the default applies.
        assert resolve_agent_limit(cwd=inner.parent).value == 3

    @pytest.mark.parametrize("raw", ["abc", "0", "-2", "2.5", "1e3"])
    def test_invalid_env_is_reported_and_skipped(self, raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", raw)
        setting = resolve_agent_limit()
        assert setting.value == 3
        assert len(setting.warnings) == 1
        assert "PARALLAX_MAX_AGENTS" in setting.warnings[0]
        info = detect_license()
        assert info.max_agents == 3
        assert info.warnings == setting.warnings

    def test_invalid_env_falls_through_to_config(self, sandbox, write_file, monkeypatch) -> None:
        write_file(sandbox.workdir / "parallax.toml", "[license]\nmax_agents = 4\n")
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "many")
        setting = resolve_agent_limit()
        assert setting.value == 4
        assert len(setting.warnings) == 1

    @pytest.mark.parametrize("bad", [0, -3, True])
    def test_invalid_argument_is_reported(self, bad: int) -> None:
        setting = resolve_agent_limit(bad)
        assert setting.value == 3
        assert "--max-agents" in setting.warnings[0]

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("[license]\nmax_agents = 'five'\n", "not a positive integer"),
            ("[license]\nmax_agents = 0\n", "not a positive integer"),
            ("[license]\nmax_agents = 2.5\n", "not a positive integer"),
            ("[license]\nmax_agents = true\n", "not a positive integer"),
            ("license = 3\n", "must be a table"),
            ("[license\nmax_agents = 3\n", "not valid TOML"),
        ],
    )
    def test_invalid_config_is_reported(self, sandbox, write_file, text: str, fragment: str) -> None:
        write_file(sandbox.workdir / "parallax.toml", text)
        setting = resolve_agent_limit()
        assert setting.value == 3
        assert len(setting.warnings) == 1
        assert fragment in setting.warnings[0]

    def test_config_without_license_section(self, sandbox, write_file) -> None:
        write_file(sandbox.workdir / "parallax.toml", "[other]\nx = 1\n")
        setting = resolve_agent_limit()
        assert (setting.value, setting.source, setting.warnings) == (3, "default", ())

    def test_enterprise_is_unlimited_whatever_the_settings(self, signer, sandbox, write_file, monkeypatch) -> None:
        write_file(sandbox.workdir / "parallax.toml", "[license]\nmax_agents = 2\n")
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "2")
        info = detect_license(signer.key(), max_agents=2)
        assert info.max_agents is None
        assert info.warnings == ()

    def test_rejected_key_still_uses_the_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PARALLAX_MAX_AGENTS", "4")
        info = detect_license("PARALLAX-ENT-abc123")
        assert info.tier == "opensource"
        assert info.max_agents == 4


class TestLicenseEnforcer:
    def test_open_source(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="parallax_dsl.license")
        enforcer = LicenseEnforcer()
        assert not enforcer.is_enterprise
        assert enforcer.max_agents == 3
        outcome = enforcer.enforce_agent_limit(["a", "b", "c", "d", "e"])
        assert outcome.warning == WARNING_3_OF_5
        assert LOG_3_OF_5 in _license_messages(caplog)
        assert enforcer.counter.hits == 1

    def test_enterprise_is_unlimited(self, signer) -> None:
        enforcer = LicenseEnforcer(detect_license(signer.key()))
        assert enforcer.is_enterprise and not enforcer.is_enterprise_plus
        outcome = enforcer.enforce_agent_limit(list(range(50)))
        assert outcome.used == 50
        assert outcome.warning is None
        assert enforcer.counter.hits == 0

    def test_features(self, signer) -> None:
        open_source = LicenseEnforcer()
        assert open_source.has_feature("all_patterns")
        assert not open_source.has_feature("persistence")
        assert not open_source.has_feature("unlimited_agents")
        with pytest.raises(UpgradeRequiredError) as caught:
            open_source.require_feature("persistence")
        assert caught.value.feature == "persistence"
        assert caught.value.required_tier == "enterprise"
        assert caught.value.upgrade_url == "https://parallax.ai/enterprise"
        assert "requires Parallax Enterprise" in str(caught.value)

        enterprise = LicenseEnforcer(detect_license(signer.key()))
        enterprise.require_feature("persistence")
        with pytest.raises(UpgradeRequiredError, match=r"requires Parallax Enterprise\+"):
            enterprise.require_feature("multi_region")

    def test_unknown_feature_is_never_granted(self, signer) -> None:
        plus = LicenseEnforcer(detect_license(signer.key(tier="enterprise-plus")))
        assert not plus.has_feature("teleportation")
        with pytest.raises(UpgradeRequiredError, match="unknown feature"):
            plus.require_feature("teleportation")
