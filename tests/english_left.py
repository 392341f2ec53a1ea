"""Finds English left on a Swedish page: text of the project's own message ids (the English catalogue) that shows
up untranslated, because a string skipped gettext, was never put in the catalogue, or has no translation."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "src" / "trygg" / "locale" / "sv" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[^}]*\}|<[^>]+>")
WORD = re.compile(r"[A-Za-z]{2,}")
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


@lru_cache(maxsize=1)
def english_texts() -> tuple[frozenset[str], frozenset[str]]:
    """(phrases, words): literal runs of two or more English words from message ids whose Swedish differs (or is
    missing), and single capitalised message ids ("Reporter") that differ from their Swedish."""
    phrases, words = set(), set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or entry.msgstr == entry.msgid or entry.msgid_plural:
            continue  # an entry without a translation is English on the page too
        for chunk in PLACEHOLDER.split(entry.msgid):
            chunk = " ".join(chunk.split()).strip(" .,:;!?—–-()“”\"'")
            found = WORD.findall(chunk)
            if len(found) >= 2 and len(chunk) >= 8 and chunk not in entry.msgstr:
                phrases.add(chunk)
            elif len(found) == 1 and chunk == entry.msgid and len(chunk) >= 4 and chunk[0].isupper():
                words.add(chunk)
    return frozenset(phrases), frozenset(words)


class Visible(HTMLParser):
    """The text a person reads: text nodes outside scripts and styles, and the attributes that are shown."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.nodes.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.nodes.append(" ".join(data.split()))


def english_on(html: str) -> list[str]:
    """The English message texts found on the page (empty when it reads as Swedish)."""
    phrases, words = english_texts()
    parser = Visible()
    parser.feed(html)
    text = "\n".join(parser.nodes)
    found = sorted(p for p in phrases if p in text)
    found += sorted({node for node in parser.nodes if node.strip(" :") in words})
    return found
