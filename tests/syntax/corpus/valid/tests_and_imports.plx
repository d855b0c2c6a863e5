# Imports, composition with use (local, imported, stdlib), and test blocks.
import "helpers/shared.plx"

pattern Composed {
  input {
    task: string
  }
  use local = Helper(task: input.task)
  use imported = SharedHelper(task: input.task)
  use standard = stdlib.SimpleConsensus(task: input.task)
  use bare = SimpleConsensus(task: input.task)
  output {
    local: local.value
    imported: imported.value
    standard: standard.value
    bare: bare.value
  }
}

pattern Helper {
  input {
    task: string
  }
  output input.task
}

test "canned answers and expectations" for Composed {
  input { task: "t" }
  agent a1 { capabilities ["analysis"] expertise 0.9 historical_confidence 0.8 name "First" }
    answers "yes" with confidence 0.9
  agent a2 { capabilities ["analysis"] }
    answers { ok: true } reasoning "looked" delay 20ms
    then fails "down" delay 1s
  agent a3 fails
  let expected = "yes"
  expect output.local == "t"
  expect confidence == 0.85 within 1e-9
  expect calls == 2
  expect branch == null
  expect "AGENT_LIMIT" not in warnings
  expect output matches snapshot
}
