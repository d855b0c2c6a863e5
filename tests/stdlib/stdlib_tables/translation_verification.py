"""TranslationVerification: round-trip similarity and the quality score average into the confidence."""

from stdlib_harness import ABSENT, Case

from stdlib_tables._common import mocks

NAME = "TranslationVerification"
CAPS = ["translation", "verification"]

TRANSLATION = {"checkType": "translation", "translation": "Bonjour le monde", "notes": "informal"}


def roundtrip(passed: object, similarity: float, **more: object) -> dict[str, object]:
    return {
        "checkType": "roundtrip",
        "passed": passed,
        "similarity": similarity,
        "backTranslation": "Hello world",
        "meaningPreserved": passed,
        "differences": [],
        "lostNuances": [],
        **more,
    }


def quality(passed: object, score: float) -> dict[str, object]:
    return {
        "checkType": "quality",
        "passed": passed,
        "overallScore": score,
        "scores": {"fluency": score},
        "issues": [],
        "strengths": ["idiomatic"],
    }


CASES = [
    # PATTERNS.md: 0.9
    Case(
        "verified translation",
        mocks((TRANSLATION, 0.9), (roundtrip(True, 0.92), 0.88), (quality(True, 0.88), 0.9)),
        0.9,
        input={"text": "Hello world", "data": {"sourceLanguage": "en", "targetLanguage": "fr"}},
        value={
            "status": "approved",
            "approved": True,
            "translation": "Bonjour le monde",
            "sourceLanguage": "en",
            "targetLanguage": "fr",
            "scores": {
                "overall": 0.9,
                "roundtripSimilarity": 0.92,
                "qualityScore": 0.88,
                "qualityBreakdown": {"fluency": 0.88},
            },
            "verification": {
                "roundtrip": {
                    "passed": True,
                    "similarity": 0.92,
                    "backTranslation": "Hello world",
                    "meaningPreserved": True,
                    "differences": [],
                    "lostNuances": [],
                },
                "quality": {"passed": True, "score": 0.88, "issues": [], "strengths": ["idiomatic"]},
            },
            "checks": {"total": 2, "passed": 2, "failed": 0},
            "summary": "Translation verified - round-trip similarity and quality checks passed",
            "details": [
                {"checkType": "roundtrip", "agent": "Mock Agent 2", "passed": True, "confidence": 0.88},
                {"checkType": "quality", "agent": "Mock Agent 3", "passed": True, "confidence": 0.9},
            ],
            "translatorNotes": "informal",
            "recommendation": "Use translation - quality verified",
            "metadata": {"patternVersion": "2.0.0"},
        },
    ),
    # PATTERNS.md: 0.6000000000000001
    Case(
        "round trip fails",
        mocks((TRANSLATION, 0.9), (roundtrip(False, 0.4), 0.8), (quality(True, 0.8), 0.9)),
        0.6000000000000001,
        fields={
            "status": "needs_review",
            "summary": "Translation may lose meaning - round-trip verification failed",
            "recommendation": "Flag for human translator review",
            "checks": {"total": 2, "passed": 1, "failed": 1},
            "sourceLanguage": ABSENT,
        },
    ),
    Case(
        "quality fails",
        mocks((roundtrip(True, 0.9), 0.8), (quality(False, 0.4), 0.9)),
        0.65,
        fields={
            "summary": "Translation has quality issues - flagging for human review",
            "translation": "",
            "translatorNotes": "",
        },
    ),
    Case(
        "both fail: rejected",
        mocks((roundtrip(False, 0.2), 0.8), (quality(False, 0.3), 0.9)),
        0.25,
        fields={
            "status": "rejected",
            "recommendation": "Reject translation - significant quality issues",
            "summary": "Translation has significant issues - both round-trip and quality checks failed",
        },
    ),
    Case(
        "a check lacking fields leaves them out",
        mocks(({"checkType": "roundtrip"}, 0.8), ("text", 0.9)),
        0,
        fields={
            "approved": ABSENT,
            "verification.roundtrip": {},
            "scores.overall": None,
            "status": "rejected",
            "summary": "Translation has quality issues - flagging for human review",
        },
    ),
]
