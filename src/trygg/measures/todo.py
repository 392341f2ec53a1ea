"""Measures and meetings on the start page: measures past due where the user coordinates, the open measures of
the user's own organisations, decisions to follow up and this week's meeting."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from trygg.core.periods import current, week_label
from trygg.core.todo import Item
from trygg.orgs import access
from trygg.orgs.access import REPORTING_ROLES

from .meetings import open_measures
from .models import Decision, Measure, Meeting


def items(user) -> list[Item]:
    if user.is_superuser:
        return []
    today = timezone.localdate()
    reach = access.reach(user)
    result: list[Item] = []
    coordinated = reach.coordinated_municipalities
    late = (
        open_measures(coordinated).filter(Q(due__lt=today) | Q(end__lt=today)).select_related("owner")[:10]
        if coordinated
        else []
    )
    for m in late:
        due = m.due or m.end
        result.append(Item("Åtgärder efter sitt slutdatum", f"{m.title} ({m.owner.name}, {due:%Y-%m-%d})",
                           reverse("measures:measure", args=[m.pk]), urgent=True, order=20))  # fmt: skip
    own_orgs = reach.org_ids(REPORTING_ROLES)
    late_ids = {m.pk for m in late}
    mine = Measure.objects.restrict(user).filter(
        owner__in=own_orgs, status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING]
    )
    for m in mine.order_by("due", "title")[:10]:
        if m.pk in late_ids:
            continue
        when = f", senast {m.due:%Y-%m-%d}" if m.due else ""
        result.append(Item("Mina organisationers åtgärder", f"{m.title} ({m.get_status_display().lower()}{when})",
                           reverse("measures:measure", args=[m.pk]), urgent=bool(m.due and m.due < today),
                           order=30))  # fmt: skip
    if coordinated and reach.cooperation_ids:
        follow = Decision.objects.filter(meeting__cooperation__in=reach.cooperation_ids, due__lte=today).filter(
            Q(measure__isnull=True) | Q(measure__status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING])
        )
        for d in follow.select_related("owner")[:10]:
            result.append(Item("Beslut att följa upp", f"{d.text} ({d.owner.name}, senast {d.due:%Y-%m-%d})",
                               reverse("measures:meeting", args=[d.meeting_id]), urgent=True, order=25))  # fmt: skip
        this_week = current("week", today)
        week, named = this_week.key, week_label(this_week)
        for c_id in sorted(reach.cooperation_ids):
            meeting = Meeting.objects.filter(cooperation_id=c_id, week=week).select_related("cooperation").first()
            if meeting:
                text = f"Veckans möte, {named} ({meeting.cooperation.name}): dagordningen är förberedd"
                result.append(Item("Veckomötet", text, reverse("measures:meeting", args=[meeting.pk]), order=15))
            else:
                result.append(Item("Veckomötet", f"Veckans möte, {named}, är inte öppnat ännu",
                                   reverse("measures:meetings"), order=15))  # fmt: skip
    return result
