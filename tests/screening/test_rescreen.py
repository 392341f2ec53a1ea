"""Continuous re-screening (issue 26, scope 5): a list update that puts the owner of a decided case on a sanctions
list reaches the officer's start page and the case as a new hit since the decision; the decision stands; a second run
of the job screens nothing; a case decided long ago, or one whose data did not change, is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.screening.conftest import Registry, case_data, csv_bytes
from tests.screening.test_planted_case import born_on
from trygg.audit.models import AuditEvent
from trygg.core import jobs
from trygg.screening.cases import create_case, decide
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import screen
from trygg.screening.importers import import_ofac, import_registry
from trygg.screening.models import Case, Decision, Rescreening
from trygg.screening.rescreen import rescreen_all

pytestmark = pytest.mark.django_db

OWNER = {"name": "Reza Ahmadi", "birth_date": "1971-03-12", "country": "IR"}
OFAC_BEFORE = [["7001", "KARIMOV, Dilshod", "individual", "SDGT", *["-0- "] * 7, "DOB 02 Feb 1960."]]
OFAC_AFTER = [*OFAC_BEFORE, ["7002", "AHMADI, Reza", "individual", "IRAN", *["-0- "] * 7, "DOB 12 Mar 1971."]]


def decided_case(reference: str = "SOC 2026/900") -> Case:
    r = Registry()
    applicant = r.company("Krogen Kajen AB", dt.date(2020, 1, 1), address="Kajgatan 2")
    r.role(applicant, OWNER, "owner", dt.date(2020, 1, 1), share=100)
    ceo = born_on("Elin Ung", dt.date(1990, 5, 1))
    r.role(applicant, ceo, "ceo", dt.date(2020, 1, 1))
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register",
                    version="uttag 2026-11-30")  # fmt: skip
    import_ofac(csv_bytes(OFAC_BEFORE), "OFAC SDN", "2026-11-01")
    crossmatch()
    values = case_data(applicant, [(ceo, "ceo")], reference=reference)
    case = create_case({**values, "received_on": "2026-11-02"})
    run = screen(case, as_of=dt.date(2026, 11, 2))
    assert run.recommendation == "none", run.reasons  # nobody listed yet
    decide(case, run, "none", "", None)
    return case


def test_a_new_listing_after_the_decision_reaches_the_officer_and_changes_no_decision(officer, demo_orgs):
    case = decided_case()
    assert rescreen_all().screened == 0  # nothing changed since the decision's run: nothing screened
    import_ofac(csv_bytes(OFAC_AFTER), "OFAC SDN", "2026-12-05")  # the list gains the owner
    crossmatch()
    outcome = rescreen_all()
    assert (outcome.screened, outcome.new_hits) == (1, 1)
    found = Rescreening.objects.get(case=case)
    assert found.since_decision and found.run.as_of == dt.date(2026, 11, 2)  # as of the case's own date
    assert any("Reza Ahmadi" in f["summary"] or "AHMADI" in f["summary"] for f in found.new_findings), (
        found.new_findings
    )
    assert found.updated == ["OFAC SDN 2026-12-05"]  # the list release that brought it
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED and Decision.objects.filter(case=case).count() == 1
    assert Decision.objects.get(case=case).decided == "none"  # no decision changes by itself
    assert AuditEvent.objects.filter(actor_label="trygg rescreen", action="search", purpose_id=str(case.pk)).exists()

    assert rescreen_all().screened == 0  # idempotent: the second run finds nothing to do

    client = officer()
    start = client.get("/").content.decode()
    assert "Ny träff sedan beslut eller senaste granskning i 1 ärende" in start
    assert case.reference not in start  # the start page gives counts, not cases
    page = client.get(f"/granskning/arenden/{case.pk}/").content.decode()
    assert "Nya träffar sedan beslutet" in page and "AHMADI" in page.upper()
    assert "Efter en uppdatering (OFAC SDN 2026-12-05) granskades ärendet på nytt" in page
    response = client.post(f"/granskning/arenden/{case.pk}/nya-traffar-sedda/")
    assert response.status_code == 302
    assert "Nya träffar sedan beslutet" not in client.get(f"/granskning/arenden/{case.pk}/").content.decode()
    assert "Ny träff sedan beslut" not in client.get("/").content.decode()
    assert Rescreening.objects.get(case=case).seen_by == demo_orgs["users"]["karlstad.granskare"]


def test_a_case_decided_long_ago_is_not_screened_again(demo_orgs):
    case = decided_case()
    Decision.objects.filter(case=case).update(decided_at=timezone.now() - dt.timedelta(days=400))
    import_ofac(csv_bytes(OFAC_AFTER), "OFAC SDN", "2026-12-05")
    crossmatch()
    assert rescreen_all().screened == 0 and not Rescreening.objects.exists()


def test_the_job_is_registered_and_reports_in_swedish(demo_orgs):
    decided_case()
    import_ofac(csv_bytes(OFAC_AFTER), "OFAC SDN", "2026-12-05")
    crossmatch()
    job = next(j for j in jobs.all_jobs() if j.name == "rescreening")
    summary = job.run(None)
    assert summary == "granskade 1 ärenden på nytt (1 med nya träffar), 0 oförändrade underlag"


def test_the_monday_message_names_the_case_with_a_new_hit_and_a_late_request_without_names(demo_orgs):
    from django.core import mail as outbox

    from trygg.screening import digest, procedure

    officer = demo_orgs["users"]["karlstad.granskare"]
    officer.email = "granskare@karlstad.se"
    officer.save()
    case = decided_case()
    now = timezone.now()
    assert digest.screening_digest(jobs.JobContext(digest.KIND, now, now)).startswith("0 ")  # nothing new: no message
    import_ofac(csv_bytes(OFAC_AFTER), "OFAC SDN", "2026-12-05")
    crossmatch()
    rescreen_all()
    request = procedure.send_request(case, officer, authority="police", address="p@example.se",
                                     text="Polisens yttrande om sökanden.",
                                     deadline=timezone.localdate() + dt.timedelta(days=1))  # fmt: skip
    type(request).objects.filter(pk=request.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    outbox.outbox.clear()
    assert digest.screening_digest(jobs.JobContext(digest.KIND, now, now)).startswith("1 ")
    message = outbox.outbox[0]
    assert message.to == ["granskare@karlstad.se"]
    assert "SOC 2026/900 (beslutat ärende)" in message.body and "Polismyndigheten (yttrande)" in message.body
    for name in ("Reza", "Ahmadi", "Krogen Kajen", "Elin Ung"):  # no names of persons or companies
        assert name not in message.body and name not in message.subject
    assert digest.screening_digest(jobs.JobContext(digest.KIND, now, now)).startswith("0 ")  # sent once a week


def test_a_licence_decided_without_a_risk_assessment_is_screened_again_too(demo_orgs):
    from trygg.screening import procedure
    from trygg.screening.models import LicenceDecision

    r = Registry()
    applicant = r.company("Krogen Bryggan AB", dt.date(2020, 1, 1), address="Bryggan 1")
    r.role(applicant, OWNER, "owner", dt.date(2020, 1, 1), share=100)
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register",
                    version="uttag 2026-11-30")  # fmt: skip
    import_ofac(csv_bytes(OFAC_BEFORE), "OFAC SDN", "2026-11-01")
    crossmatch()
    case = create_case({**case_data(applicant, [], reference="SOC 2026/902"), "received_on": "2026-11-02"})
    run = screen(case, as_of=dt.date(2026, 11, 2))
    decision = procedure.decide(case, run, None, outcome="granted", reasons="Inga hinder mot tillstånd.",
                                finding_ids=[])  # fmt: skip
    assert not case.decisions.exists() and Case.objects.get(pk=case.pk).status == Case.Status.DECIDED
    import_ofac(csv_bytes(OFAC_AFTER), "OFAC SDN", "2026-12-05")
    crossmatch()
    assert rescreen_all().new_hits == 1
    found = Rescreening.objects.get(case=case)
    assert found.since_decision and found.compared_with_id == decision.run_id
    assert LicenceDecision.objects.get(pk=decision.pk).outcome == "granted"  # nothing decided by itself
