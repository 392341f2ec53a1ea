"""Laying out a case's company network as a drawing: nodes and links in, positioned SVG shapes out (no Django).

Method: a layered drawing in the manner of Sugiyama, Tagawa and Toda (1981), computed deterministically.

1. Layers. Each node's layer is its distance in links from the first root (the applicant), by breadth-first
   search over the links drawn; a node that cannot be reached from it (a party the registry does not connect)
   starts a component of its own at layer 0, in the order the roots are given. Layers run left to right.
2. Order within a layer (fewer crossings). Layer 0 keeps the roots' order; every other layer, from left to
   right, is sorted by the barycentre — the mean position — of each node's neighbours in the layer to its
   left (every node has one there, by 1.). Ties are broken by kind, label (numbers in it by value) and id,
   so that the same network always gives the same drawing, whatever order the data came in.
3. Coordinates. A layer is a column of fixed width. Layer 0 is stacked from the top; in every other layer
   each node wishes to sit level with the middle of its neighbours in the layer before, and the wishes are
   met as nearly as possible (least squares) while the nodes keep their order and do not overlap (adjacent
   overlapping nodes are merged into blocks placed at their mean wish). Links are cubic Bézier curves
   between the facing sides of their nodes (links within one column bulge out to its right), each labelled
   on the curve towards the end where fewer links leave on that side, so that a fan of links spreads its
   labels out.

Shapes tell the kinds apart without colour: companies are rectangles, persons rounded "pills", addresses
hexagons; the template draws them from :class:`PlacedNode`.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

KINDS = ("company", "person", "address")  # also the order of ties within a layer
NODE_WIDTH = 220
LINE_HEIGHT = 14
NODE_PADDING = 10
COLUMN_GAP = 170  # room between columns for the links and their labels
ROW_GAP = 18
MARGIN = 24
LABEL_CHARS = 28  # about what fits in NODE_WIDTH at the label's font size
NOTE_CHARS = 34
SAME_LAYER_BULGE = 70
LABEL_CHAR_WIDTH = 6.2  # average width of a character of a link label (11 px sans-serif)
LABEL_AT = 0.35  # a link's label, as a fraction of the curve from the end it sits towards


@dataclass(frozen=True)
class Node:
    """A node to draw. ``notes`` are short lines under the label ("listad", "40 bolag på adressen …")."""

    id: int
    label: str
    kind: str
    notes: tuple[str, ...] = ()
    listed: bool = False
    party: bool = False
    href: str = ""


@dataclass(frozen=True)
class Link:
    """A link to draw from ``source`` to ``target`` (the holder to the company), labelled with its role(s)."""

    source: int
    target: int
    label: str


@dataclass
class PlacedNode:
    node: Node
    layer: int
    x: float
    y: float
    width: float
    height: float
    lines: list[tuple[float, str]] = field(default_factory=list)  # (baseline y, text) under the label

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def label(self) -> str:
        return shorten(self.node.label, LABEL_CHARS)

    @property
    def label_y(self) -> float:
        return self.y + NODE_PADDING + 12

    @property
    def radius(self) -> float:
        """Corner radius: a pill for persons, square corners otherwise."""
        return self.height / 2 if self.node.kind == "person" else 0

    @property
    def points(self) -> str:
        """The outline of a hexagon (addresses), pointed at the left and right."""
        inset = min(16.0, self.height / 2)
        x0, x1, y0, y1, ym = self.x, self.x + self.width, self.y, self.y + self.height, self.cy
        corners = [(x0, ym), (x0 + inset, y0), (x1 - inset, y0), (x1, ym), (x1 - inset, y1), (x0 + inset, y1)]
        return " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)


@dataclass
class PlacedLink:
    link: Link
    path: str  # SVG path data
    label_x: float
    label_y: float

    @property
    def label(self) -> str:
        return shorten(self.link.label, NOTE_CHARS)

    @property
    def label_width(self) -> float:
        """About the width of the label at its font size, for the pale box behind it."""
        return len(self.label) * LABEL_CHAR_WIDTH + 8

    @property
    def label_box_x(self) -> float:
        return self.label_x - self.label_width / 2

    @property
    def label_box_y(self) -> float:
        return self.label_y - 8


@dataclass
class Diagram:
    width: float
    height: float
    nodes: list[PlacedNode]
    links: list[PlacedLink]
    layers: int


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, limit: int, max_lines: int = 2) -> list[str]:
    """``text`` in lines of at most ``limit`` characters, broken at a dash if it has one, else between words;
    the last line shortened if it still does not fit."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return [text]
    parts = text.split(" — ")
    lines: list[str] = []
    for piece in [parts[0], *("— " + part for part in parts[1:])]:  # each piece starts a line
        line = ""
        for word in piece.split(" "):
            if line and len(line) + 1 + len(word) > limit:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [shorten(line, limit) for line in lines]


def natural(text: str) -> tuple:
    """A sort key that puts "Bolag 2" before "Bolag 10"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.casefold()))


def assign_layers(ids: Sequence[int], links: Iterable[Link], roots: Sequence[int]) -> dict[int, int]:
    """Breadth-first distance from the first root; unreached components start at 0 from the next root."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    for link in links:
        if link.source != link.target:
            neighbours[link.source].add(link.target)
            neighbours[link.target].add(link.source)
    known = set(ids)
    layer: dict[int, int] = {}
    for start in [*roots, *ids]:
        if start not in known or start in layer:
            continue
        layer[start] = 0
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for other in sorted(neighbours[node]):
                if other in known and other not in layer:
                    layer[other] = layer[node] + 1
                    queue.append(other)
    return layer


def order_layers(
    nodes: dict[int, Node], layer: dict[int, int], links: Iterable[Link], roots: Sequence[int]
) -> list[list[int]]:
    """The nodes of each layer, top to bottom, ordered by the barycentre of their neighbours."""
    count = max(layer.values(), default=-1) + 1
    columns: list[list[int]] = [[] for _ in range(count)]
    root_rank = {r: i for i, r in enumerate(roots)}

    def tie(n: int) -> tuple:
        node = nodes[n]
        kind = KINDS.index(node.kind) if node.kind in KINDS else len(KINDS)
        return (root_rank.get(n, len(root_rank)), kind, natural(node.label), n)

    for n in nodes:
        columns[layer[n]].append(n)
    for column in columns:
        column.sort(key=tie)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for link in links:
        neighbours[link.source].add(link.target)
        neighbours[link.target].add(link.source)

    def sweep(index: int, side: int) -> None:
        reference = {n: i for i, n in enumerate(columns[index + side])}
        current = {n: i for i, n in enumerate(columns[index])}

        def key(n: int) -> tuple:
            seen = [reference[m] for m in neighbours[n] if m in reference]
            centre = sum(seen) / len(seen) if seen else float(current[n])
            return (centre, *tie(n))

        columns[index].sort(key=key)

    for index in range(1, count):  # left to right: every node has a neighbour in the layer before
        sweep(index, -1)
    return columns


def pack(desired: Sequence[float], heights: Sequence[float], gap: float, top: float) -> list[float]:
    """Tops for boxes kept in order, ``gap`` apart and not above ``top``, as near as possible (least squares)
    to their ``desired`` tops: overlapping neighbours are merged into blocks placed at their mean wish."""
    blocks: list[list] = []  # [first index, last index, wished top of the block]
    offsets: list[float] = []
    for i, wish in enumerate(desired):
        offsets.append(0.0)
        blocks.append([i, i, wish])
        while len(blocks) > 1:
            first, last, wish_b = blocks[-1]
            p_first, p_last, wish_a = blocks[-2]
            end_a = max(top, wish_a) + offsets[p_last] + heights[p_last] + gap
            if max(top, wish_b) >= end_a:
                break
            shift = offsets[p_last] + heights[p_last] + gap  # where block b starts inside the merged block
            for j in range(first, last + 1):
                offsets[j] += shift
            n_a, n_b = p_last - p_first + 1, last - first + 1
            blocks[-2:] = [[p_first, last, (wish_a * n_a + (wish_b - shift) * n_b) / (n_a + n_b)]]
    tops = [0.0] * len(desired)
    for first, last, wish in blocks:
        for j in range(first, last + 1):
            tops[j] = max(top, wish) + offsets[j]
    return tops


def layout(nodes: Sequence[Node], links: Sequence[Link], roots: Sequence[int] = ()) -> Diagram:
    """Position ``nodes`` and ``links`` (links to unknown nodes are dropped) as described in the module."""
    by_id = {n.id: n for n in nodes}
    links = [link for link in links if link.source in by_id and link.target in by_id]
    layer = assign_layers(list(by_id), links, roots)
    columns = order_layers(by_id, layer, links, roots)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for link in links:
        neighbours[link.source].add(link.target)
        neighbours[link.target].add(link.source)

    placed: dict[int, PlacedNode] = {}
    for index, column in enumerate(columns):
        x = MARGIN + index * (NODE_WIDTH + COLUMN_GAP)
        boxes = []
        for n in column:
            node = by_id[n]
            lines = [line for note in node.notes for line in wrap(note, NOTE_CHARS)]
            box = PlacedNode(node, index, x, 0.0, NODE_WIDTH, 2 * NODE_PADDING + 16 + LINE_HEIGHT * len(lines))
            box.lines = [(0.0, line) for line in lines]
            boxes.append(box)
        # each node as near as possible to the middle of its neighbours in the column before (stacked at first)
        desired, stacked = [], MARGIN
        for box in boxes:
            left = [placed[m].cy for m in neighbours[box.node.id] if m in placed]
            desired.append(sum(left) / len(left) - box.height / 2 if left else stacked)
            stacked += box.height + ROW_GAP
        for box, top in zip(boxes, pack(desired, [b.height for b in boxes], ROW_GAP, MARGIN), strict=True):
            box.y = top
            box.lines = [(box.label_y + LINE_HEIGHT * (i + 1), line) for i, (_y, line) in enumerate(box.lines)]
            placed[box.node.id] = box
    width = MARGIN * 2 + len(columns) * NODE_WIDTH + max(0, len(columns) - 1) * COLUMN_GAP
    height = max((p.y + p.height for p in placed.values()), default=0) + MARGIN
    sides: dict[tuple[int, str], int] = defaultdict(int)  # (node, "left"/"right") -> links leaving there
    for link in links:
        a, b = placed[link.source], placed[link.target]
        if a.layer == b.layer:
            sides[(a.node.id, "right")] += 1
            sides[(b.node.id, "right")] += 1
        else:
            lo, hi = (a, b) if a.layer < b.layer else (b, a)
            sides[(lo.node.id, "right")] += 1
            sides[(hi.node.id, "left")] += 1
    return Diagram(
        width=max(width, NODE_WIDTH + 2 * MARGIN),
        height=max(height, 2 * MARGIN),
        nodes=[placed[n] for column in columns for n in column],
        links=[_place_link(link, placed[link.source], placed[link.target], sides) for link in links],
        layers=len(columns),
    )


def _bezier(p0: float, p1: float, p2: float, p3: float, t: float) -> float:
    u = 1 - t
    return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3


def _place_link(link: Link, a: PlacedNode, b: PlacedNode, sides: dict[tuple[int, str], int]) -> PlacedLink:
    """A curve from ``a`` to ``b`` between their facing sides. Its label sits towards the end where fewer links
    leave on that side (on a tie, the end further right), so that a fan of links spreads its labels out."""
    y1, y2 = a.cy, b.cy
    if a.layer == b.layer:
        x1 = x2 = a.x + a.width
        c1 = c2 = x1 + SAME_LAYER_BULGE
        t = 0.5
    else:
        x1, x2 = (a.x + a.width, b.x) if a.layer < b.layer else (a.x, b.x + b.width)
        c1 = c2 = (x1 + x2) / 2
        crowd_a = sides.get((a.node.id, "right" if a.layer < b.layer else "left"), 0)
        crowd_b = sides.get((b.node.id, "left" if a.layer < b.layer else "right"), 0)
        if crowd_a != crowd_b:
            t = LABEL_AT if crowd_a < crowd_b else 1 - LABEL_AT
        else:
            t = LABEL_AT if a.layer > b.layer else 1 - LABEL_AT
    path = f"M{x1:.1f},{y1:.1f} C{c1:.1f},{y1:.1f} {c2:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    return PlacedLink(link, path, _bezier(x1, c1, c2, x2, t), _bezier(y1, y1, y2, y2, t))
