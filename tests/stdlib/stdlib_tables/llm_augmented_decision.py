"""LLMAugmentedDecision: consensus = 1 − 2·variance of the confidences, banded; LLM stub when enabled and low."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "LLMAugmentedDecision"
CAPS: list[str] = []

CASES = [
    # PATTERNS.md: (0.2, 0.9, 0.95) → 0.7655555555555555, medium, decision {decision: 'go'}
    Case(
        "medium consensus: weighted vote by decision",
        mocks(({"decision": "stop"}, 0.2), ({"decision": "go", "by": "b"}, 0.9), ({"decision": "go", "by": "c"}, 0.95)),
        0.7655555555555555,
        value={
            "decision": {"decision": "go", "by": "c"},
            "confidence": 0.7655555555555555,
            "reasoning": "Medium consensus using weighted voting",
            "consensus": 0.7655555555555555,
            "augmented": False,
            "agentCount": 3,
            "metadata": {"pattern": "LLMAugmentedDecision", "llmEnabled": False, "threshold": 0.6},
        },
    ),
    Case(
        "high consensus: the most confident answer",
        mocks(({"decision": "a"}, 0.9), ({"decision": "b"}, 0.92)),
        0.9998,
        fields={"decision": {"decision": "b"}, "reasoning": "High consensus among agents", "augmented": False},
    ),
    Case(
        "one agent: its own confidence",
        mocks(({"recommendation": "x"}, 0.55)),
        0.55,
        fields={"decision": {"recommendation": "x"}, "reasoning": "Medium consensus using weighted voting"},
    ),
    # A variance of confidences is at most 0.25, so two or more agents never score below 0.5: low needs one agent.
    Case(
        "ties between vote groups go to the first seen; keys fall back to recommendation and default",
        mocks(
            ({"decision": "a"}, 0.1),
            ({"recommendation": "b"}, 0.9),
            ({"decision": "a"}, 0.95),
            ("x", 0.2),
            ({"decision": "", "recommendation": "b"}, 0.3),
        ),
        0.7392,
        input={"useLLM": False, "llmThreshold": 0.3},
        fields={
            "decision": {"decision": "a"},
            "metadata.threshold": 0.3,
            "reasoning": "Medium consensus using weighted voting",
        },
    ),
    Case(
        "medium consensus augmented by the LLM stub",
        mocks(("a", 0.2), ("b", 0.9), ("c", 0.95)),
        0.8,
        input={"useLLM": True, "llmThreshold": 0.9},
        fields={
            "decision": "Based on analysis, proceed with caution",
            "augmented": True,
            "consensus": 0.7655555555555555,
            "reasoning": "Medium consensus augmented with LLM analysis",
            "metadata.llmEnabled": True,
        },
    ),
    Case(
        "low consensus resolved by the LLM stub",
        mocks(("a", 0.3)),
        0.8,
        input={"useLLM": True},
        fields={"augmented": True, "reasoning": "Low consensus resolved through LLM meta-analysis", "consensus": 0.3},
    ),
    Case(
        "low consensus blocks on a critical concern",
        mocks(({"risk": "high", "note": "x"}, 0.3)),
        0.3,
        fields={
            "decision": {
                "action": "block",
                "reason": "Critical concerns identified",
                "concern": {
                    "agentId": "mock-agent-1",
                    "agentName": "Mock Agent 1",
                    "capabilities": [],
                    "expertise": 0.7,
                    "result": {"risk": "high", "note": "x"},
                    "confidence": 0.3,
                    "timestamp": 0,
                },
            },
            "reasoning": "Low consensus - taking conservative approach",
        },
    ),
    Case(
        "low consensus without blockers proceeds with caution",
        mocks(({"recommendation": "wait", "severity": "low"}, 0.4)),
        0.4,
        fields={
            "decision": {
                "action": "proceed-with-caution",
                "reason": "No critical blockers but low consensus",
                "recommendation": {"recommendation": "wait", "severity": "low"},
            }
        },
    ),
]
