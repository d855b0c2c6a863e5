"""UncertaintyMapReduce: the first four answers are maps; reduce confidence by map quality."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "UncertaintyMapReduce"
CAPS = ["processing", "code-analysis"]

CASES = [
    # PATTERNS.md: good → 0.7893
    Case(
        "good maps",
        mocks(("c1", 0.8), ("c2", 0.75), ("c3", 0.7), ("c4", 0.7), ("c5", 0.99)),
        0.7893,
        value={
            "value": {"combined": ["c1", "c2", "c3", "c4"], "mapQuality": "good", "processedChunks": 5},
            "confidence": 0.7893,
            "processing": {
                "chunks": 5,
                "avgMapConfidence": 0.5900000000000001,
                "successfulMaps": 4,
                "mapQuality": "good",
            },
            "strategy": "Processing successful",
        },
    ),
    # PATTERNS.md: poor → 0.23249999999999996
    Case(
        "poor maps",
        mocks(("c1", 0.3), ("c2", 0.2)),
        0.23249999999999996,
        fields={
            "value.mapQuality": "poor",
            "processing.avgMapConfidence": 0.25,
            "strategy": "Consider re-processing with different parameters",
        },
    ),
    Case(
        "partial maps",
        mocks(("c1", 0.7), ("c2", 0.5)),
        0.5279999999999999,
        fields={"value.mapQuality": "partial", "processing.successfulMaps": 1},
    ),
    Case(
        "chunkSize is accepted and unused",
        mocks(("a", 1), ("b", 1)),
        0.9,
        input={"data": [1, 2], "chunkSize": 1},
        fields={"value.processedChunks": 2},
    ),
]
