"""parallax-dsl: the .plx pattern language — parse, check, compile and run coordination patterns."""

from __future__ import annotations

__version__ = "0.1.0"
