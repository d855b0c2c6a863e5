"""The networkx view of a compiled pattern: nodes are steps, edges are data dependencies and branch control."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parallax_dsl.ir import model as ir

if TYPE_CHECKING:
    import networkx as nx

INPUT_NODE = "input"


def build_graph(pattern: ir.CompiledPattern) -> nx.DiGraph[str]:
    """A DiGraph per pattern: node attr `step` holds the IR step; edge attr `kind` is `data` or `control`."""
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph(name=pattern.name)
    graph.add_node(INPUT_NODE, kind="input", step=None)
    for step in pattern.steps:
        graph.add_node(step.id, kind=step.kind, step=step)
    for step in pattern.steps:
        for dep in step.depends_on:
            if dep not in graph:
                graph.add_node(dep, kind="missing", step=None)
            graph.add_edge(dep, step.id, kind="data")
        if step.branch is not None:
            owner, _, arm = step.branch.rpartition(":")
            graph.add_edge(owner, step.id, kind="control", arm=int(arm))
    return graph


def data_cycles(graph: nx.DiGraph[str]) -> list[list[str]]:
    """Each cycle of data dependencies, as the list of step ids on it (deterministic order)."""
    import networkx as nx

    data: nx.DiGraph[str] = nx.DiGraph()
    data.add_nodes_from(graph.nodes)
    data.add_edges_from((u, v) for u, v, attrs in graph.edges(data=True) if attrs.get("kind") == "data")
    cycles = []
    for component in nx.strongly_connected_components(data):
        members = sorted(component)
        if len(members) > 1 or data.has_edge(members[0], members[0]):
            cycles.append(members)
    return sorted(cycles)
