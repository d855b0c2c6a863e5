"""ParallelExploration: confident disagreement among the first three explores; avg sums three over all."""

from stdlib_harness import ABSENT, Case

from stdlib_tables._common import mocks

NAME = "ParallelExploration"
CAPS = ["code-analysis"]

CASES = [
    # PATTERNS.md: divergent → 0.8250000000000001
    Case(
        "divergent exploration",
        mocks(
            ({"recommendation": "cache"}, 0.9), ({"recommendation": "shard"}, 0.85), ({"recommendation": "queue"}, 0.5)
        ),
        0.8250000000000001,
        fields={
            "strategy": "divergent_exploration",
            "explorationNeeded": True,
            "hasConsensus": False,
            "averageConfidence": 0.75,
            "highConfidenceCount": 2,
            "consensusThreshold": 0.6,
            "recommendation": "Multiple valid approaches detected - consider all perspectives",
            "insights": {"divergentThinking": True, "strongAgreement": False, "uncertaintyPresent": False},
            "approaches.2.result": {"recommendation": "queue"},
        },
    ),
    # PATTERNS.md: 4 agents → avg 0.675
    Case(
        "four agents: the sum stops at three",
        mocks(
            ({"recommendation": "a"}, 0.9),
            ({"recommendation": "a"}, 0.9),
            ({"recommendation": "b"}, 0.9),
            ({"recommendation": "a"}, 0.1),
        ),
        0.675,
        fields={
            "strategy": "consensus_reached",
            "hasConsensus": True,
            "recommendation": "a",
            "insights.strongAgreement": False,
        },
    ),
    Case(
        "agreement of the second and third",
        mocks(({"recommendation": "x"}, 0.5), ({"recommendation": "y"}, 0.5), ({"recommendation": "y"}, 0.5)),
        0.5,
        fields={
            "strategy": "standard_analysis",
            "hasConsensus": True,
            "recommendation": "x",
            "insights.uncertaintyPresent": True,
        },
    ),
    # upstream quirk: answers without a recommendation agree (undefined === undefined)
    Case(
        "missing recommendations agree",
        mocks(("plain", 0.9), ("text", 0.95), ("more", 0.9)),
        0.9166666666666666,
        fields={
            "strategy": "consensus_reached",
            "hasConsensus": True,
            "insights.strongAgreement": True,
            "recommendation": ABSENT,
        },
    ),
    Case(
        "a custom threshold",
        mocks(({"recommendation": "a"}, 0.7), ({"recommendation": "a"}, 0.7), ({"recommendation": "c"}, 0.7)),
        0.6999999999999998,
        input={"consensusThreshold": 0.8},
        fields={"strategy": "standard_analysis"},
    ),
]
