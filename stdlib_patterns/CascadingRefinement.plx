# CascadingRefinement — up to three tiers (fast, medium, thorough); a later tier runs only while the target is
# unmet and is adopted only when it is more confident.
# Upstream: packages/patterns/src/patterns/cascading-refinement.ts (v2.0.0): tiers are the first three answers of
# one fan-out. SequentialCascade calls each tier only when needed.
pattern CascadingRefinement {
  version "2.0.0"
  description "Progressively refine results with increasing cost/quality agents"
  tags ["cascade", "refinement", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    minConfidence: optional[number] = 0.8
    maxTier: optional[number] = 3
  }

  agents tiers {
    capabilities ["code-analysis"]
    min 3
  }

  fanout answers = tiers.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let target = input.minConfidence ?? 0.8
  let tier_count = max(min(3, input.maxTier ?? 3, len(results)), 0)
  let candidates = slice(results, 0, tier_count)
  # upstream quirk: tiers 1 and 2 stop as soon as the target is met; tier 3 falls through to the generic message.
  let early = range(min(len(candidates), 2)).filter(i, candidates[i].confidence >= target)
  let walked = if len(early) > 0 then slice(candidates, 0, early[0] + 1) else candidates
  let adopted = walked.max_by(r, r.confidence)  # tier 1 unconditionally, later tiers only when more confident
  let current = adopted.confidence ?? 0
  let durations = ["fast", "medium", "thorough"]
  let path = range(len(walked)).map(i, {
    tier: i + 1
    agentName: walked[i].agentName
    confidence: walked[i].confidence
    duration: durations[i]
  })

  if len(early) > 0 {
    output {
      value: adopted.result
      confidence: current
      refinementPath: path
      message: "Target confidence achieved with tier ${early[0] + 1}"
    } with confidence current
  }
  output {
    value: adopted.result ?? null
    confidence: current
    refinementPath: path
    targetConfidence: target
    message: if current >= target then "Target confidence achieved" else "Best effort - target confidence not reached"
  } with confidence current
}

test "the target is met at tier 2" for CascadingRefinement {
  agent t1 answers "fast" with confidence 0.6
  agent t2 answers "medium" with confidence 0.85
  agent t3 answers "thorough" with confidence 0.9
  expect output.value == "medium"
  expect output.message == "Target confidence achieved with tier 2"
  expect len(output.refinementPath) == 2
  expect confidence == 0.85
}

test "tier 1 is enough" for CascadingRefinement {
  agent t1 answers "fast" with confidence 0.9
  agent t2 answers "medium" with confidence 0.95
  agent t3 answers "thorough" with confidence 0.99
  expect output.message == "Target confidence achieved with tier 1"
  expect output.refinementPath == [{ tier: 1, agentName: "t1", confidence: 0.9, duration: "fast" }]
}

test "best effort keeps the most confident tier" for CascadingRefinement {
  agent t1 answers "fast" with confidence 0.5
  agent t2 answers "medium" with confidence 0.4
  agent t3 answers "thorough" with confidence 0.7
  expect output.value == "thorough"
  expect output.targetConfidence == 0.8
  expect output.message == "Best effort - target confidence not reached"
  expect confidence == 0.7
}

test "maxTier 1" for CascadingRefinement {
  input { maxTier: 1 }
  agent t1 answers "fast" with confidence 0.5
  agent t2 answers "medium" with confidence 0.9
  agent t3 answers "thorough" with confidence 0.9
  expect output.value == "fast"
  expect confidence == 0.5
}
