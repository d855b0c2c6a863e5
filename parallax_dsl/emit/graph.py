"""Mermaid and Graphviz DOT renderings of a pattern's DAG, with dependency cycles highlighted."""

from __future__ import annotations

from parallax_dsl.ir import model as ir
from parallax_dsl.ir.graph import INPUT_NODE, build_graph, data_cycles


def _label(step: ir.Step | None, node: str) -> str:
    if step is None:
        return node
    if isinstance(step, ir.AgentStep):
        return f"{step.id}\\n{step.mode} {step.group}.{step.action}"
    if isinstance(step, ir.UseStep):
        return f"{step.id}\\nuse {step.pattern}"
    if isinstance(step, ir.BranchStep):
        return f"{step.id}\\n{step.form}"
    return step.id


def _arm_label(step: ir.Step | None, arm: int) -> str:
    if isinstance(step, ir.BranchStep) and arm < len(step.arms):
        a = step.arms[arm]
        return a.label or ("else" if a.is_else else f"arm {arm + 1}")
    return str(arm)


def to_mermaid(pattern: ir.CompiledPattern) -> str:
    graph = build_graph(pattern)
    in_cycle = {node for cycle in data_cycles(graph) for node in cycle}
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    lines = ["flowchart TD"]
    for node, data in graph.nodes(data=True):
        text = _label(data.get("step"), node).replace("\\n", "<br/>").replace('"', "'")
        shape = f'{ids[node]}{{"{text}"}}' if data.get("kind") == "branch" else f'{ids[node]}["{text}"]'
        lines.append(f"  {shape}")
    for u, v, data in graph.edges(data=True):
        if data["kind"] == "control":
            arm = _arm_label(graph.nodes[u].get("step"), data["arm"])
            lines.append(f"  {ids[u]} -. {arm} .-> {ids[v]}")
        else:
            lines.append(f"  {ids[u]} --> {ids[v]}")
    if in_cycle:
        lines.append("  classDef cycle fill:#fdd,stroke:#c00,stroke-width:2px")
        lines.append("  class " + ",".join(ids[n] for n in sorted(in_cycle)) + " cycle")
    return "\n".join(lines) + "\n"


def to_dot(pattern: ir.CompiledPattern) -> str:
    graph = build_graph(pattern)
    in_cycle = {node for cycle in data_cycles(graph) for node in cycle}

    def q(text: str) -> str:
        return '"' + text.replace('"', '\\"') + '"'

    lines = [f"digraph {q(pattern.name)} {{", "  rankdir=TB;", "  node [shape=box, fontname=Helvetica];"]
    for node, data in graph.nodes(data=True):
        attrs = [f"label={q(_label(data.get('step'), node))}"]
        if data.get("kind") == "branch":
            attrs.append("shape=diamond")
        if node == INPUT_NODE:
            attrs.append("shape=ellipse")
        if node in in_cycle:
            attrs.append('color="red", penwidth=2')
        lines.append(f"  {q(node)} [{', '.join(attrs)}];")
    for u, v, data in graph.edges(data=True):
        if data["kind"] == "control":
            label = _arm_label(graph.nodes[u].get("step"), data["arm"])
            lines.append(f"  {q(u)} -> {q(v)} [style=dashed, label={q(label)}];")
        else:
            red = ' [color="red"]' if u in in_cycle and v in in_cycle else ""
            lines.append(f"  {q(u)} -> {q(v)}{red};")
    lines.append("}")
    return "\n".join(lines) + "\n"
