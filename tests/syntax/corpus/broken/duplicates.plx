pattern Dups {
  input { task: string  task: number }
  agents experts { capabilities ["a"] }
  agents experts { capabilities ["b"] }
  let x = 1
  let x = 2
  output { a: x, a: x }
}
