"""Settings from the environment (issue 23): every on/off variable is read the same way — ``true`` is on for
``TRYGG_EMAIL_USE_TLS`` and ``TRYGG_POLICE_FETCH`` as it is for ``TRYGG_DEBUG`` — and a mistyped value stops the
start, naming the variable, instead of being read as "off"."""

from __future__ import annotations

import json
import os
import subprocess
import sys

READ = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.EMAIL_USE_TLS, s.TRYGG_POLICE_FETCH, s.DEBUG, s.EMAIL_PORT]))"
)


def _settings(**env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "trygg.settings", **env}
    return subprocess.run([sys.executable, "-c", READ], env=environ, capture_output=True, text=True, timeout=120)


def test_every_on_off_variable_reads_the_same_words_as_on():
    for words in (("true", "True", "1"), ("yes", "on", "TRUE")):
        done = _settings(TRYGG_EMAIL_USE_TLS=words[0], TRYGG_POLICE_FETCH=words[1], TRYGG_DEBUG=words[2])
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)[:3] == [True, True, True], words


def test_off_and_unset_are_off():
    done = _settings(TRYGG_EMAIL_USE_TLS="false", TRYGG_POLICE_FETCH="0")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[:2] == [False, False]


def test_a_mistyped_value_stops_the_start_naming_the_variable():
    for name, value in (("TRYGG_EMAIL_USE_TLS", "ture"), ("TRYGG_EMAIL_PORT", "25a")):
        done = _settings(**{name: value})
        assert done.returncode != 0
        assert "ImproperlyConfigured" in done.stderr and name in done.stderr and value in done.stderr
