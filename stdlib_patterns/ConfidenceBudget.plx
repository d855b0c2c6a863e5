# ConfidenceBudget — spend agents in phases (fast, standard, one expert) until their confidences sum to a budget.
# Upstream: packages/patterns/src/patterns/confidence-budget.ts (v2.0.0): the phases consume the answers of one
# fan-out (every agent is called); its `uncertain` bands how well the budget was filled.
pattern ConfidenceBudget {
  version "2.0.0"
  description "Progressive analysis with confidence budget tracking across fast, standard, and expert agent phases"
  tags ["budget", "uncertain", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    minConfidence: optional[number] = 3.0  # the budget: a SUM of confidences
    maxAgents: optional[number] = 5
    timeLimit: optional[number] = 5000
  }

  agents pool {
    min 1
  }
  fanout answers = pool.analyze(task: input.task or "analyze", data: input.data or input)
  let budget = input.minConfidence ?? 3.0
  let most = input.maxAgents ?? 5
  # The upstream engine reads a zero or missing historicalConfidence as 0.75 and expertise as 0.7 (`||`).
  let agents = answers.map(r, {
    answer: r
    history: r.agent.historicalConfidence or 0.75
    expertise: r.agent.expertise or 0.7
  })
  let fast = agents.filter(a, "fast" in a.answer.agent.capabilities and a.history > 0.8)
  let short_fast = sum(fast.map(a, a.answer.confidence)) < budget and len(fast) < most
  let standard_pool = agents.filter(a, not (a in fast) and a.history > 0.6)
  let so_far = flatten([fast, if short_fast then slice(standard_pool, 0, most - len(fast)) else []])
  let short_standard = sum(so_far.map(a, a.answer.confidence)) < budget and len(so_far) < most
  let experts = agents.filter(a, not (a in so_far) and a.expertise > 0.85)
  let phased = flatten([so_far, if short_standard then slice(experts, 0, 1) else []])
  let used = if len(phased) > 0 then phased else slice(agents, 0, most)  # no phase fits: the first `maxAgents`
  let consumed = used.map(a, a.answer)
  let total = sum(consumed.map(r, r.confidence))
  let met = total >= budget
  let avg = if len(consumed) > 0 then total / len(consumed) else 0
  let best = consumed.max_by(r, r.confidence).value  # synthesize: the most confident value, the first on ties
  let confident = consumed.filter(r, r.confidence > 0.8)
  let marginal = (if len(confident) > 0 then confident else consumed).max_by(r, r.confidence).value
  let note = { caveat: "Low confidence due to insufficient analysis budget", confidence: avg }
  let caveat = merge(if type_of(best) in ["map", "list"] then best else {}, note)
  # upstream quirk: bands the budget-fill ratio (the original's `uncertain if (budgetMet)` was always high).
  let ratio = if budget > 0 then min(1, total / budget) else 1
  let outcome = match band(met with confidence ratio) {
    "high" => { result: best, status: "budget-met" }
    "medium" => { result: marginal, status: "budget-marginal" }
    else => { result: caveat, status: "budget-insufficient" }
  }
  let unable = "Unable to provide confident recommendation"
  let insufficient = { status: "insufficient-data", recommendation: unable }
  let phases = ["fast", "standard", "expert"].filter(p, match p {
    "fast" => used.exists(a, "fast" in a.answer.agent.capabilities)
    "standard" => used.exists(a, a.history > 0.6 and a.history <= 0.8)
    else => used.exists(a, a.expertise > 0.85)
  })
  output {
    result: if len(consumed) > 0 then outcome.result else insufficient
    confidence: avg
    budgetMet: met
    budgetStatus: if len(consumed) > 0 then outcome.status else "budget-insufficient"
    metrics: {
      totalConfidence: total
      targetConfidence: budget
      agentsUsed: len(consumed)
      maxAgents: most
      timeElapsed: 0  # the upstream's milliseconds spent inside the module: 0 in practice
      timeLimit: input.timeLimit ?? 5000
      phases: phases
    }
    analysis: consumed.map(r, agent_result(r))
    reasoning: match {
      met and total > budget * 1.2 => "Confidence budget exceeded - high quality analysis achieved"
      met => "Confidence budget met - sufficient analysis completed"
      else => "Confidence budget not met - achieved ${total / budget * 100}% of target"
    }
  } with confidence avg
}

test "fast agents meet the budget" for ConfidenceBudget {
  input { minConfidence: 1.5 }
  agent f1 { capabilities ["fast"] historical_confidence 0.9 } answers { v: 1 } with confidence 0.9
  agent f2 { capabilities ["fast"] historical_confidence 0.85 }
    answers { v: 2 } with confidence 0.95
  agent s1 { historical_confidence 0.7 } answers { v: 3 } with confidence 0.99
  expect output.budgetStatus == "budget-met"
  expect output.result == { v: 2 }
  expect output.metrics.phases == ["fast"]
  expect output.reasoning == "Confidence budget exceeded - high quality analysis achieved"
  expect confidence == 0.925
}

test "a short budget keeps the best answer with a caveat" for ConfidenceBudget {
  agent s1 { historical_confidence 0.7 } answers { answer: 42 } with confidence 0.5
  agent s2 { historical_confidence 0.7 } answers ["a"] with confidence 0.4
  expect output.budgetStatus == "budget-insufficient"
  expect output.result == {
    answer: 42
    caveat: "Low confidence due to insufficient analysis budget"
    confidence: 0.45
  }
  expect output.reasoning == "Confidence budget not met - achieved 30% of target"
  expect confidence == 0.45
}

test "one expert as a last resort" for ConfidenceBudget {
  input { minConfidence: 2.0 }
  agent s1 { historical_confidence 0.7 } answers "s1" with confidence 0.6
  agent x1 { historical_confidence 0.5 expertise 0.9 } answers "x1" with confidence 0.9
  agent x2 { historical_confidence 0.5 expertise 0.95 } answers "x2" with confidence 0.95
  expect output.budgetStatus == "budget-marginal"
  expect output.result == "x1"
  expect output.metrics.phases == ["standard", "expert"]
}
