import "does_not_exist.plx"

pattern Uses {
  input { task: string }
  use a = ConsensusBuildr(task: input.task)
  use b = Local(tsk: input.task)
  output [a, b]
}

pattern Local {
  input { task: string }
}

test "broken test" for Missing {
  expect output == 1
}
