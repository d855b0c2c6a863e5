"""Verification oracles and the pieces of the confidence policy (ORG_CHART.md §4) that do not call agents."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from parallax_dsl.confidence import UNDEFINED, clamp01, parse_confidence_marker, strip_ansi
from parallax_dsl.ir.model import Policy

#: The policy used when a step has `verify` but neither it nor the pattern states one.
DEFAULT_POLICY: Final = Policy(accept=0.8, retryBelow=0.6, escalateBelow=0.4)
DEFAULT_COMMAND_TIMEOUT_MS: Final = 120_000

_VERDICT: Final = re.compile(r"VERDICT:\s*(approve|accept|revise|reject)", re.IGNORECASE)

REVIEW_PROTOCOL: Final = (
    "End your review with exactly these two lines:\nVERDICT: approve | revise | reject\nCONFIDENCE: <0.0-1.0>"
)


def js_to_fixed(x: float, digits: int = 2) -> str:
    """JavaScript `x.toFixed(digits)`: exact binary value, ties rounded up in magnitude (0.125 → "0.13")."""
    q = Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    return "0" + text[2:] if text.startswith("-0") and q == 0 else text


def parse_review_verdict(text: str) -> tuple[str | None, float | None]:
    """(verdict, confidence) from a review: the last `VERDICT:` (accept ≡ approve) and the last `CONFIDENCE:`
    marker. approve → marker ?? 0.9; revise → min(marker ?? 0.5, 0.6); reject → min(marker ?? 0.1, 0.3);
    no verdict → the marker; nothing → (None, None)."""
    clean = strip_ansi(text or "")
    found = _VERDICT.findall(clean)
    raw_marker = parse_confidence_marker(clean)
    marker = None if raw_marker is UNDEFINED else float(raw_marker)
    if not found:
        return None, marker
    verdict = found[-1].lower()
    if verdict == "accept":
        verdict = "approve"
    if verdict == "approve":
        return verdict, marker if marker is not None else 0.9
    if verdict == "revise":
        return verdict, min(marker if marker is not None else 0.5, 0.6)
    return verdict, min(marker if marker is not None else 0.1, 0.3)


@dataclass
class OracleResult:
    """One oracle's signal (None = no signal) and what it saw."""

    type: str
    confidence: float | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "confidence": self.confidence, "detail": self.detail}


def _tail(text: str, limit: int = 600) -> str:
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-limit:]


async def run_command_oracle(
    command: str,
    *,
    cwd: str | None = None,
    timeout_ms: float = DEFAULT_COMMAND_TIMEOUT_MS,
    pass_confidence: float = 1.0,
    fail_confidence: float = 0.0,
    score: str | None = None,
) -> OracleResult:
    """Run a shell command: exit 0 → pass_confidence, else fail_confidence; when `score` (a regex with two groups,
    passed and failed) matches stdout+stderr, passed / (passed + failed) instead. A timeout fails; cancelling
    kills the command's process group."""
    try:
        proc = await asyncio.create_subprocess_shell(
            command,
            cwd=cwd or None,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            stdin=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return OracleResult("command", clamp01(fail_confidence), f"`{command}` could not start: {exc}")
    try:
        async with asyncio.timeout(timeout_ms / 1000):
            out, err = await proc.communicate()
    except TimeoutError:
        _kill(proc)
        await proc.wait()
        return OracleResult("command", clamp01(fail_confidence), f"`{command}` timed out after {timeout_ms:g} ms")
    except asyncio.CancelledError:
        _kill(proc)
        with contextlib.suppress(Exception):
            await asyncio.shield(proc.wait())
        raise
    text = out.decode("utf-8", "replace") + err.decode("utf-8", "replace")
    if score:
        try:
            match = re.search(score, text)
        except re.error as exc:
            return OracleResult("command", clamp01(fail_confidence), f"invalid score pattern {score!r}: {exc}")
        if match and match.re.groups >= 2:
            passed, failed = int(match.group(1) or 0), int(match.group(2) or 0)
            if passed + failed > 0:
                value = passed / (passed + failed)
                return OracleResult(
                    "command", clamp01(value), f"`{command}`: {passed} passed, {failed} failed (score {value:g})"
                )
    code = proc.returncode
    if code == 0:
        return OracleResult("command", clamp01(pass_confidence), f"`{command}` passed")
    return OracleResult("command", clamp01(fail_confidence), f"`{command}` failed (exit {code}): {_tail(text)}")


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
