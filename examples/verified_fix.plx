# Implement a change, verify it with the test suite and a reviewer, and apply the confidence policy.
pattern VerifiedFix {
  version "0.3.0"
  description "Implement, verify by tests and review, retry or escalate on low confidence"
  requires confidence >= 0.6

  input {
    task: string
    repo: string = "."
    candidates: integer = 3
  }

  agents engineers {
    capabilities ["coding"]
    min 1
    max 3
    timeout 10m
  }

  agents reviewers {
    capabilities ["code-review"]
    max 1
  }

  agents architects {
    capabilities ["architecture"]
    max 1
  }

  # The first sketch confident enough wins; slower agents are cancelled.
  race sketch = engineers.sketch(task: input.task, variants: input.candidates)
    until sketch.confidence >= 0.7
    timeout 2m

  step implement = engineers.implement(task: input.task, plan: sketch.value, repo: input.repo)
    verify command "pytest -q" score r"(\d+) passed.*?(\d+) failed" cwd input.repo
    verify agent reviewers rubric "Does the change satisfy the task in full?"
    policy accept 0.8 retry below 0.6 escalate below 0.4 to architects

  output {
    change: implement.value
    plan: sketch.value
    verified: confidence(implement) >= 0.8
  } with confidence min(confidence(implement), confidence(sketch))
}
