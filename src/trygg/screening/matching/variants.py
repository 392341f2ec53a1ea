"""Spelling variants of name tokens: transliteration keys, Arabic and Somali orthography, nicknames, and the
variants that make two names *different* (gendered and patronymic forms).

* ``sound_key`` merges the ways the same name is written in Swedish, English and German transliteration of
  Russian (and other Cyrillic) names — Sjtjerbakov / Shcherbakov / Schtscherbakow, Chrusjtjov / Khrushchev /
  Chruschtschow, Jeltsin / Yeltsin / Jelzin, Tjajkovskij / Chaykovskiy / Tschaikowski — and the common
  Germanic spelling pairs (C/K, Ph/F, Th/T, W/V, Qv/Kv, X/Ks, doubled letters: Carlsson / Karlsson). The
  correspondences are those of the Swedish (Svenska språknämnden / ISO 9 based "svensk
  translitterering"), English (BGN/PCGN) and German (Duden) transliteration tables of Russian.
* ``somali_variant`` rewrites Somali orthography into the common Latin spelling of Arabic names
  (x = ḥ → h, c = ʿ → nothing, dh = ḍ → d, long vowels written double): Xuseen → Huseen, Maxamed →
  Mahamed, Cabdi → Abdi, Cali → Ali (Somali Latin orthography of 1972).
* ``vowel_key`` leaves out what the Arabic script does not write (short vowels), for names of Arabic origin
  listed in ``data/arabic_names.txt``: Mohammed / Muhammad / Mohamed, Osama / Usama, Hussein / Husayn.
* ``arabic_script_match`` compares a token written in Arabic script (transliterated by ``anyascii`` to its
  consonants and long vowels) with a Latin token, allowing the Latin short vowels that Arabic does not write.
* ``distinguishing`` names the variants that are different names: Johan / Johanna, Jan / Jana, Petrov /
  Petrova, Kowalski / Kowalska, Mario / Maria, Andersson / Andersen (Swedish -sson vs Danish/Norwegian -sen),
  Åberg / Öberg, a given name against a patronymic (Oleksandr / Oleksandrovych).
* ``is_nickname`` looks pairs up in ``data/nicknames.csv`` (Kalle / Karl, Pelle / Per, Misha / Mikhail).
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from importlib import resources

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

_SWEDISH = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o", "ü": "u", "é": "e"})
_DIGRAPHS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold_token(token: str) -> str:
    """One comparable spelling of a lower-case ASCII-or-Swedish token: å, ä → a; ö → o; aa, ae, oe, ue → a, a,
    o, u (Åsa / Aasa / Asa, Jönsson / Joensson / Jonsson)."""
    token = token.translate(_SWEDISH)
    for digraph, single in _DIGRAPHS:
        token = token.replace(digraph, single)
    return token


_CLUSTERS = {
    "schtsch": "Sk",
    "shch": "Sk",
    "sjtj": "Sk",
    "tsch": "k",
    "sch": "S",
    "tch": "k",
    "sh": "S",
    "sj": "S",
    "zh": "S",
    "zj": "S",
    "sz": "S",
    "cz": "k",
    "ch": "k",
    "kh": "k",
    "tj": "k",
    "ph": "f",
    "th": "t",
    "dh": "d",
    "gh": "g",
    "ck": "k",
    "dt": "t",
    "dj": "j",
    "ts": "s",
    "tz": "s",
    "qv": "kv",
    "qu": "kv",
    "q": "k",
    "x": "ks",
    "w": "v",
    "z": "s",
}
_CLUSTER_RE = re.compile("|".join(sorted(_CLUSTERS, key=len, reverse=True)))
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=200_000)
def sound_key(token: str) -> str:
    """One spelling for the Swedish, English and German ways of writing the same (transliterated) name."""
    if len(token) < 2:
        return token
    t = "j" + token[1:] if token[0] == "y" else token
    if t[0] == "x" and len(t) > 2 and t[1] in _VOWELS:  # Kurdish x is kh: Xalid / Khalid, Xelîl / Khalil
        t = "kh" + t[1:]
    t = t.replace("gh", "q")  # Persian and Arabic gh and q are one sound: Ghasemi / Qasemi, Sadeghi / Sadeqi
    t = _CLUSTER_RE.sub(lambda m: _CLUSTERS[m.group(0)], t)
    t = _SOFT_C.sub("s", t).replace("c", "k")
    t = t[0] + t[1:].replace("j", "i").replace("y", "i")
    t = t.replace("ou", "u").replace("oo", "u").replace("ee", "i")
    t = _DOUBLE.sub(r"\1", t)
    if len(t) > 2 and t[-1] == "h" and t[-2] in _VOWELS:  # Sarah / Sara, Abdullah / Abdulla
        t = t[:-1]
    if len(t) > 2 and t[-1] == "f":  # Olof / Olov, Gustaf / Gustav, Rachmaninoff / Rachmaninov
        t = t[:-1] + "v"
    return t


_SOMALI_C = re.compile(r"c(?![hk])")


@lru_cache(maxsize=100_000)
def somali_variant(token: str) -> str | None:
    """The token in the common Latin spelling of Arabic names if it looks Somali-written (x, c, dh), else None."""
    if len(token) < 3 or not ("x" in token or "c" in token):
        return None
    if "c" in token and not _SOMALI_C.search(token):
        return None
    t = token.replace("dh", "d").replace("x", "h")
    t = _SOMALI_C.sub("", t)
    for long_vowel in ("ii", "oo", "uu"):
        t = t.replace(long_vowel, long_vowel[0])
    return t if len(t) >= 2 and t != token else None


def _data_lines(name: str) -> list[str]:
    text = resources.files("trygg.screening.matching").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=200_000)
def vowel_key(token: str) -> str:
    """The sound key with the short vowels reduced to what Arabic script distinguishes (a / i / u)."""
    t = sound_key(token)
    for diphthong in ("ei", "ai", "ie"):
        t = t.replace(diphthong, "i")
    return _DOUBLE.sub(r"\1", t.replace("o", "u").replace("e", "a"))


@lru_cache(maxsize=1)
def arabic_name_keys() -> frozenset[str]:
    return frozenset(vowel_key(fold_token(name)) for name in _data_lines("arabic_names.txt"))


def is_arabic_name(token: str) -> bool:
    """Whether the token is (a spelling of) a common given name of Arabic origin."""
    return vowel_key(token) in arabic_name_keys()


@lru_cache(maxsize=1)
def nickname_pairs() -> frozenset[tuple[str, str]]:
    pairs = set()
    for row in csv.DictReader(_data_lines("nicknames.csv")):
        a, b = sound_key(fold_token(row["nickname"])), sound_key(fold_token(row["name"]))
        pairs |= {(a, b), (b, a)}
    return frozenset(pairs)


def is_nickname(a: str, b: str) -> bool:
    """Whether one token is a nickname of the other (compared by their sound keys)."""
    return (sound_key(a), sound_key(b)) in nickname_pairs()


@lru_cache(maxsize=1)
def given_name_groups() -> dict[str, frozenset[int]]:
    """The sound key of every spelling in ``data/given_names.txt`` → the lines (names) it spells."""
    groups: dict[str, set[int]] = {}
    for i, line in enumerate(_data_lines("given_names.txt")):
        for spelling in line.split():
            groups.setdefault(sound_key(fold_token(spelling)), set()).add(i)
    return {key: frozenset(lines) for key, lines in groups.items()}


@lru_cache(maxsize=200_000)
def same_given_name(a: str, b: str, somali: bool = True) -> bool | None:
    """True when two tokens are spellings of one known given name (Gamal / Jamal, Artjom / Artem), False when
    they are two different known given names (Amir / Amin, Golnaz / Golnar, Linnea / Linda), None when either
    is not in ``data/given_names.txt`` (``somali``: read x and c as Somali orthography too). A known name is a
    name of its own, not a typo of another: namesakes are far more common in screening than a one-letter slip."""
    groups = given_name_groups()
    # the Somali reading first (Xasan is Hasan, not Ghassan), then the token as written (Celal)
    readings = [((somali_variant(t) if somali else None) or t, t) for t in (a, b)]
    one, two = (groups.get(sound_key(read)) or groups.get(sound_key(t)) for read, t in readings)
    if one is None or two is None:
        return None
    return bool(one & two)


# --- Arabic script against Latin ---------------------------------------------------------------------------
_UNIT = re.compile(r"kh|sh|th|dh|gh|ch|ph|ck|.")
_CLASS = {
    "kh": "k",
    "sh": "S",
    "ch": "S",
    "th": "t",
    "dh": "d",
    "gh": "g",
    "ph": "f",
    "ck": "k",
    "p": "b",
    "v": "f",
    "q": "k",
    "c": "k",
    "j": "g",
    "z": "s",
    "x": "ks",
    "e": "i",
    "o": "u",
}


def _units(text: str) -> str:
    out = "".join(_CLASS.get(u, u) for u in _UNIT.findall(text))
    return _DOUBLE.sub(r"\1", out)


_LONG_VOWELS = re.compile(r"ou|oo|uu|ee|ii|ei|ai|ay|ey")


def _latin_units(text: str) -> str:
    """A Latin token in the classes above, its long vowels and diphthongs as W and Y: Arabic writes those
    (و, ي), so they must meet a written letter there (Mahmoud is محمود, not محمد)."""
    text = _LONG_VOWELS.sub(lambda m: "W" if m.group(0) in ("ou", "oo", "uu") else "Y", text)
    return _units(text)


@lru_cache(maxsize=100_000)
def arabic_skeleton(transliterated: str) -> str:
    """An Arabic-script token's letters as ``anyascii`` gives them, in the classes used for comparing."""
    initial = "'" if transliterated[:1] in "`'" else ""  # alif, hamza or ʿayn first: a Latin vowel first
    t = transliterated.replace("`", "").replace("'", "")
    return initial + "".join(_CLASS.get(u, u) for u in _UNIT.findall(t))


@lru_cache(maxsize=200_000)
def consonant_key(token: str, arabic: bool = False) -> str:
    """The consonants of a token in the classes above, for the blocking key that lets a name in Arabic
    script find its Latin spellings (محمد and Mohammed / Muhammad both give "mhmd")."""
    units = arabic_skeleton(token) if arabic else _units(token)
    return _DOUBLE.sub(r"\1", "".join(c for c in units if c not in "aiuyw'"))


@lru_cache(maxsize=200_000)
def arabic_script_match(skeleton: str, latin: str) -> bool:
    """Whether a Latin token can be a spelling of an Arabic-script token.

    Every consonant on both sides must correspond in order; the Arabic long vowels (y, w) must be written as
    a Latin vowel (i/e/y, u/o/w); Latin short vowels and a final Arabic h (ة, ه) may be left unmatched.
    """
    lat = _latin_units(latin)
    if skeleton.startswith("'"):
        if not lat or lat[0] not in "aiu":
            return False
        skeleton = skeleton[1:]
    if not skeleton or not lat:
        return False
    n, m = len(skeleton), len(lat)

    @cache
    def ok(i: int, j: int) -> bool:
        if i == n:
            return all(c in "aiuy" for c in lat[j:])
        a = skeleton[i]
        skippable = a in "aiu" or (a == "h" and i == n - 1) or (i > 0 and skeleton[i - 1] == a)
        if skippable and ok(i + 1, j):  # a vowel mark, a final h (ة, ه), a doubled letter (الله, Allah)
            return True
        if j == m:
            return False
        b = lat[j]
        if b in "aiu" and ok(i, j + 1):  # a Latin short vowel Arabic does not write
            return True
        if a == b.lower() or (a == "y" and b in "iY") or (a == "w" and b in "uW"):
            return ok(i + 1, j + 1)
        return False

    return ok(0, 0)


# --- variants that are different names --------------------------------------------------------------------
PATRONYMIC_SUFFIXES = (
    "ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna", "ogly", "kyzy",
    "ovitj", "evitj", "ovytj", "evytj", "ovitsj", "evitsj", "owitsch", "ewitsch", "owna", "ewna",  # Swedish, German
    "avich", "avitj", "auna", "euna",  # Belarusian (Mikalaevich, Mikalauna)
)  # fmt: skip
_SLAVIC_MALE = ("ski", "skii", "skij", "skiy", "sky", "skyj", "skyi", "tskii", "oi", "ii", "yi", "yj")
_SLAVIC_FEMALE = ("ska", "skaia", "skaja", "skaya", "tskaia", "aia", "aja", "aya")


_SURNAME_MALE = ("ov", "ev", "in", "yn", "ski", "sky", "skiy", "skij", "skii")
_SURNAME_FEMALE = ("ova", "eva", "ina", "yna", "ska", "skaya", "skaja", "skaia")
ABD_FORMS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdou", "abdoul", "ebdul"})


def _slavic_gender(male: str, female: str) -> bool:
    """A masculine and a feminine Slavic surname of alike stems (Baranov / Barynova), not only equal ones."""
    for m in _SURNAME_MALE:
        if male.endswith(m) and len(male) > len(m) + 2:
            for f in _SURNAME_FEMALE:
                if female.endswith(f) and f.startswith(m) and len(female) > len(f) + 2:
                    stem_m, stem_f = male[: -len(m)], female[: -len(f)]
                    sim = JaroWinkler.normalized_similarity(stem_m, stem_f)
                    return sim >= 0.75
    return False


# Words of company names that say the same thing in another form or language ("Nordic Trade AB" / "Nordic Trading
# AB" / "Nordic Handel AB"): equal for matching, still a word of the name.
COMPANY_WORD_GROUPS = (
    ("trade", "trading", "traders", "handel", "handels", "ticaret", "tejarat"),  # Turkish, Persian
    ("invest", "investment", "investments", "investering"),
    ("fastighet", "fastigheter", "fastighets", "property", "properties"),
    ("konsult", "konsulter", "consulting", "consultants", "consultancy"),
    ("service", "services", "tjanster"),
    ("holding", "holdings"),
    ("transport", "transporter", "transports"),
    ("restaurang", "restaurant", "restaurants"),
    ("bygg", "byggnads", "construction", "insaat", "sakhtemani"),
)
_COMPANY_WORD = {w: i for i, group in enumerate(COMPANY_WORD_GROUPS) for w in group}


def same_company_word(a: str, b: str) -> bool:
    return a in _COMPANY_WORD and _COMPANY_WORD.get(a) == _COMPANY_WORD.get(b)


_INFLECTIONS = frozenset({"", "s", "es", "is", "y", "e", "a", "en", "er", "et", "ets", "ens", "na", "ar", "or", "ing"})


def compound_differs(a: str, b: str) -> bool:
    """Two words of company names of which one is the other and a word more (Handel / Handelshus, Sevzapstroj /
    Sevzapstrojinvest), or which share a long first word and end in different words (Maschinenhandel /
    Maschinenbau), are different names, unlike an inflected or mistyped word (Technology / Technologies,
    Samsong / Samsung). ``a`` and ``b`` are sound keys."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    rest_a, rest_b = a[n:], b[n:]
    if n < 4 or max(len(rest_a), len(rest_b)) < 3 or {rest_a, rest_b} <= _INFLECTIONS:
        return False
    if rest_a and rest_b:  # two endings: a compound only after a long common word (not Alphanet / Alphabet)
        return n >= 7 and min(len(rest_a), len(rest_b)) >= 3 and JaroWinkler.normalized_similarity(rest_a, rest_b) < 0.8
    return True


# Slavic surnames of one stem with endings of different families are different family names, not spellings
# (Petrović / Petrovski / Petrov, Lukashevich / Lukashenko, Kovalchuk / Kovalenko); spellings within a family
# (Petrović / Petrovic / Petrovitj, Petrov / Petrova) are left to the other rules.
_SURNAME_FAMILIES = (
    ("ic", "ich", "itj", "ici", "ovic", "evic", "ovich", "evich", "ovitj", "evitj"),
    ("enko", "enka", "ko"),
    ("uk", "chuk", "tjuk", "yuk", "iuk", "juk"),
    ("ov", "ev", "ova", "eva", "off", "ow"),
    ("ski", "sky", "skij", "skiy", "skii", "ska", "skaja", "skaya"),
    ("in", "yn", "ina", "yna"),
)
_SURNAME_ENDINGS = sorted(((e, i) for i, fam in enumerate(_SURNAME_FAMILIES) for e in fam), key=lambda p: -len(p[0]))


def _surname_family(token: str) -> tuple[str, int] | None:
    for ending, family in _SURNAME_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 4:
            return token[: -len(ending)], family
    return None


def _slavic_surnames_differ(a: str, b: str) -> bool:
    one, two = _surname_family(a), _surname_family(b)
    if one is None or two is None or one[1] == two[1]:
        return False
    (stem_a, _), (stem_b, _) = one, two
    if min(len(stem_a), len(stem_b)) < 4:
        return False
    key_a, key_b = sound_key(stem_a), sound_key(stem_b)  # Sjapoval- / Shapoval-, Zjuk- / Zhuk-: one stem
    shorter = min(len(key_a), len(key_b))
    return key_a[:shorter] == key_b[:shorter]


_CARON_LETTERS = frozenset("čćšžđ")


def _letter_left_out(a: str, b: str, raw_a: str, raw_b: str) -> bool:
    """One name has a letter with a háček or an acute (č, ć, š, ž, đ) where the other has no letter at all:
    Vučković / Vuković, Đurić / Urić are another name, not its spelling without diacritics (which keeps a
    letter in its place: Vučković / Vuckovic)."""
    for raw, other in ((raw_a, b), (raw_b, a)):
        for i, char in enumerate(raw):
            if char in _CARON_LETTERS and fold_token(anyascii(raw[:i] + raw[i + 1 :]).lower()) == other:
                return True
    return False


_KURDISH_LETTERS = {"ş": "S", "ç": "C", "x": "X", "c": "j", "j": "j", "q": "k", "k": "k", "w": "v", "g": "g"}
_KURDISH_LONG = frozenset("aoêîûâ")
_LATIN_UNITS = re.compile(r"kh|sh|ch|zh|gh|th|dh|ph|ck|ou|oo|uu|ee|ii|ei|ey|ai|ay|ie|aa|.")
_LATIN_LETTERS = {"kh": "k", "sh": "S", "ch": "C", "zh": "j", "gh": "k", "th": "t", "dh": "d", "ph": "f", "ck": "k",
                  "q": "k", "c": "k", "w": "v", "x": "k"}  # fmt: skip


def _kurdish_slots(raw: str) -> list[str]:
    """A name in Kurdish Latin orthography (Kurmanji; Hawar alphabet) as consonants and vowel slots: ``S`` a short
    vowel (e, i, u), ``L`` a long one (a, ê, î, o, û); c is j, x is kh, h or gh (written X), q is k, w is v."""
    out: list[str] = []
    for ch in raw:
        if ch in "aeiouêîûâ":
            kind = "L" if ch in _KURDISH_LONG else "S"
            if out and out[-1] in "SL":
                out[-1] = "L" if "L" in (kind, out[-1]) else "S"
            else:
                out.append(kind)
        elif ch.isalpha():
            unit = _KURDISH_LETTERS.get(ch, fold_token(anyascii(ch).lower()))
            if not (out and out[-1] == unit):
                out.append(unit)
    return out


def _latin_slots(text: str) -> list[str]:
    """A Latin (English, Arabic- or Persian-style) spelling as consonants and vowel slots: ``L`` where the
    spelling writes a long vowel (ou, ee, ei, ai …), ``V`` where it writes a vowel of unknown length."""
    out: list[str] = []
    for unit in _LATIN_UNITS.findall(text):
        if len(unit) == 2 and unit[0] in _VOWELS:
            kind = "L"
        elif unit in _VOWELS - {"y"}:
            kind = "V"
        else:
            unit = _LATIN_LETTERS.get(unit, unit)
            if not (out and out[-1] == unit):
                out.append(unit)
            continue
        if out and out[-1] in "VL":
            out[-1] = "L" if "L" in (kind, out[-1]) else "V"
        else:
            out.append(kind)
    return out


@lru_cache(maxsize=100_000)
def kurdish_match(raw: str, latin: str) -> bool:
    """Whether a token in Kurdish Latin orthography (``raw``, as written: Mihemed, Xelîl, Celal) spells the same
    name as a Latin token in English or Arabic style (Mohammed, Khalil / Halil, Jalal). Consonants correspond one
    to one (Kurmanji c = j, x = kh / h / gh, q = k, ş = sh, ç = ch, j = zh); a vowel must stand where the other
    spelling has one, and a Kurdish short vowel (e, i, u) cannot stand for a long one the other writes (ou, ei …):
    Mihemed is not Mahmoud, Hesen is Hassan and not Hussein, Kerîm is not Karimi. The Kurdish alphabet follows
    Bedirxan's Hawar alphabet (1932), as taught in Swedish mother-tongue teaching in Kurmanji."""
    one, two = _kurdish_slots(raw), _latin_slots(latin)
    if len(one) != len(two) or len(one) < 3:
        return False
    for k, e in zip(one, two, strict=True):
        if k in "SL" or e in "VL":
            if not (k in "SL" and e in "VL") or (k == "S" and e == "L"):
                return False
        elif k != e and not (k == "X" and e in "khg"):
            return False
    return True


def consonants(token: str) -> str:
    """The sound key without its vowels (Kurdish Mihemed / Mohammed, Ebdulqadir / Abdulkadir, Xebat / Khabat)."""
    key = sound_key(token)
    return _DOUBLE.sub(r"\1", re.sub(r"[aeiouy]", "", key))


# Balkan surnames in -ić of different stems are different families (Petrović / Petrić, Stojanović / Stojković,
# Ćirić / Ćorić), though they share the ending that makes them look alike.
_IC = ("ic", "itj")  # not -ich: German (Friedrich) and Russian patronymics end so too
# Swedish patronymic surnames likewise (Persson / Pettersson, Johansson / Jonsson, Svensson / Svenningsson).
_SSON = ("sson", "son")
# Persian surnames of one stem with another ending: Sadeghi / Sadeghian, Mohammadi / Mohammadpour.
_PERSIAN_FAMILIES = (("i",), ("ian", "yan"), ("pour", "pur"), ("zadeh", "zade"), ("nejad", "nezhad", "nia"), ("far",),
                     ("lou", "loo"))  # fmt: skip


def _stems_differ(a: str, b: str, endings: tuple[str, ...], min_stem: int = 2) -> bool:
    """Both tokens end in one of ``endings`` and what comes before is another name, not another spelling of it
    (Persson / Pettersson, Johansson / Jonsson, but not Jonson / Johnson or Allison / Ellison)."""
    longest_first = sorted(endings, key=len, reverse=True)
    ea = next((e for e in longest_first if a.endswith(e) and len(a) - len(e) >= min_stem), None)
    eb = next((e for e in longest_first if b.endswith(e) and len(b) - len(e) >= min_stem), None)
    if ea is None or eb is None:
        return False
    stem_a, stem_b = a[: -len(ea)], b[: -len(eb)]
    if sound_key(stem_a) == sound_key(stem_b):
        return False
    return abs(len(stem_a) - len(stem_b)) >= 2 or JaroWinkler.normalized_similarity(stem_a, stem_b) < 0.8


def _persian_differ(a: str, b: str) -> bool:
    def split(token: str) -> tuple[str, int] | None:
        for i, family in enumerate(_PERSIAN_FAMILIES):
            for e in sorted(family, key=len, reverse=True):
                if token.endswith(e) and len(token) - len(e) >= 4:
                    return token[: -len(e)], i
        return None

    one, two = split(a), split(b)
    if one is None or two is None:  # both must carry one of the endings (Cabdullaahi / Cabdullaah is a spelling)
        return False
    (stem_a, fam_a), (stem_b, fam_b) = one, two
    return fam_a != fam_b and sound_key(stem_a) == sound_key(stem_b)


def is_patronymic(token: str) -> bool:
    return len(token) > 6 and token.endswith(PATRONYMIC_SUFFIXES)


def _stem_pair(a: str, b: str, ends_a: tuple[str, ...], ends_b: tuple[str, ...], min_stem: int = 2) -> bool:
    for ea in ends_a:
        if a.endswith(ea):
            stem = a[: -len(ea)]
            if len(stem) >= min_stem and any(b == stem + eb for eb in ends_b):
                return True
    return False


@lru_cache(maxsize=200_000)
def distinguishing(a: str, b: str, raw_a: str = "", raw_b: str = "") -> str | None:
    """Why two similar tokens are nevertheless different names, or None.

    ``a`` and ``b`` are folded tokens; ``raw_a`` and ``raw_b`` the same tokens before folding (with å, ä, ö).
    Returns ``"gender"`` (Johan / Johanna, Petrov / Petrova, Kowalski / Kowalska, Mario / Maria, Michel /
    Michelle, Papadopoulos / Papadopoulou), ``"patronymic_form"`` (Andersson / Andersen, Larsson /
    Larsdotter), ``"vowel"`` (Åberg / Öberg: å, ä and ö are letters of their own) or ``"patronymic"`` (a
    given name against a patronymic: Oleksandr / Oleksandrovych).
    """
    if a == b:
        return None
    if _slavic_surnames_differ(a, b) or _stems_differ(a, b, _IC) or _letter_left_out(a, b, raw_a, raw_b):
        return "balkan"
    if _stems_differ(a, b, _SSON, 3):
        return "patronymic_form"
    if _persian_differ(a, b):
        return "persian"
    if a[:2] != b[:2]:  # the rules on equal stems cannot apply
        if _slavic_gender(a, b) or _slavic_gender(b, a):  # Sjtjerbakova / Shcherbakov
            return "gender"
        if is_patronymic(a) != is_patronymic(b) and _patronymic_of(a, b):
            return "patronymic"
        return _vowel_differs(a, b, raw_a, raw_b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3:
        if long_ in (short + "a", short + short[-1] + "a", short + "ova") or (
            short[-1] in "ln" and long_ == short + short[-1] + "e"
        ):
            return "gender"
        if short[-1] == "s" and long_ == short + "e" and len(short) >= 4:  # Louis / Louise, Denis / Denise
            return "gender"
    for male, female in ((a, b), (b, a)):  # Alexander / Alexandra, Peter / Petra
        if len(male) >= 4 and male.endswith("er") and female in (male[:-2] + "ra", male[:-2] + "ara"):
            return "gender"
    if len(a) == len(b) >= 4 and a[:-1] == b[:-1] and {a[-1], b[-1]} in ({"o", "a"}, {"s", "a"}):
        return "gender"  # Mario / Maria, Lavrovs / Lavrova
    if _stem_pair(a, b, _SLAVIC_MALE, _SLAVIC_FEMALE, 3) or _stem_pair(b, a, _SLAVIC_MALE, _SLAVIC_FEMALE, 3):
        return "gender"
    if _stem_pair(a, b, ("os",), ("ou",), 4) or _stem_pair(b, a, ("os",), ("ou",), 4):
        return "gender"
    if _slavic_gender(a, b) or _slavic_gender(b, a):
        return "gender"
    if {a, b} <= ABD_FORMS:
        return None
    son, sen = ("sson", "son"), ("sen", "ssen", "dotter", "dottir", "dottar")
    if _stem_pair(a, b, son, sen, 2) or _stem_pair(b, a, son, sen, 2):
        return "patronymic_form"
    if is_patronymic(a) != is_patronymic(b) and _patronymic_of(a, b):
        return "patronymic"
    return _vowel_differs(a, b, raw_a, raw_b)


def _patronymic_of(a: str, b: str) -> bool:
    """Whether one token is a given name and the other a patronymic formed from it (Oleksandr / Oleksandrovych,
    Aleksandr / Alexandrovitj) — not any name against any patronymic (Lindqvist / Petrovna is a surname the
    other name lacks and a patronymic the first lacks, not a difference)."""
    given, patronymic = (b, a) if is_patronymic(a) else (a, b)
    stem = next(patronymic[: -len(s)] for s in PATRONYMIC_SUFFIXES if patronymic.endswith(s))
    if len(given) > len(stem) + 2:  # Petrović is not the given name Petr: a surname of the same stem
        return False
    return JaroWinkler.normalized_similarity(sound_key(given), sound_key(stem)) >= 0.8


def _vowel_differs(a: str, b: str, raw_a: str, raw_b: str) -> str | None:
    """ "vowel" when the tokens differ in one letter only, and that is å, ä or ö in one of them (Åberg / Öberg)."""
    if raw_a and raw_b and len(a) == len(b) == len(raw_a) == len(raw_b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1 and (raw_a[diffs[0]] in "åäö" or raw_b[diffs[0]] in "åäö"):
            return "vowel"
    return None
