"""ConfidenceBudget: fast, standard and one expert phase consume answers until their confidences sum to a budget."""

from stdlib_harness import Agent, Case

NAME = "ConfidenceBudget"
CAPS: list[str] = []


def agent(n: int, value: object, confidence: float, *caps: str, hist: float = 0.75, exp: float = 0.7) -> Agent:
    return Agent(f"a{n}", value, confidence, capabilities=list(caps), name=f"A{n}", historical=hist, expertise=exp)


CASES = [
    Case(
        "fast agents meet the budget alone",
        [
            agent(1, {"v": 1}, 0.9, "fast", hist=0.9),
            agent(2, {"v": 2}, 0.95, "fast", hist=0.85),
            agent(3, {"v": 3}, 0.8, hist=0.7),
            agent(4, {"v": 4}, 0.99, "fast", hist=0.9),
        ],
        0.9466666666666667,
        input={"minConfidence": 2.5},
        fields={
            "result": {"v": 4},
            "budgetMet": True,
            "budgetStatus": "budget-met",
            "metrics": {
                "totalConfidence": 2.84,
                "targetConfidence": 2.5,
                "agentsUsed": 3,
                "maxAgents": 5,
                "timeElapsed": 0,
                "timeLimit": 5000,
                "phases": ["fast"],
            },
            "reasoning": "Confidence budget met - sufficient analysis completed",
            "analysis.2.agentId": "a4",
        },
    ),
    Case(
        "standard agents fill in, capped by maxAgents",
        [
            agent(1, "x", 0.9, "fast", hist=0.9),
            agent(2, "y", 0.7, hist=0.7),
            agent(3, "z", 0.8, hist=0.65),
            agent(4, "w", 0.95, hist=0.62),
        ],
        0.8000000000000002,
        input={"minConfidence": 3.0, "maxAgents": 3},
        fields={
            "result": "x",
            "budgetMet": False,
            "budgetStatus": "budget-met",
            "metrics.agentsUsed": 3,
            "metrics.phases": ["fast", "standard"],
            "reasoning": "Confidence budget not met - achieved 80.00000000000001% of target",
        },
    ),
    Case(
        "one expert as a last resort; marginal budget uses the confident answers",
        [
            agent(1, "s1", 0.6, hist=0.7),
            agent(2, "s2", 0.9, hist=0.5, exp=0.9),
            agent(3, "s3", 0.95, hist=0.5, exp=0.95),
        ],
        0.75,
        input={"minConfidence": 2.0},
        fields={
            "result": "s2",
            "budgetStatus": "budget-marginal",
            "metrics.agentsUsed": 2,
            "metrics.phases": ["standard", "expert"],
            "metrics.totalConfidence": 1.5,
        },
    ),
    Case(
        "insufficient budget keeps the best answer with a caveat",
        [agent(1, {"answer": 42, "confidence": 0.1}, 0.5, hist=0.7), agent(2, ["a", "b"], 0.4, hist=0.7)],
        0.45,
        input={"minConfidence": 3.0},
        fields={
            "result": {
                "answer": 42,
                "confidence": 0.45,
                "caveat": "Low confidence due to insufficient analysis budget",
            },
            "budgetStatus": "budget-insufficient",
            "budgetMet": False,
        },
    ),
    Case(
        "a list answer spreads into indices",
        [agent(1, ["a", "b"], 0.4, hist=0.7)],
        0.4,
        fields={
            "result": {
                "0": "a",
                "1": "b",
                "caveat": "Low confidence due to insufficient analysis budget",
                "confidence": 0.4,
            }
        },
    ),
    Case(
        "no phase fits: the first maxAgents answers",
        [agent(1, "p", 0.9, hist=0.5), agent(2, "q", 0.8, hist=0.3)],
        0.9,
        input={"minConfidence": 1.5, "maxAgents": 1},
        fields={
            "metrics.agentsUsed": 1,
            "metrics.phases": [],
            "result": "p",
            "reasoning": "Confidence budget not met - achieved 60% of target",
        },
    ),
    Case(
        "exceeding the budget by 20%",
        [agent(1, "p", 0.9, "fast", hist=0.9), agent(2, "q", 0.9, "fast", hist=0.9)],
        0.9,
        input={"minConfidence": 1.0},
        fields={"reasoning": "Confidence budget exceeded - high quality analysis achieved", "budgetMet": True},
    ),
    Case(
        "maxAgents 0 consumes nothing",
        [agent(1, "p", 0.9, hist=0.5)],
        0,
        input={"maxAgents": 0},
        fields={
            "result": {"status": "insufficient-data", "recommendation": "Unable to provide confident recommendation"},
            "budgetStatus": "budget-insufficient",
            "analysis": [],
        },
    ),
]
