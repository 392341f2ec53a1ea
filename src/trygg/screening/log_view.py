"""The screening log (granskningslogg): who searched, viewed, exported and decided what, for the officers.

Screening officers see the audit entries about screening that concern their municipalities: entries made
by members of their municipality organisations, and entries about the municipality's current cases (an
outsider's refused attempt included). Reading the log is itself logged.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from trygg.audit import log
from trygg.audit.models import AuditEvent
from trygg.core.csv_export import SafeWriter
from trygg.orgs import access
from trygg.orgs.models import Membership
from trygg.screening.models import Case
from trygg.screening.views import screening_officer

PAGE_SIZE = 100


class LogFilter(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    reference = forms.CharField(label=_("Case"), required=False, max_length=200)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return cleaned


def screening_entries(codes: frozenset[str]) -> QuerySet:
    """Audit entries about screening that concern the municipalities ``codes``."""
    members = Membership.objects.filter(
        organisation__kind="municipality", organisation__municipalities__code__in=codes
    ).values("user_id")
    cases = Case.objects.filter(municipality__in=codes).annotate(key=Cast("pk", CharField())).values("key")
    about_screening = Q(object_type__startswith="screening") | Q(
        object_type="audit.auditevent", summary__startswith="screening log"
    )
    # by the case's identity: a reference is unique only within its municipality
    for_cases = Q(purpose_type="screening.case", purpose_id__in=cases) | Q(
        object_type="screening.case", object_id__in=cases
    )
    # a list or registry imported by a command (no user) is read by every municipality's screenings
    shared_imports = Q(object_type="screening.dataset", actor__isnull=True)
    return AuditEvent.objects.filter(about_screening & (Q(actor__in=members) | for_cases | shared_imports))


@screening_officer
def screening_log(request):
    codes = access.screening_municipalities(request.user)
    form = LogFilter(request.GET or None)
    entries = screening_entries(codes).select_related("actor")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["start"]:
            entries = entries.filter(at__date__gte=data["start"])
        if data["end"]:
            entries = entries.filter(at__date__lte=data["end"])
        if data["user"]:
            entries = entries.filter(actor_label__icontains=data["user"])
        if data["reference"]:
            entries = entries.filter(purpose__icontains=data["reference"])
    entries = entries.order_by("-at", "-id")
    log.record(
        request.user, "view", object_type="audit.auditevent", summary=f"screening log {request.GET.urlencode()}"[:300]
    )
    if request.GET.get("format") == "csv":
        return _csv(entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "screening/log.html", {"form": form, "page": page, "query": query.urlencode()})


def _csv(entries: QuerySet) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="granskningslogg-{dt.date.today().isoformat()}.csv"'
    writer = SafeWriter(response)
    writer.writerow(["time", "user", "action", "object_type", "object_id", "case", "summary"])
    for e in entries.iterator():
        writer.writerow([e.at.isoformat(), e.actor_label, e.action, e.object_type, e.object_id, e.purpose, e.summary])
    return response
