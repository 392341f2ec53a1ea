"""The licensing officer's procedure (issue 26, scopes 1–4): the questionnaire through a one-time link compared with
the registry, requests to authorities whose answers become findings, kommunicering that gates a decision against
the applicant, the decision letter and the court file — with planted data whose right answer is known."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from tests.screening.conftest import Registry, case_data, csv_bytes
from tests.screening.test_planted_case import born_on
from trygg.audit.models import AuditEvent
from trygg.core.importing import RecordError
from trygg.screening import documents, procedure
from trygg.screening.cases import create_case
from trygg.screening.declared import Declared, Held, compare
from trygg.screening.engine import screen
from trygg.screening.importers import import_own_list, import_registry
from trygg.screening.models import ApplicantLink, Case, CaseDocument, Finding, LicenceDecision

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- the comparison, without Django ---------------------------------------------------------------------------------


def test_a_consistent_account_gives_no_finding():
    declared = [Declared("Anna Ägare", "owner", 1, 60), Declared("Bo Bank AB", "financier", 3)]
    held = [Held(1, "Anna Ägare", "owner", 62.0), Held(2, "Liten Ägare", "owner", 10.0)]
    held.append(Held(3, "Bo Bank AB", "financier"))
    assert compare(declared, held, DAY, refusals_answer=False, refusals_found=[]) == []


def test_each_difference_is_its_own_finding_with_both_sides():
    declared = [Declared("Anna Ägare", "owner", 1, 90), Declared("Okänd Person", "owner", None, 10)]
    held = [
        Held(1, "Anna Ägare", "owner", 40.0),
        Held(2, "Dold Ägare", "owner", 60.0),
        Held(3, "Kalle Kredit AB", "financier"),
        Held(4, "Husägaren AB", "lessor"),
    ]
    found = [{"party": "Anna Ägare", "flag": "revoked", "date": "2024-05-01", "reference": "SOC 2024/1", "list": "L"}]
    flags = {f.code: f for f in compare(declared, held, DAY, refusals_answer=False, refusals_found=found)}
    assert set(flags) == {
        "declared_share_differs",  # 90 declared, 40 in the registry
        "declared_owner_not_in_registry",  # Okänd Person
        "owner_not_declared",  # Dold Ägare, 60 %
        "financier_not_declared",
        "lessor_not_declared",
        "refusal_not_declared",
    }
    assert flags["owner_not_declared"].evidence["registry"] == "Dold Ägare 60 %"
    assert "Anna Ägare (90 %)" in flags["owner_not_declared"].evidence["declared"]
    assert flags["declared_owner_not_in_registry"].subject == "Okänd Person"
    assert flags["declared_share_differs"].severity == "low"
    assert "SOC 2024/1" in flags["refusal_not_declared"].summary


def test_an_owner_below_a_quarter_need_not_be_declared_and_an_unknown_share_must():
    held = [Held(2, "Liten", "owner", 20.0), Held(3, "Okänd andel", "owner", 0.0, unknown=True)]
    codes = [(f.code, f.subject) for f in compare([Declared("X", "owner", 9, 100)], held, DAY)]
    assert ("owner_not_declared", "Okänd andel") in codes and ("owner_not_declared", "Liten") not in codes


# --- the procedure, on the database -----------------------------------------------------------------------------


@pytest.fixture
def planted(demo_orgs):
    """A restaurant company owned 70 % by a holding (itself owned by Hidden) and 30 % by Anna; a lender and a lessor
    in the registry; Anna's earlier licence revoked on Karlstad's own list."""
    r = Registry()
    krog = r.company("Krogen Hamnen AB", dt.date(2020, 1, 1), address="Hamngatan 1")
    holding = r.company("Hamn Holding AB", dt.date(2019, 1, 1))
    hidden = born_on("Hugo Dold", dt.date(1970, 1, 1))
    anna = born_on("Anna Synlig", dt.date(1980, 2, 2))
    ceo = born_on("Cesar Chef", dt.date(1985, 3, 3))
    r.role(holding, hidden, "owner", dt.date(2019, 1, 1), share=100)
    r.role(krog, {"name": "Hamn Holding AB", "country": "SE"}, "owner", dt.date(2020, 1, 1), share=70,
           owner_org=holding["org_number"])  # fmt: skip
    r.role(krog, anna, "owner", dt.date(2020, 1, 1), share=30)
    r.role(krog, ceo, "ceo", dt.date(2020, 1, 1))
    lender = r.company("Snabblån Norden AB", dt.date(2015, 1, 1))
    r.role(krog, {"name": "Snabblån Norden AB", "country": "SE"}, "financier", dt.date(2025, 1, 1),
           owner_org=lender["org_number"])  # fmt: skip
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register",
                    version="uttag 2026-11-30")  # fmt: skip
    import_own_list(
        csv_bytes([{"name": "Anna Synlig", "birth_date": "1980-02-02", "flag": "revoked", "date": "2023-04-01",
                    "reference": "SOC 2023/7"}], ["name", "birth_date", "flag", "date", "reference"]),
        "Karlstads lista",
        owner=demo_orgs["orgs"]["karlstads-kommun"],
    )  # fmt: skip
    values = case_data(krog, [(ceo, "ceo")], reference="SOC 2026/501")
    case = create_case({**values, "received_on": DAY.isoformat(), "persons": [
        {"name": "Cesar Chef", "birth_date": "1985-03-03", "role": "ceo"}]})  # fmt: skip
    screen(case)
    return {"case": case, "registry": r, "anna": anna, **demo_orgs}


def answer_questionnaire(client, case: Case, token_url: str, **changes) -> object:
    post = {
        "owner_name": ["Anna Synlig", "Påhittad Partner"],
        "owner_identifier": ["", ""],
        "owner_share": ["30", "70"],
        "financing_name": ["", ""],
        "financing_identifier": ["", ""],
        "financing_kind": ["equity", "equity"],
        "financing_amount": ["", ""],
        "relation_name": [""],
        "relation_identifier": [""],
        "relation_relation": [""],
        "refusals": "no",
        "signed_by": "Cesar Chef",
        **changes,
    }
    return client.post(token_url, post)


def answered(case: Case) -> None:
    """The applicant declares Anna 30 % and a partner who owns nothing, and answers "no earlier refusals"."""
    _link, url = procedure.make_link(case, ApplicantLink.Purpose.QUESTIONNAIRE, None)
    owners = [{"name": "Anna Synlig", "share": "30"}, {"name": "Påhittad Partner", "share": "70"}]
    procedure.submit_questionnaire(url.rstrip("/").rsplit("/", 1)[1], {"owners": owners, "refusals": False,
                                   "signed_by": "Cesar Chef"}, [])  # fmt: skip


def test_the_questionnaire_link_works_once_and_its_answers_become_findings(client, planted, officer):
    case = planted["case"]
    sent = procedure.send_questionnaire(case, None, email="sokande@example.se", language="en")
    assert sent.mailed and mail.outbox[-1].to == ["sokande@example.se"] and sent.url in mail.outbox[-1].body
    path = sent.url.split("127.0.0.1:8000")[-1] if "127.0.0.1" in sent.url else sent.url
    page = client.get(path)
    assert page.status_code == 200 and b"Questions about your application" in page.content
    assert b"Hugo Dold" not in page.content  # the registry is not shown to the applicant
    document = io.BytesIO(PDF)
    document.name = "aktiebok.pdf"
    response = answer_questionnaire(client, case, path, documents=document)
    assert response.status_code == 200, response.content[:2000]
    assert client.get(path).status_code == 410  # used up
    run = case.runs.first()
    found = {f.code: f for f in run.findings.filter(kind=Finding.Kind.DECLARATION)}
    # Påhittad Partner owns nothing; Hugo Dold owns 70 % through the holding and is not declared; the lender is not
    # declared; Anna's revoked licence was answered "no"
    assert set(found) == {"declared_owner_not_in_registry", "owner_not_declared", "financier_not_declared",
                          "refusal_not_declared"}, {c: f.summary for c, f in found.items()}  # fmt: skip
    assert "Hugo Dold" in found["owner_not_declared"].summary and "70 %" in found["owner_not_declared"].summary
    assert found["declared_owner_not_in_registry"].party.entity.name == "Påhittad Partner"
    assert found["declared_owner_not_in_registry"].evidence["declared"] == "Påhittad Partner (70 %)"
    assert case.parties.filter(declared_in__startswith="questionnaire").count() == 2
    english = ("Public records of the companies registry", "Published sanctions lists", "own decisions")
    assert not [v for v in run.versions if any(e in v["legal_basis"] for e in english)]  # the record stays Swedish
    assert CaseDocument.objects.get(case=case).sha256 and case.answers.get().language == "en"
    assert AuditEvent.objects.for_purpose(case).filter(actor_label=procedure.APPLICANT).exists()


def test_a_wrong_answer_keeps_the_link_and_stores_nothing(client, planted):
    case = planted["case"]
    sent = procedure.send_questionnaire(case, None, email="")
    assert not sent.mailed
    path = "/ansokan/" + sent.url.rsplit("/ansokan/", 1)[1]
    bad = io.BytesIO(b"MZ not a pdf")
    bad.name = "virus.exe"
    response = answer_questionnaire(client, case, path, documents=bad)
    assert response.status_code == 400 and "virus.exe" in response.content.decode()
    assert "Påhittad Partner" in response.content.decode()  # what was written is kept in the form
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * procedure.MAX_DOCUMENT)
    big.name = "stor.pdf"
    response = answer_questionnaire(client, case, path, documents=big)
    assert response.status_code == 400 and "stor.pdf: större än 10 MB." in response.content.decode()
    response = answer_questionnaire(client, case, path, owner_share=["30", "170"], signed_by="")
    text = response.content.decode()  # every mistake at once
    assert response.status_code == 400 and "Ägare 2: andelen är ett tal från 0 till 100." in text
    assert "Skriv ditt namn sist" in text
    response = answer_questionnaire(client, case, path, owner_identifier=["19800101-0000", ""])
    assert (
        response.status_code == 400
        and "inte ett giltigt person- eller organisationsnummer" in response.content.decode()
    )
    assert not case.answers.exists() and not CaseDocument.objects.exists()
    assert not case.parties.filter(declared_in__startswith="questionnaire").exists()
    assert client.get(path).status_code == 200  # still works


def test_an_expired_or_unknown_link_is_refused(client, planted):
    link, url = procedure.make_link(planted["case"], ApplicantLink.Purpose.QUESTIONNAIRE, None, days=1)
    ApplicantLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get("/ansokan/" + url.rsplit("/ansokan/", 1)[1]).status_code == 410
    assert client.get("/ansokan/guessed-token/").status_code == 410


def test_an_authority_answer_is_a_finding_with_its_source_and_raises_the_recommendation(planted):
    case = planted["case"]
    officer = planted["users"]["karlstad.granskare"]
    assert case.runs.first().recommendation != "serious"
    request = procedure.send_request(case, officer, authority="police", address="registrator@polisen.se",
                                     text="Polisens yttrande om sökanden, tack.",
                                     deadline=timezone.localdate() + dt.timedelta(days=21))  # fmt: skip
    message = mail.outbox[-1]
    assert message.to == ["registrator@polisen.se"] and message.attachments[0][0].endswith(".pdf")
    text = pdf_text(message.attachments[0][1])
    assert "Begäran om yttrande" in text and "Cesar Chef" in text and "1985-03-03" in text
    assert AuditEvent.objects.for_purpose(case).filter(action="disclose").exists()
    with pytest.raises(RecordError):
        procedure.record_answer(request, officer, answered_on=timezone.localdate(), text="Se bilaga",
                                severity="nonsense", judgement="Polisen avstyrker")  # fmt: skip
    run = procedure.record_answer(request, officer, answered_on=timezone.localdate(), their_reference="A-123",
                                  text="Polisen avstyrker: VD:n förekommer i underrättelser om narkotikabrott.",
                                  severity="high", judgement="Polisen avstyrker på grund av VD:ns kopplingar.",
                                  files=[("yttrande.pdf", PDF)])  # fmt: skip
    finding = run.findings.get(kind=Finding.Kind.AUTHORITY)
    assert finding.code == "police_opinion" and finding.severity == "high"
    assert "dnr A-123" in finding.source and finding.evidence["documents"][0]["name"] == "yttrande.pdf"
    assert run.recommendation == "serious"
    with pytest.raises(RecordError, match="redan registrerat"):
        procedure.record_answer(request, officer, answered_on=timezone.localdate(), text="x", severity="info",
                                judgement="Ett annat svar skrivet över")  # fmt: skip


def test_a_decision_against_the_applicant_waits_for_the_hearing(planted):
    case = planted["case"]
    officer = planted["users"]["karlstad.granskare"]
    answered(case)
    run = case.runs.first()
    relied = run.findings.exclude(severity="info").first()
    assert relied is not None, list(run.findings.values_list("code", flat=True))
    other = run.findings.exclude(pk=relied.pk).exclude(severity="info").first()
    ids = [relied.pk]
    # a refusal without any hearing: refused
    with pytest.raises(RecordError, match="inte fått yttra sig"):
        procedure.decide(case, run, officer, outcome="refused", reasons="Sökanden saknar lämplighet. " * 2,
                         finding_ids=ids)  # fmt: skip
    # a grant needs none
    granted_case = create_case({**case_data(planted["registry"].companies[0], [], reference="SOC 2026/502"),
                                "received_on": DAY.isoformat()})  # fmt: skip
    granted_run = screen(granted_case)
    procedure.decide(granted_case, granted_run, officer, outcome="granted", reasons="Inga hinder mot tillstånd.",
                     finding_ids=[])  # fmt: skip
    # the hearing: at least a week; the reply through its link
    with pytest.raises(RecordError, match="minst en vecka"):
        procedure.send_hearing(case, run, officer, finding_ids=ids, deadline=timezone.localdate(),
                               email="a@example.se", letter="")  # fmt: skip
    hearing = procedure.send_hearing(case, run, officer, finding_ids=ids, email="sokande@example.se", letter="",
                                     deadline=timezone.localdate() + dt.timedelta(days=14))  # fmt: skip
    letter = pdf_text(mail.outbox[-1].attachments[0][1])
    assert "Underrättelse före beslut" in letter and "förvaltningslagen 25 §" in letter
    assert relied.summary[:40].split()[0] in letter
    with pytest.raises(RecordError, match="får svara till"):
        procedure.decide(case, run, officer, outcome="refused", reasons="Sökanden saknar lämplighet. " * 2,
                         finding_ids=ids)  # fmt: skip
    token_path = hearing.reply_url.rsplit("/ansokan/", 1)[1].rstrip("/")
    procedure.reply_by_link(token_path, "Uppgifterna stämmer inte; se bifogat.", [("svar.pdf", PDF)])
    hearing.refresh_from_db()
    assert hearing.replied_at is not None and hearing.reply_recorded_by is None
    with pytest.raises(procedure.LinkError):
        procedure.reply_by_link(token_path, "igen")
    # a finding that was not sent cannot be relied on; the reply must be considered
    assert other is not None
    with pytest.raises(RecordError, match="inte kommunicerats"):
        procedure.decide(case, run, officer, outcome="refused", reasons="Sökanden saknar lämplighet. " * 2,
                         finding_ids=[relied.pk, other.pk],
                         reply_considered="Svaret förändrar inte bedömningen eftersom …")  # fmt: skip
    with pytest.raises(RecordError, match="beaktats"):
        procedure.decide(case, run, officer, outcome="refused", reasons="Sökanden saknar lämplighet. " * 2,
                         finding_ids=ids)  # fmt: skip
    decision = procedure.decide(case, run, officer, outcome="refused", reasons="Sökanden saknar lämplighet. " * 2,
                                finding_ids=ids,
                                reply_considered="Sökandens svar har lästs; det motsäger inte registret.")  # fmt: skip
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED and decision.against_applicant
    text = pdf_text(documents.decision_pdf(decision))
    for words in ("Ansökan avslås", "Skäl för beslutet", "Förvaltningsrätten i Karlstad", "tre veckor",
                  relied.source.split(",")[0], procedure.versions_of(relied, run)[0], "Sökanden svarade",
                  "Tillämpliga bestämmelser", "8 kap. 12 § alkohollagen"):  # fmt: skip
        assert words in text, words
    word = Document(io.BytesIO(documents.decision_docx(decision)))
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Ansökan avslås" in body and "Hur man överklagar" in body


def test_the_court_file_holds_everything_and_is_reproducible(planted):
    case = planted["case"]
    officer = planted["users"]["karlstad.granskare"]
    answered(case)
    procedure.send_request(case, officer, authority="tax", address="skatt@example.se", text="Skatteförhållanden, tack.",
                           deadline=timezone.localdate() + dt.timedelta(days=10))  # fmt: skip
    run = case.runs.first()
    LicenceDecision.objects.create(case=case, run=run, outcome="granted", reasons="Inga hinder mot tillstånd.")
    first, second = documents.bundle_json(case), documents.bundle_json(case)
    assert first == second  # built from the stored rows alone
    data = json.loads(first)
    assert data["case"]["reference"] == "SOC 2026/501"
    assert data["screenings"][-1]["data_versions"] and data["screenings"][-1]["findings"]
    assert data["questionnaire"][0]["answers"]["signed_by"] == "Cesar Chef"
    assert data["requests"][0]["authority"] == "tax" and data["decisions"][0]["outcome"] == "granted"
    assert any(p["entity"]["schema"] == "Company" for p in data["parties"])
    archive = zipfile.ZipFile(io.BytesIO(documents.court_file_zip(case)))
    assert {"domstolsakt.pdf", "domstolsakt.json"} <= set(archive.namelist())
    text = pdf_text(archive.read("domstolsakt.pdf"))
    for words in ("Innehåll", "Remisser och svar", "Granskningar, fynd och källor", "Händelselogg",
                  "Skatteförhållanden"):  # fmt: skip
        assert words in text, words


def test_the_officer_walks_the_pages(client, planted, officer):
    case = planted["case"]
    c = officer("karlstad.granskare")
    page = c.get(f"/granskning/arenden/{case.pk}/handlaggning/")
    assert page.status_code == 200 and "Handläggning".encode() in page.content
    response = c.post(f"/granskning/arenden/{case.pk}/formular/", {"email": "", "language": "sv", "days": "14"})
    assert response.status_code == 302
    page = c.get(f"/granskning/arenden/{case.pk}/handlaggning/")
    assert b"/ansokan/" in page.content  # the new link, shown once
    assert b"/ansokan/" not in c.get(f"/granskning/arenden/{case.pk}/handlaggning/").content
    response = c.post(f"/granskning/arenden/{case.pk}/remiss/", {"authority": "police", "address": "p@example.se",
                      "deadline": "2020-01-01", "text": "En begäran om yttrande."})  # fmt: skip
    assert not case.requests.exists()  # a deadline in the past: nothing sent
    assert c.get(f"/granskning/arenden/{case.pk}/akt/").status_code == 200
    edit = c.get("/granskning/formular/1780/serveringstillstand/")
    assert edit.status_code == 200
    c.post("/granskning/formular/1780/serveringstillstand/", {"intro_sv": "Vår egen inledning.", "intro_en": "",
           "question_sv": ["Har ni haft ordningsproblem?"], "question_en": [""]})  # fmt: skip
    sent = procedure.send_questionnaire(case, None, email="")
    public = client.get("/ansokan/" + sent.url.rsplit("/ansokan/", 1)[1])
    text = public.content.decode()
    assert "Vår egen inledning." in text and "Har ni haft ordningsproblem?" in text


def test_retention_deletes_the_whole_procedure_with_the_case(planted):
    from trygg.screening.cases import delete_expired
    from trygg.screening.models import AuthorityRequest, Entity, Hearing, QuestionnaireAnswer

    case = planted["case"]
    officer = planted["users"]["karlstad.granskare"]
    answered(case)
    request = procedure.send_request(case, officer, authority="rescue", address="r@example.se",
                                     text="Brandskyddet i lokalen, tack.",
                                     deadline=timezone.localdate() + dt.timedelta(days=9))  # fmt: skip
    procedure.record_answer(request, officer, answered_on=timezone.localdate(), text="Inga brister.",
                            severity="info", judgement="Inga brister i brandskyddet.",
                            files=[("b.pdf", PDF)])  # fmt: skip
    run = case.runs.first()
    hearing = procedure.send_hearing(case, run, officer, email="", letter="",
                                     finding_ids=[run.findings.exclude(severity="info").first().pk],
                                     deadline=timezone.localdate() + dt.timedelta(days=8))  # fmt: skip
    LicenceDecision.objects.create(case=case, run=run, hearing=hearing, outcome="refused", reasons="Skäl " * 5)
    declared = list(case.parties.filter(declared_in__startswith="questionnaire").values_list("entity_id", flat=True))
    Case.objects.filter(pk=case.pk).update(retention_until=timezone.localdate() - dt.timedelta(days=1))
    assert delete_expired()["cases"] == 1
    for model in (Case, QuestionnaireAnswer, AuthorityRequest, Hearing, LicenceDecision, CaseDocument, ApplicantLink):
        assert not model.objects.exists(), model
    assert not Entity.objects.filter(pk__in=declared).exists()  # the persons the applicant declared go too


def test_findings_heard_in_an_earlier_kommunicering_count_after_a_new_screening(planted):
    """A finding sent in a first kommunicering (deadline passed) may be relied on after the case is screened again;
    one sent in a second, still open, may not until its reply or deadline."""
    case = planted["case"]
    officer = planted["users"]["karlstad.granskare"]
    answered(case)
    run = case.runs.first()
    first, second = list(run.findings.exclude(severity="info").order_by("id"))[:2]
    today = timezone.localdate()
    early = procedure.send_hearing(case, run, officer, finding_ids=[first.pk], email="", letter="",
                                   deadline=today + dt.timedelta(days=7))  # fmt: skip
    type(early).objects.filter(pk=early.pk).update(deadline=today - dt.timedelta(days=1))  # its time has passed
    procedure.send_hearing(case, run, officer, finding_ids=[second.pk], email="", letter="",
                           deadline=today + dt.timedelta(days=10))  # fmt: skip
    rerun = screen(case)  # new finding ids, same findings
    again = {procedure.finding_key(f): f.pk for f in rerun.findings.all()}
    both = [again[procedure.finding_key(first)], again[procedure.finding_key(second)]]
    with pytest.raises(RecordError, match="får svara till"):
        procedure.decide(case, rerun, officer, outcome="refused", reasons="Skälen för avslaget är dessa. ",
                         finding_ids=both)  # fmt: skip
    decision = procedure.decide(case, rerun, officer, outcome="conditions", reasons="Villkor på grund av fyndet. ",
                                finding_ids=both[:1], conditions="Serveringen slutar kl. 01.")  # fmt: skip
    assert decision.hearing_id == early.pk and decision.cited[0]["code"] == first.code


def test_a_second_answer_replaces_the_first_and_its_shares_are_compared(planted):
    """The first answer names a partner who owns nothing and denies earlier refusals; the second, through a new link,
    names Anna with 60 % (30 % in the registry) and Hugo with 70 % (his through the holding), and declares the
    revocation: the partner is gone from the screening and Anna's share differs; the holding Hugo owns through and
    the lender are still not declared."""
    case = planted["case"]
    answered(case)
    first = {f.code for f in case.runs.first().findings.filter(kind=Finding.Kind.DECLARATION)}
    assert {"declared_owner_not_in_registry", "refusal_not_declared"} <= first
    _link, url = procedure.make_link(case, ApplicantLink.Purpose.QUESTIONNAIRE, None)
    owners = [{"name": "Anna Synlig", "share": "60"}, {"name": "Hugo Dold", "share": "70"}]
    procedure.submit_questionnaire(url.rstrip("/").rsplit("/", 1)[1], {"owners": owners, "refusals": True,
                                   "refusals_details": "SOC 2023/7", "signed_by": "Cesar Chef"}, [])  # fmt: skip
    run = case.runs.first()
    found = [(f.code, f.summary) for f in run.findings.filter(kind=Finding.Kind.DECLARATION)]
    codes = dict(found)
    assert set(codes) == {"declared_share_differs", "owner_not_declared", "financier_not_declared"}, found
    assert "Anna Synlig" in codes["declared_share_differs"] and "30 %" in codes["declared_share_differs"]
    assert codes["owner_not_declared"].startswith("Enligt registret ägde Hamn Holding AB 70 %")
    assert not run.findings.filter(party__entity__name="Påhittad Partner").exists()


def test_a_received_file_name_cannot_break_the_download_header():
    assert procedure.safe_name('svar"; filename="x.exe\r\n.pdf') == "svar__ filename__x.exe__.pdf"
    assert procedure.safe_name("") == "handling.pdf" and procedure.safe_name("Årsredovisning 2025.pdf").startswith("Å")


def test_a_hit_by_the_same_number_says_so_rather_than_alike(screening_data):
    """A party whose personal number is the listed one's is the same person: the finding (and a decision citing it)
    says "har samma … nummer som", not "Jonas Wik liknar Jonas Wik"."""
    d = screening_data
    case = create_case(case_data(d["clean"], [(d["revoked"], "board_member")], municipality="1880",
                                 reference="SOC 2026/77"))  # fmt: skip
    summaries = [f.summary for f in screen(case).findings.filter(kind=Finding.Kind.WATCHLIST)]
    assert any("Jonas Wik" in s and "har samma person- eller organisationsnummer som Jonas Wik" in s
               for s in summaries), summaries  # fmt: skip
    assert not any("Jonas Wik liknar Jonas Wik" in s for s in summaries)
