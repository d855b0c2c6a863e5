# WebsiteBuilder — branding, design, content, implementation, deployment and QA agents build a website; each
# phase's confidence counts equally.
# Upstream: packages/patterns/src/patterns/website-builder.ts (v2.0.0): the six phases are groups of one fan-out,
# by agent capability (its original called the phases in turn).
pattern WebsiteBuilder {
  version "2.0.0"
  description "Orchestrates multiple agents to build a complete website"
  tags ["website", "uncertain", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    companyType: optional[string] = null
    style: optional[string] = null
    features: optional[list] = null
  }

  agents team {
    # plx: ignore[PLX402] the upstream's minAgents; under the Open Source limit only 3 agents answer
    min 10
  }
  fanout answers = team.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order
  let branding = first(results.filter(r, "branding" in r.capabilities))
  let visual = results.filter(r, r.capabilities.exists(c, c in ["design", "visual", "ui"]))
  let content = results.filter(r, r.capabilities.exists(c, c in ["writing", "content", "copy"]))
  let roles = ["frontend", "backend", "database", "seo", "devops", "accessibility", "performance", "testing"]
  let by_role = roles.map(role, first(results.filter(r, role in r.capabilities)))
  let implementation = slice(by_role, 0, 4).filter(r, r)  # frontend, backend, database, seo (those present)
  let deployment = by_role[4]
  let qa = slice(by_role, 5, 8).filter(r, r)  # accessibility, performance, testing (those present)
  let quality = average(qa.map(r, r.confidence))  # the mean QA confidence stands in for the quality score
  let design = average(visual.map(r, r.confidence))
  let writing = average(content.map(r, r.confidence))
  let building = average(implementation.map(r, r.confidence))
  let phases = [branding.confidence ?? 0, design, writing, building, deployment.confidence ?? 0, quality]
  let overall = sum(phases) / len(phases)
  # Prism `uncertain if (brandIdentity)`: a high or medium brand confidence keeps the brand's name.
  let brand = branding.result ?? null
  let company = if band(brand with confidence branding.confidence ?? 0) == "low" then null else prop(brand, "name")
  let low_qa = qa.filter(r, r.confidence < 0.7)
  let review = if quality < 0.7 then ["Review QA results before launch"] else []
  let manual = "manual verification recommended"
  # upstream quirk: `content.totalWords` and `timeline.total` are always null (the original's helpers are gone).
  output {
    success: true
    website: {
      url: deployment.result.url ?? null
      adminPanel: deployment.result.adminUrl ?? null
      staging: deployment.result.stagingUrl ?? null
    }
    company: {
      name: company ?? "TechCorp Solutions"
      brand: brand
      assets: { logo: visual[0].result.files ?? null, designSystem: visual[1].result ?? null }
    }
    content: { pages: len(content), blogPosts: content[3].result.posts ?? [], totalWords: null }
    technical: {
      frontend: by_role[0].result.technology ?? null
      backend: by_role[1].result.technology ?? "Static"
      hosting: deployment.result.platform ?? null
      performance: by_role[6].result.scores ?? null
    }
    timeline: {
      total: null
      phases: {
        branding: "5 minutes"
        design: "10 minutes"
        content: "15 minutes"
        development: "20 minutes"
        deployment: "5 minutes"
        testing: "5 minutes"
      }
    }
    confidence: overall
    recommendations: flatten([review, low_qa.map(r, "Low confidence in ${r.agentName} checks - ${manual}")])
  } with confidence overall
}

# Ten agents are needed; under the Open Source agent limit only the first three answer, so these expectations hold
# whatever the limit (the branding, design and writing agents come first).
test "a confident brand names the company" for WebsiteBuilder {
  agent brand { capabilities ["branding"] } answers { name: "Acme Cloud" } with confidence 0.9
  agent designer { capabilities ["design"] } answers { files: ["logo.svg"] } with confidence 0.8
  agent writer { capabilities ["writing"] } answers { pages: 5 } with confidence 0.8
  agent t4 { capabilities ["frontend"] } answers { technology: "React" } with confidence 0.9
  agent t5 { capabilities ["backend"] } answers { technology: "Node" } with confidence 0.75
  agent t6 { capabilities ["devops"] } answers { url: "https://acme.dev" } with confidence 0.8
  agent t7 { capabilities ["accessibility"] } answers {} with confidence 0.75
  agent t8 { capabilities ["performance"] } answers {} with confidence 0.65
  agent t9 { capabilities ["testing"] } answers {} with confidence 0.8
  agent t10 { capabilities ["seo"] } answers {} with confidence 0.7
  expect output.company.name == "Acme Cloud"
  expect output.company.assets.logo == ["logo.svg"]
  expect output.success == true
}

test "nine agents are not enough" for WebsiteBuilder {
  agent t1 answers {} with confidence 0.9
  agent t2 answers {} with confidence 0.9
  agent t3 answers {} with confidence 0.9
  agent t4 answers {} with confidence 0.9
  agent t5 answers {} with confidence 0.9
  agent t6 answers {} with confidence 0.9
  agent t7 answers {} with confidence 0.9
  agent t8 answers {} with confidence 0.9
  agent t9 answers {} with confidence 0.9
  expect error == "NOT_ENOUGH_AGENTS: Not enough agents available. Required: 10, Available: 9"
}
