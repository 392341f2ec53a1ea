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
    neighbours: Callable[..., dict[int, list[Edge]]],
    flagged: set[int] | Callable[[list[int]], set[int]],
    max_hops: int = 3,
    hub_cap: int = 50,
    degree: Callable[[list[int]], dict[int, int]] | None = None,
) -> WalkResult:
    """Shortest paths (in hops) from any start node to flagged nodes.

    ``neighbours(frontier, only=None)`` returns the edges of each node in the frontier — all of them, so that
    hubs can be counted, or, with ``only``, just those leading to the given nodes. ``flagged`` is the set of
    flagged nodes (or a function saying which of given nodes are flagged). When it is a set, the last hop
    asks only for edges into it and ``degree(nodes)`` tells whether the nodes on the way are hubs.
    """
    is_flagged = (lambda nodes: flagged.intersection(nodes)) if isinstance(flagged, set) else flagged
    result = WalkResult()
    paths: dict[int, Path] = {s: Path([s], [], []) for s in starts}
    frontier = list(paths)
    for node in is_flagged(frontier):
        result.reached[node] = paths[node]
    if isinstance(flagged, set) and not flagged:
        result.visited = len(paths)
        return result
    for hop in range(max_hops):
        if not frontier:
            break
        last = hop == max_hops - 1 and isinstance(flagged, set)
        edges = neighbours(frontier, only=flagged) if last else neighbours(frontier)
        if last and degree is not None:
            sizes = degree([n for n in frontier if edges.get(n) and paths[n].hops > 0])
        next_frontier = []
        for node in frontier:
            node_edges = edges.get(node, [])
            size = sizes.get(node, 0) if last and degree is not None else len(node_edges)
            if size > hub_cap and paths[node].hops > 0:
                result.hubs[node] = size
                continue
            for other, relation, role in node_edges:
                if other in paths:
                    continue
                base = paths[node]
                paths[other] = Path([*base.nodes, other], [*base.relations, relation], [*base.roles, role])
                next_frontier.append(other)
        for node in is_flagged(next_frontier):
            result.reached.setdefault(node, paths[node])
        frontier = next_frontier
    result.visited = len(paths)
    return result
