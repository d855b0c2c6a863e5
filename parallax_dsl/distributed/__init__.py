"""Distributed execution: agent calls on a Ray cluster (`RayBackend`), behind the runtime's `Executor` seam.

Importing this package does not import Ray; `RayBackend.open()` does, and says how to install it when it is
missing (`pip install 'parallax-dsl[ray]'`)."""

from __future__ import annotations

from parallax_dsl.distributed.ray_backend import RAY_FEATURE, RAY_INSTALL_HINT, RayBackend

__all__ = ["RAY_FEATURE", "RAY_INSTALL_HINT", "RayBackend"]
