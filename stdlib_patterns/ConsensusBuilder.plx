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

  # upstream quirk: it also declares minConfidence 0.6, as metadata only: low-confidence analysts are not filtered.
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

test "the upstream test's five analysts: moderate, not strong" for ConsensusBuilder {
  input { task: "Test consensus", data: { test: true } }
  agent a1 answers { answer: "A" } with confidence 0.9
  agent a2 answers { answer: "A" } with confidence 0.85
  agent a3 answers { answer: "B" } with confidence 0.7
  expect output.type == "moderate_consensus"
  expect confidence == 0.8166666666666669
  expect output.highConfidenceAgents == 2
}

test "expertise-weighted strong consensus recommends ship" for ConsensusBuilder {
  agent a1 { expertise 0.9 } answers { recommendation: "ship" } with confidence 0.95
  agent a2 { expertise 0.8 } answers { recommendation: "hold" } with confidence 0.9
  agent a3 { expertise 0.5 } answers { recommendation: "ship" } with confidence 0.85
  expect output.type == "strong_consensus"
  expect output.recommendation == "ship"
  expect confidence == 0.9090909090909091
  expect output.results[1].agentName == "a2"
}

test "failed analysts: weak, no recommendation" for ConsensusBuilder {
  agent a1 fails "down"
  agent a2 fails "down"
  agent a3 answers "text" with confidence 0.5
  expect output.type == "weak_consensus"
  expect output.recommendation == "No recommendation available"
  expect output.successfulAgents == 1
  expect output.results[0].error == "RuntimeError: down"
}
