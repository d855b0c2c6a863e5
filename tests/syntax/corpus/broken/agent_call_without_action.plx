pattern Broken {
  agents experts { capabilities ["x"] }
  fanout answers = experts(task: "t")
  output answers
}
