# EpistemicOrchestrator — confident experts who disagree are a signal worth keeping, not noise.
# Upstream: packages/patterns/src/patterns/epistemic-orchestrator.ts (v2.0.0).
pattern EpistemicOrchestrator {
  version "2.0.0"
  description "Orchestrate multiple expert agents, identifying valuable disagreements"
  tags ["consensus", "disagreement", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    code: optional[string] = null
    analysisType: optional[string] = null
  }

  agents experts {
    capabilities ["code-analysis"]
    # plx: ignore[PLX402] the upstream's minAgents; under the Open Source limit only 3 agents answer
    min 4
  }

  fanout answers = experts.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let n = len(results)
  let e1 = results[0]
  let e2 = results[1]
  let e3 = results[2]
  # Two experts disagree when both are confident (> 0.8) and recommend different things (JavaScript `!==`).
  let confident12 = n >= 2 and e1.confidence > 0.8 and e2.confidence > 0.8
  let confident13 = n >= 3 and e1.confidence > 0.8 and e3.confidence > 0.8
  let split12 = confident12 and not identical(e1.result.recommendation, e2.result.recommendation)
  let split13 = confident13 and not identical(e3.result.recommendation, e1.result.recommendation)
  let disagreement = split12 or split13
  let details = match {
    split12 => "High-confidence disagreement between ${e1.agentName} and ${e2.agentName}"
    split13 => "High-confidence disagreement between ${e1.agentName} and ${e3.agentName}"
    else => ""
  }
  # upstream quirk: only the first four experts' confidences are summed, but the sum is divided by all of them.
  let avg = sum(slice(results, 0, 4).map(r, r.confidence)) / n  # plx: ignore[PLX507] pinned; `min 4`: never empty
  let review_all = "Multiple valid perspectives identified - review all expert analyses"
  let level = match {
    avg > 0.8 and not disagreement => "strong_consensus"
    avg > 0.6 and not disagreement => "moderate_consensus"
    disagreement => "valuable_disagreement"
    else => "weak_consensus"
  }

  output {
    consensusLevel: level
    averageConfidence: avg
    hasDisagreement: disagreement
    disagreementDetails: details
    expertCount: n
    analyses: results
    recommendation: if disagreement then review_all else e1.result.recommendation
  } with confidence if disagreement then avg * 0.8 else avg
}

# Four experts are needed; under the Open Source agent limit only the first three answer, so these expectations
# hold whatever the limit.
test "confident experts who disagree" for EpistemicOrchestrator {
  agent e1 answers { recommendation: "refactor" } with confidence 0.9
  agent e2 answers { recommendation: "rewrite" } with confidence 0.85
  agent e3 answers { recommendation: "refactor" } with confidence 0.55
  agent e4 answers { recommendation: "refactor" } with confidence 0.75
  expect output.consensusLevel == "valuable_disagreement"
  expect output.disagreementDetails == "High-confidence disagreement between e1 and e2"
  expect output.recommendation == "Multiple valid perspectives identified - review all expert analyses"
}

test "agreeing experts" for EpistemicOrchestrator {
  agent e1 answers { recommendation: "ship" } with confidence 0.95
  agent e2 answers { recommendation: "ship" } with confidence 0.9
  agent e3 answers { recommendation: "ship" } with confidence 0.85
  agent e4 answers { recommendation: "ship" } with confidence 0.9
  expect output.consensusLevel == "strong_consensus"
  expect output.recommendation == "ship"
  expect confidence == 0.9
}

test "three experts are not enough" for EpistemicOrchestrator {
  agent e1 answers "a" with confidence 0.9
  agent e2 answers "b" with confidence 0.9
  agent e3 answers "c" with confidence 0.9
  expect error == "NOT_ENOUGH_AGENTS: Not enough agents available. Required: 4, Available: 3"
}
