"""Audit history on pages: changed fields by their labels (not their names), with before and after."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def field_changes(event, obj) -> list[dict]:
    """The fields an update changed, as ``{"label", "before", "after"}``; a creation lists nothing (it made
    them all)."""
    if event.action != "update" or not isinstance(event.changes, dict):
        return []
    rows = []
    for name, change in event.changes.items():
        try:
            label = str(obj._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name.replace("_", " ")
        before, after = [*change, None, None][:2] if isinstance(change, list) else (None, change)
        rows.append({"label": label, "before": before, "after": after})
    return rows
