"""Taking an organisation into a cooperation: at once when it works only where the admin administers the
municipality's own organisation, otherwise as a :class:`~trygg.orgs.partner_requests.PartnerRequest` that the
admins of each other municipality answer. Every step is written to the audit log of the cooperation.

The callers hold the cooperation's row lock (``select_for_update``) for :func:`add_or_request`; :func:`answer`
takes it itself, then the request's, in that order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trygg.audit import log
from trygg.core import mail
from trygg.orgs.models import Cooperation, Municipality, Organisation, Role, User
from trygg.orgs.partner_requests import PartnerConsent, PartnerRequest, answering_codes
from trygg.orgs.restrict import is_superuser

KIND = "partner_request"


def register() -> None:
    mail.register_kind(KIND, "Förfrågningar om nya partner i en samverkan")


@dataclass
class Outcome:
    """What :func:`add_or_request` did: ``added`` at once, or ``request`` (new, or ``pending_already``)."""

    added: bool = False
    request: PartnerRequest | None = None
    pending_already: bool = False
    asked: list[Municipality] = field(default_factory=list)


def other_municipalities(user, organisation: Organisation) -> list[Municipality]:
    """The municipalities ``organisation`` works in whose own organisation ``user`` does not administer: those
    that must accept (none for superusers)."""
    if is_superuser(user):
        return []
    return list(organisation.municipalities.exclude(code__in=answering_codes(user)).defer("boundary").order_by("name"))


def _names(municipalities) -> str:
    return ", ".join(m.name for m in municipalities)


def add_or_request(user, coop: Cooperation, organisation: Organisation) -> Outcome:
    """Add ``organisation`` to ``coop``, or ask the other municipalities' admins (one pending request at most)."""
    others = other_municipalities(user, organisation)
    if not others:
        coop.organisations.add(organisation)
        log.record(
            user,
            "update",
            coop,
            summary=f"partner added: {organisation.name}",
            changes={"organisation": organisation.pk},
        )
        return Outcome(added=True)
    pending = PartnerRequest.objects.filter(
        cooperation=coop, organisation=organisation, status=PartnerRequest.Status.PENDING
    ).first()
    if pending is not None:
        return Outcome(request=pending, pending_already=True, asked=list(pending.municipalities.order_by("name")))
    request = PartnerRequest.objects.create(cooperation=coop, organisation=organisation, requested_by=user)
    PartnerConsent.objects.bulk_create(PartnerConsent(request=request, municipality=m) for m in others)
    log.record(
        user,
        "create",
        coop,
        summary=f"partner requested: {organisation.name} (waiting for {_names(others)})",
        changes={"organisation": organisation.pk, "request": request.pk, "asked": [m.code for m in others]},
    )
    return Outcome(request=request, asked=others)


def answerers(request: PartnerRequest) -> list[User]:
    """Who answers for the municipalities still waiting: their own organisations' admins (active accounts)."""
    waiting = request.consents.filter(answer="").values("municipality")
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.ORG_ADMIN,
            memberships__organisation__kind=Organisation.Kind.MUNICIPALITY,
            memberships__organisation__municipalities__in=waiting,
        )
        .distinct()
        .order_by("pk")
    )


def open_for(user, request: PartnerRequest):
    """The asked municipalities ``user`` may still answer for (superusers: all still waiting)."""
    waiting = request.consents.filter(answer="").select_related("municipality")
    return waiting if is_superuser(user) else waiting.filter(municipality__in=answering_codes(user))


def removable(user, organisations) -> set[int]:
    """Which of ``organisations`` (in a cooperation ``user`` administers) the user may take out of it: one they
    administer themselves (leaving), or one working in a municipality whose own organisation they administer. An
    organisation of only other municipalities — another municipality's own among them — is theirs to take out."""
    organisations = list(organisations)
    if is_superuser(user):
        return {o.pk for o in organisations}
    ids = [o.pk for o in organisations]
    own = set(Organisation.objects.restrict(user, "administer").filter(pk__in=ids).values_list("pk", flat=True))
    answered = Organisation.objects.filter(pk__in=ids, municipalities__in=answering_codes(user))
    return own | set(answered.values_list("pk", flat=True))


def leaving_with(coop: Cooperation, organisation: Organisation) -> list[Organisation]:
    """When another municipality's own organisation is taken out of ``coop`` (the cooperation with that
    municipality ends), the partners that work only in its municipalities go with it: nothing of that
    municipality stays shared without its admins in the cooperation."""
    codes = set(organisation.municipalities.values_list("code", flat=True))
    others = coop.organisations.exclude(pk=organisation.pk).prefetch_related("municipalities")
    return [o for o in others if {m.code for m in o.municipalities.all()} <= codes and codes]


def _settle(locked: PartnerRequest, status: str, user, when) -> None:
    locked.status, locked.decided_by, locked.decided_at = status, user, when
    locked.save(update_fields=["status", "decided_by", "decided_at"])


def withdraw(user, request: PartnerRequest) -> bool:
    """The requesting side (an admin of the cooperation) takes a pending request back; ``False`` when it had been
    settled meanwhile. Answers already given stay in the record."""
    with transaction.atomic():
        coop = Cooperation.objects.select_for_update().get(pk=request.cooperation_id)
        locked = PartnerRequest.objects.select_for_update().select_related("organisation").get(pk=request.pk)
        if locked.status != PartnerRequest.Status.PENDING:
            return False
        _settle(locked, PartnerRequest.Status.WITHDRAWN, user, timezone.now())
        log.record(
            user,
            "decide",
            coop,
            summary=f"partner request withdrawn: {locked.organisation.name}",
            changes={"organisation": locked.organisation_id, "request": locked.pk},
        )
        return True


def answer(user, request: PartnerRequest, accept: bool) -> str:
    """Record ``user``'s answer for the municipalities they answer for: ``"accepted"`` (the organisation is now in
    the cooperation), ``"waiting"`` (accepted; other municipalities still to answer), ``"declined"``, or
    ``"answered"`` when nothing was left for this user to answer (the request was settled meanwhile)."""
    with transaction.atomic():
        coop = Cooperation.objects.select_for_update().get(pk=request.cooperation_id)
        locked = PartnerRequest.objects.select_for_update().select_related("organisation").get(pk=request.pk)
        if locked.status != PartnerRequest.Status.PENDING:
            return "answered"
        mine = list(open_for(user, locked).select_for_update(of=("self",)))
        if not mine:
            return "answered"
        now, organisation = timezone.now(), locked.organisation
        verdict = PartnerConsent.Answer.ACCEPTED if accept else PartnerConsent.Answer.DECLINED
        for consent in mine:
            consent.answer, consent.answered_by, consent.answered_at = verdict, user, now
            consent.save(update_fields=["answer", "answered_by", "answered_at"])
        names = _names(c.municipality for c in mine)
        changes = {"organisation": organisation.pk, "request": locked.pk, "for": [c.municipality_id for c in mine]}
        if not accept:
            _settle(locked, PartnerRequest.Status.DECLINED, user, now)
            log.record(user, "decide", coop, summary=f"partner request declined: {organisation.name}", changes=changes)
            return "declined"
        log.record(
            user, "decide", coop, summary=f"partner request accepted: {organisation.name} for {names}", changes=changes
        )
        if locked.consents.filter(answer="").exists():
            return "waiting"
        _settle(locked, PartnerRequest.Status.ACCEPTED, user, now)
        coop.organisations.add(organisation)
        log.record(
            user,
            "update",
            coop,
            summary=f"partner added: {organisation.name}",
            changes={"organisation": organisation.pk, "request": locked.pk},
        )
    return "accepted"


def notify(request: PartnerRequest) -> int:
    """E-mail each admin who answers for a waiting municipality (once per request and admin); the number sent."""
    url = mail.absolute(reverse("orgs:partner_request", args=[request.pk]))
    requester = request.requested_by
    sent = 0
    for user in answerers(request):
        sent += mail.send(
            mail.Outgoing(
                KIND,
                f"{KIND}:{request.pk}:{user.pk}",
                user.email,
                "En förfrågan om en ny partner i en samverkan",
                "orgs/mail/partner_request",
                {
                    "cooperation": request.cooperation.name,
                    "organisation": request.organisation.name,
                    "requester": (requester.get_full_name() or requester.get_username()) if requester else "",
                    "url": url,
                },
                user=user,
                sender_name=request.cooperation.name,
            )
        )
    return sent
