# TranslationVerification — a translator translates; round-trip and quality checkers verify the translation.
# Upstream: packages/patterns/src/patterns/translation.ts (v2.0.0).
pattern TranslationVerification {
  version "2.0.0"
  description "Translates text and verifies quality via round-trip verification"
  tags ["translation", "verification", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    text: optional[string] = null
    sourceLanguage: optional[string] = null
    targetLanguage: optional[string] = null
  }

  agents linguists {
    capabilities ["translation", "verification"]
    min 2
  }
  fanout answers = linguists.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order
  let valid = results.filter(r, r.confidence > 0 and r.result)
  # The last valid check of each type counts; a check lacking a field leaves it out, a missing one gives defaults.
  let tr = last(valid.filter(r, r.result.checkType == "translation")).result
  let rt = last(valid.filter(r, r.result.checkType == "roundtrip")).result
  let q = last(valid.filter(r, r.result.checkType == "quality")).result
  let rd = rt or { backTranslation: "", meaningPreserved: false, differences: [], lostNuances: [] }
  let qd = q or { scores: {}, issues: [], strengths: [] }
  let rt_passed = if rt then rt.passed else false
  let q_passed = if q then q.passed else false
  let rs = if rt then rt.similarity else 0
  let qs = if q then q.overallScore else 0
  let all_passed = rt_passed and q_passed
  let checks = valid.filter(r, r.result.checkType == "roundtrip" or r.result.checkType == "quality")
  let passed = (if rt_passed then 1 else 0) + (if q_passed then 1 else 0)
  let failed = len(checks) - passed
  let avg = (rs + qs) / 2
  let status = if all_passed then "approved" else if failed == len(checks) then "rejected" else "needs_review"
  let both_failed = "Translation has significant issues - both round-trip and quality checks failed"
  output {
    status: status
    approved: all_passed
    translation: if tr then tr.translation else ""
    # upstream quirk: the languages are read from `input.data`, not from the declared inputs.
    sourceLanguage: input.data.sourceLanguage
    targetLanguage: input.data.targetLanguage
    scores: { overall: avg, roundtripSimilarity: rs, qualityScore: qs, qualityBreakdown: qd.scores }
    verification: {
      roundtrip: {
        passed: rt_passed
        similarity: rs
        backTranslation: rd.backTranslation
        meaningPreserved: rd.meaningPreserved
        differences: rd.differences
        lostNuances: rd.lostNuances
      }
      quality: { passed: q_passed, score: qs, issues: qd.issues, strengths: qd.strengths }
    }
    checks: { total: len(checks), passed: passed, failed: failed }
    summary: match {
      all_passed => "Translation verified - round-trip similarity and quality checks passed"
      rt_passed == false and q_passed == false => both_failed
      rt_passed == false => "Translation may lose meaning - round-trip verification failed"
      else => "Translation has quality issues - flagging for human review"
    }
    details: checks.map(r, {
      checkType: r.result.checkType
      agent: r.agentName
      passed: r.result.passed
      confidence: r.confidence
      reasoning: r.reasoning
    })
    translatorNotes: if tr then tr.notes else ""
    recommendation: match status {
      "approved" => "Use translation - quality verified"
      "needs_review" => "Flag for human translator review"
      else => "Reject translation - significant quality issues"
    }
    metadata: { patternVersion: "2.0.0" }
  } with confidence avg  # the scores, not the agents' confidence
}

test "a verified translation" for TranslationVerification {
  input { data: { sourceLanguage: "en", targetLanguage: "fr" } }
  agent translator
    answers {
      checkType: "translation"
      translation: "Bonjour"
      notes: "informal"
    } with confidence 0.9
  agent roundtrip
    answers { checkType: "roundtrip", passed: true, similarity: 0.92 } with confidence 0.88
  agent quality
    answers { checkType: "quality", passed: true, overallScore: 0.88 } with confidence 0.9
  expect output.status == "approved"
  expect output.translation == "Bonjour"
  expect output.sourceLanguage == "en"
  expect output.checks == { total: 2, passed: 2, failed: 0 }
  expect confidence == 0.9
}

test "a failed round trip needs review" for TranslationVerification {
  agent roundtrip
    answers { checkType: "roundtrip", passed: false, similarity: 0.4 } with confidence 0.8
  agent quality
    answers { checkType: "quality", passed: true, overallScore: 0.8 } with confidence 0.9
  expect output.status == "needs_review"
  expect output.summary == "Translation may lose meaning - round-trip verification failed"
  expect output.translation == ""
  expect confidence == 0.6000000000000001
}
