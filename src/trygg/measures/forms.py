import datetime as dt
import json

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.core import geo
from trygg.core.concurrency import OptimisticLockMixin
from trygg.core.form_choices import NamedEmptyChoicesMixin
from trygg.core.numbers import number
from trygg.incidents.models import Category
from trygg.measures.areas import AreaError, validate_areas
from trygg.measures.models import Agreement, Measure, Meeting, ProblemPlace
from trygg.orgs.models import Organisation, Place


class GeometryField(forms.CharField):
    """A GeoJSON polygon drawn on the map (hidden) — or empty."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            geometry = json.loads(value)
            shape = geo.shape_from_geojson(geometry)
        except (ValueError, TypeError, KeyError) as exc:
            raise forms.ValidationError(_("The drawn area is not a valid polygon.")) from exc
        if shape.geom_type not in ("Polygon", "MultiPolygon"):
            raise forms.ValidationError(_("Draw an area with at least three corners."))
        return geometry


def category_choices():
    return [(c.code, c.label) for c in Category.objects.current().filter(in_statistics=True)]


class AreaChoiceMixin:
    """Either draw an area or take a named area of the municipality."""

    def place_area(self, name: str):
        place = self.cleaned_data.get(name)
        return place.geometry if place and place.is_area else None


def km2(size: float) -> str:
    """An area for people: ``925,3`` in Swedish (decimal comma), two decimals below 10 km²."""
    return number(size, digits=2 if size < 10 else 1, use_l10n=True, force_grouping=True)


def map_view(municipality, geometry: dict | None = None) -> dict | None:
    """Where a drawing map opens: at ``geometry`` when there is one, else at the municipality's named areas
    (the city centre), else at all its named places; ``None`` leaves the whole municipality.
    ``{"bounds": [[south, west], [north, east]]}`` for Leaflet's ``fitBounds``."""
    shapes = []
    if geometry:
        shapes = [geo.shape_from_geojson(geometry)]
    else:
        places = list(Place.objects.filter(municipality=municipality))
        areas = [p for p in places if p.kind == Place.Kind.AREA and p.is_area]
        shapes = [p.shape for p in (areas or places)]
    if not shapes:
        return None
    bounds = [shape.bounds for shape in shapes]  # (west, south, east, north)
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return {"bounds": [[south, west], [north, east]]}


class ProblemPlaceForm(NamedEmptyChoicesMixin, OptimisticLockMixin, AreaChoiceMixin, forms.ModelForm):
    drawn = GeometryField(required=False)
    # asked for only when the area is larger than geo.LARGE_AREA_KM2 (see clean); hidden until then
    confirm_large = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label=_("Yes, the place really is this large")
    )
    field_order = ["confirm_large"]  # right below the map, where the drawing is
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(), required=False, label=_("…or a named area"), empty_label=_("— none —")
    )
    categories = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Kinds of incidents")
    )

    class Meta:
        model = ProblemPlace
        fields = ["name", "organisation", "categories", "scanning", "analysis", "status"]
        widgets = {"scanning": forms.Textarea(attrs={"rows": 3}), "analysis": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, municipality, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["place"].queryset = Place.objects.filter(municipality=municipality)
        self.fields["organisation"].queryset = organisations
        self.fields["categories"].choices = category_choices()

    def clean(self):
        cleaned = super().clean()
        geometry = (
            cleaned.get("drawn") or self.place_area("place") or (self.instance.geometry if self.instance.pk else None)
        )
        if geometry is None:
            raise forms.ValidationError(_("Draw the place on the map or choose a named area."))
        shape = geo.shape_from_geojson(geometry)
        if not self.municipality.contains(shape.representative_point().x, shape.representative_point().y):
            raise forms.ValidationError(_("The area is outside %(m)s.") % {"m": self.municipality.name})
        self.check_size(shape, cleaned)
        cleaned["geometry"] = geometry
        return cleaned

    def check_size(self, shape, cleaned) -> None:
        """Refuse an area larger than the municipality; ask to confirm one larger than a few blocks."""
        problem = geo.area_size_problem(shape, self.municipality.boundary)
        if problem is None:
            return
        verdict, size = problem
        if verdict == "refuse":
            municipality_size = geo.area_km2(geo.shape_from_geojson(self.municipality.boundary))
            raise forms.ValidationError(
                _(
                    "The area is %(size)s km², larger than the municipality %(municipality)s "
                    "(%(municipality_size)s km²). Zoom in on the place and draw it again."
                )
                % {
                    "size": km2(size),
                    "municipality": self.municipality.name,
                    "municipality_size": km2(municipality_size),
                }
            )
        self.fields["confirm_large"].widget = forms.CheckboxInput()  # asked from now on
        if not cleaned.get("confirm_large"):
            self.add_error(
                "confirm_large",
                _(
                    "The area is %(size)s km², larger than %(limit)s km². Check that it was not drawn zoomed out, "
                    "or confirm that the place really is this large."
                )
                % {"size": km2(size), "limit": km2(geo.LARGE_AREA_KM2)},
            )

    @property
    def map_view(self) -> dict | None:
        return map_view(self.municipality, self.instance.geometry if self.instance.pk else None)

    def save(self, commit=True):
        self.instance.geometry = self.cleaned_data["geometry"]
        self.instance.municipality = self.municipality
        return super().save(commit)


class MeasureForm(NamedEmptyChoicesMixin, OptimisticLockMixin, AreaChoiceMixin, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Target categories")
    )
    treated_drawn = GeometryField(required=False)
    control_drawn = GeometryField(required=False)
    control_place = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        required=False,
        label=_("Control area: a named area (or draw one)"),
        empty_label=_("— none —"),
    )

    class Meta:
        model = Measure
        fields = [
            "title",
            "kind",
            "description",
            "owner",
            "contact",
            "participants",
            "problem_place",
            "start",
            "end",
            "due",
            "cost",
            "buffer_m",
            "categories",
            "status",
            "public",
            "public_summary",
            "internal_notes",
            "lessons",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "due": forms.DateInput(attrs={"type": "date"}),
            "participants": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "public_summary": forms.Textarea(attrs={"rows": 2}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, municipality, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["owner"].queryset = owners
        self.fields["participants"].queryset = Organisation.objects.filter(municipalities=municipality)
        self.fields["problem_place"].queryset = ProblemPlace.objects.filter(municipality=municipality)
        self.fields["control_place"].queryset = Place.objects.filter(municipality=municipality)
        self.fields["categories"].choices = category_choices()

    @property
    def map_view(self) -> dict | None:
        return map_view(self.municipality)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        if cleaned.get("public") and not (cleaned.get("public_summary") or "").strip():
            self.add_error("public_summary", _("Write what the public may read before publishing the measure."))
        treated = (
            cleaned.get("treated_drawn")
            or self.instance.treated_area
            or (cleaned["problem_place"].geometry if cleaned.get("problem_place") else None)
        )
        control = cleaned.get("control_drawn") or self.place_area("control_place") or self.instance.control_area
        if treated and control:
            try:
                validate_areas(treated, control)
            except AreaError as exc:
                self.add_error("control_place", str(exc))
        cleaned["treated_area"], cleaned["control_area"] = treated, control
        return cleaned

    def save(self, commit=True):
        self.instance.treated_area = self.cleaned_data.get("treated_area")
        self.instance.control_area = self.cleaned_data.get("control_area")
        self.instance.municipality = self.municipality
        return super().save(commit)


class EvaluationForm(forms.Form):
    before_start = forms.DateField(label=_("Before: from"), widget=forms.DateInput(attrs={"type": "date"}))
    before_end = forms.DateField(label=_("Before: to"), widget=forms.DateInput(attrs={"type": "date"}))
    after_start = forms.DateField(label=_("After: from"), widget=forms.DateInput(attrs={"type": "date"}))
    after_end = forms.DateField(label=_("After: to"), widget=forms.DateInput(attrs={"type": "date"}))


class AgreementForm(NamedEmptyChoicesMixin, OptimisticLockMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["kind", "title", "period_start", "period_end", "signatories", "problems", "causes", "activities"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "signatories": forms.CheckboxSelectMultiple,
            "activities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatories"].queryset = Organisation.objects.filter(municipalities=municipality)
        self.fields["activities"].queryset = Measure.objects.filter(municipality=municipality)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("period_start")
            and cleaned.get("period_end")
            and cleaned["period_end"] < cleaned["period_start"]
        ):
            self.add_error("period_end", _("The end is before the start."))
        return cleaned


class MinutesForm(OptimisticLockMixin, forms.ModelForm):
    """Attendees and minutes of an EST meeting; a save on a copy somebody else saved since is refused."""

    class Meta:
        model = Meeting
        fields = ["attendees", "minutes"]
        widgets = {
            "attendees": forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
            "minutes": forms.Textarea(attrs={"rows": 8, "maxlength": 50000}),
        }
        labels = {"attendees": _("Attendees"), "minutes": _("Minutes")}

    def clean_attendees(self):
        return self.cleaned_data["attendees"][:5000]

    def clean_minutes(self):
        return self.cleaned_data["minutes"][:50000]


class DecisionForm(forms.Form):
    text = forms.CharField(max_length=500, label=_("Decision"))
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Owner"), empty_label=_("— choose the owner —")
    )
    municipality = forms.ChoiceField(label=_("Municipality"))
    kind = forms.ChoiceField(choices=[("", _("— choose the type —")), *Measure.Kind.choices], label=_("Type"))
    due = forms.DateField(
        label=_("Due"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=lambda: dt.date.today() + dt.timedelta(days=14),
    )

    def __init__(self, *args, cooperation, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = cooperation.organisations.all()
        self.fields["municipality"].choices = [(m.code, m.name) for m in municipalities]
