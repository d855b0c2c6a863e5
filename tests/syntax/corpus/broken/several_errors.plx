pattern Broken {
  let a = (1 + )
  let b = [1, 2
  let c = 3
  output c +
}
