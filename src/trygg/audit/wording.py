"""Audit entries as people read them: the ``summary`` is the technical record (English, stable for scripts and
the CSV); these patterns give the interface's wording of the common ones. An entry no pattern knows is shown as
it was recorded."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

SCHEMAS = {"Person": _("a person"), "Company": _("a company"), "Organization": _("an organisation"),
           "LegalEntity": _("a legal entity")}  # fmt: skip
RECOMMENDATIONS = {"none": _("no risk"), "lesser": _("lesser degree of risk"), "serious": _("serious degree of risk")}
JUDGEMENTS = {"same": _("the same person or company"), "different": _("not the same")}
# the roles of members (trygg.orgs.models.Role), for the administration's entries
ROLES = {
    "reporter": _("Reporter"),
    "coordinator": _("Coordinator / analyst"),
    "org_admin": _("Organisation admin"),
    "screening_officer": _("Screening officer"),
    "viewer": _("Viewer"),
    "business_check": _("Business check (affärskontroll)"),
}

# what a refused user tried (trygg.orgs.restrict: a rule's action, or the page-level rule ``require`` names)
REFUSED = {
    "view": _("to open it"),
    "change": _("to change it"),
    "coordinate": _("to coordinate"),
    "report": _("to report"),
    "residents": _("residents' data"),
    "screen": _("screening"),
    "handle": _("to handle it"),
    "manage": _("to manage it"),
    "learn": _("the experience of the measure"),
    "administer": _("to administer it"),
    "answer": _("to answer the request"),
    "member": _("an organisation the user is not a member of"),
    "forwarding": _("forwarding to departments"),
    "import incidents": _("to import incidents"),
    "jobs": _("the scheduled jobs"),
    "business check": _("the company check (business check)"),
    "new measure": _("a new measure"),
    "new problem place": _("a new problem place"),
    "residents' data": _("residents' data"),
    "sign-in mappings": _("the sign-in mappings"),
    "remove a partner of another municipality": _("to take another municipality's partner out of a cooperation"),
}
REFUSED_NUMBERED = {"evaluate measure": _("to evaluate measure %(n)s"), "write meeting": _("to write meeting %(n)s")}

PATTERNS: list[tuple[re.Pattern, object]] = [
    (re.compile(r"^case list$"), _("the list of cases")),
    (re.compile(r"^case viewed$"), _("opened the case")),
    (re.compile(r"^case (?P<ref>.+)$"), _("case %(ref)s")),
    (re.compile(r"^match judged (?P<judgement>same|different)$"), _("judged the match: %(judgement)s")),
    (re.compile(r"^(?P<schema>Person|Company|Organization|LegalEntity) viewed$"), _("opened %(schema)s")),
    (re.compile(r"^register extract for the data subject$"), _("a register extract for the data subject")),
    (re.compile(r"^entity outside the case's data$"), _("a person or company outside the case's data")),
    (
        re.compile(r"^screening run (?P<run>\d+): (?P<recommendation>\w+)$"),
        _("screening %(run)s: recommendation %(recommendation)s"),
    ),
    (
        re.compile(r"^screening run (?P<run>\d+) as of (?P<day>\d{4}-\d\d-\d\d): (?P<recommendation>\w+)$"),
        _("screening %(run)s as of %(day)s: recommendation %(recommendation)s"),
    ),
    (
        re.compile(r"^network viewed: (?P<shown>\d+) of (?P<reached>\d+) entities shown(?:, expanded (?P<open>.+))?$"),
        _("opened the network: %(shown)s of %(reached)s shown"),
    ),
    (re.compile(r"^second factor verified$"), _("confirmed the second factor")),
    (re.compile(r"^second factor set up$"), _("set up a second factor")),
    (re.compile(r"^second factor removed$"), _("removed the second factor")),
    (re.compile(r"^search: (?P<query>.*) \((?P<hits>\d+) hits\)$"), _("search for “%(query)s” (%(hits)s hits)")),
    (re.compile(r"^screening log(?: .*)?$"), _("read the screening log")),
    (re.compile(r"^deleted after the retention period$"), _("deleted after the retention period")),
    (
        re.compile(r"^(?P<n>\d+) judgements deleted after the retention period$"),
        _("%(n)s judgements deleted after the retention period"),
    ),
    # administration (trygg.orgs.views)
    (re.compile(r"^invitation sent to (?P<email>\S+) as (?P<role>\w+)$"), _("invited %(email)s as %(role)s")),
    (re.compile(r"^invitation withdrawn for (?P<email>\S+)$"), _("withdrew the invitation of %(email)s")),
    (
        re.compile(r"^invitation accepted by (?P<username>\S+) as (?P<role>\w+)$"),
        _("%(username)s accepted the invitation as %(role)s"),
    ),
    (
        re.compile(r"^role of (?P<username>\S+): (?P<old>\w+) -> (?P<new>\w+)$"),
        _("changed the role of %(username)s from %(old)s to %(new)s"),
    ),
    (
        re.compile(r"^member removed and deactivated: (?P<username>\S+) \((?P<role>\w+)\)$"),
        _("removed %(username)s (%(role)s); the account is closed"),
    ),
    (re.compile(r"^member removed: (?P<username>\S+) \((?P<role>\w+)\)$"), _("removed %(username)s (%(role)s)")),
    (re.compile(r"^partner added: (?P<org>.+)$"), _("added %(org)s to the cooperation")),
    (
        re.compile(r"^partner requested: (?P<org>.+) \(waiting for (?P<names>.+)\)$"),
        _("asked to add %(org)s to the cooperation (waiting for %(names)s)"),
    ),
    (
        re.compile(r"^partner request accepted: (?P<org>.+) for (?P<names>.+)$"),
        _("accepted %(org)s into the cooperation for %(names)s"),
    ),
    (re.compile(r"^partner request declined: (?P<org>.+)$"), _("declined %(org)s as a partner of the cooperation")),
    (re.compile(r"^partner request withdrawn: (?P<org>.+)$"), _("withdrew the request to take in %(org)s")),
    (
        re.compile(r"^last admin kept: (?P<username>\S+)$"),
        _("%(username)s stays admin: the identity provider's groups would have left the organisation without one"),
    ),
    (re.compile(r"^refused: invitation for a closed account$"), _("an invitation for a closed account was refused")),
    (re.compile(r"^account reopened$"), _("reopened the account")),
    (re.compile(r"^account closed$"), _("closed the account")),
    (re.compile(r"^partner removed: (?P<org>.+)$"), _("removed %(org)s from the cooperation")),
    (re.compile(r"^organisation created: (?P<org>.+)$"), _("created the organisation %(org)s")),
    (re.compile(r"^sharing changed$"), _("changed what the cooperation shares")),
    (re.compile(r"^named place (?P<name>.+)$"), _("the named place %(name)s")),
    (re.compile(r"^refused: (?P<refused>.+)$"), _("refused: %(refused)s")),
]


def _refused(what: str) -> str:
    if what in REFUSED:
        return str(REFUSED[what])
    head, _space, number = what.rpartition(" ")
    if head in REFUSED_NUMBERED and number.isdigit():
        return str(REFUSED_NUMBERED[head]) % {"n": number}
    return what


def detail(summary: str) -> str:
    for pattern, wording in PATTERNS:
        match = pattern.match(summary)
        if match:
            values = dict(match.groupdict())
            if "schema" in values:
                values["schema"] = str(SCHEMAS[values["schema"]])
            if "recommendation" in values:
                values["recommendation"] = str(RECOMMENDATIONS.get(values["recommendation"], values["recommendation"]))
            if "judgement" in values:
                values["judgement"] = str(JUDGEMENTS[values["judgement"]])
            if "refused" in values:
                values["refused"] = _refused(values["refused"])
            for key in ("role", "old", "new"):
                if key in values:
                    values[key] = str(ROLES.get(values[key], values[key]))
            return str(wording) % values if values else str(wording)
    return summary


def action(event) -> str:
    """The verb: a match is judged, not decided."""
    if event.action == "decide" and event.summary.startswith("match judged"):
        return str(_("judged"))
    return str(event.get_action_display())
