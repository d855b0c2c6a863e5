"""EpistemicOrchestrator: confident disagreement among the first experts; avg sums the first four over all."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "EpistemicOrchestrator"
CAPS = ["code-analysis"]

CASES = [
    # PATTERNS.md: the disagreement case → 0.61
    Case(
        "valuable disagreement",
        mocks(
            ({"recommendation": "refactor"}, 0.9),
            ({"recommendation": "rewrite"}, 0.85),
            ({"recommendation": "refactor"}, 0.55),
            ({"recommendation": "refactor"}, 0.75),
        ),
        0.61,
        fields={
            "consensusLevel": "valuable_disagreement",
            "averageConfidence": 0.7625,
            "hasDisagreement": True,
            "disagreementDetails": "High-confidence disagreement between Mock Agent 1 and Mock Agent 2",
            "expertCount": 4,
            "recommendation": "Multiple valid perspectives identified - review all expert analyses",
            "analyses.1.agentName": "Mock Agent 2",
        },
    ),
    # PATTERNS.md: five agents at 0.9 → avg 0.72 (3.6 / 5), moderate
    Case(
        "five agents at 0.9: the sum stops at four",
        mocks(*[({"recommendation": "ship"}, 0.9)] * 5),
        0.72,
        fields={
            "consensusLevel": "moderate_consensus",
            "averageConfidence": 0.72,
            "hasDisagreement": False,
            "disagreementDetails": "",
            "recommendation": "ship",
        },
    ),
    Case(
        "strong consensus",
        mocks(*[({"recommendation": "ship"}, c) for c in (0.95, 0.9, 0.85, 0.9)]),
        0.9,
        fields={"consensusLevel": "strong_consensus", "recommendation": "ship"},
    ),
    Case(
        "the third expert disagrees with the first",
        mocks(
            ({"recommendation": "a"}, 0.9),
            ({"recommendation": "a"}, 0.7),
            ({"recommendation": "b"}, 0.95),
            ({"recommendation": "a"}, 0.5),
        ),
        0.61,
        fields={"disagreementDetails": "High-confidence disagreement between Mock Agent 1 and Mock Agent 3"},
    ),
    Case(
        "weak consensus; no recommendation is left out",
        mocks(({"note": "x"}, 0.5), ({"note": "y"}, 0.5), ({"note": "z"}, 0.6), ({"note": "w"}, 0.4)),
        0.5,
        fields={"consensusLevel": "weak_consensus", "hasDisagreement": False},
    ),
    Case(
        "equal map recommendations still disagree (===)",
        mocks(({"recommendation": {"do": 1}}, 0.9), ({"recommendation": {"do": 1}}, 0.9), ("x", 0.5), ("y", 0.5)),
        0.5599999999999999,
        fields={"consensusLevel": "valuable_disagreement"},
    ),
    Case(
        "four experts needed",
        mocks(("a", 0.9), ("b", 0.9), ("c", 0.9)),
        error="Not enough agents available. Required: 4, Available: 3",
    ),
]
