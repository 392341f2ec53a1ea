from django.conf import settings
from django.utils.functional import SimpleLazyObject

from trygg.orgs import access
from trygg.site import menu


def trygg(request):
    return {
        "TILE_URL": settings.TRYGG_TILE_URL,
        "TILE_ATTRIBUTION": settings.TRYGG_TILE_ATTRIBUTION,
        "is_screening_officer": bool(access.screening_municipalities(getattr(request, "user", None))),
        "can_see_jobs": access.can_see_jobs(getattr(request, "user", None)),
        "can_report": SimpleLazyObject(lambda: access.can_report(getattr(request, "user", None))),
        "menu": SimpleLazyObject(lambda: menu.entries_for(getattr(request, "user", None))),
    }
