# SequentialCascade — the real cascade of the V0 originals of ConfidenceCascade and CascadingRefinement: ask the
# fast tier; call the standard tier only while the target is unmet, then the expert tier, each refining the best
# answer so far. Cost: 1 to 3 agent calls, against every qualifying agent for the upstream's one-fan-out twins.
pattern SequentialCascade {
  version "1.0.0"
  description "Call the next, more expensive tier only while the confidence target is unmet"
  tags ["cascade", "refinement", "multi-step"]

  input {
    task: string = "analyze"
    data: any = null
    minConfidence: number = 0.8
  }

  # Each tier is its most historically confident agent (V0 sorted agents by historicalConfidence).
  agents fast {
    capabilities ["query-processing", "fast"]
    prefer "confidence"
    max 1
  }
  agents standard {
    capabilities ["query-processing", "standard"]
    prefer "confidence"
    max 1
  }
  agents expert {
    capabilities ["query-processing", "expert"]
    prefer "confidence"
    max 1
  }

  let target = input.minConfidence
  step first = fast.process(task: input.task, data: input.data) retries 1
  let tier1 = [{ tier: 1, agent: first.agent.name, confidence: confidence(first) }]

  if confidence(first) >= target {
    output {
      status: "target_achieved"
      result: first.value
      attempts: 1
      path: tier1
    } with confidence confidence(first)
  } else {
    step second = standard.refine(task: input.task, data: input.data, previous: first.value)
      retries 1
    let better = best(first, second)  # the first wins ties
    let tier2 = flatten([tier1, [{
      tier: 2
      agent: second.agent.name
      confidence: confidence(second)
    }]])
    if confidence(better) >= target {
      output {
        status: "target_achieved"
        result: better.value
        attempts: 2
        path: tier2
      } with confidence confidence(better)
    } else {
      step third = expert.refine(task: input.task, data: input.data, previous: better.value)
        retries 1
      let final = best(better, third)
      output {
        status: match {
          confidence(final) >= target => "target_achieved"
          confidence(final) > 0.6 => "best_effort"
          else => "low_confidence"
        }
        result: final.value
        attempts: 3
        path: flatten([tier2, [{
          tier: 3
          agent: third.agent.name
          confidence: confidence(third)
        }]])
      } with confidence confidence(final)
    }
  }
}

test "a confident fast tier answers alone: one call" for SequentialCascade {
  agent quick { capabilities ["query-processing", "fast"] }
    answers "cached answer" with confidence 0.9
  agent mid { capabilities ["query-processing", "standard"] } answers "unused" with confidence 0.95
  agent deep { capabilities ["query-processing", "expert"] } answers "unused" with confidence 0.99
  expect output.status == "target_achieved"
  expect output.result == "cached answer"
  expect calls == 1
}

test "the standard tier meets the target: two calls" for SequentialCascade {
  agent quick { capabilities ["query-processing", "fast"] } answers "draft" with confidence 0.5
  agent mid { capabilities ["query-processing", "standard"] } answers "refined" with confidence 0.85
  agent deep { capabilities ["query-processing", "expert"] } answers "unused" with confidence 0.99
  expect output.result == "refined"
  expect output.path == [{ tier: 1, agent: "quick", confidence: 0.5 }, {
    tier: 2
    agent: "mid"
    confidence: 0.85
  }]
  expect calls == 2
  expect confidence == 0.85
}

test "every tier falls short: best effort after three calls" for SequentialCascade {
  agent quick { capabilities ["query-processing", "fast"] } answers "draft" with confidence 0.5
  agent mid { capabilities ["query-processing", "standard"] } answers "refined" with confidence 0.7
  agent deep { capabilities ["query-processing", "expert"] } answers "thorough" with confidence 0.65
  expect output.status == "best_effort"
  expect output.result == "refined"
  expect output.attempts == 3
  expect calls == 3
}
