# Summarise each section of a document, then reach consensus on the overall assessment.
import "shared/sections.plx"

pattern DocumentPipeline {
  version "1.1.0"
  description "Per-section summaries in section order, then a consensus verdict"

  input {
    title: string
    sections: list[string] = []
    threshold: number = 0.7
  }

  agents summarizers {
    capabilities ["summarization"]
    max 4
  }

  # One call per section; results come back in section order.
  fanout summaries = summarizers.summarize(title: input.title, text: section)
    for section in input.sections

  use verdict = SimpleConsensus(task: "Assess: ${input.title}")
  use outline = SectionOutline(sections: input.sections)

  let kept = summaries.filter(s, s.confidence >= input.threshold)
  let overall = coalesce(verdict, outline, threshold: input.threshold)

  output {
    title: input.title
    summaries: kept.map(s, s.value)
    dropped: len(summaries) - len(kept)
    assessment: overall.value
    outline: outline.value
  } with confidence average_confidence(kept) ?? 0
}
