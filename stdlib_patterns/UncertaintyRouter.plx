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
