"""Names of the standard coordination patterns, as the upstream registered them (`use X(…)`, `stdlib:X`)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent

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

#: Patterns of the stdlib beyond the upstream's: the real multi-step shapes of its originals (docs/patterns.md).
MULTI_STEP_PATTERNS = (
    "SequentialCascade",
    "ChunkedMapReduce",
    "ParallelDeepExploration",
    "RobustAnalysisComposite",
)

#: Every pattern `use X(…)`, `test … for X` and `stdlib:X` can name without an import.
STDLIB_PATTERNS = (*UPSTREAM_PATTERNS, *MULTI_STEP_PATTERNS)


def stdlib_file(name: str) -> Path | None:
    """The file declaring stdlib pattern `name` (`<Name>.plx` in `parallax_dsl/stdlib/` or the repository's
    `stdlib_patterns/`), without importing the runtime: what the checker reads to know a pattern's inputs."""
    name = name.removeprefix("stdlib.")
    for folder in (_PACKAGE_DIR / "stdlib", _PACKAGE_DIR.parent / "stdlib_patterns"):
        candidate = folder / f"{name}.plx"
        if candidate.is_file():
            return candidate
    return None
