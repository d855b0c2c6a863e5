"""`plxc license`: show the edition in effect, install or remove the licence key."""

from __future__ import annotations

import json
import os
import sys

import click

from parallax_dsl.license.banner import render_banner
from parallax_dsl.license.detect import LICENSE_KEY_ENV, check_license_key, detect_license, enterprise_info
from parallax_dsl.license.keys import VerifiedKey
from parallax_dsl.license.model import LicenseInfo, fingerprint, format_date
from parallax_dsl.license.store import install_key, installed_key_path, uninstall_key

EXIT_FAILURE = 1


@click.group(name="license")
def license_group() -> None:
    """Show the Parallax edition in effect and manage the licence key.

    Without a key Parallax runs as Open Source (3 agents per pattern execution by
    default). A signed Enterprise key lifts the agent limit and unlocks the
    enterprise features. The key is looked up in this order: --license-key,
    $PARALLAX_LICENSE_KEY, the installed key file, then $PARALLAX_LICENSE_FILE
    inside Kubernetes.

    \b
    Examples:
      plxc license status
      plxc license install - < parallax-license.key
      plxc license uninstall
    """


@license_group.command("status", short_help="Show the edition banner (text or JSON).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Banner for people, or JSON for machines.",
)
@click.option("--license-key", metavar="KEY", default=None, help="Check this key instead of detecting one.")
@click.option(
    "--max-agents",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Open Source agent limit (overrides $PARALLAX_MAX_AGENTS and parallax.toml).",
)
def status(output_format: str, license_key: str | None, max_agents: int | None) -> None:
    """Print the edition banner: Open Source limits, or Enterprise tier and validity.

    Exits 0 when the licence was read without problems, 1 when a key was found
    but rejected (Parallax then runs as Open Source and the reason is shown).

    \b
    Examples:
      plxc license status
      plxc license status --format json
      plxc license status --max-agents 5
    """
    info = detect_license(license_key, max_agents=max_agents)
    for warning in info.warnings:
        click.echo(f"warning: {warning}", err=True)
    if output_format == "json":
        click.echo(json.dumps(info.to_json(), indent=2))
    else:
        click.echo(_status_text(info))
    if info.reason is not None:
        raise click.exceptions.Exit(EXIT_FAILURE)


@license_group.command("install", short_help="Verify a licence key and install it.")
@click.argument("key", metavar="KEY")
def install(key: str) -> None:
    """Verify KEY and store it in the user's config directory (file mode 0600).

    Pass - as KEY to read the key from standard input, which keeps it out of
    your shell history and the process list. Invalid, expired and legacy keys
    are refused (exit 1) and nothing is written.

    \b
    Examples:
      plxc license install - < parallax-license.key
      plxc license install eyJpc3MiOiJwYXJhbGxheCIs...
    """
    if key == "-":
        key = sys.stdin.read()
    key = key.strip()
    if not key:
        raise click.UsageError("KEY is empty")
    checked = check_license_key(key)
    if not isinstance(checked, VerifiedKey):
        click.echo(f"error: licence key not installed: {checked.reason}", err=True)
        raise click.exceptions.Exit(EXIT_FAILURE)
    try:
        path = install_key(key)
    except OSError as exc:
        click.echo(f"error: cannot write the licence key file: {exc}", err=True)
        raise click.exceptions.Exit(EXIT_FAILURE) from None
    info = enterprise_info(checked.payload, key_fingerprint=fingerprint(key))
    validity = f"valid until {format_date(info.valid_until)}" if info.valid_until else "perpetual"
    click.echo(
        f"Installed {info.edition} licence for {info.org} ({validity}, key {info.key_fingerprint}).\nKey file: {path}"
    )
    if _env_key_set():
        click.echo(f"note: ${LICENSE_KEY_ENV} is set and takes precedence over the installed key", err=True)


@license_group.command("uninstall", short_help="Remove the installed licence key.")
def uninstall() -> None:
    """Remove the installed licence key (Parallax falls back to Open Source).

    \b
    Example:
      plxc license uninstall
    """
    try:
        removed = uninstall_key()
    except OSError as exc:
        click.echo(f"error: cannot remove the licence key file: {exc}", err=True)
        raise click.exceptions.Exit(EXIT_FAILURE) from None
    if removed is None:
        click.echo(f"No licence key is installed (looked for {installed_key_path()}).")
    else:
        click.echo(f"Removed the licence key at {removed}.")
    if _env_key_set():
        click.echo(f"note: ${LICENSE_KEY_ENV} is still set and will still be used", err=True)


def _status_text(info: LicenseInfo) -> str:
    lines = [render_banner(info, ascii_only=not _stdout_has_unicode())]
    if info.reason is not None:
        lines.append(f"Licence key from {info.source} ({info.key_fingerprint}) rejected: {info.reason}")
        lines.append("Running as Open Source.")
    elif info.source is not None:
        lines.append(f"Licence key: {info.key_fingerprint} from {info.source}")
    if not info.is_enterprise:
        lines.append(f"Agent limit: {info.max_agents} ({_limit_source(info)})")
    return "\n".join(lines)


def _limit_source(info: LicenseInfo) -> str:
    source = info.max_agents_source or "default"
    return "default" if source == "default" else f"from {source}"


def _stdout_has_unicode() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "┌─│•".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _env_key_set() -> bool:
    return bool(os.environ.get(LICENSE_KEY_ENV, "").strip())
