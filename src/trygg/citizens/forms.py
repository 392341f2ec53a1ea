from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.core.form_choices import NamedEmptyChoicesMixin
from trygg.orgs.models import Place

from .models import ReceiptReport, Survey
from .services import SERVICES
from .tips import MAX_DESCRIPTION, active_municipalities


class HoneypotMixin:
    """A field people do not see; bots fill it in."""

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


class TipForm(HoneypotMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=active_municipalities(), label=_("Municipality"), empty_label=None, to_field_name="code"
    )
    service = forms.ChoiceField(choices=[(s.code, s.name) for s in SERVICES], label=_("What is it about?"))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(required=False, max_length=300, label=_("Address or place (if you do not use the map)"))
    description = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION,
        label=_("Describe"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Do not write names or other details about people."),
    )
    photo = forms.ImageField(
        required=False,
        label=_("Photo (optional)"),
        help_text=_("JPEG, PNG or WebP, at most 8 MB. Location data in the file is removed."),
    )
    email = forms.EmailField(required=False, label=_("E-mail, if you want to hear what happens (optional)"))
    website = forms.CharField(
        required=False, label=_("Leave empty"), widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = active_municipalities()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lat") is None and not (cleaned.get("address") or "").strip():
            raise forms.ValidationError(_("Show the place on the map or write an address."))
        return cleaned


class ReceiptForm(HoneypotMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=active_municipalities(), label=_("Municipality"), empty_label=None, to_field_name="code"
    )
    venue = forms.IntegerField(required=False, widget=forms.HiddenInput)
    venue_choice = forms.ChoiceField(required=False, label=_("Venue"))
    venue_text = forms.CharField(
        required=False, max_length=200, label=_("Or the venue's name, if it is not in the list")
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    visited_on = forms.DateField(label=_("When were you there?"), widget=forms.DateInput(attrs={"type": "date"}))
    purchases = forms.MultipleChoiceField(
        choices=ReceiptReport.Purchase.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("What did you pay for without a receipt?"),
    )
    website = forms.CharField(
        required=False, label=_("Leave empty"), widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def __init__(self, *args, venues=(), **kwargs):
        """``venues`` of every municipality in the list: grouped by municipality, so that without script each
        group is labelled, and with it only the chosen municipality's group is shown (citizens/receipt.js)."""
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = active_municipalities()
        groups: dict[str, list] = {}
        self.venue_municipality = {}
        for v in venues:
            groups.setdefault(v.municipality.name, []).append((str(v.pk), f"{v.name}, {v.address}"))
            self.venue_municipality[str(v.pk)] = v.municipality_id
        self.fields["venue_choice"].choices = [("", _("— not in the list —")), *sorted(groups.items())]

    def clean(self):
        cleaned = super().clean()
        venue, municipality = cleaned.get("venue_choice"), cleaned.get("municipality")
        if not venue and not (cleaned.get("venue_text") or "").strip():
            raise forms.ValidationError(_("Choose a venue or write its name."))
        if venue and municipality and self.venue_municipality.get(venue) != municipality.code:
            raise forms.ValidationError(_("This venue is not in %(municipality)s.") % {"municipality": municipality})
        return cleaned


class SurveyCreateForm(NamedEmptyChoicesMixin, forms.ModelForm):
    codes = forms.IntegerField(
        min_value=0, max_value=5000, initial=0, required=False, label=_("Number of one-time codes to print (code mode)")
    )

    class Meta:
        model = Survey
        fields = ["title", "wave", "areas", "mode", "opens_on", "closes_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        # "Vilket område bor du i?": residential areas only, not the squares, stations and parks
        self.fields["areas"].queryset = municipality.places.filter(kind=Place.Kind.RESIDENTIAL)
        self.fields["areas"].help_text = _(
            "Only residential areas are offered: add them among the municipality's named places with the kind "
            "“Residential area”."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("opens_on") and cleaned.get("closes_on") and cleaned["closes_on"] < cleaned["opens_on"]:
            self.add_error("closes_on", _("The survey closes before it opens."))
        if cleaned.get("wave") and Survey.objects.filter(municipality=self.municipality, wave=cleaned["wave"]).exists():
            self.add_error("wave", _("There is already a survey for this wave."))
        return cleaned
