"""The installed licence key file: where it lives, reading it, installing (0600, dir 0700), removing it."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

KEY_FILE_NAME: Final = "license.key"
APP_DIR_NAME: Final = "parallax"

#: Licence keys are a few hundred bytes; anything much bigger is not a key file.
MAX_KEY_FILE_BYTES: Final = 64 * 1024


class KeyFileError(Exception):
    """A key file exists but cannot be used; the message says why (never contains the key)."""


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's Parallax config directory.

    `PARALLAX_CONFIG_DIR` when set; else `$XDG_CONFIG_HOME/parallax` (an absolute `XDG_CONFIG_HOME` only,
    as the XDG spec asks); else `%APPDATA%\\parallax` on Windows; else `~/.config/parallax`.
    """
    env = os.environ if env is None else env
    override = env.get("PARALLAX_CONFIG_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / APP_DIR_NAME
    appdata = env.get("APPDATA", "").strip()
    if sys.platform == "win32" and appdata:
        return Path(appdata) / APP_DIR_NAME
    return Path.home() / ".config" / APP_DIR_NAME


def installed_key_path(env: Mapping[str, str] | None = None) -> Path:
    """Where `plxc license install` stores the key."""
    return config_dir(env) / KEY_FILE_NAME


def read_key_file(path: Path) -> str | None:
    """The key stored in `path` (surrounding whitespace removed); None when the file does not exist.

    Raises `KeyFileError` when the file exists but is unreadable, too large, not UTF-8 or empty.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyFileError(f"cannot read licence key file {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_KEY_FILE_BYTES:
        raise KeyFileError(f"licence key file {path} is larger than {MAX_KEY_FILE_BYTES} bytes; ignoring it")
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise KeyFileError(f"licence key file {path} is not UTF-8 text; ignoring it") from None
    if not text:
        raise KeyFileError(f"licence key file {path} is empty; ignoring it")
    return text


def install_key(key: str, env: Mapping[str, str] | None = None) -> Path:
    """Store `key` (already verified by the caller) in the config dir, atomically, mode 0600.

    The directory is created with mode 0700 when missing. Raises `OSError` when writing fails.
    """
    path = installed_key_path(env)
    directory = path.parent
    if not directory.is_dir():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask
    # mkstemp creates the file with mode 0600, so the key is never readable by others, even briefly.
    descriptor, temp_name = tempfile.mkstemp(prefix=".license-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key.strip() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
        os.chmod(path, 0o600)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return path


def uninstall_key(env: Mapping[str, str] | None = None) -> Path | None:
    """Remove the installed key; the removed path, or None when no key was installed.

    Raises `OSError` when the file exists but cannot be removed.
    """
    path = installed_key_path(env)
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path
