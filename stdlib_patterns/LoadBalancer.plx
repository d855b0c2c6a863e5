# LoadBalancer — route to the best-scoring of the first four agents.
# Upstream: packages/patterns/src/patterns/load-balancer.ts (v2.0.0).
pattern LoadBalancer {
  version "2.0.0"
  description "Route requests to the best available agent based on confidence and performance"
  tags ["routing", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    strategy: optional[string] = "weighted"  # confidence | latency | availability | weighted
  }

  # upstream quirk: `any` is a literal capability name that agents must advertise, not a wildcard.
  agents pool {
    capabilities ["any"]
    min 1
  }

  fanout answers = pool.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let strategy = input.strategy ?? "weighted"
  # upstream quirk: only `confidence` scores agents by their answers; the other strategies use fixed positional
  # scores, so they always pick the first agent. At most the first four results are considered.
  let positional = [0.7, 0.65, 0.6, 0.55]
  let scored = range(min(len(results), 4)).map(i, {
    result: results[i]
    score: if strategy == "confidence" then results[i].confidence else positional[i]
  })
  let best = scored.filter(s, s.score > 0).max_by(s, s.score)  # strictly better than 0; the first wins ties
  let score = best.score ?? 0

  output {
    value: best.result.result ?? null
    confidence: score
    routing: {
      selectedAgent: best.result.agentName ?? null
      strategy: strategy
      score: score
      agentsConsidered: len(results)
    }
  } with confidence score
}

test "weighted routing always picks the first agent" for LoadBalancer {
  agent a1 answers "a" with confidence 0.5
  agent a2 answers "b" with confidence 0.99
  expect output.value == "a"
  expect output.routing == {
    selectedAgent: "a1"
    strategy: "weighted"
    score: 0.7
    agentsConsidered: 2
  }
  expect confidence == 0.7
}

test "confidence routing picks the most confident" for LoadBalancer {
  input { strategy: "confidence" }
  agent a1 answers "a" with confidence 0.5
  agent a2 answers "b" with confidence 0.9
  agent a3 answers "c" with confidence 0.9
  expect output.value == "b"
  expect confidence == 0.9
}

test "nobody above zero" for LoadBalancer {
  input { strategy: "confidence" }
  agent a1 fails "down"
  expect output.value == null
  expect output.routing.selectedAgent == null
  expect confidence == 0
}
