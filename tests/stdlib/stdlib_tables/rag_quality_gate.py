"""RAGQualityGate: groundedness, relevance and completeness; the confidence is the mean score."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "RAGQualityGate"
CAPS = ["quality-gate", "verification"]


def check(kind: str, passed: object, score: object, **more: object) -> dict[str, object]:
    return {"checkType": kind, "passed": passed, "score": score, **more}


CASES = [
    # PATTERNS.md: all pass → 0.8000000000000002
    Case(
        "all checks pass",
        mocks(
            (check("groundedness", True, 0.9, hallucinations=[]), 0.9),
            (check("relevance", True, 0.8), 0.85),
            (check("completeness", True, 0.7, missingParts=[]), 0.8),
        ),
        0.8000000000000002,
        fields={
            "status": "approved",
            "approved": True,
            "scores": {"overall": 0.8000000000000002, "groundedness": 0.9, "relevance": 0.8, "completeness": 0.7},
            "checks": {
                "total": 3,
                "passed": 3,
                "failed": 0,
                "groundedness": {"passed": True, "score": 0.9, "hallucinations": []},
                "relevance": {"passed": True, "score": 0.8, "offTopicContent": []},
                "completeness": {"passed": True, "score": 0.7, "missingParts": []},
            },
            "summary": "All quality checks passed - answer is grounded, relevant, and complete",
            "recommendation": "Return answer to user",
            "details.0": {"checkType": "groundedness", "agent": "Mock Agent 1", "passed": True, "score": 0.9},
        },
    ),
    # PATTERNS.md: one fail → 0.3666666666666667, needs_review
    Case(
        "one check fails",
        mocks(
            (check("groundedness", False, 0.2, hallucinations=["made-up stat"]), 0.9),
            (check("relevance", True, 0.9), 0.8),
        ),
        0.3666666666666667,
        fields={
            "status": "needs_review",
            "approved": False,
            "summary": "1 of 2 checks failed - needs_review",
            "recommendation": "Flag for human review",
            "checks.groundedness.hallucinations": ["made-up stat"],
            "checks.completeness": {"passed": False, "score": 0, "missingParts": []},
        },
    ),
    Case(
        "every check fails: rejected",
        mocks((check("relevance", False, 0.1), 0.9), (check("completeness", 0, 0.3), 0.9)),
        0.13333333333333333,
        fields={
            "status": "rejected",
            "recommendation": "Regenerate answer with improved retrieval",
            "checks.completeness.passed": False,
        },
    ),
    Case(
        "`passed` must be true, not truthy",
        mocks(
            (check("groundedness", "yes", 1), 0.9),
            (check("relevance", 1, 1), 0.9),
            (check("completeness", True, 1), 0.9),
        ),
        1,
        fields={"status": "needs_review", "checks.passed": 3, "checks.groundedness.passed": False},
    ),
    Case(
        "no valid check",
        mocks((check("relevance", True, 0.9), 0), (None, 0.9)),
        0,
        fields={"status": "rejected", "scores.overall": 0, "summary": "0 of 0 checks failed - rejected"},
    ),
]
