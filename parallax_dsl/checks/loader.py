"""Reads .plx files safely (size, binary, encoding), expands folders and follows imports."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from parallax_dsl.diagnostics.model import Diagnostic, Severity, SourceFile, Span
from parallax_dsl.syntax.parser import ParseResult, parse_source

MAX_FILE_BYTES = 16 * 1024 * 1024


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def expand_paths(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files given and `*.plx` files under folders given (sorted); plus the paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*.plx")
                    if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.exists():
            files.append(path)
        else:
            missing.append(raw)
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, missing


def _file_diagnostic(path: str, message: str, help: str | None = None) -> Diagnostic:
    return Diagnostic("PLX005", "unreadable-file", Severity.ERROR, message, Span(path, 1, 1, 1, 1, 0, 0), help=help)


def read_source(path: Path) -> tuple[SourceFile, list[Diagnostic]]:
    """The file's text, or diagnostics saying why it cannot be read as .plx source."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return SourceFile(shown, ""), [
                _file_diagnostic(shown, f"file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
            ]
        data = path.read_bytes()
    except OSError as exc:
        return SourceFile(shown, ""), [_file_diagnostic(shown, f"cannot read file: {exc.strerror or exc}")]
    return decode_source(shown, data)


def decode_source(shown: str, data: bytes) -> tuple[SourceFile, list[Diagnostic]]:
    if b"\0" in data:
        return SourceFile(shown, ""), [
            _file_diagnostic(shown, "this is a binary file, not .plx source", "check the path you passed")
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return SourceFile(shown, ""), [
            Diagnostic(
                "PLX005",
                "unreadable-file",
                Severity.ERROR,
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                Span(shown, line, column, line, column + 1, 0, 0),
                help="save the file as UTF-8",
            )
        ]
    return SourceFile(shown, text.replace("\r\n", "\n").replace("\r", "\n")), []


@dataclass
class LoadedFile:
    """A parsed file with where it lives and what it imports."""

    path: Path
    source: SourceFile
    parse: ParseResult | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    imports: list[Path] = field(default_factory=list)


class Workspace:
    """Every file reached from the paths being checked, each parsed once."""

    def __init__(self) -> None:
        self.files: dict[Path, LoadedFile] = {}

    def load(self, path: Path, text: str | None = None) -> LoadedFile:
        path = path.resolve()
        if path in self.files:
            return self.files[path]
        if text is None:
            source, problems = read_source(path)
        else:
            source, problems = SourceFile(display_path(path), text), []
        parsed = None if problems else parse_source(source.text, source.path)
        loaded = LoadedFile(path, source, parsed, problems)
        self.files[path] = loaded
        if parsed is not None and parsed.module is not None:
            for decl in parsed.module.imports:
                target = (path.parent / decl.path).resolve()
                if not target.is_file():
                    loaded.diagnostics.append(
                        Diagnostic(
                            "PLX108",
                            "import-not-found",
                            Severity.ERROR,
                            f"cannot find imported file `{decl.path}`",
                            decl.span,
                            help=f"paths are relative to this file's folder ({display_path(path.parent)})",
                        )
                    )
                    continue
                loaded.imports.append(target)
                self.load(target)
        return loaded
