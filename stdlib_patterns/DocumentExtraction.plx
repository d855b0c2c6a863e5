# DocumentExtraction — date, amount, entity and address extractors each pull one kind of item from a document.
# Upstream: packages/patterns/src/patterns/extraction.ts (v2.0.0).
pattern DocumentExtraction {
  version "2.0.0"
  description "Merges extraction results from specialized agents into a unified structured output"
  tags ["extraction", "document", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    text: optional[string] = null
    document: optional[string] = null
  }

  agents extractors {
    capabilities ["extraction"]
    min 2
  }
  fanout answers = extractors.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order
  let valid = results.filter(r, r.confidence > 0 and r.result)

  # upstream quirk: extractors are recognised by their fixed agent ids; the last valid answer of each counts, and a
  # field that is not a list counts as [].
  let dated = last(valid.filter(r, r.agentId == "date-extractor")).result
  let priced = last(valid.filter(r, r.agentId == "amount-extractor")).result
  let named = last(valid.filter(r, r.agentId == "entity-extractor")).result
  let placed = last(valid.filter(r, r.agentId == "address-extractor")).result
  let dates = if type_of(dated.dates) == "list" then dated.dates else []
  let amounts = if type_of(priced.amounts) == "list" then priced.amounts else []
  let entities = if type_of(named.entities) == "list" then named.entities else []
  let people = if type_of(named.people) == "list" then named.people else []
  let organizations = if type_of(named.organizations) == "list" then named.organizations else []
  let addresses = if type_of(placed.addresses) == "list" then placed.addresses else []
  let total = len(dates) + len(amounts) + len(entities) + len(addresses)
  let breakdown = "${len(dates)} dates, ${len(amounts)} amounts, ${len(entities)} entities, ${len(addresses)} addresses"
  let avg = if len(valid) > 0 then sum(valid.map(r, r.confidence)) / len(valid) else 0

  output {
    extractions: {
      dates: dates
      amounts: amounts
      entities: { all: entities, people: people, organizations: organizations }
      addresses: addresses
    }
    summary: {
      totalItems: total
      breakdown: {
        dates: len(dates)
        amounts: len(amounts)
        entities: len(entities)
        addresses: len(addresses)
      }
      message: if total > 0 then "Extracted ${total} items: ${breakdown}" else "No extractions found in document"
    }
    confidence: avg
    agents: {
      total: len(valid)
      details: valid.map(r, {
        agent: r.agentName
        agentId: r.agentId
        confidence: r.confidence
        itemsExtracted: r.result.count
        reasoning: r.reasoning
      })
    }
    metadata: { patternVersion: "2.0.0" }
  } with confidence avg
}

test "extractors are recognised by their ids" for DocumentExtraction {
  agent dates { id "date-extractor" }
    answers { dates: ["2024-01-01", "2024-02-01"], count: 2 } with confidence 0.9
  agent entities { id "entity-extractor" }
    answers { entities: ["Acme"], people: [], organizations: ["Acme"] } with confidence 0.8
  agent other answers { dates: ["ignored"] } with confidence 0.7
  expect output.extractions.dates == ["2024-01-01", "2024-02-01"]
  expect output.extractions.entities.organizations == ["Acme"]
  expect output.summary.message == "Extracted 3 items: 2 dates, 0 amounts, 1 entities, 0 addresses"
  expect output.agents.details[0].itemsExtracted == 2
  expect confidence == 0.8000000000000002
}

test "nothing extracted" for DocumentExtraction {
  agent dates { id "date-extractor" } answers { dates: "not a list" } with confidence 0.6
  agent addresses { id "address-extractor" } fails "timeout"
  expect output.summary.message == "No extractions found in document"
  expect output.agents.total == 1
}
