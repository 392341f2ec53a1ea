"""The applicant's own account (the questionnaire) against the registry and the lists, on the case's date (no
Django).

Bibob's questionnaire (Wet Bibob art. 9 and 12; the Swedish alcohol act's "betydande inflytande", alkohollagen
8 kap. 12 §) asks who owns and finances the business; an incomplete or untrue answer is a ground of its own.
Each difference is a finding that shows both sides — what was declared and what the registry or list held:

* a declared owner who owns nothing of the applicant in the registry, directly or through other companies;
* an owner of at least ``OWNER_SHARE`` % in the registry (effective, over every chain) who is not declared;
* a declared share that differs from the registry's by more than ``SHARE_TOLERANCE`` points;
* a financier or lessor of the applicant in the registry who is not declared;
* an earlier refusal or revocation on the cooperation's own lists when the applicant answered "none".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trygg.screening.rules import LIST_FLAG_WORDS, Flag

OWNER_SHARE = 25.0
SHARE_TOLERANCE = 5.0
FUNDING_ROLES = ("financier", "lessor")
ROLE_WORDS = {"owner": "ägare", "financier": "finansiär", "lessor": "hyresvärd"}


@dataclass(frozen=True)
class Declared:
    """Someone the applicant named: as owner (with a share), financier or lessor; ``registry`` is the registry
    entity they were resolved to (None when the registry does not know them)."""

    name: str
    role: str
    registry: int | None = None
    share: float | None = None


@dataclass(frozen=True)
class Held:
    """Someone the registry has in a role towards the applicant on the day: for owners, the effective share over
    every chain (``unknown`` when a chain has no share given)."""

    registry: int
    name: str
    role: str
    share: float | None = None
    unknown: bool = False


def _pct(share: float | None) -> str:
    return "okänd andel" if share is None else f"{share:.0f} %".replace(".", ",")


def _owners_text(held: list[Held]) -> str:
    owners = [h for h in held if h.role == "owner"]
    if not owners:
        return "registret har inga ägare för sökanden den dagen"
    return "registret: " + ", ".join(f"{h.name} {_pct(None if h.unknown else h.share)}" for h in owners)


def compare(
    declared: list[Declared],
    held: list[Held],
    day: dt.date,
    *,
    refusals_answer: bool | None = None,
    refusals_found: list[dict] | None = None,
) -> list[Flag]:
    """The differences between the applicant's account and the registry on ``day``, each a medium flag (a share
    that differs, low). ``refusals_answer`` is the applicant's answer to "earlier refusals or revocations?"
    (None: not answered); ``refusals_found`` the own-list entries the screening found for the case's parties."""
    flags: list[Flag] = []
    when = day.isoformat()
    owners = {h.registry: h for h in held if h.role == "owner"}
    declared_owners = [d for d in declared if d.role == "owner"]
    for d in declared_owners:
        holding = owners.get(d.registry) if d.registry is not None else None
        said = f"{d.name} ({_pct(d.share)})"
        if holding is None:
            flags.append(
                Flag(
                    "declared_owner_not_in_registry",
                    "medium",
                    f"Sökanden anger {said} som ägare, men registret har inte {d.name} som ägare, direkt eller "
                    f"genom andra bolag, den {when} ({_owners_text(held)}).",
                    {"declared": said, "registry": _owners_text(held), "date": when},
                    subject=d.name,
                )
            )
        elif (
            d.share is not None
            and not holding.unknown
            and holding.share is not None
            and abs(d.share - holding.share) > SHARE_TOLERANCE
        ):
            flags.append(
                Flag(
                    "declared_share_differs",
                    "low",
                    f"Sökanden anger att {d.name} äger {_pct(d.share)}; enligt registret {_pct(holding.share)} "
                    f"den {when}.",
                    {"declared": said, "registry": f"{holding.name} {_pct(holding.share)}", "date": when},
                    subject=d.name,
                )
            )
    named = {d.registry for d in declared if d.registry is not None}
    for h in owners.values():
        large = h.unknown or h.share is None or h.share >= OWNER_SHARE
        if large and h.registry not in named:
            declared_text = ", ".join(f"{d.name} ({_pct(d.share)})" for d in declared_owners) or "inga ägare"
            flags.append(
                Flag(
                    "owner_not_declared",
                    "medium",
                    f"Enligt registret ägde {h.name} {_pct(None if h.unknown else h.share)} av sökanden den {when}, "
                    f"men sökanden har inte angett {h.name} som ägare (angivet: {declared_text}).",
                    {
                        "declared": declared_text,
                        "registry": f"{h.name} {_pct(None if h.unknown else h.share)}",
                        "date": when,
                    },
                    subject=h.name,
                )
            )
    for h in held:
        if h.role in FUNDING_ROLES and h.registry not in named:
            word = ROLE_WORDS[h.role]
            declared_text = ", ".join(d.name for d in declared if d.role in FUNDING_ROLES) or "ingen"
            flags.append(
                Flag(
                    f"{h.role}_not_declared",
                    "medium",
                    f"Enligt registret är {h.name} {word} till sökanden ({when}), men finns inte bland de finansiärer "
                    f"och hyresvärdar sökanden angett (angivet: {declared_text}).",
                    {"declared": declared_text, "registry": f"{h.name} ({word})", "date": when},
                    subject=h.name,
                )
            )
    if refusals_answer is False and refusals_found:
        entries = "; ".join(
            f"{e['party']}: {LIST_FLAG_WORDS.get(e['flag'], e['flag'])} {e.get('date', '')} {e.get('reference', '')} "
            f"({e['list']})".replace("  ", " ")
            for e in refusals_found
        )
        flags.append(
            Flag(
                "refusal_not_declared",
                "medium",
                f"Sökanden svarade att inget tidigare tillstånd nekats eller återkallats, men samverkans egna listor "
                f"har: {entries}.",
                {"declared": "inga tidigare avslag eller återkallelser", "registry": entries, "date": when},
            )
        )
    return flags
