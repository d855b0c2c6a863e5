# LLMAugmentedDecision — how much the agents' confidences agree decides between the top answer, a vote, an LLM
# meta-analysis or a conservative call (an `uncertain` dispatch).
# Upstream: packages/patterns/src/patterns/llm-augmented-decision.ts (v2.0.0).
pattern LLMAugmentedDecision {
  version "2.0.0"
  description "Augments agent decisions with LLM meta-analysis when consensus is low"
  tags ["decision", "uncertain", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    useLLM: optional[boolean] = false
    llmThreshold: optional[number] = 0.6
  }

  agents pool {
    min 1
  }

  fanout answers = pool.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let use_llm = input.useLLM ?? false
  let threshold = input.llmThreshold ?? 0.6
  let n = len(results)  # `min 1`: at least one answer
  let confidences = results.map(r, r.confidence)
  let mean = sum(confidences) / n
  let variance = sum(confidences.map(c, (c - mean) * (c - mean))) / n
  # Consensus from the spread of confidences: lower variance, higher consensus (floored at 0.1).
  let score = if n == 1 then confidences[0] else if 1 - variance * 2 > 0 then 1 - variance * 2 else 0.1
  let needs_llm = use_llm and score < threshold
  let top = results.max_by(r, r.confidence).result  # synthesize: the most confident answer, the first on ties
  # Weighted vote by decision key (`decision`, else `recommendation`, else "default"): the largest group wins (the
  # first seen on ties) with its most confident member's answer.
  let groups = values(results.group_by(r, match {
    r.result.decision => string(r.result.decision)
    r.result.recommendation => string(r.result.recommendation)
    else => "default"
  }))
  let voted = groups.max_by(g, len(g)).max_by(r, r.confidence).result
  # An answer blocks when its severity is "critical", its risk "high" or its recommendation "block".
  let blocking = { severity: "critical", risk: "high", recommendation: "block" }
  let blockers = results.filter(r, keys(blocking).exists(k, r.result[k] == blocking[k]))
  let conservative = if len(blockers) > 0 then {
    action: "block"
    reason: "Critical concerns identified"
    concern: blockers[0]
  } else {
    action: "proceed-with-caution"
    reason: "No critical blockers but low consensus"
    recommendation: top
  }
  # Prism `uncertain if (results ~> score)`: high >= 0.8, medium >= 0.5, else low.
  let level = band(results with confidence score)
  let augmented = level != "high" and needs_llm
  let decision = match {
    level == "high" => top
    augmented => "Based on analysis, proceed with caution"  # upstream quirk: the LLM call is a hard-coded stub
    level == "medium" => voted
    else => conservative
  }
  let reasoning = match {
    level == "high" => "High consensus among agents"
    augmented and level == "medium" => "Medium consensus augmented with LLM analysis"
    augmented => "Low consensus resolved through LLM meta-analysis"
    level == "medium" => "Medium consensus using weighted voting"
    else => "Low consensus - taking conservative approach"
  }
  let confidence = if augmented then 0.8 else score

  output {
    decision: decision
    confidence: confidence
    reasoning: reasoning
    consensus: score
    augmented: augmented
    agentCount: n
    metadata: { pattern: "LLMAugmentedDecision", llmEnabled: use_llm, threshold: threshold }
  } with confidence confidence
}

test "medium consensus votes by decision" for LLMAugmentedDecision {
  agent a1 answers { decision: "stop" } with confidence 0.2
  agent a2 answers { decision: "go", by: "a2" } with confidence 0.9
  agent a3 answers { decision: "go", by: "a3" } with confidence 0.95
  expect output.decision == { decision: "go", by: "a3" }
  expect output.reasoning == "Medium consensus using weighted voting"
  expect confidence == 0.7655555555555555
}

test "the LLM stub augments a medium consensus below the threshold" for LLMAugmentedDecision {
  input { useLLM: true, llmThreshold: 0.9 }
  agent a1 answers "a" with confidence 0.2
  agent a2 answers "b" with confidence 0.9
  agent a3 answers "c" with confidence 0.95
  expect output.decision == "Based on analysis, proceed with caution"
  expect output.augmented == true
  expect output.consensus == 0.7655555555555555
  expect confidence == 0.8
}

test "one unsure agent with a critical concern blocks" for LLMAugmentedDecision {
  agent a1 answers { severity: "critical" } with confidence 0.3
  expect output.decision.action == "block"
  expect output.decision.concern.agentId == "a1"
  expect output.reasoning == "Low consensus - taking conservative approach"
  expect confidence == 0.3
}
