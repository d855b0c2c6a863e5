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

test "a confident probe answers alone" for TriageRouter {
  input { task: "Classify: disk usage at 91%" }
  agent probe { capabilities ["analysis"] } answers "warning" with confidence 0.9
  agent expert { capabilities ["analysis", "expert"] } answers "critical" with confidence 0.95
  expect output.routing == "generalist_sufficient"
  expect branch == "high"
  expect calls == 1  # the specialists' branch was never taken
}

test "a middling probe asks the specialists and keeps the best answer" for TriageRouter {
  input { task: "Classify: disk usage at 91%" }
  agent probe { capabilities ["analysis"] } answers "warning" with confidence 0.6
  agent kim { capabilities ["analysis", "expert"] } answers "critical" with confidence 0.88
  agent lee { capabilities ["analysis", "expert"] } answers "warning" with confidence 0.7
  expect output.routing == "balanced_approach"
  expect output.answer == "critical"
  expect confidence == 0.88 within 1e-12
  expect calls == 3
}

test "an unsure probe escalates to a human" for TriageRouter {
  input { task: "Classify: disk usage at 91%" }
  agent probe { capabilities ["analysis"] } answers "unknown" with confidence 0.3
  expect escalated.to == "human"
  expect calls == 1
}
