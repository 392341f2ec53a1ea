"""Empty choices that say what they mean: Django's "---------" becomes "— choose —" where a choice is required
and "— none —" where it may stay empty, on every choice field of a form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DASHES = "---------"


class NamedEmptyChoicesMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            name = _("— choose —") if field.required else _("— none —")
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == DASHES:
                field.empty_label = name
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", DASHES):
                    field.choices = [("", name), *choices[1:]]
