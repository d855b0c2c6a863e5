# PromptTesting — concise, detailed and creative prompt variants answer; a judge picks the winner.
# Upstream: packages/patterns/src/patterns/prompt-testing.ts (v2.0.0).
pattern PromptTesting {
  version "2.0.0"
  description "A/B test different prompt styles and evaluate which performs best"
  tags ["prompts", "evaluation", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    query: optional[string] = null
  }

  agents variants {
    capabilities ["prompt", "testing"]
    min 2
  }
  fanout answers = variants.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order
  let valid = results.filter(r, r.confidence > 0 and r.result)

  let tested = valid.filter(r, r.result.variantType != "judge")
  # The last answer of each variant type (and of the judge) counts (the original's `reduce((acc, r) => r, null)`).
  let judge = last(valid.filter(r, r.result.variantType == "judge")).result
  let concise = last(tested.filter(r, r.result.variantType == "concise")).result
  let detailed = last(tested.filter(r, r.result.variantType == "detailed")).result
  let creative = last(tested.filter(r, r.result.variantType == "creative")).result
  let avg = if len(valid) > 0 then sum(valid.map(r, r.confidence)) / len(valid) else 0

  output {
    # upstream quirk: the query is read from `input.data.query`, not from the declared `query` input.
    query: input.data.query
    variants: {
      concise: {
        response: concise.response ?? ""
        latencyMs: concise.latencyMs ?? 0
        length: concise.responseLength ?? 0
      }
      detailed: {
        response: detailed.response ?? ""
        latencyMs: detailed.latencyMs ?? 0
        length: detailed.responseLength ?? 0
      }
      creative: {
        response: creative.response ?? ""
        latencyMs: creative.latencyMs ?? 0
        length: creative.responseLength ?? 0
      }
    }
    evaluation: {
      evaluations: judge.evaluations ?? []
      winner: judge.winner ?? "unknown"
      winnerReason: judge.winnerReason ?? ""
      recommendation: judge.recommendation ?? ""
    }
    metadata: {
      variantsTested: len(tested)
      averageConfidence: avg  # over every valid answer, the judge's included
      variantDetails: tested.map(r, {
        style: r.result.variantType
        agent: r.agentName
        responseLength: r.result.responseLength
        latencyMs: r.result.latencyMs
        confidence: r.confidence
      })
      patternVersion: "2.0.0"
    }
  } with confidence avg
}

test "variants and a judge" for PromptTesting {
  input { data: { query: "What is DNS?" } }
  agent short
    answers {
      variantType: "concise"
      response: "Short."
      latencyMs: 120
      responseLength: 6
    } with confidence 0.8
  agent long
    answers {
      variantType: "detailed"
      response: "Long answer"
      latencyMs: 900
    } with confidence 0.85
  agent judge
    answers {
      variantType: "judge"
      winner: "detailed"
      winnerReason: "complete"
    } with confidence 0.9
  expect output.query == "What is DNS?"
  expect output.variants.concise == { response: "Short.", latencyMs: 120, length: 6 }
  expect output.variants.creative == { response: "", latencyMs: 0, length: 0 }
  expect output.evaluation.winner == "detailed"
  expect output.metadata.variantsTested == 2
  expect confidence == 0.85
}

test "no judge" for PromptTesting {
  input { query: "not reported" }
  agent short answers { variantType: "concise" } with confidence 0.6
  agent other answers "text" with confidence 0.5
  expect not has(output, "query")
  expect output.evaluation.winner == "unknown"
}
