"""The project as a user meets it: the console script, settings for production, translations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TRYGG = Path(sys.executable).with_name("trygg")


def run(*args, env=None):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser tests
    return subprocess.run([str(TRYGG), *args], capture_output=True, text=True, env={**base, **(env or {})}, timeout=120)


def test_console_script_is_django_management():
    result = run("help")
    assert result.returncode == 0
    for command in ["import_police_events", "load_demo", "load_municipalities", "serve"]:
        assert command in result.stdout


def test_production_settings_pass_the_deploy_check():
    env = {
        "TRYGG_PRODUCTION": "1",
        "TRYGG_SECRET_KEY": "a" * 20 + "production-secret-key-from-the-environment-0123456789",
        "TRYGG_ALLOWED_HOSTS": "trygg.example.se",
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_deploy_check_fails_in_production_without_a_secret_key_from_the_environment(tmp_path):
    env = {"TRYGG_PRODUCTION": "1", "TRYGG_SECRET_KEY": "", "TRYGG_ALLOWED_HOSTS": "trygg.example.se",
           "TRYGG_VAR_DIR": str(tmp_path)}  # fmt: skip
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "trygg.E001" in result.stderr + result.stdout


def test_the_deploy_check_fails_without_production_settings():
    result = run("check", "--deploy", "--fail-level", "WARNING", env={"TRYGG_PRODUCTION": "", "TRYGG_DEBUG": "1"})
    assert result.returncode != 0


def test_swedish_is_the_default_language_and_english_is_available(client):
    from django.utils import translation

    with translation.override("sv"):
        assert translation.gettext("Report incidents") == "Rapportera händelser"
    response = client.get("/accounts/login/")
    assert "Logga in" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # the language selector
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_the_server_refuses_an_oversized_request_before_django_sees_it(tmp_path):
    import http.client
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**base, "TRYGG_VAR_DIR": str(tmp_path), "DATABASE_URL": "", "TRYGG_MANIFEST_STATIC": "0"}  # not collected
    server = subprocess.Popen(
        [str(TRYGG), "serve", "--no-worker", "--no-scheduler", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.putrequest("POST", "/tips/")  # announce 21 MB; the server answers before any body is sent
        connection.putheader("Content-Type", "text/plain")
        connection.putheader("Content-Length", str(21 * 1024 * 1024))
        connection.endheaders()
        assert connection.getresponse().status == 413
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_model_change_has_its_migration():
    result = run("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
