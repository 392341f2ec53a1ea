"""Safety walks (trygghetsvandringar): checklist templates per cooperation, planned walks, their stops with
answers, photos and proposed measures, and what a stop became (an incident or a measure).

The checklist follows the points of Boverket, *Plats för trygghet* (2010) — lighting, vegetation, sight lines,
upkeep, alternative routes, orientation and people around (the CPTED tradition) — and the way of walking of Brå,
*Trygghetsvandringar* (municipality, property owners, police and residents together, one report afterwards).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.incidents.models import Incident
from trygg.measures.models import Measure
from trygg.orgs.models import Cooperation, Municipality, Organisation, Place, reach
from trygg.orgs.restrict import RestrictedQuerySet, is_superuser


class ChecklistQuerySet(RestrictedQuerySet):
    """``view`` — the checklists of the user's cooperations; ``change`` (and copy) — by those members who coordinate
    somewhere (superusers: all)."""

    actions = frozenset({"view", "change"})

    def rule(self, user, action: str) -> Q:
        return Q(cooperation__in=Cooperation.objects.restrict(user, "view" if action == "view" else "coordinate"))


class WalkQuerySet(RestrictedQuerySet):
    """Who sees and manages a safety walk.

    * ``manage`` — planning, changing, starting and finishing it, and turning its stops into incidents or
      measures: coordinators and organisation admins of an organisation working in the walk's municipality.
    * ``view`` — the walk's page, adding stops, its photos and report: those coordinators, the users taking part
      and the members of its organising and participating organisations. A partner of another municipality who
      only reaches it through a cooperation does not see the walk.
    """

    actions = frozenset({"view", "manage"})
    walk = ""  # the lookup from this model to the walk ("" for the walk itself)

    def rule(self, user, action: str) -> Q:
        managed = Q(municipality__in=Municipality.objects.restrict(user, "coordinate").values("code"))
        if action == "view" and not is_superuser(user):
            orgs = reach(user).org_ids()
            taking_part = Walk.objects.filter(
                Q(participants=user) | Q(organiser__in=orgs) | Q(organisations__in=orgs)
            ).values("pk")
            managed |= Q(pk__in=taking_part)
        if not self.walk:
            return managed
        return Q(**{f"{self.walk}__in": Walk.objects.filter(managed).values("pk")})


class StopQuerySet(WalkQuerySet):
    walk = "walk"


class StopPhotoQuerySet(WalkQuerySet):
    walk = "stop__walk"


class ChecklistTemplate(models.Model):
    """A cooperation's checklist: a named source and ordered questions. A walk copies the questions it uses."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="walk_checklists")
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Where the questions come from, e.g. Boverket: Plats för trygghet.")
    )
    revision = models.PositiveIntegerField(default=1, help_text="Raised by every save; the edit form's version.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["cooperation", "name"]
        constraints = [models.UniqueConstraint(fields=["cooperation", "name"], name="unique_checklist_name")]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> list[dict]:
        """The questions as a walk keeps them (later edits of the template do not change an old walk)."""
        return [q.as_dict() for q in self.questions.all()]


class ChecklistQuestion(models.Model):
    """One point of a checklist; the text is content (Swedish), not an interface string."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("question"), max_length=300)
    help = models.CharField(_("help"), max_length=500, blank=True)
    category = models.SlugField(
        _("incident category"), max_length=40, blank=True, help_text=_("Suggested when a stop becomes an incident.")
    )
    measure_kind = models.CharField(
        _("type of measure"),
        max_length=12,
        choices=Measure.Kind.choices,
        blank=True,
        help_text=_("Suggested when a stop becomes a measure."),
    )

    class Meta:
        ordering = ["template", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="unique_question_code")]
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "text": self.text,
            "help": self.help,
            "category": self.category,
            "measure_kind": self.measure_kind,
        }


class Walk(models.Model):
    """A safety walk: where, when, who, with which checklist; planned → walking → done."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        WALKING = "walking", _("Walking")
        DONE = "done", _("Done")

    title = models.CharField(_("title"), max_length=200)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="walks")
    area = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="walks", verbose_name=_("area")
    )
    area_drawn = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon drawn when no named area fits.")
    starts_at = models.DateTimeField(_("date and time"))
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="organised_walks", verbose_name=_("organiser")
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="walks", verbose_name=_("participating organisations")
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="walks", verbose_name=_("participants")
    )
    residents = models.CharField(
        _("residents taking part"),
        max_length=100,
        blank=True,
        help_text=_("How many residents, e.g. “about 12”. No names."),
    )
    template = models.ForeignKey(
        ChecklistTemplate, null=True, on_delete=models.SET_NULL, related_name="walks", verbose_name=_("checklist")
    )
    checklist_name = models.CharField(max_length=200)
    checklist_source = models.CharField(max_length=300)
    questions = models.JSONField(default=list, help_text="The checklist's questions when the walk was planned.")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_generated = models.BooleanField(default=False, help_text="Generated demo data, labelled wherever shown.")

    objects = WalkQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("safety walk")
        verbose_name_plural = _("safety walks")

    def __str__(self) -> str:
        return self.title

    @property
    def area_geometry(self) -> dict | None:
        return self.area.geometry if self.area_id else self.area_drawn

    def question(self, code: str) -> dict | None:
        return next((q for q in self.questions if q["code"] == code), None)


class Stop(models.Model):
    """A place on the walk: position, answers, photos, a note and a proposed measure; later perhaps an incident
    or a measure (one of them, once)."""

    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="stops")
    number = models.PositiveSmallIntegerField()
    lat = models.FloatField()
    lon = models.FloatField()
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    proposal = models.TextField(_("proposed measure"), blank=True)
    proposal_owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggested owner"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_generated = models.BooleanField(default=False, help_text="Made by the demo loader, not by a person.")
    incident = models.OneToOneField(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="walk_stop"
    )
    measure = models.OneToOneField(Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="walk_stop")
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_at = models.DateTimeField(null=True, blank=True)

    is_centroid = False  # for trygg.incidents.nearest.describe_places: a stop's position is exact

    objects = StopQuerySet.as_manager()

    class Meta:
        ordering = ["walk", "number"]
        constraints = [
            models.UniqueConstraint(fields=["walk", "number"], name="unique_stop_number"),
            models.CheckConstraint(
                condition=models.Q(incident__isnull=True) | models.Q(measure__isnull=True), name="stop_becomes_one"
            ),
        ]
        verbose_name = _("stop")
        verbose_name_plural = _("stops")

    def __str__(self) -> str:
        return f"{self.walk} #{self.number}"

    @property
    def converted(self) -> bool:
        return bool(self.incident_id or self.measure_id)


class Answer(models.Model):
    class Verdict(models.TextChoices):
        OK = "ok", _("OK")
        PROBLEM = "problem", _("Problem")
        NOT_APPLICABLE = "na", _("Not applicable")

    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="answers")
    code = models.SlugField(max_length=40)
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["stop", "pk"]
        constraints = [models.UniqueConstraint(fields=["stop", "code"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.code}: {self.verdict}"


class StopPhoto(models.Model):
    """A photo of a stop, re-encoded without metadata by :func:`trygg.core.photos.clean_photo` (folder "walks")."""

    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="photos")
    name = models.CharField(max_length=40)
    is_generated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StopPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["stop", "pk"]

    def __str__(self) -> str:
        return self.name
