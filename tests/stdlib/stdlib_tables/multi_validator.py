"""MultiValidator: fast path on a confident first validator, else up to four votes (conf > 0.6 is valid)."""

from stdlib_harness import ABSENT, Case

from stdlib_tables._common import mocks

NAME = "MultiValidator"
CAPS = ["validation"]

CASES = [
    Case(
        "fast path",
        mocks(({"issues": ["trailing comma"]}, 0.95), ({}, 0.2)),
        0.95,
        input={"validationType": "schema"},
        value={
            "valid": True,
            "confidence": 0.95,
            "validatedBy": "Mock Agent 1",
            "mode": "fast_path",
            "issues": ["trailing comma"],
            "metadata": {
                "validationType": "schema",
                "processingTime": "fast",
                "validatorsUsed": 1,
                "message": "High confidence validation achieved quickly",
            },
        },
    ),
    Case(
        "multi validator: valid by majority of four",
        mocks(({}, 0.8), ({}, 0.7), ({}, 0.5), ({}, 0.65), ({}, 0.1)),
        0.6625,
        value={
            "valid": True,
            "confidence": 0.6625,
            "validatedBy": "multiple validators",
            "mode": "multi_validator",
            "consensus": {"validVotes": 3, "invalidVotes": 1, "strength": 0.5},
            "issues": [],
            "metadata": {
                "validationType": "general",
                "processingTime": "thorough",
                "validatorsUsed": 4,
                "message": "Consensus: data is valid",
            },
        },
    ),
    Case(
        "ties are invalid",
        mocks(({"issues": None}, 0.7), ({}, 0.6)),
        0.6499999999999999,
        fields={
            "valid": False,
            "consensus.strength": 0,
            "metadata.message": "Consensus: data is invalid",
            "issues": [],
        },
    ),
    Case(
        "a lower fast-path threshold still needs > 0.6",
        mocks(({}, 0.6), ({}, 0.9)),
        0.75,
        input={"fastPathThreshold": 0.5},
        fields={"mode": "multi_validator", "valid": False},
    ),
    Case(
        "exactly the threshold takes the fast path",
        mocks(({}, 0.9), ({}, 0.1)),
        0.9,
        fields={"mode": "fast_path", "consensus": ABSENT},
    ),
]
