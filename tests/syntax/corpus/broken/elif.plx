pattern Broken {
  input { n: number }
  let size = if input.n > 3 then "big" elif input.n > 1 then "medium" else "small"
  output size
}
