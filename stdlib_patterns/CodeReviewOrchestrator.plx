# CodeReviewOrchestrator — reviewers' findings counted by severity decide the recommendation.
# Upstream: packages/patterns/src/patterns/code-review.ts (v2.0.0).
pattern CodeReviewOrchestrator {
  version "2.0.0"
  description "Orchestrates multi-agent code review with confidence-aware decision making"
  tags ["code-review", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    code: optional[string] = null
    context: any = null
  }

  agents reviewers {
    capabilities ["security", "style", "documentation", "testing"]
    min 2
  }

  fanout answers = reviewers.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let valid = results.filter(r, r.confidence > 0)
  let avg = if len(valid) > 0 then sum(valid.map(r, r.confidence)) / len(valid) else 0
  let found = valid.map(r, if type_of(r.result.findings) == "list" then r.result.findings else [])
  let findings = flatten(found)
  let critical = findings.count(f, f.severity == "critical")
  let high = findings.count(f, f.severity == "high")
  let medium = findings.count(f, f.severity == "medium")
  let low = findings.count(f, f.severity == "low")
  let total = critical + high + medium + low  # findings of other severities are not counted
  let counts = "Critical: ${critical}, High: ${high}, Medium: ${medium}, Low: ${low}"
  let no_issues = "${len(valid)} agents reviewed the code. No significant issues found."

  output {
    summary: if total > 0 then "${len(valid)} agents found ${total} issue(s). ${counts}" else no_issues
    # upstream quirk: critical findings block only when the reviewers are confident (avg > 0.7); otherwise they fall
    # through to the later rules.
    recommendation: match {
      critical > 0 and avg > 0.7 => "block"
      high > 0 or medium >= 3 => "request_changes"
      avg < 0.6 and total > 0 => "discuss"
      total > 0 => "approve_with_comments"
      else => "approve"
    }
    overallSeverity: match {
      critical > 0 => "critical"
      high > 0 => "high"
      medium > 0 => "medium"
      total > 0 => "low"
      else => "none"
    }
    consensus: {
      level: match {
        avg > 0.85 => "strong"
        avg > 0.7 => "moderate"
        avg > 0.5 => "weak"
        else => "uncertain"
      }
      confidence: avg
      agentCount: len(valid)
    }
    severityCounts: { critical: critical, high: high, medium: medium, low: low }
    agentResults: range(len(valid)).map(i, {
      agent: valid[i].agentName
      agentId: valid[i].agentId
      confidence: valid[i].confidence
      summary: valid[i].result.summary or "Analysis complete"
      findingCount: len(found[i])
      findings: found[i]
    })
    metadata: { patternVersion: "1.0.0" }
  } with confidence avg
}

test "a confident critical finding blocks" for CodeReviewOrchestrator {
  agent sec
    answers {
      findings: [{ severity: "critical" }, { severity: "low" }]
      summary: "SQL injection"
    } with confidence 0.9
  agent style answers { findings: [{ severity: "medium" }] } with confidence 0.8
  expect output.recommendation == "block"
  expect output.overallSeverity == "critical"
  expect output.summary == "2 agents found 3 issue(s). Critical: 1, High: 0, Medium: 1, Low: 1"
  expect output.agentResults[0].summary == "SQL injection"
  expect confidence == 0.8500000000000001
}

test "an unsure critical finding falls through to approve_with_comments" for CodeReviewOrchestrator {
  agent sec answers { findings: [{ severity: "critical" }] } with confidence 0.6
  agent style answers { findings: [] } with confidence 0.7
  expect output.recommendation == "approve_with_comments"
  expect output.consensus.level == "weak"
}

test "no findings: approve" for CodeReviewOrchestrator {
  agent sec answers { findings: [] } with confidence 0.9
  agent style fails "timeout"
  agent docs answers "looks fine" with confidence 0.9
  expect output.recommendation == "approve"
  expect output.consensus.agentCount == 2
  expect output.agentResults[1].summary == "Analysis complete"
}
