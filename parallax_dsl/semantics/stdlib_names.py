"""Names of the standard coordination patterns, as the upstream registered them (`use X(…)`, `stdlib:X`)."""

from __future__ import annotations

UPSTREAM_PATTERNS = (
    "SimpleConsensus",
    "ConsensusBuilder",
    "ConfidenceCascade",
    "CascadingRefinement",
    "CodeReviewOrchestrator",
    "ConfidenceBudget",
    "DocumentAnalysis",
    "EnhancedConsensus",
    "EpistemicOrchestrator",
    "DocumentExtraction",
    "LLMAugmentedDecision",
    "LoadBalancer",
    "MultiValidator",
    "ParallelExploration",
    "PromptTesting",
    "RAGQualityGate",
    "RobustAnalysis",
    "TranslationVerification",
    "UncertaintyMapReduce",
    "UncertaintyRouter",
    "MultiModelVoting",
    "WebsiteBuilder",
)
