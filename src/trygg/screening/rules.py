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
    watchlist_check: float = 0.70  # below a hit, but the same full birth date: shown "att kontrollera"
    network_hops: int = 3
    hub_cap: int = 50
    young_person_years: int = 25  # appointed before this age, shortly before the application: a straw-man sign
    many_roles: int = 5  # active roles at once that are worth a note (front person at ``front_person_boards``)
    frequent_changes: int = 3  # persons joining or leaving board, managing director or ownership …
    frequent_change_days: int = 365  # … within this many days before the application
    owner_share_serious: float = 50.0  # a listed party owning at least this share (effective) weighs serious

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


@dataclass(frozen=True)
class RoleChange:
    """A person joining (``joined``) or leaving (``left``) a role in the applicant on a date."""

    person: str
    role: str  # board_member, deputy, ceo, signatory, owner, beneficial_owner
    kind: str  # "joined" or "left"
    date: dt.date


@dataclass(frozen=True)
class Appointment:
    """A person appointed to the applicant's board or management, with what the registry says of them."""

    person: str
    roles: tuple[str, ...]
    date: dt.date
    age: int | None  # years at the application date, when the birth date is known
    other_roles: int  # roles in other companies, current or ended: their history in the registry
    country: str = ""


@dataclass(frozen=True)
class ListedOwner:
    """A listed (sanctioned, refused, debarred) party that owns or controls the applicant."""

    name: str  # in the registry
    listed_as: str  # the list entry it matches
    list_name: str
    score: float
    effective_share: float  # %
    unknown_share: bool
    controls: bool
    chain: list[dict]  # the largest ownership chain, holder first: {"holder", "role", "company", "share"}
    control_chain: list[dict]
    chains: list[list[dict]] = field(default_factory=list)  # the largest chains (up to five), largest first
    chain_count: int = 0  # how many ownership chains add up to the effective share
    days: list[dt.date] = field(default_factory=list)  # the days asked about: the case's date, then today
    held_on: list[dt.date] = field(default_factory=list)  # those on which it owned or controlled the applicant
    ended_on: dt.date | None = None  # the day its (shown) chain ended, when it has
    on_application: bool = True  # the first of ``days`` is the application's date (else one the officer chose)
    listing: str = ""  # the list and what it holds the party for ("Karlstads lista: näringsförbud 2025-06-01")

    def listed_words(self) -> str:
        """ "Karlstads lista: näringsförbud 2025-06-01", or "OFAC SDN: AHMADI, Reza" where the names differ."""
        where = self.listing or self.list_name
        return where if self.listed_as.casefold() == self.name.casefold() else f"{where}: {self.listed_as}"


@dataclass
class CaseFacts:
    application_date: dt.date
    company_registered_on: dt.date | None = None
    companies_at_address: int = 0
    address: str = ""
    changes: list[RoleChange] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    parties: list[PartyFacts] = field(default_factory=list)
    receipt_complaints: int = 0
    own_list_entries: list[dict] = field(default_factory=list)  # earlier refusals/revocations/debarments
    listed_owners: list[ListedOwner] = field(default_factory=list)
    applicant_status: dict = field(default_factory=dict)  # {"status", "status_date"} from the registry
    bankruptcies: list[Bankruptcy] = field(default_factory=list)  # earlier companies of the same people
    today: dt.date | None = None  # the day screened on: changes after the application up to it are named
    declarations: list[Declaration] = field(default_factory=list)  # the application against the registry


@dataclass(frozen=True)
class Declaration:
    """One kind of seat (managing director, board, ownership) as the application declares it and as the registry
    had it on the application's date: who is declared without holding it, who held it without being declared."""

    seat: str  # "ceo", "board_member" or "owner"
    declared_only: tuple[str, ...]
    registry_only: tuple[str, ...]


@dataclass(frozen=True)
class Bankruptcy:
    """A company that went bankrupt (or into liquidation) shortly before the application and shares people or
    owners with the applicant — the phoenix pattern — or its address or name."""

    company: str
    status: str  # bankrupt, liquidation
    date: dt.date
    shared: tuple[str, ...]  # the applicant's people who held roles in it
    same_address: bool
    similar_name: bool


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
        if party.is_person and t.many_roles <= party.boards < t.front_person_boards:
            flags.append(
                Flag(
                    "many_roles",
                    "low",
                    f"{party.label} har {party.boards} uppdrag i bolag samtidigt.",
                    {"person": party.label, "roles": party.boards, "threshold": t.many_roles},
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
    flags += change_flags(facts, t)
    flags += after_application_flags(facts, t)
    flags += declaration_flags(facts)
    flags += straw_man_flags(facts, t)
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
    flags += status_flags(facts, t)
    for entry in facts.own_list_entries:
        severity = "high" if entry.get("flag") in ("revoked", "trading_ban") else "medium"
        flags.append(
            Flag(
                "trading_ban" if entry.get("flag") == "trading_ban" else "earlier_refusal",
                severity,
                f"{entry['name']} finns på samverkans lista: "
                f"{LIST_FLAG_WORDS.get(entry.get('flag', ''), entry.get('flag') or 'utan angiven grund')} "
                f"({entry.get('date', 'okänt datum')}, {entry.get('list', '')}).",
                entry,
                entry.get("party", ""),
            )
        )
    return flags


def _ago(later: dt.date, earlier: dt.date) -> str:
    """``174 dagar, ungefär 6 månader`` between two days, as an officer writes it."""
    days = (later - earlier).days
    months = round(days / 30.44)
    return f"{days} dagar, ungefär {months} månader" if months >= 2 else f"{days} dagar"


STATUS_WORDS = {"bankrupt": "gick i konkurs", "liquidation": "gick i likvidation", "deregistered": "avregistrerades"}
PHOENIX_YEARS = 3


def status_flags(facts: CaseFacts, t: Thresholds) -> list[Flag]:
    """The applicant's own status, and the phoenix pattern: the applicant's people or owners held roles in a company
    that went bankrupt within ``PHOENIX_YEARS`` years before the application — serious when it also had the same
    address or a like name; a bankruptcy at the same address alone is low (addresses are shared)."""
    flags = []
    status = facts.applicant_status.get("status")
    if status in STATUS_WORDS:
        when = facts.applicant_status.get("status_date") or "okänt datum"
        source = facts.applicant_status.get("source") or "registret"
        flags.append(Flag("applicant_status", "high", f"Sökanden {STATUS_WORDS[status]} ({when}) enligt {source}.",
                          dict(facts.applicant_status)))  # fmt: skip
    for b in facts.bankruptcies:
        also = [w for w, on in (("samma adress", b.same_address), ("liknande namn", b.similar_name)) if on]
        evidence = {"company": b.company, "status": b.status, "date": b.date.isoformat(), "shared": list(b.shared),
                    "same_address": b.same_address, "similar_name": b.similar_name}  # fmt: skip
        if b.shared:
            severity = "high" if also else "medium"
            people = ", ".join(b.shared)
            text = (f"Konkursmönster: {people} hade roller i {b.company}, som {STATUS_WORDS[b.status]} "
                    f"{b.date.isoformat()} ({_ago(facts.application_date, b.date)} före ansökan)"
                    + (f"; {' och '.join(also)} som sökanden." if also else "."))  # fmt: skip
            flags.append(Flag("phoenix", severity, text, evidence))
        elif b.same_address:
            flags.append(Flag("bankruptcy_at_address", "low",
                              f"{b.company} på samma adress {STATUS_WORDS[b.status]} {b.date.isoformat()} "
                              f"({_ago(facts.application_date, b.date)} före ansökan); inga gemensamma personer.",
                              evidence))  # fmt: skip
    return flags


ROLE_WORDS = {
    "board_member": ("styrelseledamot", "styrelseledamöter"),
    "deputy": ("styrelsesuppleant", "styrelsesuppleanter"),
    "ceo": ("VD", "VD"),
    "signatory": ("firmatecknare", "firmatecknare"),
    "owner": ("ägare", "ägare"),
    "beneficial_owner": ("verklig huvudman", "verkliga huvudmän"),
}
BOARD_SEATS = ("board_member", "deputy")


def _count_words(n: int, role: str) -> str:
    one, many = ROLE_WORDS.get(role, (role, role))
    return f"{n} {one if n == 1 else many}"


def change_flags(facts: CaseFacts, t: Thresholds) -> list[Flag]:
    """Board, management and ownership changes before the application, counted per person and per kind of
    seat: one person who became board member and managing director on the same day is one new person, with
    a board seat and a managing director's post — not two board changes."""
    flags = []
    before = [c for c in facts.changes if (facts.application_date - c.date).days >= 0]
    recent = [c for c in before if (facts.application_date - c.date).days <= t.board_change_days]
    if recent:
        parts = []
        for kind, verb in (("joined", "tillträdde"), ("left", "lämnade")):
            for role in ("board_member", "deputy", "ceo", "signatory", "owner", "beneficial_owner"):
                people = {c.person for c in recent if c.kind == kind and c.role == role}
                if people:
                    parts.append(f"{_count_words(len(people), role)} {verb}")
        persons = sorted({c.person for c in recent})
        flags.append(
            Flag(
                "recent_board_change",
                "medium",
                f"Inom {t.board_change_days} dagar före ansökan: {', '.join(parts)} "
                f"({len(persons)} {'person' if len(persons) == 1 else 'personer'}).",
                {"changes": [{"person": c.person, "role": c.role, "change": c.kind, "date": c.date.isoformat()}
                             for c in sorted(recent, key=lambda c: (c.date, c.person))],
                 "persons": len(persons), "days": t.board_change_days},
            )
        )  # fmt: skip
    year = {c.person for c in before if (facts.application_date - c.date).days <= t.frequent_change_days}
    if len(year) >= t.frequent_changes:
        flags.append(
            Flag(
                "frequent_changes",
                "medium",
                f"Täta byten: {len(year)} personer har tillträtt eller lämnat styrelse, VD-post eller ägande "
                f"under de {t.frequent_change_days} dagarna före ansökan.",
                {"persons": sorted(year), "days": t.frequent_change_days, "threshold": t.frequent_changes},
            )
        )
    return flags


AFTER_APPLICATION_DAYS = 365  # changes this long after the application are still the case's concern


def after_application_flags(facts: CaseFacts, t: Thresholds) -> list[Flag]:
    """Who joined or left the applicant's board, management or ownership after the application, up to the day
    screened: the party assessed may no longer be the one running the business (a licence holder must report
    such changes, alkohollagen 9 kap. 11 §), and a hand-over right after applying is how a listed owner steps
    out of sight."""
    if facts.today is None:
        return []
    end = min(facts.today, facts.application_date + dt.timedelta(days=AFTER_APPLICATION_DAYS))
    after = [c for c in facts.changes if facts.application_date < c.date <= end]
    after.sort(key=lambda c: (c.date, c.person))
    if not after:
        return []
    verbs = {"joined": "tillträdde som", "left": "lämnade som"}
    parts = [f"{c.person} {verbs[c.kind]} {ROLE_WORDS.get(c.role, (c.role, c.role))[0]} {c.date.isoformat()}"
             for c in after]  # fmt: skip
    owners_left = any(c.kind == "left" and c.role in ("owner", "beneficial_owner", "ceo") for c in after)
    return [
        Flag(
            "changed_after_application",
            "medium" if owners_left else "low",
            f"Efter ansökan ({facts.application_date.isoformat()}): {'; '.join(parts)}. Den som prövas kan vara "
            "en annan än den som driver verksamheten; ändringar i ägande och ledning ska anmälas och prövas.",
            {"application_date": facts.application_date.isoformat(), "until": end.isoformat(),
             "changes": [{"person": c.person, "role": c.role, "change": c.kind, "date": c.date.isoformat()}
                         for c in after]},
        )
    ]  # fmt: skip


SEAT_WORDS = {"ceo": "VD", "board_member": "styrelseledamot", "owner": "ägare"}


def declaration_flags(facts: CaseFacts) -> list[Flag]:
    """The application's own account against the registry on the application's date: a declared managing
    director, board member or owner who did not hold that seat then, or one who did and is not declared.
    Incomplete or untrue answers are a ground of their own in a licensing case."""
    flags = []
    for d in facts.declarations:
        word = SEAT_WORDS.get(d.seat, d.seat)
        parts = []
        if d.declared_only:
            parts.append(f"ansökan anger {', '.join(d.declared_only)} som {word}, men registret har inte det")
        if d.registry_only:
            parts.append(f"enligt registret var {', '.join(d.registry_only)} {word} utan att anges i ansökan")
        if parts:
            flags.append(
                Flag(
                    "declared_differs",
                    "medium",
                    f"Ansökan och registret skiljer sig ({facts.application_date.isoformat()}): {'; '.join(parts)}.",
                    {"seat": d.seat, "declared_only": list(d.declared_only), "registry_only": list(d.registry_only),
                     "date": facts.application_date.isoformat()},
                )
            )  # fmt: skip
    return flags


def straw_man_flags(facts: CaseFacts, t: Thresholds) -> list[Flag]:
    """Signs of a straw man (bulvan) after Brå 2016:10: a young person, or one without any other history in
    the registry, appointed to the board or management shortly before the application — or after it, up to the
    day screened."""
    flags = []
    for a in facts.appointments:
        days = (facts.application_date - a.date).days
        later = days < 0 and facts.today is not None and a.date <= facts.today
        if not (0 <= days <= t.board_change_days or (later and -days <= AFTER_APPLICATION_DAYS)):
            continue
        young = a.age is not None and a.age < t.young_person_years
        unknown = a.other_roles == 0
        if not (young or unknown):
            continue
        roles = " och ".join(ROLE_WORDS.get(r, (r, r))[0] for r in a.roles)
        signs = []
        if young:
            signs.append(f"{a.age} år")
        if unknown:
            signs.append("inga andra uppdrag i registret")
        when = (f"{days} dagar före ansökan" if days > 0 else f"{-days} dagar efter ansökan" if days < 0
                else "samma dag som ansökan")  # fmt: skip
        flags.append(
            Flag(
                "straw_man_sign",
                "medium" if young else "low",
                f"{a.person} ({', '.join(signs)}) utsågs till {roles} {when} — ett tecken på bulvan att utreda.",
                {"person": a.person, "roles": list(a.roles), "appointed": a.date.isoformat(), "days_before": days,
                 "age": a.age, "other_roles": a.other_roles, "young_below": t.young_person_years},
                a.person,
            )
        )  # fmt: skip
    return flags


def chain_step_sv(step: dict) -> str:
    """One step of an ownership or control chain as a Swedish clause: "X äger 100 % av Y", "X är VD i Y"."""
    if step["role"] in ("owner", "beneficial_owner") and step.get("share") is not None:
        return f"{step['holder']} äger {step['share']:g} % av {step['company']}"
    return f"{step['holder']} är {ROLE_WORDS.get(step['role'], (step['role'],))[0]} i {step['company']}"


def chain_sv(chain: list[dict], shown: int = 4) -> str:
    """A chain as Swedish clauses; a long one as its first steps and its last ("… ytterligare 3 steg …"), the
    whole chain being in the evidence table."""
    steps = [chain_step_sv(step) for step in chain]
    if len(steps) <= shown:
        return "; ".join(steps)
    skipped = len(steps) - shown
    return "; ".join([*steps[: shown - 1], f"… ytterligare {skipped} steg …", steps[-1]])


def ownership_flags(facts: CaseFacts, t: Thresholds) -> list[Flag]:
    """A listed party owning or controlling the applicant, at any depth (OFAC 50 % rule; EU ownership and
    control): serious when it owns at least ``owner_share_serious`` % (effective) or controls; medium for a
    smaller or unknown share, with the share shown."""
    flags = []
    for o in facts.listed_owners:
        serious = o.controls or o.effective_share >= t.owner_share_serious
        if o.effective_share > 0:
            how = f"{'ägde' if o.ended_on else 'äger'} i praktiken {o.effective_share:.0f} % av sökanden"
            if o.chain_count > 1:
                how += f", sammanlagt genom {o.chain_count} ägarkedjor"
        elif o.unknown_share:
            how = "äger en andel av okänd storlek i sökanden"
        else:
            how = "har inflytande över sökanden"
        if o.controls and not o.effective_share >= t.owner_share_serious:
            how += " och kontrollerar den"
        via = chain_sv(o.chain or o.control_chain)
        when = held_when(o)
        flags.append(
            Flag(
                "listed_owner",
                "high" if serious else "medium",
                f"{o.name} ({o.listed_words()}) {how}{when}" + (f": {via}." if via else "."),
                {"owner": o.name, "listed_as": o.listed_as, "list": o.list_name, "score": round(o.score, 3),
                 "effective_share": round(o.effective_share, 2), "unknown_share": o.unknown_share,
                 "controls": o.controls, "chain": o.chain, "control_chain": o.control_chain,
                 "chains": o.chains if o.chain_count > 1 else [], "chain_count": o.chain_count,
                 "held_on": [d.isoformat() for d in o.held_on],
                 "ended_on": o.ended_on.isoformat() if o.ended_on else None},
                o.name,
            )
        )  # fmt: skip
    return flags


def when_left(ended: dt.date, as_of: dt.date, day_word: str = "ansökan") -> str:
    """``lämnade 2026-10-01, 16 dagar efter ansökan`` (the day a relation ended, against the day screened for,
    named by ``day_word``: the application, or "granskningsdagen (2027-01-10)" when the officer chose another)."""
    days = (ended - as_of).days
    if days == 0:
        return f"lämnade {ended.isoformat()}, samma dag som {day_word}"
    side = "efter" if days > 0 else "före"
    return f"lämnade {ended.isoformat()}, {abs(days)} {'dag' if abs(days) == 1 else 'dagar'} {side} {day_word}"


def held_when(o: ListedOwner) -> str:
    """When the interest held, where the case's date and today differ: `` vid ansökan (2026-09-15); lämnade
    2026-10-01, 16 dagar efter ansökan`` or `` sedan ansökan (inte 2026-09-15)``."""
    if len(o.days) < 2 or set(o.held_on) == set(o.days):
        return ""
    as_of, word = o.days[0], ("ansökan" if o.on_application else "granskningsdagen")
    if as_of in o.held_on:
        text = f" vid {word} ({as_of.isoformat()})"
        if o.ended_on is not None:
            text += f"; {when_left(o.ended_on, as_of, word)}"
        return text
    return f" sedan {word} (inte {as_of.isoformat()})"


def score_sv(score: float) -> str:
    """A match score as the Swedish text around it writes it: "0,93"."""
    return f"{score:.2f}".replace(".", ",")


# How list flags read in the (Swedish) finding text.
LIST_FLAG_WORDS = {
    "trading_ban": "näringsförbud",
    "bankruptcy": "konkurs",
    "refused": "nekat tillstånd",
    "revoked": "återkallat tillstånd",
    "debarred": "utesluten från upphandling",
    "sanction": "sanktion",
}


@dataclass
class Outcome:
    recommendation: str  # "none", "lesser", "serious"
    reasons: list[str]


# Findings that come from the same facts and count as one in the "three medium findings" rule.
FAMILY = dict.fromkeys(("recent_board_change", "frequent_changes", "straw_man_sign"), "board_changes")


def recommend(flags: list[Flag], hits: list[dict], links: list[dict], t: Thresholds) -> Outcome:
    """Weigh the findings.

    * serious — a strong or confirmed watch-list hit on a party; a party one hop from a listed entity; a
      listed party owning at least half of the applicant or controlling it, at any depth; a revoked licence
      in the cooperation; any other high flag; or three or more medium findings of different kinds, network
      links included (the signs of one change of board and management count as one);
    * lesser — any other watch-list hit or network link within the hop limit; any medium flag;
    * none — otherwise (low flags are shown but do not raise the level on their own).
    ``hits`` are dicts with ``score``, ``confirmed`` and ``label``; ``links`` with ``hops`` and ``label``.
    """
    serious: list[str] = []
    lesser: list[str] = []
    for hit in hits:
        if hit.get("to_check"):
            lesser.append(f"Att kontrollera: {hit['label']} (poäng {score_sv(hit['score'])}, samma födelsedatum)")
            continue
        text = f"Träff på bevakningslista: {hit['label']} (poäng {score_sv(hit['score'])})"
        if hit.get("confirmed") or hit["score"] >= t.watchlist_strong:
            serious.append(text + (", bekräftad av granskare" if hit.get("confirmed") else ""))
        else:
            lesser.append(text)
    for link in links:
        text = f"Koppling i nätverket till listad aktör: {link['label']} ({link['hops']} steg)"
        (serious if link["hops"] <= 1 else lesser).append(text)
    # three medium findings make it serious only when they are three different facts: the signs that come from the
    # same changes of board and management shortly before (a new board, frequent changes, a straw man appointed)
    # count once together, whoever they concern
    families = {FAMILY.get(f.code, f.code) for f in flags if f.severity == "medium"}
    mediums = [*sorted(families), *(link["label"] for link in links if link["hops"] > 1)]
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
