"""The append-only audit log used by every app.

One row per thing that happened: who did it, when, what (action and object), what changed, and why
(``purpose``: the case or task that justified a read of personal data). Rows are never updated or
deleted through the application; on PostgreSQL a trigger enforces this in the database as well.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# How log entries name what they are about, for pages that show a history.
SUBJECTS = {
    "screening.case": _("the case"),
    "screening.caseparty": _("a register extract for a party"),
    "screening.entity": _("a person or company"),
    "screening.matchjudgement": _("a match"),
    "screening.dataset": _("a list or register"),
    "screening": _("screening"),
    "screening.applicantlink": _("a link for the applicant"),
    "screening.questionnaireanswer": _("the applicant's answers"),
    "screening.questionnaire": _("a questionnaire"),
    "screening.authorityrequest": _("a request to an authority"),
    "screening.hearing": _("a kommunicering"),
    "screening.licencedecision": _("the decision"),
    "screening.casedocument": _("a document"),
    "screening.disclosure": _("a disclosure"),
    "incidents.incident": _("an incident"),
    "audit.auditevent": _("the screening log"),
    "orgs.organisation": _("the organisation"),
    "orgs.cooperation": _("the cooperation"),
    "orgs.place": _("a named place"),
    "orgs.user": _("a user account"),
    "sso.claimmapping": _("a sign-in mapping"),
    "forwarding.destination": _("a forwarding destination"),
    "forwarding.forwarding": _("a forwarded tip"),
}


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only")

    def for_object(self, obj: models.Model) -> AuditQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def for_purpose(self, obj: models.Model) -> AuditQuerySet:
        """Entries made for ``obj`` (a case), and those about it."""
        label, pk = obj._meta.label_lower, str(obj.pk)
        return self.filter(models.Q(purpose_type=label, purpose_id=pk) | models.Q(object_type=label, object_id=pk))


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")
        SEARCH = "search", _("searched")
        EXPORT = "export", _("exported")
        IMPORT = "import", _("imported")
        DECIDE = "decide", _("decided")
        DISCLOSE = "disclose", _("disclosed to an authority")
        LOGIN = "login", _("logged in")
        DENIED = "denied", _("access denied")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Username or system process, kept if the user goes.")
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    purpose = models.CharField(max_length=200, blank=True, help_text="Case or task that justified the action.")
    # the case (or other object) of the purpose, by identity: references are unique only within a municipality
    purpose_type = models.CharField(max_length=100, blank=True)
    purpose_id = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["purpose_type", "purpose_id", "at"], name="audit_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    @property
    def detail(self) -> str:
        """The summary in the interface's language where it is a known kind of entry."""
        from trygg.audit.wording import detail

        return detail(self.summary)

    @property
    def action_text(self) -> str:
        from trygg.audit.wording import action

        return action(self)

    @property
    def subject(self) -> str:
        """What the entry is about, in the interface's language (the ``summary`` stays the technical record)."""
        if self.action == self.Action.SEARCH and self.object_type == "screening.case":
            return str(_("lists, registers and the network for the case"))
        if self.action == self.Action.DECIDE and self.object_type == "screening.case":
            return str(_("on the case"))
        label = SUBJECTS.get(self.object_type)
        return str(label) if label is not None else self.object_type
