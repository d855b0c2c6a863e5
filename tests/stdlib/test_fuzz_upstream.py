"""Differential fuzzing: random cassettes and inputs through `plxc run stdlib:<Name>` and through the upstream
module itself (tests/stdlib/oracle); value and confidence must be JSON-equal, floats to the last bit.

Skipped unless PLX_UPSTREAM_ORACLE points at a built oracle. PLX_FUZZ_RUNS sets the cases per pattern (30)."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from stdlib_harness import ORACLE, json_equal, oracle, run_cli

from parallax_dsl.stdlib_files import find_stdlib_file

RUNS = int(os.environ.get("PLX_FUZZ_RUNS", "30"))
MISSING: Any = object()

# Capabilities each pattern's agents need, and candidate values for its inputs (MISSING: the key is left out).
PATTERNS: dict[str, tuple[list[str], dict[str, list[Any]]]] = {
    "SimpleConsensus": ([], {"task": ["t", MISSING]}),
    "ConsensusBuilder": (["code-analysis"], {"task": ["t", MISSING], "data": [{"x": 1}, MISSING]}),
    "ConfidenceCascade": (["query-processing"], {"minConfidence": [0.85, 0.5, 0.95, 1, 0, None, MISSING]}),
    "CascadingRefinement": (
        ["code-analysis"],
        {"minConfidence": [0.85, 0.6, 0.95, None, MISSING], "maxTier": [1, 2, 3, 4, 0, -1, 2.5, None, MISSING]},
    ),
    "CodeReviewOrchestrator": (["security", "style", "documentation", "testing"], {"code": ["x=1", MISSING]}),
    "ConfidenceBudget": (
        [],
        {
            "minConfidence": [3.0, 1.0, 2.2, 0.5, 0, 10, None, MISSING],
            "maxAgents": [5, 1, 2, 3, 0, None, MISSING],
            "timeLimit": [100, MISSING],
        },
    ),
    "DocumentAnalysis": (["document", "analysis"], {"title": ["T", MISSING]}),
    "EnhancedConsensus": ([], {"domain": ["d", MISSING], "minConsensus": [0.5, MISSING]}),
    "EpistemicOrchestrator": (["code-analysis"], {"code": ["c", MISSING]}),
    "DocumentExtraction": (["extraction"], {"text": ["t", MISSING]}),
    "LLMAugmentedDecision": (
        [],
        {"useLLM": [True, False, None, MISSING], "llmThreshold": [0.6, 0.9, 0.3, 1, None, MISSING]},
    ),
    "LoadBalancer": (["any"], {"strategy": ["weighted", "confidence", "latency", "availability", None, MISSING]}),
    "MultiValidator": (
        ["validation"],
        {"validationType": ["schema", None, MISSING], "fastPathThreshold": [0.9, 0.7, 0.95, 0.5, None, MISSING]},
    ),
    "ParallelExploration": (["code-analysis"], {"consensusThreshold": [0.6, 0.8, 0.5, None, MISSING]}),
    "PromptTesting": (["prompt", "testing"], {"data": [{"query": "q"}, {}, MISSING], "query": ["q", MISSING]}),
    "RAGQualityGate": (["quality-gate", "verification"], {"question": ["q", MISSING]}),
    "RobustAnalysis": (["code-analysis"], {"task": ["t", MISSING]}),
    "TranslationVerification": (
        ["translation", "verification"],
        {"data": [{"sourceLanguage": "en", "targetLanguage": "fr"}, MISSING], "text": ["t", MISSING]},
    ),
    "UncertaintyMapReduce": (["processing", "code-analysis"], {"data": [[1, 2, 3], MISSING]}),
    "UncertaintyRouter": (["code-analysis"], {"task": ["t", MISSING], "context": [{"k": 1}, MISSING]}),
    "MultiModelVoting": (["voting", "decision"], {"question": ["q", MISSING]}),
    "WebsiteBuilder": ([], {"companyType": ["saas", MISSING]}),
}

EXTRA_CAPABILITIES = [
    "fast", "branding", "design", "visual", "ui", "writing", "content", "copy", "frontend", "backend",
    "database", "seo", "devops", "accessibility", "performance", "testing", "analysis",
]  # fmt: skip
AGENT_IDS = ["date-extractor", "amount-extractor", "entity-extractor", "address-extractor"]
CONFIDENCES = [0, 0.1, 0.3, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1]
SHARED = {"x": 1}


def scalar(rng: random.Random) -> Any:
    return rng.choice([None, True, False, 0, 1, 0.5, "", "a", "b", "go", "block", [], {}, [1], {"k": "v"}])


def payload(rng: random.Random) -> Any:
    if rng.random() < 0.12:
        return scalar(rng)
    fields: dict[str, list[Any]] = {
        "recommendation": ["approve", "block", "a", "b", None, {"r": 1}, ""],
        "decision": ["go", "stop", "", None, 0, 1, {"d": 1}],
        "value": ["v1", "v2", None],
        "analysisType": ["summary", "keypoints", "actions", "sentiment", "other"],
        "checkType": ["groundedness", "relevance", "completeness", "translation", "roundtrip", "quality"],
        "variantType": ["concise", "detailed", "creative", "judge", "other"],
        "passed": [True, False, 1, 0, "yes", None],
        "score": [0.9, 0.75, 0.3, 0, 1, None, "0.5"],
        "similarity": [0.9, 0.8, 0.55, None],
        "overallScore": [0.9, 0.7, 0.5, None],
        "findings": [
            [{"severity": "critical"}, {"severity": "low"}],
            [{"severity": "high"}],
            [{"severity": "medium"}, {"severity": "medium"}, {"severity": "medium"}],
            [{"severity": "medium"}, {"severity": "other"}],
            [],
            "none",
            None,
        ],
        "issues": [["i1"], [], None],
        "severity": ["critical", "low"],
        "risk": ["high", "low"],
        "summary": ["s", "", None],
        "title": ["T"],
        "documentType": ["memo"],
        "wordCount": [10],
        "response": ["r"],
        "latencyMs": [12],
        "responseLength": [3],
        "winner": ["concise", None],
        "dates": [["d1"], "d", None],
        "amounts": [["$1", "$2"]],
        "entities": [["e"]],
        "people": [["p"]],
        "addresses": [["a"], {}],
        "count": [2, None],
        "name": ["Acme", None],
        "url": ["https://x", None],
        "files": [["logo.svg"]],
        "posts": [["p1"]],
        "technology": ["react", None],
        "platform": ["vercel"],
        "scores": [{"lcp": 1}],
        "model": ["m1"],
        "translation": ["bonjour"],
        "approach": ["a1", "a2"],
    }
    out: dict[str, Any] = {}
    for key in rng.sample(sorted(fields), rng.randint(0, 6)):
        out[key] = rng.choice(fields[key])
    if rng.random() < 0.1:
        out["recommendation"] = SHARED  # the same map answered twice is still two values upstream
    return out


def agent(rng: random.Random, i: int, caps: list[str], ids: list[str]) -> dict[str, Any]:
    special = ids[i] if i < len(ids) else None  # ids are unique within a cassette
    entry: dict[str, Any] = {"id": special if special and rng.random() < 0.4 else f"agent-{i}"}
    if rng.random() < 0.8:
        entry["name"] = f"Agent {i}"
    entry["capabilities"] = caps + rng.sample(EXTRA_CAPABILITIES, rng.randint(0, 3))
    if rng.random() < 0.6:
        entry["expertise"] = rng.choice([0, 0.5, 0.7, 0.8, 0.86, 0.9, 0.95, rng.random()])
    if rng.random() < 0.6:
        entry["historicalConfidence"] = rng.choice([0, 0.5, 0.65, 0.75, 0.8, 0.85, 0.9, rng.random()])
    if rng.random() < 0.08:
        response: dict[str, Any] = {"result": None, "confidence": 0, "error": "agent crashed"}
    else:
        c = rng.choice(CONFIDENCES) if rng.random() < 0.8 else round(rng.random(), rng.randint(1, 17))
        response = {"result": payload(rng), "confidence": c}
        if rng.random() < 0.5:
            response["reasoning"] = rng.choice(["because", ""])
    if rng.random() < 0.3:
        response["timestamp"] = rng.randint(1, 10**12)
    entry["responses"] = [response]
    return entry


def case(rng: random.Random, name: str) -> tuple[Any, dict[str, Any]]:
    caps, inputs = PATTERNS[name]
    low = 10 if name == "WebsiteBuilder" else 0
    ids = rng.sample(AGENT_IDS, len(AGENT_IDS))
    agents = [agent(rng, i, caps, ids) for i in range(rng.randint(low, low + 7))]
    data = {k: v for k, choices in inputs.items() if (v := rng.choice(choices)) is not MISSING}
    return (data if data or rng.random() < 0.5 else None), {"agents": agents}


def available() -> list[str]:
    return [name for name in PATTERNS if find_stdlib_file(name) is not None]


@pytest.mark.skipif(ORACLE is None, reason="PLX_UPSTREAM_ORACLE is not set (the upstream modules are not at hand)")
@pytest.mark.parametrize("name", available())
def test_random_cassettes_match_the_upstream(name: str, tmp_path: Path) -> None:
    rng = random.Random(f"{name}-{RUNS}")
    cases = [case(rng, name) for _ in range(RUNS)]
    expected = oracle([(name, data, doc) for data, doc in cases])
    for n, ((data, doc), upstream) in enumerate(zip(cases, expected, strict=True)):
        code, ours = run_cli(name, data, doc, tmp_path / str(n))
        where = f"case {n}: input {json.dumps(data)}\ncassette {json.dumps(doc)}"
        if "error" in upstream:
            assert code == 1 and ours["error"]["message"] == upstream["error"], f"{where}\nours {ours}\nup {upstream}"
            continue
        assert code == 0, f"{where}\nours {ours}"
        assert json_equal(ours["value"], upstream["value"]), (
            f"{where}\nvalue\n ours {json.dumps(ours['value'])}\n upst {json.dumps(upstream['value'])}"
        )
        assert json_equal(ours["confidence"], upstream["confidence"]), (
            f"{where}\nconfidence ours {ours['confidence']!r} upstream {upstream['confidence']!r}"
        )
