"""RobustAnalysis: counts of confident (> 0.8) and unsure (< 0.5) answers classify robustness."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "RobustAnalysis"
CAPS = ["code-analysis"]

CASES = [
    # PATTERNS.md: highly robust → 0.9075000000000002
    Case(
        "highly robust",
        mocks(
            ({"recommendation": "ship"}, 0.9),
            ({"recommendation": "ship"}, 0.85),
            ({"recommendation": "hold"}, 0.95),
            ({"recommendation": "ship"}, 0.6),
        ),
        0.9075000000000002,
        fields={
            "robustnessLevel": "highly_robust",
            "strategy": "consensus_based",
            "averageConfidence": 0.8250000000000001,
            "highConfidenceCount": 3,
            "lowConfidenceCount": 0,
            "totalAgents": 4,
            "selectedResult": {"recommendation": "hold"},
            "recommendation": "hold",
            "analysisInsights": {
                "consensusStrength": "strong",
                "uncertaintyLevel": "low",
                "reliabilityScore": 0.8250000000000001,
            },
            "allResults.3.confidence": 0.6,
        },
    ),
    # PATTERNS.md: 0.55
    Case(
        "low robustness",
        mocks(("a", 0.9), ("b", 0.4), ("c", 0.3), ("d", 0.6)),
        0.55,
        fields={
            "robustnessLevel": "low_robustness",
            "strategy": "uncertainty_aware",
            "recommendation": "Insufficient data for robust analysis",
            "selectedResult": "a",
            "analysisInsights.uncertaintyLevel": "high",
            "analysisInsights.consensusStrength": "weak",
        },
    ),
    Case(
        "moderately robust",
        mocks(("a", 0.9), ("b", 0.85), ("c", 0.6), ("d", 0.5)),
        0.7125,
        fields={
            "robustnessLevel": "moderately_robust",
            "strategy": "majority_based",
            "analysisInsights.consensusStrength": "moderate",
        },
    ),
    Case(
        "mixed robustness",
        mocks(("a", 0.9), ("b", 0.85), ("c", 0.4), ("d", 0.6)),
        0.6875,
        fields={
            "robustnessLevel": "mixed_robustness",
            "strategy": "balanced_approach",
            "analysisInsights.uncertaintyLevel": "moderate",
        },
    ),
    Case(
        "three confident but a low average",
        mocks(("a", 0.81), ("b", 0.81), ("c", 0.81), ("d", 0), ("e", 0)),
        0.48600000000000004,
        fields={"robustnessLevel": "low_robustness"},
    ),
]
