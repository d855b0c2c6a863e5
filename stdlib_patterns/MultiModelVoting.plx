# MultiModelVoting — tally how many models agree with the first valid vote.
# Upstream: packages/patterns/src/patterns/voting.ts (v2.0.0).
pattern MultiModelVoting {
  version "2.0.0"
  description "Aggregates votes from multiple AI models and determines consensus"
  tags ["voting", "consensus", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    question: optional[string] = null
    options: optional[list] = null
    context: optional[string] = null
  }

  agents voters {
    capabilities ["voting", "decision"]
    min 2
  }

  fanout answers = voters.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let valid = results.filter(r, r.confidence > 0 and r.result and r.result.decision)
  let n = len(valid)
  let first_vote = if n > 0 then valid[0].result.decision else ""
  # upstream quirk: a first-vote tally, not a plurality: when the first voter is in the minority the vote is split
  # even if another decision has a majority. Decisions compare with JavaScript `===` (two equal maps differ).
  let for_first = valid.count(r, identical(r.result.decision, first_vote))
  let unanimous = for_first == n and n > 0
  let majority = for_first > (if n > 0 then n / 2 else 0)
  let avg = if n > 0 then sum(valid.map(r, r.confidence)) / n else 0
  let kind = if unanimous then "unanimous" else if majority then "majority" else "split"
  let consensus_confidence = if unanimous then avg else if majority then avg * 0.8 else avg * 0.5

  output {
    decision: if unanimous or majority then first_vote else null
    consensus: {
      type: kind
      confidence: consensus_confidence
      isUnanimous: unanimous
      hasMajority: majority
      needsHumanReview: kind == "split" or consensus_confidence < 0.6
    }
    summary: match kind {
      "unanimous" => "${n} models voted unanimously for: ${first_vote}"
      "majority" => "${n} models reached majority for: ${first_vote} (${for_first}/${n} votes)"
      else => "${n} models could not reach consensus - human review recommended"
    }
    votes: {
      total: n
      forWinner: for_first
      breakdown: valid.map(r, {
        agent: r.agentName
        agentId: r.agentId
        model: r.result.model
        decision: r.result.decision
        confidence: r.confidence
        reasoning: r.reasoning
      })
    }
    metadata: { patternVersion: "2.0.0", agentCount: n }
  } with confidence consensus_confidence
}

test "unanimous" for MultiModelVoting {
  agent gpt answers { decision: "approve", model: "gpt" } with confidence 0.9
  agent claude answers { decision: "approve", model: "claude" } with confidence 0.8
  expect output.decision == "approve"
  expect output.summary == "2 models voted unanimously for: approve"
  expect confidence == 0.8500000000000001
}

test "majority" for MultiModelVoting {
  agent m1 answers { decision: "A" } with confidence 0.9
  agent m2 answers { decision: "A" } with confidence 0.8
  agent m3 answers { decision: "B" } with confidence 0.7
  expect output.consensus.type == "majority"
  expect output.summary == "3 models reached majority for: A (2/3 votes)"
  expect confidence == 0.6400000000000001
}

# upstream quirk, pinned: the first voter is in the minority, so the vote is split although A has a majority.
test "first voter in the minority: split" for MultiModelVoting {
  agent m1 answers { decision: "B" } with confidence 0.9
  agent m2 answers { decision: "A" } with confidence 0.8
  agent m3 answers { decision: "A" } with confidence 0.7
  expect output.decision == null
  expect output.consensus.needsHumanReview == true
  expect confidence == 0.4000000000000001
}
