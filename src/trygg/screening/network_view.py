"""The network on the case: the registry network around the case's parties as a server-rendered SVG and a table.

The walk follows the screening's rules (:mod:`trygg.screening.network`): from the registry entities of the
case's parties, over current relations, up to ``network_hops`` steps; a node with more than ``hub_cap``
relations (a hub) and a shared address are shown with their count but not followed. Unlike the screening walk,
addresses are drawn (as end points), so that companies sharing one show it. An officer may open ("expand") a
node that was reached — its neighbours are then drawn first, and a hub or an address is followed one step —
as long as that stays within the hop limit. Nothing outside the reached graph can be asked for: an unknown
``expand`` id is a 404, so the page cannot be used to browse arbitrary entities. Every view is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from trygg.audit import log
from trygg.core.numbers import number
from trygg.screening import diagram, engine, graph
from trygg.screening.models import Case, Dataset, Entity, EntityFlag, Finding, Relation
from trygg.screening.templatetags.screening_extras import ROLE_NAMES
from trygg.screening.views import _case, screening_officer

MAX_DRAWN = 60  # nodes in one drawing; the rest are counted and can be opened
MAX_REACHED = 3000  # a guard for the walk itself
MAX_EXPAND = 10  # opened nodes kept in one address
MAX_EXPAND_RELATIONS = 500  # relations read when a hub or an address is opened
CHUNK = 500

ROLE_ORDER = ("owner", "beneficial_owner", "board_member", "ceo", "deputy", "signatory", "financier", "lessor",
              "auditor", "address")  # fmt: skip
ROLE_LABELS = {
    **ROLE_NAMES,
    "financier": gettext_lazy("financier"),
    "lessor": gettext_lazy("lessor"),
    "auditor": gettext_lazy("auditor"),
    "address": gettext_lazy("address"),  # on a link, short: the node is the address
    "applicant": gettext_lazy("applicant"),
}
STATUS_NOTES = {
    "bankrupt": gettext_lazy("bankrupt"),
    "liquidation": gettext_lazy("in liquidation"),
    "deregistered": gettext_lazy("deregistered"),
}
KIND_LABELS = {
    "company": gettext_lazy("Company"),
    "person": gettext_lazy("Person"),
    "address": gettext_lazy("Address"),
}


def kind_of(schema: str) -> str:
    """The drawing's kind of an entity schema (vessels and the like are drawn as organisations)."""
    if schema == "Person":
        return "person"
    if schema == "Address":
        return "address"
    return "company"


def share_text(share: float) -> str:
    """60.0 → "60 %", 33.33 → "33,3 %" (in the active language's number format)."""
    value = round(share, 1)
    return f"{number(value, 0 if value == int(value) else 1)} %"


def role_phrase(role: str, share: float | None = None, ended: dt.date | None = None) -> str:
    """How a relation reads on an edge: "styrelseledamot", "ägare 60 %", "VD till 2026-10-01" (one that ended)."""
    label = str(ROLE_LABELS.get(role, role))
    text = f"{label} {share_text(share)}" if share is not None else label
    return _("%(role)s until %(day)s") % {"role": text, "day": ended.isoformat()} if ended else text


@dataclass(frozen=True)
class Rel:
    id: int
    source: int
    target: int
    role: str
    share: float | None
    valid_to: dt.date | None = None  # the day it ended, when it has


@dataclass
class Network:
    """What the walk reached: hop distance from the nearest party, the way back, and the relations read."""

    hops: int
    hub_cap: int
    since: dt.date = field(default_factory=dt.date.today)  # relations that ended before this day are not drawn
    starts: list[int] = field(default_factory=list)
    hop: dict[int, int] = field(default_factory=dict)
    parent: dict[int, int | None] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    entities: dict[int, Entity] = field(default_factory=dict)
    relations: dict[int, Rel] = field(default_factory=dict)
    walked: set[int] = field(default_factory=set)
    degree: dict[int, int] = field(default_factory=dict)
    hubs: set[int] = field(default_factory=set)
    expanded: list[int] = field(default_factory=list)
    at_limit: list[int] = field(default_factory=list)
    truncated: bool = False

    def adjacency(self) -> dict[int, set[int]]:
        out: dict[int, set[int]] = defaultdict(set)
        for r in self.relations.values():
            out[r.source].add(r.target)
            out[r.target].add(r.source)
        return out

    def path_to(self, node: int) -> list[int]:
        """The nodes from a party down to ``node``."""
        path = []
        current: int | None = node
        while current is not None and current not in path:
            path.append(current)
            current = self.parent.get(current)
        return path[::-1]


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _current(since: dt.date) -> Q:
    """Relations in force on any day from ``since`` onwards: as the screening walks them, one that ended up to
    twelve months before the day screened is drawn (with its end), not only today's."""
    return Q(valid_to__isnull=True) | Q(valid_to__gte=since)


def _degrees(nodes: Sequence[int], addresses: set[int], since: dt.date) -> dict[int, int]:
    """Current relations per node; for an address, the companies registered there."""
    counts: dict[int, int] = defaultdict(int)
    others = [n for n in nodes if n not in addresses]
    for chunk in _chunks(others):
        base = Relation.objects.filter(_current(since)).exclude(role="address")
        for column in ("source_id", "target_id"):
            rows = base.filter(**{f"{column}__in": chunk}).values(column).annotate(n=Count("id"))
            for row in rows.values_list(column, "n"):
                counts[row[0]] += row[1]
    for chunk in _chunks([n for n in nodes if n in addresses]):
        rows = Relation.objects.filter(_current(since), role="address", target_id__in=chunk).values("target_id")
        for node, n in rows.annotate(n=Count("id")).values_list("target_id", "n"):
            counts[node] += n
    return counts


def _relations_of(nodes: Sequence[int], since: dt.date, limit: int | None = None) -> list[Rel]:
    fields = ("id", "source_id", "target_id", "role", "share", "valid_to")
    rows: list[tuple] = []
    if limit is not None:
        for node in nodes:
            qs = Relation.objects.filter(_current(since)).filter(Q(source_id=node) | Q(target_id=node))
            rows += qs.order_by("role", "id").values_list(*fields)[:limit]
    else:
        for chunk in _chunks(nodes):
            qs = Relation.objects.filter(_current(since)).filter(Q(source_id__in=chunk) | Q(target_id__in=chunk))
            rows += qs.values_list(*fields)
    return [Rel(*row) for row in rows]


def _load(net: Network, ids: Iterable[int]) -> None:
    missing = [i for i in ids if i not in net.entities]
    for chunk in _chunks(missing):
        net.entities.update(Entity.objects.select_related("dataset").in_bulk(chunk))


def _is_address(net: Network, node: int) -> bool:
    entity = net.entities.get(node)
    return entity is not None and entity.schema == "Address"


def _extend(net: Network, nodes: list[int], limit: int | None = None) -> list[int]:
    """Read the relations of ``nodes`` and add the neighbours not reached yet, one hop further out."""
    net.walked.update(nodes)
    rank = {n: i for i, n in enumerate(net.order)}
    role_rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    chosen = set(nodes)
    rels = _relations_of(nodes, net.since, limit)

    def key(r: Rel) -> tuple:
        near = r.source if r.source in chosen else r.target
        far = r.target if near == r.source else r.source
        return (rank.get(near, 0), role_rank.get(r.role, len(ROLE_ORDER)), far, r.id)

    new: list[int] = []
    for r in sorted(rels, key=key):
        near = r.source if r.source in chosen else r.target
        far = r.target if near == r.source else r.source
        if far not in net.hop:
            if len(net.hop) >= MAX_REACHED:
                net.truncated = True
                continue
            net.hop[far] = net.hop[near] + 1
            net.parent[far] = near
            net.order.append(far)
            new.append(far)
        net.relations[r.id] = r
    _load(net, new)
    return new


def walk(
    starts: Sequence[int], hops: int, hub_cap: int, expand: Sequence[int] = (), since: dt.date | None = None
) -> Network:
    """Breadth-first from ``starts`` up to ``hops`` steps, then the ``expand`` requests in order.

    Raises Http404 for an ``expand`` id that the walk (with the requests before it) did not reach.
    """
    net = Network(hops=hops, hub_cap=hub_cap, since=since or dt.date.today())
    for s in starts:
        if s not in net.hop:
            net.hop[s], net.parent[s] = 0, None
            net.order.append(s)
            net.starts.append(s)
    _load(net, net.starts)
    frontier = [s for s in net.starts if s in net.entities and net.entities[s].dataset.kind == Dataset.Kind.REGISTRY]
    for _hop in range(hops):
        if not frontier:
            break
        addresses = {n for n in frontier if _is_address(net, n)}
        net.degree.update(_degrees(frontier, addresses, net.since))
        follow = []
        for n in frontier:
            if n in addresses:
                continue  # shared addresses are not followed (as in the screening)
            if net.hop[n] > 0 and net.degree.get(n, 0) > hub_cap:
                net.hubs.add(n)
                continue
            follow.append(n)
        frontier = _extend(net, follow)
    for node in expand:
        if node not in net.hop:
            raise Http404("not in the case's network")
        if node in net.expanded or node in net.at_limit:
            continue
        if node in net.walked:
            net.expanded.append(node)
        elif net.hop[node] >= hops:
            net.at_limit.append(node)
        else:
            _extend(net, [node], limit=MAX_EXPAND_RELATIONS)
            net.expanded.append(node)
    return net


def select(net: Network, listed: Iterable[int], cap: int | None = None) -> list[int]:
    """The nodes to draw, at most ``cap`` (parties always): parties, opened nodes and their neighbours, the
    way to every listed node, then the rest nearest first."""
    cap = MAX_DRAWN if cap is None else cap
    chosen: dict[int, None] = dict.fromkeys(net.starts)
    adjacency = net.adjacency()
    rank = {n: i for i, n in enumerate(net.order)}

    def add_path(node: int) -> None:
        missing = [n for n in net.path_to(node) if n not in chosen]
        if len(chosen) + len(missing) <= cap:
            chosen.update(dict.fromkeys(missing))

    for node in net.at_limit:
        add_path(node)
    for node in net.expanded:
        add_path(node)
        if node in chosen:
            for other in sorted(adjacency[node], key=lambda n: (net.hop[n], rank[n])):
                if len(chosen) >= cap:
                    break
                chosen.setdefault(other)
    for node in sorted(listed, key=lambda n: (net.hop[n], n)):
        add_path(node)
    for node in net.order:
        if len(chosen) >= cap:
            break
        chosen.setdefault(node)
    return list(chosen)


def listed_nodes(case: Case, net: Network, resolved: dict[int, int]) -> dict[int, str]:
    """Reached nodes on a watch list or own list the case may use, with the list's name: registry entities
    matched by the cross-match, and parties hit in the case's latest screening."""
    datasets = [d.pk for d in engine.list_datasets(case)]
    out: dict[int, tuple[float, str]] = {}
    flags = EntityFlag.objects.filter(entity__in=list(net.hop), listed__dataset__in=datasets).select_related(
        "listed__dataset"
    )
    for flag in flags:
        if flag.entity_id not in out or flag.score > out[flag.entity_id][0]:
            out[flag.entity_id] = (flag.score, flag.listed.dataset.name)
    run = case.runs.first()
    if run is not None:
        hits = run.findings.filter(kind=Finding.Kind.WATCHLIST, code__in=("watchlist", "own_list"))
        for f in hits.exclude(severity="info").select_related("party", "matched__dataset"):
            if f.party is None:
                continue
            node = resolved.get(f.party.entity_id, f.party.entity_id)
            if node in net.hop and (node not in out or (f.score or 0) > out[node][0]):
                out[node] = (f.score or 0.0, f.matched.dataset.name if f.matched else "")
    return {node: name for node, (_score, name) in out.items()}


def case_walk(case: Case, expand: Sequence[int] = ()) -> tuple[Network, list, dict[int, int]]:
    """The network of the case: its parties (applicant first), resolved to the registry where possible."""
    t = engine.thresholds()
    run = case.runs.first()
    day = run.as_of if run is not None and run.as_of else case.received_on
    since = min(day - graph.LOOKBACK, dt.date.today())
    parties = sorted(case.parties.select_related("entity"), key=lambda p: (p.role != "applicant", p.pk))
    resolved: dict[int, int] = {}
    for party in parties:
        registry = engine.resolve(party.entity)
        resolved[party.entity_id] = registry.pk if registry is not None else party.entity_id
    starts = [resolved[p.entity_id] for p in parties]
    return walk(starts, t.network_hops, t.hub_cap, expand, since), parties, resolved


def _expand_ids(request) -> list[int]:
    ids = []
    for value in [v for v in request.GET.getlist("expand") if v.strip()][:MAX_EXPAND]:
        try:
            ids.append(int(value))
        except ValueError as exc:
            raise Http404("not an entity id") from exc
    return ids


def _notes(net: Network, node: int, drawn: set[int], adjacency, party_role: str | None, listed: str | None):
    """The short lines under a node's name: listed, party, and how much of its neighbourhood is not drawn."""
    entity = net.entities.get(node)
    notes: list[str] = []
    if listed is not None:  # first: drawn in bold
        notes.append(_("listed: %(list)s") % {"list": listed} if listed else _("listed"))
    if party_role == "applicant":
        notes.append(_("applicant"))
    elif party_role:
        notes.append(_("named in the application"))
    if entity is not None and entity.dataset.kind != Dataset.Kind.REGISTRY:
        notes.append(_("not found in the registry"))
    status = (entity.properties or {}).get("status") if entity is not None else None
    if status in STATUS_NOTES:
        day = entity.properties.get("status_date") or ""
        notes.append(f"{STATUS_NOTES[status]} {day}".strip())
    shown = len(adjacency[node] & drawn)
    if _is_address(net, node):
        n = net.degree.get(node, shown)
        text = ngettext("%(n)d company at the address", "%(n)d companies at the address", n) % {"n": n}
        if n > shown:
            text += " — " + (_("not shown") if node not in net.walked else _("%(n)d not drawn") % {"n": n - shown})
        notes.append(text)
    elif node in net.hubs and node not in net.walked:
        n = net.degree.get(node, 0)
        hub = ngettext("%(n)d connection (hub)", "%(n)d connections (hub)", n) % {"n": n}
        notes.append(hub + " — " + _("not shown"))
    else:
        hidden = len(adjacency[node] - drawn) if node in net.walked else max(0, net.degree.get(node, 0) - shown)
        if hidden and node not in net.walked and net.hop.get(node, 0) >= net.hops:
            text = ngettext("%(n)d connection beyond the step limit", "%(n)d connections beyond the step limit", hidden)
            notes.append(text % {"n": hidden})
        elif hidden:
            text = ngettext("%(n)d more connection not drawn", "%(n)d more connections not drawn", hidden)
            notes.append(text % {"n": hidden})
    return notes


def _links(net: Network, drawn: set[int], parties, resolved: dict[int, int], applicant: int | None):
    """One link per pair of drawn nodes, labelled with all their roles; and, for a party that the registry
    does not connect to the applicant, its role as the application gives it. Returns (links, relations)."""
    by_pair: dict[tuple[int, int], list[Rel]] = defaultdict(list)
    role_rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    for r in sorted(net.relations.values(), key=lambda r: (role_rank.get(r.role, len(ROLE_ORDER)), r.id)):
        if r.source in drawn and r.target in drawn and r.source != r.target:
            by_pair[(min(r.source, r.target), max(r.source, r.target))].append(r)
    links = []
    for rels in by_pair.values():
        phrases = dict.fromkeys(role_phrase(r.role, r.share, r.valid_to) for r in rels)
        links.append(diagram.Link(rels[0].source, rels[0].target, ", ".join(phrases)))
    linked = {n for pair in by_pair for n in pair if applicant in pair}
    for p in parties:
        node = resolved[p.entity_id]
        if p.role == "applicant" or node in (applicant, *linked) or applicant not in drawn:
            continue
        links.append(diagram.Link(node, applicant, role_phrase(p.role, p.share) + " " + _("(in the application)")))
    return links, [r for rels in by_pair.values() for r in rels]


@screening_officer
def case_network(request, pk: int):
    """The network around the case's parties: an SVG diagram and the same as a table (audited)."""
    case = _case(request, pk)
    expand = _expand_ids(request)
    net, parties, resolved = case_walk(case, expand)
    listed = listed_nodes(case, net, resolved)
    drawn_ids = select(net, listed)
    drawn = set(drawn_ids)
    unknown = [n for n in drawn_ids if n not in net.walked and n not in net.degree]  # to say what is not drawn
    net.degree.update(_degrees(unknown, {n for n in unknown if _is_address(net, n)}, net.since))
    adjacency = net.adjacency()
    party_role: dict[int, str] = {}
    for p in parties:
        party_role.setdefault(resolved[p.entity_id], p.role)
    applicant = resolved.get(case.applicant_id)
    base_url = reverse("screening:network", args=[case.pk])

    def open_url(node: int) -> str:
        return base_url + "?" + urlencode([("expand", i) for i in [*net.expanded, node][-MAX_EXPAND:]])

    nodes, rows = [], {}
    for n in drawn_ids:
        entity = net.entities[n]
        notes = _notes(net, n, drawn, adjacency, party_role.get(n), listed.get(n))
        href = reverse("screening:entity", args=[n]) + f"?case={case.pk}"
        nodes.append(
            diagram.Node(n, entity.name, kind_of(entity.schema), tuple(notes), n in listed, n in party_role, href)
        )
        can_open = n not in net.expanded and net.hop[n] < net.hops and (n not in net.walked or adjacency[n] - drawn)
        rows[n] = {
            "entity": entity,
            "href": href,
            "kind": KIND_LABELS[kind_of(entity.schema)],
            "hop": net.hop[n],
            "notes": notes,
            "listed": n in listed,
            "party": n in party_role,
            "expand": open_url(n) if can_open else "",
            "relations": [],
            "shares": [],
        }
    links, relations = _links(net, drawn, parties, resolved, applicant)
    drawing = diagram.layout(nodes, links, roots=[resolved[p.entity_id] for p in parties])

    # the table: each link once, on the row of the node further right in the drawing
    layer = {p.node.id: p.layer for p in drawing.nodes}
    names = {n: net.entities[n].name for n in drawn_ids}

    def far(a: int, b: int) -> int:
        return b if layer[b] > layer[a] else a

    for link in links:
        rows[far(link.source, link.target)]["relations"].append(
            f"{names[link.source]} — {link.label} → {names[link.target]}"
        )
    for r in relations:
        if r.share is not None:
            rows[far(r.source, r.target)]["shares"].append(share_text(r.share))

    kinds = defaultdict(int)
    for node in nodes:
        kinds[node.kind] += 1
    listed_names = [names[n] for n in drawn_ids if n in listed]
    description = _(
        "%(drawn)d of %(reached)d entities within %(hops)d steps of the case's parties are drawn: "
        "%(companies)d companies (rectangles), %(persons)d persons (rounded) and %(addresses)d addresses "
        "(hexagons), with %(links)d links labelled with their roles and ownership shares. Listed: %(listed)s. "
        "The table below gives the same information."
    ) % {
        "drawn": len(drawn_ids), "reached": len(net.hop), "hops": net.hops, "companies": kinds["company"],
        "persons": kinds["person"], "addresses": kinds["address"], "links": len(links),
        "listed": ", ".join(listed_names) if listed_names else _("none"),
    }  # fmt: skip
    summary = f"network viewed: {len(drawn_ids)} of {len(net.hop)} entities shown"
    if net.expanded:
        summary += f", expanded {', '.join(map(str, net.expanded))}"
    log.record(request.user, "view", case, summary=summary, purpose=case)
    context = {
        "case": case,
        "diagram": drawing,
        "table": [rows[p.node.id] for p in drawing.nodes],
        "description": description,
        "drawn": len(drawn_ids),
        "left_out": len(net.hop) - len(drawn_ids),
        "hops": net.hops,
        "hub_cap": net.hub_cap,
        "truncated": net.truncated,
        "max_reached": MAX_REACHED,
        "expanded": [net.entities[n].name for n in net.expanded],
        "at_limit": [net.entities[n].name for n in net.at_limit],
        "reset_url": base_url if expand else "",
        "listed_count": len(listed_names),
    }
    return render(request, "screening/network.html", context)


def reached_ids(case: Case) -> set[int]:
    """The entity ids of the case's default network (for the search's links into it)."""
    net, _parties, _resolved = case_walk(case)
    return set(net.hop)
