pattern Broken {
  output 1
}
}
