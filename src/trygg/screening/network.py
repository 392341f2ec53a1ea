"""Walking the ownership and role network from the parties of a case to flagged entities (no Django).

Breadth-first search up to ``max_hops`` over relations in both directions (a person's companies, a
company's owners, board members and address). Hubs — nodes with more than ``hub_cap`` relations, such as
formation agents and mass-registration addresses — are reported and not walked through, so that one
registration agent does not connect everybody to everybody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Edge = tuple[int, int, str]  # (neighbour id, relation id, role)


@dataclass
class Path:
    nodes: list[int]
    relations: list[int]
    roles: list[str]

    @property
    def hops(self) -> int:
        return len(self.relations)


@dataclass
class WalkResult:
    reached: dict[int, Path] = field(default_factory=dict)  # flagged node -> shortest path from a start node
    hubs: dict[int, int] = field(default_factory=dict)  # hub node -> its number of relations (not followed)
    visited: int = 0


def walk(
    starts: Iterable[int],
    neighbours: Callable[[list[int]], dict[int, list[Edge]]],
    is_flagged: Callable[[list[int]], set[int]],
    max_hops: int = 3,
    hub_cap: int = 50,
) -> WalkResult:
    """Shortest paths (in hops) from any start node to flagged nodes.

    ``neighbours(frontier)`` returns the edges of each node in the frontier (all of them, so that hubs can be
    counted); ``is_flagged(nodes)`` says which of the given nodes are flagged.
    """
    result = WalkResult()
    paths: dict[int, Path] = {s: Path([s], [], []) for s in starts}
    frontier = list(paths)
    for flagged in is_flagged(frontier):
        result.reached[flagged] = paths[flagged]
    for _hop in range(max_hops):
        if not frontier:
            break
        edges = neighbours(frontier)
        next_frontier = []
        for node in frontier:
            node_edges = edges.get(node, [])
            if len(node_edges) > hub_cap and paths[node].hops > 0:
                result.hubs[node] = len(node_edges)
                continue
            for other, relation, role in node_edges:
                if other in paths:
                    continue
                base = paths[node]
                paths[other] = Path([*base.nodes, other], [*base.relations, relation], [*base.roles, role])
                next_frontier.append(other)
        for flagged in is_flagged(next_frontier):
            result.reached.setdefault(flagged, paths[flagged])
        frontier = next_frontier
    result.visited = len(paths)
    return result
