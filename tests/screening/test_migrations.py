"""Migrations that move data, run on a database holding data from before them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("screening", "0002_alter_entity_birth_date")]
AFTER = [("screening", "0003_namekey_dataset_company")]


@pytest.fixture
def executor():
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())  # leave the database as the other tests expect it


@pytest.mark.django_db(transaction=True)
def test_blocking_keys_get_their_entitys_dataset_and_company_flag(executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Dataset, Entity, NameKey = (apps.get_model("screening", m) for m in ("Dataset", "Entity", "NameKey"))
    lists = Dataset.objects.create(name="Lista", kind="watchlist")
    registry = Dataset.objects.create(name="Register", kind="registry")
    person = Entity.objects.create(dataset=lists, key="p", schema="Person", name="Anna Berg")
    company = Entity.objects.create(dataset=registry, key="c", schema="Company", name="Berg Bygg AB")
    society = Entity.objects.create(dataset=registry, key="o", schema="Organization", name="Bergs förening")
    for entity in (person, company, society):
        NameKey.objects.create(entity=entity, key=f"t:{entity.key}")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    NameKey = executor.loader.project_state(AFTER).apps.get_model("screening", "NameKey")
    rows = set(NameKey.objects.values_list("entity_id", "dataset_id", "company"))
    assert rows == {(person.pk, lists.pk, False), (company.pk, registry.pk, True), (society.pk, registry.pk, True)}
