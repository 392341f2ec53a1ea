"""Rules by construction: every model that holds data of a municipality or an organisation has a queryset with
``restrict(user, action)``, and views, exports, counts, digests and the API fetch their objects *through* it.

The pattern is NetBox's ``RestrictedQuerySet.restrict(user, action)`` (netbox/utilities/querysets.py): a model's
rule is written once, as a ``Q`` in its queryset's :meth:`RestrictedQuerySet.rule`, and a list, a count and the
fetch of one object all use that same ``Q`` — a view cannot forget the rule, and the rule has no second copy for
single objects that could drift from the list's.

* :meth:`RestrictedQuerySet.restrict` — the rows ``user`` may use for ``action``; an action the model does not
  declare raises (closed by default), an anonymous user gets nothing.
* :func:`fetch` — ``get_object_or_404`` through the rule: 404 when no row matches the lookup at all (or it lies
  outside the municipality or case the URL names), 403 — audited — when one exists but the rule refuses it.
* :func:`allowed` — whether the rule lets ``user`` do ``action`` on one object already in hand (one query), e.g. to
  show an "Edit" button; never a second, hand-written rule.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404

from trygg.audit import log

NOTHING = Q(pk__in=[])


def is_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_superuser(user: Any) -> bool:
    return is_user(user) and bool(getattr(user, "is_superuser", False))


class RestrictedQuerySet(models.QuerySet):
    """A queryset whose model states who may do what, once. Subclasses set :attr:`actions` and write :meth:`rule`."""

    #: the actions the model's rule knows (e.g. ``view``, ``change``); any other raises ``ValueError``
    actions: ClassVar[frozenset[str]] = frozenset({"view"})
    #: a refused object is the audit entry's purpose too (a screening case: its municipality's log shows it)
    refusal_is_purpose: ClassVar[bool] = False

    def rule(self, user, action: str) -> Q:
        """The rows ``user`` (authenticated) may use for ``action``, as a ``Q`` on this model (``Q()``: all)."""
        raise NotImplementedError(f"{self.model.__name__} has no access rule")

    def restrict(self, user, action: str = "view") -> Self:
        if action not in self.actions:
            raise ValueError(f"{self.model.__name__} knows no action {action!r} (it knows {sorted(self.actions)})")
        if not is_user(user) or not getattr(user, "is_active", True):
            return self.none()
        return self.filter(self.rule(user, action))


class Refused(PermissionDenied):
    """A 403 whose audit entry is written when the refusal leaves the view: an entry written inside the view's own
    transaction would be rolled back with it (:class:`RefusalAuditMiddleware`; outside a transaction at once)."""

    def __init__(self, user, **entry):
        super().__init__()
        self.user, self.entry, self.recorded = user, entry, False

    def record(self) -> None:
        if not self.recorded:
            self.recorded = True
            log.record(self.user, "denied", **self.entry)


def refuse(user, **entry) -> None:
    """Raise a 403 whose refusal is audited (``entry``: the audit entry's fields)."""
    refused = Refused(user, **entry)
    if not transaction.get_connection().in_atomic_block:
        refused.record()
    raise refused


class RefusalAuditMiddleware:
    """Writes the audit entry of a refusal raised inside a transaction, after that transaction is over."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            exception.record()


def fetch(queryset: models.QuerySet | type[models.Model], user, action: str = "view", **lookup) -> Any:
    """The one object matching ``lookup`` that ``user`` may use for ``action``: 404 when none matches the lookup,
    403 (written to the audit log) when one matches but the rule refuses it."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    found = queryset.restrict(user, action).filter(**lookup).first()
    if found is not None:
        return found
    model = queryset.model
    existing = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
    if existing is None:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    purpose = model._base_manager.get(pk=existing) if queryset.refusal_is_purpose else ""
    refuse(
        user,
        object_type=model._meta.label_lower,
        object_id=existing,
        summary=f"refused: {action}",
        purpose=purpose,
    )


def allowed(obj: models.Model | None, user, action: str = "view") -> bool:
    """Whether the model's rule lets ``user`` do ``action`` on ``obj`` (for buttons and links, not for fetching)."""
    if obj is None or obj.pk is None:
        return False
    return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def require(allowed_: bool, user, what: str) -> None:
    """403 unless ``allowed_`` — for page-level rules that name no object (e.g. "may report at all"); the refusal
    is audited."""
    if not allowed_:
        if is_user(user):
            refuse(user, object_type="page", summary=f"refused: {what}"[:300])
        raise PermissionDenied
