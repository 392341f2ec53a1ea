"""A person signed in at an identity provider becomes a Trygg user with the roles the mapping table gives.

Memberships of the organisations that a provider's mappings name follow that provider's claims at every
sign-in; memberships elsewhere (given in Trygg) are left alone. Nobody without a role gets an account, and a user
deactivated in Trygg stays out even when the provider still lets them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from trygg.audit import log
from trygg.orgs.models import Membership, Organisation, User
from trygg.sso.claims import Rule, roles_from_claims
from trygg.sso.config import Provider
from trygg.sso.models import ClaimMapping, ExternalIdentity


@dataclass
class Outcome:
    user: User | None
    refused: str = ""  # "no_role" or "inactive" when the person may not sign in
    changes: dict[str, Any] = field(default_factory=dict)


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


def _linked_user(provider: Provider, claims: dict[str, Any]) -> User | None:
    """An existing account with the same address, when the provider vouches for its own domain."""
    email = str(claims.get("email") or "")
    if not provider.may_link_email(email, claims.get("email_verified") is True):
        return None
    users = list(User.objects.filter(email__iexact=email)[:2])
    return users[0] if len(users) == 1 else None


def sign_in(provider: Provider, claims: dict[str, Any]) -> Outcome:
    """Find or make the user for these (already verified) ID-token claims and bring their memberships in line."""
    subject = str(claims["sub"])
    rules = rules_for(provider)
    governed = {rule.organisation_id for rule in rules}
    wanted = roles_from_claims(claims, rules)
    names = dict(Organisation.objects.filter(pk__in=governed).values_list("pk", "name"))
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(provider=provider.name, subject=subject)
            .first()
        )
        user = identity.user if identity else _linked_user(provider, claims)
        if user is not None and not user.is_active:
            return Outcome(None, refused="inactive")
        existing = {m.organisation_id: m for m in user.memberships.select_for_update()} if user else {}
        changes: dict[str, Any] = {}
        for org_id, membership in existing.items():
            if org_id in governed and org_id not in wanted:
                membership.delete()
                changes[names[org_id]] = [membership.role, None]
        kept_elsewhere = any(org_id not in governed for org_id in existing)
        if not wanted and not kept_elsewhere and not (user and user.is_superuser):
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
            before = existing.get(org_id)
            if before is None:
                Membership.objects.create(user=user, organisation_id=org_id, role=role)
                changes[names[org_id]] = [None, role]
            elif before.role != role:
                changes[names[org_id]] = [before.role, role]
                before.role = role
                before.save(update_fields=["role"])
        if identity is None:
            identity = ExternalIdentity(provider=provider.name, subject=subject, user=user)
        identity.last_sign_in_at = timezone.now()
        identity.save()
    return Outcome(user, changes=changes)


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
