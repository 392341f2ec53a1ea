"""Swedish everywhere: every string in the code is in the catalogue and translated (none untranslated or fuzzy), and
every page each role reaches from its start page — and what its forms say back when sent empty — reads as Swedish:
no English message text left on it."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client

from tests.english_left import CATALOGUE, english_on
from tests.test_menu_reachability import crawl

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "trygg"
ROLES = ["", "karlstad.samordnare", "karlstad.admin", "fastighet.rapportor", "bra.lasare", "polis.karlstad"]
PER_NAME = 2  # pages per URL name: the same template with other data says the same words
NO_EMPTY_POST = {"logout", "set_language"}  # leave the session as it is


def untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def test_the_catalogue_has_every_string_of_the_code_and_each_is_translated(tmp_path):
    assert not untranslated(polib.pofile(str(CATALOGUE))), "untranslated or fuzzy entries in django.po"
    if not shutil.which("xgettext"):
        pytest.fail("gettext is missing: 'make test' installs it (apt-get install gettext)")
    copy = tmp_path / "trygg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    trygg = str(Path(sys.executable).with_name("trygg"))
    subprocess.run(
        [trygg, "makemessages", "-l", "sv", "--no-obsolete", "--verbosity", "0"], cwd=copy, check=True, timeout=300
    )
    fresh = polib.pofile(str(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    missing = untranslated(fresh)
    assert not missing, f"strings in the code without a Swedish translation (run makemessages and translate): {missing}"


class Forms(HTMLParser):
    """Forms that post back to the page they are on (an edit form, not a button that acts)."""

    def __init__(self) -> None:
        super().__init__()
        self.self_posting = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and attrs.get("action") in (None, ""):
            self.self_posting = True


def crawl_for_english(client: Client) -> dict[str, list[str]]:
    """URL → the English found on it, for every page reached by links from the start page (and each self-posting
    form's answer to an empty submission)."""
    found = {}

    def check(url: str, name: str, html: str) -> None:
        if english := english_on(html):
            found[url] = english
        forms = Forms()
        forms.feed(html)
        if forms.self_posting and name not in NO_EMPTY_POST:
            answer = client.post(url, {})
            shown = answer.status_code == 200 and "text/html" in answer.get("Content-Type", "")
            if shown and (english := english_on(answer.content.decode())):
                found[f"POST {url}"] = english

    crawl(client, limit=500, on_page=check, pages_per_name=PER_NAME)
    return found


@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_reads_as_swedish(shared_data):
    from tests.conftest import ensure_base_data
    from trygg.orgs.models import User

    ensure_base_data()
    call_command("load_demo", "--data", str(shared_data), "--quiet-logins", stdout=io.StringIO())
    english = {}
    for username in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="sv")
        if username:
            client.force_login(User.objects.get(username=username))
        for url, texts in crawl_for_english(client).items():
            english[f"{username or 'anonymous'} {url}"] = texts
    assert not english, "English on Swedish pages:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(english.items()))


def test_the_checker_finds_english_and_passes_swedish():
    assert english_on("<main><p><a href='/x'>Forgotten password?</a></p></main>") == ["Forgotten password"]
    assert english_on("<table><td>Reporter</td></table>") == ["Reporter"]
    assert english_on('<button aria-label="Main menu">≡</button>')
    assert not english_on("<main><p>Inbjudan har gått ut.</p><script>var x = 'Main menu';</script></main>")
