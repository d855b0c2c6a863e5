# ConsensusBuilder — expertise-weighted consensus over code analysts; the most confident analyst recommends.
# Upstream: packages/patterns/src/patterns/consensus-builder.ts (v2.0.0).
pattern ConsensusBuilder {
  version "2.0.0"
  description "Build weighted consensus from pre-processed agent analyses"
  tags ["consensus", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
  }

  # The upstream also declares minConfidence 0.6, as metadata only: it filters nothing.
  agents analysts {
    capabilities ["code-analysis"]
    min 3
  }

  fanout answers = analysts.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let weight = sum(results.map(r, r.expertise ?? 0))
  let weighted = sum(results.map(r, r.confidence * (r.expertise ?? 0)))
  let combined = if weight > 0 then weighted / weight else 0
  let high = results.count(r, r.confidence > 0.8)
  let kind = match {
    high >= 3 and combined > 0.8 => {
      type: "strong_consensus"
      message: "Strong agreement among experts"
    }
    high >= 2 and combined > 0.6 => {
      type: "moderate_consensus"
      message: "Moderate agreement with some uncertainty"
    }
    else => { type: "weak_consensus", message: "Limited agreement - consider more analysis" }
  }
  # The most confident result recommends (the first wins ties); none above confidence 0 means no recommendation.
  let top = results.filter(r, r.confidence > 0).max_by(r, r.confidence)

  output {
    type: kind.type
    confidence: combined
    message: kind.message
    recommendation: top.result.recommendation ?? "No recommendation available"
    agentCount: len(results)
    successfulAgents: results.count(r, r.confidence > 0)
    highConfidenceAgents: high
    results: results
  } with confidence combined
}
