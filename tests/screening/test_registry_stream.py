"""The registry import streamed and staged (issue 25, scope 6): the encodings a municipality's files come in, a
file that turns bad after its first megabyte, which row of a key becomes the entity, and what a re-import
counts and re-indexes."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.screening.conftest import Registry, csv_bytes
from trygg.core.importing import RecordError
from trygg.screening.importers import import_registry
from trygg.screening.models import Entity, NameKey, Relation

pytestmark = pytest.mark.django_db


def files(r: Registry, encoding: str = "utf-8") -> tuple[io.BytesIO, io.BytesIO]:
    companies = csv_bytes(r.companies, list(r.companies[0])).getvalue().decode()
    roles = csv_bytes(r.roles, list(r.roles[0])).getvalue().decode()
    return io.BytesIO(companies.encode(encoding)), io.BytesIO(roles.encode(encoding))


def small_registry() -> tuple[Registry, dict, dict]:
    r = Registry()
    krogen = r.company("Krögarns Kök AB", dt.date(2020, 1, 1), address="Ågatan 1", city="Örebro")
    bygg = r.company("Byggmästarn i Väst AB", dt.date(2019, 1, 1))
    r.role(krogen, r.person("Åsa Öberg"), "ceo", dt.date(2020, 1, 1))
    r.role(bygg, r.people["Åsa Öberg"], "board_member", dt.date(2019, 1, 1))
    r.role(bygg, {"name": "Krogen som ägare", "country": "SE"}, "owner", dt.date(2019, 1, 1), share=50,
           owner_org=krogen["org_number"])  # fmt: skip
    return r, krogen, bygg


def test_a_windows_1252_file_is_read_with_its_swedish_letters(demo_orgs):
    r, krogen, _ = small_registry()
    report = import_registry(*files(r, "cp1252"), "Register")
    assert report.stored and not report.rejected, report.rejected
    assert Entity.objects.filter(dataset__name="Register", name="Krögarns Kök AB").exists()
    assert Entity.objects.filter(dataset__name="Register", name="Åsa Öberg", schema="Person").exists()
    # the company's own row is the entity, not the owner row that named it "Krogen som ägare"
    assert Entity.objects.get(dataset__name="Register", org_number=krogen["org_number"]).name == "Krögarns Kök AB"


def test_a_file_that_is_not_utf8_after_its_first_megabyte_stores_nothing(demo_orgs):
    r, _, _ = small_registry()
    for i in range(20_000):  # well over a megabyte of companies
        r.company(f"Fyllnadsbolag {i} AB", dt.date(2018, 1, 1), address=f"Långgatan {i}")
    last = r.company("Trasigt AB", dt.date(2020, 1, 1))  # its row, written in Latin-1 below
    r.companies.pop()
    companies, roles = files(r)
    assert len(companies.getvalue()) > 1 << 20
    data = companies.getvalue() + f"{last['org_number']},Trasigt \xe5 AB,2020-01-01,,,,SE\n".encode("latin-1")
    with pytest.raises(RecordError) as refused:
        import_registry(io.BytesIO(data), roles, "Register")
    assert not Entity.objects.filter(dataset__name="Register").exists()  # nothing stored
    assert "inte UTF-8" in str(refused.value) and f"rad {len(r.companies) + 2}:" in str(refused.value)


def test_a_re_import_counts_what_changed_and_re_indexes_it(demo_orgs):
    r, krogen, bygg = small_registry()
    assert import_registry(*files(r), "Register").stored
    first = Entity.objects.filter(dataset__name="Register").count()
    relations = Relation.objects.filter(dataset__name="Register").count()
    krogen["name"] = "Krögarns Nya Kök AB"  # renamed
    nytt = r.company("Nybildat AB", dt.date(2026, 6, 1))  # a new company, no address
    r.role(nytt, r.people["Åsa Öberg"], "signatory", dt.date(2026, 6, 1))
    report = import_registry(*files(r), "Register")
    assert report.stored and (report.added, report.changed, report.removed) == (1, 1, 0)
    assert report.already_present == first - 1 and report.relations == relations + 2  # its address and role
    renamed = Entity.objects.get(dataset__name="Register", org_number=krogen["org_number"])
    assert renamed.name == "Krögarns Nya Kök AB"
    assert NameKey.objects.filter(entity=renamed, key__icontains="nya").exists()  # its keys rebuilt
    again = import_registry(*files(r), "Register")
    assert (again.added, again.changed, again.removed, again.already_present) == (0, 0, 0, first + 1)
    assert Relation.objects.filter(dataset__name="Register").count() == relations + 2
    kept = Entity.objects.get(dataset__name="Register", org_number=bygg["org_number"])
    assert Relation.objects.filter(target=kept, role="owner", source=renamed, share=50).exists()


def schema_of(tables: tuple[str, ...]) -> set[tuple[str, str]]:
    """The indexes and constraints of ``tables`` as PostgreSQL's catalogue defines them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
            "UNION SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [list(tables), list(tables)],
        )
        return set(cursor.fetchall())


def stored_keys() -> dict[str, set[str]]:
    """Each registry entity's stored keys, beside those the matching module gives it."""
    from trygg.screening.matching.keys import entity_keys

    got: dict[str, set[str]] = {}
    for key, entity_key in NameKey.objects.filter(dataset__name="Register").values_list("entity__key", "key"):
        got.setdefault(key, set()).add(entity_key)
    for e in Entity.objects.filter(dataset__name="Register").exclude(schema="Address"):
        expected = entity_keys(e.names, e.is_company, [e.org_number, e.personal_number], e.birth_date)
        assert got.get(e.key, set()) == expected, e.name
    return got


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk load"])
def test_a_first_import_stores_each_entity_with_the_keys_of_its_names_and_identifiers(demo_orgs, monkeypatch, bulk):
    from django.db import connection

    from trygg.screening import bulkload

    if bulk and connection.vendor != "postgresql":
        pytest.skip("bulk loads are PostgreSQL's")
    monkeypatch.setattr(bulkload, "BULK_MIN_ROWS", 0 if bulk else 10**9)
    tables = ("screening_entity", "screening_relation", "screening_namekey")
    before = schema_of(tables) if connection.vendor == "postgresql" else set()
    r, krogen, bygg = small_registry()
    for name in ("Anna Andersson", "Anna Andersson", "Omar Hussein"):  # the same name twice: keys remembered
        r.role(bygg, r.person(name), "board_member", dt.date(2021, 1, 1))
    report = import_registry(*files(r), "Register")
    assert report.stored and report.relations == Relation.objects.filter(dataset__name="Register").count() == 8
    assert len(stored_keys()) == Entity.objects.filter(dataset__name="Register").exclude(schema="Address").count()
    assert Relation.objects.filter(target__key=bygg["org_number"], source__key=krogen["org_number"], share=50).exists()
    if connection.vendor == "postgresql":
        assert schema_of(tables) == before  # indexes and foreign keys made again as they were


def test_a_bulk_load_that_fails_stores_nothing_and_keeps_the_indexes(demo_orgs, monkeypatch):
    from django.db import connection

    from trygg.screening import bulkload, index

    if connection.vendor != "postgresql":
        pytest.skip("bulk loads are PostgreSQL's")
    monkeypatch.setattr(bulkload, "BULK_MIN_ROWS", 0)
    tables = ("screening_entity", "screening_relation", "screening_namekey")
    before = schema_of(tables)

    def broken(rows):
        raise RuntimeError("disk full")
        yield

    monkeypatch.setattr(index, "_key_rows", broken)
    with pytest.raises(RuntimeError):
        import_registry(*files(small_registry()[0]), "Register")
    assert not Entity.objects.filter(dataset__name="Register").exists()
    assert schema_of(tables) == before
