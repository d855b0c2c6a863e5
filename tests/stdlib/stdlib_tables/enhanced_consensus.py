"""EnhancedConsensus: pairwise (loose) agreement banded into weighted-consensus, filtered-majority or synthesis."""

from stdlib_harness import ABSENT, Agent, Case

from stdlib_tables._common import mocks

NAME = "EnhancedConsensus"
CAPS: list[str] = []

CASES = [
    # PATTERNS.md "enhanced: 1/3 agreement": only one pair shares a recommendation, but every pair lacks `decision`
    # (undefined === undefined), so every pair agrees and the score is 1.
    Case(
        "loose equality: 1/3 agreement scores 1",
        mocks(({"recommendation": "A"}, 0.9), ({"recommendation": "B"}, 0.8), ({"recommendation": "A"}, 0.7)),
        1,
        fields={
            "decision": {"recommendation": "A"},
            "method": "weighted-consensus",
            "confidence": 1,
            "metrics": {
                "avgConfidence": 0.8000000000000002,
                "minConfidence": 0.7,
                "maxConfidence": 0.9,
                "consensus": 1,
                "agentCount": 3,
            },
            "reasoning": "High consensus among agents enabled weighted combination of results",
        },
    ),
    # Agreement needs all three fields to differ: 2 of 3 pairs share a recommendation or a decision.
    Case(
        "medium: majority vote among confident answers",
        mocks(
            ({"recommendation": "A", "decision": 1, "value": 1}, 0.9),
            ({"recommendation": "A", "decision": 2, "value": 2}, 0.75),
            ({"recommendation": "B", "decision": 2, "value": 3}, 0.8),
        ),
        0.6666666666666666,
        fields={
            "decision": {"recommendation": "A", "decision": 1, "value": 1},
            "method": "filtered-majority",
            "reasoning": "Medium consensus - used majority vote among high-confidence results",
        },
    ),
    Case(
        "medium with no confident answer synthesizes",
        mocks(
            ({"recommendation": "A", "decision": 1, "value": 1}, 0.6),
            ({"recommendation": "A", "decision": 2, "value": 2}, 0.7),
            ({"recommendation": "B", "decision": 2, "value": 3}, 0.5),
        ),
        0.6666666666666666,
        fields={"decision": {"recommendation": "A", "decision": 2, "value": 2}, "method": "filtered-majority"},
    ),
    Case(
        "low: synthesis",
        mocks(
            ({"recommendation": "x", "decision": "a", "value": 1}, 0.6),
            ({"recommendation": "y", "decision": "b", "value": 2}, 0.9),
        ),
        0,
        fields={
            "decision": {"recommendation": "y", "decision": "b", "value": 2},
            "method": "synthesis",
            "reasoning": "Low consensus required synthesis across 2 different agent opinions",
        },
    ),
    # upstream quirk: `top.value ?? top` — a null top answer makes the decision the {value, confidence} pair.
    Case(
        "failed agents agree; the decision is the pair itself",
        [Agent("a", error="x"), Agent("b", error="y")],
        1,
        fields={
            "decision": {"value": None, "confidence": 0},
            "method": "weighted-consensus",
            "metrics.minConfidence": 0,
            "metrics.maxConfidence": 0,
        },
    ),
    Case(
        "equal maps are not identical",
        mocks(({"decision": {"go": True}}, 0.9), ({"decision": {"go": True}}, 0.9)),
        1,
        fields={"method": "weighted-consensus", "decision.decision": {"go": True}},
    ),
    Case("one agent is not enough", mocks(("x", 0.9)), error="Not enough agents available. Required: 2, Available: 1"),
    Case(
        "an unused minConsensus input is accepted",
        mocks(("x", 0.9), ("y", 0.8)),
        1,
        input={"domain": "ops", "minConsensus": 0.99},
        fields={"decision": "x", "confidence": 1, "metrics.agentCount": 2, "extra": ABSENT},
    ),
]
