"""An explainable name scorer: a score in [0, 1] and the features that produced it.

Method. Both names are normalised (:mod:`normalise`) into folded tokens. Tokens are aligned one-to-one to
maximise similarity (Hungarian assignment, ``scipy.optimize.linear_sum_assignment``). Two tokens score

* 1 when equal; 0.95 when they are spellings of the same name (:func:`variants.sound_key`: Swedish,
  English and German transliteration of Russian, C/K, W/V, Ph/F …) or the same name in Somali
  orthography; 0.92 for a name of Arabic origin whose spellings differ only in short vowels; 0.90 for a
  token in Arabic script whose consonants and long vowels a Latin token spells (0.85 when that is one or
  two letters), and for an initial; 0.85 for a nickname (``data/nicknames.csv``);
* 0 when they are *different names* although alike (:func:`variants.distinguishing`: Johan / Johanna,
  Petrov / Petrova, Andersson / Andersen, Åberg / Öberg, a given name against a patronymic);
* otherwise the mean of their Jaro–Winkler and Indel similarities, of the tokens or of their sound keys
  (below 0.8 counts as no match).

Each token carries a weight — its length, damped for weak words such as "al", "von", "holding" and for
patronymics, which lists often leave out — and the score combines how much of the *shorter* name the
alignment explains (weight 0.75 for people, 0.5 for companies) and how much of the *longer* name it explains
(the rest), then applies the rules a reviewer would, each as a cap: a name part of the shorter name without
a counterpart caps at 0.7 as does a single
given name alone, a different order of names with patronymic particles (other than a rotation:
"bin Salman Mohammed"), a pair of different names (above), and for companies a distinguishing word
(Holding, Service, Bygg, a country …) in one name only and incompatible legal forms; companies whose numbers
differ ("Bygg 1 AB", "Bygg 2 AB") are capped at 0.6. The same identifier (organisation or personal number)
gives 1.0, two different identifiers veto (0.0), a birth-date conflict caps the score at 0.3 while an
agreeing birth date adds 0.1.

The default threshold (``DEFAULT_THRESHOLD``) was chosen on half of OpenSanctions' labelled name pairs
(the even rows) and is reported on the other half by ``benchmarks/matching.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise, permutations

import numpy as np
from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein
from scipy.optimize import linear_sum_assignment

from trygg.screening.matching.forms import forms_compatible
from trygg.screening.matching.normalise import (
    COUNTRY_WORDS,
    DISTINGUISHING_WORDS,
    PATRONYMIC_PARTICLES,
    WEAK_WORDS,
    Name,
    Token,
    is_company_schema,
    normalise,
)
from trygg.screening.matching.variants import (
    ABD_FORMS,
    arabic_script_match,
    arabic_skeleton,
    compound_differs,
    distinguishing,
    is_arabic_name,
    is_nickname,
    is_patronymic,
    kurdish_match,
    same_company_word,
    same_given_name,
    somali_variant,
    sound_key,
    vowel_key,
)

DEFAULT_THRESHOLD = 0.80
MIN_TOKEN_SIMILARITY = 0.80
INITIAL_SIMILARITY = 0.90
SPELLING_SIMILARITY = 0.95
ARABIC_VOWELS_SIMILARITY = 0.92
ARABIC_SCRIPT_SIMILARITY = 0.90
ARABIC_SCRIPT_SHORT_SIMILARITY = 0.85
NICKNAME_SIMILARITY = 0.85
UNEXPLAINED_CAP = 0.7
MARRIED_NAME_SCORE = 0.75  # below a hit on the names alone; the same full birth date makes it one
NUMBERS_CAP = 0.6
BIRTH_CONFLICT_CAP = 0.3

# kinds of token agreement that the explanation names (in Swedish, shown to officers)
KIND_LABELS = {
    "spelling": "stavnings- eller translittereringsvariant",
    "somali": "somalisk stavning",
    "arabic_vowels": "arabiskt namn, kortvokalerna skiljer inte",
    "arabic_script": "arabisk skrift jämförd efter konsonanterna",
    "nickname": "smeknamn",
    "initial": "initial",
    "company_word": "samma ord i bolagsnamn (trade/trading/handel …)",
    "kurdish": "kurdisk stavning, kortvokalerna skrivs annorlunda",
}
COMPANY_WORD_SIMILARITY = 0.95
DISTINGUISHING_LABELS = {
    "gender": "kvinno- och mansform",
    "balkan": "olika efternamn (-ić, -ski, -ov, -enko …)",
    "patronymic_form": "olika efternamn (-sson, -sen, -dotter)",
    "vowel": "å, ä och ö är egna bokstäver",
    "patronymic": "förnamn mot fadersnamn",
    "persian": "olika efternamn (-i, -ian, -pour, -zadeh …)",
    "given_name": "två olika kända namn",
    "compound": "olika sammansatta ord i bolagsnamnen",
}


@dataclass
class MatchResult:
    score: float
    features: dict[str, float | str | bool] = field(default_factory=dict)

    def match(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        return self.score >= threshold

    @property
    def explanation(self) -> list[str]:
        """The features as Swedish sentences, with the weights and caps that produced the score."""
        return explain(self.features)


def _strsim(a: str, b: str) -> float:
    return 0.5 * JaroWinkler.normalized_similarity(a, b) + 0.5 * Indel.normalized_similarity(a, b)


@lru_cache(maxsize=500_000)
def token_match(x: Token, y: Token) -> tuple[float, str]:
    """How alike two tokens are, and why: (similarity, kind). See the module docstring for the levels."""
    a, b = x.text, y.text
    if a == b:
        return 1.0, "same"
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0]:
            return INITIAL_SIMILARITY, "initial"
        return 0.0, "none"
    if (x.script == "arabic") != (y.script == "arabic"):
        arabic, latin = (x, y) if x.script == "arabic" else (y, x)
        skeleton = arabic_skeleton(arabic.arabic or arabic.text)
        if arabic_script_match(skeleton, latin.text):
            short = len(skeleton) <= 2
            return (ARABIC_SCRIPT_SHORT_SIMILARITY if short else ARABIC_SCRIPT_SIMILARITY), "arabic_script"
        return 0.0, "none"
    if is_nickname(a, b):
        return NICKNAME_SIMILARITY, "nickname"
    if {a, b} <= ABD_FORMS:  # Abdel Mottaleb / Abd al-Muttalib: ʿabd however it is written
        return SPELLING_SIMILARITY, "spelling"
    if not x.person and not y.person and same_company_word(a, b):
        return COMPANY_WORD_SIMILARITY, "company_word"
    reason = distinguishing(a, b, x.raw, y.raw)
    if reason:
        return 0.0, reason
    sa, sb = sound_key(a), sound_key(b)
    if sa == sb:
        return SPELLING_SIMILARITY, "spelling"
    known = same_given_name(a, b, not (x.kurdish or y.kurdish)) if x.person and y.person else None
    if known is not None:  # Gamal / Jamal are one name, Amir / Amin two (data/given_names.txt)
        if not known:
            return 0.0, "given_name"
        return SPELLING_SIMILARITY, ("somali" if somali_variant(a) or somali_variant(b) else "spelling")
    if (is_arabic_name(a) or is_arabic_name(b)) and vowel_key(a) == vowel_key(b):
        return ARABIC_VOWELS_SIMILARITY, "arabic_vowels"
    if x.kurdish != y.kurdish:  # one name in Kurdish orthography, the other in English or Arabic style
        kurdish, other = (x, y) if x.kurdish else (y, x)
        if kurdish_match(kurdish.raw, other.text):
            return ARABIC_VOWELS_SIMILARITY, "kurdish"
    va, vb = (somali_variant(a), somali_variant(b)) if x.person and y.person else (None, None)
    if va or vb:
        sva, svb = va or a, vb or b
        if sva == svb or sound_key(sva) == sound_key(svb):
            return SPELLING_SIMILARITY, "somali"
        if (is_arabic_name(sva) or is_arabic_name(svb)) and vowel_key(sva) == vowel_key(svb):
            return ARABIC_VOWELS_SIMILARITY, "somali"
        s, kind = _fuzzy(max(_strsim(a, b), _strsim(sva, svb) - 0.02), True)
        return s, ("somali" if kind == "similar" and _strsim(sva, svb) - 0.02 > _strsim(a, b) else kind)
    if not x.person and not y.person and compound_differs(sa, sb):
        return 0.0, "compound"
    s = max(_strsim(a, b), _strsim(sa, sb) - 0.03)
    return _fuzzy(s, x.person and y.person)


FUZZY_STRETCH = {True: 1.0, False: 1.0}  # how much a near miss below 1 costs, for people and for companies


def _fuzzy(s: float, person: bool) -> tuple[float, str]:
    """A near spelling (Jaro–Winkler/Indel) counts less the further it is from equal."""
    s = 1.0 - FUZZY_STRETCH[person] * (1.0 - s)
    return (s, "similar") if s >= MIN_TOKEN_SIMILARITY else (0.0, "none")


def token_similarity(a: str, b: str) -> float:
    """Similarity of two folded Latin tokens (kept for callers of the earlier interface)."""
    return token_match(Token(a, a, "latin", a), Token(b, b, "latin", b))[0]


def token_weight(token: str, script: str = "latin") -> float:
    """A token's weight: its length (Arabic script, written without short vowels, counts half again), damped
    for weak words and patronymics."""
    if len(token) == 1:
        return 0.5
    length = len(token) * 1.5 if script == "arabic" else len(token)
    base = min(length, 8) / 8 + 0.5
    if token in WEAK_WORDS:
        return base * 0.25
    if is_patronymic(token):
        return base * 0.4
    return base


@dataclass(frozen=True)
class Alignment:
    covered_short: float
    covered_long: float
    matched: int
    unexplained: int  # strong tokens of the shorter name with no counterpart
    in_order: bool  # the matched tokens keep their order (up to a rotation of the whole name)
    strong_matched: int = 0
    kinds: tuple[tuple[str, str, str], ...] = ()  # (kind, token of a, token of b) of the matched pairs
    different: tuple[tuple[str, str, str], ...] = ()  # (reason, token, token) of unmatched look-alikes
    unmatched: tuple[str, ...] = ()  # tokens of either name without a counterpart
    unmatched_initials_both: bool = False  # each name has an initial without a counterpart
    unmatched_short: tuple[str, ...] = ()
    unmatched_long: tuple[str, ...] = ()


_FULL_WEIGHT_KINDS = frozenset({"nickname", "arabic_script", "company_word"})


def _is_rotation_of_increasing(order: list[int]) -> bool:
    if len(order) < 2:
        return True
    k = order.index(min(order))
    rotated = order[k:] + order[:k]
    return all(p < q for p, q in pairwise(rotated))


def _assign(sim: list[list[float]]) -> tuple[list[int], list[int]]:
    """The one-to-one assignment of rows to columns with the largest total similarity: by trying every one
    for small names (at most 60), by the Hungarian method (``linear_sum_assignment``) for longer ones."""
    n, m = len(sim), len(sim[0])
    if n <= 3 and m <= 5:
        best_cols: tuple[int, ...] = ()
        best_total = -1.0
        for perm in permutations(range(m), n):
            total = sum(sim[i][j] for i, j in enumerate(perm))
            if total > best_total + 1e-12:
                best_total, best_cols = total, perm
        return list(range(n)), list(best_cols)
    rows, cols = linear_sum_assignment(-np.array(sim))
    return [int(r) for r in rows], [int(c) for c in cols]


def _align(a: Name, b: Name) -> Alignment:
    """How the best one-to-one token alignment explains the shorter and the longer name."""
    swap = len(a.info) > len(b.info)
    short, long_ = (b.info, a.info) if swap else (a.info, b.info)
    if not short or not long_:
        return Alignment(0.0, 0.0, 0, len(short), True)
    cells = [[token_match(s, t) for t in long_] for s in short]
    # identical parts pair first: "Anders Andersson" / "Anders Andersen" is Anders with two different surnames,
    # not Anders ~ Andersen and Andersson ~ Anders, which the highest total similarity alone would choose
    rows, cols = _assign([[c[0] + (1.0 if c[1] == "same" else 0.0) for c in row] for row in cells])
    ws = [token_weight(t.text, t.script) for t in short]
    wl = [token_weight(t.text, t.script) for t in long_]
    matched = [cells[r][c][0] for r, c in zip(rows, cols, strict=True)]
    for r, c in zip(rows, cols, strict=True):
        if cells[r][c][1] in _FULL_WEIGHT_KINDS:  # "Ted" stands for all of "Theodore", "محمد" for "Mohammed"
            ws[r] = wl[c] = max(ws[r], wl[c])
    # a pair counts with the lighter of its two weights (a weak word cannot stand in for a strong one)
    explained_weight = sum(m * min(ws[r], wl[c]) for r, c, m in zip(rows, cols, matched, strict=True))
    covered_short = explained_weight / sum(ws)
    covered_long = explained_weight / sum(wl)
    explained = {int(r) for r, m in zip(rows, matched, strict=True) if m > 0}
    explained_long = {int(c) for c, m in zip(cols, matched, strict=True) if m > 0}
    unexplained = sum(
        1 for i, t in enumerate(short) if i not in explained and len(t.text) > 1 and t.text not in WEAK_WORDS
    )
    strong = sum(
        1
        for r, m in zip(rows, matched, strict=True)
        if m > 0 and len(short[r].text) > 1 and short[r].text not in WEAK_WORDS
    )
    kinds = []
    for r, c, m in zip(rows, cols, matched, strict=True):
        kind = cells[r][c][1]
        if m > 0 and kind in KIND_LABELS:
            x, y = (long_[c], short[r]) if swap else (short[r], long_[c])
            kinds.append((kind, x.original, y.original))
    different = []
    for i, s in enumerate(short):
        if i in explained:
            continue
        for j, t in enumerate(long_):
            if j not in explained_long and cells[i][j][1] in DISTINGUISHING_LABELS:
                x, y = (t, s) if swap else (s, t)
                different.append((cells[i][j][1], x.original, y.original))
                break
    unmatched = tuple(
        [t.text for i, t in enumerate(short) if i not in explained]
        + [t.text for j, t in enumerate(long_) if j not in explained_long]
    )
    both = any(len(t.text) == 1 for i, t in enumerate(short) if i not in explained) and any(
        len(t.text) == 1 for j, t in enumerate(long_) if j not in explained_long
    )
    order = [int(c) for r, c, m in sorted(zip(rows, cols, matched, strict=True)) if m > 0]
    return Alignment(
        covered_short,
        covered_long,
        sum(1 for m in matched if m > 0),
        unexplained,
        _is_rotation_of_increasing(order),
        strong,
        tuple(kinds),
        tuple(different),
        unmatched,
        both,
        tuple(t.text for i, t in enumerate(short) if i not in explained),
        tuple(t.text for j, t in enumerate(long_) if j not in explained_long),
    )


def married_name(al: Alignment) -> str:
    """``Lindqvist – Petrovna`` when the only parts without a counterpart are one surname on one side and one
    patronymic on the other, with a given name and a surname matched: a married woman's double surname
    ("Anna Lindqvist-Kuznetsova") against a list's full Russian name ("KUZNETSOVA, Anna Petrovna"). Lists add
    patronymics and Swedish documents add a husband's name; neither is a difference. Empty otherwise."""
    if al.strong_matched < 2 or al.different:
        return ""
    for extra, patronymic in ((al.unmatched_short, al.unmatched_long), (al.unmatched_long, al.unmatched_short)):
        if len(extra) == 1 and len(patronymic) == 1 and is_patronymic(patronymic[0]) and not is_patronymic(extra[0]):
            return f"{extra[0].capitalize()} – {patronymic[0].capitalize()}"
    return ""


def _forms_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    return forms_compatible(a, b)


def compare(
    name1: str,
    name2: str,
    schema: str = "Person",
    *,
    id1: str | None = None,
    id2: str | None = None,
    birth1: str | None = None,
    birth2: str | None = None,
) -> MatchResult:
    """Score how likely two names (with optional identifiers and birth dates) denote the same entity."""
    features: dict[str, float | str | bool] = {}
    if id1 and id2:
        if id1 == id2:
            return MatchResult(1.0, {"identifier": "same"})
        features["identifier"] = "different"
        return MatchResult(0.0, features)
    company = is_company_schema(schema)
    a, b = normalise(name1, company), normalise(name2, company)
    ordered = company or not (set(a.tokens) | set(b.tokens)) & PATRONYMIC_PARTICLES
    letters = all(len(t) == 1 for t in a.tokens + b.tokens)  # "A.B.C.": an acronym, its order matters
    if (
        (a.tokens == b.tokens and a.tokens)
        or (ordered and not letters and a.key == b.key and a.tokens)
        or (a.joined and a.joined == b.joined)
    ):
        score = 1.0
        features["same_normalised_name"] = True
    else:
        al = _align(a, b)
        weight_short = 0.5 if company else 0.75
        score = weight_short * al.covered_short + (1 - weight_short) * al.covered_long
        features |= {
            "coverage_shorter": round(al.covered_short, 3),
            "coverage_longer": round(al.covered_long, 3),
            "tokens_matched": al.matched,
            "weight_shorter": weight_short,
        }
        for kind in KIND_LABELS:
            pairs = [f"{x} – {y}" for k, x, y in al.kinds if k == kind]
            if pairs:
                features[kind] = f"{'; '.join(pairs)} ({KIND_LABELS[kind]})"
        if al.different:
            features["distinguishing"] = "; ".join(
                f"{x} ≠ {y} ({DISTINGUISHING_LABELS[r]})" for r, x, y in al.different
            )
        joined = _strsim(a.joined, b.joined)
        parts = sorted(len([t for t in n.tokens if t != "din"]) for n in (a, b))  # Shamsuddin is one name
        single = not company and parts[0] == 1 and parts[1] > 1
        if (
            len(a.tokens) != len(b.tokens)
            and joined >= 0.93
            and joined > score
            and Levenshtein.distance(a.joined, b.joined) <= 2
        ):  # "RamiMakhlouf", "Patr ushev"
            score = joined
            features["joined_similarity"] = round(joined, 3)
        else:
            married = married_name(al)
            if married:  # a double surname against a patronymic: each name has a part the other leaves out
                features["married_name"] = married
                score = max(score, MARRIED_NAME_SCORE)
            elif al.different:
                score = min(score, UNEXPLAINED_CAP)
            elif al.unexplained:
                score = min(score, UNEXPLAINED_CAP)
                features["unexplained_tokens"] = al.unexplained
            if single:
                score = min(score, UNEXPLAINED_CAP)
                features["single_name"] = True
        initials = [t for t in al.unmatched if len(t) == 1]
        if initials and (letters or al.unmatched_initials_both):  # "A.B.C." / "N.A.B.C."; "William G." / "William W."
            score = min(score, UNEXPLAINED_CAP)
            features["initials_differ"] = ", ".join(sorted(set(initials))).upper()
        if not ordered and not al.in_order:
            score = min(score, UNEXPLAINED_CAP)
            features["patronymic_order_differs"] = True
        if company:
            branch = "filial" in a.forms | b.forms  # "Danske Bank A/S Filial Sverige" is Danske Bank A/S
            words = sorted(
                {t for t in al.unmatched if t in DISTINGUISHING_WORDS or (t in COUNTRY_WORDS and not branch)}
            )
            if words:
                score = min(score, UNEXPLAINED_CAP)
                features["distinguishing_words"] = ", ".join(words)
    if company:
        if sorted(a.numbers) != sorted(b.numbers) and (a.numbers or b.numbers):
            score = min(score, NUMBERS_CAP)
            features["numbers_differ"] = True
        if not _forms_compatible(a.forms, b.forms):
            score = min(score, UNEXPLAINED_CAP)
            features["legal_forms_differ"] = f"{'/'.join(sorted(a.forms))} vs {'/'.join(sorted(b.forms))}"
    if birth1 and birth2:
        if birth1 == birth2 and len(birth1) == 10:  # the same full date; one year is shared by too many
            score = min(1.0, score + 0.1)
            features["birth_date"] = "same"
        elif birth1 == birth2:
            features["birth_date"] = "same_year"
        elif birth1[:4] != birth2[:4] or len(birth1) == len(birth2):
            score = min(score, BIRTH_CONFLICT_CAP)
            features["birth_date"] = "different"
    return MatchResult(round(float(score), 4), features)


def _pct(value: float | str | bool) -> str:
    return f"{100 * float(value):.0f} %"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(",.").replace(".", ",")


def explain(features: dict) -> list[str]:
    """Swedish sentences for the features of a :class:`MatchResult` (what counted, with which weight)."""
    out: list[str] = []
    f = features
    if f.get("identifier") == "same":
        out.append("Samma identitetsnummer: poäng 1,0.")
    elif f.get("identifier") == "different":
        out.append("Olika identitetsnummer: poäng 0.")
    if f.get("same_normalised_name"):
        out.append("Samma namn efter normalisering (skiftläge, accenter, å/ä/ö, bolagsform, ordföljd): poäng 1,0.")
    if "coverage_shorter" in f:
        ws = float(f.get("weight_shorter", 0.75))
        out.append(
            f"Namnleden stämmer till {_pct(f['coverage_shorter'])} av det kortare namnet (vikt {_num(ws)}) och "
            f"{_pct(f['coverage_longer'])} av det längre (vikt {_num(1 - ws)})."
        )
    similarity = {
        "spelling": SPELLING_SIMILARITY,
        "somali": SPELLING_SIMILARITY,
        "arabic_vowels": ARABIC_VOWELS_SIMILARITY,
        "arabic_script": ARABIC_SCRIPT_SIMILARITY,
        "nickname": NICKNAME_SIMILARITY,
        "initial": INITIAL_SIMILARITY,
    }
    for kind, value in similarity.items():
        if kind in f:
            out.append(f"{KIND_LABELS[kind].capitalize()}: {f[kind]}; räknas som {_num(value)} av lika namnled.")
    if "distinguishing" in f:
        out.append(f"Olika namn trots likheten: {f['distinguishing']}; taket är 0,7.")
    if "married_name" in f:
        out.append(f"Dubbelt efternamn mot fadersnamn ({f['married_name']}): vart och ett saknas i det andra namnet "
                   "utan att säga emot det; minst 0,75.")  # fmt: skip
    if "distinguishing_words" in f:
        out.append(f"Ord som skiljer bolag åt finns bara i det ena namnet: {f['distinguishing_words']}; taket är 0,7.")
    if "unexplained_tokens" in f:
        out.append(f"{f['unexplained_tokens']} namnled i det kortare namnet saknar motsvarighet; taket är 0,7.")
    if f.get("single_name"):
        out.append("Bara ett namnled i det ena namnet; taket är 0,7.")
    if "initials_differ" in f:
        out.append(f"Initialer utan motsvarighet ({f['initials_differ']}); taket är 0,7.")
    if "joined_similarity" in f:
        out.append(f"Namnen ihopskrivna liknar varandra till {_pct(f['joined_similarity'])}.")
    if f.get("patronymic_order_differs"):
        out.append("Namnleden kring bin/ibn står i annan ordning; taket är 0,7.")
    if f.get("numbers_differ"):
        out.append("Numren i bolagsnamnen skiljer sig; taket är 0,6.")
    if "legal_forms_differ" in f:
        out.append(f"Bolagsformerna går inte ihop ({f['legal_forms_differ']}); taket är 0,7.")
    if f.get("birth_date") == "same":
        out.append("Samma födelsedatum: +0,1.")
    elif f.get("birth_date") == "different":
        out.append("Olika födelsedatum: taket är 0,3.")
    return out
