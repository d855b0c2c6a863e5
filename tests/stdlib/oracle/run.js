// Oracle: run an upstream pattern module the way the upstream engine does, on a replay cassette.
// stdin: {"pattern": Name, "input": {...}|null, "cassette": {"agents": [...]}} (or a list of such) → stdout JSON lines.
const patterns = require('./js/patterns/index.js');
Date.now = () => 0;
const byName = {};
for (const [k, m] of Object.entries(patterns)) if (m && m.meta) byName[m.meta.name] = m;
async function runOne(c) {
  const mod = byName[c.pattern];
  if (!mod) return {error: `no module ${c.pattern}`};
  const meta = mod.meta;
  const input = c.input ?? {};
  let agents = (c.cassette.agents || []).map(a => ({
    id: a.id, name: a.name ?? a.id, capabilities: a.capabilities || [],
    expertise: a.expertise || 0.7, historicalConfidence: a.historicalConfidence || 0.75, responses: a.responses || []}));
  if (meta.capabilities) agents = agents.filter(a => meta.capabilities.every(cap => a.capabilities.includes(cap)));
  if (meta.minAgents && agents.length < meta.minAgents)
    return {error: `Not enough agents available. Required: ${meta.minAgents}, Available: ${agents.length}`};
  const needs = (meta.minAgents != null && meta.minAgents >= 1) || !!(meta.capabilities || meta.minConfidence !== undefined);
  let results = [];
  if (needs) results = agents.map(agent => {
    const r = agent.responses[0] || {};
    const base = {agentId: agent.id, agentName: agent.name, capabilities: agent.capabilities, expertise: agent.expertise || 0.7};
    if (r.error) return {...base, result: null, confidence: 0, reasoning: 'Agent failed to respond', error: r.error, timestamp: r.timestamp ?? 0};
    return {...base, result: 'value' in r ? r.value : r.result, confidence: r.confidence, reasoning: r.reasoning, timestamp: r.timestamp ?? 0};
  });
  const ctx = {input, agents: agents.map(a => ({id: a.id, name: a.name, capabilities: a.capabilities, expertise: a.expertise || 0.7, historicalConfidence: a.historicalConfidence || 0.75})),
    results, successfulResults: results.filter(r => r.confidence > 0), pattern: {name: meta.name, version: meta.version},
    logger: {debug() {}, info() {}, warn() {}, error() {}, child() { return this; }}};
  try {
    const out = await mod.execute(ctx);
    return {value: out.value, confidence: out.confidence};
  } catch (e) { return {error: 'THROWS: ' + e.message}; }
}
let data = ''; process.stdin.on('data', d => data += d); process.stdin.on('end', async () => {
  const parsed = JSON.parse(data);
  const cases = Array.isArray(parsed) ? parsed : [parsed];
  const outs = [];
  for (const c of cases) outs.push(await runOne(c));
  process.stdout.write(JSON.stringify(Array.isArray(parsed) ? outs : outs[0]) + '\n');
});
