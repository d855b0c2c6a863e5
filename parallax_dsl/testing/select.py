"""`-k EXPR`: pytest-style keyword expressions (`consensus and not slow`) matched against test ids."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


class KeywordError(ValueError):
    """The -k expression is malformed."""


def matches(expression: str, test_id: str) -> bool:
    """Whether `test_id` (`file::name`) satisfies `expression`: words match as case-insensitive substrings."""
    tokens: list[str] = [str(t) for t in _TOKEN.findall(expression) if t]
    position = 0
    haystack = test_id.lower()

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        if position >= len(tokens):
            raise KeywordError(f"unexpected end of -k expression {expression!r}")
        position += 1
        return tokens[position - 1]

    def parse_or() -> bool:
        value = parse_and()
        while peek() == "or":
            take()
            value = parse_and() or value
        return value

    def parse_and() -> bool:
        value = parse_not()
        while peek() == "and":
            take()
            value = parse_not() and value
        return value

    def parse_not() -> bool:
        if peek() == "not":
            take()
            return not parse_not()
        token = take()
        if token == "(":
            value = parse_or()
            if take() != ")":
                raise KeywordError(f"missing `)` in -k expression {expression!r}")
            return value
        if token in (")", "and", "or"):
            raise KeywordError(f"unexpected `{token}` in -k expression {expression!r}")
        return token.lower() in haystack

    if not tokens:
        return True
    result = parse_or()
    if position != len(tokens):
        raise KeywordError(f"unexpected `{tokens[position]}` in -k expression {expression!r}")
    return result
