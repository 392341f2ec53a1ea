"""Normalising names of people and companies for comparison.

* Any script is transliterated to Latin letters (``anyascii``); case and accents are folded. Greek is
  transliterated by ELOT 743 / ISO 843 digraphs first (ου → ou, μπ → b, ντ → d, γγ → ng), Arabic script
  has its article split off (الفتاح → al + فتاح) and its final ة / ى dropped, and every token remembers
  its script, so that the scorer can compare a token written in Arabic script by its consonants
  (:func:`trygg.screening.matching.variants.arabic_script_match`).
* Swedish letters are written three ways in registers and lists: Åsa / Asa / Aasa, Jönsson / Jonsson /
  Joensson, Bäck / Back / Baeck. Every token is reduced to one *fold*: å, ä → a; ö → o; and the
  two-letter spellings aa, ae, oe (and ue) → a, a, o (u). Both "Åsa" and "Aasa" become "asa". The
  unfolded token is kept too (Åberg and Öberg are different names).
* Legal forms (:mod:`trygg.screening.matching.forms`, Bolagsverket's list and common foreign forms) are
  taken out of company names and compared on their own: "Bygg AB" and "Bygg Aktiebolag" are the same name
  with the same form; "Fastighetsaktiebolaget Kronan" is "Fastighets AB Kronan". Number words and ordinals
  become numbers ("Tre Kronor", "3 Kronor"; "Forty 4", "44").
* Titles (Dr, Sheikh, President …) are dropped from people's names; a comma turns "Svensson, Anna" into
  "Anna Svensson"; initials written in capitals ("JC Juncker") become single letters; Arabic compounds
  with *ʿabd* are one token however they are written (Abd al-Aziz, Abdul Aziz, Abdelaziz → abdaziz).
* Hyphenated and double surnames are split into tokens ("Lind-Svensson" → lind, svensson) and word order
  does not matter; single letters are kept as initials.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from anyascii import anyascii

from trygg.screening.matching.forms import (
    COMPOUND_FORM,
    FORM_PATTERN,
    LEGAL_FORMS,
    LONG_FORM_WORDS,
    TENS,
    number_value,
)
from trygg.screening.matching.variants import _SWEDISH, ABD_FORMS, fold_token, same_given_name, sound_key

_SPLIT = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

# Particles that make word order meaningful: "Salman bin Muhammad" is not "Muhammad bin Salman".
PATRONYMIC_PARTICLES = frozenset("bin ibn ben bint binti ould walad".split())

# Words that say little about identity: their tokens count for less (and give no blocking key).
WEAK_WORDS = frozenset(
    "al el bin ibn bint abu abd de del della der di da do dos du la le van von den ter af of the and und et y "
    "company group holding holdings international trading services service sverige sweden svenska scandinavia "
    "nordic i och bolag fastigheter fastighets bygg consulting konsult invest investment europe global".split()
)

# Words of a company name that tell companies of one group or one name apart: present in one name only,
# they make it another company ("Nordic Bygg AB" / "Nordic Bygg Service AB", "… Holding AB").
DISTINGUISHING_WORDS = frozenset(
    "holding holdings service services fastighet fastigheter fastighets invest investment investments "
    "investering bygg byggnads stad stadservice forvaltning forvaltnings consulting consultants konsult "
    "konsulter group gruppen koncern trust bank capital kapital finans finance management partner partners "
    "fund fonder logistik transport transporter restaurang restaurant pizzeria kiosk livs handel trading "
    "import export entreprenad maleri el vvs data media security sakerhet bevakning bemanning redovisning "
    "utveckling development properties property real estate energi tjanster logistics construction engineering "
    "technology technologies solutions systems industries".split()
)
COUNTRY_WORDS = frozenset(
    "sverige sweden norge norway danmark denmark finland suomi island iceland tyskland germany deutschland "
    "england uk britain usa america france frankrike spanien spain italien italy polen poland estland estonia "
    "lettland latvia litauen lithuania ryssland russia china kina mexico chile brasil brazil india japan "
    "turkiet turkey".split()
)

TITLES = frozenset(
    "mr mrs ms miss dr prof professor sir dame lord lady sheikh shaikh sheik shaykh president general gen col "
    "colonel major captain capt imam mullah maulana emir prince princess king queen herr fru froken docent "
    "hon honourable honorable".split()
)
_ABD_PREFIXES = ("abdul", "abdel", "abdal", "abdol", "abdur", "abdus", "abdu", "abdi", "abd")
_KURMANJI_ABD = ("ebdul", "ebdil", "evdul", "ebd")  # the same ʿabd in Kurmanji's Latin alphabet
_GOD = frozenset({"lah", "llah", "la", "lla", "ullah", "allah", "ulla", "alla", "ollah", "lahi", "llahi", "ullahi"})
# the particle of descent as one token ("Isa Ben Tarif" = "Isa bin Tarif"), unless it is the first name
_PARTICLE_SPELLINGS = {"ibn": "bin", "ben": "bin", "binti": "bint"}
# common abbreviations in company names
_ABBREVIATIONS = {"intl": "international", "natl": "national", "mfg": "manufacturing", "bros": "brothers"}
_ARTICLES = frozenset({"al", "el", "ul"})


@dataclass(frozen=True)
class Token:
    """One word of a name: folded (``text``), casefolded before folding (``raw``), its script and keys."""

    text: str
    raw: str
    script: str  # "latin", "arabic", "cyrillic", "greek", "other"
    original: str  # as written in the name (for explanations)
    arabic: str = ""  # the anyascii transliteration of an Arabic-script token
    person: bool = True  # a token of a person's name (Somali orthography is only looked for there)
    kurdish: bool = False  # of a name in Kurdish Latin orthography (short vowels written otherwise: Mihemed)

    @property
    def sound(self) -> str:
        return sound_key(self.text)


@dataclass(frozen=True)
class Name:
    original: str
    tokens: tuple[str, ...]  # folded tokens, legal form removed, in order
    legal_form: str | None
    numbers: tuple[str, ...]  # numbers, also from number words ("forty-four" → 44, "first" → 1)
    forms: frozenset[str] = frozenset()  # every legal form found
    info: tuple[Token, ...] = ()  # the tokens with their script and spellings, parallel to ``tokens``

    @property
    def joined(self) -> str:
        """The tokens run together: "Good Will" and "Goodwill", "L.X.C." and "LXC" become equal."""
        return "".join(self.tokens)

    @property
    def key(self) -> str:
        return " ".join(sorted(self.tokens))


_GREEK_DIGRAPHS = (
    ("ου", "ou"),
    ("ού", "ou"),
    ("αυ", "av"),
    ("αύ", "av"),
    ("ευ", "ev"),
    ("εύ", "ev"),
    ("γγ", "ng"),
    ("γκ", "gk"),
    ("μπ", "mb"),
    ("ντ", "nt"),
)


def _script(word: str) -> str:
    for ch in word:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            head = name.split(" ", 1)[0]
            if head in {"LATIN", "ARABIC", "CYRILLIC", "GREEK"}:
                return head.lower()
            return "other"
    return "latin"


def _transliterate_word(word: str, script: str) -> list[tuple[str, str]]:
    """(transliteration, original) pairs of one word; Arabic words may give two (article and noun)."""
    if script == "greek":
        w = word
        for greek, latin in _GREEK_DIGRAPHS:
            w = w.replace(greek, latin)
        if w.startswith(("mb", "nt")):
            w = ("b" if w[0] == "m" else "d") + w[2:]
        return [(anyascii(w).lower(), word)]
    if script == "cyrillic":  # the soft and hard signs (ь, ъ → ') are not letters of the Latin name
        return [(anyascii(word).lower().replace("'", ""), word)]
    if script == "arabic":
        w = word.rstrip("ةى")
        parts = []
        if w.startswith("ال") and len(w) > 3:
            parts.append(("al", "ال"))
            w = w[2:]
        parts.append((anyascii(w).lower(), word))
        return parts
    word = word.replace("đ", "dj")  # Serbo-Croatian đ is dj (Đorđević / Djordjevic), not d
    if _KURDISH.search(word):  # Kurdish Latin letters: ş, ç, x are sh, ch, kh (Şêxmûs / Sheikhmous, Xelîl / Khalil)
        word = word.replace("ş", "sh").replace("ç", "ch").replace("x", "kh")
    return [(anyascii(word).lower(), word)]


_KURDISH = re.compile("[şêîûç]")
_KURDISH_X = re.compile(r"^x[aeiou]")  # Xebat, Xalid: Latin x before a vowel begins Kurdish names, not others
_EZAFE = re.compile(r"(?<=\w)-y?e\b", re.IGNORECASE)
_SOMALI = re.compile(r"aa|ee|ii|oo|uu|c(?![hk])|dh")  # Somali orthography: long vowels written double, c = ʿayn


def _words(text: str) -> list[tuple[str, str, str, str]]:
    """(ascii text, casefolded original, script, original) for each word of a name."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"عبد\s+(ال)?له\b", "عبدالله", text)  # ʿAbdullāh is one name, in Arabic script as in Latin
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        script = _script(word)
        folded = word.casefold()
        source = folded.translate(_SWEDISH) if script == "latin" else folded
        for ascii_text, original in _transliterate_word(source, script):
            shown = word if script != "arabic" or original == word else original
            out.append((ascii_text, folded if script == "latin" else ascii_text, script, shown))
    return out


def _split_abd(tokens: list[Token]) -> list[Token]:
    """The compounds with ʿabd as two tokens however they are written: Abd al-Aziz, Abdul Aziz, Abdelaziz →
    abd + aziz (``abd`` is a weak word); Abdullah / Abdallah and the Somali Abdi- names stay whole."""
    out: list[Token] = []
    for t in tokens:
        stem = next((p for p in _ABD_PREFIXES if t.text.startswith(p)), None) if t.script == "latin" else None
        if stem is None and t.script == "latin" and t.text.startswith(_KURMANJI_ABD):  # Kurmanji Ebdulkerîm
            stem = next(p for p in _KURMANJI_ABD if t.text.startswith(p))
        if stem is None or stem == "abdi":
            out.append(t)
            continue
        rest = t.text[len(stem) :]
        if rest in {"", "ul", "el", "al", "ol", "u"}:  # "Abdul" standing alone is a name part of its own
            out.append(t)
        elif len(rest) >= 3 and rest not in _GOD and not (stem == "abd" and rest[:1] in "aeiou" and rest[1:] in _GOD):
            rest = rest[1:] if len(rest) > 3 and rest[0] == rest[1] else rest  # Abdur-rahman
            out.append(replace(t, text="abd"))
            out.append(replace(t, text=rest, raw=rest))
        else:
            out.append(t)
    return out


_DIN = ("eddine", "eddin", "uddin", "uddeen", "addin", "aldin", "eldin", "edine", "edin", "udin", "adin")
_DIN_WORDS = frozenset({"eddine", "eddin", "uddin", "uddeen", "addin", "aldin", "eldin", "din", "deen", "dine"})


# the names of God that follow ʿabd in compound names (al-asmāʾ al-ḥusnā, and al-Muttalib), by sound key
_NAMES_OF_GOD = frozenset(
    sound_key(n)
    for n in "aziz rahman rahim qadir kader kadir karim latif malik majid hamid halim hakim hadi jabbar ghaffar "
    "ghafur ghafoor wahhab wahab razzaq razak fattah alim basit salam samad sattar shakur wahid wadud muttalib "
    "mottaleb nasir nasser jalil bari qayyum quddus mumin kabir azim haq haqq rashid rauf raouf ilah".split()
)


def _split_arabic_compounds(tokens: list[Token]) -> list[Token]:
    """Arabic compounds written together or apart as the same tokens: "Nasreddine", "Salah Eddine", "Hussam
    Eldin", Kurdish "Fexredîn" are nasr / salah / hussam / fekhr + din ("Nasr al-Din"; the article is a weak
    word); "Abdul Aziz", "Abdel Mottaleb" apart are abd + the name of God, as "Abdulaziz" is
    (:func:`_split_abd`), but "Abdul Mohammed" keeps its Abdul; "Benali" is bin + Ali when what follows ben is a
    known given name. Sources: the Library of Congress romanisation of Arabic and its
    French (Maghrebi) and Egyptian spellings."""
    out: list[Token] = []
    for i, t in enumerate(tokens):
        text = t.text
        if t.script != "latin":
            out.append(t)
        elif text in _DIN_WORDS and i:
            out.append(replace(t, text="din", raw="din"))
        elif text in ABD_FORMS and i + 1 < len(tokens) and sound_key(tokens[i + 1].text) in _NAMES_OF_GOD:
            out.append(replace(t, text="abd", raw="abd"))  # "Abdul Aziz" as "Abdulaziz", not "Abdul Mohammed"
        elif din := next((d for d in _DIN if text.endswith(d) and len(text) - len(d) >= 3 + (d[1] != d[2])), None):
            stem, raw = text[: -len(din)], t.raw[: -len(din)] if len(t.raw) > len(din) else t.raw
            out += [replace(t, text=stem, raw=raw), replace(t, text="din", raw="din")]
        elif i and text[:3] in ("ben", "bin") and len(text) >= 6 and same_given_name(text[3:], text[3:]):
            out += [replace(t, text="bin", raw="bin"), replace(t, text=text[3:], raw=text[3:])]
        else:
            out.append(t)
    return out


def _fuzzy_form(word: str) -> str | None:
    """A long legal-form word misspelt or cut off ("aktiengeselschaft", "compan"), else None."""
    from rapidfuzz.distance import Levenshtein

    if len(word) < 5:
        return None
    for form in LONG_FORM_WORDS:
        if len(word) >= 5 and form.startswith(word) and len(word) >= len(form) - 3:
            return form
        if len(word) >= 8 and abs(len(word) - len(form)) <= 2 and Levenshtein.distance(word, form) <= 2:
            return form
    return None


# "Torgovyj dom" (торговый дом) is the Russian for "trading house", a common first part of company names
_PHRASES = re.compile(r"\btorgov(?:yj|yi|yy|ij|iy|y) dom\b")
_LETTER_RUN = re.compile(r"(?<![a-z0-9])[a-z](?: [a-z])+(?![a-z0-9])")


def _letters_together(spaced: str) -> str:
    """A legal form written letter by letter ("F.Z.E.", "G m b H") as one word when so it is a form."""

    def join(m: re.Match[str]) -> str:
        run = m.group(0)
        return run.replace(" ", "") if run not in LEGAL_FORMS and run.replace(" ", "") in LEGAL_FORMS else run

    return _LETTER_RUN.sub(join, spaced)


def _company_forms(text: str) -> tuple[str, str | None, frozenset[str]]:
    """The name without its legal forms, the last form found, and every form found."""
    text = text.replace("'s ", " ").replace("'", "")
    spaced = " ".join(_ABBREVIATIONS.get(w, w) for w in _SPLIT.split(text)).strip()
    spaced = _PHRASES.sub("trading house", _letters_together(spaced))
    spaced = COMPOUND_FORM.sub(lambda m: f"{m.group(1)}s {m.group(2)}", spaced)
    words = spaced.split()
    if len(words) > 1 and not FORM_PATTERN.search(spaced):
        fixed = _fuzzy_form(words[-1])
        if fixed:
            words[-1] = fixed
            spaced = " ".join(words)
    found = FORM_PATTERN.findall(spaced)
    if not found:
        return spaced, None, frozenset()
    remaining = FORM_PATTERN.sub(" ", spaced)
    if not remaining.strip():  # the name is nothing but a form word ("Company"): keep it as the name
        return spaced, LEGAL_FORMS[found[-1]], frozenset(LEGAL_FORMS[f] for f in found)
    return remaining, LEGAL_FORMS[found[-1]], frozenset(LEGAL_FORMS[f] for f in found)


@lru_cache(maxsize=100_000)
def normalise(name: str, company: bool = False) -> Name:
    """The comparable form of a name (see the module docstring)."""
    name = name or ""
    text = name
    if not company and text.count(",") == 1:  # "Svensson, Anna" → "Anna Svensson"
        left, right = text.split(",")
        if left.strip() and right.strip():
            text = f"{right} {left}"
    if company:  # the Persian ezafe of a company name ("Sherkat-e Sakhtemani-ye Kavir") is left out on lists
        text = _EZAFE.sub("", text)
    words = _words(text.replace("&", " and "))
    upper_words = {w[3] for w in words if w[3].isupper() and len(w[3]) > 1}
    mixed_case = any(not w[3].isupper() for w in words if w[2] == "latin")
    forms: frozenset[str] = frozenset()
    form = None
    if company:
        ascii_text = " ".join(w[0] for w in words)
        stripped, form, forms = _company_forms(ascii_text)
        words = [(t, t, "latin", t) for t in stripped.split()] if stripped != ascii_text else words
    raw = [w for w in words if w[0]]
    numbers: list[str] = []
    tokens: list[Token] = []
    for ascii_text, folded_original, script, original in raw:
        for part in [p for p in _SPLIT.split(ascii_text) if p]:
            if company:
                if part == "and":
                    continue
                value = number_value(part, upper=part.upper() in upper_words)
                if value is not None:
                    if numbers and int(numbers[-1]) in TENS and 1 <= value <= 9:  # forty-four, Forty 4 → 44
                        numbers[-1] = str(int(numbers[-1]) + value)
                    else:
                        numbers.append(str(value))
                    continue
            elif part.isdigit():
                numbers.append(part.lstrip("0") or "0")
                continue
            if not company and part in TITLES and len(raw) > 2:
                continue
            raw_part = folded_original if len(_SPLIT.split(ascii_text)) == 1 else part
            if (
                not company
                and script == "latin"
                and mixed_case
                and original.isupper()
                and len(part) == 2
                and not set(part) & set("aeiouy")
            ):  # "JC Juncker": initials written together
                tokens.extend(Token(ch, ch, script, ch.upper()) for ch in part)
                continue
            folded = fold_token(part)
            arabic = (ascii_text if ascii_text.strip("`'") == part else part) if script == "arabic" else ""
            tokens.append(Token(folded, raw_part, script, original, arabic, not company))
    somali = any(_SOMALI.search(t.text) for t in tokens)  # Xasan Cabdi, Xuseen: Somali, not Kurdish, x
    kurdish_x = not somali and any(_KURDISH_X.match(t.text) for t in tokens)
    if not company and (_KURDISH.search(text.casefold()) or kurdish_x):
        tokens = [replace(t, kurdish=True) for t in tokens]
    if not company:
        tokens = _split_arabic_compounds(_split_abd(tokens))
        tokens = [
            replace(t, text=_PARTICLE_SPELLINGS[t.text]) if i and t.text in _PARTICLE_SPELLINGS else t
            for i, t in enumerate(tokens)
        ]
    return Name(
        original=name,
        tokens=tuple(t.text for t in tokens),
        legal_form=form,
        numbers=tuple(numbers),
        forms=forms,
        info=tuple(tokens),
    )


def is_company_schema(schema: str) -> bool:
    return schema.lower() in {"company", "organization", "organisation", "legalentity", "vessel", "airplane"}


def has_legal_form(name: str) -> bool:
    """Whether the name carries a company's legal form (AB, Ltd, GmbH, Aktiebolag …): a holding named in a role
    row without its registration number is still a company."""
    return bool(normalise(name, company=True).forms)
