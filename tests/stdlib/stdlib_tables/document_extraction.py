"""DocumentExtraction: extractors recognised by fixed agent ids; the last valid answer of each; lists only."""

from stdlib_harness import ABSENT, Agent, Case

NAME = "DocumentExtraction"
CAPS = ["extraction"]

CASES = [
    Case(
        "four extractors",
        [
            Agent(
                "date-extractor",
                {"dates": ["2024-01-01", "2024-02-01"], "count": 2},
                0.9,
                name="Dates",
                reasoning="ISO dates",
            ),
            Agent("amount-extractor", {"amounts": ["$10"], "count": 1}, 0.8, name="Amounts"),
            Agent(
                "entity-extractor",
                {"entities": ["Acme", "Bob"], "people": ["Bob"], "organizations": ["Acme"]},
                0.85,
                name="Entities",
            ),
            Agent("address-extractor", {"addresses": ["1 Main St"]}, 0.7, name="Addresses"),
        ],
        0.8125,
        value={
            "extractions": {
                "dates": ["2024-01-01", "2024-02-01"],
                "amounts": ["$10"],
                "entities": {"all": ["Acme", "Bob"], "people": ["Bob"], "organizations": ["Acme"]},
                "addresses": ["1 Main St"],
            },
            "summary": {
                "totalItems": 6,
                "breakdown": {"dates": 2, "amounts": 1, "entities": 2, "addresses": 1},
                "message": "Extracted 6 items: 2 dates, 1 amounts, 2 entities, 1 addresses",
            },
            "confidence": 0.8125,
            "agents": {
                "total": 4,
                "details": [
                    {
                        "agent": "Dates",
                        "agentId": "date-extractor",
                        "confidence": 0.9,
                        "itemsExtracted": 2,
                        "reasoning": "ISO dates",
                    },
                    {"agent": "Amounts", "agentId": "amount-extractor", "confidence": 0.8, "itemsExtracted": 1},
                    {"agent": "Entities", "agentId": "entity-extractor", "confidence": 0.85},
                    {"agent": "Addresses", "agentId": "address-extractor", "confidence": 0.7},
                ],
            },
            "metadata": {"patternVersion": "2.0.0"},
        },
    ),
    Case(
        "unknown ids and non-list fields extract nothing",
        [
            Agent("dates-bot", {"dates": ["x"]}, 0.9),
            Agent("date-extractor", {"dates": "2024"}, 0.6),
            Agent("address-extractor", error="down"),
        ],
        0.75,
        fields={
            "extractions.dates": [],
            "summary.totalItems": 0,
            "summary.message": "No extractions found in document",
            "agents.total": 2,
            "agents.details.0.itemsExtracted": ABSENT,
        },
    ),
    Case(
        "one extractor is not enough",
        [Agent("date-extractor", {"dates": []}, 0.9)],
        error="Not enough agents available. Required: 2, Available: 1",
    ),
]
