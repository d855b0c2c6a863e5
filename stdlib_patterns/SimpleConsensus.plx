# SimpleConsensus — the mean confidence of every agent's answer decides whether there is consensus.
# Upstream: packages/patterns/src/patterns/simple-consensus.ts (v2.0.0).
pattern SimpleConsensus {
  version "2.0.0"
  description "Simple consensus pattern using pre-processed results"
  tags ["consensus", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
  }

  # Every agent, whatever its capabilities.
  agents pool {
    min 2
  }

  # The upstream engine sends every agent `input.task || 'analyze'` and `input.data || input`.
  fanout answers = pool.analyze(task: input.task or "analyze", data: input.data or input)

  let avg = average_confidence(answers)  # over ALL results, failed ones (confidence 0) included

  output {
    status: if avg > 0.7 then "consensus_reached" else "low_consensus"
    confidence: avg
    agentCount: len(answers)
    agents: answers.map(r, { name: r.agent.name, confidence: r.confidence, result: r.value })
  } with confidence avg
}

test "two confident yeses reach consensus" for SimpleConsensus {
  input { task: "Is the build green?" }
  agent a1 answers "yes" with confidence 0.9
  agent a2 answers "yes" with confidence 0.8
  expect output.status == "consensus_reached"
  expect confidence == 0.8500000000000001
  expect output.agents[1] == { name: "a2", confidence: 0.8, result: "yes" }
}

test "a split at low confidence is low consensus" for SimpleConsensus {
  input { task: "Is the build green?" }
  agent a1 answers "yes" with confidence 0.5
  agent a2 answers "no" with confidence 0.6
  expect output.status == "low_consensus"
  expect confidence == 0.55
}

test "a failed agent counts with confidence 0" for SimpleConsensus {
  agent a1 answers "yes" with confidence 0.9
  agent a2 fails "timeout"
  expect output.status == "low_consensus"
  expect output.agentCount == 2
  expect output.agents[1].result == null
  expect confidence == 0.45
}

test "one agent is not enough" for SimpleConsensus {
  agent a1 answers "yes" with confidence 0.9
  expect error == "NOT_ENOUGH_AGENTS: Not enough agents available. Required: 2, Available: 1"
}
