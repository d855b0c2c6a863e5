# ChunkedMapReduce — the real map-reduce of UncertaintyMapReduce's V0 original: split the data into chunks, map
# each chunk on one mapper (round-robin), retry a chunk once when its map is unsure, abort when the maps are too
# unsure, and let the most historically confident agent reduce. Cost: one call per chunk, plus one per retried
# chunk, plus one reducer call — against one call per agent (and no chunking) for the upstream's twin.
pattern ChunkedMapReduce {
  version "1.0.0"
  description "Chunked map-reduce with per-chunk retry on low confidence and a reducer agent"
  tags ["map-reduce", "multi-step"]

  input {
    task: string = "analyze"
    data: list = []
    chunkSize: integer = 100
    mapFunction: string = "map"
    reduceFunction: string = "reduce"
  }

  agents mappers {
    capabilities ["processing"]
    min 1
  }
  agents reducer {
    capabilities ["processing"]
    prefer "confidence"
    max 1
  }

  let size = max(1, input.chunkSize)
  let chunks = range(ceil(len(input.data) / size)).map(i, slice(input.data, i * size, i * size + size))
  # One call per chunk, mappers taken round-robin; an answer below 0.7 is retried once (same mapper, with a
  # critique) and the more confident of the two is kept.
  fanout maps = mappers.map(task: input.task, function: input.mapFunction, chunk: chunk)
    for chunk in chunks
    policy accept 0.7 retry below 0.7
  let avg_map = average_confidence(maps)
  let low = maps.count(m, m.confidence < 0.7)
  let stayed_low = "${low} of ${len(maps)} chunks stayed below 0.7 after their retry"
  let warnings = if low > 0.2 * len(maps) then [stayed_low] else []  # V0 warned above 20 % unsure chunks

  if len(chunks) == 0 {
    output { status: "empty", result: null, chunks: 0 } with confidence 0
  } else if avg_map < 0.5 {
    output {
      status: "aborted"
      reason: "map phase too uncertain (average confidence ${avg_map})"
      chunks: len(chunks)
      avgMapConfidence: avg_map
      lowConfidenceChunks: low
    } with confidence avg_map
  } else {
    step reduced = reducer.reduce(task: input.task, function: input.reduceFunction, results: maps.map(m, m.value))
    let overall = confidence(reduced) * (0.7 + 0.3 * avg_map)
    output {
      status: "completed"
      result: reduced.value
      chunks: len(chunks)
      avgMapConfidence: avg_map
      lowConfidenceChunks: low
      reducer: reduced.agent.name
      warnings: warnings
      strategy: if overall < 0.5 then "Consider re-processing with different parameters" else "Processing successful"
    } with confidence overall
  }
}

test "three chunks, one retried, then a reducer" for ChunkedMapReduce {
  input { data: [1, 2, 3, 4, 5], chunkSize: 2 }
  agent m1 { capabilities ["processing"] historical_confidence 0.7 }
    answers { sum: 3 } with confidence 0.9
    then answers { sum: 9 } with confidence 0.85
  agent m2 { capabilities ["processing"] historical_confidence 0.9 }
    answers { sum: 7 } with confidence 0.5
    then answers { sum: 7 } with confidence 0.8
    then answers { total: 15 } with confidence 0.9
  expect output.status == "completed"
  expect output.result == { total: 15 }
  expect output.reducer == "m2"
  expect output.chunks == 3
  expect calls == 5  # 3 chunks + 1 retry + 1 reducer
}

test "unsure maps abort before the reducer" for ChunkedMapReduce {
  input { data: ["a", "b"], chunkSize: 1 }
  agent m1 { capabilities ["processing"] }
    answers "?" with confidence 0.3
    then answers "?" with confidence 0.2
  agent m2 { capabilities ["processing"] }
    answers "?" with confidence 0.4
    then answers "?" with confidence 0.1
  expect output.status == "aborted"
  expect output.lowConfidenceChunks == 2
  expect calls == 4
}

test "no data, no calls" for ChunkedMapReduce {
  agent m1 { capabilities ["processing"] } answers "x" with confidence 0.9
  expect output.status == "empty"
  expect calls == 0
}
