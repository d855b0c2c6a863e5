"""Validating a run's input against the pattern's `input { … }` declaration and applying defaults."""

from __future__ import annotations

import copy
from typing import Any

from parallax_dsl.ir.model import CompiledPattern
from parallax_dsl.runtime.errors import INVALID_INPUT, PlxRuntimeError

TypeTree = tuple[str, tuple["TypeTree", ...]]


def parse_type(text: str) -> TypeTree:
    """`list[map[number]]` → ("list", (("map", (("number", ()),)),))."""
    pos = 0

    def parse() -> TypeTree:
        nonlocal pos
        start = pos
        while pos < len(text) and (text[pos].isalnum() or text[pos] == "_"):
            pos += 1
        name = text[start:pos]
        args: list[TypeTree] = []
        if pos < len(text) and text[pos] == "[":
            pos += 1
            while True:
                while pos < len(text) and text[pos] == " ":
                    pos += 1
                args.append(parse())
                while pos < len(text) and text[pos] == " ":
                    pos += 1
                if pos < len(text) and text[pos] == ",":
                    pos += 1
                    continue
                break
            if pos < len(text) and text[pos] == "]":
                pos += 1
        return name, tuple(args)

    return parse()


def _describe(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int | float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a map"
    return type(v).__name__


def _type_text(t: TypeTree) -> str:
    name, args = t
    return name if not args else f"{name}[{', '.join(_type_text(a) for a in args)}]"


def check_value(value: Any, t: TypeTree, where: str) -> str | None:
    """None when `value` has type `t`, else a message naming the first offending place."""
    name, args = t
    if name == "any":
        return None
    if name == "optional":
        return None if value is None else check_value(value, args[0], where) if args else None
    ok = {
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "integer": lambda v: (
            (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
        ),
        "boolean": lambda v: isinstance(v, bool),
        "list": lambda v: isinstance(v, list),
        "map": lambda v: isinstance(v, dict),
    }.get(name)
    if ok is None:
        return None  # an unknown type name was already reported by `plxc check`
    if not ok(value):
        article = "an" if name[0] in "aeiou" else "a"
        return f"`{where}` must be {article} {_type_text(t)}, not {_describe(value)}"
    if name == "list" and args:
        for i, item in enumerate(value):
            problem = check_value(item, args[0], f"{where}[{i}]")
            if problem:
                return problem
    if name == "map" and args:
        for key, item in value.items():
            problem = check_value(item, args[0], f"{where}.{key}")
            if problem:
                return problem
    return None


def validate_input(pattern: CompiledPattern, data: Any) -> Any:
    """The input the run sees: `data` checked against the declaration (required fields, types, no unknown
    fields unless the pattern says `open_input true`) with defaults filled in. Raises
    PlxRuntimeError(INVALID_INPUT). Patterns without an `input` block accept any JSON value (`null` when none
    was given)."""
    if not pattern.input_declared and not pattern.input:
        return data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PlxRuntimeError(
            INVALID_INPUT, f"the input of {pattern.name} must be a JSON object, not {_describe(data)}"
        )
    unknown = [k for k in data if k not in pattern.input]
    open_input = pattern.settings.get("open_input") is True
    if unknown and not open_input:
        declared = ", ".join(pattern.input) or "none"
        raise PlxRuntimeError(
            INVALID_INPUT, f"unknown input field `{unknown[0]}` for {pattern.name} (declared: {declared})"
        )
    out: dict[str, Any] = {}
    for name, spec in pattern.input.items():
        if name in data:
            problem = check_value(data[name], parse_type(spec.type), name)
            if problem:
                raise PlxRuntimeError(INVALID_INPUT, f"invalid input for {pattern.name}: {problem}")
            out[name] = data[name]
        elif spec.required:
            raise PlxRuntimeError(
                INVALID_INPUT, f"missing required input field `{name}` ({spec.type}) for {pattern.name}"
            )
        else:
            out[name] = copy.deepcopy(spec.default)
    if open_input:  # `open_input true`: undeclared fields are kept as given (not checked)
        for name in unknown:
            out[name] = data[name]
    return out
