# UncertaintyMapReduce — the first four answers are the map phase; their quality sets the reduce confidence.
# Upstream: packages/patterns/src/patterns/uncertainty-mapreduce.ts (v2.0.0). A real chunked map-reduce with
# per-chunk retry and a reducer agent is ChunkedMapReduce.
pattern UncertaintyMapReduce {
  version "2.0.0"
  description "Distributed processing with confidence tracking and fallback strategies"
  tags ["map-reduce", "upstream"]
  open_input true  # the upstream accepts any input keys

  input {
    task: optional[string] = "analyze"
    data: any = null
    mapFunction: optional[string] = null
    reduceFunction: optional[string] = null
    chunkSize: optional[number] = null  # upstream quirk: accepted but never used
  }

  agents pool {
    capabilities ["processing", "code-analysis"]
    min 2
  }

  fanout answers = pool.analyze(task: input.task or "analyze", data: input.data or input)
  let results = answers.map(r, agent_result(r))  # the upstream's ctx.results, in dispatch order

  let maps = slice(results, 0, 4)
  let successful = maps.count(r, r.confidence >= 0.7)
  # upstream quirk: the sum covers at most the first four results but is divided by all of them.
  let avg_map = sum(maps.map(r, r.confidence)) / len(results)  # plx: ignore[PLX507] pinned; `min 2`: never empty
  let quality = if successful >= 2 then "good" else if successful >= 1 then "partial" else "poor"
  let reduce_confidence = match quality {
    "good" => 0.9
    "partial" => 0.6
    else => 0.3
  }
  let overall = reduce_confidence * (0.7 + 0.3 * avg_map)

  output {
    value: { combined: maps.map(r, r.result), mapQuality: quality, processedChunks: len(results) }
    confidence: overall
    processing: {
      chunks: len(results)
      avgMapConfidence: avg_map
      successfulMaps: successful
      mapQuality: quality
    }
    strategy: if overall < 0.5 then "Consider re-processing with different parameters" else "Processing successful"
  } with confidence overall
}

test "good maps" for UncertaintyMapReduce {
  agent m1 answers "c1" with confidence 0.8
  agent m2 answers "c2" with confidence 0.75
  agent m3 answers "c3" with confidence 0.5
  expect output.value.mapQuality == "good"
  expect output.value.combined == ["c1", "c2", "c3"]
  expect output.strategy == "Processing successful"
  expect confidence == 0.8144999999999999
}

test "poor maps" for UncertaintyMapReduce {
  agent m1 answers "c1" with confidence 0.3
  agent m2 answers "c2" with confidence 0.2
  expect output.value.mapQuality == "poor"
  expect output.strategy == "Consider re-processing with different parameters"
  expect confidence == 0.23249999999999996
}
