"""Response headers that limit what a page may load or run."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


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
