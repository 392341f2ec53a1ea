"""Screening data: datasets (registries, watch lists, own lists), entities and relations compatible with
FollowTheMoney, cases with their parties, screening runs with findings, reviewers' judgements and decisions.

Person data lives here only. Every read goes through :mod:`trygg.screening.access`, which writes the audit
log; cases and the persons entered for them are deleted after the retention period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trygg.orgs.models import Cooperation, Municipality, Organisation
from trygg.orgs.restrict import RestrictedQuerySet


class CaseDataQuerySet(RestrictedQuerySet):
    """``view`` — a case and what belongs to it (parties, runs, findings): the screening officers of the
    municipality that owns the case — superusers not included. The second factor is checked by the pages
    (``trygg.screening.views.screening_officer``); a refusal is audited with the case as its purpose."""

    case = ""  # the lookup from this model to the case ("" for the case itself)
    refusal_is_purpose = True

    def rule(self, user, action: str) -> Q:
        lookup = f"{self.case}__municipality__in" if self.case else "municipality__in"
        return Q(**{lookup: Municipality.objects.restrict(user, "screen").values("code")})


class FindingQuerySet(CaseDataQuerySet):
    case = "run__case"
    refusal_is_purpose = False


class CaseChildQuerySet(CaseDataQuerySet):
    """What hangs on a case directly (re-screenings, disclosures): the case's rule."""

    case = "case"
    refusal_is_purpose = False


class Dataset(models.Model):
    class Kind(models.TextChoices):
        REGISTRY = "registry", _("Registry extract")
        WATCHLIST = "watchlist", _("Watch list")
        OWN_LIST = "own_list", _("Own list (refusals, revocations, debarments)")
        CASE_INPUT = "case_input", _("Entered in a case")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=400, blank=True)
    version = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    shared_with = models.ForeignKey(
        Cooperation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Own lists: shared with this cooperation when it shares watch lists.",
    )
    is_generated = models.BooleanField(default=False)
    imported_at = models.DateTimeField(null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("Why the municipality may hold this data; blank: the usual basis for its kind."),
    )

    def __str__(self) -> str:
        return self.name

    @property
    def basis(self) -> str:
        """The legal basis recorded for the dataset, or the usual one for its kind."""
        return self.legal_basis or str(DEFAULT_BASIS.get(self.kind, ""))


# The usual basis on which a municipality holds each kind of dataset, when an import names none.
DEFAULT_BASIS = {
    Dataset.Kind.REGISTRY: _("Public records of the companies registry (offentliga uppgifter)"),
    Dataset.Kind.WATCHLIST: _("Published sanctions lists"),
    Dataset.Kind.OWN_LIST: _("The municipality's own decisions (allmänna handlingar)"),
    Dataset.Kind.CASE_INPUT: _("Given in the application"),
}


class Schema(models.TextChoices):
    PERSON = "Person"
    COMPANY = "Company"
    ORGANIZATION = "Organization"
    LEGAL_ENTITY = "LegalEntity"
    ADDRESS = "Address"
    VESSEL = "Vessel"
    AIRPLANE = "Airplane"


class Entity(models.Model):
    """A person, company, organisation or address, as in FollowTheMoney."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="entities")
    key = models.CharField(max_length=200, help_text="The entity's id within its dataset.")
    schema = models.CharField(max_length=16, choices=Schema.choices)
    name = models.CharField(max_length=400)
    aliases = models.JSONField(default=list, blank=True)
    org_number = models.CharField(max_length=11, blank=True, db_index=True)
    personal_number = models.CharField(max_length=12, blank=True, db_index=True)
    id_kind = models.CharField(max_length=20, blank=True, help_text="personnummer or samordningsnummer")
    birth_date = models.CharField(max_length=10, blank=True, db_index=True)
    country = models.CharField(max_length=2, blank=True)
    address = models.CharField(max_length=300, blank=True)
    registered_on = models.DateField(null=True, blank=True)
    flag = models.CharField(
        max_length=20,
        blank=True,
        help_text="For list entries: sanction, refused, revoked, debarred, trading_ban, bankruptcy.",
    )
    properties = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "key"], name="unique_entity_key")]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return f"{self.name} ({self.schema})"

    @property
    def names(self) -> list[str]:
        return [self.name, *[a for a in self.aliases if a and a != self.name]]

    @property
    def is_company(self) -> bool:
        return self.schema in (Schema.COMPANY, Schema.ORGANIZATION, Schema.LEGAL_ENTITY)


class NameKey(models.Model):
    """Blocking keys of the candidate index (tokens, prefixes, suffixes, identifiers).

    The entity's dataset and whether it is a company are repeated here so that a search reads the index alone:
    one index range per key, without visiting the entities it will not score.
    """

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+", db_index=False)
    company = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["key", "dataset", "company", "entity"], name="namekey_search")]

    def __str__(self) -> str:
        return self.key


class KeyFrequency(models.Model):
    key = models.CharField(max_length=64, primary_key=True)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Relation(models.Model):
    class Role(models.TextChoices):
        BOARD_MEMBER = "board_member", _("Board member")
        DEPUTY = "deputy", _("Deputy board member")
        CEO = "ceo", _("Managing director")
        SIGNATORY = "signatory", _("Authorised signatory")
        OWNER = "owner", _("Owner")
        BENEFICIAL_OWNER = "beneficial_owner", _("Beneficial owner")
        FINANCIER = "financier", _("Financier")
        LESSOR = "lessor", _("Lessor of the premises")
        AUDITOR = "auditor", _("Auditor")
        ADDRESS = "address", _("Registered address")
        RELATIVE = "relative", _("Relative")
        ASSOCIATE = "associate", _("Associate")
        REPRESENTATIVE = "representative", _("Representative")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="relations")
    key = models.CharField(max_length=200, blank=True)
    # indexed by the covering indexes below (they lead with source and target)
    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="outgoing", db_index=False)
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="incoming", db_index=False)
    role = models.CharField(max_length=20, choices=Role.choices)
    share = models.FloatField(null=True, blank=True, help_text="Ownership share, 0–100 %.")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    detail = models.CharField(max_length=100, blank=True, help_text="How they are related: brother, business partner.")

    class Meta:
        # Covering both directions: the network walk reads a node's relations from the index alone, the
        # relations of one node next to each other, instead of visiting a table page per relation.
        indexes = [
            models.Index(fields=["source", "role", "valid_to", "target", "id"], name="relation_from"),
            models.Index(fields=["target", "role", "valid_to", "source", "id"], name="relation_to"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} —{self.role}→ {self.target_id}"


class EntityFlag(models.Model):
    """A registry entity that matches a watch-list or own-list entry (computed by the cross-match)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="flags")
    listed = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    features = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "listed"], name="unique_flag")]

    def __str__(self) -> str:
        return f"{self.entity_id} ~ {self.listed_id} ({self.score:.2f})"


class Case(models.Model):
    class Kind(models.TextChoices):
        ALCOHOL_LICENCE = "serveringstillstand", _("Alcohol licence (serveringstillstånd)")
        BUILDING_PERMIT = "bygglov", _("Building permit (bygglov)")
        PROCUREMENT = "upphandling", _("Procurement (upphandling)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("status of a case", "Open")
        DECIDED = "decided", _("Decided")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of application"), max_length=24, choices=Kind.choices)
    reference = models.CharField(_("reference number"), max_length=60)
    premises_address = models.CharField(_("premises address"), max_length=300, blank=True)
    received_on = models.DateField(_("application received"))
    applicant = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    retention_until = models.DateField(help_text="The case and its person data are deleted after this date.")
    is_generated = models.BooleanField(default=False)

    objects = CaseDataQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "reference"], name="unique_case_reference")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()})"

    @property
    def audit_label(self) -> str:
        """How the audit log names the case as a purpose (the log keeps its id as well)."""
        return self.reference


class CaseParty(models.Model):
    """A person or company of significant influence named in the application (or the applicant itself)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=[*Relation.Role.choices, ("applicant", _("Applicant"))])
    share = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.entity.name} ({self.role})"


class Recommendation(models.TextChoices):
    NONE = "none", _("No risk")
    LESSER = "lesser", _("Lesser degree of risk")
    SERIOUS = "serious", _("Serious degree of risk")


class ScreeningRun(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    config = models.JSONField(default=dict)
    as_of = models.DateField(
        _("screened as of"), null=True, blank=True, help_text="The case's date the run answered for."
    )
    versions = models.JSONField(default=list, blank=True, help_text="The list releases and registry extracts read.")
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} of case {self.case_id}: {self.recommendation}"


class Finding(models.Model):
    class Kind(models.TextChoices):
        WATCHLIST = "watchlist", _("Watch-list hit")
        NETWORK = "network", _("Network link")
        RED_FLAG = "red_flag", _("Red flag")

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="findings")
    party = models.ForeignKey(CaseParty, null=True, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    score = models.FloatField(null=True, blank=True)
    matched = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=500)
    evidence = models.JSONField(default=dict)
    source = models.CharField(max_length=300, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}/{self.code}: {self.summary}"


class MatchJudgement(models.Model):
    """A reviewer's judgement that a party and a listed entity are (not) the same; reused in later runs."""

    class Judgement(models.TextChoices):
        SAME = "same", _("Same")
        NOT_SAME = "not_same", _("Not the same")
        UNSURE = "unsure", _("Unsure")

    party_key = models.CharField(max_length=200, help_text="Identity of the party: identifier or name and birth date.")
    matched = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    judgement = models.CharField(max_length=10, choices=Judgement.choices)
    note = models.CharField(max_length=500, blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    judged_at = models.DateTimeField(auto_now=True)
    retention_until = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["party_key", "matched"], name="unique_judgement")]

    def __str__(self) -> str:
        return f"{self.party_key} ~ {self.matched_id}: {self.judgement}"


class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="+")
    recommended = models.CharField(max_length=10, choices=Recommendation.choices)
    decided = models.CharField(_("assessment"), max_length=10, choices=Recommendation.choices)
    justification = models.TextField(_("justification"), blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.decided}"

    @property
    def overridden(self) -> bool:
        return self.decided != self.recommended


class Rescreening(models.Model):
    """A case screened again by the job after a list or registry update (:mod:`trygg.screening.rescreen`), as of its
    own date, and what it found that the run compared with did not: the run a decision rests on, else the one before.
    Nothing about the case or its decision changes by itself; the officer sees the new hits and marks them seen."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rescreenings")
    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="+")
    compared_with = models.ForeignKey(ScreeningRun, null=True, on_delete=models.SET_NULL, related_name="+")
    since_decision = models.BooleanField(default=False)
    new_findings = models.JSONField(default=list, help_text="Summaries of the findings the earlier run did not have.")
    updated = models.JSONField(default=list, help_text="The list releases and registry extracts new since that run.")
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"rescreening of case {self.case_id}: {len(self.new_findings)} new"


class Disclosure(models.Model):
    """Information from a case given to a law-enforcement or other authority (e.g. under the 2025 duty to inform the
    police): to whom, what, on which basis, by whom and when — recorded, audited and shown on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    recipient = models.CharField(_("to (authority)"), max_length=200)
    content = models.TextField(_("what was disclosed"), max_length=2000)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    reference = models.CharField(_("the recipient's reference"), max_length=100, blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    disclosed_at = models.DateTimeField(auto_now_add=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_at", "-id"]

    def __str__(self) -> str:
        return f"disclosure from case {self.case_id} to {self.recipient}"
