"""Red flags and the recommendation: plain rules over facts gathered for a case (no Django).

The rules follow the Dutch Bibob approach as Swedish municipalities apply it: indications around the
applicant and everyone of significant influence — who manages, owns and finances it — are weighed into a
recommendation of *no*, a *lesser* or a *serious* degree of risk. A person always decides; every flag names
its evidence. Thresholds are configurable (``TRYGG_SCREENING_RULES``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Thresholds:
    front_person_boards: int = 10  # a person on the boards of at least this many companies
    mass_address_companies: int = 20  # at least this many companies registered at the address
    board_change_days: int = 90  # board changes this many days or fewer before the application
    young_company_days: int = 365  # company registered within this many days of the application
    receipt_complaints: int = 3  # "no receipt" reports about the venue
    watchlist_score: float = 0.80  # a name match at or above this is a hit
    watchlist_strong: float = 0.92  # a hit at or above this (or confirmed) counts as strong
    network_hops: int = 3
    hub_cap: int = 50

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class PartyFacts:
    """What the registry says about one party."""

    label: str
    role: str
    is_person: bool
    boards: int = 0  # active board/CEO/signatory roles in companies
    id_kind: str = ""  # "personnummer", "samordningsnummer" or ""
    country: str = ""  # address country (ISO 3166 alpha-2)


@dataclass
class CaseFacts:
    application_date: dt.date
    company_registered_on: dt.date | None = None
    companies_at_address: int = 0
    address: str = ""
    board_changes: list[tuple[str, dt.date]] = field(default_factory=list)  # (person, date of the change)
    parties: list[PartyFacts] = field(default_factory=list)
    receipt_complaints: int = 0
    own_list_entries: list[dict] = field(default_factory=list)  # earlier refusals/revocations/debarments


@dataclass
class Flag:
    code: str
    severity: str  # "low", "medium", "high"
    summary: str  # Swedish, for the officer
    evidence: dict
    subject: str = ""  # the party it concerns (its label); empty for the applicant company


def red_flags(facts: CaseFacts, t: Thresholds) -> list[Flag]:
    flags: list[Flag] = []
    for party in facts.parties:
        if party.is_person and party.boards >= t.front_person_boards:
            flags.append(
                Flag(
                    "front_person",
                    "medium",
                    f"{party.label} sitter i styrelsen för {party.boards} bolag (målvakt?).",
                    {"person": party.label, "boards": party.boards, "threshold": t.front_person_boards},
                    party.label,
                )
            )
        if party.is_person and party.id_kind == "samordningsnummer":
            flags.append(
                Flag(
                    "coordination_number_only",
                    "low",
                    f"{party.label} har bara samordningsnummer, inget personnummer.",
                    {"person": party.label, "role": party.role},
                    party.label,
                )
            )
        if party.country and party.country != "SE":
            flags.append(
                Flag(
                    "foreign_address",
                    "low",
                    f"{party.label} har utländsk adress ({party.country}).",
                    {"party": party.label, "country": party.country},
                    party.label,
                )
            )
    if facts.companies_at_address >= t.mass_address_companies:
        flags.append(
            Flag(
                "mass_registration_address",
                "medium",
                f"{facts.companies_at_address} bolag är registrerade på sökandens adress ({facts.address}).",
                {
                    "address": facts.address,
                    "companies": facts.companies_at_address,
                    "threshold": t.mass_address_companies,
                },
            )
        )
    recent = [
        (who, when)
        for who, when in facts.board_changes
        if 0 <= (facts.application_date - when).days <= t.board_change_days
    ]
    if recent:
        flags.append(
            Flag(
                "recent_board_change",
                "medium",
                f"Styrelsen ändrades {len(recent)} gång(er) inom {t.board_change_days} dagar före ansökan.",
                {"changes": [{"person": w, "date": d.isoformat()} for w, d in recent]},
            )
        )
    if facts.company_registered_on is not None:
        age = (facts.application_date - facts.company_registered_on).days
        if 0 <= age < t.young_company_days:
            flags.append(
                Flag(
                    "young_company",
                    "low",
                    f"Bolaget registrerades för {age} dagar sedan.",
                    {"registered_on": facts.company_registered_on.isoformat(), "age_days": age},
                )
            )
    if facts.receipt_complaints >= t.receipt_complaints:
        flags.append(
            Flag(
                "receipt_complaints",
                "medium",
                f"{facts.receipt_complaints} rapporter om uteblivet kvitto gäller verksamheten.",
                {"reports": facts.receipt_complaints, "threshold": t.receipt_complaints},
            )
        )
    for entry in facts.own_list_entries:
        severity = "high" if entry.get("flag") == "revoked" else "medium"
        flags.append(
            Flag(
                "earlier_refusal",
                severity,
                f"{entry['name']} finns på samverkansens lista: "
                f"{LIST_FLAG_WORDS.get(entry.get('flag', ''), entry.get('flag') or 'utan angiven grund')} "
                f"({entry.get('date', 'okänt datum')}, {entry.get('list', '')}).",
                entry,
                entry.get("party", ""),
            )
        )
    return flags


# How list flags read in the (Swedish) finding text.
LIST_FLAG_WORDS = {
    "refused": "nekat tillstånd",
    "revoked": "återkallat tillstånd",
    "debarred": "utesluten från upphandling",
    "sanction": "sanktion",
}


@dataclass
class Outcome:
    recommendation: str  # "none", "lesser", "serious"
    reasons: list[str]


def recommend(flags: list[Flag], hits: list[dict], links: list[dict], t: Thresholds) -> Outcome:
    """Weigh the findings.

    * serious — a strong or confirmed watch-list hit on a party; a party one hop from a listed entity; a
      revoked licence in the cooperation; or three or more medium flags;
    * lesser — any other watch-list hit or network link within the hop limit; any high or medium flag;
    * none — otherwise (low flags are shown but do not raise the level on their own).
    ``hits`` are dicts with ``score``, ``confirmed`` and ``label``; ``links`` with ``hops`` and ``label``.
    """
    serious: list[str] = []
    lesser: list[str] = []
    for hit in hits:
        text = f"Träff på bevakningslista: {hit['label']} (poäng {hit['score']:.2f})"
        if hit.get("confirmed") or hit["score"] >= t.watchlist_strong:
            serious.append(text + (", bekräftad av granskare" if hit.get("confirmed") else ""))
        else:
            lesser.append(text)
    for link in links:
        text = f"Koppling i nätverket till listad aktör: {link['label']} ({link['hops']} steg)"
        (serious if link["hops"] <= 1 else lesser).append(text)
    mediums = [f for f in flags if f.severity == "medium"]
    for flag in flags:
        if flag.severity == "high":
            serious.append(flag.summary)
        elif flag.severity == "medium":
            lesser.append(flag.summary)
    if len(mediums) >= 3:
        serious.append(f"{len(mediums)} varningssignaler av medelhög grad sammantaget.")
    if serious:
        return Outcome("serious", serious + lesser)
    if lesser:
        return Outcome("lesser", lesser)
    lows = [f.summary for f in flags if f.severity == "low"]
    return Outcome("none", lows or ["Inga träffar eller varningssignaler."])
