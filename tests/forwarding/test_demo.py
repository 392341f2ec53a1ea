"""The demo configures Karlstad's lighting department, turned off: nothing is forwarded, nothing calls out."""

from __future__ import annotations

import pytest
from django.utils import timezone

from trygg.citizens import tips
from trygg.core import jobs
from trygg.demo import forwarding as demo_forwarding
from trygg.forwarding.models import Destination, Forwarding

from .conftest import LIGHT

pytestmark = pytest.mark.django_db


def test_the_demo_destination_is_configured_off_and_loading_twice_adds_nothing(demo_orgs):
    assert demo_forwarding.load() == {"forwarding destinations": 1}
    assert demo_forwarding.load() == {"forwarding destinations": 0}
    destination = Destination.objects.get()
    assert not destination.active and destination.base_url.startswith("https://open311.karlstad.example/")
    assert list(destination.routes.values_list("category", "remote_service_code")) == [("belysning", "streetlight")]
    tip = tips.create_tip(tips.TipInput(municipality="1780", service_code="belysning", **LIGHT))
    assert not Forwarding.objects.filter(tip=tip).exists()  # turned off: the tip stays in Trygg
    assert jobs.run_now("tip_forwarding", now=timezone.now()).outcome.startswith("0 skickade")
