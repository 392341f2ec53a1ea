"""Legal forms and number words in company names.

Swedish forms follow Bolagsverket's list of company and association forms ("Företagsformer",
bolagsverket.se, and the form codes of its register: AB, publikt AB, bankaktiebolag,
försäkringsaktiebolag, HB, KB, enskild näringsidkare, ekonomisk förening, bostadsrättsförening,
bostadsförening, kooperativ hyresrättsförening, sambruksförening, ideell förening, stiftelse, filial,
sparbank, medlemsbank, ömsesidigt försäkringsbolag, försäkringsförening, understödsförening, europabolag,
europakooperativ, europeisk ekonomisk intressegruppering, EGTS). Foreign forms are the common ones on
sanctions and company lists (ISO 20275's entity legal forms for the countries Swedish licensing meets most).

Keys are folded the way :func:`trygg.screening.matching.normalise.fold_token` folds (å, ä → a; ö → o),
several words separated by single spaces; the value is the canonical form. Compatible canonical forms
(``COMPATIBLE_FORMS``) do not make two names different: "AB" and "publikt aktiebolag" are both
aktiebolag, an HB and a KB are both partnerships; a "filial" (a foreign company's Swedish branch) is the
company itself. A Finnish Oy is not a Swedish AB (another legal person, though Finland's Swedish name for an Oy is
"Ab"), and a UAE free zone establishment (FZE) is not a free zone company (FZCO).
"""

from __future__ import annotations

import re

LEGAL_FORMS: dict[str, str] = {
    # --- Swedish (Bolagsverket) ---
    "aktiebolag": "ab",
    "aktiebolaget": "ab",
    "ab": "ab",
    "publ": "ab",
    "ab publ": "ab",
    "publikt aktiebolag": "ab",
    "bankaktiebolag": "ab",
    "bankaktiebolaget": "ab",
    "forsakringsaktiebolag": "ab",
    "forsakringsaktiebolaget": "ab",
    "handelsbolag": "hb",
    "handelsbolaget": "hb",
    "hb": "hb",
    "kommanditbolag": "kb",
    "kommanditbolaget": "kb",
    "kb": "kb",
    "enskild firma": "ef",
    "enskild naringsidkare": "ef",
    "enskilda firman": "ef",
    "ekonomisk forening": "ek",
    "ekonomiska foreningen": "ek",
    "ek for": "ek",
    "ekforening": "ek",
    "ekonomisk": "ek",
    "ef": "ef",
    "bostadsrattsforening": "brf",
    "bostadsrattsforeningen": "brf",
    "brf": "brf",
    "bostadsforening": "bf",
    "bostadsforeningen": "bf",
    "kooperativ hyresrattsforening": "khf",
    "kooperativa hyresrattsforeningen": "khf",
    "sambruksforening": "sbf",
    "sambruksforeningen": "sbf",
    "ideell forening": "if",
    "ideella foreningen": "if",
    "forsakringsforening": "ff",
    "understodsforening": "uf",
    "stiftelse": "stiftelse",
    "stiftelsen": "stiftelse",
    "familjestiftelse": "stiftelse",
    "filial": "filial",
    "filialen": "filial",
    "sparbank": "sparbank",
    "sparbanken": "sparbank",
    "medlemsbank": "medlemsbank",
    "omsesidigt forsakringsbolag": "ofb",
    "omsesidiga forsakringsbolaget": "ofb",
    "europabolag": "se",
    "europabolaget": "se",
    "europakooperativ": "sce",
    "sce": "sce",
    "europeisk ekonomisk intressegruppering": "eeig",
    "europeiska ekonomiska intressegrupperingen": "eeig",
    "eeig": "eeig",
    "egts": "egts",
    "europeisk gruppering for territoriellt samarbete": "egts",
    # --- English-speaking ---
    "limited": "ltd",
    "ltd": "ltd",
    "private limited": "ltd",
    "pvt ltd": "ltd",
    "pty ltd": "ltd",
    "pte ltd": "ltd",
    "co ltd": "ltd",
    "plc": "plc",
    "p l c": "plc",
    "public limited company": "plc",
    "llc": "llc",
    "l l c": "llc",
    "limited liability company": "llc",
    "pllc": "llc",
    "inc": "inc",
    "incorporated": "inc",
    "corp": "corp",
    "corporation": "corp",
    "co": "co",
    "company": "co",
    "lp": "lp",
    "limited partnership": "lp",
    "llp": "llp",
    "limited liability partnership": "llp",
    "pte": "pte",
    "pty": "pty",
    # --- German, Dutch, Nordic ---
    "gmbh": "gmbh",
    "g m b h": "gmbh",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "gesellschaft mbh": "gmbh",
    "ag": "ag",
    "aktiengesellschaft": "ag",
    "kg": "kg",
    "kommanditgesellschaft": "kg",
    "ohg": "ohg",
    "ug": "ug",
    "e v": "ev",
    "bv": "bv",
    "b v": "bv",
    "nv": "nv",
    "n v": "nv",
    "bvba": "bvba",
    "oy": "oy",
    "oyj": "oy",
    "oy ab": "oy",
    "as": "as",
    "asa": "as",
    "a s": "as",
    "aps": "aps",
    "ivs": "aps",
    "k s": "ks",
    "i s": "is",
    "hf": "hf",
    "ehf": "ehf",
    "ou": "ou",
    "uab": "uab",
    "sia": "sia",
    # --- Romance ---
    "sa": "sa",
    "s a": "sa",
    "sarl": "sarl",
    "s a r l": "sarl",
    "sas": "sas",
    "s a s": "sas",
    "sasu": "sas",
    "eurl": "sarl",
    "srl": "srl",
    "s r l": "srl",
    "spa": "spa",
    "s p a": "spa",
    "sl": "sl",
    "s l": "sl",
    "slu": "sl",
    "ltda": "ltda",
    "sa de cv": "sa",
    # --- Central and eastern Europe, former USSR ---
    "sp z o o": "spzoo",
    "spzoo": "spzoo",
    "s r o": "sro",
    "sro": "sro",
    "kft": "kft",
    "zrt": "zrt",
    "d o o": "doo",
    "doo": "doo",
    "societatea cu raspundere limitata": "srl",
    "ooo": "ooo",
    "o o o": "ooo",
    "obshchestvo s ogranichennoi otvetstvennostiu": "ooo",
    "obshchestvo s ogranichennoy otvetstvennostyu": "ooo",
    "obshchestvo s ogranichennoi otvetstvennost yu": "ooo",
    "obshchestvo s ogranichennoi otvetstvennostyu": "ooo",
    "tov": "ooo",
    "zao": "zao",
    "oao": "oao",
    "pao": "pao",
    "ao": "jsc",
    "jsc": "jsc",
    "ojsc": "jsc",
    "cjsc": "jsc",
    "pjsc": "jsc",
    "joint stock company": "jsc",
    "open joint stock company": "jsc",
    "closed joint stock company": "jsc",
    "public joint stock company": "jsc",
    "aktsionernoe obshchestvo": "jsc",
    "ano": "ano",
    "avtonomnaya nekommercheskaya organizatsiya": "ano",
    "se": "se",
    # --- Middle East and Asia ---
    "fze": "fze",  # free zone establishment (UAE): one shareholder
    "fzco": "fzco",  # free zone company: several shareholders, another legal form
    "fzc": "fzco",
    "fz llc": "llc",
    "wll": "llc",
    "w l l": "llc",
    "sherkat": "co",  # Persian شرکت, company
    # --- Turkish (Türk Ticaret Kanunu) ---
    "limited sirketi": "ltd",
    "ltd sti": "ltd",
    "anonim sirketi": "as",
    "sdn bhd": "sdnbhd",
    "bhd": "bhd",
    "kk": "kk",
    "tbk": "tbk",
}

COMPATIBLE_FORMS: list[set[str]] = [
    {"ab"},
    {"hb", "kb"},
    {"ek", "brf", "bf", "khf", "sbf"},
    {"ltd", "plc", "co", "corp", "inc", "llc", "ooo", "pte", "pty"},
    {"ag", "se"},
    {"gmbh", "kg", "ug"},
    {"jsc", "oao", "zao", "pao", "corp", "co"},
    {"sarl", "sas", "sa"},
]
WILDCARD_FORMS = frozenset({"filial"})  # a branch is the company itself, whatever its form at home

FORM_PATTERN = re.compile(
    r"(?<![a-z0-9])(" + "|".join(sorted((re.escape(k) for k in LEGAL_FORMS), key=len, reverse=True)) + r")(?![a-z0-9])"
)
# "Byggaktiebolaget Norrland", "Fastighetsaktiebolag": a legal form written together with a word before it
COMPOUND_FORM = re.compile(
    r"(?<![a-z0-9])([a-z]{3,}?)s?(aktiebolag(?:et)?|bostadsrattsforening(?:en)?|stiftelsen?|handelsbolag(?:et)?)"
    r"(?![a-z0-9])"
)
# the long form words, for typos and truncations ("Aktiengeselschaft", "JOINT STOCK COMPAN")
LONG_FORM_WORDS = tuple(sorted(k for k in LEGAL_FORMS if " " not in k and len(k) >= 7))


def forms_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sets of canonical legal forms can belong to the same company (empty: unknown, yes)."""
    if not a or not b or a & b or (a | b) & WILDCARD_FORMS:
        return True
    return any(x in group and y in group for group in COMPATIBLE_FORMS for x in a for y in b)


NUMBER_WORDS: dict[str, int] = {
    # English
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    # Swedish (folded: två → tva, åtta → atta, första → forsta)
    "noll": 0,
    "ett": 1,
    "en": 1,
    "tva": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "atta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "tretton": 13,
    "fjorton": 14,
    "femton": 15,
    "sexton": 16,
    "sjutton": 17,
    "arton": 18,
    "nitton": 19,
    "tjugo": 20,
    "trettio": 30,
    "fyrtio": 40,
    "femtio": 50,
    "sextio": 60,
    "sjuttio": 70,
    "attio": 80,
    "nittio": 90,
    "hundra": 100,
    "forsta": 1,
    "andra": 2,
    "tredje": 3,
    "fjarde": 4,
    "femte": 5,
    "sjatte": 6,
    "sjunde": 7,
    "attonde": 8,
    "nionde": 9,
    "tionde": 10,
}
TENS = frozenset({20, 30, 40, 50, 60, 70, 80, 90})
_SWEDISH_TENS = {k: v for k, v in NUMBER_WORDS.items() if v in TENS and k.endswith(("o", "io"))}
_UNITS = {k: v for k, v in NUMBER_WORDS.items() if 1 <= v <= 9 and k not in {"en", "andra", "first", "second"}}
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th|e|a)$")  # 1st, 2nd, 3:e → "3e", 1:a → "1a"
ROMAN = {
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "xi": 11,
    "xii": 12,
    "xiii": 13,
    "xiv": 14,
    "xv": 15,
    "xvi": 16,
    "xvii": 17,
    "xviii": 18,
    "xix": 19,
    "xx": 20,
}  # "vi" (Swedish "we") and "x" / "v" / "i" are left as words


def number_value(token: str, upper: bool = False) -> int | None:
    """The number a company-name token stands for ("44", "fyrtiofyra", "3rd", "III" in capitals), else None."""
    if token.isdigit():
        return int(token)
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    m = _ORDINAL_DIGITS.match(token)
    if m:
        return int(m.group(1))
    if upper and token in ROMAN:
        return ROMAN[token]
    for tens_word, tens in _SWEDISH_TENS.items():  # "tjugoett", "fyrtiofyra"
        rest = token.removeprefix(tens_word)
        if rest != token and rest in _UNITS:
            return tens + _UNITS[rest]
    return None
