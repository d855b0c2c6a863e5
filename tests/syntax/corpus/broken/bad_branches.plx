pattern Bands {
  input { task: string }
  agents pool { capabilities ["a"] }
  step probe = pool.assess(task: input.task)
  uncertain probe bands(high: 0.4, medium: 0.6) {
    high => output 1
    mid => output 2
  }
  let kind = match probe.value { else => "x"  "a" => "y" }
  let n = len(kind, kind)
  let hi = [1, 2].filter(x > 1)
  output { kind: kind, n: n, hi: hi }
}
