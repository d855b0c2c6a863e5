"""DocumentAnalysis: the last valid answer of each analysis type fills its section; defaults otherwise."""

from stdlib_harness import Agent, Case

from stdlib_tables._common import mock

NAME = "DocumentAnalysis"
CAPS = ["document", "analysis"]

SUMMARY = {
    "analysisType": "summary",
    "title": "Q3 report",
    "documentType": "report",
    "wordCount": 1200,
    "mainTopic": "growth",
    "summary": "Revenue grew",
    "conclusion": "Keep going",
}
KEYPOINTS = {
    "analysisType": "keypoints",
    "criticalPoints": ["margin"],
    "supportingPoints": ["sales"],
    "factsAndData": ["+12%"],
    "totalPoints": 3,
}
ACTIONS = {
    "analysisType": "actions",
    "actionItems": ["hire"],
    "decisions": ["expand"],
    "followUps": [],
    "hasUrgentItems": True,
    "totalActions": 2,
}
SENTIMENT = {
    "analysisType": "sentiment",
    "overallSentiment": "positive",
    "sentimentScore": 0.8,
    "tone": {"formal": True},
    "emotionalIndicators": ["optimism"],
    "concerns": [],
    "professionalism": {"score": 0.9},
}

CASES = [
    Case(
        "four analyses",
        [
            mock(1, SUMMARY, 0.9, reasoning="read it"),
            mock(2, KEYPOINTS, 0.85),
            mock(3, ACTIONS, 0.8),
            mock(4, SENTIMENT, 0.75),
        ],
        0.825,
        value={
            "document": {"title": "Q3 report", "type": "report", "wordCount": 1200},
            "summary": {"mainTopic": "growth", "overview": "Revenue grew", "conclusion": "Keep going"},
            "keyPoints": {"critical": ["margin"], "supporting": ["sales"], "factsAndData": ["+12%"], "totalCount": 3},
            "actionItems": {
                "items": ["hire"],
                "decisions": ["expand"],
                "followUps": [],
                "hasUrgentItems": True,
                "totalCount": 2,
            },
            "sentiment": {
                "overall": "positive",
                "score": 0.8,
                "tone": {"formal": True},
                "emotionalIndicators": ["optimism"],
                "concerns": [],
                "professionalism": {"score": 0.9},
            },
            "metadata": {
                "analysesCompleted": 4,
                "averageConfidence": 0.825,
                "details": [
                    {"analysisType": "summary", "agent": "Mock Agent 1", "confidence": 0.9, "reasoning": "read it"},
                    {"analysisType": "keypoints", "agent": "Mock Agent 2", "confidence": 0.85},
                    {"analysisType": "actions", "agent": "Mock Agent 3", "confidence": 0.8},
                    {"analysisType": "sentiment", "agent": "Mock Agent 4", "confidence": 0.75},
                ],
                "patternVersion": "1.0.0",
            },
        },
    ),
    Case(
        "missing analyses give the defaults; the last summary wins; null answers are not valid",
        [
            mock(1, {"analysisType": "summary", "title": "First"}, 0.7),
            mock(2, {"analysisType": "summary"}, 0.6),
            mock(3, None, 0.9),
            Agent("down", error="x"),
        ],
        0.6499999999999999,
        fields={
            "document": {},
            "keyPoints": {"critical": [], "supporting": [], "factsAndData": [], "totalCount": 0},
            "actionItems.hasUrgentItems": False,
            "sentiment": {
                "overall": "unknown",
                "score": 0,
                "tone": {},
                "emotionalIndicators": [],
                "concerns": [],
                "professionalism": {},
            },
            "metadata.analysesCompleted": 2,
        },
    ),
    Case(
        "no valid analysis at all",
        [mock(1, "", 0.9), mock(2, {"analysisType": "summary"}, 0)],
        0,
        fields={
            "document": {"title": "Unknown", "type": "unknown", "wordCount": 0},
            "summary": {"mainTopic": "", "overview": "", "conclusion": ""},
            "metadata.details": [],
        },
    ),
]
