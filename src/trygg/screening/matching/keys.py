"""Blocking keys for the candidate index: which stored names are worth scoring against a query name.

A name gives one key per significant token (``t:``), and for tokens of five letters or more also its first
and last four letters (``p:``, ``s:``) so that a typo in one half of a token still finds it; the tokens run
together give ``j:`` (for "Goodwill" / "Good Will") and the whole name in any word order ``n:`` (so that
"Anna Andersson" is found although both words are common). Spelling variants get keys of their own: the
transliteration key of :func:`~trygg.screening.matching.variants.sound_key` (``x:``, so that "Sjtjerbakov"
finds "Shcherbakov" and "Carlsson" finds "Karlsson") and, for people, the consonants of a token
(``k:``, :func:`~trygg.screening.matching.variants.consonant_key`, also of its Somali reading), so that
"محمد علي" finds "Mohammed Ali" and "Xuseen" finds "Hussein". Identifiers give ``id:`` keys, a person's full
birth date a ``b:`` key (so that a name too far off for any other key — a Belarusian passport's "Hrychuk" for the
Russian "Gritjuk" — is still scored when the birth date is the same, and shown "att kontrollera"). Weak words
("ab", "bygg", "al") give no key.
"""

from __future__ import annotations

from collections.abc import Iterable

from trygg.screening.matching.normalise import WEAK_WORDS, normalise
from trygg.screening.matching.variants import consonant_key, somali_variant, sound_key


def name_keys(name: str, company: bool) -> set[str]:
    """The blocking keys of one name (see the module docstring)."""
    n = normalise(name, company)
    keys: set[str] = set()
    for info in n.info:
        token = info.text
        if len(token) < 2 or token in WEAK_WORDS:
            continue
        keys.add(f"t:{token}")
        if len(token) >= 5:
            keys.add(f"p:{token[:4]}")
            keys.add(f"s:{token[-4:]}")
        sound = sound_key(token)
        if sound != token and len(sound) >= 3:
            keys.add(f"x:{sound}")
        if not company:
            readings = [(info.arabic or token, info.script == "arabic")]
            variant = somali_variant(token)
            if variant:
                readings.append((variant, False))
            for reading, arabic in readings:
                consonants = consonant_key(reading, arabic)
                if len(consonants) >= 3:
                    keys.add(f"k:{consonants}")
    if len(n.tokens) > 1 and len(n.joined) >= 4:
        keys.add(f"j:{n.joined[:16]}")
        keys.add(f"n:{n.key.replace(' ', '_')}")  # the whole name: rare even when each word is common
    return {k[:64] for k in keys}


def entity_keys(names: Iterable[str], company: bool, identifiers: Iterable[str] = (), birth_date: str = "") -> set[str]:
    """The blocking keys of an entity: of all its names, of its identifiers and of a person's full birth date."""
    keys: set[str] = set()
    for name in names:
        keys |= name_keys(name, company)
    for identifier in identifiers:
        if identifier:
            keys.add(f"id:{identifier}")
    if not company and len(birth_date or "") == 10:
        keys.add(f"b:{birth_date}")
    return keys


def key_weight(key: str, frequency: int) -> float:
    """How much a shared key says: rare keys more (inverse frequency); identifiers most."""
    if key.startswith("id:"):
        return 100.0
    base = {"t": 1.0, "j": 1.0, "n": 3.0, "p": 0.4, "s": 0.4, "x": 0.8, "k": 0.5, "b": 1.0}.get(key[0], 0.5)
    return base / (1.0 + frequency) ** 0.5
