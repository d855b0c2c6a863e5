"""The edition banners of `plxc license status`: the brief's Open Source and Enterprise boxes, as text."""

from __future__ import annotations

from typing import Final

from parallax_dsl.license.features import ENTERPRISE_PLUS
from parallax_dsl.license.model import LicenseInfo, format_date

#: Inner width of the box (the brief's boxes are 57 columns wide); longer lines widen it.
BOX_WIDTH: Final = 57
_MAX_VALUE: Final = 60

UNICODE_BOX: Final = ("┌", "┐", "└", "┘", "─", "│", "•")
ASCII_BOX: Final = ("+", "+", "+", "+", "-", "|", "*")


def banner_lines(info: LicenseInfo) -> list[str]:
    """The text inside the box for `info` (without the frame)."""
    if info.is_enterprise:
        return _enterprise_lines(info)
    return _open_source_lines(info)


def render_banner(info: LicenseInfo, *, ascii_only: bool = False) -> str:
    """The full box for `info`; `ascii_only` draws it with `+-|*` for terminals without Unicode."""
    top_left, top_right, bottom_left, bottom_right, horizontal, vertical, bullet = (
        ASCII_BOX if ascii_only else UNICODE_BOX
    )
    lines = [line.replace("•", bullet) for line in banner_lines(info)]
    width = max(BOX_WIDTH, *(len(line) + 4 for line in lines))
    framed = [top_left + horizontal * width + top_right]
    framed += [f"{vertical}  {line.ljust(width - 2)}{vertical}" for line in lines]
    framed.append(bottom_left + horizontal * width + bottom_right)
    return "\n".join(framed)


def _open_source_lines(info: LicenseInfo) -> list[str]:
    limit = "Unlimited agents" if info.max_agents is None else f"Up to {info.max_agents} agents"
    return [
        "Welcome to Parallax Open Source!",
        "",
        "You're using the free version with:",
        f"• {limit} per pattern execution",
        "• All core patterns",
        "• Local development mode (in-memory state only)",
        "",
        "Need more power? Upgrade to Enterprise:",
        "• Unlimited agents",
        "• Kubernetes orchestration",
        "• High availability",
        "• Professional support",
        "",
        "Learn more: parallax.ai/enterprise",
    ]


def _enterprise_lines(info: LicenseInfo) -> list[str]:
    validity = f"Valid until {format_date(info.valid_until)}" if info.valid_until else "Perpetual"
    agents = "Unlimited" if info.max_agents is None else str(info.max_agents)
    support = "24/7" if info.tier == ENTERPRISE_PLUS else "Business hours"
    return [
        f"Parallax {info.edition} Edition",
        "",
        f"Tier: {info.edition} ({info.tier})",
        f"Organization: {_clean(info.org or 'unknown')}",
        f"License: {validity}",
        f"Cluster ID: {_clean(info.cluster) if info.cluster else 'any (not bound to a cluster)'}",
        f"Agent Limit: {agents}",
        f"Support Level: {support}",
        "",
        "Need help? enterprise-support@parallax.ai",
    ]


def _clean(value: str) -> str:
    """A claim value made safe to print: control characters replaced, length capped."""
    text = "".join(ch if ch.isprintable() else "?" for ch in value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 3] + "..."
