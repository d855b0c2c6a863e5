"""SimpleConsensus: mean confidence of all results; > 0.7 (strict) is consensus."""

from stdlib_harness import Agent, Case

NAME = "SimpleConsensus"
CAPS: list[str] = []

CASES = [
    # CONFIDENCE.md / PATTERNS.md "simple: …" examples
    Case(
        "two yeses reach consensus",
        [Agent("a1", "yes", 0.9, name="Mock Agent 1"), Agent("a2", "yes", 0.8, name="Mock Agent 2")],
        0.8500000000000001,
        value={
            "status": "consensus_reached",
            "confidence": 0.8500000000000001,
            "agentCount": 2,
            "agents": [
                {"name": "Mock Agent 1", "confidence": 0.9, "result": "yes"},
                {"name": "Mock Agent 2", "confidence": 0.8, "result": "yes"},
            ],
        },
        input={"task": "Is the build green?"},
    ),
    Case(
        "yes and no at low confidence",
        [Agent("a1", "yes", 0.5), Agent("a2", "no", 0.6)],
        0.55,
        fields={"status": "low_consensus", "confidence": 0.55},
    ),
    Case(
        "exactly 0.7 is not consensus",
        [Agent("a1", "y", 0.7), Agent("a2", "y", 0.7)],
        0.7,
        fields={"status": "low_consensus"},
    ),
    Case(
        "a failed agent counts with confidence 0",
        [Agent("a1", {"ok": True}, 0.9), Agent("a2", error="timeout")],
        0.45,
        fields={
            "status": "low_consensus",
            "agentCount": 2,
            "agents.1": {"name": "a2", "confidence": 0, "result": None},
        },
    ),
    Case(
        "any capabilities and extra input keys",
        [Agent("a", 1, 1, capabilities=["x"]), Agent("b", 0, 0.95, capabilities=[])],
        0.975,
        fields={"status": "consensus_reached"},
        input={"task": "t", "data": {"k": 1}, "context": "extra"},
    ),
    Case(
        "fewer than two agents",
        [Agent("a1", "yes", 0.9)],
        error="Not enough agents available. Required: 2, Available: 1",
    ),
]
