"""Forms of the in-product administration: invitations, roles, cooperations and named places."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from shapely.errors import ShapelyError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from trygg.core import geo
from trygg.core.concurrency import OptimisticLockMixin
from trygg.orgs.models import Cooperation, Invitation, Membership, Municipality, Organisation, Place, Role, User


class InviteForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["name", "email", "role"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].choices = Role.choices  # no empty choice: the role is chosen

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if Membership.objects.filter(organisation=self.organisation, user__email__iexact=email).exists():
            raise forms.ValidationError(_("Somebody with this e-mail address is already a member."))
        pending = Invitation.objects.filter(
            organisation=self.organisation, email__iexact=email, status=Invitation.Status.PENDING
        )
        if pending.exists():
            raise forms.ValidationError(
                _("This address has a pending invitation already. Withdraw it first to send a new one.")
            )
        return email


class AcceptForm(forms.Form):
    """The invitee of an address without an account chooses a user name and a password."""

    username = forms.CharField(label=_("User name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken. Choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            name = self.invitation.name.split(" ", 1)
            probe = User(
                username=cleaned.get("username", ""),
                email=self.invitation.email,
                first_name=name[0],
                last_name=name[1] if len(name) > 1 else "",
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RoleForm(forms.Form):
    """A member's role; ``version`` is the role when the form was opened (a concurrent change is refused)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class ShareForm(OptimisticLockMixin, forms.ModelForm):
    class Meta:
        model = Cooperation
        fields = ["share_incidents", "share_measures", "share_watchlists"]
        help_texts = {
            "share_incidents": _(
                "On: every member organisation sees the incidents of the other members' municipalities that are "
                "visible to partners, and their dashboards and situation reports. Off: each sees only its own "
                "municipalities."
            ),
            "share_measures": _(
                "On: finished measures of all the members' municipalities appear in everybody's shared experience. "
                "Off: only the own municipality's."
            ),
            "share_watchlists": _(
                "On: the screening officers of every member municipality may screen against the own watch lists "
                "shared with the cooperation. Off: each municipality uses only its own lists."
            ),
        }


class ExistingPartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation"), empty_label=_("— choose —")
    )

    def __init__(self, *args, cooperation: Cooperation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(cooperations=cooperation)


class NewOrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "organisation_number", "municipalities"]
        widgets = {"municipalities": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Organisation.Kind.choices
        self.fields["municipalities"].queryset = Municipality.objects.defer("boundary").order_by("name")
        self.fields["organisation_number"].help_text = _("Ten digits, e.g. 212000-1355.")

    def clean_organisation_number(self):
        number = self.cleaned_data["organisation_number"].strip()
        if not number:
            return ""
        try:
            compact = orgnr.validate(number)
        except StdnumError as exc:
            raise forms.ValidationError(_("Not a valid Swedish organisation number.")) from exc
        formatted = orgnr.format(compact)
        if Organisation.objects.filter(organisation_number__in=[formatted, compact]).exists():
            raise forms.ValidationError(_("An organisation with this number exists already: choose it instead."))
        return formatted

    def save(self, commit=True):
        base = slugify(self.cleaned_data["name"])[:70] or "organisation"
        slug, n = base, 2
        while Organisation.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        self.instance.slug = slug
        return super().save(commit)


class PlaceForm(OptimisticLockMixin, forms.ModelForm):
    confirm_large = forms.BooleanField(required=False, label=_("Yes, save this large area"))

    class Meta:
        model = Place
        fields = ["name", "kind", "geometry"]
        widgets = {"geometry": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"})}
        labels = {"geometry": _("Geometry (GeoJSON)")}
        help_texts = {
            "geometry": _(
                "Tap the corners of an area on the map, or write a GeoJSON Point or Polygon in WGS84 "
                '(e.g. {"type": "Point", "coordinates": [13.5035, 59.3794]}).'
            )
        }

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["kind"].choices = Place.Kind.choices
        self.size_warning: float | None = None

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Place.objects.filter(municipality=self.municipality, name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("The municipality has a place with this name already."))
        return name

    def clean_geometry(self):
        geometry = self.cleaned_data["geometry"]
        try:
            shape = geo.shape_from_geojson(geometry)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, ShapelyError) as exc:
            raise forms.ValidationError(_("Not a valid GeoJSON geometry.")) from exc
        if shape.geom_type not in {"Point", "Polygon", "MultiPolygon"}:
            raise forms.ValidationError(_("A place is a point or an area."))
        return geometry

    def clean(self):
        cleaned = super().clean()
        geometry = cleaned.get("geometry")
        if geometry is None or "geometry" in self.errors:
            return cleaned
        shape = geo.shape_from_geojson(geometry)
        boundary = self.municipality.boundary
        problem = geo.area_size_problem(shape, boundary)
        if problem is not None and problem[0] == "refuse":
            self.add_error(
                "geometry",
                _("The area is %(km2)s km², larger than the whole municipality: draw it again.")
                % {"km2": f"{problem[1]:.1f}"},
            )
            return cleaned
        if boundary is not None:
            rep = shape.representative_point()
            within = geo.shape_from_geojson(boundary).buffer(0.001)  # about 100 m for a border drawn by hand
            if not self.municipality.contains(rep.x, rep.y) or not within.covers(shape):
                self.add_error("geometry", _("The place is not inside %(m)s.") % {"m": self.municipality.name})
                return cleaned
        if problem is not None and not cleaned.get("confirm_large"):
            self.size_warning = problem[1]
            self.add_error(
                "confirm_large",
                _(
                    "The area is %(km2)s km² — larger than a place or a centre usually is. Check it and tick "
                    "the box to save it anyway."
                )
                % {"km2": f"{problem[1]:.1f}"},
            )
        return cleaned

    def save(self, commit=True):
        self.instance.municipality = self.municipality
        return super().save(commit)
