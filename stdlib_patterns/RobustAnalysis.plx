# RobustAnalysis — how robust is the agents' analysis: count confident and unsure answers, pick the best one.
# Upstream: packages/patterns/src/patterns/robust-analysis.ts (v2.0.0). The composite of its V0 original (other
# stdlib patterns under an `uncertain` dispatch) is RobustAnalysisComposite.
pattern RobustAnalysis {
  version "2.0.0"
  description "Composite pattern that uses load balancing, consensus building, and uncertainty routing"
  tags ["robustness", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    requirements: any = null
  }

  agents analysts {
    capabilities ["code-analysis"]
    # plx: ignore[PLX402] the upstream's minAgents; under the Open Source limit only 3 agents answer
    min 4
  }

  fanout answers = analysts.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  # upstream quirk: despite its description it composes no other pattern; it scores one fan-out.
  let n = len(results)
  let avg = sum(results.map(r, r.confidence)) / n  # `min 4`: never empty
  let high = results.count(r, r.confidence > 0.8)
  let low = results.count(r, r.confidence < 0.5)
  let level = match {
    high >= 3 and avg > 0.75 => { robustness: "highly_robust", strategy: "consensus_based" }
    high >= 2 and low == 0 => { robustness: "moderately_robust", strategy: "majority_based" }
    low >= 2 => { robustness: "low_robustness", strategy: "uncertainty_aware" }
    else => { robustness: "mixed_robustness", strategy: "balanced_approach" }
  }
  let best = results.max_by(r, r.confidence)  # the first wins ties

  output {
    robustnessLevel: level.robustness
    strategy: level.strategy
    averageConfidence: avg
    highConfidenceCount: high
    lowConfidenceCount: low
    totalAgents: n
    selectedResult: best.result ?? null
    recommendation: best.result.recommendation ?? "Insufficient data for robust analysis"
    analysisInsights: {
      consensusStrength: if high >= 3 then "strong" else if high >= 2 then "moderate" else "weak"
      uncertaintyLevel: if low >= 2 then "high" else if low >= 1 then "moderate" else "low"
      reliabilityScore: avg
    }
    allResults: results
  } with confidence if level.strategy == "consensus_based" then avg * 1.1 else avg  # clamped to 1
}

# Four analysts are needed; under the Open Source agent limit only the first three answer, so these expectations
# hold whatever the limit.
test "confident analysts are highly robust" for RobustAnalysis {
  agent a1 answers { recommendation: "ship" } with confidence 0.9
  agent a2 answers { recommendation: "ship" } with confidence 0.85
  agent a3 answers { recommendation: "hold" } with confidence 0.95
  agent a4 answers { recommendation: "ship" } with confidence 0.85
  expect output.robustnessLevel == "highly_robust"
  expect output.recommendation == "hold"
  expect output.analysisInsights.consensusStrength == "strong"
}

test "unsure analysts have low robustness" for RobustAnalysis {
  agent a1 answers "a" with confidence 0.9
  agent a2 answers "b" with confidence 0.4
  agent a3 answers "c" with confidence 0.3
  agent a4 answers "d" with confidence 0.6
  expect output.strategy == "uncertainty_aware"
  expect output.recommendation == "Insufficient data for robust analysis"
  expect output.selectedResult == "a"
}
