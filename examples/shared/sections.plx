# A small helper pattern imported by document_pipeline.plx.
pattern SectionOutline {
  description "Number the sections of a document"

  input {
    sections: list[string] = []
  }

  output { count: len(input.sections), headings: input.sections.map(s, upper(s)) }
}
