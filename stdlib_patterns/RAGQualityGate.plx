# RAGQualityGate — groundedness, relevance and completeness checks gate a RAG answer.
# Upstream: packages/patterns/src/patterns/quality-gate.ts (v2.0.0).
pattern RAGQualityGate {
  version "2.0.0"
  description "Validates RAG responses for groundedness, relevance, and completeness"
  tags ["quality-gate", "rag", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    question: optional[string] = null
    answer: optional[string] = null
    sources: optional[list] = null
  }

  agents checkers {
    capabilities ["quality-gate", "verification"]
    min 2
  }

  fanout answers = checkers.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let valid = results.filter(r, r.confidence > 0 and r.result)
  # The last valid check of each type counts (the original's `reduce((acc, r) => r, null)`).
  let grounded = last(valid.filter(r, r.result.checkType == "groundedness")).result
  let relevant = last(valid.filter(r, r.result.checkType == "relevance")).result
  let complete = last(valid.filter(r, r.result.checkType == "completeness")).result
  let g = grounded.score ?? 0
  let rel = relevant.score ?? 0
  let c = complete.score ?? 0
  let all_passed = grounded.passed == true and relevant.passed == true and complete.passed == true
  let total = len(valid)
  let passed = valid.count(r, r.result.passed)
  let failed = total - passed
  # upstream quirk: the three named scores are summed and divided by 3 whenever any check ran (missing ones count 0).
  let overall = if total > 0 then (g + rel + c) / 3 else 0
  let all_good = "All quality checks passed - answer is grounded, relevant, and complete"
  let status = if all_passed then "approved" else if failed == total then "rejected" else "needs_review"

  output {
    status: status
    approved: all_passed
    scores: { overall: overall, groundedness: g, relevance: rel, completeness: c }
    checks: {
      total: total
      passed: passed
      failed: failed
      groundedness: {
        passed: grounded.passed == true
        score: g
        hallucinations: grounded.hallucinations ?? []
      }
      relevance: {
        passed: relevant.passed == true
        score: rel
        offTopicContent: relevant.offTopicContent ?? []
      }
      completeness: {
        passed: complete.passed == true
        score: c
        missingParts: complete.missingParts ?? []
      }
    }
    summary: if all_passed then all_good else "${failed} of ${total} checks failed - ${status}"
    details: valid.map(r, {
      checkType: r.result.checkType
      agent: r.agentName
      passed: r.result.passed
      score: r.result.score
      reasoning: r.reasoning
    })
    recommendation: match status {
      "approved" => "Return answer to user"
      "needs_review" => "Flag for human review"
      else => "Regenerate answer with improved retrieval"
    }
    metadata: { patternVersion: "2.0.0" }
  } with confidence overall  # the score, not the agents' confidence
}

test "every check passes" for RAGQualityGate {
  agent grounded answers { checkType: "groundedness", passed: true, score: 0.9 } with confidence 0.9
  agent relevant answers { checkType: "relevance", passed: true, score: 0.8 } with confidence 0.85
  agent complete answers { checkType: "completeness", passed: true, score: 0.7 } with confidence 0.8
  expect output.status == "approved"
  expect output.recommendation == "Return answer to user"
  expect confidence == 0.8000000000000002
}

test "one failed check needs review" for RAGQualityGate {
  agent grounded
    answers {
      checkType: "groundedness"
      passed: false
      score: 0.2
      hallucinations: ["made up"]
    } with confidence 0.9
  agent relevant answers { checkType: "relevance", passed: true, score: 0.9 } with confidence 0.8
  expect output.status == "needs_review"
  expect output.summary == "1 of 2 checks failed - needs_review"
  expect output.checks.groundedness.hallucinations == ["made up"]
  expect confidence == 0.3666666666666667
}

test "every check fails" for RAGQualityGate {
  agent relevant answers { checkType: "relevance", passed: false, score: 0.1 } with confidence 0.9
  agent complete
    answers { checkType: "completeness", passed: false, score: 0.3 } with confidence 0.9
  expect output.status == "rejected"
  expect output.recommendation == "Regenerate answer with improved retrieval"
}
