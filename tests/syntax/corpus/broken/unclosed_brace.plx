pattern Broken {
  input { task: string }
  output { task: input.task
}
