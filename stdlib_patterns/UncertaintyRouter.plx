# UncertaintyRouter — the first agent's confidence is a quick assessment; its band picks whom to route to.
# Upstream: packages/patterns/src/patterns/uncertainty-router.ts (v2.0.0).
pattern UncertaintyRouter {
  version "2.0.0"
  description "Route tasks based on uncertainty levels using Prism's uncertain conditionals"
  tags ["routing", "uncertain", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    taskContext: any = null
  }

  # The upstream declares no minAgents: with no agent the assessment is 0.5 and nobody is selected.
  agents pool {
    capabilities ["code-analysis"]
  }

  fanout answers = pool.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let assessment = results[0].confidence ?? 0.5
  let n = len(results)
  # upstream quirk: agents are picked by dispatch position (third, second, first), not by expertise.
  # Prism `uncertain if (true ~> assessment)`: high >= 0.8, medium >= 0.5, else low (inclusive).
  let routing = match band(true with confidence assessment) {
    "high" => {
      strategy: "generalist_sufficient"
      reason: "High confidence - generalist can handle"
      agent: if n >= 3 then results[2].agentName else null
    }
    "medium" => {
      strategy: "balanced_approach"
      reason: "Moderate confidence - using balanced agent"
      agent: if n >= 2 then results[1].agentName else null
    }
    else => {
      strategy: "specialist_required"
      reason: "Low confidence detected - routing to specialist"
      agent: if n >= 1 then results[0].agentName else null
    }
  }
  let fallback = routing.agent == null and n > 0
  let selected = if fallback then results[0].agentName else routing.agent
  let reason = if fallback then "${routing.reason} (fallback to first available)" else routing.reason

  output {
    routingStrategy: routing.strategy
    selectedAgent: selected ?? "none"
    reason: reason
    assessmentConfidence: assessment
    taskResult: if selected != null then {
      status: "routed"
      agentName: selected
      strategy: routing.strategy
    } else null
    uncertaintyHandling: if assessment < 0.5 then "Applied uncertainty-aware routing" else "Standard routing applied"
  } with confidence if selected != null then assessment else 0
}

test "an unsure assessment goes to the specialist" for UncertaintyRouter {
  agent s1 { name "Mock Agent 1" } answers { assessment: "complex" } with confidence 0.3
  agent s2 { name "Mock Agent 2" } answers { mock: true } with confidence 0.8
  agent s3 { name "Mock Agent 3" } answers { mock: true } with confidence 0.8
  expect output.routingStrategy == "specialist_required"
  expect output.selectedAgent == "Mock Agent 1"
  expect output.uncertaintyHandling == "Applied uncertainty-aware routing"
  expect confidence == 0.3
}

test "a confident assessment goes to the generalist" for UncertaintyRouter {
  agent s1 answers { assessment: "simple" } with confidence 0.95
  agent s2 answers { mock: true } with confidence 0.8
  agent s3 answers { mock: true } with confidence 0.8
  expect output.routingStrategy == "generalist_sufficient"
  expect output.selectedAgent == "s3"
}

test "one agent in the medium band is the fallback" for UncertaintyRouter {
  agent s1 answers "x" with confidence 0.6
  expect output.reason == "Moderate confidence - using balanced agent (fallback to first available)"
  expect output.taskResult == { status: "routed", agentName: "s1", strategy: "balanced_approach" }
}

test "no agent: nobody is selected" for UncertaintyRouter {
  expect output.selectedAgent == "none"
  expect output.assessmentConfidence == 0.5
  expect confidence == 0
}
