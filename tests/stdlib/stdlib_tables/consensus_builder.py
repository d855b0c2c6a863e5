"""ConsensusBuilder: Σ(conf·expertise)/Σexpertise; type by #(conf > 0.8) and the combined confidence."""

from stdlib_harness import Agent, Case

from stdlib_tables._common import mock, mocks

NAME = "ConsensusBuilder"
CAPS = ["code-analysis"]

CASES = [
    # PATTERNS.md: the upstream patterns.test input, expertise 0.7 → 0.7999999999999999, moderate (not strong)
    Case(
        "patterns.test: 0.9, 0.85, 0.7, 0.95, 0.6",
        mocks(
            ({"answer": "A"}, 0.9),
            ({"answer": "A"}, 0.85),
            ({"answer": "B"}, 0.7),
            ({"answer": "A"}, 0.95),
            ({"answer": "C"}, 0.6),
        ),
        0.7999999999999999,
        fields={
            "type": "moderate_consensus",
            "confidence": 0.7999999999999999,
            "agentCount": 5,
            "successfulAgents": 5,
            "highConfidenceAgents": 3,
            "message": "Moderate agreement with some uncertainty",
            "recommendation": "No recommendation available",
        },
        input={"task": "Test consensus", "data": {"test": True}},
    ),
    # PATTERNS.md: 0.5 + i·0.1 → weak, 0.7
    Case(
        "patterns.test: 0.5 + i*0.1",
        mocks(*[({"answer": f"Answer{i}"}, [0.5, 0.6, 0.7, 0.8, 0.9][i]) for i in range(5)]),
        0.7,
        fields={
            "type": "weak_consensus",
            "highConfidenceAgents": 1,
            "message": "Limited agreement - consider more analysis",
        },
        input={"task": "Test low consensus", "data": {}},
    ),
    # PATTERNS.md: (0.95@0.9, 0.9@0.8, 0.85@0.5) → strong, 0.9090909090909091, "ship"
    Case(
        "expertise-weighted strong consensus",
        [
            mock(1, {"recommendation": "ship"}, 0.95, expertise=0.9),
            mock(2, {"recommendation": "hold"}, 0.9, expertise=0.8),
            mock(3, {"recommendation": "ship"}, 0.85, expertise=0.5),
        ],
        0.9090909090909091,
        fields={"type": "strong_consensus", "recommendation": "ship", "message": "Strong agreement among experts"},
    ),
    Case(
        "the results are the upstream's records",
        [
            mock(1, {"recommendation": "a"}, 0.9, reasoning="why", timestamp=7),
            mock(2, "plain", 0.6),
            Agent("x", error="boom", name="X"),
        ],
        0.5000000000000001,
        fields={
            "results": [
                {
                    "agentId": "mock-agent-1",
                    "agentName": "Mock Agent 1",
                    "capabilities": ["code-analysis"],
                    "expertise": 0.7,
                    "result": {"recommendation": "a"},
                    "confidence": 0.9,
                    "reasoning": "why",
                    "timestamp": 7,
                },
                {
                    "agentId": "mock-agent-2",
                    "agentName": "Mock Agent 2",
                    "capabilities": ["code-analysis"],
                    "expertise": 0.7,
                    "result": "plain",
                    "confidence": 0.6,
                    "timestamp": 0,
                },
                {
                    "agentId": "x",
                    "agentName": "X",
                    "capabilities": ["code-analysis"],
                    "expertise": 0.7,
                    "result": None,
                    "confidence": 0,
                    "reasoning": "Agent failed to respond",
                    "error": "boom",
                    "timestamp": 0,
                },
            ],
            "successfulAgents": 2,
            "recommendation": "a",
            "type": "weak_consensus",
        },
    ),
    Case(
        "ties go to the first most confident; a non-map answer has no recommendation",
        mocks(("text", 0.9), ({"recommendation": "later"}, 0.9), ({"recommendation": None}, 0.5)),
        0.7666666666666667,
        fields={"recommendation": "No recommendation available", "type": "moderate_consensus"},
    ),
    Case(
        "all failed: confidence 0, no recommendation",
        [Agent(f"f{i}", error="down") for i in range(3)],
        0,
        fields={"type": "weak_consensus", "successfulAgents": 0, "recommendation": "No recommendation available"},
    ),
    Case(
        "agents need code-analysis",
        mocks(("a", 0.9), ("b", 0.9), ("c", 0.9), capabilities=["analysis"]),
        error="Not enough agents available. Required: 3, Available: 0",
    ),
]
