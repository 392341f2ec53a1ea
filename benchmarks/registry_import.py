"""The registry importer at national size: time and peak memory of `import_registry` on a realistic extract.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/registry_import.py --rows 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/registry_import.py --rows 6000000

Writes companies.csv and roles.csv with about ``--rows`` rows together (a fifth companies: valid organisation
numbers, shared and mass-registration addresses, 2 % bankrupt, 1 % in liquidation, 4 % deregistered; the rest
roles: a managing director, one to three board members, one or two owners with shares and some holding
companies, ended roles, formation agents on hundreds of boards, people with valid personnummer), then imports it
in a fresh database in a child process (its peak RSS is the import's own), then re-imports it with 1 % of the
companies changed, and cross-matches against a list of 1 000 names (the full cross-match, and the delta of the
changed companies only). Aim (issue 25): 6 M rows in ≤ 2 GiB and ≤ 20 min on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import fresh_database, setup_django, table

FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Anders", "Eva", "Per", "Ali", "Fatima", "Mohammed",
         "Leila", "Jonas", "Elin", "Oskar", "Nora", "Ahmed", "Sofia", "Mikael", "Ida", "Hassan", "Emma"]  # fmt: skip
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Gustafsson", "Hussein", "Ali", "Mohammadi", "Berg", "Lindqvist", "Holm", "Nyström", "Ahmadi",
        "Jovanović"]  # fmt: skip
WORDS = ["Bygg", "Krog", "Pizzeria", "Städ", "Fastighets", "Transport", "Konsult", "Restaurang", "Bil", "Måleri",
         "Frisör", "Vård", "Data", "El", "Rör", "Café", "Import", "Handel", "Security", "Event"]  # fmt: skip
TOWNS = [("Karlstad", "652"), ("Örebro", "702"), ("Stockholm", "111"), ("Göteborg", "411"), ("Malmö", "211")]


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(digits):
        v = int(ch) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def org_number(i: int) -> str:
    body = f"{556000000 + i}"  # distinct for every company up to 4 M (third digit ≥ 2, as organisation numbers have)
    return body + luhn_digit(body)


def personal_number(rng: random.Random) -> tuple[str, str]:
    year, month, day = rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28)
    body = f"{year % 100:02d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return f"{year // 100}{body}{luhn_digit(body)}", f"{year}-{month:02d}-{day:02d}"


def write_extract(folder: Path, rows: int, seed: int = 1) -> tuple[int, int]:
    rng = random.Random(seed)
    companies_n = rows // 5
    people_n = max(1000, companies_n * 2)
    # surnames as varied as a country's: the common ones, some 500 compounds (Berglund, Holmqvist …) and double ones
    parts = ["Berg", "Holm", "Lind", "Sand", "Ström", "Ek", "Björk", "Dahl", "Fors", "Hed", "Sjö", "Lund", "Å",
             "Nord", "Väst", "Öst", "Sund", "Gran", "Fjäll", "Mal", "Karl", "Lilje", "Ros", "Ceder"]  # fmt: skip
    ends = ["lund", "qvist", "gren", "berg", "ström", "dahl", "man", "sten", "by", "vall", "ling", "blad", "näs",
            "holm", "ek", "ros", "fors", "hed", "mark", "ö"]  # fmt: skip
    people = []
    for _ in range(people_n):
        number, born = personal_number(rng)
        draw = rng.random()
        compound = f"{rng.choice(parts)}{rng.choice(ends)}"
        last = (
            rng.choice(LAST)
            if draw < 0.2
            else compound
            if draw < 0.7
            else f"{compound}-{rng.choice(parts)}{rng.choice(ends)}"
        )
        people.append((f"{rng.choice(FIRST)} {last}", number, born))
    agents = people[:20]  # formation agents: on hundreds of boards
    mass = [f"Boxgatan {k}" for k in range(1, 40)]  # mass-registration addresses
    role_rows = 0
    with open(folder / "companies.csv", "w", newline="", encoding="utf-8") as cf, \
            open(folder / "roles.csv", "w", newline="", encoding="utf-8") as rf:  # fmt: skip
        cw, rw = csv.writer(cf), csv.writer(rf)
        cw.writerow(["org_number", "name", "registered_on", "address", "postal_code", "city", "country", "status",
                     "status_date"])  # fmt: skip
        rw.writerow(["org_number", "role", "personal_number", "name", "birth_date", "country", "share", "valid_from",
                     "valid_to", "owner_org_number"])  # fmt: skip
        for i in range(companies_n):
            org = org_number(i)
            town, code = rng.choice(TOWNS)
            street = rng.choice(mass) if rng.random() < 0.02 else f"{rng.choice(LAST)}vägen {rng.randint(1, 200)}"
            registered = f"{rng.randint(1990, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            r = rng.random()
            status, day = ("bankrupt", "2025-05-12") if r < 0.02 else ("liquidation", "2024-10-01") if r < 0.03 else (
                ("deregistered", "2023-03-03") if r < 0.07 else ("", ""))  # fmt: skip
            cw.writerow([org, f"{rng.choice(WORDS)} {rng.choice(LAST)} {i} AB", registered, street,
                         f"{code} {rng.randint(10, 99)}", town, "SE", status, day])  # fmt: skip
            board = [
                rng.choice(agents) if rng.random() < 0.05 else rng.choice(people) for _ in range(rng.randint(1, 3))
            ]
            for person in board:
                rw.writerow([org, "board_member", person[1], person[0], person[2], "SE", "", registered, "", ""])
            ceo = rng.choice(people)
            ended = rng.random() < 0.1
            rw.writerow([org, "ceo", ceo[1], ceo[0], ceo[2], "SE", "", registered, "2025-06-30" if ended else "", ""])
            if i > 10 and rng.random() < 0.15:  # owned by another company (a holding)
                rw.writerow([org, "owner", "", "", "", "SE", "100", registered, "", org_number(rng.randint(0, i - 1))])
                role_rows += 1
            else:
                owner = rng.choice(people)
                rw.writerow([org, "owner", owner[1], owner[0], owner[2], "SE", "60", registered, "", ""])
                other = rng.choice(people)
                rw.writerow([org, "owner", other[1], other[0], other[2], "SE", "40", registered, "", ""])
                role_rows += 2
            role_rows += len(board) + 1
    return companies_n, role_rows


def change_one_percent(folder: Path, seed: int = 2) -> int:
    """companies.csv with 1 % of the names changed (a re-extract a week later)."""
    rng = random.Random(seed)
    changed = 0
    source, target = folder / "companies.csv", folder / "companies2.csv"
    with open(source, newline="", encoding="utf-8") as fin, open(target, "w", newline="", encoding="utf-8") as fout:
        reader, writer = csv.reader(fin), csv.writer(fout)
        writer.writerow(next(reader))
        for row in reader:
            if rng.random() < 0.01:
                row[1] = row[1].replace(" AB", " Holding AB")
                changed += 1
            writer.writerow(row)
    return changed


def backend_cpu_seconds() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far; 0 on SQLite or when the server's
    processes cannot be read (another machine)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_import(folder: Path, companies: str, database_url: str, profile: str = "") -> None:
    """In the child: import, print seconds, peak RSS (MiB), the counts, and the CPU seconds of Python and of the
    database backend as the last line; ``profile``: write a cProfile of the import there."""
    os.environ["DATABASE_URL"] = database_url
    setup_django()
    from trygg.screening.importers import import_registry

    backend_before, cpu_before = backend_cpu_seconds(), time.process_time()
    t0 = time.perf_counter()
    with open(folder / companies, "rb") as c, open(folder / "roles.csv", "rb") as r:
        if profile:
            import cProfile

            with cProfile.Profile() as profiler:
                report = import_registry(c, r, "Bolagsregistret", version="bench", allow_removals=True)
            profiler.dump_stats(profile)
        else:
            report = import_registry(c, r, "Bolagsregistret", version="bench", allow_removals=True)
    seconds = time.perf_counter() - t0
    cpu, backend = time.process_time() - cpu_before, backend_cpu_seconds() - backend_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT {seconds:.1f} {peak:.0f} {report.read} {report.added} {report.changed} {report.relations} "
          f"{int(report.stored)} {cpu:.1f} {backend:.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=3, metavar=("FOLDER", "COMPANIES", "DATABASE_URL"))
    parser.add_argument("--profile", default="", help="Write cProfile stats of each import to PREFIX-1, PREFIX-2.")
    args = parser.parse_args()
    if args.child:
        child_import(Path(args.child[0]), args.child[1], args.child[2], args.profile)
        return
    backend = fresh_database()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="trygg-registry-"))
    t0 = time.perf_counter()
    companies, roles = write_extract(folder, args.rows)
    written = time.perf_counter() - t0
    changed = change_one_percent(folder)
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    url = os.environ["DATABASE_URL"]
    rows = []
    runs = (("first import", "companies.csv"), (f"re-import, {changed:,} companies renamed (1 %)", "companies2.csv"))
    for n, (label, file) in enumerate(runs, 1):
        profile = ["--profile", f"{args.profile}-{n}"] if args.profile else []
        out = subprocess.run([sys.executable, __file__, "--child", str(folder), file, url, *profile],
                             capture_output=True, text=True, check=True, cwd=Path(__file__).parent)  # fmt: skip
        line = [x for x in out.stdout.splitlines() if x.startswith("RESULT")][-1].split()
        seconds, peak, read, added, changed_n, relations, stored, cpu, db_cpu = line[1:]
        rows.append([label, f"{int(read):,}", f"{int(added):,}", f"{int(changed_n):,}", f"{int(relations):,}",
                     seconds, cpu, db_cpu, peak, "yes" if stored == "1" else "NO"])  # fmt: skip
    from trygg.screening.crossmatch import crossmatch
    from trygg.screening.importers import import_ofac
    from trygg.screening.models import Entity

    listed = list(Entity.objects.filter(schema="Person", name__contains="-").values_list("name", flat=True)[:1000])
    ofac = "\n".join(f'"{9000 + k}","{name.upper()}","individual","BENCH","-0-","-0-","-0-","-0-","-0-","-0-",'
                     f'"-0-","-0-"' for k, name in enumerate(listed))  # fmt: skip
    import io

    import_ofac(io.BytesIO(ofac.encode()), "Bench list", "1")
    t1 = time.perf_counter()
    flagged = crossmatch()
    full = time.perf_counter() - t1
    delta_ids = list(Entity.objects.filter(name__contains=" Holding AB").values_list("pk", flat=True))
    t1 = time.perf_counter()
    crossmatch(entity_ids=delta_ids)
    delta = time.perf_counter() - t1
    print(f"Registry import, {backend}, {companies:,} companies + {roles:,} roles = {companies + roles:,} rows "
          f"({size:.0f} MiB of CSV, written in {written:.0f} s)")  # fmt: skip
    print(table(["run", "rows read", "added", "changed", "relations", "seconds", "CPU s (Python)",
                 "CPU s (PostgreSQL)", "peak RSS MiB", "stored"], rows))  # fmt: skip
    print(table(["cross-match", "entities", "seconds"],
                [["full (every registry entity against the list)", f"{flagged:,} flagged", f"{full:.1f}"],
                 ["delta (the renamed companies only)", f"{len(delta_ids):,}", f"{delta:.1f}"]]))  # fmt: skip
    print("Aim (issue 25): 6 M rows in ≤ 2 GiB RSS and ≤ 20 min; a 1 % delta cross-match in seconds.")


if __name__ == "__main__":
    main()
