# ParallelDeepExploration — the real shape of ParallelExploration's V0 original: explorers answer in parallel;
# when confident explorers diverge on the approach, a second round analyses each approach in depth. Cost: one call
# per explorer, plus one deep call per approach only when they diverge — against one call per explorer (and no
# second round) for the upstream's twin.
pattern ParallelDeepExploration {
  version "1.0.0"
  description "Explore in parallel, then analyse each divergent approach in depth"
  tags ["exploration", "multi-step"]

  input {
    task: string = "analyze"
    data: any = null
    consensusThreshold: number = 0.6
  }

  agents explorers {
    capabilities ["code-analysis"]
    min 2
  }
  agents analysts {
    capabilities ["code-analysis", "deep-analysis"]
    prefer "expertise"
    min 1
  }

  fanout proposals = explorers.explore(task: input.task, data: input.data)
  let answered = proposals.filter(p, is_valid(p))
  let approach_of = answered.map(p, string(p.value.approach ?? "unspecified"))
  let approaches = unique(approach_of)
  # V0's consensus level: one approach is 0.9; else the largest group of confident (> 0.8) explorers over them all.
  let confident = range(len(answered)).filter(i, answered[i].confidence > 0.8).map(i, approach_of[i])
  let largest = max(values(confident.group_by(a, a)).map(g, len(g)))
  let level = if len(approaches) <= 1 then 0.9 else if len(confident) > 0 then largest / len(confident) else 0

  if len(approaches) > 1 and level < input.consensusThreshold {
    # Second round: one deep analysis per approach, each with the proposals that backed it.
    let backed = approaches.map(a, range(len(answered)).filter(i, approach_of[i] == a).map(i, answered[i].value))
    let plans = range(len(approaches)).map(i, { approach: approaches[i], proposals: backed[i] })
    fanout deep = analysts.deepen(task: input.task, data: input.data, plan: plan) for plan in plans
    let chosen = synthesize(deep)  # the most confident deep analysis; the first approach wins ties
    output {
      strategy: "divergent_exploration"
      consensusLevel: level
      approaches: approaches
      analyses: range(len(deep)).map(i, {
        approach: approaches[i]
        result: deep[i].value
        confidence: deep[i].confidence
      })
      recommendation: chosen.value
    } with confidence confidence(chosen)
  }
  if len(answered) == 0 {
    fail "no explorer answered"
  }
  let top = synthesize(answered)
  output {
    strategy: if level >= input.consensusThreshold then "consensus_reached" else "standard_analysis"
    consensusLevel: level
    approaches: approaches
    recommendation: top.value
  } with confidence confidence(top)
}

test "agreeing explorers need no second round" for ParallelDeepExploration {
  agent e1 { capabilities ["code-analysis"] }
    answers { approach: "cache", plan: "LRU" } with confidence 0.9
  agent e2 { capabilities ["code-analysis"] }
    answers { approach: "cache", plan: "TTL" } with confidence 0.85
  agent d1 { capabilities ["code-analysis", "deep-analysis"] }
    answers { approach: "cache" } with confidence 0.8
  expect output.strategy == "consensus_reached"
  expect output.recommendation == { approach: "cache", plan: "LRU" }
  expect calls == 3  # the deep analyst is also an explorer
}

test "divergent confident explorers get a deep analysis per approach" for ParallelDeepExploration {
  agent e1 { capabilities ["code-analysis"] } answers { approach: "cache" } with confidence 0.9
  agent e2 { capabilities ["code-analysis"] } answers { approach: "shard" } with confidence 0.85
  agent d1 { capabilities ["code-analysis", "deep-analysis"] expertise 0.95 }
    answers { approach: "queue" } with confidence 0.6
    then answers { verdict: "cache works up to 1k rps" } with confidence 0.7
    then answers { verdict: "sharding scales" } with confidence 0.88
    then answers { verdict: "queue adds latency" } with confidence 0.5
  expect output.strategy == "divergent_exploration"
  expect output.approaches == ["cache", "shard", "queue"]
  expect output.recommendation == { verdict: "sharding scales" }
  expect output.consensusLevel == 0.5
  expect calls == 6  # 3 explorers + 3 deep analyses
  expect confidence == 0.88
}
