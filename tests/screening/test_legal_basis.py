"""The basis on which the municipality holds each dataset, and disclosures to authorities (issue 26, scope 7)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.screening.conftest import case_data, csv_bytes
from trygg.audit.models import AuditEvent
from trygg.screening.cases import create_case
from trygg.screening.engine import screen
from trygg.screening.importers import import_ofac
from trygg.screening.models import Dataset, Disclosure

pytestmark = pytest.mark.django_db

OFAC = [["7002", "AHMADI, Reza", "individual", "IRAN", *["-0- "] * 7, "DOB 12 Mar 1971."]]


def test_each_dataset_says_its_basis_and_every_run_records_it(screening_data, tmp_path):
    path = tmp_path / "ofac.csv"
    path.write_bytes(csv_bytes(OFAC).getvalue())
    call_command("import_watchlist", str(path), "--format", "ofac", "--name", "EU-listan", "--list-version", "v1",
                 "--legal-basis", "Rådets förordning (EU) 269/2014", stdout=io.StringIO())  # fmt: skip
    assert Dataset.objects.get(name="EU-listan").basis == "Rådets förordning (EU) 269/2014"
    import_ofac(csv_bytes(OFAC), "OFAC utan grund", "v1")
    assert Dataset.objects.get(name="OFAC utan grund").basis == "Offentliggjorda sanktionslistor"  # the usual one
    d = screening_data
    run = screen(create_case(case_data(d["krogen"], [(d["front"], "ceo")], reference="GRUND 1")))
    bases = {v["dataset"]: v["legal_basis"] for v in run.versions}
    assert bases["EU-listan"] == "Rådets förordning (EU) 269/2014"
    assert all(bases.values()), bases  # every dataset read has one


def test_a_disclosure_is_recorded_audited_and_shown_and_needs_its_basis(officer, screening_data):
    d = screening_data
    case = create_case(case_data(d["krogen"], [(d["front"], "ceo")], reference="UTL 1"))
    screen(case)
    client = officer("karlstad.granskare")
    url = f"/granskning/arenden/{case.pk}/utlamnande/"
    missing = client.post(url, {"recipient": "Polisen", "content": "Uppgifter om ägarna"}, follow=True)
    assert "Inget registrerades" in missing.content.decode() and "rättslig grund" in missing.content.decode().lower()
    assert not Disclosure.objects.exists()
    basis = "Uppgiftsskyldighet till brottsbekämpande myndighet"
    client.post(url, {"recipient": "Polisen, lokalpolisområde Karlstad", "content": "Uppgifter om ägarna",
                      "legal_basis": basis, "reference": "A-123"})  # fmt: skip
    disclosure = Disclosure.objects.get()
    assert disclosure.case == case and disclosure.disclosed_by.username == "karlstad.granskare"
    event = AuditEvent.objects.get(action="disclose")
    assert event.purpose_id == str(case.pk) and "Polisen, lokalpolisområde Karlstad" in event.summary
    page = client.get(f"/granskning/arenden/{case.pk}/").content.decode()
    assert "Polisen, lokalpolisområde Karlstad (A-123): Uppgifter om ägarna" in page
    other = officer("orebro.granskare")  # another municipality's officer cannot record one on this case
    assert other.post(url, {"recipient": "X", "content": "Y", "legal_basis": "Z"}).status_code in (403, 404)
    assert Disclosure.objects.count() == 1
