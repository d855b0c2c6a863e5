"""CascadingRefinement: up to three tiers; early success at tier 1 or 2; later tiers adopted only if better."""

from stdlib_harness import ABSENT, Case

from stdlib_tables._common import mocks

NAME = "CascadingRefinement"
CAPS = ["code-analysis"]


def path(*tiers: tuple[int, float]) -> list[dict[str, object]]:
    names = ["fast", "medium", "thorough"]
    return [{"tier": t, "agentName": f"Mock Agent {t}", "confidence": c, "duration": names[t - 1]} for t, c in tiers]


CASES = [
    # PATTERNS.md: (0.6, 0.85, 0.9) → tier 2, 0.85
    Case(
        "target met at tier 2",
        mocks(("t1", 0.6), ("t2", 0.85), ("t3", 0.9)),
        0.85,
        value={
            "value": "t2",
            "confidence": 0.85,
            "refinementPath": path((1, 0.6), (2, 0.85)),
            "message": "Target confidence achieved with tier 2",
        },
    ),
    # PATTERNS.md: (0.9, …) → tier 1
    Case(
        "target met at tier 1",
        mocks(("t1", 0.9), ("t2", 0.95), ("t3", 0.99)),
        0.9,
        fields={
            "message": "Target confidence achieved with tier 1",
            "refinementPath": path((1, 0.9)),
            "targetConfidence": ABSENT,
        },
    ),
    # PATTERNS.md: (0.5, 0.4, 0.7) → 0.7 best effort
    Case(
        "best effort after three tiers",
        mocks(("t1", 0.5), ("t2", 0.4), ("t3", 0.7)),
        0.7,
        value={
            "value": "t3",
            "confidence": 0.7,
            "refinementPath": path((1, 0.5), (2, 0.4), (3, 0.7)),
            "targetConfidence": 0.8,
            "message": "Best effort - target confidence not reached",
        },
    ),
    # PATTERNS.md: maxTier 1 → 0.5
    Case(
        "maxTier 1",
        mocks(("t1", 0.5), ("t2", 0.9), ("t3", 0.9)),
        0.5,
        input={"maxTier": 1},
        fields={"refinementPath": path((1, 0.5)), "message": "Best effort - target confidence not reached"},
    ),
    Case(
        "tier 3 reaching the target has the generic message",
        mocks(("t1", 0.5), ("t2", 0.6), ("t3", 0.85)),
        0.85,
        fields={"message": "Target confidence achieved", "targetConfidence": 0.8, "value": "t3"},
    ),
    Case(
        "a less confident later tier is not adopted",
        mocks(("t1", 0.7), ("t2", 0.6), ("t3", 0.65)),
        0.7,
        fields={"value": "t1", "refinementPath": path((1, 0.7), (2, 0.6), (3, 0.65))},
    ),
    Case(
        "a fourth agent is never a tier",
        mocks(("t1", 0.1), ("t2", 0.2), ("t3", 0.3), ("t4", 0.99)),
        0.3,
        fields={"value": "t3"},
    ),
    Case(
        "maxTier 0: no tier runs",
        mocks(("t1", 0.9), ("t2", 0.9), ("t3", 0.9)),
        0,
        input={"maxTier": 0},
        value={
            "value": None,
            "confidence": 0,
            "refinementPath": [],
            "targetConfidence": 0.8,
            "message": "Best effort - target confidence not reached",
        },
    ),
    Case(
        "a custom target",
        mocks(("t1", 0.6), ("t2", 0.65), ("t3", 0.9)),
        0.6,
        input={"minConfidence": 0.55},
        fields={"message": "Target confidence achieved with tier 1"},
    ),
]
