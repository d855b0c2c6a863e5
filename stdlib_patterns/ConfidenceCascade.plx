# ConfidenceCascade — walk the answers in dispatch order and stop at the first that meets the target.
# Upstream: packages/patterns/src/patterns/confidence-cascade.ts (v2.0.0): the walk is simulated over one fan-out,
# so every agent is called. SequentialCascade calls the next agent only while the target is unmet.
pattern ConfidenceCascade {
  version "2.0.0"
  description "Cascade through agents based on confidence thresholds"
  tags ["cascade", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    query: optional[string] = null
    minConfidence: optional[number] = 0.8
  }

  agents processors {
    capabilities ["query-processing"]
    min 1
  }

  fanout answers = processors.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let target = input.minConfidence ?? 0.8
  let hits = range(len(results)).filter(i, results[i].confidence >= target)
  let attempts = if len(hits) > 0 then hits[0] + 1 else len(results)
  let walked = slice(results, 0, attempts)
  let best = walked.max_by(r, r.confidence)  # the first wins ties
  let best_confidence = best.confidence ?? 0
  let achieved = len(hits) > 0
  let status = match {
    achieved => { status: "target_achieved", recommendation: "Target confidence achieved" }
    best_confidence > 0.6 => {
      status: "best_effort"
      recommendation: "Consider lowering confidence threshold or adding more agents"
    }
    else => { status: "low_confidence", recommendation: "Manual review recommended" }
  }

  output {
    status: status.status
    result: best.result ?? null
    confidence: best_confidence
    attempts: attempts
    targetConfidence: target
    selectedAgent: best.agentName ?? "none"
    recommendation: status.recommendation
    metadata: {
      targetConfidence: target
      agentsAvailable: len(results)
      attemptsMade: attempts
      confidenceProgression: walked.map(r, r.confidence)
    }
  } with confidence best_confidence
}

test "cascade to the third answer" for ConfidenceCascade {
  input { task: "Test cascade", data: {}, minConfidence: 0.85 }
  agent a1 answers { step: 1 } with confidence 0.5
  agent a2 answers { step: 2 } with confidence 0.7
  agent a3 answers { step: 3 } with confidence 0.9
  expect output.status == "target_achieved"
  expect output.attempts == 3
  expect output.metadata.confidenceProgression == [0.5, 0.7, 0.9]
  expect confidence == 0.9
}

test "an early stop" for ConfidenceCascade {
  agent a1 answers { high: true } with confidence 0.95
  agent a2 answers "later" with confidence 0.99
  expect output.attempts == 1
  expect output.selectedAgent == "a1"
}

test "best effort and low confidence" for ConfidenceCascade {
  agent a1 answers "a" with confidence 0.5
  agent a2 answers "b" with confidence 0.65
  expect output.status == "best_effort"
  expect confidence == 0.65
}

test "low confidence recommends a manual review" for ConfidenceCascade {
  agent a1 answers "a" with confidence 0.3
  agent a2 answers "b" with confidence 0.4
  expect output.status == "low_confidence"
  expect output.recommendation == "Manual review recommended"
  expect confidence == 0.4
}
