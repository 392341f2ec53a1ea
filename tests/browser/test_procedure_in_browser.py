"""The licensing officer's whole procedure in a real browser (issue 26): the questionnaire answered by the
"applicant" through its one-time link, two requests answered, kommunicering with a reply through its link, the
decision, the decision letter and the court file read back; and a decided case screened again after a list update
showing its new hit on the officer's start page. Pages checked with axe-core."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from tests.browser.axe import violations
from tests.screening.conftest import Registry, csv_bytes
from tests.screening.test_planted_case import born_on
from trygg.screening import engine
from trygg.screening.cases import create_case
from trygg.screening.importers import import_registry
from trygg.screening.models import Case

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def planted_case() -> Case:
    """Krogen Kajplats AB: 60 % owned by Ove Okänd, who the applicant will not declare; its CEO declared."""
    r = Registry()
    krog = r.company("Krogen Kajplats AB", dt.date(2021, 1, 1), address="Kajen 4")
    hidden = born_on("Ove Okänd", dt.date(1968, 6, 6))
    told = born_on("Tora Tydlig", dt.date(1982, 8, 8))
    r.role(krog, hidden, "owner", dt.date(2021, 1, 1), share=60)
    r.role(krog, told, "owner", dt.date(2021, 1, 1), share=40)
    r.role(krog, told, "ceo", dt.date(2021, 1, 1))
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register",
                    version="uttag 2026-11-30")  # fmt: skip
    case = create_case({
        "municipality": "1780", "kind": "serveringstillstand", "reference": "SOC 2026/77",
        "received_on": (dt.date.today() - dt.timedelta(days=20)).isoformat(), "premises_address": "Kajen 4, Karlstad",
        "applicant": {"name": krog["name"], "org_number": krog["org_number"]},
        "persons": [{"name": "Tora Tydlig", "birth_date": "1982-08-08", "role": "ceo"}],
    })  # fmt: skip
    engine.screen(case)
    return case


def verified_officer(page_for, live_demo, username="karlstad.granskare"):
    user = live_demo["users"][username]
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    page = page_for(username)
    page.goto(live_demo["url"] + "/granskning/")
    page.wait_for_url("**/verifiera/**")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("main input[name=token]", f"{code:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(live_demo["url"] + "/granskning/")
    return page


def new_link(page, base: str) -> str:
    """The link for the applicant the page shows once, on the live server (the e-mail's points at TRYGG_BASE_URL)."""
    return base + "/ansokan/" + page.locator("main .notice code").inner_text().strip().split("/ansokan/", 1)[1]


def test_one_case_through_the_whole_procedure(page_for, live_demo):
    case = planted_case()
    base = live_demo["url"]
    officer = verified_officer(page_for, live_demo)
    procedure = f"{base}/granskning/arenden/{case.pk}/handlaggning/"
    officer.goto(f"{base}/granskning/arenden/{case.pk}/")
    officer.click("text=Handläggning")
    officer.wait_for_url(procedure)
    assert violations(officer) == []

    # 1. the questionnaire, answered by the applicant on a phone, in English
    officer.select_option("#q-language", "en")
    officer.click("text=Skicka länken")
    link = new_link(officer, base)
    applicant = page_for(None, mobile=True)
    applicant.goto(link)
    assert "Questions about your application" in applicant.locator("h1").inner_text()
    assert violations(applicant) == []
    applicant.locator("input[name=owner_name]").first.fill("Tora Tydlig")
    applicant.locator("input[name=owner_share]").first.fill("100")
    applicant.locator("input[name=financing_name]").first.fill("Kajens Finans AB")
    applicant.locator("select[name=financing_kind]").first.select_option("loan")
    applicant.locator("input[name=financing_amount]").first.fill("500000")
    assert applicant.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    applicant.check("input[name=refusals][value=no]")
    applicant.set_input_files("#documents", {"name": "aktiebok.pdf", "mimeType": "application/pdf", "buffer": PDF})
    applicant.fill("#signed-by", "Tora Tydlig")
    applicant.click("text=Send the answers")
    assert "Thank you" in applicant.locator("h1").inner_text()
    assert applicant.goto(link).status == 410  # once

    # the answers are findings beside the registry's: Ove Okänd owns 60 % and was not declared
    officer.goto(f"{base}/granskning/arenden/{case.pk}/")
    findings = officer.locator("table.findings").inner_text()
    assert "Ove Okänd" in findings and "inte angett" in findings, findings
    assert "angivet: Tora Tydlig (100 %)" in findings  # the CEO declared as owner too
    assert "Sökandens svar" in findings

    # 2. two requests, answered
    for authority, address in (("police", "registrator.karlstad@polisen.se"), ("tax", "skatt@example.se")):
        officer.goto(procedure)
        officer.click("text=Ny remiss")
        officer.select_option("#r-authority", authority)
        officer.fill("#r-address", address)
        officer.click("text=Skicka remissen")
        officer.wait_for_url(procedure)
    sent = {m.to[0]: m for m in mail.outbox}
    police = pdf_text(sent["registrator.karlstad@polisen.se"].attachments[0][1])
    assert "Polisens yttrande enligt 8 kap. 17 § alkohollagen" in police and "Tora Tydlig" in police
    assert "Skatteverket" in sent["skatt@example.se"].body or "skatte" in sent["skatt@example.se"].body
    answers = (
        ("Polisen avstyrker: sökandens ägare förekommer i underrättelser.", "high", "Polisen avstyrker tillstånd."),
        ("Inga skulder eller brister.", "info", "Inga anmärkningar från Skatteverket."),
    )
    for i, (text, severity, judgement) in enumerate(answers):
        officer.goto(procedure)
        card = officer.locator("#requests article").nth(i)
        card.locator("summary").click()
        card.locator("input[name=their_reference]").fill(f"DNR-{i + 1}")
        card.locator("textarea[name=answer]").fill(text)
        card.locator("input[name=documents]").set_input_files(
            {"name": f"svar-{i + 1}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        card.locator("select[name=severity]").select_option(severity)
        card.locator("input[name=judgement]").fill(judgement)
        card.locator("text=Registrera svaret och granska igen").click()
        officer.wait_for_url(procedure)
    assert "Polisen avstyrker tillstånd." in officer.locator("#requests").inner_text()

    # 3. kommunicering of the two findings relied on, and the reply through its link
    officer.goto(procedure)
    hearing = officer.locator("#hearing")
    for words in ("Ove Okänd", "Polisen avstyrker tillstånd."):
        hearing.locator("label", has_text=words).first.locator("input").check()
    hearing.locator("#h-email").fill("tora@kajplats.se")
    hearing.locator("text=Skicka för yttrande").click()
    officer.wait_for_url(procedure)
    reply_link = new_link(officer, base)
    letter = pdf_text(mail.outbox[-1].attachments[0][1])
    assert "Underrättelse före beslut" in letter and "Ove Okänd" in letter and "DNR-1" in letter
    officer.select_option("#d-outcome", "refused")
    officer.fill("#d-reasons", "Sökanden har inte redovisat vem som äger verksamheten, och Polisen avstyrker.")
    officer.click("text=Registrera beslutet")
    assert "får svara till" in officer.locator(".messages, [role=alert], main").first.inner_text()  # not yet heard
    applicant.goto(reply_link)
    assert violations(applicant) == []
    applicant.fill("#reply", "Ove Okänd har sålt sina aktier; avtalet bifogas.")
    applicant.click("main button[type=submit]")
    assert applicant.locator("h1").inner_text().startswith("Tack")

    # 4. the decision, against the applicant, with the reply considered
    officer.goto(procedure)
    assert "Ove Okänd har sålt sina aktier" in officer.locator("#hearing").inner_text()
    officer.select_option("#d-outcome", "refused")
    officer.fill("#d-reasons", "Sökanden har inte redovisat vem som äger verksamheten, och Polisen avstyrker.")
    officer.fill("#d-reply", "Något avtal om försäljning finns inte i registret per ansökningsdagen.")
    officer.click("text=Registrera beslutet")
    officer.wait_for_url(procedure)
    assert "Avslås" in officer.locator("#decision").inner_text()
    assert violations(officer) == []
    pdf_link = officer.locator("#decision a", has_text="PDF").first.get_attribute("href")
    decision = pdf_text(officer.context.request.get(base + pdf_link).body())
    for words in ("Ansökan avslås", "Ove Okänd", "Polismyndigheten (yttrande), svar", "DNR-1", "uttag 2026-11-30",
                  "Sökanden svarade", "Skicka överklagandet till Karlstads kommun", "Förvaltningsrätten i Karlstad",
                  "tre veckor"):  # fmt: skip
        assert words in decision.replace("\n", " "), words

    # 5. the court file: one PDF with a table of contents, the bundle and the documents
    archive = zipfile.ZipFile(io.BytesIO(officer.context.request.get(f"{base}/granskning/arenden/{case.pk}/akt/")
                                         .body()))  # fmt: skip
    names = archive.namelist()
    assert "domstolsakt.pdf" in names and "domstolsakt.json" in names
    assert sum(n.startswith("handlingar/") for n in names) == 3  # the share register and the two answers
    data = json.loads(archive.read("domstolsakt.json"))
    assert data["questionnaire"][0]["language"] == "en" and len(data["requests"]) == 2
    assert (
        data["hearings"][0]["reply"].startswith("Ove Okänd har sålt") and data["decisions"][0]["outcome"] == "refused"
    )
    text = pdf_text(archive.read("domstolsakt.pdf"))
    for words in ("Innehåll", "Sökandens svar på frågeformuläret", "Remisser och svar", "Kommunicering", "Beslut",
                  "Händelselogg", "Kajens Finans AB"):  # fmt: skip
        assert words in text, words


def test_a_decided_case_screened_again_after_a_list_update_shows_on_the_start_page(page_for, live_demo):
    from tests.screening.test_rescreen import OFAC_AFTER, decided_case
    from trygg.screening.crossmatch import crossmatch
    from trygg.screening.importers import import_ofac
    from trygg.screening.rescreen import rescreen_all

    case = decided_case("SOC 2026/901")
    page = page_for("karlstad.granskare")
    assert "Ny träff sedan beslut" not in page.locator("main").inner_text()
    import_ofac(csv_bytes(OFAC_AFTER), "OFAC SDN", "2026-12-05")
    crossmatch()
    assert rescreen_all().new_hits == 1
    page.goto(live_demo["url"] + "/")
    assert "Ny träff sedan beslut eller senaste granskning i 1 ärende" in page.locator("main").inner_text()
    assert violations(page) == []
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED  # nothing decided by itself
