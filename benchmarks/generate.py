"""Generates realistic .plx files of a given number of lines for the benchmarks (deterministic)."""

from __future__ import annotations

import random

_PATTERN = """pattern Generated{n} {{
  version "1.0.{n}"
  description "Generated pattern {n} for benchmarking"
  input {{
    task: string
    threshold: number = 0.7
    items: list[string] = []
  }}
  agents reviewers{n} {{
    capabilities ["review", "analysis"]
    min 1
    max 3
    timeout 30s
  }}
  fanout answers = reviewers{n}.review(task: input.task) timeout 20s
  let valid = answers.filter(a, is_valid(a))
  let weight = sum(valid.map(a, a.agent.expertise))
  let combined = if weight > 0 then sum(valid.map(a, a.confidence * a.agent.expertise)) / weight else 0
  let top = valid.max_by(a, a.confidence)
  let label = match {{
    combined > 0.8 => "strong"
    combined > input.threshold => "moderate"
    else => "weak"
  }}
  # {comment}
  uncertain top {{
    high => output {{ kind: label, best: top.value, n: len(valid) }} with confidence combined
    medium => {{
      step second = reviewers{n}.review(task: "again: ${{input.task}}")
      output {{ kind: label, best: second.value }} with confidence confidence(second)
    }}
    low => escalate to human "no confident answer for ${{input.task}}"
  }}
}}
"""


def generate(lines: int, seed: int = 7) -> str:
    """About `lines` lines of valid .plx: copies of a realistic pattern with varying names and comments."""
    rng = random.Random(seed)
    chunks = []
    total = 0
    n = 0
    while total < lines:
        text = _PATTERN.format(n=n, comment="note " + "".join(rng.choice("abcdefgh ") for _ in range(30)))
        chunks.append(text)
        total += text.count("\n")
        n += 1
    return "".join(chunks)


_HEADER = """pattern Scale {{
  version "1.0.0"
  description "One generated pattern of about {lines} lines"
  input {{
    task: string
    threshold: number = 0.7
  }}
  agents reviewers {{
    capabilities ["review", "analysis"]
    min 1
    max 3
    timeout 30s
  }}
  let acc0 = []
"""

_BLOCK = """  # block {n}: {comment}
  fanout answers{n} = reviewers.review(task: input.task, prior: len(acc{n})) timeout 20s
  let valid{n} = answers{n}.filter(a, is_valid(a))
  let weight{n} = sum(valid{n}.map(a, a.agent.expertise))
  let combined{n} = if weight{n} > 0 then sum(valid{n}.map(a, a.confidence * a.agent.expertise)) / weight{n} else 0
  let top{n} = valid{n}.max_by(a, a.confidence)
  let label{n} = match {{
    combined{n} > 0.8 => "strong"
    combined{n} > input.threshold => "moderate"
    else => "weak"
  }}
  step second{n} = reviewers.review(task: "again (${{label{n}}}): ${{input.task}}") retries 1 backoff 250ms
  let acc{next} = flatten([acc{n}, [{{ kind: label{n}, best: top{n}.value, again: second{n}.value }}]])
"""

_FOOTER = """  uncertain combined{last} {{
    high => output {{ results: acc{next}, n: len(acc{next}) }} with confidence combined{last}
    medium => output {{ results: acc{next}, partial: true }} with confidence combined{last} * 0.8
    low => escalate to human "no confident answer for ${{input.task}}"
  }}
}}
"""


def generate_pattern(lines: int, seed: int = 7) -> str:
    """ONE pattern of about `lines` lines: blocks of agent steps and lets, each reading the one before (scale)."""
    rng = random.Random(seed)
    head = _HEADER.format(lines=lines)
    chunks = [head]
    total = head.count("\n")
    n = 0
    while total < lines - 6:
        block = _BLOCK.format(n=n, next=n + 1, comment="".join(rng.choice("abcdefgh ") for _ in range(30)))
        chunks.append(block)
        total += block.count("\n")
        n += 1
    chunks.append(_FOOTER.format(last=max(n - 1, 0), next=n))
    return "".join(chunks)
