"""Helpers for the runtime tests: compile-and-run in one call, scripted agents, licences."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import parallax_dsl
from parallax_dsl.ir.model import CompiledPattern
from parallax_dsl.license.features import ENTERPRISE, features_for
from parallax_dsl.license.model import LicenseInfo, open_source_info
from parallax_dsl.runtime import BaseAgent, RunResult, run

OPEN_SOURCE = open_source_info(max_agents=3)
ENTERPRISE_INFO = LicenseInfo(edition="Enterprise", tier=ENTERPRISE, max_agents=None, features=features_for(ENTERPRISE))
UNLIMITED = open_source_info(max_agents=None)


class Scripted(BaseAgent):
    """An agent answering from a list of answers (or callables of the task); records every task it got."""

    def __init__(
        self,
        id: str,
        capabilities: Sequence[str] = ("analysis",),
        answers: Sequence[Any] = (),
        *,
        delay: float = 0.0,
        expertise: float = 0.7,
        historical_confidence: float = 0.75,
    ) -> None:
        super().__init__(
            id, capabilities=capabilities, expertise=expertise, historical_confidence=historical_confidence
        )
        self.answers = list(answers)
        self.delay = delay
        self.tasks: list[dict[str, Any]] = []
        self.cancelled = False

    async def __call__(self, task: Any) -> Any:
        self.tasks.append(task)
        index = min(len(self.tasks) - 1, len(self.answers) - 1)
        answer = self.answers[index] if self.answers else {"value": self.id, "confidence": 0.9}
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if callable(answer):
                answer = answer(task)
                if isinstance(answer, Awaitable):
                    answer = await answer
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if isinstance(answer, BaseException):
            raise answer
        return answer

    @property
    def calls(self) -> int:
        return len(self.tasks)


def answer(value: Any, confidence: float, **extra: Any) -> dict[str, Any]:
    return {"value": value, "confidence": confidence, **extra}


def compile_text(text: str, pattern: str | None = None) -> CompiledPattern:
    return parallax_dsl.compile(text, pattern)


def run_text(
    text: str,
    input: Any = None,
    agents: Sequence[Any] = (),
    *,
    license: LicenseInfo = UNLIMITED,
    **kwargs: Any,
) -> RunResult:
    """Compile `text` and run it to completion (fresh event loop)."""
    return asyncio.run(run(text, input, agents, license=license, **kwargs))


def lets(body: str, input_decl: str = "input { x: any = null }") -> str:
    """A pattern whose body is `body` and whose output is the last `let` (named `out`)."""
    return f"pattern T {{\n{input_decl}\n{body}\noutput out\n}}"


RunFn = Callable[..., RunResult]
