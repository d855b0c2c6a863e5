"""CodeReviewOrchestrator: findings counted by severity over successful reviews decide the recommendation."""

from stdlib_harness import Agent, Case

from stdlib_tables._common import mock

NAME = "CodeReviewOrchestrator"
CAPS = ["security", "style", "documentation", "testing"]


def review(*severities: str, summary: str | None = None) -> dict[str, object]:
    out: dict[str, object] = {"findings": [{"severity": s, "message": f"{s} issue"} for s in severities]}
    if summary is not None:
        out["summary"] = summary
    return out


CASES = [
    Case(
        "confident critical finding blocks",
        [mock(1, review("critical", "low", summary="SQL injection"), 0.9), mock(2, review("medium"), 0.8)],
        0.8500000000000001,
        fields={
            "recommendation": "block",
            "overallSeverity": "critical",
            "severityCounts": {"critical": 1, "high": 0, "medium": 1, "low": 1},
            "summary": "2 agents found 3 issue(s). Critical: 1, High: 0, Medium: 1, Low: 1",
            "consensus": {"level": "strong", "confidence": 0.8500000000000001, "agentCount": 2},
            "agentResults.0": {
                "agent": "Mock Agent 1",
                "agentId": "mock-agent-1",
                "confidence": 0.9,
                "summary": "SQL injection",
                "findingCount": 2,
                "findings": [
                    {"severity": "critical", "message": "critical issue"},
                    {"severity": "low", "message": "low issue"},
                ],
            },
            "agentResults.1.summary": "Analysis complete",
            "metadata": {"patternVersion": "1.0.0"},
        },
    ),
    # upstream quirk: an unsure critical finding falls through to the later rules
    Case(
        "unsure critical finding falls through",
        [mock(1, review("critical"), 0.6), mock(2, review(), 0.7)],
        0.6499999999999999,
        fields={"recommendation": "approve_with_comments", "overallSeverity": "critical", "consensus.level": "weak"},
    ),
    Case(
        "a high finding requests changes",
        [mock(1, review("high"), 0.95), mock(2, review(), 0.9)],
        0.925,
        fields={"recommendation": "request_changes", "overallSeverity": "high", "consensus.level": "strong"},
    ),
    Case(
        "three medium findings request changes",
        [mock(1, review("medium", "medium"), 0.8), mock(2, review("medium"), 0.8)],
        0.8,
        fields={"recommendation": "request_changes", "overallSeverity": "medium"},
    ),
    Case(
        "unsure reviewers with findings discuss",
        [mock(1, review("low"), 0.5), mock(2, review(), 0.55)],
        0.525,
        fields={"recommendation": "discuss", "overallSeverity": "low", "consensus.level": "weak"},
    ),
    Case(
        "no findings: approve",
        [mock(1, review(), 0.9), mock(2, {"summary": "clean"}, 0.9)],
        0.9,
        fields={
            "recommendation": "approve",
            "overallSeverity": "none",
            "summary": "2 agents reviewed the code. No significant issues found.",
            "agentResults.1": {
                "agent": "Mock Agent 2",
                "agentId": "mock-agent-2",
                "confidence": 0.9,
                "summary": "clean",
                "findingCount": 0,
                "findings": [],
            },
        },
    ),
    Case(
        "failed reviewers are left out; unknown severities are not counted",
        [
            mock(1, {"findings": [{"severity": "info"}]}, 0.4),
            Agent("down", error="timeout"),
            mock(3, {"findings": "not a list"}, 0.3),
        ],
        0.35,
        fields={
            "recommendation": "approve",
            "overallSeverity": "none",
            "consensus": {"level": "uncertain", "confidence": 0.35, "agentCount": 2},
            "agentResults.0.findingCount": 1,
            "agentResults.1.findings": [],
        },
    ),
    Case(
        "reviewers need every capability",
        [mock(1, review(), 0.9, capabilities=["security", "style"]), mock(2, review(), 0.9)],
        error="Not enough agents available. Required: 2, Available: 1",
    ),
]
