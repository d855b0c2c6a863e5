# MultiValidator — a confident first validator decides alone (fast path); otherwise up to four vote.
# Upstream: packages/patterns/src/patterns/multi-validator.ts (v2.0.0).
pattern MultiValidator {
  version "2.0.0"
  description "Validate data across multiple validators with fast path optimization"
  tags ["validation", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    validationType: optional[string] = "general"
    fastPathThreshold: optional[number] = 0.9
  }

  agents validators {
    capabilities ["validation"]
    min 2
  }

  fanout answers = validators.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let threshold = input.fastPathThreshold ?? 0.9
  let validation_type = input.validationType ?? "general"
  let first = results[0]
  # upstream quirk: agents return no verdict; an answer with confidence > 0.6 counts as a "valid" vote.
  let fast = first.confidence >= threshold and first.confidence > 0.6
  let voters = if fast then [first] else slice(results, 0, 4)
  let valid = voters.count(r, r.confidence > 0.6)
  let invalid = len(voters) - valid
  let votes = valid + invalid
  let avg = if votes > 0 then sum(voters.map(r, r.confidence)) / votes else 0
  let issues = first.result.issues ?? []

  if fast {
    output {
      valid: true
      confidence: first.confidence
      validatedBy: first.agentName
      mode: "fast_path"
      issues: issues
      metadata: {
        validationType: validation_type
        processingTime: "fast"
        validatorsUsed: 1
        message: "High confidence validation achieved quickly"
      }
    } with confidence avg
  }
  output {
    valid: valid > invalid  # ties are invalid
    confidence: avg
    validatedBy: "multiple validators"
    mode: "multi_validator"
    consensus: {
      validVotes: valid
      invalidVotes: invalid
      strength: if votes > 0 then abs(valid - invalid) / votes else 0
    }
    issues: issues
    metadata: {
      validationType: validation_type
      processingTime: "thorough"
      validatorsUsed: votes
      message: if valid > invalid then "Consensus: data is valid" else "Consensus: data is invalid"
    }
  } with confidence avg
}

test "a confident first validator takes the fast path" for MultiValidator {
  input { validationType: "schema" }
  agent v1 answers { issues: ["trailing comma"] } with confidence 0.95
  agent v2 answers {} with confidence 0.2
  expect output.mode == "fast_path"
  expect output.issues == ["trailing comma"]
  expect output.metadata.validatorsUsed == 1
  expect confidence == 0.95
}

test "otherwise up to four validators vote" for MultiValidator {
  agent v1 answers {} with confidence 0.8
  agent v2 answers {} with confidence 0.5
  agent v3 answers {} with confidence 0.65
  expect output.mode == "multi_validator"
  expect output.valid == true
  expect output.consensus == { validVotes: 2, invalidVotes: 1, strength: 0.3333333333333333 }
  expect confidence == 0.65
}

test "ties are invalid" for MultiValidator {
  agent v1 answers {} with confidence 0.7
  agent v2 answers {} with confidence 0.6
  expect output.valid == false
  expect output.metadata.message == "Consensus: data is invalid"
}
