"""Files that used to end in a traceback: a clear error naming what and where, and nothing stored."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.screening.conftest import officer  # noqa: F401  (a fixture)
from trygg.incidents.models import Incident
from trygg.screening.models import Entity

pytestmark = pytest.mark.django_db

EVENT = {"id": 1, "datetime": "2026-03-01 21:40:00 +01:00", "name": "01 mars 21.40, Skadegörelse, Karlstad",
         "summary": "Klotter", "url": "/x", "type": "Skadegörelse",
         "location": {"name": "Karlstad", "gps": "59.402181,13.511497"}}  # fmt: skip


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, stdout=out, stderr=err)
    return str(excinfo.value) + err.getvalue()


def test_a_truncated_gzip_police_file(base_data, tmp_path):
    data = gzip.compress("\n".join(json.dumps({**EVENT, "id": i}) for i in range(2000)).encode())
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    message = run("import_police_events", str(path))
    assert "avbruten eller skadad" in message
    path.write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)
    assert "avbruten eller skadad" in run("import_police_events", str(path))
    assert Incident.objects.count() == 0


def partner_csv(description: str) -> bytes:
    header = "id;category;occurred;lat;lon;description\n"
    return (header + f"A-1;klotter;2026-03-01 21:40;59,3790;13,5040;{description}\n").encode()


def test_a_partner_csv_field_over_128_kib(demo_orgs, tmp_path, login):
    path = tmp_path / "logg.csv"
    path.write_bytes(partner_csv("x" * 200_000))
    message = run("import_incidents", str(path), "--organisation", "centrum-karlstad")
    assert "line 2" in message and "longer than" in message  # this command speaks English
    client = login(demo_orgs["users"]["centrum.rapportor"])
    organisation = demo_orgs["orgs"]["centrum-karlstad"]
    upload = SimpleUploadedFile("logg.csv", path.read_bytes(), content_type="text/csv")
    response = client.post("/report/import/", {"organisation": organisation.pk, "file": upload, "import": "1"})
    assert response.status_code == 200 and "rad 2" in response.context["error"]
    assert Incident.objects.count() == 0


def test_an_own_list_in_windows_1252(demo_orgs, tmp_path, officer):  # noqa: F811
    text = "name,org_number,personal_number,birth_date,flag,date,reference\nKrogen Ödåkra AB,556036-0793,,,refused,,\n"
    path = tmp_path / "lista.csv"
    path.write_bytes(text.encode("cp1252"))
    out = io.StringIO()
    call_command("import_watchlist", str(path), "--format", "own", "--name", "Egen", "--owner", "orebro-kommun",
                 "--list-version", "2026-12-01", stdout=out)  # fmt: skip
    assert Entity.objects.get(dataset__name="Egen").name == "Krogen Ödåkra AB"
    assert Entity.objects.get(dataset__name="Egen").dataset.version == "2026-12-01"  # said in every run that reads it
    ownerless = run("import_watchlist", str(path), "--format", "own", "--name", "Ingens")
    assert "--owner" in ownerless and "karlstads-kommun" in ownerless and "orebro-kommun" in ownerless
    assert not Entity.objects.filter(dataset__name="Ingens").exists()  # refused: a list no screening would read
    client = officer("orebro.granskare")
    upload = SimpleUploadedFile("lista.csv", text.replace("Ödåkra", "Åmål").encode("cp1252"), content_type="text/csv")
    posted = client.post("/granskning/listor/", {"name": "Egen 2", "file": upload, "version": "vecka 49"})
    assert posted.status_code == 302
    assert Entity.objects.get(dataset__name="Egen 2").name == "Krogen Åmål AB"
    assert Entity.objects.get(dataset__name="Egen 2").dataset.version == "vecka 49"
    undecodable = tmp_path / "trasig.csv"
    undecodable.write_bytes(text.encode("cp1252") + b"\x81\x8d\n")
    message = run("import_watchlist", str(undecodable), "--format", "own", "--owner", "orebro-kommun")
    assert "UTF-8" in message and "Windows-1252" in message and "rad 3" in message
