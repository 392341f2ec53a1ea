"""Screening at scale: a 1M-entity watch list and registry, 5M relations, in a fresh PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/screening.py \\
        [--list 500000] [--registry 1000000] [--relations 5000000] [--applications 40] [--keep | --reuse DB]

``--via-importer ROWS`` builds the registry through ``import_registry`` from ``registry_import.py``'s extract of ROWS
rows (shares, dates, addresses, formation-agent hubs; issue 25) instead of entities and random relations loaded
directly. ``--keep`` leaves the built database in place; ``--reuse DB`` measures screening on such a database without
building it again (the build takes about 15 minutes at full size).

Names are drawn from Swedish first names and surnames with a Zipf (rank⁻¹) distribution over the most
common names, the way real name frequencies fall off; company names combine surnames, trades and places.
Prints:

* the time to import the watch list (FollowTheMoney JSON lines through ``import_ftm``, indexing included);
* p50/p95 time to screen one application (warm), with the parties drawn from the registry;
* p50/p95 time of the effective-ownership computation for the applicant (chains of shares and control);
* p50/p95 time of the 3-hop network walk from a party over the 5M relations.

Aims (issue 11): screening p95 under 100 ms warm, the share computation included (aim 50 ms); the 3-hop
network walk p95 under 10 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import time

from _setup import fresh_database, setup_django, shared_data, table


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", type=int, default=500_000)
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--relations", type=int, default=5_000_000)
    parser.add_argument("--applications", type=int, default=40)
    parser.add_argument(
        "--via-importer",
        type=int,
        default=0,
        metavar="ROWS",
        help="build the registry through `import_registry` from an extract of ROWS rows (registry_import.py's, with "
        "shares, dates, addresses and hubs) instead of loading entities and random relations directly",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database after the run")
    parser.add_argument("--reuse", default="", help="measure on a database kept by an earlier run")
    args = parser.parse_args()
    backend = fresh_database(keep=args.keep, reuse=args.reuse)
    os.environ.setdefault("TRYGG_MANIFEST_STATIC", "0")
    setup_django()
    build_rows = [] if args.reuse else build(args)
    measure(args, backend, build_rows)


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def build(args) -> list[list[object]]:
    """Fill the database: watch list (timed import), registry and relations, cross-match, planted flags."""

    import numpy as np
    from django.db import connection

    from trygg.core.bulk import insert_rows
    from trygg.demo import orgs as demo_orgs
    from trygg.demo.screening import FIRST_NAMES, SURNAMES, TRADES
    from trygg.orgs.loaders import load_municipalities
    from trygg.screening import engine
    from trygg.screening.crossmatch import crossmatch
    from trygg.screening.importers import import_ftm
    from trygg.screening.models import Entity

    load_municipalities(shared_data())
    demo_orgs.load_organisations()
    rng = np.random.default_rng(1)

    def zipf_choice(items, n):
        weights = 1.0 / np.arange(1, len(items) + 1)
        return rng.choice(items, size=n, p=weights / weights.sum())

    def person_names(n):
        first, last = zipf_choice(FIRST_NAMES, n), zipf_choice(SURNAMES, n)
        second = zipf_choice(SURNAMES, n)
        double = rng.random(n) < 0.15
        return [f"{f} {s}-{t}" if d else f"{f} {s}" for f, s, t, d in zip(first, last, second, double, strict=True)]

    def company_names(n):
        s, t = zipf_choice(SURNAMES, n), rng.choice(TRADES, n)
        places = rng.choice(["Karlstad", "Örebro", "Värmland", "Närke", "Kumla", "Hammarö"], n)
        style = rng.integers(0, 3, n)
        return [
            f"{a}s {b} {i} AB" if k == 0 else f"{b} i {p} {i} AB" if k == 1 else f"{a} & Co {b} {i} AB"
            for i, (a, b, p, k) in enumerate(zip(s, t, places, style, strict=True))
        ]

    # The watch list, as FollowTheMoney JSON lines, imported the way a user would.
    n_people = args.list * 2 // 3
    lines = io.BytesIO()
    for i, name in enumerate(person_names(n_people)):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=int(rng.integers(0, 60 * 365)))
        lines.write(
            json.dumps(
                {
                    "id": f"w{i}",
                    "schema": "Person",
                    "properties": {"name": [name], "birthDate": [born.isoformat()], "topics": ["sanction"]},
                }
            ).encode()
            + b"\n"
        )
    for i, name in enumerate(company_names(args.list - n_people)):
        lines.write(
            json.dumps(
                {
                    "id": f"wc{i}",
                    "schema": "Company",
                    "properties": {"name": [name.replace(" AB", " Ltd")], "topics": ["sanction"]},
                }
            ).encode()
            + b"\n"
        )
    lines.seek(0)
    progress("importing the watch list")
    start = time.perf_counter()
    report = import_ftm(lines, "Benchmark watch list")
    list_seconds = time.perf_counter() - start

    if args.via_importer:
        registry_seconds, company_ids, person_ids, registry_label = registry_via_importer(args.via_importer)
    else:
        registry_seconds, company_ids, person_ids = registry_directly(args, rng, company_names, person_names)
        registry_label = "load registry + relations (COPY) and index"
    progress("cross-matching")
    start = time.perf_counter()
    flagged = crossmatch(engine.thresholds())
    crossmatch_seconds = time.perf_counter() - start
    # So that the network walk has somewhere to go, flag 0.2 % of the registry as if it matched a list entry.
    from trygg.screening.models import EntityFlag

    listed = list(Entity.objects.filter(dataset__name="Benchmark watch list").values_list("pk", flat=True)[:1])
    everyone = np.concatenate([company_ids, person_ids])
    planted = rng.choice(everyone, size=len(everyone) // 500, replace=False)
    insert_rows(EntityFlag, ("entity", "listed", "score", "features"), ((int(e), listed[0], 0.95, {}) for e in planted))
    if connection.vendor == "postgresql":
        # what autovacuum does after a bulk load: statistics for the planner, and the visibility map that lets
        # the network walk read relations from the covering indexes alone
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    print(f"{flagged:,} registry entities flagged by the cross-match (+{len(planted):,} planted)", file=sys.stderr)
    return [
        [f"import watch list ({report.added:,} FtM entities, indexed)", 1, f"{list_seconds:.1f} s", ""],
        [registry_label, 1, f"{registry_seconds:.1f} s", ""],
        ["cross-match registry × lists", 1, f"{crossmatch_seconds:.1f} s", ""],
    ]


def registry_via_importer(rows: int):
    """The registry through ``import_registry`` from registry_import.py's extract; its seconds, the company and person
    ids, and the table's label with the peak RSS of this process after it."""
    import resource
    import tempfile
    from pathlib import Path

    import numpy as np

    from registry_import import write_extract
    from trygg.screening.importers import import_registry
    from trygg.screening.models import Entity

    folder = Path(tempfile.mkdtemp(prefix="trygg-screening-bench-"))
    progress(f"writing a registry extract of {rows:,} rows")
    write_extract(folder, rows)
    progress("importing the registry")
    start = time.perf_counter()
    with open(folder / "companies.csv", "rb") as c, open(folder / "roles.csv", "rb") as r:
        imported = import_registry(c, r, "Bolagsregistret", version="bench")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    registry = Entity.objects.filter(dataset__name="Bolagsregistret")
    companies = np.array(list(registry.filter(schema="Company").values_list("pk", flat=True)))
    persons = np.array(list(registry.filter(schema="Person").values_list("pk", flat=True)))
    label = (f"import_registry of {rows:,} rows ({imported.added:,} entities, {imported.relations:,} relations; "
             f"peak RSS of the process {peak:,.0f} MiB)")  # fmt: skip
    return seconds, companies, persons, label


def registry_directly(args, rng, company_names, person_names):
    """The registry and random relations loaded directly (COPY), then indexed."""
    import numpy as np

    from trygg.core.bulk import insert_rows
    from trygg.demo.screening import org_number
    from trygg.screening.index import index_entities, refresh_frequencies
    from trygg.screening.models import Dataset, Entity, Relation

    progress("loading the registry")
    registry = Dataset.objects.create(name="Benchmark registry", kind="registry", is_generated=True)
    n_companies = args.registry * 2 // 5
    n_persons = args.registry - n_companies
    companies = company_names(n_companies)
    persons = person_names(n_persons)
    start = time.perf_counter()
    insert_rows(
        Entity,
        ("dataset", "key", "schema", "name", "org_number", "country"),
        (
            (registry.pk, f"c{i}", "Company", name, org_number(rng) if i < 1000 else "", "SE")
            for i, name in enumerate(companies)
        ),
    )
    births = [
        (dt.date(1940, 1, 1) + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 60 * 365, n_persons)
    ]
    insert_rows(
        Entity,
        ("dataset", "key", "schema", "name", "birth_date", "country"),
        ((registry.pk, f"p{i}", "Person", name, births[i], "SE") for i, name in enumerate(persons)),
    )
    ids = dict(Entity.objects.filter(dataset=registry).values_list("key", "pk"))
    company_ids = np.array([ids[f"c{i}"] for i in range(n_companies)])
    person_ids = np.array([ids[f"p{i}"] for i in range(n_persons)])
    roles = np.array(["board_member", "board_member", "deputy", "ceo", "signatory", "owner"])
    n = args.relations
    sources = np.where(rng.random(n) < 0.85, rng.choice(person_ids, n), rng.choice(company_ids, n))
    targets = rng.choice(company_ids, n)
    role_of = rng.choice(roles, n)
    insert_rows(
        Relation,
        ("dataset", "source", "target", "role"),
        ((registry.pk, int(s), int(t), str(r)) for s, t, r in zip(sources, targets, role_of, strict=True)),
    )
    index_entities(dataset=registry)
    refresh_frequencies()
    return time.perf_counter() - start, company_ids, person_ids


def measure(args, backend: str, build_rows: list[list[object]]) -> None:
    """Screen applications built from registry companies and two of their people; time runs and walks."""
    import numpy as np

    from trygg.screening import engine
    from trygg.screening.cases import create_case
    from trygg.screening.models import Entity, EntityFlag, Relation

    rng = np.random.default_rng(2)
    company_ids = np.array(
        list(
            Entity.objects.filter(dataset__kind="registry", schema="Company")
            .exclude(org_number="")
            .values_list("pk", flat=True)
        )
    )
    # Applications: a registry company and two of its people, by name (and org number when it has one).
    progress("screening applications")
    screen_times, walk_times, share_times = [], [], []
    for k in range(args.applications + 3):
        company = Entity.objects.get(pk=int(rng.choice(company_ids)))
        people = list(
            Relation.objects.filter(target=company).exclude(source__schema="Company").select_related("source")[:2]
        )
        case = create_case(
            {
                "municipality": "1780",
                "kind": "serveringstillstand",
                "reference": f"BENCH {time.time_ns()}",
                "received_on": "2026-03-01",
                "applicant": {"name": company.name, "org_number": company.org_number},
                "persons": [
                    {"name": r.source.name, "birth_date": r.source.birth_date, "role": "board_member"} for r in people
                ],
            }
        )
        t0 = time.perf_counter()
        engine.screen(case)
        elapsed = time.perf_counter() - t0
        starts = [company.pk] + [r.source_id for r in people]
        t0 = time.perf_counter()
        engine.walk_from(starts)
        walk_elapsed = time.perf_counter() - t0
        t0 = time.perf_counter()
        engine.listed_owners(company)
        share_elapsed = time.perf_counter() - t0
        if k >= 3:  # the first ones warm the caches
            screen_times.append(elapsed)
            walk_times.append(walk_elapsed)
            share_times.append(share_elapsed)

    entities = Entity.objects.exclude(dataset__kind="case_input").count()
    listed = Entity.objects.filter(dataset__kind="watchlist").count()
    print(
        f"Screening, {backend}: {entities:,} entities ({listed:,} on the watch list), "
        f"{Relation.objects.count():,} relations, {EntityFlag.objects.count():,} registry entities flagged "
        "(by the cross-match, and planted so that the walk has flagged entities to find)"
    )
    print(
        table(
            ["operation", "runs", "p50", "p95"],
            [
                *build_rows,
                [
                    "screen one application (warm)",
                    len(screen_times),
                    f"{1000 * statistics.median(screen_times):.0f} ms",
                    f"{1000 * percentile(screen_times, 0.95):.0f} ms",
                ],
                [
                    "effective ownership and control of the applicant (warm, part of screening)",
                    len(share_times),
                    f"{1000 * statistics.median(share_times):.1f} ms",
                    f"{1000 * percentile(share_times, 0.95):.1f} ms",
                ],
                [
                    "3-hop network walk (warm)",
                    len(walk_times),
                    f"{1000 * statistics.median(walk_times):.1f} ms",
                    f"{1000 * percentile(walk_times, 0.95):.1f} ms",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
