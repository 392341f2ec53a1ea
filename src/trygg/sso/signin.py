"""A person signed in at an identity provider becomes a Trygg user with the roles the mapping table gives.

* The person is the provider's (issuer, subject) — OpenID Connect Core 1.0 §2 — bound to one account for good.
  A verified address at the provider's own domain links an existing account once: only an account not yet bound
  at that issuer, never a superuser's, and a closed one is refused. A second person with the same address (a
  recycled address) gets a new account with only the roles the mappings give.
* Memberships of the organisations that a provider's mappings name follow that provider's claims at every
  sign-in; memberships elsewhere (given in Trygg) are left alone. The claims never take away an organisation's
  last admin (the web refuses the same): the membership is kept, audited, and the organisation's admins told.
* Nobody without a role gets an account, and a user deactivated in Trygg stays out even when the provider still
  lets them in (a superuser reopens the account).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from trygg.audit import log
from trygg.orgs import notices
from trygg.orgs.models import Membership, Organisation, Role, User
from trygg.sso.claims import Rule, roles_from_claims
from trygg.sso.config import Provider
from trygg.sso.models import ClaimMapping, ExternalIdentity

DIRECTORY = "directory"  # the source named in the audit entry of a kept last admin


@dataclass
class Outcome:
    user: User | None
    refused: str = ""  # "no_role" or "inactive" when the person may not sign in
    changes: dict[str, Any] = field(default_factory=dict)
    kept: list[Organisation] = field(default_factory=list)  # organisations whose last admin the claims would remove


def rules_for(provider: Provider) -> list[Rule]:
    return [
        Rule(m.claim, m.value, m.organisation_id, m.role)
        for m in ClaimMapping.objects.filter(provider=provider.name).only("claim", "value", "organisation", "role")
    ]


def _free_username(base: str) -> str:
    base = (slugify(base) or "user")[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _linked_user(provider: Provider, claims: dict[str, Any], changes: dict[str, Any]) -> User | None:
    """The existing account a verified address at the provider's own domain links to — once. ``None`` (a new
    account) when no single account has the address, when it is bound at this issuer already (to another person:
    the address was given to somebody new) or when it is a superuser's. A closed account is returned, and refused
    by the caller. Why an account was not linked is noted in ``changes`` for the audit entry."""
    email = str(claims.get("email") or "")
    if not provider.may_link_email(email, claims.get("email_verified") is True):
        return None
    users = list(User.objects.select_for_update().filter(email__iexact=email).order_by("pk")[:2])
    if len(users) != 1:
        if users:
            changes["not linked"] = "several accounts have the address"
        return None
    user = users[0]
    if ExternalIdentity.objects.filter(user=user, issuer=provider.issuer).exists():
        changes["not linked"] = user.username  # bound to another person at this provider
        return None
    if user.is_superuser:
        changes["not linked"] = user.username  # a superuser's account is never taken over by an address
        return None
    changes["linked by e-mail"] = email
    return user


def sign_in(provider: Provider, claims: dict[str, Any]) -> Outcome:
    """Find or make the user for these (already verified) ID-token claims and bring their memberships in line;
    then tell the admins of an organisation whose last admin was kept."""
    for attempt in (1, 2):
        try:
            outcome = _sign_in(provider, claims)
            break
        except IntegrityError:  # the same person's first sign-in twice at once: the second finds the binding
            if attempt == 2:
                raise
    for organisation in outcome.kept:
        notices.tell_admins(organisation, outcome.user, provider.label)
    return outcome


def _sign_in(provider: Provider, claims: dict[str, Any]) -> Outcome:
    subject = str(claims["sub"])
    rules = rules_for(provider)
    governed = {rule.organisation_id for rule in rules}
    wanted = roles_from_claims(claims, rules)
    names = dict(Organisation.objects.filter(pk__in=governed).values_list("pk", "name"))
    changes: dict[str, Any] = {}
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=provider.issuer, subject=subject)
            .first()
        )
        user = identity.user if identity else _linked_user(provider, claims, changes)
        if user is not None and not user.is_active:
            return Outcome(None, refused="inactive", changes=changes | {"account": user.username})
        locked: dict[int, Organisation] = {}

        def lock(org_id: int) -> Organisation:
            """The organisation's row, locked before its memberships (the web's order: no deadlock)."""
            if org_id not in locked:
                locked[org_id] = Organisation.objects.select_for_update().get(pk=org_id)
            return locked[org_id]

        if user is not None:  # organisations where these claims would take an admin role away
            at_risk = user.memberships.filter(role=Role.ORG_ADMIN, organisation__in=governed)
            for org_id in sorted(at_risk.values_list("organisation_id", flat=True)):
                if wanted.get(org_id) != Role.ORG_ADMIN:
                    lock(org_id)
        existing = {m.organisation_id: m for m in user.memberships.select_for_update()} if user else {}
        kept: list[Organisation] = []
        for org_id, membership in existing.items():
            if org_id not in governed:
                continue
            target = wanted.get(org_id)
            if membership.role == Role.ORG_ADMIN and target != Role.ORG_ADMIN:
                organisation = lock(org_id)
                if notices.is_last_admin(org_id, user.pk):
                    kept.append(organisation)
                    notices.record_kept(user, organisation, user, target, DIRECTORY)
                    changes[names[org_id]] = [Role.ORG_ADMIN, Role.ORG_ADMIN]
                    continue
            if target is None:
                membership.delete()
                changes[names[org_id]] = [membership.role, None]
        kept_ids = {o.pk for o in kept}
        kept_elsewhere = bool(kept) or any(org_id not in governed for org_id in existing)
        if not wanted and not kept_elsewhere and not (user and user.is_superuser):
            if identity is None and user is not None:  # an account found by its address only, not bound: a
                transaction.set_rollback(True)  # refused sign-in is no link, and changes nothing in it
                notes = {k: v for k, v in changes.items() if k in ("linked by e-mail", "not linked")}
                return Outcome(None, refused="no_role", changes=notes | {"account not linked": user.username})
            return Outcome(user, refused="no_role", changes=changes)
        if user is None:
            user = User(username=_free_username(f"{provider.name}-{claims.get('preferred_username') or subject}"))
            user.set_unusable_password()  # signs in at the provider only
            changes["account"] = [None, "created"]
        user.email = str(claims.get("email") or user.email)[:254]
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.last_login = timezone.now()
        user.save()
        for org_id, role in wanted.items():
            if org_id in kept_ids:
                continue
            before = existing.get(org_id)
            if before is None:
                Membership.objects.create(user=user, organisation_id=org_id, role=role)
                changes[names[org_id]] = [None, role]
            elif before.role != role:
                changes[names[org_id]] = [before.role, role]
                before.role = role
                before.save(update_fields=["role"])
        if identity is None:
            identity = ExternalIdentity(issuer=provider.issuer, subject=subject, user=user)
        identity.provider = provider.name
        identity.last_sign_in_at = timezone.now()
        identity.save()
    return Outcome(user, changes=changes, kept=kept)


def record(provider: Provider, outcome: Outcome, subject: str) -> None:
    """The sign-in (or refusal) in the audit log, with every role it changed."""
    if outcome.refused:
        log.record(
            outcome.user or f"sso:{provider.name}",
            "sso_refused",
            outcome.user,
            object_type="" if outcome.user else "sso.externalidentity",
            object_id=None if outcome.user else f"{provider.name}:{subject}"[:64],
            summary=f"{provider.label}: {outcome.refused}",
            changes=outcome.changes,
        )
    else:
        log.record(outcome.user, "sso_sign_in", outcome.user, summary=provider.label, changes=outcome.changes)
