"""The relations the network walk reads from the database, checked against the same relations held in Python."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest

from trygg.screening import graph
from trygg.screening.models import Dataset, Entity, Relation

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """A hub with 450 people (more than one SQLite chunk), random relations among 60 companies, ended
    relations and shared addresses — both of which the walk must not follow."""
    dataset = Dataset.objects.create(name="Graftest", kind=Dataset.Kind.REGISTRY, is_generated=True)
    entities = Entity.objects.bulk_create(
        [
            Entity(dataset=dataset, key=f"e{i}", schema="Company" if i < 61 else "Person", name=f"E {i}")
            for i in range(511)
        ]
    )
    ids = [e.pk for e in entities]
    hub, companies, people = ids[0], ids[1:61], ids[61:]
    rng = np.random.default_rng(7)
    today = dt.date.today()
    rows = [(p, hub, "board_member", None) for p in people]
    for _ in range(300):
        valid_to = today - dt.timedelta(days=30) if rng.random() < 0.2 else None
        rows.append((int(rng.choice(people)), int(rng.choice(companies)), "owner", valid_to))
    rows += [(c, hub, "address", None) for c in companies[:10]]
    rows.append((companies[0], companies[1], "ceo", today))  # ends today: still current
    Relation.objects.bulk_create(
        [Relation(dataset=dataset, source_id=s, target_id=t, role=r, valid_to=v) for s, t, r, v in rows]
    )
    current = [
        (rel.pk, rel.source_id, rel.target_id, rel.role)
        for rel in Relation.objects.filter(dataset=dataset)
        if rel.role != "address" and (rel.valid_to is None or rel.valid_to >= today)
    ]
    return ids, current


def expected_edges(current, frontier, only=None):
    edges = {}
    for relation, source, target, role in current:
        for node, other in ((source, target), (target, source)):
            if node in frontier and (only is None or other in only):
                edges.setdefault(node, []).append((other, relation, role))
    return edges


def test_neighbours_in_both_directions_without_ended_relations_or_addresses(network):
    ids, current = network
    frontier = ids[:200]  # the hub, all companies and some people: more than one chunk of edges
    got = graph.neighbours(frontier)
    assert {n: sorted(e) for n, e in got.items()} == {
        n: sorted(e) for n, e in expected_edges(current, set(frontier)).items()
    }
    assert len(got[ids[0]]) == 450  # the hub's board members; its address links are not followed


def test_neighbours_restricted_to_targets_and_degree_over_a_long_frontier(network):
    ids, current = network
    frontier, only = ids[61:], set(ids[1:11])  # 450 people: two chunks on SQLite
    got = graph.neighbours(frontier, only=only)
    assert {n: sorted(e) for n, e in got.items()} == {
        n: sorted(e) for n, e in expected_edges(current, set(frontier), only).items()
    }
    counts = Counter()
    for _, source, target, _ in current:
        counts[source] += 1
        counts[target] += 1
    assert dict(graph.degree(ids)) == {n: counts[n] for n in ids if counts[n]}
    assert graph.neighbours([]) == {} and graph.degree([]) == {}


def test_the_last_step_from_the_cached_map_equals_the_query_and_follows_changes(network):
    ids, current = network
    frontier, only = ids[61:], set(ids[1:11])
    cached = graph.edges_into(frontier, only)
    assert {n: sorted(e) for n, e in cached.items()} == {
        n: sorted(e) for n, e in expected_edges(current, set(frontier), only).items()
    }
    # a new relation into a flagged company: the next walk sees it (the stamp changed), without a restart
    person, company = ids[-1], ids[1]
    new = Relation.objects.create(dataset_id=Dataset.objects.get(name="Graftest").pk, source_id=person,
                                  target_id=company, role="signatory")  # fmt: skip
    assert (company, new.pk, "signatory") in graph.edges_into(frontier, only)[person]
    # other targets (another case's lists): another map
    assert set(graph.edges_into(frontier, {ids[12]})) == {
        n
        for n, e in expected_edges([*current, (new.pk, person, company, "signatory")], set(frontier), {ids[12]}).items()
    }
