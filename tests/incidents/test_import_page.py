"""Uploading a partner's incident log in the browser: permissions, check-only, import, encodings, escaping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from trygg.audit.models import AuditEvent
from trygg.incidents.models import Incident

pytestmark = pytest.mark.django_db
URL = "/report/import/"
LOG = (
    "id;category;occurred;lat;lon;description\n"
    "V-1;Klotter;2026-10-03 22:15;59,3790;13,5040;Tags på fasaden mot torget\n"
    "V-2;Samling som stör;2026-10-03 23:40;59,3794;13,5035;Grupp vid fontänen\n"
)


def upload(client, org, text=LOG, encoding="utf-8", **extra):
    data = {"organisation": org.pk, "file": SimpleUploadedFile("logg.csv", text.encode(encoding), "text/csv")}
    return client.post(URL, {**data, **extra})


def test_only_people_who_report_for_an_organisation_may_upload(client, login, demo_orgs):
    assert client.get(URL).status_code == 302  # to the login page
    assert login(demo_orgs["users"]["bra.lasare"]).get(URL).status_code == 403  # a viewer


def test_a_reporter_imports_for_their_own_organisation_and_it_is_audited(login, demo_orgs):
    user = demo_orgs["users"]["centrum.rapportor"]
    org = demo_orgs["orgs"]["centrum-karlstad"]
    response = upload(login(user), org)
    assert response.status_code == 200
    stored = Incident.objects.filter(source="csv", reporter_org=org)
    assert sorted(stored.values_list("external_id", flat=True)) == ["centrum-karlstad:V-1", "centrum-karlstad:V-2"]
    assert AuditEvent.objects.filter(actor=user, action="import", changes__created=2).exists()
    for incident in stored:  # each incident's own history starts with its creation, by the uploader
        entry = AuditEvent.objects.for_object(incident).get()
        assert (entry.action, entry.actor, entry.changes["category"]) == ("create", user, incident.category_id)
    assert "Importerad" in response.content.decode()


def test_a_reporter_cannot_import_in_another_organisations_name(login, demo_orgs):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    response = upload(client, demo_orgs["orgs"]["city-orebro"])
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Incident.objects.filter(source="csv").exists()


def test_check_only_shows_what_would_happen_and_saves_nothing(login, demo_orgs):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    response = upload(client, demo_orgs["orgs"]["centrum-karlstad"], check="1")
    page = response.content.decode()
    assert "Kontroll (inget sparades)" in page and response.context["result"].created == 2
    assert not Incident.objects.filter(source="csv").exists()


def test_a_file_saved_by_excel_in_windows_1252_is_read_correctly(login, demo_orgs):
    client = login(demo_orgs["users"]["centrum.rapportor"])
    upload(client, demo_orgs["orgs"]["centrum-karlstad"], encoding="cp1252")
    stored = Incident.objects.get(external_id="centrum-karlstad:V-1")
    assert stored.description == "Tags på fasaden mot torget"
    assert Incident.objects.get(external_id="centrum-karlstad:V-2").category.code == "samling_som_stor"


def test_rejected_rows_are_listed_by_line_and_nothing_in_them_runs_as_script(login, demo_orgs):
    bad = LOG + "V-3;<script>alert(1)</script>;2026-10-03 23:40;59,3794;13,5035;\n"
    response = upload(login(demo_orgs["users"]["centrum.rapportor"]), demo_orgs["orgs"]["centrum-karlstad"], bad)
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert [r.line for r in response.context["result"].rejected] == [4]
    assert "okänd kategori" in page  # the reason in the interface's language
    assert Incident.objects.filter(source="csv").count() == 2


def test_a_file_without_the_required_columns_is_explained(login, demo_orgs):
    response = upload(
        login(demo_orgs["users"]["centrum.rapportor"]), demo_orgs["orgs"]["centrum-karlstad"], "a;b\n1;2\n"
    )
    assert "kolumn(er) saknas: id, category, occurred" in response.content.decode()
    assert not Incident.objects.filter(source="csv").exists()


def test_an_oversized_file_is_refused(login, demo_orgs, settings):
    from trygg.incidents.forms import IncidentImportForm

    big = LOG + "x" * (IncidentImportForm.MAX_BYTES + 1)
    response = upload(login(demo_orgs["users"]["centrum.rapportor"]), demo_orgs["orgs"]["centrum-karlstad"], big)
    assert "file" in response.context["form"].errors
    assert not Incident.objects.filter(source="csv").exists()


def test_the_report_form_links_to_the_upload(login, demo_orgs):
    assert URL in login(demo_orgs["users"]["centrum.rapportor"]).get("/report/").content.decode()
