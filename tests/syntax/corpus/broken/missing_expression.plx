pattern Broken {
  let total = 1 +
  let other = 2
  output total
}
