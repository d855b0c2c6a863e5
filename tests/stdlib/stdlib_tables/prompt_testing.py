"""PromptTesting: last answer per variant type and the last judge; query from input.data.query."""

from stdlib_harness import ABSENT, Case

from stdlib_tables._common import mocks

NAME = "PromptTesting"
CAPS = ["prompt", "testing"]

CASES = [
    Case(
        "three variants and a judge",
        mocks(
            ({"variantType": "concise", "response": "Short.", "latencyMs": 120, "responseLength": 6}, 0.8),
            ({"variantType": "detailed", "response": "Long answer", "latencyMs": 900, "responseLength": 11}, 0.85),
            ({"variantType": "creative", "response": "A poem", "latencyMs": 400}, 0.7),
            ({"variantType": "judge", "winner": "detailed", "winnerReason": "complete", "evaluations": [1, 2]}, 0.9),
        ),
        0.8124999999999999,
        input={"data": {"query": "What is DNS?"}},
        value={
            "query": "What is DNS?",
            "variants": {
                "concise": {"response": "Short.", "latencyMs": 120, "length": 6},
                "detailed": {"response": "Long answer", "latencyMs": 900, "length": 11},
                "creative": {"response": "A poem", "latencyMs": 400, "length": 0},
            },
            "evaluation": {
                "evaluations": [1, 2],
                "winner": "detailed",
                "winnerReason": "complete",
                "recommendation": "",
            },
            "metadata": {
                "variantsTested": 3,
                "averageConfidence": 0.8124999999999999,
                "variantDetails": [
                    {
                        "style": "concise",
                        "agent": "Mock Agent 1",
                        "responseLength": 6,
                        "latencyMs": 120,
                        "confidence": 0.8,
                    },
                    {
                        "style": "detailed",
                        "agent": "Mock Agent 2",
                        "responseLength": 11,
                        "latencyMs": 900,
                        "confidence": 0.85,
                    },
                    {"style": "creative", "agent": "Mock Agent 3", "latencyMs": 400, "confidence": 0.7},
                ],
                "patternVersion": "2.0.0",
            },
        },
    ),
    # upstream quirk: the declared `query` input is not what is reported; `input.data.query` is
    Case(
        "no judge; the declared query is ignored",
        mocks(({"variantType": "concise"}, 0.6), ("text", 0.5)),
        0.55,
        input={"query": "ignored"},
        fields={
            "query": ABSENT,
            "evaluation": {"evaluations": [], "winner": "unknown", "winnerReason": "", "recommendation": ""},
            "variants.concise": {"response": "", "latencyMs": 0, "length": 0},
            "metadata.variantsTested": 2,
            "metadata.variantDetails.1": {"agent": "Mock Agent 2", "confidence": 0.5},
        },
    ),
    Case(
        "a judge without a winner",
        mocks(({"variantType": "judge"}, 0.9), ({"variantType": "judge", "winner": None}, 0.8)),
        0.8500000000000001,
        fields={"evaluation.winner": "unknown", "metadata.variantsTested": 0},
    ),
]
