"""Who may open which page: one table for every URL of Trygg, checked from the outside by
``tests/test_access_matrix.py`` (which fails when a page is missing here).

The rules themselves are enforced in :mod:`trygg.orgs.access` and the screening views; this table says what
they add up to for each page, for a security officer to read and for the test to check. In plain words:

* **Anyone** (no login): the residents' pages — the start page, the tip and receipt forms, the public map,
  open surveys, a tip's receipt page and its status page (by the tip's unguessable id), "what we do" — and the
  Open311 API (the public read: no descriptions, no contact details, positions rounded to about 100 m), the
  login and password-reset pages.
* **Every other page needs a login**: a visitor who is not logged in is sent to the login page (302).
* **Any logged-in user**: lists that show only what the user may see (the start page, the measures and the
  meetings, the shared experience, the lägesbild chooser and comparison), their own account page, the password
  change and two-step verification (a user who has set it up opens no other page before entering the code).
* **Members who reach the municipality** — their organisation works there, or cooperates with an organisation
  working there in a cooperation that shares incidents: the municipality's dashboard, incident list, lägesbild
  and its exports, measures, problem places, agreements, the action plan and survey results.
* **Incidents**: the reporting organisation sees its own whatever their visibility; members who reach the
  incident's municipality (or, for a county-level police event, its county) see those visible to partners or
  the public — an *internal* incident of another organisation is refused. Editing: reporters, coordinators and
  organisation admins of the reporting organisation, and coordinators of organisations working in the
  incident's own municipality (not internal incidents). Reporting and importing: reporters, coordinators and
  organisation admins of any organisation.
* **Measures and problem places** are edited by the owning or a participating organisation and by the
  coordinators of organisations working in the measure's own municipality; a partner municipality in the same
  cooperation reads but does not edit. A new measure, problem place or agreement: an organisation working in
  the municipality must be the user's (with a reporting role), or the user coordinates there; agreements are
  written by the municipality's coordinators only.
* **Meetings** belong to a cooperation: its members read them; coordinators write the minutes and decisions.
* **Residents' data** (tips, their photos, receipt reports, survey management): coordinators and organisation
  admins of the municipality's *own* organisation — what residents are told. The police and other partners do
  not read residents' messages.
* **Forwarding residents' tips to a department's own system** (Open311 destinations, the forwarded tips, "try
  again now", sending a tip by hand): the same coordinators and organisation admins of the municipality's own
  organisation; a destination or forwarding of another municipality is refused (403).
* **Screening**: only screening officers, logged in with a second factor (an officer without one is sent to
  the verification page, 302); a case and everything about it only for officers of the municipality that owns
  the case. A person or company is shown only for a case, and only when it is one of the case's parties or in a
  registry or list the case may use (otherwise 404). Superusers do not see screening either.

* **Administration** (the "Administration" page lists what the user administers; any logged-in user may open
  it): an organisation's members, roles and invitations — its **organisation admins**; a cooperation's member
  organisations and what it shares — the **organisation admins of a municipality organisation in the
  cooperation** (the municipality carries the cooperation; partners join it); a municipality's named places and
  areas — its **coordinators** (coordinators and admins of an organisation working there). An organisation's
  last admin cannot be demoted or removed, nor a cooperation's last municipality. The link in an invitation is
  open to anyone (it is signed, expires and works once; a used, expired or forged one is refused with a
  message).

* **Safety walks** (trygghetsvandringar): planned, changed, started and finished by the coordinators of an
  organisation working in the walk's municipality, who also turn its stops into incidents or measures; the walk's
  page, its stop form, photos and report are for the users taking part, the members of its organising and
  participating organisations and those coordinators — a partner municipality in the same cooperation does not
  see them. A cooperation's checklists are listed to its members and edited or copied by those who coordinate.

* **Partners' company check** (affärskontroll): members with the business-check role, given by their organisation
  admin, check a company against the sanctions lists and the registry; a check's receipt is only for the member who
  made it (not their admin, not superusers: every check is in the audit log). A concern they send ("Tipsa
  kommunen") is read and marked handled by the screening officers of the municipality it went to, with a second
  factor.

Superusers may do everything except the screening, the partners' company check, and reading the meetings of
cooperations they are not in.

Refusals: a logged-in user outside the rule gets **403** (the page exists, the user may not see it). An object
that does not belong to the municipality or case named in the URL (a measure of Örebro under ``/atgarder/1780/``,
another case's party or entity) is **404** once the municipality or case itself may be seen; a lägesbild progress
row computed for another person's view of the data is **404** too. Pages that only take a POST answer a GET
with **405** to those who pass the login (and, for the screening, the officer check); the POST itself follows
the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Who(StrEnum):
    """Who a rule lets in; the words are what a security officer reads."""

    ANYONE = "anyone"
    LOGGED_IN = "logged_in"
    REPORTERS = "reporters"
    REACH = "reach"
    INCIDENT_READERS = "incident_readers"
    INCIDENT_EDITORS = "incident_editors"
    MEASURE_CREATORS = "measure_creators"
    MEASURE_EDITORS = "measure_editors"
    MUNICIPALITY_COORDINATORS = "municipality_coordinators"
    ANY_COORDINATOR_IN_COOPERATION = "any_coordinator_in_cooperation"
    COOPERATION_MEMBERS = "cooperation_members"
    REPORT_SCOPE = "report_scope"
    RESIDENT_DATA = "resident_data"
    RESIDENT_DATA_ANYWHERE = "resident_data_anywhere"
    SCREENING_OFFICERS = "screening_officers"
    CASE_OFFICERS = "case_officers"
    CASE_DATA = "case_data"
    ORG_ADMINS = "org_admins"
    ORGANISATION_ADMINS = "organisation_admins"
    COOPERATION_ADMINS = "cooperation_admins"
    PARTNER_REQUEST_ANSWERERS = "partner_request_answerers"
    WALK_PARTICIPANTS = "walk_participants"
    BUSINESS_CHECKERS = "business_checkers"
    CHECK_MAKER = "check_maker"
    CONCERN_OFFICERS = "concern_officers"


WORDS: dict[Who, str] = {
    Who.ANYONE: "Anyone, without logging in.",
    Who.LOGGED_IN: "Any logged-in user (the page shows only what the user may see).",
    Who.REPORTERS: "Reporters, coordinators and organisation admins of any organisation.",
    Who.REACH: "Members of an organisation that works in the municipality, or that cooperates (sharing "
    "incidents) with one working there.",
    Who.INCIDENT_READERS: "The reporting organisation's members; for incidents visible to partners or the public, "
    "also members who reach the incident's municipality (or its county, for a county-level police event).",
    Who.INCIDENT_EDITORS: "Reporters, coordinators and admins of the reporting organisation; coordinators and "
    "admins of an organisation working in the incident's municipality (not internal incidents).",
    Who.MEASURE_CREATORS: "Members who reach the municipality and either have a reporting role in an organisation "
    "working there or coordinate there.",
    Who.MEASURE_EDITORS: "Reporters, coordinators and admins of the owning or a participating organisation; "
    "coordinators and admins of an organisation working in the measure's own municipality.",
    Who.MUNICIPALITY_COORDINATORS: "Coordinators and admins of an organisation working in the municipality.",
    Who.ANY_COORDINATOR_IN_COOPERATION: "Members of the cooperation who coordinate somewhere.",
    Who.COOPERATION_MEMBERS: "Members of an organisation in the meeting's cooperation (superusers only as members).",
    Who.REPORT_SCOPE: "Members who reach the municipality and whose view of the data the report was computed for "
    "(what partners see, plus the internal reports of the same organisations); others who reach it get 404.",
    Who.RESIDENT_DATA: "Coordinators and admins of the municipality's own organisation (the municipality).",
    Who.RESIDENT_DATA_ANYWHERE: "Coordinators and admins of some municipality's own organisation (the page lists "
    "only their municipalities).",
    Who.ORG_ADMINS: "Organisation admins of any organisation (and superusers).",
    Who.ORGANISATION_ADMINS: "Organisation admins of the organisation in the URL (and superusers).",
    Who.COOPERATION_ADMINS: "Organisation admins of a municipality organisation that is a member of the cooperation "
    "(and superusers).",
    Who.PARTNER_REQUEST_ANSWERERS: "Organisation admins of the own (municipality) organisation of a municipality "
    "the request asks (and superusers).",
    Who.WALK_PARTICIPANTS: "The users taking part in the safety walk and the members of its organising and "
    "participating organisations; coordinators and admins of an organisation working in the walk's municipality.",
    Who.SCREENING_OFFICERS: "Screening officers of a municipality, with a second factor.",
    Who.CASE_OFFICERS: "Screening officers of the municipality that owns the case, with a second factor.",
    Who.BUSINESS_CHECKERS: "Members with the business-check role (affärskontroll) in any organisation (superusers not "
    "included).",
    Who.CHECK_MAKER: "The member who made the company check, while they hold the business-check role (not their "
    "organisation admin, not superusers).",
    Who.CONCERN_OFFICERS: "Screening officers of the municipality the partner's concern was sent to, with a second "
    "factor.",
    Who.CASE_DATA: "Screening officers of the case's municipality, with a second factor, for an entity that is a "
    "party of the case or in a registry or list the case may use (otherwise 404).",
}


@dataclass(frozen=True)
class Rule:
    """The expectation for one URL pattern on GET.

    ``who`` may use the page; ``get`` is what they get on GET (405 for POST-only pages, 302 for a page that
    redirects). For POST-only pages, ``gate`` is who passes the decorators in front of the POST check (they get
    ``get``); the POST itself follows ``who``. ``denied`` is what a logged-in user outside the rule gets,
    ``anonymous`` what a visitor who is not logged in gets (302: to the login page), ``unverified`` what a
    screening officer without a second factor gets (302: to the verification page), ``outside`` what a user
    who may see the municipality or case in the URL gets for an object that does not belong to it.
    """

    who: Who
    get: int = 200
    gate: Who | None = None
    denied: int = 403
    anonymous: int = 302
    unverified: int | None = None
    outside: int = 404
    note: str = ""

    @property
    def words(self) -> str:
        text = WORDS[self.who]
        if self.gate is not None:
            text = f"POST only; a GET answers {self.get} to: {WORDS[self.gate]} The POST: {text}"
        return f"{text} {self.note}".strip()


PUBLIC = Rule(Who.ANYONE, anonymous=200, denied=200)
LOGGED_IN = Rule(Who.LOGGED_IN)
REACH = Rule(Who.REACH)
RESIDENT_DATA = Rule(Who.RESIDENT_DATA)
SCREENING = Rule(Who.SCREENING_OFFICERS, unverified=302)
CASE = Rule(Who.CASE_OFFICERS, unverified=302)
CASE_POST = Rule(Who.CASE_OFFICERS, get=405, gate=Who.SCREENING_OFFICERS, unverified=302)

ACCESS: dict[str, Rule] = {
    # start page, accounts
    "site:home": Rule(Who.ANYONE, anonymous=200, denied=200, note="Anonymous visitors get the public start page."),
    "login": PUBLIC,
    "logout": Rule(Who.ANYONE, get=405, anonymous=405, denied=405, note="Logging out is a POST."),
    "account": LOGGED_IN,
    "two_factor_verify": Rule(Who.LOGGED_IN, note="Sets up an authenticator app, or asks for its code."),
    "two_factor_off": Rule(Who.LOGGED_IN, get=405, gate=Who.LOGGED_IN, note="Needs a current code."),
    "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": Rule(Who.ANYONE, anonymous=200, denied=200, note="A wrong link says so (200)."),
    "password_reset_complete": PUBLIC,
    "core:messages": Rule(Who.LOGGED_IN, note="The user's own choice of e-mails."),
    "core:unsubscribe": Rule(
        Who.ANYONE, anonymous=200, denied=200, note="The signed link in a message; a forged one is refused (400)."
    ),
    "core:service_worker": Rule(Who.ANYONE, anonymous=200, denied=200, note="The service worker script (no data)."),
    "core:manifest": Rule(Who.ANYONE, anonymous=200, denied=200, note="The web app manifest (no data)."),
    "core:outbox_session": Rule(
        Who.ANYONE, anonymous=200, denied=200, note="Who is logged in and a form token, for the service worker."
    ),
    "core:offline": Rule(Who.ANYONE, anonymous=200, denied=200, note="The page shown without network (no data)."),
    "set_language": Rule(
        Who.ANYONE, get=302, anonymous=302, denied=302, note="The language menu: a POST sets it; back to the page."
    ),
    "site:jobs": Rule(Who.ORG_ADMINS, note="The scheduled jobs, their last run and outcome."),
    # administration
    "orgs:admin": Rule(Who.LOGGED_IN, note="Lists only what the user administers."),
    "sso:start": Rule(
        Who.ANYONE,
        get=302,
        anonymous=302,
        denied=302,
        note="Off to the identity provider (404 for one not configured).",
    ),
    "sso:callback": Rule(
        Who.ANYONE,
        get=400,
        anonymous=400,
        denied=400,
        note="Without the provider's code and this session's state: 400.",
    ),
    "sso:mappings": Rule(
        Who.ORG_ADMINS,
        note="Which group at which identity provider gives which role: only in the organisations they administer.",
    ),
    "sso:mapping_delete": Rule(
        Who.ORGANISATION_ADMINS, get=405, gate=Who.LOGGED_IN, note="The mapping's organisation."
    ),
    "orgs:members": Rule(Who.ORGANISATION_ADMINS),
    "orgs:member": Rule(Who.ORGANISATION_ADMINS),
    "orgs:member_remove": Rule(Who.ORGANISATION_ADMINS, get=405, gate=Who.LOGGED_IN),
    "orgs:invite": Rule(Who.ORGANISATION_ADMINS),
    "orgs:invitation_withdraw": Rule(Who.ORGANISATION_ADMINS, get=405, gate=Who.LOGGED_IN),
    "orgs:accept": Rule(
        Who.ANYONE,
        anonymous=200,
        denied=200,
        note="The signed link of an invitation; a logged-in user is told to log out unless the address is theirs. "
        "A forged link is 400; an expired, used or withdrawn one 410.",
    ),
    "orgs:cooperation": Rule(Who.COOPERATION_ADMINS),
    "orgs:cooperation_partner": Rule(Who.COOPERATION_ADMINS),
    "orgs:cooperation_remove": Rule(Who.COOPERATION_ADMINS, get=405, gate=Who.LOGGED_IN),
    "orgs:partner_request": Rule(
        Who.PARTNER_REQUEST_ANSWERERS,
        note="Accept or decline taking an organisation that works in their municipality into a cooperation.",
    ),
    "orgs:partner_request_withdraw": Rule(
        Who.COOPERATION_ADMINS,
        get=405,
        gate=Who.LOGGED_IN,
        note="Take back a request to another municipality that is still waiting.",
    ),
    "orgs:places": Rule(Who.MUNICIPALITY_COORDINATORS),
    "orgs:place_new": Rule(Who.MUNICIPALITY_COORDINATORS),
    "orgs:place_edit": Rule(Who.MUNICIPALITY_COORDINATORS),
    "orgs:place_delete": Rule(Who.MUNICIPALITY_COORDINATORS, note="A place in use (surveys, goals) is not deleted."),
    "citizens:followup": Rule(
        Who.ANYONE, anonymous=200, denied=200, note="The signed yes/no link of a follow-up; a forged one is 400."
    ),
    # incidents
    "incidents:dashboard": REACH,
    "incidents:list": REACH,
    "incidents:detail": Rule(Who.INCIDENT_READERS),
    "incidents:edit": Rule(Who.INCIDENT_EDITORS),
    "incidents:photo": Rule(
        Who.INCIDENT_READERS, note="A photo taken with the report, for those who see the incident."
    ),
    "incidents:report": Rule(Who.REPORTERS),
    "incidents:mine": Rule(Who.LOGGED_IN, note="The user's own reports."),
    "incidents:import": Rule(Who.REPORTERS),
    # lägesbild
    "situation:index": LOGGED_IN,
    "situation:compare": LOGGED_IN,
    "situation:status": Rule(Who.REPORT_SCOPE),
    "situation:report": REACH,
    "situation:pdf": REACH,
    "situation:docx": REACH,
    "situation:json": REACH,
    "situation:csv": REACH,
    "situation:narrative": Rule(Who.MUNICIPALITY_COORDINATORS, get=405, gate=Who.LOGGED_IN),
    # measures, problem places, agreements, meetings
    "measures:index": LOGGED_IN,
    "measures:library": LOGGED_IN,
    "measures:meetings": LOGGED_IN,
    "measures:meeting_new": Rule(
        Who.ANY_COORDINATOR_IN_COOPERATION, get=404, gate=Who.LOGGED_IN, note="A GET names no cooperation (404)."
    ),
    "measures:meeting": Rule(Who.COOPERATION_MEMBERS),
    "measures:place_new": Rule(Who.MEASURE_CREATORS),
    "measures:place_edit": Rule(Who.MEASURE_EDITORS),
    "measures:place": REACH,
    "measures:measure_new": Rule(Who.MEASURE_CREATORS),
    "measures:measure_edit": Rule(Who.MEASURE_EDITORS),
    "measures:measure": REACH,
    "measures:agreement_new": Rule(Who.MUNICIPALITY_COORDINATORS),
    "measures:agreement": REACH,
    "measures:plan": REACH,
    "measures:plan_docx": REACH,
    "measures:public": PUBLIC,
    # residents
    "citizens:receipt_campaign": PUBLIC,
    "citizens:receipt_new": PUBLIC,
    "citizens:tip_new": PUBLIC,
    "citizens:tip_nearby": Rule(Who.ANYONE, anonymous=200, denied=200, note="Per public grid square, rate-limited."),
    "citizens:tip_me_too": Rule(
        Who.ANYONE,
        get=405,
        anonymous=405,
        denied=405,
        note='POST only: "jag också" with a signed token from the nearby answer; a count, rate-limited.',
    ),
    "citizens:tip_thanks": Rule(Who.ANYONE, anonymous=200, denied=200, note="By the tip's unguessable public id."),
    "citizens:tip_status": Rule(
        Who.ANYONE,
        anonymous=200,
        denied=200,
        note="By the tip's unguessable public id, never the short reference: status, date, kind, the municipality's "
        "replies and history, the position rounded as Open311's public read; no description, address, photo, "
        "e-mail or staff names.",
    ),
    "citizens:public_map": PUBLIC,
    "citizens:survey": PUBLIC,
    "citizens:triage": Rule(Who.RESIDENT_DATA_ANYWHERE),
    "citizens:tip_detail": RESIDENT_DATA,
    "citizens:tip_action": Rule(Who.RESIDENT_DATA, get=405, gate=Who.LOGGED_IN),
    "citizens:tip_reply": Rule(Who.RESIDENT_DATA, get=405, gate=Who.LOGGED_IN, note="A public reply to the resident."),
    "citizens:tip_photo": RESIDENT_DATA,
    "citizens:receipt_summary": Rule(Who.RESIDENT_DATA_ANYWHERE),
    "citizens:survey_list": Rule(Who.RESIDENT_DATA_ANYWHERE),
    "citizens:survey_new": RESIDENT_DATA,
    "citizens:survey_results": Rule(Who.REACH, note="Indices of groups of at least 15, places as squares of 5."),
    # forwarding residents' tips to the department that fixes things (trygg.forwarding)
    "forwarding:index": Rule(Who.RESIDENT_DATA_ANYWHERE, note="Destinations of their municipalities only."),
    "forwarding:destination_new": RESIDENT_DATA,
    "forwarding:destination_edit": Rule(Who.RESIDENT_DATA, note="The destination's municipality."),
    "forwarding:forwardings": Rule(Who.RESIDENT_DATA_ANYWHERE, note="Forwarded tips of their municipalities only."),
    "forwarding:retry": Rule(Who.RESIDENT_DATA, get=405, gate=Who.LOGGED_IN, note="The tip's municipality."),
    "forwarding:forward_tip": Rule(Who.RESIDENT_DATA, get=405, gate=Who.LOGGED_IN, note="The tip's municipality."),
    # Open311 (the public read for everyone; a partner key reads more, tested in tests/citizens)
    "open311:base": PUBLIC,
    "open311:discovery": PUBLIC,
    "open311:services": PUBLIC,
    "open311:service": PUBLIC,
    "open311:requests": PUBLIC,
    "open311:request": PUBLIC,
    "open311:token": PUBLIC,
    # safety walks
    "walks:index": Rule(Who.LOGGED_IN, note="Lists the walks the user takes part in or coordinates."),
    "walks:plan": Rule(Who.MUNICIPALITY_COORDINATORS),
    "walks:edit": Rule(Who.MUNICIPALITY_COORDINATORS),
    "walks:walk": Rule(Who.WALK_PARTICIPANTS, note="Kept by the phone for use without network."),
    "walks:stop_new": Rule(Who.WALK_PARTICIPANTS, note="The stop form; a POST sent twice (same key) is stored once."),
    "walks:status": Rule(Who.MUNICIPALITY_COORDINATORS, get=405, gate=Who.LOGGED_IN),
    "walks:report": Rule(Who.WALK_PARTICIPANTS),
    "walks:report_pdf": Rule(Who.WALK_PARTICIPANTS),
    "walks:photo": Rule(Who.WALK_PARTICIPANTS, note="A stop's photo, re-encoded without metadata."),
    "walks:convert": Rule(
        Who.MUNICIPALITY_COORDINATORS, get=405, gate=Who.LOGGED_IN, note="A stop becomes an incident or measure, once."
    ),
    "walks:checklists": Rule(Who.LOGGED_IN, note="The checklists of the user's cooperations."),
    "walks:checklist_edit": Rule(Who.ANY_COORDINATOR_IN_COOPERATION),
    "walks:checklist_copy": Rule(Who.ANY_COORDINATOR_IN_COOPERATION, get=405, gate=Who.LOGGED_IN),
    # screening
    "screening:index": SCREENING,
    "screening:verify": Rule(Who.SCREENING_OFFICERS, unverified=200, note="Where the second factor is entered."),
    "screening:case_new": SCREENING,
    "screening:case": CASE,
    "screening:run": CASE_POST,
    "screening:fetch_registry": CASE_POST,
    "screening:decide": CASE_POST,
    "screening:rescreening_seen": CASE_POST,
    "screening:disclose": CASE_POST,
    "screening:network": CASE,
    "screening:extract": CASE,
    "screening:judge": CASE_POST,
    "screening:entity": Rule(Who.CASE_DATA, unverified=302),
    "screening:search": Rule(Who.CASE_OFFICERS, unverified=302, note="For the case named by ?case=."),
    "screening:datasets": SCREENING,
    "screening:log": Rule(Who.SCREENING_OFFICERS, unverified=302, note="Entries about their municipalities."),
    "screening:questionnaire_edit": Rule(
        Who.CASE_OFFICERS, unverified=302, note="Of the municipality in the URL: its questionnaire for a kind of case."
    ),
    "screening:procedure": CASE,
    "screening:questionnaire_send": CASE_POST,
    "screening:request_send": CASE_POST,
    "screening:request_document": CASE,
    "screening:request_answer": CASE_POST,
    "screening:hearing_send": CASE_POST,
    "screening:hearing_document": CASE,
    "screening:hearing_reply": CASE_POST,
    "screening:licence_decide": CASE_POST,
    "screening:decision_document": CASE,
    "screening:court_file": CASE,
    "screening:case_document": CASE,
    "screening_public:applicant": Rule(
        Who.ANYONE,
        get=410,
        anonymous=410,
        denied=410,
        note="The applicant's one-time link (questionnaire or reply); an unknown, used or expired one answers 410.",
    ),
    # partners' own company check (trygg.partnercheck) and their concerns to the screening officers
    "partnercheck:index": Rule(Who.BUSINESS_CHECKERS, note="A POST runs a check: rate-limited per user, audited."),
    "partnercheck:check": Rule(Who.CHECK_MAKER, note="The receipt; another member's check is refused (403)."),
    "partnercheck:pdf": Rule(Who.CHECK_MAKER, note="The receipt as PDF."),
    "partnercheck:concern_new": Rule(
        Who.CHECK_MAKER,
        get=405,
        gate=Who.BUSINESS_CHECKERS,
        note="“Tipsa kommunen”: to the municipalities of the maker's cooperations only.",
    ),
    "partnercheck:concerns": Rule(
        Who.SCREENING_OFFICERS, unverified=302, note="Concerns sent to their municipalities only."
    ),
    "partnercheck:concern_handled": Rule(Who.CONCERN_OFFICERS, get=405, gate=Who.SCREENING_OFFICERS, unverified=302),
}
