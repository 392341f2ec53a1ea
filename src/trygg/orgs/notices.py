"""An organisation keeps at least one admin: what the web refuses (demoting or removing the last admin), a
change from outside — an identity provider's groups at sign-in — may not do either. When it would, the
membership is kept, the audit log says so (:data:`LAST_ADMIN_KEPT`), the organisation's admins get an e-mail and
their Administration page shows a notice until another admin exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from trygg.audit import log
from trygg.audit.models import AuditEvent
from trygg.core import mail
from trygg.orgs.models import Membership, Organisation, Role, User

LAST_ADMIN_KEPT = "last admin kept"
KIND = "last_admin_kept"
NOTICE_DAYS = 30


def register() -> None:
    mail.register_kind(KIND, "När en organisations sista administratör behölls")


def is_last_admin(organisation_id: int, user_id: int) -> bool:
    """Whether ``user`` is the organisation's only admin (call under the organisation's row lock)."""
    admins = set(
        Membership.objects.filter(organisation_id=organisation_id, role=Role.ORG_ADMIN).values_list(
            "user_id", flat=True
        )
    )
    return admins == {user_id}


def record_kept(actor, organisation: Organisation, user: User, wanted: str | None, source: str) -> None:
    """The audit entry on the organisation: ``user`` stays its admin although ``source`` wanted ``wanted``."""
    log.record(
        actor,
        "denied",
        organisation,
        summary=f"{LAST_ADMIN_KEPT}: {user.username}",
        changes={"user": user.pk, "role": Role.ORG_ADMIN, source: wanted},
    )


def tell_admins(organisation: Organisation, user: User, source_label: str) -> int:
    """E-mail the organisation's admins (at most once a day per organisation and member); the number sent."""
    admins = User.objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__role=Role.ORG_ADMIN
    ).exclude(email="")
    sent = 0
    for admin in admins:
        sent += mail.send(
            mail.Outgoing(
                KIND,
                f"{KIND}:{organisation.pk}:{user.pk}:{admin.pk}:{timezone.localdate().isoformat()}",
                admin.email,
                "En organisation i Trygg behöll sin sista administratör",
                "orgs/mail/last_admin_kept",
                {
                    "organisation": organisation.name,
                    "member": user.get_full_name() or user.get_username(),
                    "source": source_label,
                    "url": mail.absolute(reverse("orgs:members", args=[organisation.slug])),
                },
                user=admin,
                sender_name=organisation.name,
            )
        )
    return sent


@dataclass(frozen=True)
class Notice:
    organisation: Organisation
    event: AuditEvent


def last_admin_kept(organisations: QuerySet, days: int = NOTICE_DAYS) -> list[Notice]:
    """For the Administration page: the organisations (of ``organisations``) whose last admin was kept against an
    outside change in the last ``days`` days and that still have only one admin — the newest entry of each."""
    by_id = {str(o.pk): o for o in organisations}
    if not by_id:
        return []
    since = timezone.now() - dt.timedelta(days=days)
    events = AuditEvent.objects.filter(
        object_type="orgs.organisation",
        object_id__in=list(by_id),
        summary__startswith=f"{LAST_ADMIN_KEPT}:",
        at__gte=since,
    ).order_by("-at", "-id")
    notices: dict[str, Notice] = {}
    for event in events:
        if event.object_id not in notices:
            notices[event.object_id] = Notice(by_id[event.object_id], event)
    one_admin = {
        str(pk)
        for pk in Organisation.objects.filter(pk__in=[int(k) for k in notices]).values_list("pk", flat=True)
        if Membership.objects.filter(organisation_id=pk, role=Role.ORG_ADMIN).count() <= 1
    }
    return [n for key, n in notices.items() if key in one_admin]
