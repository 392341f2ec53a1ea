"""Who owns and who controls a company, directly and through other companies (no Django).

Effective ownership. An owner's effective share in the applicant is the sum, over every chain of ownership
from the owner down to the applicant, of the product of the shares along the chain: a person who owns 100 %
of a holding that owns 60 % of the applicant owns 60 % of it; two chains of 30 % and 25 % add to 55 %. A
chain never visits a company twice, so circular holdings are counted once per simple chain and cannot
inflate a share without bound; the sum is capped at 100 %. Chains are followed to ``max_depth`` companies.

Control. An entity controls a company when it holds a controlling role in it (board member, managing
director, authorised signatory, beneficial owner) or owns more than half of it directly; control passes
down: whoever controls a company that controls the applicant controls the applicant too. A deputy board
member (suppleant) acts only in a member's place and does not control. An entity that neither owns a share
along a chain of ownership nor controls — say a minority owner of a company that holds a board seat — is not
an owner: what connects it is reported by the network walk, with its number of steps.

This is how the OFAC 50 percent rule (OFAC, Revised guidance on entities owned by persons whose property and
interests in property are blocked, 2014) and the EU's guidance on ownership and control (Council of the EU,
EU Best Practices for the effective implementation of restrictive measures, 2022, paragraphs 62–66) treat a
listed person's stake: aggregated over direct and indirect holdings, and control regardless of ownership.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CONTROL_ROLES = frozenset({"board_member", "ceo", "signatory", "beneficial_owner"})
OWNER_ROLES = frozenset({"owner", "beneficial_owner"})
MAJORITY = 50.0
MAX_CHAINS = 5000  # a guard against a registry whose holdings fan out without end


@dataclass(frozen=True)
class Holding:
    """A relation into a company: ``holder`` has ``role`` in ``company`` (with an ownership ``share`` in %)."""

    holder: int
    company: int
    role: str
    share: float | None
    relation: int


@dataclass(frozen=True)
class Step:
    holder: int
    company: int
    role: str
    share: float | None
    relation: int


@dataclass
class Interest:
    """What one entity holds in the applicant."""

    entity: int
    effective_share: float = 0.0  # % over all ownership chains (chains with an unknown share count 0)
    unknown_share: bool = False  # some ownership chain has a share that is not given
    chains: list[list[Step]] = field(default_factory=list)  # ownership chains, holder first
    control: list[Step] | None = None  # the chain by which it controls the applicant, holder first

    @property
    def controls(self) -> bool:
        return self.control is not None

    @property
    def owns_or_controls(self) -> bool:
        """A share along an ownership chain (known or not) or control: what makes it an owner."""
        return self.effective_share > 0 or self.unknown_share or self.controls


def analyse(
    applicant: int, holdings_into: Callable[[list[int]], dict[int, list[Holding]]], max_depth: int = 8
) -> dict[int, Interest]:
    """Every entity that owns or controls ``applicant``, directly or through companies.

    ``holdings_into(companies)`` returns the current relations into each company (owners and role holders).
    """
    interests: dict[int, Interest] = {}
    # Walk upwards breadth-first, keeping every simple chain (path) from a holder down to the applicant. A chain
    # is followed further up only while it can still carry something: a share (every step an ownership) or
    # control (every step controlling). A minority owner of a company that merely sits on a board is where it ends.
    frontier: list[tuple[int, list[Step], bool]] = [(applicant, [], True)]  # (entity, chain, all ownership)
    controllers: dict[int, list[Step]] = {applicant: []}  # entity -> chain of control down to the applicant
    for _ in range(max_depth):
        if not frontier:
            break
        edges = holdings_into(sorted({company for company, _c, _o in frontier}))
        next_frontier: list[tuple[int, list[Step], bool]] = []
        for company, chain, owned in frontier:
            on_chain = {company, *(s.holder for s in chain)}
            for h in edges.get(company, []):
                if h.holder in on_chain:
                    continue  # a circular holding: this chain has visited it already
                step = Step(h.holder, h.company, h.role, h.share, h.relation)
                new_chain = [step, *chain]
                interest = interests.setdefault(h.holder, Interest(h.holder))
                still_owned = owned and h.role in OWNER_ROLES
                if still_owned:
                    interest.chains.append(new_chain)
                takes_control = company in controllers and h.holder not in controllers and _controls(h)
                if takes_control:
                    controllers[h.holder] = new_chain
                    interest.control = new_chain
                if still_owned or takes_control:
                    next_frontier.append((h.holder, new_chain, still_owned))
        frontier = next_frontier[:MAX_CHAINS]
    for interest in interests.values():
        total = 0.0
        for chain in interest.chains:  # every step an ownership (see the walk)
            ownership = chain
            if any(s.share is None for s in ownership):
                interest.unknown_share = True
                continue
            product = 1.0
            for s in ownership:
                product *= s.share / 100.0
            total += product
        interest.effective_share = min(100.0, total * 100.0)
    return interests


def _controls(h: Holding) -> bool:
    if h.role in CONTROL_ROLES:
        return True
    return h.role in OWNER_ROLES and h.share is not None and h.share > MAJORITY


def describe_chain(chain: Iterable[Step], names: dict[int, str]) -> list[dict]:
    """A chain as rows for the officer: who holds what in which company, with the share where there is one."""
    return [
        {"holder": names.get(s.holder, str(s.holder)), "role": s.role, "company": names.get(s.company, str(s.company)),
         "share": s.share}
        for s in chain
    ]  # fmt: skip
