"""The check's answer in words (Swedish through the catalogue): each signal, each list or extract read, and the
receipt's sentence — "Kontrollerad 2026-12-06 mot OFAC SDN 2024-05-03 och registerutdraget … : inga träffar"."""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.partnercheck.assess import Outcome, Signal, Source


def _date(value: str) -> str:
    return value or _("an unknown date")


def signal_text(signal: Signal) -> str:
    p = signal.params
    match signal.code:
        case "status":
            texts = {
                "bankrupt": _("The company is bankrupt according to the registry (since %(date)s)."),
                "liquidation": _("The company is in liquidation according to the registry (since %(date)s)."),
                "deregistered": _("The company is deregistered according to the registry (since %(date)s)."),
            }
            return texts[p["status"]] % {"date": _date(p.get("date", ""))}
        case "listed_owner":
            values = {"owner": p["owner"], "list": p["list"], "share": p["share"]}
            if p["share"]:
                text = _("Owned by %(owner)s, which is on %(list)s: in effect about %(share)s %%.") % values
            elif p["unknown_share"]:
                text = _("Owned in part by %(owner)s, which is on %(list)s (the share is not known).") % values
            else:
                text = _("Controlled by %(owner)s, which is on %(list)s.") % values
            if p["controls"] and (p["share"] or p["unknown_share"]):
                text += " " + _("It also controls the company.")
            return text
        case "mass_address":
            return _(
                "%(companies)s companies are registered at the company's address (%(address)s): a mass-registration "
                "address."
            ) % {"companies": p["companies"], "address": p["address"]}
        case "recent_board_change":
            return (
                ngettext(
                    "Within the last %(days)s days %(persons)s person joined or left the board, management or "
                    "ownership (%(joined)s joined, %(left)s left).",
                    "Within the last %(days)s days %(persons)s persons joined or left the board, management or "
                    "ownership (%(joined)s joined, %(left)s left).",
                    p["persons"],
                )
                % p
            )
        case "frequent_changes":
            return (
                ngettext(
                    "Frequent changes: %(persons)s person joined or left the board, management or ownership within "
                    "%(days)s days.",
                    "Frequent changes: %(persons)s persons joined or left the board, management or ownership within "
                    "%(days)s days.",
                    p["persons"],
                )
                % p
            )
        case "related_bankruptcy":
            if p["status"] == "liquidation":
                text = _(
                    "%(company)s, with %(people)s of the same people in its board, management or ownership, went into "
                    "liquidation on %(date)s."
                )
            else:
                text = _(
                    "%(company)s, with %(people)s of the same people in its board, management or ownership, went "
                    "bankrupt on %(date)s."
                )
            text %= {"company": p["company"], "people": p["people"], "date": p["date"]}
            if p["same_address"]:
                text += " " + _("It had the same address as well.")
            return text
        case "bankruptcy_at_address":
            if p["status"] == "liquidation":
                text = _("%(company)s at the same address went into liquidation on %(date)s (no people in common).")
            else:
                text = _("%(company)s at the same address went bankrupt on %(date)s (no people in common).")
            return text % {"company": p["company"], "date": p["date"]}
    return signal.code


def severity_text(signal: Signal) -> str:
    return {"high": _("serious"), "medium": _("worth looking into"), "low": _("for information")}.get(
        signal.severity, signal.severity
    )


def source_label(source: Source) -> str:
    """ "OFAC SDN 2024-05-03 (read in 2026-12-06)", "the registry extract Bolagsregistret 2026-11-30 (…)"."""
    name = " ".join(v for v in (source.name, source.version) if v)
    if source.kind == "registry":
        name = _("the registry extract %(name)s") % {"name": name}
    if source.imported_on:
        name += " " + _("(read in %(date)s)") % {"date": source.imported_on}
    return name


def result_words(outcome: Outcome) -> str:
    """ "no hits", or "1 hit on a sanctions list and 2 signals in the registry"."""
    if outcome.clean:
        return _("no hits")
    parts = []
    if outcome.hits:
        n = len(outcome.hits)
        parts.append(ngettext("%(n)s hit on a sanctions list", "%(n)s hits on sanctions lists", n) % {"n": n})
    if outcome.signals:
        n = len(outcome.signals)
        parts.append(ngettext("%(n)s signal in the registry", "%(n)s signals in the registry", n) % {"n": n})
    return get_text_list(parts, _("and"))


def registry_note(outcome: Outcome) -> str:
    """What the registry could not say, when the company was not found in it (empty when it was)."""
    if outcome.company is not None:
        return ""
    if outcome.candidates:
        return _(
            "Several companies in the registry have a name like this, so the registry's signals were not read for "
            "any of them: check one of them by its organisation number."
        )
    if outcome.not_in_registry:
        return _("The registry extracts do not know this organisation number: only the sanctions lists were checked.")
    return _("No company in the registry extracts has a name like this: only the sanctions lists were checked.")


def receipt_sentence(outcome: Outcome) -> str:
    """ "Checked on 2026-12-06 against OFAC SDN 2024-05-03 and the registry extract …: no hits." """
    labels = [source_label(s) for s in outcome.lists() + outcome.registries()]
    against = get_text_list(labels, _("and")) if labels else _("no list or registry extract (none is loaded)")
    return _("Checked on %(date)s against %(sources)s: %(result)s.") % {
        "date": outcome.checked_on.isoformat(),
        "sources": against,
        "result": result_words(outcome),
    }
