"""Deterministic demo agents for the example patterns: `plxc run examples/… --agents examples/agents.py`.

They cover every capability the examples use (code-review, analysis, expert, coding, architecture, summarization)
and answer from fixed rules on the task text, so a run gives the same answers every time. Real agents are LLMs
behind HTTP (see docs/runtime.md, "HTTP agents") or your own Python functions written the same way as these.
"""

from __future__ import annotations

import asyncio
from typing import Any

from parallax_dsl.runtime import agent

Task = dict[str, Any]


def _text(task: Task) -> str:
    args = task.get("args") or {}
    return " ".join(str(v) for v in (task.get("task"), args.get("code"), args.get("text")) if v).lower()


# --------------------------------------------------------------------------------------------- code review


def _review(task: Task, recommendation: str, confidence: float) -> dict[str, Any]:
    if task.get("action") == "review" and "subject" in (task.get("args") or {}):
        # Asked to verify someone else's work (`verify agent reviewers …`): the VERDICT / CONFIDENCE protocol.
        return {
            "value": "The change is small and covered by tests.\nVERDICT: approve\nCONFIDENCE: 0.85",
            "confidence": 0.85,
        }
    code = _text(task)
    if "while true" in code and "sleep" not in code:
        return {
            "value": {"recommendation": recommendation, "severity": "high"},
            "confidence": confidence,
            "reasoning": "an unbounded loop without a delay hammers the service",
        }
    return {"value": {"recommendation": "approve", "severity": "low"}, "confidence": confidence - 0.1}


@agent(capabilities=["code-review"], expertise=0.9, name="Alice (senior reviewer)")
def alice(task: Task) -> dict[str, Any]:
    return _review(task, "add a backoff", 0.92)


@agent(capabilities=["code-review"], expertise=0.8, name="Bob (reviewer)")
def bob(task: Task) -> dict[str, Any]:
    return _review(task, "add a backoff", 0.86)


@agent(capabilities=["code-review"], expertise=0.7, name="Carol (reviewer)")
async def carol(task: Task) -> dict[str, Any]:
    await asyncio.sleep(0.01)  # finishes last; results still come back in dispatch order
    return _review(task, "cap retries", 0.74)


@agent(capabilities=["code-review"], expertise=0.6, name="Dan (junior reviewer)")
def dan(task: Task) -> dict[str, Any]:
    return _review(task, "cap retries", 0.6)


# --------------------------------------------------------------------------------------------- analysis


@agent(capabilities=["analysis"], expertise=0.6, name="Generalist")
def generalist(task: Task) -> dict[str, Any]:
    text = _text(task)
    if any(word in text for word in ("security", "cryptograph", "legal")):
        return {"value": "outside my depth", "confidence": 0.3, "reasoning": "needs a specialist"}
    if any(word in text for word in ("refactor", "migrate", "performance")):
        return {"value": "probably fine with care", "confidence": 0.65, "reasoning": "moderately complex"}
    return {"value": "straightforward", "confidence": 0.9, "reasoning": "routine task"}


@agent(capabilities=["analysis", "expert"], expertise=0.9, name="Specialist Kim")
def kim(task: Task) -> dict[str, Any]:
    return {"value": "split the change into two reviewed steps", "confidence": 0.88}


@agent(capabilities=["analysis", "expert"], expertise=0.85, name="Specialist Lee")
def lee(task: Task) -> dict[str, Any]:
    return {"value": "add characterisation tests first", "confidence": 0.8}


# --------------------------------------------------------------------------------------------- coding


@agent(capabilities=["coding"], expertise=0.8, name="Coder Ada")
async def ada(task: Task) -> dict[str, Any]:
    if task.get("action") == "sketch":
        await asyncio.sleep(0.05)
        return {"value": "plan: fix the bound, add a regression test", "confidence": 0.8}
    return {
        "value": "diff --git a/pager.py b/pager.py\n-    end = start + size + 1\n+    end = start + size",
        "confidence": 0.75,
    }


@agent(capabilities=["coding"], expertise=0.7, name="Coder Brook")
async def brook(task: Task) -> dict[str, Any]:
    if task.get("action") == "sketch":
        await asyncio.sleep(0.01)
        return {"value": "plan: rewrite the pager", "confidence": 0.55}
    return {"value": "diff --git a/pager.py b/pager.py (rewrite)", "confidence": 0.6}


@agent(capabilities=["architecture"], expertise=0.95, name="Architect")
def architect(task: Task) -> dict[str, Any]:
    return {
        "value": "Keep the fix minimal: correct the bound and add a test for the last page.",
        "confidence": 0.9,
        "reasoning": "reviewed the escalated change",
    }


# --------------------------------------------------------------------------------------------- summarization


def _summary(task: Task, style: str) -> dict[str, Any]:
    text = str((task.get("args") or {}).get("text") or task.get("task") or "")
    first = text.split(".")[0].strip()
    confidence = 0.9 if len(text) > 40 else 0.6
    return {"value": f"{style}: {first}", "confidence": confidence}


@agent(capabilities=["summarization"], expertise=0.8, name="Summarizer One")
def summarizer_one(task: Task) -> dict[str, Any]:
    return _summary(task, "brief")


@agent(capabilities=["summarization"], expertise=0.7, name="Summarizer Two")
def summarizer_two(task: Task) -> dict[str, Any]:
    return _summary(task, "gist")


# Dispatch order = this order (the generalist comes before the specialists so a `max 1` analysis group picks it).
AGENTS = [alice, bob, carol, dan, generalist, kim, lee, ada, brook, architect, summarizer_one, summarizer_two]
