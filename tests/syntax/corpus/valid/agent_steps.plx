# Fan-out, single step, race, fan-out over a list, clauses, verify and policy.
pattern AgentSteps {
  input {
    task: string
    files: list[string] = []
  }
  agents reviewers {
    capabilities ["review"]
    max 3
  }
  agents leads {
    capabilities ["lead"]
    max 1
  }

  fanout reviews = reviewers.review(task: input.task) timeout 30s retries 2 backoff 500ms
  step summary = leads.summarize(task: input.task, reviews: reviews.map(r, r.value))
  race fastest = reviewers.solve(task: input.task) until fastest.confidence >= 0.9 timeout 1m
  fanout per_file = reviewers.review_file(path: file, task: input.task) for file in input.files
  step checked = leads.implement(task: input.task)
    verify command "make test" score r"(\d+) passed.*?(\d+) failed" cwd "." pass_confidence 1.0 fail_confidence 0.0
    verify agent reviewers rubric "Is it complete?"
    verify history half_life_days 14 min_runs 5 drift false pool true pool_family "review" pool_weight 0.25
    policy accept 0.8 retry below 0.6 escalate below 0.4 to human

  output [summary.value, fastest.value, len(per_file), checked.value]
}
