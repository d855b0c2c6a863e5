# ParallelExploration — confident agents who disagree mean the problem has several good approaches: explore them.
# Upstream: packages/patterns/src/patterns/parallel-exploration.ts (v2.0.0). A second round of deep analysis per
# divergent approach is ParallelDeepExploration.
pattern ParallelExploration {
  version "2.0.0"
  description "Explore multiple approaches when consensus is low but individual confidence is high"
  tags ["exploration", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    consensusThreshold: optional[number] = 0.6
  }

  agents explorers {
    capabilities ["code-analysis"]
    min 3
  }

  fanout answers = explorers.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let threshold = input.consensusThreshold ?? 0.6
  let sampled = slice(results, 0, 3)
  let high = sampled.count(r, r.confidence > 0.8)
  # upstream quirk: the sum covers at most the first three results but is divided by all of them.
  let avg = sum(sampled.map(r, r.confidence)) / len(results)  # plx: ignore[PLX507] pinned; `min 3`: never empty
  let rec1 = results[0].result.recommendation
  let rec2 = results[1].result.recommendation
  let rec3 = results[2].result.recommendation
  # upstream quirk: recommendations compare with `===`, so two answers that both lack one agree.
  let agree12 = len(results) >= 2 and identical(rec1, rec2)
  let agree3 = len(results) >= 3 and (identical(rec1, rec3) or identical(rec2, rec3))
  let consensus = agree12 or agree3
  let explore = high >= 2 and not consensus

  output {
    strategy: match {
      explore => "divergent_exploration"
      consensus and avg > threshold => "consensus_reached"
      else => "standard_analysis"
    }
    explorationNeeded: explore
    hasConsensus: consensus
    averageConfidence: avg
    highConfidenceCount: high
    consensusThreshold: threshold
    approaches: results
    recommendation: match {
      explore => "Multiple valid approaches detected - consider all perspectives"
      consensus => rec1
      else => "Low consensus - additional analysis recommended"
    }
    insights: {
      divergentThinking: explore
      strongAgreement: consensus and avg > 0.8
      uncertaintyPresent: avg < threshold
    }
  } with confidence if explore then avg * 1.1 else avg  # clamped to 1
}

test "confident divergent approaches are explored" for ParallelExploration {
  agent a1 answers { recommendation: "cache" } with confidence 0.9
  agent a2 answers { recommendation: "shard" } with confidence 0.85
  agent a3 answers { recommendation: "queue" } with confidence 0.5
  expect output.strategy == "divergent_exploration"
  expect output.averageConfidence == 0.75
  expect confidence == 0.8250000000000001
}

test "two agreeing recommendations reach consensus" for ParallelExploration {
  agent a1 answers { recommendation: "a" } with confidence 0.9
  agent a2 answers { recommendation: "a" } with confidence 0.9
  agent a3 answers { recommendation: "b" } with confidence 0.9
  expect output.strategy == "consensus_reached"
  expect output.recommendation == "a"
  expect output.insights.strongAgreement == true
}

# upstream quirk, pinned: answers without a recommendation agree (undefined === undefined).
test "missing recommendations agree" for ParallelExploration {
  agent a1 answers "plain" with confidence 0.5
  agent a2 answers "text" with confidence 0.5
  agent a3 answers "more" with confidence 0.5
  expect output.hasConsensus == true
  expect output.strategy == "standard_analysis"
  expect not has(output, "recommendation")
}
