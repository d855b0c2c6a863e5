"""Where stdlib pattern sources live, and which file declares a stdlib pattern (shared by the runtime, the
analysis and the language server)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def stdlib_dirs() -> list[Path]:
    """Where stdlib patterns live: `parallax_dsl/stdlib/` (installed) and the repository's `stdlib_patterns/`."""
    return [_PACKAGE_DIR / "stdlib", _PACKAGE_DIR.parent / "stdlib_patterns"]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def find_stdlib_file(name: str, dirs: Iterable[Path] | None = None) -> Path | None:
    """The stdlib file declaring pattern `name`: `<Name>.plx`, `<name_snake>.plx`, `<name-kebab>.plx`, else any
    `.plx` in the stdlib folders that declares `pattern <Name>`."""
    folders = [d for d in (stdlib_dirs() if dirs is None else dirs) if d.is_dir()]
    candidates = (f"{name}.plx", f"{_snake(name)}.plx", f"{_snake(name).replace('_', '-')}.plx")
    for folder in folders:
        for candidate in candidates:
            if (folder / candidate).is_file():
                return folder / candidate
    declares = re.compile(rf"^\s*pattern\s+{re.escape(name)}\b", re.MULTILINE)
    for folder in folders:
        for path in sorted(folder.rglob("*.plx")):
            try:
                if declares.search(path.read_text(encoding="utf-8")):
                    return path
            except OSError:
                continue
    return None
