"""A planned walk in Karlstad (organised by the municipality, with Centrum Karlstad and the police taking part, and
the reporter of Centrum Karlstad named as a participant); photos under a temporary media folder."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from trygg.orgs.models import Cooperation
from trygg.walks.checklists import ensure_default
from trygg.walks.models import Walk


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def template(demo_orgs):
    return ensure_default(Cooperation.objects.get(slug="trygga-centrum"))


@pytest.fixture
def walk(demo_orgs, template):
    orgs, users = demo_orgs["orgs"], demo_orgs["users"]
    walk = Walk.objects.create(
        title="Vandring i centrum",
        municipality_id="1780",
        starts_at=timezone.now() + dt.timedelta(hours=1),
        organiser=orgs["karlstads-kommun"],
        template=template,
        checklist_name=template.name,
        checklist_source=template.source,
        questions=template.snapshot(),
    )
    walk.organisations.set([orgs["centrum-karlstad"], orgs["lpo-karlstad"]])
    walk.participants.set([users["centrum.rapportor"]])
    return walk


def jpeg(colour: str = "blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), colour).save(out, format="JPEG")
    return out.getvalue()


STORA_TORGET = {"lat": "59.3794", "lon": "13.5035"}
