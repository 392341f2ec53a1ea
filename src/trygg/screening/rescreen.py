"""Continuous re-screening (issue 26, scope 5): after a list or registry update, the cases still open and those
decided within ``TRYGG_RESCREEN_MONTHS`` months are screened again as of their own dates, and what is new since the
run the decision rests on (or, undecided, since the case's latest run) reaches the officer — on the start page and
on the case. No decision changes by itself.

Idempotent and incremental by data version: a case whose latest run read the same list releases and registry
extracts as are there now is not screened again (``ScreeningRun.versions``); running the job twice screens nothing
the second time. A finding is the same finding when its kind, code, party and listed entity are (its wording may
differ between runs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from trygg.screening import engine
from trygg.screening.models import Case, Decision, Finding, LicenceDecision, Rescreening, ScreeningRun

ACTOR = "trygg rescreen"
SHOWN = 20  # new findings kept per re-screening (their number is kept too)


@dataclass
class Outcome:
    screened: int = 0
    unchanged: int = 0
    new_hits: int = 0  # cases with a finding the earlier run did not have

    def summary(self) -> str:
        return (
            f"granskade {self.screened} ärenden på nytt ({self.new_hits} med nya träffar), "
            f"{self.unchanged} oförändrade underlag"
        )


def finding_key(finding: Finding) -> tuple:
    """What makes two runs' findings the same finding."""
    party = finding.party.entity_id if finding.party_id else None
    return finding.kind, finding.code, party, finding.matched_id


def due_cases(today: dt.date | None = None):
    """The open cases and those decided within the window (the newest decision counts)."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=round(settings.TRYGG_RESCREEN_MONTHS * 365.25 / 12))
    recent = Decision.objects.filter(case=OuterRef("pk"), decided_at__date__gte=since)
    licensed = LicenceDecision.objects.filter(case=OuterRef("pk"), decided_at__date__gte=since)
    return Case.objects.filter(Q(status=Case.Status.OPEN) | Q(Exists(recent)) | Q(Exists(licensed))).order_by("pk")


def comparison_run(case: Case) -> tuple[ScreeningRun | None, bool]:
    """The run new findings are judged against: the one the newest decision rests on (the decision on the
    application or the risk assessment, whichever is newer), else the latest."""
    decisions = [
        d
        for d in (
            case.decisions.order_by("-decided_at", "-id").select_related("run").first(),
            case.licence_decisions.order_by("-decided_at", "-id").select_related("run").first(),
        )
        if d is not None
    ]
    if decisions:
        return max(decisions, key=lambda d: d.decided_at).run, True
    return case.runs.order_by("-created_at", "-id").first(), False


def needs_rescreening(case: Case) -> bool:
    latest = case.runs.order_by("-created_at", "-id").first()
    return latest is None or latest.versions != engine.versions(engine.list_datasets(case))


def rescreen_case(case: Case) -> Rescreening | None:
    """Screen the case again as of the date its latest run answered for; record what is new. None when nothing
    it reads has changed since its latest run."""
    if not needs_rescreening(case):
        return None
    earlier, since_decision = comparison_run(case)
    as_of = (earlier.as_of if earlier is not None else None) or case.received_on
    run = engine.screen(case, ACTOR, as_of=as_of)
    known = {finding_key(f) for f in earlier.findings.select_related("party")} if earlier is not None else set()
    new = [f for f in run.findings.select_related("party").order_by("id") if finding_key(f) not in known]
    new = [f for f in new if f.severity != Finding.Severity.INFO]  # a suppressed or informational line is no hit
    return Rescreening.objects.create(
        case=case,
        run=run,
        compared_with=earlier,
        since_decision=since_decision,
        new_findings=[{"summary": f.summary, "severity": f.severity, "source": f.source} for f in new[:SHOWN]],
        updated=updated_data(earlier.versions if earlier is not None else [], run.versions),
    )


def updated_data(before: list[dict], now: list[dict]) -> list[str]:
    """The datasets read now in a release or extract the earlier run did not read ("OFAC SDN 2026-12-05")."""
    seen = {(v["dataset"], v["version"], v.get("imported_at")) for v in before}
    return [
        f"{v['dataset']} {v['version']}".strip()
        for v in now
        if (v["dataset"], v["version"], v.get("imported_at")) not in seen
    ]


def rescreen_all(today: dt.date | None = None) -> Outcome:
    outcome = Outcome()
    for case in due_cases(today):
        done = rescreen_case(case)
        if done is None:
            outcome.unchanged += 1
            continue
        outcome.screened += 1
        outcome.new_hits += bool(done.new_findings)
    return outcome


def unseen(cases):
    """The re-screenings of ``cases`` with new hits that no officer has marked seen."""
    return Rescreening.objects.filter(case__in=cases, seen_at__isnull=True).exclude(new_findings=[])
