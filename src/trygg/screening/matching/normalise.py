"""Normalising names of people and companies for comparison.

* Any script is transliterated to Latin letters (``anyascii``); case and accents are folded.
* Swedish letters are written three ways in registers and lists: Åsa / Asa / Aasa, Jönsson / Jonsson /
  Joensson, Bäck / Back / Baeck. Every token is reduced to one *fold*: å, ä → a; ö → o; and the
  two-letter spellings aa, ae, oe (and ue) → a, a, o (u). Both "Åsa" and "Aasa" become "asa".
* Legal forms are taken out of company names and compared on their own: "Bygg AB" and "Bygg
  Aktiebolag" are the same name with the same form (AB, HB, KB, Ek. för., Ltd, GmbH, …).
* Hyphenated and double surnames are split into tokens ("Lind-Svensson" → lind, svensson) and word order
  does not matter; single letters are kept as initials.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

_SWEDISH = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o", "ü": "u", "é": "e"})
_DIGRAPHS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
_SPLIT = re.compile(r"[^a-z0-9]+")

# Legal forms, longest first; matched on the folded, space-joined name. Value: the canonical form.
LEGAL_FORMS: dict[str, str] = {
    "aktiebolag": "ab",
    "ab": "ab",
    "publ": "ab",
    "handelsbolag": "hb",
    "hb": "hb",
    "kommanditbolag": "kb",
    "kb": "kb",
    "ekonomisk forening": "ek",
    "ek for": "ek",
    "ekonomisk": "ek",
    "ef": "ek",
    "enskild firma": "ef",
    "enskild naringsidkare": "ef",
    "bostadsrattsforening": "brf",
    "brf": "brf",
    "ideell forening": "if",
    "stiftelse": "stiftelse",
    "limited": "ltd",
    "ltd": "ltd",
    "plc": "plc",
    "p l c": "plc",
    "llc": "llc",
    "l l c": "llc",
    "inc": "inc",
    "incorporated": "inc",
    "corp": "corp",
    "corporation": "corp",
    "co": "co",
    "company": "co",
    "gmbh": "gmbh",
    "ag": "ag",
    "aktiengesellschaft": "ag",
    "sa": "sa",
    "s a": "sa",
    "srl": "srl",
    "spa": "spa",
    "s p a": "spa",
    "bv": "bv",
    "b v": "bv",
    "nv": "nv",
    "oy": "oy",
    "oyj": "oy",
    "as": "as",
    "asa": "as",
    "a s": "as",
    "aps": "aps",
    "ooo": "ooo",
    "zao": "zao",
    "oao": "oao",
    "pao": "pao",
    "jsc": "jsc",
    "open joint stock company": "jsc",
    "closed joint stock company": "jsc",
    "public joint stock company": "jsc",
    "joint stock company": "jsc",
    "ojsc": "jsc",
    "cjsc": "jsc",
    "pjsc": "jsc",
    "lp": "lp",
    "llp": "llp",
    "sarl": "sarl",
    "s a r l": "sarl",
    "sas": "sas",
    "s a s": "sas",
    "sp z o o": "spzoo",
    "spzoo": "spzoo",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "limited liability company": "llc",
    "societatea cu raspundere limitata": "srl",
    "obshchestvo s ogranichennoi otvetstvennostiu": "ooo",
    "aktsionernoe obshchestvo": "jsc",
    "ao": "jsc",
    "kg": "kg",
    "se": "se",
    "pte": "pte",
    "pty": "pty",
    "sdn bhd": "sdnbhd",
    "bhd": "bhd",
}
_FORM_PATTERN = re.compile(
    r"(?<![a-z0-9])(" + "|".join(sorted((re.escape(k) for k in LEGAL_FORMS), key=len, reverse=True)) + r")(?![a-z0-9])"
)

# Particles that make word order meaningful: "Salman bin Muhammad" is not "Muhammad bin Salman".
PATRONYMIC_PARTICLES = frozenset("bin ibn ben bint binti ould walad".split())

# Words that say little about identity: their tokens count for less.
WEAK_WORDS = frozenset(
    "al el bin ibn bint abu abd de del della der di da do dos du la le van von den ter af of the and und et y "
    "company group holding holdings international trading services service sverige sweden svenska scandinavia "
    "nordic i och bolag fastigheter fastighets bygg consulting konsult invest investment".split()
)


def fold_token(token: str) -> str:
    """One comparable spelling of a lower-case ASCII-or-Swedish token (see the module docstring)."""
    token = token.translate(_SWEDISH)
    for digraph, single in _DIGRAPHS:
        token = token.replace(digraph, single)
    return token


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.translate(_SWEDISH)  # before transliteration, so that å/ä/ö fold the Swedish way
    return anyascii(text).lower()


NUMBER_WORDS = {
    "one": "1",
    "first": "1",
    "1st": "1",
    "two": "2",
    "second": "2",
    "2nd": "2",
    "three": "3",
    "third": "3",
    "3rd": "3",
    "four": "4",
    "fourth": "4",
    "five": "5",
    "fifth": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "forty": "40",
    "fourty": "40",
    "fifty": "50",
    "twenty": "20",
    "thirty": "30",
    "ett": "1",
    "en": "1",
    "forsta": "1",
    "tva": "2",
    "andra": "2",
    "tre": "3",
    "tredje": "3",
    "fyra": "4",
}
_TENS = {"20", "30", "40", "50"}


@dataclass(frozen=True)
class Name:
    original: str
    tokens: tuple[str, ...]  # folded tokens, legal form removed, in order
    legal_form: str | None
    numbers: tuple[str, ...]  # numbers, also from number words ("forty-four" → 44, "first" → 1)
    forms: frozenset[str] = frozenset()  # every legal form found

    @property
    def joined(self) -> str:
        """The tokens run together: "Good Will" and "Goodwill", "L.X.C." and "LXC" become equal."""
        return "".join(self.tokens)

    @property
    def key(self) -> str:
        return " ".join(sorted(self.tokens))


@lru_cache(maxsize=100_000)
def normalise(name: str, company: bool = False) -> Name:
    text = _ascii(name).replace("&", " and ")
    form = None
    forms: frozenset[str] = frozenset()
    if company:
        spaced = " ".join(_SPLIT.split(text.replace("'s ", " "))).strip()
        found = _FORM_PATTERN.findall(spaced)
        if found:
            form = LEGAL_FORMS[found[-1]]
            forms = frozenset(LEGAL_FORMS[f] for f in found)
            spaced = _FORM_PATTERN.sub(" ", spaced)
        text = spaced
    raw = [t for t in _SPLIT.split(text) if t and t != "and"] if company else [t for t in _SPLIT.split(text) if t]
    numbers: list[str] = []
    tokens: list[str] = []
    for t in raw:
        if t.isdigit():
            numbers.append(t.lstrip("0") or "0")
        elif company and t in NUMBER_WORDS:
            value = NUMBER_WORDS[t]
            if numbers and numbers[-1] in _TENS and len(value) == 1:  # forty-four → 44
                numbers[-1] = str(int(numbers[-1]) + int(value))
            else:
                numbers.append(value)
        else:
            tokens.append(fold_token(t))
    return Name(original=name, tokens=tuple(tokens), legal_form=form, numbers=tuple(numbers), forms=forms)


def is_company_schema(schema: str) -> bool:
    return schema.lower() in {"company", "organization", "organisation", "legalentity", "vessel", "airplane"}
