"""Checks a pattern against a licence edition: Enterprise-only constructs and the Open Source agent limit."""

from __future__ import annotations

from dataclasses import dataclass

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Diagnostic, Severity

EDITIONS = ("opensource", "enterprise", "enterprise-plus")
UPGRADE_URL = "parallax.ai/enterprise"


@dataclass(frozen=True, slots=True)
class EditionTarget:
    """The edition a check runs against: its tier id, its agent limit (None = unlimited) and why."""

    tier: str
    max_agents: int | None
    origin: str

    @property
    def name(self) -> str:
        from parallax_dsl.license.features import edition_name

        return edition_name(self.tier)  # type: ignore[arg-type]


def resolve_target(edition: str | None, license_key: str | None = None, max_agents: int | None = None) -> EditionTarget:
    """`--edition` when given (no key needed), else the detected licence (key, environment, installed file)."""
    if edition is not None:
        if edition == "opensource":
            from parallax_dsl.license.settings import resolve_agent_limit

            return EditionTarget("opensource", resolve_agent_limit(max_agents).value, "--edition opensource")
        return EditionTarget(edition, None, f"--edition {edition}")
    from parallax_dsl.license import detect_license

    info = detect_license(license_key, max_agents=max_agents)
    return EditionTarget(info.tier, info.max_agents, "the detected licence")


def _construct_of(setting: ast.Setting) -> str | None:
    """Which licence-gated construct a pattern setting is, if any."""
    value = setting.value
    if setting.name == "persist":
        return "persisted_state" if isinstance(value, ast.Bool) and value.value else None
    if setting.name == "schedule":
        return "schedule"
    if setting.name == "backend":
        return "distributed_backend" if isinstance(value, ast.String) and value.text == "ray" else None
    if setting.name == "target":
        return "kubernetes_target" if isinstance(value, ast.String) and value.text == "kubernetes" else None
    if setting.name == "regions":
        return "regions"
    return None


def edition_diagnostics(module: ast.Module, target: EditionTarget) -> list[Diagnostic]:
    from parallax_dsl.license.constructs import requirement_for

    out: list[Diagnostic] = []
    for pattern in module.patterns:
        for setting in pattern.settings:
            construct = _construct_of(setting)
            requirement = requirement_for(construct) if construct else None
            if requirement is None or requirement.allowed_in(target.tier):  # type: ignore[arg-type]
                continue
            out.append(
                Diagnostic(
                    "PLX401",
                    "enterprise-feature",
                    Severity.ERROR,
                    f"`{setting.name}` needs the {requirement.edition_name} edition (feature `{requirement.feature}`);"
                    f" this check runs against {target.name} ({target.origin})",
                    setting.span,
                    help=f"{requirement.description}: install a licence key with `plxc license install KEY`, "
                    f"or run `plxc check --edition {requirement.edition}` to see whether it passes there",
                )
            )
        if target.max_agents is None:
            continue
        for group in pattern.agents:
            for setting in group.settings:
                if setting.name != "min" or not isinstance(setting.value, ast.Number):
                    continue
                wanted = int(setting.value.value)
                if wanted > target.max_agents:
                    out.append(
                        Diagnostic(
                            "PLX402",
                            "agent-limit",
                            Severity.WARNING,
                            f"agent group `{group.name}` needs at least {wanted} agents; {target.name} runs "
                            f"{target.max_agents} of them (agent limit {target.max_agents})",
                            setting.span,
                            help=f"Upgrade to Enterprise for unlimited agents: {UPGRADE_URL}; "
                            "or raise the limit with PARALLAX_MAX_AGENTS / --max-agents",
                        )
                    )
    return out
