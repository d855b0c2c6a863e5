# Weighted consensus over several code reviewers — the ConsensusBuilder shape.
pattern ConsensusReview {
  version "1.0.0"
  description "Ask every code reviewer, weigh answers by expertise, report the consensus"
  tags ["consensus", "code-review"]

  input {
    task: string
    code: string = ""
    language: string = "python"
  }

  agents reviewers {
    capabilities ["code-review"]  # an agent must have ALL listed capabilities
    min 2
    max 5
    timeout 30s
  }

  # Every selected reviewer gets the task; results keep dispatch order.
  fanout reviews = reviewers.review(task: input.task, code: input.code, language: input.language)
    retries 1 backoff 250ms

  let answered = reviews.filter(r, is_valid(r))
  let weight = sum(answered.map(r, r.agent.expertise))
  let combined = if weight > 0 then sum(answered.map(r, r.confidence * r.agent.expertise)) / weight else 0
  let confident = answered.count(r, r.confidence > 0.8)
  let top = answered.max_by(r, r.confidence)  # the first wins ties

  let verdict = match {
    confident >= 3 and combined > 0.8 => "strong_consensus"
    confident >= 2 and combined > 0.6 => "moderate_consensus"
    else => "weak_consensus"
  }

  output {
    type: verdict
    recommendation: top.value.recommendation ?? "No recommendation available"
    reviewers: len(answered)
    summary: "${len(answered)} of ${len(reviews)} reviewers answered"
  } with confidence combined
}

test "three confident reviewers agree" for ConsensusReview {
  input { task: "Review the retry loop", code: "while True: pass" }
  agent r1 { capabilities ["code-review"] expertise 0.9 }
    answers { recommendation: "add a backoff" } with confidence 0.9
  agent r2 { capabilities ["code-review"] }
    answers { recommendation: "add a backoff" } with confidence 0.85
  agent r3 { capabilities ["code-review"] }
    answers { recommendation: "cap retries" } with confidence 0.82
  expect output.type == "strong_consensus"
  expect output.recommendation == "add a backoff"
  expect calls == 3
}
