from django.conf import settings


def trygg(request):
    return {
        "TILE_URL": settings.TRYGG_TILE_URL,
        "TILE_ATTRIBUTION": settings.TRYGG_TILE_ATTRIBUTION,
    }
