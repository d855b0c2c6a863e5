"""Terminal-output hygiene (`strip_ansi`) and the `CONFIDENCE: 0.85` marker agents end their turns with."""

from __future__ import annotations

import re
from typing import Final

from parallax_dsl.confidence.core import clamp01
from parallax_dsl.confidence.js import UNDEFINED, UndefinedType

_OSC: Final = re.compile("\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)")
_CSI: Final = re.compile("\x1b\\[[0-9;?]*[ -/]*[@-~]")
# JavaScript's `.` matches anything but a line terminator.
_OTHER_ESCAPE: Final = re.compile("\x1b[^\n\r\u2028\u2029]")
# Spelled out rather than re.IGNORECASE / \s so matching is exactly JavaScript's (ASCII case folding here,
# JavaScript's whitespace set).
_MARKER: Final = re.compile(
    "[cC][oO][nN][fF][iI][dD][eE][nN][cC][eE]:"
    "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*"
    "([0-9]*\\.?[0-9]+)"
)


def strip_ansi(text: str) -> str:
    """Remove OSC sequences, CSI sequences, other two-character escapes and carriage returns."""
    if not text:
        return ""
    text = _OSC.sub("", text)
    text = _CSI.sub("", text)
    text = _OTHER_ESCAPE.sub("", text)
    return text.replace("\r", "")


def parse_confidence_marker(text: str) -> float | UndefinedType:
    """The last `confidence: <number>` marker (any case, after strip_ansi), clamped; UNDEFINED if none."""
    if not text:
        return UNDEFINED
    numbers = _MARKER.findall(strip_ansi(text))
    if not numbers:
        return UNDEFINED
    return clamp01(float(numbers[-1]))
