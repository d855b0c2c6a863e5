"""MultiModelVoting: first-vote tally — unanimous ×1, majority ×0.8, split ×0.5."""

from stdlib_harness import Agent, Case

from stdlib_tables._common import mocks

NAME = "MultiModelVoting"
CAPS = ["voting", "decision"]


def vote(decision: object, model: str = "m") -> dict[str, object]:
    return {"decision": decision, "model": model}


CASES = [
    # PATTERNS.md: unanimous 0.8500000000000001
    Case(
        "unanimous",
        mocks((vote("approve", "gpt"), 0.9), (vote("approve", "claude"), 0.8)),
        0.8500000000000001,
        value={
            "decision": "approve",
            "consensus": {
                "type": "unanimous",
                "confidence": 0.8500000000000001,
                "isUnanimous": True,
                "hasMajority": True,
                "needsHumanReview": False,
            },
            "summary": "2 models voted unanimously for: approve",
            "votes": {
                "total": 2,
                "forWinner": 2,
                "breakdown": [
                    {
                        "agent": "Mock Agent 1",
                        "agentId": "mock-agent-1",
                        "model": "gpt",
                        "decision": "approve",
                        "confidence": 0.9,
                    },
                    {
                        "agent": "Mock Agent 2",
                        "agentId": "mock-agent-2",
                        "model": "claude",
                        "decision": "approve",
                        "confidence": 0.8,
                    },
                ],
            },
            "metadata": {"patternVersion": "2.0.0", "agentCount": 2},
        },
    ),
    # PATTERNS.md: majority 0.6400000000000001
    Case(
        "majority",
        mocks((vote("A"), 0.9), (vote("A"), 0.8), (vote("B"), 0.7)),
        0.6400000000000001,
        fields={
            "decision": "A",
            "consensus.type": "majority",
            "consensus.needsHumanReview": False,
            "summary": "3 models reached majority for: A (2/3 votes)",
        },
    ),
    # PATTERNS.md: the first voter in the minority → split 0.4000000000000001
    Case(
        "first voter in the minority: split",
        mocks((vote("B"), 0.9), (vote("A"), 0.8), (vote("A"), 0.7)),
        0.4000000000000001,
        fields={
            "decision": None,
            "consensus.type": "split",
            "consensus.needsHumanReview": True,
            "summary": "3 models could not reach consensus - human review recommended",
            "votes.forWinner": 1,
        },
    ),
    Case(
        "a majority below 0.6 needs review",
        mocks((vote("A"), 0.7), (vote("A"), 0.7), (vote("B"), 0.7)),
        0.5599999999999999,
        fields={"consensus.type": "majority", "consensus.needsHumanReview": True},
    ),
    Case(
        "answers without a decision do not vote",
        [*mocks((vote(""), 0.9), ({"x": 1}, 0.9), (vote("A"), 0.6)), Agent("f", error="x")],
        0.6,
        fields={"decision": "A", "votes.total": 1, "consensus.type": "unanimous"},
    ),
    Case(
        "no valid vote",
        mocks((vote(None), 0.9), (vote("A"), 0)),
        0,
        fields={
            "decision": None,
            "consensus.type": "split",
            "summary": "0 models could not reach consensus - human review recommended",
        },
    ),
    Case(
        "equal map decisions are different votes (===)",
        mocks((vote({"pick": 1}), 0.9), (vote({"pick": 1}), 0.9)),
        0.45,
        fields={
            "consensus.type": "split",
            "consensus.isUnanimous": False,
            "summary": "2 models could not reach consensus - human review recommended",
        },
    ),
]
