# uncertain (default and custom bands), match and if statements with lazy steps, escalate, fail.
pattern DefaultBands {
  input {
    task: string
  }
  agents pool {
    capabilities ["analysis"]
  }
  agents experts {
    capabilities ["analysis", "expert"]
  }

  step probe = pool.assess(task: input.task)

  uncertain probe {
    high => output probe.value with confidence confidence(probe)
    medium => {
      fanout second = experts.assess(task: input.task)
      let merged = synthesize(second)
      output merged.value with confidence confidence(merged)
    }
    low => escalate to experts "probe was unsure"
  }
}

pattern CustomBands {
  input {
    score: number
  }
  uncertain input.score with confidence input.score bands(high: 0.9, medium: 0.6) {
    high => output "sure"
    else => escalate "needs a human"
  }
}

pattern MatchAndIf {
  input {
    task: string
  }
  agents experts {
    capabilities ["analysis", "expert"]
  }
  step probe = experts.assess(task: input.task)

  # A match whose arms do not all end the run falls through to the next statement.
  match (probe.value.kind ?? "unknown") {
    "bug" => {
      step fix = experts.fix(task: input.task)
      output fix.value
    }
    "question" => output "answered"
    else => {
      let note = "unknown kind"
      step log = experts.log(note: note)
      let _logged = log
    }
  }

  if confidence(probe) > 0.5 {
    output "confident"
  } else if confidence(probe) > 0.2 {
    escalate to human
  } else {
    fail "no confidence at all"
  }
}
