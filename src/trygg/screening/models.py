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
    declared_in = models.CharField(
        max_length=20,
        blank=True,
        help_text="Blank: named in the application; 'questionnaire': declared in the applicant's answers.",
    )

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
        DECLARATION = "declaration", _("The applicant's own account")
        AUTHORITY = "authority", _("An authority's answer")

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="findings")
    party = models.ForeignKey(CaseParty, null=True, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
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


class QuestionnaireQuerySet(CaseDataQuerySet):
    """A municipality's questionnaire: its screening officers (who edit it). The applicant reads it through the
    one-time link only."""

    refusal_is_purpose = False


class Questionnaire(models.Model):
    """The questions a municipality asks applicants of one kind of case, beyond the fixed ones (ownership,
    financing, business relations, earlier refusals, documents): an introduction and extra free-text questions,
    each in Swedish and English. Edited by the municipality's screening officers; without one the defaults apply."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Case.Kind.choices)
    intro_sv = models.TextField(_("introduction (Swedish)"), blank=True, max_length=3000)
    intro_en = models.TextField(_("introduction (English)"), blank=True, max_length=3000)
    questions = models.JSONField(default=list, blank=True, help_text='Extra questions: [{"sv": …, "en": …}].')
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "kind"], name="unique_questionnaire")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.kind}"


class ApplicantLink(models.Model):
    """A one-time link for the applicant, without login: the questionnaire, or the reply to a kommunicering.
    Only the token's hash is stored; the link works until it expires and once."""

    class Purpose(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        HEARING = "hearing", _("Reply to the findings")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=2, default="sv")
    sent_to = models.EmailField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} link for case {self.case_id}"


class QuestionnaireAnswer(models.Model):
    """The applicant's own account, as submitted through the link: stored as given, compared by the screening."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="answers")
    link = models.OneToOneField(ApplicantLink, null=True, on_delete=models.SET_NULL, related_name="answer")
    submitted_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=2, default="sv")
    answers = models.JSONField(default=dict)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"answers of case {self.case_id}"


class AuthorityRequest(models.Model):
    """A request to an authority (remiss): the police's statutory opinion, the tax agency, the enforcement
    authority, the rescue service, environment and health. Sent as a document and an e-mail with a deadline; the
    answer is recorded as the authority gave it and judged by the officer, and becomes a finding."""

    class Authority(models.TextChoices):
        POLICE = "police", _("Police (opinion)")
        TAX = "tax", _("Swedish Tax Agency")
        ENFORCEMENT = "enforcement", _("Swedish Enforcement Authority")
        RESCUE = "rescue", _("Rescue service")
        ENVIRONMENT = "environment", _("Environment and health")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="requests")
    authority = models.CharField(_("authority"), max_length=16, choices=Authority.choices)
    address = models.EmailField(_("the authority's e-mail address"))
    text = models.TextField(_("request"), max_length=6000)
    deadline = models.DateField(_("answer by"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_on = models.DateField(_("answer received"), null=True, blank=True)
    their_reference = models.CharField(_("the authority's reference"), max_length=100, blank=True)
    answer_text = models.TextField(_("the answer"), blank=True, max_length=20000)
    severity = models.CharField(_("judged as"), max_length=8, choices=Finding.Severity.choices, blank=True)
    judgement = models.CharField(_("what it means for the case"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"request to {self.authority} in case {self.case_id}"


class Hearing(models.Model):
    """Kommunicering (förvaltningslagen 25 §): the findings a decision against the applicant would rest on, sent
    to the applicant with a deadline, and their reply."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="+")
    findings = models.JSONField(default=list, help_text="The findings sent, as they read then.")
    letter = models.TextField(max_length=20000)
    sent_to = models.EmailField(blank=True)
    deadline = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    link = models.OneToOneField(ApplicantLink, null=True, on_delete=models.SET_NULL, related_name="hearing")
    reply = models.TextField(blank=True, max_length=20000)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"hearing in case {self.case_id}"


class LicenceDecision(models.Model):
    """The decision on the application (beslut), with its reasons citing the findings relied on and how to
    appeal (förvaltningslagen 32–33 §§). Separate from the risk assessment (:class:`Decision`)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        GRANTED_WITH_CONDITIONS = "conditions", _("Granted with conditions")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="licence_decisions")
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="+")
    hearing = models.ForeignKey(Hearing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), max_length=20000)
    cited = models.JSONField(default=list, help_text="The findings cited, as they read then, with source and version.")
    conditions = models.TextField(_("conditions"), blank=True, max_length=5000)
    decided_under = models.CharField(
        _("decided by (committee or delegation)"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Socialnämnden, or the delegation the officer decides under"),
    )
    reply_considered = models.TextField(_("how the applicant's reply was considered"), blank=True, max_length=5000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"decision {self.outcome} in case {self.case_id}"

    @property
    def against_applicant(self) -> bool:
        return self.outcome != self.Outcome.GRANTED


class CaseDocument(models.Model):
    """A PDF the applicant or an authority sent (questionnaire attachments, an authority's answer, a reply),
    kept with the case as received; its hash is in the court file."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    answer = models.ForeignKey(QuestionnaireAnswer, null=True, on_delete=models.CASCADE, related_name="documents")
    request = models.ForeignKey(AuthorityRequest, null=True, on_delete=models.CASCADE, related_name="documents")
    hearing = models.ForeignKey(Hearing, null=True, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return self.name
