pattern Broken {
  let greeting = "hello
  output greeting
}
