"""Forms for EST reporting (several incidents in one submission), editing and filtering."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.core import photos
from trygg.core.concurrency import OptimisticLockMixin
from trygg.core.form_choices import NamedEmptyChoicesMixin
from trygg.core.identity import find_person_names, find_personal_numbers
from trygg.incidents.models import (
    Assessment,
    Category,
    Incident,
    Precision,
    Source,
    Status,
    Visibility,
)
from trygg.orgs.models import Municipality, Organisation, Place

REPORTABLE_PRECISIONS = [
    (Precision.EXACT, Precision.EXACT.label),
    (Precision.STREET, Precision.STREET.label),
    (Precision.DISTRICT, Precision.DISTRICT.label),
]
YES_NO_UNKNOWN = [("", _("Don't know")), ("yes", _("Yes")), ("no", _("No"))]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonalDataGuardMixin:
    """Warns when free text looks like it holds a personnummer or a person's name.

    The reporter must remove it or tick the confirmation box; ``personal_data_warning`` tells the template
    to show that box.
    """

    guarded_fields: tuple[str, ...] = ("description",)
    personal_data_warning = False

    def guard_personal_data(self, cleaned: dict) -> None:
        found_numbers, found_names = [], []
        for name in self.guarded_fields:
            text = cleaned.get(name) or ""
            found_numbers += find_personal_numbers(text)
            found_names += find_person_names(text)
        if not (found_numbers or found_names) or cleaned.get("confirm_personal_data"):
            return
        self.personal_data_warning = True
        parts = []
        if found_numbers:
            parts.append(
                _("The text seems to contain a personal identity number (%(found)s).")
                % {"found": ", ".join(found_numbers)}
            )
        if found_names:
            parts.append(_("The text seems to contain a name (%(found)s).") % {"found": ", ".join(found_names)})
        parts.append(
            _("Reports must not identify people. Remove it, or tick the box below if it is not personal data.")
        )
        self.add_error(self.guarded_fields[0], " ".join(str(p) for p in parts))


class IncidentReportForm(PersonalDataGuardMixin, forms.Form):
    """One incident in an EST report."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=_("What"), empty_label=_("— choose what happened —")
    )  # nothing pre-chosen: a hurried reporter must not file the first category by default
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(), required=False, label=_("Named place"), empty_label=_("— choose on the map —")
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    precision = forms.ChoiceField(
        choices=REPORTABLE_PRECISIONS, initial=Precision.EXACT, label=_("How exact is the place")
    )
    occurred_start = forms.DateTimeField(label=_("When"), widget=DateTimeLocalInput)
    occurred_end = forms.DateTimeField(required=False, label=_("Until (if it went on)"), widget=DateTimeLocalInput)
    description = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe what you saw. Do not write names or personal identity numbers."),
    )
    assessment = forms.ChoiceField(choices=[("", "—"), *Assessment.choices], required=False, label=_("Your assessment"))
    persons_count = forms.IntegerField(required=False, min_value=0, max_value=10_000, label=_("Number of persons"))
    police_report_made = forms.ChoiceField(choices=YES_NO_UNKNOWN, required=False, label=_("Police report made"))
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PARTNERS, label=_("Who may see it"))
    confirm_personal_data = forms.BooleanField(
        required=False, label=_("I have checked: the text does not identify anyone")
    )
    photo = forms.FileField(
        required=False,
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("No faces or number plates. The position and camera data are removed from the photo."),
    )

    def __init__(self, *args, municipality: Municipality | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["category"].queryset = Category.objects.est()
        self.fields["place"].queryset = (
            Place.objects.filter(municipality=municipality) if municipality else Place.objects.none()
        )
        if not self.is_bound:
            self.initial.setdefault("occurred_start", timezone.localtime().replace(second=0, microsecond=0))

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload:
            try:
                photos.check_photo(upload)
            except photos.PhotoError as exc:
                raise ValidationError(str(exc)) from exc
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("occurred_start"), cleaned.get("occurred_end")
        if start and start > timezone.now() + dt.timedelta(minutes=5):
            self.add_error("occurred_start", _("The time is in the future."))
        if start and end and end < start:
            self.add_error("occurred_end", _("The end is before the start."))
        lat, lon, place = cleaned.get("lat"), cleaned.get("lon"), cleaned.get("place")
        if (lat is None) != (lon is None):
            self.add_error(None, _("The map position is incomplete; click the map again."))
        elif lat is None and place is None:
            self.add_error(None, _("Say where: click the map, use your position, or choose a named place."))
        elif lat is not None and self.municipality and not self.municipality.contains(lon, lat):
            self.add_error(
                None,
                _("The position is outside %(municipality)s. Click inside the municipality.")
                % {"municipality": self.municipality.name},
            )
        self.guard_personal_data(cleaned)
        return cleaned

    def to_incident(self, *, organisation: Organisation, user, municipality: Municipality) -> Incident:
        data = self.cleaned_data
        place = data.get("place")
        if data.get("lat") is not None:
            lat, lon, precision = data["lat"], data["lon"], data["precision"]
        else:
            lat, lon = place.lat, place.lon
            precision = Precision.DISTRICT if place.is_area else data["precision"]
        police = {"yes": True, "no": False}.get(data.get("police_report_made") or "")
        return Incident(
            category=data["category"],
            source=Source.EST,
            description=data.get("description", ""),
            municipality=municipality,
            county_id=municipality.county_id,
            place=place,
            lat=lat,
            lon=lon,
            precision=precision,
            occurred_start=data["occurred_start"],
            occurred_end=data.get("occurred_end"),
            reported_at=timezone.now(),
            reporter_org=organisation,
            reported_by=user,
            assessment=data.get("assessment") or "",
            persons_count=data.get("persons_count"),
            police_report_made=police,
            visibility=data["visibility"],
            status=Status.NEW,
        )


class BaseReportFormSet(forms.BaseFormSet):
    def __init__(self, *args, municipality=None, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "municipality": self.municipality}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            municipality=self.municipality,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_changed() and not self._should_delete_form(form) for form in self.forms):
            raise ValidationError(_("Add at least one incident."))


IncidentReportFormSet = forms.formset_factory(
    IncidentReportForm, formset=BaseReportFormSet, extra=1, max_num=20, validate_max=True, can_delete=True
)


class ReportHeaderForm(forms.Form):
    """What the whole submission shares: reporting organisation and municipality."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Reporting for"), empty_label=None
    )
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality"), empty_label=None
    )

    def __init__(self, *args, organisations, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["municipality"].queryset = municipalities

    def clean(self):
        cleaned = super().clean()
        org, municipality = cleaned.get("organisation"), cleaned.get("municipality")
        if org and municipality and not org.municipalities.filter(pk=municipality.pk).exists():
            self.add_error(
                "municipality",
                _("%(org)s does not work in %(municipality)s.") % {"org": org, "municipality": municipality},
            )
        return cleaned


class IncidentEditForm(NamedEmptyChoicesMixin, OptimisticLockMixin, PersonalDataGuardMixin, forms.ModelForm):
    confirm_personal_data = forms.BooleanField(
        required=False, label=_("I have checked: the text does not identify anyone")
    )

    class Meta:
        model = Incident
        fields = [
            "category",
            "description",
            "place",
            "precision",
            "occurred_start",
            "occurred_end",
            "assessment",
            "persons_count",
            "police_report_made",
            "visibility",
            "status",
        ]
        widgets = {
            "occurred_start": DateTimeLocalInput(),
            "occurred_end": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(taxonomy=self.instance.category.taxonomy)
        self.fields["place"].queryset = Place.objects.filter(municipality=self.instance.municipality)
        if self.instance.source == Source.POLICE:
            for name in ("precision", "occurred_start", "occurred_end", "description"):
                self.fields[name].disabled = True
        else:
            self.fields["precision"].choices = REPORTABLE_PRECISIONS

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("occurred_start"), cleaned.get("occurred_end")
        if start and end and end < start:
            self.add_error("occurred_end", _("The end is before the start."))
        self.guard_personal_data(cleaned)
        return cleaned


class IncidentFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, label=_("Category"), empty_label=_("All categories")
    )
    source = forms.ChoiceField(choices=[("", _("All sources")), *Source.choices], required=False, label=_("Source"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Reporting organisation"),
        empty_label=_("All organisations"),
    )
    status = forms.ChoiceField(choices=[("", _("All")), *Status.choices], required=False, label=_("Status"))
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, max_length=100, label=_("Text"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.current()
        self.fields["organisation"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("'To' is before 'From'."))
        return cleaned

    def apply(self, qs):
        data = self.cleaned_data
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("source"):
            qs = qs.filter(source=data["source"])
        if data.get("organisation"):
            qs = qs.filter(reporter_org=data["organisation"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            qs = qs.filter(occurred_start__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz))
        if data.get("date_to"):
            qs = qs.filter(
                occurred_start__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tz)
            )
        if data.get("q"):
            from django.db.models import Q

            qs = qs.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
        return qs


class IncidentImportForm(forms.Form):
    """Upload of a partner's own incident log (CSV; layout in ``trygg.incidents.csv_import``)."""

    MAX_BYTES = 5 * 1024 * 1024

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Reporting for"))
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Saved from Excel as CSV, or UTF-8 text; comma or semicolon separated; at most 5 MB. "
            "The columns are described below."
        ),
    )
    allow_names = forms.BooleanField(
        required=False,
        label=_("I have checked that words the check takes for names are not people's names"),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations if organisations is not None else Organisation.objects.none()
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
