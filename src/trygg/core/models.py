"""The ground floor's own tables: runs of recurring jobs, and the messages sent (for sending each once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a recurring job for one period; (name, period) is unique, which is what lets one scheduler
    among several claim it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    name = models.CharField(max_length=40)
    period = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    duration = models.FloatField(null=True, help_text="seconds")
    outcome = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="the background task that took the run")

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="one_run_per_job_and_period")]

    def __str__(self) -> str:
        return f"{self.name} {self.period:%Y-%m-%d %H:%M}"


class SentMessage(models.Model):
    """A message sent once: its kind and a key naming what it is about and for whom (e.g.
    ``weekly_digest:2026-W49:user:12``); the address is not kept. The row is *claimed* before sending (the unique
    key lets one worker of several have it), *sent* only after the SMTP server accepted the message, and *failed*
    when sending raised (the next run tries again). A claim left behind by a process killed between claim and
    send is taken over by the next run once it is older than ``trygg.core.mail.CLAIM_EXPIRES``."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=200, blank=True, help_text="host:process:thread that claimed it")
    sent_at = models.DateTimeField(null=True, blank=True, help_text="when the SMTP server accepted it")
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=500, blank=True, help_text="why the last attempt failed")

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class MessagePreference(models.Model):
    """A user's choice not to get a kind of message (every kind is on until turned off)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preferences")
    kind = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {'on' if self.enabled else 'off'}"


class Submission(models.Model):
    """A form sent with an idempotency key (``trygg.core.offline``): the first one that succeeded, so that the same
    report sent again from a phone's queue is answered with the first answer and stored once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    location = models.CharField(max_length=500, blank=True, help_text="Where the first answer sent the user.")
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the form's fields and files (trygg.core.offline.fingerprint)."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_submission_per_key")]

    def __str__(self) -> str:
        return f"{self.key} {self.path}"
