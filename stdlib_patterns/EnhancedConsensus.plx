# EnhancedConsensus — pairwise agreement between answers picks how they are combined (an `uncertain` dispatch).
# Upstream: packages/patterns/src/patterns/enhanced-consensus.ts (v2.0.0).
pattern EnhancedConsensus {
  version "2.0.0"
  description "Enhanced consensus using confidence extraction, agreement measurement, and band-dispatched synthesis"
  tags ["consensus", "uncertain", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    domain: optional[string] = null
    minConsensus: optional[number] = null  # upstream quirk: accepted but never used
  }

  agents pool {
    min 2
  }

  fanout answers = pool.analyze(task: input.task or "analyze", data: input.data or input)

  let n = len(answers)  # `min 2`: at least two answers
  let payloads = answers.map(r, r.value ?? {})
  let pairs = flatten(range(n).map(i, range(i + 1, n).map(j, [payloads[i], payloads[j]])))
  # upstream quirk: loose agreement — two answers agree when their `recommendation`, `decision` or `value` fields are
  # identical (JavaScript `===`), so two answers that both lack all three fields always agree.
  let fields = ["recommendation", "decision", "value"]
  let score = pairs.count(p, fields.exists(f, identical(p[0][f], p[1][f]))) / len(pairs)
  let top = answers.max_by(r, r.confidence)  # synthesize: the first wins ties
  let confident = answers.filter(r, r.confidence > 0.7)
  # Prism `uncertain if (score ~> score)`: high >= 0.8, medium >= 0.5, else low.
  let choice = match band(score with confidence score) {
    # upstream quirk: `top.value ?? top`: a null answer makes the decision the {value, confidence} pair itself.
    "high" => {
      decision: top.value ?? { value: top.value, confidence: top.confidence }
      method: "weighted-consensus"
    }
    "medium" => {
      decision: if len(confident) > 0 then majority_vote(confident) else top.value
      method: "filtered-majority"
    }
    else => { decision: top.value, method: "synthesis" }
  }

  output {
    decision: choice.decision
    confidence: score
    method: choice.method
    metrics: {
      avgConfidence: average_confidence(answers)
      minConfidence: min(answers.map(r, r.confidence))
      maxConfidence: max(answers.map(r, r.confidence))
      consensus: score
      agentCount: n
    }
    reasoning: match choice.method {
      "weighted-consensus" => "High consensus among agents enabled weighted combination of results"
      "filtered-majority" => "Medium consensus - used majority vote among high-confidence results"
      else => "Low consensus required synthesis across ${n} different agent opinions"
    }
  } with confidence score
}
