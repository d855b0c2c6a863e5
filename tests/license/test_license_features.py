"""Feature sets per tier (LICENSING.md's table) and the construct -> feature -> edition mapping."""

from __future__ import annotations

import itertools

import pytest

from parallax_dsl.license import (
    CONSTRUCT_FEATURES,
    CONSTRUCT_REQUIREMENTS,
    KNOWN_FEATURES,
    TIERS,
    edition_name,
    features_for,
    has_feature,
    minimum_tier,
    required_edition,
    requirement_for,
    tier_has_feature,
)

ENTERPRISE_TABLE_ROW = {
    "persistence",
    "execution_history",
    "metrics_storage",
    "web_dashboard",
    "scheduled_patterns",
    "high_availability",
    "distributed_execution",
    "backup_restore",
    "pattern_management",
    "multi_user",
    "rbac",
    "sso_integration",
    "api_keys",
    "audit_logging",
    "mtls_security",
    "kubernetes_operator",
}
PLUS_TABLE_ROW = {"multi_region", "advanced_analytics", "pattern_marketplace", "priority_support_24_7"}


class TestFeatureTable:
    def test_open_source_has_none_of_the_paid_features(self) -> None:
        assert not features_for("opensource") & (ENTERPRISE_TABLE_ROW | PLUS_TABLE_ROW | {"unlimited_agents"})
        assert {"all_patterns", "cli_full", "local_execution", "in_memory_execution"} <= features_for("opensource")

    def test_enterprise(self) -> None:
        enterprise = features_for("enterprise")
        assert enterprise >= ENTERPRISE_TABLE_ROW
        assert "unlimited_agents" in enterprise
        assert not enterprise & PLUS_TABLE_ROW
        assert features_for("opensource") <= enterprise

    def test_enterprise_plus(self) -> None:
        plus = features_for("enterprise-plus")
        assert plus >= ENTERPRISE_TABLE_ROW | PLUS_TABLE_ROW
        assert features_for("enterprise") <= plus
        assert plus == KNOWN_FEATURES

    def test_tiers_are_ordered_by_features(self) -> None:
        assert TIERS == ("opensource", "enterprise", "enterprise-plus")
        for smaller, larger in itertools.pairwise(TIERS):
            assert features_for(smaller) < features_for(larger)

    @pytest.mark.parametrize("tier", TIERS)
    def test_unknown_names_are_never_granted(self, tier) -> None:
        for name in ["", "teleportation", "PERSISTENCE", "persistence ", "unlimited agents"]:
            assert not tier_has_feature(tier, name)

    def test_module_level_has_feature_uses_the_detected_licence(self, signer, monkeypatch) -> None:
        assert has_feature("all_patterns")
        assert not has_feature("persistence")
        assert not has_feature("teleportation")
        monkeypatch.setenv("PARALLAX_LICENSE_KEY", signer.key())
        assert has_feature("persistence")
        assert not has_feature("teleportation")

    def test_edition_names(self) -> None:
        assert [edition_name(tier) for tier in TIERS] == ["Open Source", "Enterprise", "Enterprise+"]

    def test_minimum_tier(self) -> None:
        assert minimum_tier("all_patterns") == "opensource"
        assert minimum_tier("persistence") == "enterprise"
        assert minimum_tier("multi_region") == "enterprise-plus"
        assert minimum_tier("teleportation") is None


class TestConstructs:
    def test_mapping(self) -> None:
        assert dict(CONSTRUCT_FEATURES) == {
            "persisted_state": "persistence",
            "schedule": "scheduled_patterns",
            "distributed_backend": "distributed_execution",
            "kubernetes_target": "kubernetes_operator",
            "regions": "multi_region",
        }

    @pytest.mark.parametrize(
        ("construct", "edition", "name"),
        [
            ("persisted_state", "enterprise", "Enterprise"),
            ("schedule", "enterprise", "Enterprise"),
            ("distributed_backend", "enterprise", "Enterprise"),
            ("kubernetes_target", "enterprise", "Enterprise"),
            ("regions", "enterprise-plus", "Enterprise+"),
        ],
    )
    def test_required_edition(self, construct: str, edition: str, name: str) -> None:
        requirement = requirement_for(construct)
        assert requirement is not None
        assert requirement.edition == edition
        assert requirement.edition_name == name
        assert required_edition(requirement.feature) == edition
        assert not requirement.allowed_in("opensource")
        assert requirement.allowed_in("enterprise-plus")
        assert requirement.allowed_in("enterprise") == (edition == "enterprise")
        assert requirement.description

    def test_every_mapped_feature_exists(self) -> None:
        for requirement in CONSTRUCT_REQUIREMENTS.values():
            assert requirement.feature in KNOWN_FEATURES

    def test_unlisted_constructs_are_free(self) -> None:
        assert requirement_for("fanout") is None

    def test_required_edition_of_open_source_feature(self) -> None:
        assert required_edition("local_execution") == "opensource"

    def test_required_edition_of_unknown_feature(self) -> None:
        with pytest.raises(ValueError, match="unknown licence feature"):
            required_edition("teleportation")

    def test_mapping_is_read_only(self) -> None:
        with pytest.raises(TypeError):
            CONSTRUCT_FEATURES["x"] = "y"  # type: ignore[index]
