pattern Broken {
  input { a: boolean  b: boolean }
  let both = input.a && input.b
  let either = input.a || input.b
  output both
}
