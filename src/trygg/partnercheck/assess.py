"""A partner's own check of a company (*affärskontroll*): the answer, assembled from plain data (no Django).

What goes in is public: hits on published sanctions lists, and what the registry extract says about the company
itself — its status, its registered address and how many companies share it, changes of its board, management and
ownership (each person only as an opaque key, to be counted), companies of the same people or at the same address
that went bankrupt, and listed owners. What comes out names companies, lists and counts, never a person's identity
number, and never anything from the municipality's own lists or its cases (the caller reads none of them).

The signals use the screening's own rules (:mod:`trygg.screening.rules`) and thresholds, so that a partner and a
screening officer see the same company the same way; the words are the pages' (``trygg.partnercheck`` templates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from trygg.screening.rules import CaseFacts, RoleChange, Thresholds, change_flags

STATUSES = ("bankrupt", "liquidation", "deregistered")  # a status that is a signal in itself


@dataclass(frozen=True)
class Source:
    """A sanctions list release or a registry extract the check read."""

    name: str
    kind: str  # "watchlist" or "registry"
    version: str = ""
    imported_on: str = ""  # YYYY-MM-DD, the day Trygg read it in


@dataclass(frozen=True)
class ListHit:
    """An entry of a sanctions list the company resembles (or is, by its organisation number)."""

    listed_name: str
    list_name: str
    score: float
    program: str = ""
    strong: bool = False  # at or above the screening's "strong" score


@dataclass(frozen=True)
class Change:
    """Someone joining or leaving the company's board, management or ownership; ``person`` is an opaque key."""

    person: str
    role: str
    kind: str  # "joined" or "left"
    date: dt.date


@dataclass(frozen=True)
class Bankruptcy:
    """Another company that went bankrupt or into liquidation recently and shares people (``people``: how many)
    or the registered address with the company checked."""

    company: str
    status: str
    date: dt.date
    people: int
    same_address: bool


@dataclass(frozen=True)
class ListedOwner:
    """A party on a sanctions list that owns or controls the company, at any depth."""

    owner: str
    list_name: str
    share: float  # effective, %
    unknown_share: bool = False
    controls: bool = False


@dataclass
class Company:
    """What the registry extract says about the company checked."""

    name: str
    org_number: str
    registry: str = ""  # the extract it was found in
    status: str = ""
    status_date: str = ""
    address: str = ""
    companies_at_address: int = 0
    changes: list[Change] = field(default_factory=list)
    bankruptcies: list[Bankruptcy] = field(default_factory=list)
    listed_owners: list[ListedOwner] = field(default_factory=list)


@dataclass(frozen=True)
class Signal:
    """One thing worth knowing: ``code`` names it, ``params`` carry its figures for the page's words."""

    code: str
    severity: str  # "high", "medium", "low"
    params: dict


@dataclass
class Outcome:
    """The check's answer: sanctions hits, the company as the registry knows it (or the candidates to choose from
    when a name fits several), its signals, and the list releases and extracts read."""

    checked_on: dt.date
    query: str
    hits: list[ListHit]
    sources: list[Source]
    company: dict | None = None  # {"name", "org_number", "registry", "address", "status", "status_date"}
    candidates: list[dict] = field(default_factory=list)  # {"name", "org_number"}
    signals: list[Signal] = field(default_factory=list)
    not_in_registry: bool = False  # an organisation number the registry extracts do not know

    @property
    def clean(self) -> bool:
        """No hit on a sanctions list and no signal in the registry: "inga träffar"."""
        return not self.hits and not self.signals

    def lists(self) -> list[Source]:
        return [s for s in self.sources if s.kind == "watchlist"]

    def registries(self) -> list[Source]:
        return [s for s in self.sources if s.kind == "registry"]

    def as_json(self) -> dict:
        data = asdict(self)
        data["checked_on"] = self.checked_on.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> Outcome:
        return cls(
            checked_on=dt.date.fromisoformat(data["checked_on"]),
            query=data["query"],
            hits=[ListHit(**h) for h in data.get("hits", [])],
            sources=[Source(**s) for s in data.get("sources", [])],
            company=data.get("company"),
            candidates=list(data.get("candidates", [])),
            signals=[Signal(**s) for s in data.get("signals", [])],
            not_in_registry=bool(data.get("not_in_registry")),
        )


def signals(company: Company, today: dt.date, t: Thresholds) -> list[Signal]:
    """The registry's signals about ``company`` on ``today``, the most serious first."""
    out: list[Signal] = []
    if company.status in STATUSES:
        out.append(Signal("status", "high", {"status": company.status, "date": company.status_date}))
    for owner in company.listed_owners:
        serious = owner.controls or owner.share >= t.owner_share_serious
        out.append(Signal("listed_owner", "high" if serious else "medium", {
            "owner": owner.owner, "list": owner.list_name, "share": round(owner.share),
            "unknown_share": owner.unknown_share, "controls": owner.controls,
        }))  # fmt: skip
    if company.companies_at_address >= t.mass_address_companies:
        out.append(Signal("mass_address", "medium", {"address": company.address,
                                                     "companies": company.companies_at_address}))  # fmt: skip
    out += board_signals(company.changes, today, t)
    for b in company.bankruptcies:
        params = {"company": b.company, "status": b.status, "date": b.date.isoformat(), "people": b.people,
                  "same_address": b.same_address}  # fmt: skip
        if b.people:
            out.append(Signal("related_bankruptcy", "high" if b.same_address else "medium", params))
        elif b.same_address:
            out.append(Signal("bankruptcy_at_address", "low", params))
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(out, key=lambda s: order.get(s.severity, 3))


def board_signals(changes: list[Change], today: dt.date, t: Thresholds) -> list[Signal]:
    """A recent board swap and frequent changes, by the screening's rules with ``today`` as the day asked about;
    only counts come out (who joined or left is not named)."""
    facts = CaseFacts(application_date=today,
                      changes=[RoleChange(c.person, c.role, c.kind, c.date) for c in changes])  # fmt: skip
    out = []
    for flag in change_flags(facts, t):
        if flag.code == "recent_board_change":
            changed = flag.evidence["changes"]
            out.append(Signal("recent_board_change", "medium", {
                "days": flag.evidence["days"], "persons": flag.evidence["persons"],
                "joined": len({c["person"] for c in changed if c["change"] == "joined"}),
                "left": len({c["person"] for c in changed if c["change"] == "left"}),
            }))  # fmt: skip
        elif flag.code == "frequent_changes":
            out.append(Signal("frequent_changes", "medium",
                              {"days": flag.evidence["days"], "persons": len(flag.evidence["persons"])}))  # fmt: skip
    return out


def assess(
    today: dt.date,
    query: str,
    hits: list[ListHit],
    sources: list[Source],
    company: Company | None,
    t: Thresholds,
    candidates: list[dict] | None = None,
    not_in_registry: bool = False,
) -> Outcome:
    """The outcome of one check on ``today``: the hits as given (best first), the company's signals."""
    ordered = sorted(hits, key=lambda h: (-h.score, h.list_name, h.listed_name))
    summary = None
    found: list[Signal] = []
    if company is not None:
        summary = {"name": company.name, "org_number": company.org_number, "registry": company.registry,
                   "address": company.address, "status": company.status,
                   "status_date": company.status_date}  # fmt: skip
        found = signals(company, today, t)
    return Outcome(today, query, ordered, list(sources), summary, list(candidates or []), found, not_in_registry)
