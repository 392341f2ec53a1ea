"""Response headers that limit what a page may load or run."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import gettext as _


def _tile_origin() -> str:
    parts = urlsplit(settings.TRYGG_TILE_URL.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc
    if "{s}" in settings.TRYGG_TILE_URL:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: scripts and styles only from our origin, no inline script.

    Map tiles may come from the configured tile server; everything else is same-origin. Pages pass data to
    scripts through ``json_script`` blocks, which are not executed.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        tiles = _tile_origin()
        self.policy = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                f"img-src 'self' data: blob: {tiles}".strip(),
                "connect-src 'self'",
                "font-src 'self'",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


class SwedishFirstLocaleMiddleware:
    """Swedish unless the user has chosen another language with the language selector (its cookie).

    Django's ``LocaleMiddleware`` also follows the browser's Accept-Language, which shows Swedish staff with
    English browsers a page of English labels around Swedish category names, charts and PDFs. Trygg is a
    Swedish product: the browser's preference is ignored, an explicit choice is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RejectNullCharactersMiddleware:
    """Answer 400 to a request whose parameters hold a NUL character.

    No legitimate text contains one, PostgreSQL cannot store one in a text column, and a view that passed
    it on would fail with a server error. Form fields already refuse it; this covers parameters read
    directly (search boxes, free-text posts) in one place.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parameters = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            parameters.append(request.POST)
        for query in parameters:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    message = _("A parameter contains a NUL character.")
                    if request.path.startswith("/open311/"):  # in the API's own error format
                        if request.path.endswith(".xml"):
                            body = (
                                '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code>'
                                f"<description>{escape(message)}</description></error></errors>"
                            )
                            return HttpResponse(body, content_type="text/xml; charset=utf-8", status=400)
                        return JsonResponse([{"code": 400, "description": str(message)}], safe=False, status=400)
                    return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)
