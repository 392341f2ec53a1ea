"""The cooperation's coordinators edit or copy a checklist; walks planned before keep their questions; a save on a
stale copy is refused."""

from __future__ import annotations

import pytest

from trygg.audit.models import AuditEvent
from trygg.walks.models import ChecklistTemplate

pytestmark = pytest.mark.django_db


def form_data(client, url: str) -> dict:
    """What the browser sends for the edit page as it is shown."""
    context = client.get(url).context
    data = {"name": context["form"]["name"].value(), "source": context["form"]["source"].value(),
            "version": context["form"]["version"].value()}  # fmt: skip
    formset = context["formset"]
    data.update({f"q-{k}": v for k, v in formset.management_form.initial.items()})
    for i, qform in enumerate(formset.forms):
        for name in ("id", "position", "code", "text", "help", "category", "measure_kind"):
            value = qform[name].value()
            data[f"q-{i}-{name}"] = "" if value is None else value
        data[f"q-{i}-template"] = formset.instance.pk
    return data


def test_a_coordinator_edits_the_checklist_and_old_walks_keep_theirs(login, demo_orgs, template, walk):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    url = f"/trygghetsvandringar/checklistor/{template.pk}/"
    data = form_data(client, url)
    data["q-0-text"] = "Fungerar all belysning längs stråket?"
    n = int(data["q-TOTAL_FORMS"]) - 2  # the first of the two empty forms
    data.update({f"q-{n}-position": "8", f"q-{n}-code": "trafik", f"q-{n}-text": "Känns trafiken säker?"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and (
        response.context["formset"].errors,
        response.context["form"].errors,
    )
    template.refresh_from_db()
    assert template.questions.get(code="belysning").text == "Fungerar all belysning längs stråket?"
    assert template.questions.filter(code="trafik").exists() and template.revision == 2
    walk.refresh_from_db()
    assert walk.question("belysning")["text"].startswith("Är platsen väl upplyst") and walk.question("trafik") is None
    assert AuditEvent.objects.filter(object_type="walks.checklisttemplate", action="update").exists()
    stale = client.post(url, {**data, "q-0-text": "Gammal kopia"})  # the version of before the save
    assert stale.status_code == 200
    assert template.questions.get(code="belysning").text == "Fungerar all belysning längs stråket?"


def test_a_duplicate_code_is_refused(login, demo_orgs, template):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    url = f"/trygghetsvandringar/checklistor/{template.pk}/"
    data = form_data(client, url)
    data["q-1-code"] = data["q-0-code"]
    assert client.post(url, data).status_code == 200
    assert template.questions.filter(code="vegetation").exists()


def test_copy_and_who_may_edit(login, demo_orgs, template):
    coordinator = login(demo_orgs["users"]["orebro.samordnare"])  # in the same cooperation
    response = coordinator.post(f"/trygghetsvandringar/checklistor/{template.pk}/kopiera/")
    copy = ChecklistTemplate.objects.exclude(pk=template.pk).get()
    assert response["Location"] == f"/trygghetsvandringar/checklistor/{copy.pk}/"
    assert copy.name.endswith("(kopia)") and copy.snapshot() == template.snapshot()
    reporter = login(demo_orgs["users"]["centrum.rapportor"])
    assert reporter.get(f"/trygghetsvandringar/checklistor/{template.pk}/").status_code == 403
    assert reporter.post(f"/trygghetsvandringar/checklistor/{template.pk}/kopiera/").status_code == 403
    assert ChecklistTemplate.objects.count() == 2
    assert template.name in reporter.get("/trygghetsvandringar/checklistor/").content.decode()  # members read it
