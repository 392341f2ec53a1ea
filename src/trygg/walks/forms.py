"""Forms of the safety walks: planning, a stop (built from the walk's own checklist), turning a stop into an
incident or a measure, and editing a checklist."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.core import geo
from trygg.core.concurrency import OptimisticLockMixin
from trygg.core.form_choices import NamedEmptyChoicesMixin
from trygg.incidents.forms import DateTimeLocalInput, PersonalDataGuardMixin
from trygg.incidents.models import Category
from trygg.measures.models import Measure
from trygg.orgs.models import Organisation, Place
from trygg.walks import choices
from trygg.walks.models import Answer, ChecklistQuestion, ChecklistTemplate, Walk

AREA_KINDS = [Place.Kind.AREA, Place.Kind.RESIDENTIAL]
MAX_PHOTOS = 6


class WalkForm(NamedEmptyChoicesMixin, OptimisticLockMixin, forms.ModelForm):
    """Plan (or change) a walk in one municipality."""

    area_drawn = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Walk
        fields = [
            "title",
            "starts_at",
            "area",
            "area_drawn",
            "organiser",
            "organisations",
            "participants",
            "residents",
            "template",
        ]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "organisations": forms.CheckboxSelectMultiple,
            "participants": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "area": _("A named area or residential area; or draw the area on the map."),
            "participants": _("Staff of the partner organisations who walk along (Ctrl or Cmd to choose several)."),
        }

    def __init__(self, *args, municipality, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        fields = self.fields
        fields["area"].queryset = Place.objects.filter(municipality=municipality, kind__in=AREA_KINDS)
        fields["organiser"].queryset = choices.organiser_choices(user, municipality)
        fields["organisations"].queryset = choices.partner_organisations(municipality)
        fields["participants"].queryset = choices.partner_users(municipality)
        fields["participants"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"
        fields["template"].queryset = choices.checklist_choices(municipality)
        fields["template"].required = self.instance.pk is None
        fields["template"].label_from_instance = lambda t: f"{t.name} — {t.source} ({t.cooperation.name})"
        if self.instance.pk is not None:
            fields["template"].help_text = _("Changing the checklist applies only to stops not yet added.")
            if self.instance.area_drawn:
                self.initial["area_drawn"] = json.dumps(self.instance.area_drawn)
        elif not self.is_bound:
            self.initial.setdefault("starts_at", timezone.localtime().replace(minute=0, second=0, microsecond=0))
            if fields["organiser"].queryset.count() == 1:
                self.initial.setdefault("organiser", fields["organiser"].queryset.first().pk)

    def clean_area_drawn(self):
        text = (self.cleaned_data.get("area_drawn") or "").strip()
        if not text:
            return None
        try:
            geometry = json.loads(text)
            shape = geo.shape_from_geojson(geometry)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValidationError(_("The drawn area is not a valid area; draw it again.")) from exc
        if shape.geom_type != "Polygon" or not shape.is_valid:
            raise ValidationError(_("The drawn area is not a valid area; draw it again."))
        if self.municipality.boundary and not geo.shape_of(
            self.municipality.boundary_key, self.municipality.boundary
        ).intersects(shape):
            raise ValidationError(
                _("The drawn area is outside %(municipality)s.") % {"municipality": self.municipality.name}
            )
        return geometry

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("area") and cleaned.get("area_drawn"):
            cleaned["area_drawn"] = None  # a named area chosen: it wins over a drawing
        return cleaned


VERDICT_CHOICES = [("", _("Not answered")), *Answer.Verdict.choices]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input (the camera or the phone's pictures)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)s photos per stop.") % {"n": MAX_PHOTOS})
        return [super(PhotosField, self).clean(f, initial) for f in files]


class StopForm(PersonalDataGuardMixin, forms.Form):
    """One stop: position, an answer and comment per question of the walk's checklist, photos, note, proposal.

    Field names: ``lat``, ``lon`` (hidden, WGS84), ``place`` (a named place when there is no position),
    ``answer-<code>`` (``ok``/``problem``/``na`` or empty), ``comment-<code>``, ``photos`` (several files),
    ``note``, ``proposal``, ``proposal_owner``, ``confirm_personal_data`` and the queue's ``idempotency_key``.
    """

    guarded_fields = ("note", "proposal")

    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        required=False,
        label=_("Or a named place"),
        empty_label=_("— position from the phone or the map —"),
    )
    photos = PhotosField(required=False, label=_("Photos"))
    note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you see here. Do not write names or personal identity numbers."),
    )
    proposal = forms.CharField(
        required=False, max_length=1000, label=_("Proposed measure"), widget=forms.Textarea(attrs={"rows": 2})
    )
    proposal_owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Who should do it"),
        empty_label=_("— not decided —"),
    )
    confirm_personal_data = forms.BooleanField(
        required=False, label=_("I have checked: the text does not identify anyone")
    )

    def __init__(self, *args, walk: Walk, **kwargs):
        super().__init__(*args, **kwargs)
        self.walk = walk
        self.fields["place"].queryset = Place.objects.filter(municipality_id=walk.municipality_id)
        self.fields["proposal_owner"].queryset = Organisation.objects.filter(municipalities=walk.municipality_id)
        self.questions = []
        for question in walk.questions:
            code = question["code"]
            self.fields[f"answer-{code}"] = forms.ChoiceField(
                choices=VERDICT_CHOICES,
                required=False,
                label=question["text"],
                widget=forms.RadioSelect,
                help_text=question.get("help", ""),
            )
            self.fields[f"comment-{code}"] = forms.CharField(required=False, max_length=300, label=_("Comment"))
            self.questions.append((question, self[f"answer-{code}"], self[f"comment-{code}"]))

    def clean(self):
        cleaned = super().clean()
        lat, lon, place = cleaned.get("lat"), cleaned.get("lon"), cleaned.get("place")
        municipality = self.walk.municipality
        if (lat is None) != (lon is None):
            self.add_error(None, _("The position is incomplete; tap the map or use your position again."))
        elif lat is None and place is None:
            self.add_error(None, _("Say where the stop is: use your position, tap the map, or choose a named place."))
        elif lat is not None and municipality.boundary and not municipality.contains(lon, lat):
            self.add_error(
                None,
                _("The position is outside %(municipality)s. Tap the map inside the municipality.")
                % {"municipality": municipality.name},
            )
        said = any(cleaned.get(f"answer-{q['code']}") for q in self.walk.questions)
        if not (said or cleaned.get("note") or cleaned.get("proposal") or cleaned.get("photos")):
            self.add_error(None, _("The stop is empty: answer a question, write a note or add a photo."))
        for question in self.walk.questions:
            code = question["code"]
            if cleaned.get(f"comment-{code}") and not cleaned.get(f"answer-{code}"):
                self.add_error(f"answer-{code}", _("Choose OK, problem or not applicable for the comment."))
        self.guard_personal_data(cleaned)
        return cleaned

    def position(self) -> tuple[float, float, Place | None]:
        data = self.cleaned_data
        if data.get("lat") is not None:
            return data["lat"], data["lon"], data.get("place")
        return data["place"].lat, data["place"].lon, data["place"]

    def answers(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (q["code"], data[f"answer-{q['code']}"], data.get(f"comment-{q['code']}", ""))
            for q in self.walk.questions
            if data.get(f"answer-{q['code']}")
        ]


class ConvertForm(NamedEmptyChoicesMixin, forms.Form):
    """Turn one stop into an incident (``into=incident``, ``category``) or a measure (``into=measure``, ``kind``,
    ``owner``)."""

    into = forms.ChoiceField(choices=[("incident", _("Incident")), ("measure", _("Measure"))])
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, label=_("Category"), to_field_name="code"
    )
    kind = forms.ChoiceField(choices=[("", "—"), *Measure.Kind.choices], required=False, label=_("Type of measure"))
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False, label=_("Owner"))

    def __init__(self, *args, walk: Walk, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.est()
        self.fields["owner"].queryset = Organisation.objects.filter(municipalities=walk.municipality_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("into") == "incident" and not cleaned.get("category"):
            self.add_error("category", _("Choose the incident's category."))
        if cleaned.get("into") == "measure":
            if not cleaned.get("kind"):
                self.add_error("kind", _("Choose the type of measure."))
            if not cleaned.get("owner"):
                self.add_error("owner", _("Choose who owns the measure."))
        return cleaned


class ChecklistForm(OptimisticLockMixin, forms.ModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["name", "source"]

    def _versioned_fields(self) -> list[str]:
        return ["name", "source", "revision"]  # the revision changes with every save of the questions too


class QuestionForm(NamedEmptyChoicesMixin, forms.ModelForm):
    class Meta:
        model = ChecklistQuestion
        fields = ["position", "code", "text", "help", "category", "measure_kind"]
        widgets = {"position": forms.NumberInput(attrs={"min": 0, "max": 999})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = [("", _("— none —"))] + [(c.code, c.label_sv) for c in Category.objects.est()]
        self.fields["category"] = forms.ChoiceField(
            choices=codes, required=False, label=ChecklistQuestion._meta.get_field("category").verbose_name
        )


QuestionFormSet = forms.inlineformset_factory(
    ChecklistTemplate, ChecklistQuestion, form=QuestionForm, extra=2, can_delete=True, max_num=40, validate_max=True
)
