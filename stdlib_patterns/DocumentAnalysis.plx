# DocumentAnalysis — summary, key points, action items and sentiment agents analyse one document.
# Upstream: packages/patterns/src/patterns/document-analysis.ts (v2.0.0).
pattern DocumentAnalysis {
  version "2.0.0"
  description "Multi-perspective document analysis with parallel specialized agents"
  tags ["document", "analysis", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    document: optional[string] = null
    title: optional[string] = null
  }

  agents analysts {
    capabilities ["document", "analysis"]
    min 2
  }
  fanout answers = analysts.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order
  let valid = results.filter(r, r.confidence > 0 and r.result)
  # upstream quirk: the LAST valid answer of each analysis type counts (the original's comment said "first").
  # A missing analysis gives the defaults; an answer lacking a field leaves that field out.
  let of_type = valid.group_by(r, if type_of(r.result.analysisType) == "string" then r.result.analysisType else "")
  let sd = { title: "Unknown", documentType: "unknown", wordCount: 0 }
  let s = last(of_type.summary).result or merge(sd, { mainTopic: "", summary: "", conclusion: "" })
  let kd = { criticalPoints: [], supportingPoints: [], factsAndData: [], totalPoints: 0 }
  let k = last(of_type.keypoints).result or kd
  let ad = { actionItems: [], decisions: [], followUps: [], hasUrgentItems: false, totalActions: 0 }
  let a = last(of_type.actions).result or ad
  let td = { overallSentiment: "unknown", sentimentScore: 0, tone: {}, emotionalIndicators: [] }
  let t = last(of_type.sentiment).result or merge(td, { concerns: [], professionalism: {} })
  let avg = if len(valid) > 0 then sum(valid.map(r, r.confidence)) / len(valid) else 0

  output {
    document: { title: s.title, type: s.documentType, wordCount: s.wordCount }
    summary: { mainTopic: s.mainTopic, overview: s.summary, conclusion: s.conclusion }
    keyPoints: {
      critical: k.criticalPoints
      supporting: k.supportingPoints
      factsAndData: k.factsAndData
      totalCount: k.totalPoints
    }
    actionItems: {
      items: a.actionItems
      decisions: a.decisions
      followUps: a.followUps
      hasUrgentItems: a.hasUrgentItems
      totalCount: a.totalActions
    }
    sentiment: {
      overall: t.overallSentiment
      score: t.sentimentScore
      tone: t.tone
      emotionalIndicators: t.emotionalIndicators
      concerns: t.concerns
      professionalism: t.professionalism
    }
    metadata: {
      analysesCompleted: len(valid)
      averageConfidence: avg
      details: valid.map(r, {
        analysisType: r.result.analysisType
        agent: r.agentName
        confidence: r.confidence
        reasoning: r.reasoning
      })
      patternVersion: "1.0.0"
    }
  } with confidence avg
}

test "summary and sentiment; missing analyses give the defaults" for DocumentAnalysis {
  agent summarizer
    answers {
      analysisType: "summary"
      title: "Q3 report"
      documentType: "report"
      wordCount: 1200
      mainTopic: "growth"
      summary: "Revenue grew"
      conclusion: "Keep going"
    } with confidence 0.9 reasoning "read it twice"
  agent mood
    answers {
      analysisType: "sentiment"
      overallSentiment: "positive"
      sentimentScore: 0.8
    } with confidence 0.7
  expect output.document == { title: "Q3 report", type: "report", wordCount: 1200 }
  expect output.summary.overview == "Revenue grew"
  expect output.keyPoints == { critical: [], supporting: [], factsAndData: [], totalCount: 0 }
  expect output.sentiment.overall == "positive"
  expect output.metadata.details[0].reasoning == "read it twice"
  expect confidence == 0.8
}

test "the last summary counts; a field it lacks is left out" for DocumentAnalysis {
  agent first answers { analysisType: "summary", title: "First" } with confidence 0.7
  agent second answers { analysisType: "summary" } with confidence 0.6
  expect output.document == {}
  expect output.metadata.analysesCompleted == 2
}
