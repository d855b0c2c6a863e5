"""Writes the example runs of docs/patterns.md from real `plxc run stdlib:<Name> --replay` runs.

    .venv/bin/python tests/stdlib/gen_patterns_doc.py      # rewrites the blocks between the EXAMPLE markers

Each pattern section of the document holds a marker `<!-- example: Name -->`; this script replaces what follows it
(up to `<!-- /example -->`) with the command, the cassette and the printed value and confidence. The examples come
from the first case of each table (tests/stdlib/stdlib_tables) or from EXTRA below. tests/stdlib/test_patterns_doc.py
re-runs every example and compares.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import stdlib_tables  # noqa: E402
from stdlib_harness import Agent, cassette, run_cli  # noqa: E402

DOC = HERE.parents[1] / "docs" / "patterns.md"

EXTRA: dict[str, tuple[Any, list[Agent]]] = {
    "SequentialCascade": (
        {"minConfidence": 0.8},
        [
            Agent("quick", "draft", 0.5, capabilities=["query-processing", "fast"]),
            Agent("mid", "refined", 0.85, capabilities=["query-processing", "standard"]),
            Agent("deep", "thorough", 0.99, capabilities=["query-processing", "expert"]),
        ],
    ),
    "ChunkedMapReduce": (
        {"data": [1, 2, 3, 4, 5, 6], "chunkSize": 2},
        [
            Agent(
                "m1",
                {"sum": 3},
                0.9,
                capabilities=["processing"],
                historical=0.7,
                more=[{"result": {"sum": 11}, "confidence": 0.8}],
            ),
            Agent(
                "m2",
                {"sum": 7},
                0.4,
                capabilities=["processing"],
                historical=0.9,
                more=[{"result": {"sum": 7}, "confidence": 0.75}, {"result": {"total": 21}, "confidence": 0.9}],
            ),
        ],
    ),
    "ParallelDeepExploration": (
        {"task": "Make the search API faster"},
        [
            Agent("e1", {"approach": "cache"}, 0.9, capabilities=["code-analysis"]),
            Agent("e2", {"approach": "shard"}, 0.85, capabilities=["code-analysis"]),
            Agent(
                "d1",
                {"approach": "cache"},
                0.6,
                capabilities=["code-analysis", "deep-analysis"],
                more=[
                    {"result": "cache hot queries", "confidence": 0.8},
                    {"result": "shard by tenant", "confidence": 0.7},
                ],
            ),
        ],
    ),
    "RobustAnalysisComposite": (
        {"task": "Review the retry loop"},
        [
            Agent("probe", "looks routine", 0.95, capabilities=["any"]),
            Agent("c1", {"assessment": "simple"}, 0.9, capabilities=["code-analysis"]),
        ],
    ),
}


def examples() -> dict[str, tuple[Any, dict[str, Any]]]:
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    for info in pkgutil.iter_modules(stdlib_tables.__path__):
        if info.name.startswith("_"):
            continue
        table = importlib.import_module(f"stdlib_tables.{info.name}")
        case = next(c for c in table.CASES if c.error is None)
        out[table.NAME] = (case.input, cassette(case.agents, table.CAPS))
    for name, (data, agents) in EXTRA.items():
        out[name] = (data, cassette(agents, []))
    return out


def compact(value: Any, indent: int = 0, column: int = 0, width: int = 116) -> str:
    """JSON with short values on one line and long ones broken over lines (`column`: where the value starts)."""
    flat = json.dumps(value, ensure_ascii=False)
    if column + len(flat) <= width or not isinstance(value, dict | list) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, list):
        items = [pad + compact(v, indent + 2, indent + 2, width) for v in value]
    else:
        items = [f"{pad}{json.dumps(k)}: " + compact(v, indent + 2, indent + 4 + len(json.dumps(k)), width)
                 for k, v in value.items()]  # fmt: skip
    opening, closing = ("[", "]") if isinstance(value, list) else ("{", "}")
    return opening + "\n" + ",\n".join(items) + "\n" + " " * indent + closing


def render(name: str, data: Any, doc: dict[str, Any]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        code, result = run_cli(name, data, doc, Path(tmp))
    assert code == 0, result
    shown = {"value": result["value"], "confidence": result["confidence"]}
    command = f"$ plxc run stdlib:{name}"
    if data is not None:
        command += f" --input '{json.dumps(data)}'"
    command += " --replay cassette.json --format json"
    return "\n".join(
        [
            "```console",
            command,
            "```",
            "",
            "```json cassette",
            '{"agents": [\n' + ",\n".join("  " + json.dumps(a, ensure_ascii=False) for a in doc["agents"]) + "\n]}",
            "```",
            "",
            "```json result",
            compact(shown),
            "```",
        ]
    )


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    runs = examples()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        data, doc = runs[name]
        return f"<!-- example: {name} -->\n{render(name, data, doc)}\n<!-- /example -->"

    text = re.sub(r"<!-- example: (\w+) -->.*?<!-- /example -->", replace, text, flags=re.S)
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
