"""ConfidenceCascade: the first answer reaching the target stops the walk; else the best seen."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "ConfidenceCascade"
CAPS = ["query-processing"]
REST = [({"mock": True}, 0.8)] * 2  # the upstream tests' unconfigured mock agents answer at 0.8

CASES = [
    # PATTERNS.md: (0.5, 0.7, 0.9, …) target 0.85 → achieved at attempt 3 with 0.9
    Case(
        "patterns.test: cascade to the third",
        mocks(({"step": 1}, 0.5), ({"step": 2}, 0.7), ({"step": 3}, 0.9), *REST),
        0.9,
        input={"task": "Test cascade", "data": {}, "minConfidence": 0.85},
        fields={
            "status": "target_achieved",
            "attempts": 3,
            "result": {"step": 3},
            "selectedAgent": "Mock Agent 3",
            "targetConfidence": 0.85,
            "recommendation": "Target confidence achieved",
            "metadata": {
                "targetConfidence": 0.85,
                "agentsAvailable": 5,
                "attemptsMade": 3,
                "confidenceProgression": [0.5, 0.7, 0.9],
            },
        },
    ),
    # PATTERNS.md: (0.95, …) → attempt 1
    Case(
        "patterns.test: early stop",
        mocks(({"high": True}, 0.95), *REST),
        0.95,
        input={"task": "Test early stop", "data": {}, "minConfidence": 0.8},
        fields={"status": "target_achieved", "attempts": 1, "metadata.confidenceProgression": [0.95]},
    ),
    # PATTERNS.md: (0.5, 0.65) → best_effort 0.65; (0.3, 0.4) → low_confidence 0.4
    Case(
        "best effort",
        mocks(("a", 0.5), ("b", 0.65)),
        0.65,
        fields={
            "status": "best_effort",
            "attempts": 2,
            "selectedAgent": "Mock Agent 2",
            "result": "b",
            "recommendation": "Consider lowering confidence threshold or adding more agents",
        },
    ),
    Case(
        "low confidence",
        mocks(("a", 0.3), ("b", 0.4)),
        0.4,
        fields={"status": "low_confidence", "recommendation": "Manual review recommended", "targetConfidence": 0.8},
    ),
    Case("exactly the target is enough", mocks(("a", 0.8), ("b", 0.9)), 0.8, fields={"attempts": 1}),
    Case(
        "the first of equally good answers is kept",
        mocks(("a", 0.6), ("b", 0.6)),
        0.6,
        fields={"selectedAgent": "Mock Agent 1", "status": "low_confidence"},
    ),
    Case(
        "null target means the default 0.8",
        mocks(("a", 0.85)),
        0.85,
        input={"minConfidence": None},
        fields={"status": "target_achieved", "targetConfidence": 0.8},
    ),
    Case(
        "a failed agent is an attempt at confidence 0",
        [*mocks(("a", 0.7)), mocks(("b", 0), error="x")[0]],
        0.7,
        fields={"attempts": 2, "metadata.confidenceProgression": [0.7, 0], "status": "best_effort"},
    ),
]
