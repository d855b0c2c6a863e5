# Pattern metadata, every input type, defaults and agent groups.
pattern Metadata {
  version "2.1.0"
  description "Every header setting and input type"
  tags ["demo", "inputs"]
  requires confidence >= 0.7
  timeout 5m
  policy accept 0.85 retry below 0.6 escalate below 0.3 to leads

  input {
    task: string
    limit: integer = 3
    ratio: number = -0.5
    strict: boolean = false
    extra: any = null
    tags: list[string] = ["a", "b"]
    scores: map[number] = { low: 0.1, high: 0.9 }
    options: map = {}
    note: optional[string] = null
    nested: list[list[integer]] = [[1, 2], [3]]
  }

  agents workers {
    capabilities ["analysis", "python"]
    min 1
    max 4
    prefer "expertise"
    timeout 45s
    confidence 0.4..0.95
    stateful true
  }

  agents leads {
    capabilities ["lead"]
  }

  step answer = workers.solve(task: input.task, limit: input.limit, strict: input.strict, tags: input.tags)
  output {
    answer: answer.value
    ratio: input.ratio
    extra: input.extra
    scores: input.scores.high
    options: input.options
    note: input.note ?? "none"
    nested: input.nested
  } with confidence confidence(answer)
}
