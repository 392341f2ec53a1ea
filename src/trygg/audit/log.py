"""Writing to the audit log: the one function every app calls."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from trygg.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the ``changes`` record."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def _actor(actor: Any) -> tuple[Any, str]:
    """The user (or None) and the label kept in the entry: a username, a system process name or "anonymous"."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = user.get_username() if user else (actor if isinstance(actor, str) else "anonymous")
    return user, label[:150]


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    purpose: str | models.Model = "",
) -> AuditEvent:
    """Append one entry. ``actor`` is a user, ``None`` or a string naming a system process. ``purpose`` is the
    case (a model instance, kept by identity and shown by its ``audit_label``) or a text."""
    purpose_type, purpose_id = "", ""
    if isinstance(purpose, models.Model):
        purpose_type, purpose_id = purpose._meta.label_lower, str(purpose.pk)
        purpose = str(getattr(purpose, "audit_label", purpose))
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    user, label = _actor(actor)
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        summary=summary[:300],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        purpose=purpose[:200],
        purpose_type=purpose_type,
        purpose_id=purpose_id,
    )


def record_many(actor: Any, action: str, objects: Iterable[models.Model], *, summary: str = "", fields=()) -> int:
    """Append one entry per object in one statement (for imports); ``fields`` are snapshotted as changes."""
    user, label = _actor(actor)
    entries = [
        AuditEvent(
            actor=user,
            actor_label=label,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            summary=summary[:300],
            changes=snapshot(obj, fields) if fields else {},
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of ``obj`` (foreign keys by id) to diff before and after an edit."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            out[name] = sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
        else:
            out[name] = _plain(getattr(obj, field.attname))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
