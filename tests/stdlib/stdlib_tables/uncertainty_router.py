"""UncertaintyRouter: the first answer's confidence bands the routing; fallback to the first agent."""

from stdlib_harness import Case

from stdlib_tables._common import mocks

NAME = "UncertaintyRouter"
CAPS = ["code-analysis"]
REST = [({"mock": True}, 0.8)] * 4  # the upstream tests' unconfigured mock agents

CASES = [
    # PATTERNS.md: 0.3 → specialist (Mock Agent 1)
    Case(
        "patterns.test: low confidence routes to a specialist",
        mocks(({"assessment": "complex"}, 0.3), *REST),
        0.3,
        input={"task": "Test routing", "context": {"complexity": "unknown"}},
        value={
            "routingStrategy": "specialist_required",
            "selectedAgent": "Mock Agent 1",
            "reason": "Low confidence detected - routing to specialist",
            "assessmentConfidence": 0.3,
            "taskResult": {"status": "routed", "agentName": "Mock Agent 1", "strategy": "specialist_required"},
            "uncertaintyHandling": "Applied uncertainty-aware routing",
        },
    ),
    # PATTERNS.md: 0.95 → generalist (Mock Agent 3)
    Case(
        "patterns.test: high confidence routes to a generalist",
        mocks(({"assessment": "simple"}, 0.95), *REST),
        0.95,
        input={"task": "Test simple task", "context": {}},
        fields={
            "routingStrategy": "generalist_sufficient",
            "selectedAgent": "Mock Agent 3",
            "uncertaintyHandling": "Standard routing applied",
        },
    ),
    # PATTERNS.md: 0.6 with one agent → balanced + fallback
    Case(
        "medium with one agent falls back",
        mocks(("x", 0.6)),
        0.6,
        fields={
            "routingStrategy": "balanced_approach",
            "selectedAgent": "Mock Agent 1",
            "reason": "Moderate confidence - using balanced agent (fallback to first available)",
        },
    ),
    # PATTERNS.md: exactly 0.8 → high
    Case(
        "exactly 0.8 is high",
        mocks(("x", 0.8), ("y", 0.1)),
        0.8,
        fields={
            "routingStrategy": "generalist_sufficient",
            "selectedAgent": "Mock Agent 1",
            "reason": "High confidence - generalist can handle (fallback to first available)",
        },
    ),
    Case(
        "medium with two agents",
        mocks(("x", 0.5), ("y", 0.1)),
        0.5,
        fields={"selectedAgent": "Mock Agent 2", "taskResult.agentName": "Mock Agent 2"},
    ),
    Case(
        "no agent at all: assessment 0.5, nobody selected",
        [],
        0,
        value={
            "routingStrategy": "balanced_approach",
            "selectedAgent": "none",
            "reason": "Moderate confidence - using balanced agent",
            "assessmentConfidence": 0.5,
            "taskResult": None,
            "uncertaintyHandling": "Standard routing applied",
        },
    ),
]
