"""Cases waiting for a screening officer: how many, and how many past the municipality's target time.

Only counts are shown on the start page (no references, no parties): reading the cases needs the second
factor and is audited on the screening's own pages."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from trygg.core.todo import Item
from trygg.orgs import access

from . import procedure, rescreen
from .models import Case, Hearing


def items(user) -> list[Item]:
    if not access.screening_municipalities(user):
        return []
    target = timezone.localdate() - dt.timedelta(days=settings.TRYGG_SCREENING_TARGET_DAYS)
    waiting = Case.objects.restrict(user).filter(status=Case.Status.OPEN)
    n, late = waiting.count(), waiting.filter(received_on__lt=target).count()
    url = reverse("screening:index")
    result = []
    if n:
        result.append(Item("Granskning", f"{n} {'ärende väntar' if n == 1 else 'ärenden väntar'} på beslut", url,
                           order=5))  # fmt: skip
    hits = rescreen.unseen(Case.objects.restrict(user)).values("case").distinct().count()
    if hits:
        result.append(Item("Granskning", f"Ny träff sedan beslut eller senaste granskning i {hits} "
                           f"{'ärende' if hits == 1 else 'ärenden'}", url, urgent=True, order=4))  # fmt: skip
    requests = procedure.overdue_requests(Case.objects.restrict(user)).count()
    if requests:
        result.append(Item("Granskning", f"{requests} {'remiss' if requests == 1 else 'remisser'} utan svar efter "
                           "svarstiden: påminn myndigheten", url, order=5))  # fmt: skip
    today = timezone.localdate()
    open_hearings = Hearing.objects.filter(case__in=waiting, case__licence_decisions__isnull=True)
    ready = len({h.case_id for h in open_hearings if procedure.heard(h, today)})
    if ready:
        result.append(Item("Granskning", f"Kommunicering klar i {ready} {'ärende' if ready == 1 else 'ärenden'}: "
                           "beslut kan fattas", url, order=5))  # fmt: skip
    if late:
        days = settings.TRYGG_SCREENING_TARGET_DAYS
        result.append(Item("Granskning", f"{late} av dem har väntat längre än {days} dagar sedan ansökan kom in", url,
                           urgent=True, order=5))  # fmt: skip
    return result
