"""LoadBalancer: the first four results scored by confidence (strategy "confidence") or fixed positions."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "LoadBalancer"
CAPS = ["any"]

CASES = [
    Case(
        "weighted (default) always picks the first agent",
        mocks(("a", 0.5), ("b", 0.99)),
        0.7,
        value={
            "value": "a",
            "confidence": 0.7,
            "routing": {"selectedAgent": "Mock Agent 1", "strategy": "weighted", "score": 0.7, "agentsConsidered": 2},
        },
    ),
    Case(
        "confidence picks the most confident of the first four",
        mocks(("a", 0.5), ("b", 0.9), ("c", 0.9), ("d", 0.6), ("e", 0.99)),
        0.9,
        input={"strategy": "confidence"},
        fields={"value": "b", "routing.selectedAgent": "Mock Agent 2", "routing.agentsConsidered": 5},
    ),
    Case(
        "latency and availability are positional too",
        mocks(("a", 0.1)),
        0.7,
        input={"strategy": "latency"},
        fields={"routing.strategy": "latency", "value": "a"},
    ),
    Case(
        "nobody above 0: no agent",
        mocks(("a", 0)),
        0,
        input={"strategy": "confidence"},
        value={
            "value": None,
            "confidence": 0,
            "routing": {"selectedAgent": None, "strategy": "confidence", "score": 0, "agentsConsidered": 1},
        },
    ),
    Case(
        "`any` is a capability agents must have",
        mocks(("a", 0.9), capabilities=["analysis"]),
        error="Not enough agents available. Required: 1, Available: 0",
    ),
]
