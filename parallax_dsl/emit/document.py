"""Byte-stable YAML and JSON documents of compiled patterns, and loading them back into the IR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parallax_dsl.ir import model as ir


def to_data(compiled: ir.CompiledFile) -> dict[str, Any]:
    """Plain data in schema order: defaults omitted, step `kind` always present."""
    data = compiled.model_dump(mode="json", exclude_defaults=True)
    data = {"plx": compiled.plx, **data}
    for pattern, source in zip(data.get("patterns", []), compiled.patterns, strict=True):
        pattern.pop("plx", None)
        pattern["steps"] = [
            {"id": step.id, "kind": step.kind, **{k: v for k, v in dumped.items() if k not in ("id", "kind")}}
            for step, dumped in zip(source.steps, pattern.get("steps", []), strict=True)
        ]
    return data


def to_yaml(compiled: ir.CompiledFile) -> str:
    import yaml

    header = "# Compiled by plxc — do not edit; regenerate with `plxc compile`.\n"
    return header + yaml.safe_dump(to_data(compiled), sort_keys=False, allow_unicode=True, width=120)


def to_json(compiled: ir.CompiledFile) -> str:
    return json.dumps(to_data(compiled), indent=2, ensure_ascii=False) + "\n"


def load_compiled(text: str) -> ir.CompiledFile:
    """Parse a compiled YAML or JSON document (JSON is valid YAML) back into the IR; raises ValueError."""
    import yaml
    from pydantic import ValidationError

    try:
        # JSON first: YAML 1.1 would read JSON numbers such as 1e-09 as strings.
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"not a YAML or JSON document: {exc}") from None
    if not isinstance(data, dict) or "patterns" not in data:
        raise ValueError("not a compiled .plx document (no `patterns` list)")
    if data.get("plx") != ir.FORMAT_VERSION:
        raise ValueError(f"unsupported compiled format version {data.get('plx')!r} (expected {ir.FORMAT_VERSION})")
    try:
        return ir.CompiledFile.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"invalid compiled document: {exc}") from None


def load_compiled_file(path: Path) -> ir.CompiledFile:
    return load_compiled(path.read_text(encoding="utf-8"))


def json_schema() -> str:
    schema = ir.CompiledFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Compiled .plx patterns"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
