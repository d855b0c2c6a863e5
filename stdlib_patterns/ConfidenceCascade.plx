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
