"""Computing, caching and rendering lägesbilder (the layer between views/commands and the builder)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from trygg.core import rendering
from trygg.core.periods import parse_period
from trygg.orgs.models import Municipality, Place
from trygg.situation import charts as charts_module
from trygg.situation.builder import Options, ReportBuilder
from trygg.situation.data import Scope
from trygg.situation.models import ReportCache

STALE_AFTER = dt.timedelta(minutes=5)  # a computation silent this long is taken for dead


def options_from_settings(**overrides) -> Options:
    options = Options(**getattr(settings, "TRYGG_LAGESBILD_OPTIONS", {}))
    harm = getattr(settings, "TRYGG_HARM_WEIGHTS", None)
    if harm:
        options.harm_weights = {**options.harm_weights, **harm}
    for name, value in overrides.items():
        setattr(options, name, value)
    return options


def cache_key(municipality: Municipality, period_key: str, place: Place | None, scope: Scope, options: Options) -> str:
    digest = hashlib.sha256(json.dumps(asdict(options), sort_keys=True).encode()).hexdigest()[:12]
    return f"{municipality.code}:{period_key}:{place.pk if place else '-'}:{scope.key_in(municipality)}:{digest}"


def builder_for(municipality, period_key, place=None, user=None, options=None, progress=None) -> ReportBuilder:
    return ReportBuilder(
        municipality, parse_period(period_key), place, Scope(user), options or options_from_settings(), progress
    )


def current_cache(municipality, period_key, place=None, user=None, options=None) -> tuple[ReportCache, bool]:
    """The cache row for this report and whether it is fresh (computed from the data as it is now)."""
    options = options or options_from_settings()
    builder = builder_for(municipality, period_key, place, user, options)
    key = cache_key(municipality, period_key, place, builder.scope, options)
    fingerprint = builder.fingerprint()
    row, _ = ReportCache.objects.get_or_create(key=key, defaults={"fingerprint": fingerprint})
    fresh = row.status == ReportCache.Status.DONE and row.fingerprint == fingerprint
    if not fresh and row.fingerprint != fingerprint:
        ReportCache.objects.filter(pk=row.pk).update(fingerprint=fingerprint, status=ReportCache.Status.PENDING,
                                                     progress=0.0, task_id="")  # fmt: skip
        row.refresh_from_db()
    return row, fresh


def start(row: ReportCache, municipality, period_key, place=None, user=None) -> ReportCache:
    """Queue the computation unless it is already queued or running — and alive: a computation that has not
    reported progress for ``STALE_AFTER`` (its worker was stopped, the server restarted) is queued anew."""
    with transaction.atomic():
        locked = ReportCache.objects.select_for_update().get(pk=row.pk)
        busy = locked.status == ReportCache.Status.RUNNING or (locked.task_id and locked.status == "pending")
        if busy and locked.updated_at >= timezone.now() - STALE_AFTER:
            return locked
        ReportCache.objects.filter(pk=locked.pk).update(status=ReportCache.Status.PENDING, task_id="",
                                                        updated_at=timezone.now())  # fmt: skip
        result = compute_report.enqueue(
            row_id=locked.pk, municipality=municipality.code, period=period_key,
            place=place.pk if place else None, user=user.pk if user else None,
        )  # fmt: skip
        ReportCache.objects.filter(pk=locked.pk, task_id="").update(task_id=str(result.id), updated_at=timezone.now())
    row.refresh_from_db()
    return row


def compute_into(row_id: int, municipality: Municipality, period_key: str, place=None, user=None) -> ReportCache:
    row = ReportCache.objects.get(pk=row_id)
    ReportCache.objects.filter(pk=row_id).update(status=ReportCache.Status.RUNNING, progress=0.0, error="",
                                                 updated_at=timezone.now())  # fmt: skip

    def progress(fraction: float) -> None:  # also the heartbeat that tells a running computation from a dead one
        ReportCache.objects.filter(pk=row_id).update(progress=round(0.9 * fraction, 3), updated_at=timezone.now())

    builder = builder_for(municipality, period_key, place, user, progress=progress)
    fingerprint = builder.fingerprint()
    try:
        with translation.override("sv"):
            report = builder.build()
            figures = charts_module.all_charts(report, municipality.boundary)
    except Exception as exc:
        ReportCache.objects.filter(pk=row_id).update(status=ReportCache.Status.FAILED, error=str(exc)[:2000])
        raise
    ReportCache.objects.filter(pk=row_id).update(
        status=ReportCache.Status.DONE, progress=1.0, data=report, charts=figures, fingerprint=fingerprint,
        task_id="",
    )  # fmt: skip
    row.refresh_from_db()
    return row


@task()
def compute_report(row_id: int, municipality: str, period: str, place: int | None, user: int | None) -> None:
    """Background task: compute one lägesbild into its cache row (progress is written as it goes)."""
    compute_into(
        row_id,
        Municipality.objects.get(code=municipality),
        period,
        Place.objects.get(pk=place) if place else None,
        get_user_model().objects.get(pk=user) if user else None,
    )


def render_html(report: dict, figures: dict, standalone: bool = True) -> str:
    """The report as one self-contained Swedish HTML document (for files and the PDF)."""
    return rendering.print_html("situation/report_print.html", {"r": report, "charts": figures})


def render_pdf(report: dict, figures: dict) -> bytes:
    return rendering.pdf_from_html(render_html(report, figures))
