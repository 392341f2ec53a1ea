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


def attention(user) -> dict[str, set[int]]:
    """The cases (ids) that need the officer: a new hit since the decision or last screening, a request past its
    deadline, a kommunicering heard and no decision yet. The to-do items count them; the case list marks them."""
    cases = Case.objects.restrict(user)
    today = timezone.localdate()
    hearings = Hearing.objects.filter(case__in=cases.filter(status=Case.Status.OPEN), case__licence_decisions=None)
    return {
        "new_hits": set(rescreen.unseen(cases).values_list("case_id", flat=True)),
        "late_requests": set(procedure.overdue_requests(cases).values_list("case_id", flat=True)),
        "ready": {h.case_id for h in hearings if procedure.heard(h, today)},
    }


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
    need = attention(user)

    def where(ids: set[int], name: str, anchor: str = "") -> str:
        """The case's own page when there is one case, else the case list (which marks them)."""
        return reverse(name, args=[next(iter(ids))]) + anchor if len(ids) == 1 else url

    if hits := len(need["new_hits"]):
        result.append(Item("Granskning", f"Ny träff sedan beslut eller senaste granskning i {hits} "
                           f"{'ärende' if hits == 1 else 'ärenden'}", where(need["new_hits"], "screening:case"),
                           urgent=True, badge="ny träff", order=4))  # fmt: skip
    if requests := procedure.overdue_requests(Case.objects.restrict(user)).count():
        result.append(Item("Granskning", f"{requests} {'remiss' if requests == 1 else 'remisser'} utan svar efter "
                           "svarstiden: påminn myndigheten",
                           where(need["late_requests"], "screening:procedure", "#requests"), order=5))  # fmt: skip
    if ready := len(need["ready"]):
        result.append(Item("Granskning", f"Kommunicering klar i {ready} {'ärende' if ready == 1 else 'ärenden'}: "
                           "beslut kan fattas", where(need["ready"], "screening:procedure", "#decision"),
                           order=5))  # fmt: skip
    if late:
        days = settings.TRYGG_SCREENING_TARGET_DAYS
        result.append(Item("Granskning", f"{late} av dem har väntat längre än {days} dagar sedan ansökan kom in", url,
                           urgent=True, order=5))  # fmt: skip
    return result
