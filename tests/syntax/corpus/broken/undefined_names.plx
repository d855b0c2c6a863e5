pattern Names {
  input { task: string }
  agents experts { capabilities ["code-analysis"] }
  fanout analyses = expert.analyze(task: input.taks)
  let summary = lenn(analysis)
  let unused = 1
  output { summary: summary, flag: True }
}
