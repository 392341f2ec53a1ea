"""Reading settings from the environment, one way for each kind of value: a mistyped value stops the start with a
message that names the variable, instead of being read as "off" (``TRYGG_EMAIL_USE_TLS=true`` was once read as
False because the code compared with "1")."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on", "ja"})
FALSE = frozenset({"0", "false", "no", "off", "nej", ""})


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] = os.environ) -> bool:
    """``1/true/yes/on`` (any case) is True, ``0/false/no/off`` or empty is False, unset is ``default``."""
    value = environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False if word else default
    raise ImproperlyConfigured(f"{name}={value!r} is neither on (1, true, yes, on) nor off (0, false, no, off)")


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    value = (environ.get(name) or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None


def env_list(name: str, default: str = "", environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list, each item stripped, empty items left out."""
    return [item.strip() for item in environ.get(name, default).split(",") if item.strip()]
