"""A walk with stops, built through the models (the stop form itself is tested in test_stops)."""

from __future__ import annotations

from trygg.walks.models import Answer, Stop


def add_stop(walk, number: int, answers: dict, *, lat=59.3794, lon=13.5035, note="", proposal="", owner=None):
    stop = Stop.objects.create(
        walk=walk, number=number, lat=lat, lon=lon, note=note, proposal=proposal, proposal_owner=owner
    )
    for code, (verdict, comment) in answers.items():
        Answer.objects.create(stop=stop, code=code, verdict=verdict, comment=comment)
    return stop
