"""Emitters: compiled patterns as YAML / JSON documents, the JSON Schema, and Mermaid / DOT graphs."""
