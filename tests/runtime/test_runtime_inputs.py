"""Input validation against the pattern's `input` declaration: required fields, types, defaults."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_helpers import compile_text, run_text

from parallax_dsl.runtime import PlxRuntimeError
from parallax_dsl.runtime.inputs import parse_type, validate_input

DECL = """pattern In {
  input {
    task: string
    limit: integer = 3
    ratio: number = 0.5
    strict: boolean = false
    tags: list[string] = ["a"]
    scores: map[number] = {}
    note: optional[string]
    nested: list[list[integer]] = []
    extra: any = null
  }
  output input
}"""


def test_defaults_are_applied() -> None:
    result = run_text(DECL, {"task": "t"})
    assert result.value == {
        "task": "t",
        "limit": 3,
        "ratio": 0.5,
        "strict": False,
        "tags": ["a"],
        "scores": {},
        "note": None,
        "nested": [],
        "extra": None,
    }


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "missing required input field `task` (string) for In"),
        ({"task": 1}, "invalid input for In: `task` must be a string, not a number"),
        ({"task": "t", "limit": 2.5}, "invalid input for In: `limit` must be an integer, not a number"),
        ({"task": "t", "strict": 1}, "invalid input for In: `strict` must be a boolean, not a number"),
        ({"task": "t", "tags": ["a", 2]}, "invalid input for In: `tags[1]` must be a string, not a number"),
        ({"task": "t", "scores": {"x": "high"}}, "invalid input for In: `scores.x` must be a number, not a string"),
        (
            {"task": "t", "nested": [[1], [True]]},
            "invalid input for In: `nested[1][0]` must be an integer, not a boolean",
        ),
        (
            {"task": "t", "tsk": 1},
            "unknown input field `tsk` for In (declared: task, limit, ratio, strict, tags, "
            "scores, note, nested, extra)",
        ),
    ],
)
def test_invalid_input_is_reported_clearly(given: dict[str, Any], message: str) -> None:
    result = run_text(DECL, given)
    assert result.error is not None
    assert (result.error.code, result.error.message) == ("INVALID_INPUT", message)


def test_accepted_values() -> None:
    pattern = compile_text(DECL)
    value = validate_input(pattern, {"task": "t", "limit": 4.0, "note": "n", "extra": {"any": [1]}})
    assert value["limit"] == 4.0 and value["note"] == "n"
    with pytest.raises(PlxRuntimeError, match="must be a JSON object"):
        validate_input(pattern, [1])


def test_patterns_without_an_input_block_accept_anything() -> None:
    assert run_text("pattern Any { output input }", [1, 2]).value == [1, 2]


def test_defaults_are_not_shared_between_runs() -> None:
    pattern = compile_text(DECL)
    first = validate_input(pattern, {"task": "t"})
    first["tags"].append("mutated")
    assert validate_input(pattern, {"task": "t"})["tags"] == ["a"]


def test_parse_type() -> None:
    assert parse_type("list[map[number]]") == ("list", (("map", (("number", ()),)),))
    assert parse_type("string") == ("string", ())
