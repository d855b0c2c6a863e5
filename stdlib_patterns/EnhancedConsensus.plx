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

# upstream quirk, pinned: answers lacking `decision` and `value` agree on them, so 1 of 3 true agreements scores 1.
test "loose agreement: one real agreement in three pairs scores 1" for EnhancedConsensus {
  agent a1 answers { recommendation: "A" } with confidence 0.9
  agent a2 answers { recommendation: "B" } with confidence 0.8
  agent a3 answers { recommendation: "A" } with confidence 0.7
  expect output.method == "weighted-consensus"
  expect output.decision == { recommendation: "A" }
  expect output.metrics.avgConfidence == 0.8000000000000002
  expect confidence == 1
}

test "medium agreement votes among the confident answers" for EnhancedConsensus {
  agent a1 answers { recommendation: "A", decision: 1, value: 1 } with confidence 0.9
  agent a2 answers { recommendation: "A", decision: 2, value: 2 } with confidence 0.75
  agent a3 answers { recommendation: "B", decision: 2, value: 3 } with confidence 0.8
  expect output.method == "filtered-majority"
  expect output.decision == { recommendation: "A", decision: 1, value: 1 }
  expect confidence == 0.6666666666666666
}

test "no agreement: synthesis" for EnhancedConsensus {
  agent a1 answers { recommendation: "x", decision: "a", value: 1 } with confidence 0.6
  agent a2 answers { recommendation: "y", decision: "b", value: 2 } with confidence 0.9
  expect output.method == "synthesis"
  expect output.reasoning == "Low consensus required synthesis across 2 different agent opinions"
  expect confidence == 0
}
