"""Adding a stop to a walk: numbered in order under a lock on the walk, photos re-encoded without metadata."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core.photos import PhotoError, clean_photo, photo_path
from trygg.walks.forms import StopForm
from trygg.walks.models import Answer, Stop, StopPhoto, Walk


class StopError(ValueError):
    """A stop that cannot be stored, with the reason for the person who sent it."""


def store_photos(form: StopForm) -> list[str]:
    """Each uploaded photo re-encoded (folder "walks"); a bad one is an error on the form, naming it."""
    names = []
    for index, upload in enumerate(form.cleaned_data.get("photos") or [], start=1):
        try:
            names.append(clean_photo(upload, folder="walks"))
        except PhotoError as exc:
            form.add_error(
                "photos",
                _("Photo %(n)s (%(file)s) was not accepted: %(reason)s")
                % {"n": index, "file": getattr(upload, "name", "?"), "reason": exc},
            )
    return names


def discard_photos(names: list[str]) -> None:
    """Remove photos stored for a stop that was not saved after all (nothing is left without its stop)."""
    for name in names:
        photo_path("walks", name).unlink(missing_ok=True)


def add_stop(walk: Walk, form: StopForm, photo_names: list[str], user) -> Stop:
    """Store the stop of a valid ``form``; a planned walk is walking from its first stop."""
    with transaction.atomic():
        locked = Walk.objects.select_for_update().get(pk=walk.pk)
        if locked.status == Walk.Status.DONE:
            raise StopError(_("The walk is finished; the coordinator can reopen it to add stops."))
        last = locked.stops.order_by("-number").values_list("number", flat=True).first() or 0
        lat, lon, place = form.position()
        data = form.cleaned_data
        stop = Stop.objects.create(
            walk=locked,
            number=last + 1,
            lat=lat,
            lon=lon,
            place=place,
            note=data.get("note", ""),
            proposal=data.get("proposal", ""),
            proposal_owner=data.get("proposal_owner"),
            created_by=user,
        )
        Answer.objects.bulk_create(
            Answer(stop=stop, code=code, verdict=verdict, comment=comment) for code, verdict, comment in form.answers()
        )
        StopPhoto.objects.bulk_create(StopPhoto(stop=stop, name=name) for name in photo_names)
        if locked.status == Walk.Status.PLANNED:
            Walk.objects.filter(pk=locked.pk).update(status=Walk.Status.WALKING)
        log.record(user, "create", stop, summary=f"stop {stop.number} of safety walk {locked.pk}")
    return stop
