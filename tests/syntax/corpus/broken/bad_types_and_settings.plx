pattern Settings {
  versoin "1.0"
  timeout 30
  input {
    count: integr = 3
    ratio: number = "high"
    flags: list[boolean] = [true, 1]
    name: string = null
  }
  agents experts {
    capabilities "analysis"
    min 5
    max 2
    prefer "speed"
  }
  fanout r = experts.run(task: input.name) retries -1
  output r
}
