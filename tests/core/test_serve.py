"""``trygg serve --processes``: several processes only with a cache they share."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


def test_several_processes_need_a_shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(CommandError, match="needs a cache all processes share"):
        call_command("serve", "--processes", "2", "--no-worker")
    with pytest.raises(CommandError, match="1 or more"):
        call_command("serve", "--processes", "0", "--no-worker")
