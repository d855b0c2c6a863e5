"""Snapshot expectations: `expect output matches snapshot` stores the value beside the test file (Pkl-style)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Literal

Verdict = Literal["written", "match", "mismatch"]


class SnapshotStore:
    """`<file>.plx.snapshots.json`: test name → value. Written on first run or with `--update`, else compared."""

    def __init__(self, path: Path, update: bool = False) -> None:
        self.path = path
        self.update = update
        self._lock = threading.Lock()
        self._dirty = False
        self.data: dict[str, Any] = {}
        if path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.data = loaded
            except (OSError, ValueError):
                self.data = {}

    def compare(self, key: str, value: Any) -> tuple[Verdict, Any]:
        normalised = json.loads(json.dumps(value, default=str))
        with self._lock:
            if key not in self.data or self.update:
                changed = self.data.get(key, object()) != normalised
                self.data[key] = normalised
                self._dirty = self._dirty or changed
                return ("written" if changed else "match"), normalised
            stored = self.data[key]
        return ("match" if stored == normalised else "mismatch"), stored

    def save(self) -> None:
        if not self._dirty:
            return
        ordered = {key: self.data[key] for key in sorted(self.data)}
        self.path.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self._dirty = False
