"""Shared fixtures: the real shared data, base reference data once per session, demo organisations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

PROJECT = Path(__file__).resolve().parent.parent


def _shared_data() -> Path:
    candidates = [os.environ.get("TRYGG_SHARED_DATA"), PROJECT.parent / "shared" / "data", "/work/shared/data"]
    for candidate in candidates:
        if candidate and Path(candidate, "SOURCES.md").exists():
            return Path(candidate)
    raise RuntimeError("the shared data folder (../shared/data) is missing; set TRYGG_SHARED_DATA")


SHARED_DATA = _shared_data()
POLICE_FILE = SHARED_DATA / "polisen" / "events_2022-09_2026-08.jsonl.gz"


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Static files from the source folders (no collectstatic manifest) and a fast password hasher."""
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
    fast_hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: hashing is not under test
    with override_settings(STORAGES=storages, PASSWORD_HASHERS=fast_hashers):
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA


_BASE_ROWS: list[tuple[type, list]] = []  # the base data as first loaded in this process, restored after a flush


def ensure_base_data() -> None:
    """Taxonomy and all municipalities; cheap when already there. After a flush (a transactional test) the rows
    first loaded in this process are inserted again as they were, instead of parsing the boundaries anew (2 s on
    PostgreSQL per test)."""
    from trygg.incidents import taxonomy
    from trygg.incidents.models import Category, PoliceTypeMapping, TaxonomyVersion
    from trygg.orgs.loaders import load_municipalities
    from trygg.orgs.models import County, Municipality, OfficialStatistic

    # OfficialStatistic: load_municipalities also loads the reported-crime rates, which a flush removes too
    models = (TaxonomyVersion, Category, PoliceTypeMapping, County, Municipality, OfficialStatistic)
    if Municipality.objects.count() >= 290 and Category.objects.exists():
        if not _BASE_ROWS:
            _BASE_ROWS.extend((model, list(model.objects.order_by("pk"))) for model in models)
        return
    if _BASE_ROWS and not any(model.objects.exists() for model, _ in _BASE_ROWS):
        _restore(_BASE_ROWS)
        return
    if not Category.objects.exists():
        taxonomy.install(TaxonomyVersion, Category, PoliceTypeMapping)
    if Municipality.objects.count() < 290:
        load_municipalities(SHARED_DATA)
    if not _BASE_ROWS:
        _BASE_ROWS.extend((model, list(model.objects.order_by("pk"))) for model in models)


def _restore(snapshot: list[tuple[type, list]]) -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    with transaction.atomic():
        for model, rows in snapshot:
            model.objects.bulk_create(rows)
        with connection.cursor() as cursor:  # PostgreSQL's sequences past the restored keys
            for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in snapshot]):
                cursor.execute(statement)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    settings.TRYGG_SHARED_DATA = SHARED_DATA
    with django_db_blocker.unblock():
        ensure_base_data()


@pytest.fixture
def base_data(db):
    ensure_base_data()


@pytest.fixture
def demo_orgs(base_data):
    """The seed's organisations, the demo users (one per role) and places; no incidents."""
    from trygg.demo import orgs

    organisations = orgs.load_organisations()
    users = {spec.username: user for spec, user in orgs.load_users(organisations)}
    orgs.load_places()
    return {"orgs": organisations, "users": users}


@pytest.fixture
def login(client):
    """Log a demo user in on the test client: ``login(user)``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and other cached state do not leak from one test into the next."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


def demo_world(url: str) -> dict:
    """Base data, the demo organisations, users and places, for a live server at ``url``."""
    from trygg.demo import orgs

    ensure_base_data()
    organisations = orgs.load_organisations()
    users = {spec.username: user for spec, user in orgs.load_users(organisations)}
    orgs.load_places()
    return {"url": url, "orgs": organisations, "users": users}


@pytest.fixture
def live_demo(transactional_db, live_server):
    """Base data and the demo organisations, visible to the live server thread."""
    return demo_world(live_server.url)


# fixtures through which a test reaches the database (``item.fixturenames`` holds every fixture a test uses)
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-only",
        action="store_true",
        help="run only the tests that use the database (the second pass of 'make test', on PostgreSQL: the others "
        "do not depend on the database and ran in the first pass)",
    )


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & set(item.fixturenames))


def pytest_collection_modifyitems(session, config, items):
    """With ``--database-only``, the tests that never touch a database are left out. The long tests first: with
    several workers (``-n 2``), a test of minutes that starts last keeps one worker busy alone at the end; started
    first, the others fill the time beside it (longest processing time first)."""
    if config.getoption("--database-only"):
        without = [item for item in items if not uses_database(item)]
        if without:
            config.hook.pytest_deselected(items=without)
            items[:] = [item for item in items if uses_database(item)]
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
