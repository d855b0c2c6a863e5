# RobustAnalysisComposite — the real composite of RobustAnalysis's V0 original: a quick confidence-routed probe
# (LoadBalancer), then an `uncertain` dispatch that runs other stdlib patterns — the cheaper, the surer the probe.
# Cost: the probe's agents, plus only the chosen branch's patterns (router; consensus + validation; exploration +
# refinement) — against one fan-out and no composition for the upstream's twin.
pattern RobustAnalysisComposite {
  version "1.0.0"
  description "Probe, then route, build consensus or explore depending on how sure the probe is"
  tags ["composite", "uncertain", "multi-step"]

  input {
    task: string = "analyze"
    data: any = null
    requirements: any = null
  }

  use probe = LoadBalancer(task: input.task, data: input.data, strategy: "confidence")

  uncertain probe {
    high => {
      # A sure probe: routing is enough.
      use routed = UncertaintyRouter(task: input.task, data: input.data)
      output {
        strategy: "routed"
        assessment: confidence(probe)
        routing: routed.value
      } with confidence confidence(routed)
    }
    medium => {
      # Build a weighted consensus and have validators check it; both must hold (V0: the product).
      use consensus = ConsensusBuilder(task: input.task, data: input.data)
      use validated = MultiValidator(task: "Validate the consensus", data: consensus.value)
      output {
        strategy: "consensus_validated"
        assessment: confidence(probe)
        consensus: consensus.value
        validation: validated.value
      } with confidence confidence(consensus) * confidence(validated)
    }
    low => {
      # An unsure probe: explore the approaches and refine in tiers; keep the more confident outcome.
      use explored = ParallelExploration(task: input.task, data: input.data)
      use refined = CascadingRefinement(task: input.task, data: input.data)
      let chosen = best(refined, explored)  # refinement wins ties
      output {
        strategy: "explored_and_refined"
        assessment: confidence(probe)
        exploration: explored.value
        refinement: refined.value
        chosen: if confidence(refined) >= confidence(explored) then "refinement" else "exploration"
      } with confidence confidence(chosen)
    }
  }
}

test "a sure probe only routes: two calls" for RobustAnalysisComposite {
  agent probe { capabilities ["any"] } answers "simple" with confidence 0.9
  agent c1 { capabilities ["code-analysis"] } answers { assessment: "simple" } with confidence 0.85
  expect output.strategy == "routed"
  expect output.routing.selectedAgent == "c1"
  expect confidence == 0.85
  expect calls == 2
}

test "a middling probe builds a validated consensus" for RobustAnalysisComposite {
  agent probe { capabilities ["any"] } answers "unclear" with confidence 0.6
  agent c1 { capabilities ["code-analysis"] } answers { recommendation: "ship" } with confidence 0.9
  agent c2 { capabilities ["code-analysis"] } answers { recommendation: "ship" } with confidence 0.9
  agent c3 { capabilities ["code-analysis"] } answers { recommendation: "hold" } with confidence 0.6
  agent v1 { capabilities ["validation"] } answers { issues: [] } with confidence 0.95
  agent v2 { capabilities ["validation"] } answers { issues: [] } with confidence 0.9
  expect output.strategy == "consensus_validated"
  expect output.consensus.recommendation == "ship"
  expect output.validation.mode == "fast_path"
  expect confidence == 0.7600000000000001
  expect calls == 6
}

test "an unsure probe explores and refines" for RobustAnalysisComposite {
  agent probe { capabilities ["any"] } answers "hard" with confidence 0.3
  agent c1 { capabilities ["code-analysis"] }
    answers { recommendation: "cache" } with confidence 0.9
    then answers "draft" with confidence 0.6
  agent c2 { capabilities ["code-analysis"] }
    answers { recommendation: "shard" } with confidence 0.85
    then answers "better" with confidence 0.85
  agent c3 { capabilities ["code-analysis"] }
    answers { recommendation: "queue" } with confidence 0.5
    then answers "unused" with confidence 0.9
  expect output.strategy == "explored_and_refined"
  expect output.exploration.strategy == "divergent_exploration"
  expect output.refinement.value == "better"
  expect output.chosen == "refinement"
  expect calls == 7
}
