"""Optimistic concurrency for edit forms: a save made on a stale copy is refused, nothing is overwritten.

The form carries a hidden ``version``: a hash of the row's editable fields as they were when the form was
opened. On save, the row is read again under a lock (``SELECT … FOR UPDATE`` on PostgreSQL); if its hash
differs, somebody else saved in between, and the form is shown again with what they changed — the current
values beside the user's — and the new version, so that a second "Save" is a deliberate choice. No column or
migration is needed, and it works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.db import models
from django.utils.translation import gettext as _


def version_of(instance: models.Model, fields: list[str]) -> str:
    """A hash of ``fields`` of ``instance`` as stored (many-to-many fields as sorted ids)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
        else:
            values[name] = field.value_from_object(instance)
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _shown(value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


class OptimisticLockMixin(forms.ModelForm):
    """ModelForm mixin: refuses a save when the row changed since the form was opened. Call ``is_valid()``
    inside ``transaction.atomic()`` so that the check and the save see the same row."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = version_of(self.instance, self._versioned_fields())

    def _versioned_fields(self) -> list[str]:
        return [f for f in self._meta.fields or [] if f != "version"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        model = type(self.instance)
        current = model._default_manager.select_for_update().get(pk=self.instance.pk)
        fields = self._versioned_fields()
        now = version_of(current, fields)
        if self.data.get(self.add_prefix("version")) != now:
            changed = []
            for name in fields:
                if name not in self.fields:
                    continue
                bound = self[name]
                stored = forms.models.model_to_dict(current, fields=[name]).get(name)
                if bound.field.has_changed(stored, bound.data if not bound.field.disabled else stored):
                    display = getattr(current, f"get_{name}_display", None)
                    value = display() if callable(display) else getattr(current, name)
                    if isinstance(value, models.Manager):
                        value = [str(v) for v in value.all()]
                    changed.append(f"{bound.label}: {_shown(value)}")
            message = _(
                "Somebody else saved this while you were editing it, so your changes were not saved. "
                "Check the values saved now and save again if yours should stand."
            )
            if changed:
                message += " " + _("Saved now, where it differs from your form: %(fields)s.") % {
                    "fields": "; ".join(changed)
                }
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = now
            raise forms.ValidationError(message, code="stale")
        return data
