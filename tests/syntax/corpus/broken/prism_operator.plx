pattern Broken {
  let x = 42 ~> 0.9
  output x
}
