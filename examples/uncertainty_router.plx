# Route a task by how confident a quick probe is: cheap path, balanced path, or a specialist.
pattern TriageRouter {
  version "1.0.0"
  description "Probe once, then route on the probe's confidence band"

  input {
    task: string
  }

  agents generalists {
    capabilities ["analysis"]
    max 1
  }

  agents specialists {
    capabilities ["analysis", "expert"]
    min 1
    max 3
  }

  step probe = generalists.assess(task: input.task) timeout 20s

  # Three-band dispatch; the steps inside a branch run only when it is taken.
  uncertain probe bands(high: 0.85, medium: 0.5) {
    high => output {
      routing: "generalist_sufficient"
      answer: probe.value
    } with confidence confidence(probe)

    medium => {
      fanout second_opinions = specialists.assess(task: input.task)
      let best_answer = best(probe, synthesize(second_opinions))
      output {
        routing: "balanced_approach"
        answer: best_answer.value
      } with confidence confidence(best_answer)
    }

    low => escalate to human "The probe was not confident; a specialist should look at this task"
  }
}
