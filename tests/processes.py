"""Running ``trygg`` commands as separate processes on the test database (workers, ``trygg jobs run``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

TRYGG = Path(sys.executable).with_name("trygg")


def database_url() -> str:
    """The test database as a URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(**extra: str) -> dict[str, str]:
    """The test database, and mail to the SMTP server the test's settings point at."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TRYGG_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TRYGG_EMAIL_HOST": settings.EMAIL_HOST,
        "TRYGG_EMAIL_PORT": str(settings.EMAIL_PORT),
        **extra,
    }


def start(*args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(TRYGG), *args], env=environment(**extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def run(*args: str, **extra: str) -> str:
    """Run ``trygg ARGS`` to the end; its output, or an AssertionError with it when it failed."""
    process = start(*args, **extra)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output.decode()
    return output.decode()
