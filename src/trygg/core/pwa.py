"""Trygg on the phone's home screen: the web app manifest, the service worker and the page shown without network.

The service worker is served from the root (``/sw.js``) so that its scope is the whole site, and rendered with
the hashed URLs of this release's static files, which it keeps (the "shell"); its version is a hash of that
list, so a new release replaces the old worker and its cache. Pages are kept only when the view marks them
(:func:`trygg.core.offline.keep_offline`) and are forgotten at logout. Reference: W3C *Service Workers* and
*Web Application Manifest*; the pattern of a network-first page cache with an offline fallback is the one of
MDN's "Making PWAs work offline".
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

SHELL_FILES = (
    "trygg/trygg.css",
    "trygg/base.js",
    "trygg/offline-queue.js",
    "trygg/offline.js",
    "trygg/report.js",
    "trygg/map.js",
    "trygg/icons/icon-192.png",
    "trygg/icons/icon-512.png",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
)


def shell_urls() -> list[str]:
    return [static(name) for name in SHELL_FILES] + [reverse("core:offline")]


@login_not_required
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    urls = shell_urls()
    version = hashlib.sha256(json.dumps(urls).encode()).hexdigest()[:12]
    body = render(
        request,
        "core/sw.js",
        {
            "version": version,
            "shell_json": json.dumps(urls),
            "offline_url": reverse("core:offline"),
            "static_prefix": settings.STATIC_URL,
            "queue_url": static("trygg/offline-queue.js"),
            "session_url": reverse("core:outbox_session"),
        },
        content_type="text/javascript; charset=utf-8",
    ).content
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
def manifest(request):
    data = {
        "name": "Trygg",
        "short_name": "Trygg",
        "description": _("Report incidents and safety walks, also without network."),
        "lang": "sv",
        "start_url": reverse("incidents:report") + "?app=1",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {"src": static("trygg/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("trygg/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        ],
        "shortcuts": [
            {"name": _("Report"), "url": reverse("incidents:report")},
            {"name": _("My reports"), "url": reverse("incidents:mine")},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@login_not_required
@cache_control(no_store=True)
def outbox_session(request):
    """For the service worker's background sending: who is logged in on this browser, and the form token to send
    with. The worker sends only the kept forms of that user (a shared phone never sends one reporter's form in
    another's name). Read by the worker on this site only: other sites cannot read the answer."""
    if not request.user.is_authenticated:
        return JsonResponse({"user": "", "csrf": ""})
    return JsonResponse({"user": str(request.user.pk), "csrf": get_token(request)})


@login_not_required
def offline(request):
    """What the service worker shows for a page it did not keep, when there is no network."""
    return render(request, "core/offline.html")
