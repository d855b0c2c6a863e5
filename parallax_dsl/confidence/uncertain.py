"""Prism's `uncertain if` three-band dispatch (`uncertain`) and the band classifier (`band`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from parallax_dsl.confidence.core import Confident, cf, conf, from_, is_confident, val
from parallax_dsl.confidence.js import js_call

Band = Literal["high", "medium", "low"]

DEFAULT_HIGH: Final = 0.8
DEFAULT_MEDIUM: Final = 0.5


def band(x: Any, high: float = DEFAULT_HIGH, medium: float = DEFAULT_MEDIUM) -> Band:
    """The band x's confidence falls in: "high" if ≥ high, "medium" if ≥ medium, else "low"."""
    c = conf(x)
    if c >= high:
        return "high"
    return "medium" if c >= medium else "low"


def uncertain(
    x: Any,
    handlers: Mapping[str, Callable[..., Any]],
    high: float = DEFAULT_HIGH,
    medium: float = DEFAULT_MEDIUM,
) -> Confident:
    """Call handlers[band(x)](value, confidence); a plain return gets x's confidence, a Confident is kept."""
    name = band(x, high, medium)
    handler = handlers.get(name)
    if handler is None:
        raise KeyError(f"uncertain() has no {name!r} handler")
    c = conf(x)
    result = js_call(handler, val(x), c)
    return from_(result) if is_confident(result) else cf(result, c)
