from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def sso_providers() -> list:
    """The configured identity providers, for the login page's buttons."""
    return list(settings.TRYGG_OIDC_PROVIDERS.values())
