"""Safety-walk objects and URL instances for ``tests/test_access_matrix.py`` (for its owner to call):

    from tests.walks.matrix import add_walk_targets            # at the top
    add_walk_targets(orgs, add)                                 # in build_world, after the measures
    case Who.WALK_PARTICIPANTS:                                 # in allows()
        return m in p.coordinated or any(o in p.roles for o in t.owners)

The walks here name no individual participants (their organisations take part), so the rule reads from
``owners``; ``tests/walks/test_walk_access_matrix.py`` checks named participants too.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.walks.conftest import jpeg
from tests.walks.helpers import add_stop
from trygg.core.photos import clean_photo
from trygg.orgs.models import Cooperation
from trygg.walks.checklists import ensure_default
from trygg.walks.models import StopPhoto, Walk

WALKS = (("1780", "17", "karlstads-kommun", "lpo-karlstad"), ("1880", "18", "orebro-kommun", "city-orebro"))


def add_walk_targets(orgs: dict, add) -> None:
    """A walk with a stop and a photo in each municipality; the default checklist of each cooperation."""
    walks = {}
    for cooperation in Cooperation.objects.all():
        template = ensure_default(cooperation)
        for name in ("walks:checklist_edit", "walks:checklist_copy"):
            add(name, kwargs={"pk": template.pk}, cooperation=cooperation.pk)
    template = ensure_default(Cooperation.objects.get(slug="trygga-centrum"))
    for code, county, organiser, partner in WALKS:
        walk = Walk.objects.create(
            title="Vandring", municipality_id=code, starts_at=timezone.now() + dt.timedelta(days=1),
            organiser=orgs[organiser], template=template, checklist_name=template.name,
            checklist_source=template.source, questions=template.snapshot(),
        )  # fmt: skip
        walk.organisations.set([orgs[partner]])
        walks[code] = walk
        stop = add_stop(walk, 1, {"belysning": ("problem", "")}, note="Mörkt")
        photo = StopPhoto.objects.create(
            stop=stop, name=clean_photo(SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg"), "walks")
        )
        facts = {"municipality": code, "county": county, "owners": (orgs[organiser].pk, orgs[partner].pk)}
        add("walks:plan", kwargs={"code": code}, municipality=code, county=county)
        add("walks:edit", kwargs={"code": code, "pk": walk.pk}, municipality=code, county=county)
        for name in ("walks:walk", "walks:stop_new", "walks:status", "walks:report", "walks:report_pdf"):
            add(name, kwargs={"pk": walk.pk}, **facts)
        add("walks:photo", kwargs={"pk": photo.pk}, **facts)
        add("walks:convert", kwargs={"pk": stop.pk}, **facts)
    for code, other, county in (("1780", "1880", "17"), ("1880", "1780", "18")):  # the other's walk, own code
        add("walks:edit", kwargs={"code": code, "pk": walks[other].pk}, municipality=code, county=county, inside=False)
    add("walks:index")
    add("walks:checklists")
