"""The Open Source agent limit: `--max-agents`, then `PARALLAX_MAX_AGENTS`, then `parallax.toml`, else 3."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeGuard

DEFAULT_MAX_AGENTS: Final = 3
MAX_AGENTS_ENV: Final = "PARALLAX_MAX_AGENTS"
PROJECT_CONFIG_NAME: Final = "parallax.toml"


@dataclass(frozen=True)
class AgentLimitSetting:
    """The resolved Open Source agent limit, where it came from, and the invalid settings skipped."""

    value: int
    source: str
    warnings: tuple[str, ...] = ()


def find_project_config(start: Path | None = None) -> Path | None:
    """The nearest `parallax.toml` in `start` (default: the cwd) or one of its parents, or None.

    String paths (`os.path`), not `pathlib`: every run detects its licence, and this walk was most of that."""
    try:
        directory = os.path.realpath(os.fspath(start) if start is not None else os.getcwd())
    except (OSError, ValueError):
        return None
    while True:
        candidate = os.path.join(directory, PROJECT_CONFIG_NAME)
        if os.path.isfile(candidate):  # False also when a directory may not be searched
            return Path(candidate)
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def resolve_agent_limit(
    max_agents: int | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> AgentLimitSetting:
    """Resolve the Open Source agent limit; the first valid setting wins, invalid ones become warnings.

    Order: the `max_agents` argument (`--max-agents`), the `PARALLAX_MAX_AGENTS` environment variable,
    `[license] max_agents` in the nearest `parallax.toml`, then the default of 3. Never raises.
    """
    env = os.environ if env is None else env
    warnings: list[str] = []

    if max_agents is not None:
        if _positive_int(max_agents):
            return AgentLimitSetting(max_agents, "--max-agents", tuple(warnings))
        warnings.append(f"--max-agents {max_agents!r} is not a positive integer; ignoring it")

    raw = env.get(MAX_AGENTS_ENV)
    if raw is not None and raw.strip():
        parsed = _parse_int(raw)
        if parsed is not None and parsed >= 1:
            return AgentLimitSetting(parsed, MAX_AGENTS_ENV, tuple(warnings))
        warnings.append(f"{MAX_AGENTS_ENV}={_short(raw)!r} is not a positive integer; ignoring it")

    config = find_project_config(cwd)
    if config is not None:
        value = _config_max_agents(config, warnings)
        if value is not None:
            return AgentLimitSetting(value, f"{config} [license] max_agents", tuple(warnings))

    return AgentLimitSetting(DEFAULT_MAX_AGENTS, "default", tuple(warnings))


def _config_max_agents(path: Path, warnings: list[str]) -> int | None:
    """`[license] max_agents` from `path`; None when absent or invalid (invalid ones add a warning)."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        warnings.append(f"cannot read {path}: {exc.strerror or exc}; ignoring its [license] settings")
        return None
    except tomllib.TOMLDecodeError as exc:
        warnings.append(f"{path} is not valid TOML ({exc}); ignoring its [license] settings")
        return None
    section = document.get("license")
    if section is None:
        return None
    if not isinstance(section, dict):
        warnings.append(f"{path}: `license` must be a table ([license]); ignoring it")
        return None
    value = section.get("max_agents")
    if value is None:
        return None
    if _positive_int(value):
        return value
    warnings.append(f"{path}: [license] max_agents = {_short(repr(value))} is not a positive integer; ignoring it")
    return None


def _positive_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _parse_int(text: str) -> int | None:
    try:
        return int(text.strip(), 10)
    except ValueError:
        return None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."
