"""An explainable name scorer: a score in [0, 1] and the features that produced it.

Method. Both names are normalised (:mod:`normalise`) into folded tokens. Tokens are aligned one-to-one to
maximise similarity (Hungarian assignment, ``scipy.optimize.linear_sum_assignment``), where two tokens
score 1 when equal, 0.9 when one is the other's initial, and their Jaro–Winkler similarity otherwise
(below 0.8 counts as no match). Each token carries a weight — its length, damped for weak words such as
"al", "von", "holding" — and the score combines

* how much of the *shorter* name the alignment explains (weight 0.75), and
* how much of the *longer* name it explains (weight 0.25),

then applies the rules a reviewer would: a single given name alone is weak evidence (capped at 0.7);
companies whose numbers differ ("Bygg 1 AB", "Bygg 2 AB") or whose legal forms are incompatible are
capped; the same identifier (organisation or personal number) gives 1.0, two different valid identifiers
of the same kind veto (0.0), and a birth-date conflict caps the score at 0.3 while an agreeing birth date
adds 0.1.

The default threshold (``DEFAULT_THRESHOLD``) was chosen on half of OpenSanctions' labelled name pairs
(``case_group`` in the odd positions) and is reported on all of them by ``benchmarks/matching.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import Indel, JaroWinkler
from scipy.optimize import linear_sum_assignment

from trygg.screening.matching.normalise import (
    PATRONYMIC_PARTICLES,
    WEAK_WORDS,
    Name,
    is_company_schema,
    normalise,
)

DEFAULT_THRESHOLD = 0.80
MIN_TOKEN_SIMILARITY = 0.80
INITIAL_SIMILARITY = 0.90
COMPATIBLE_FORMS = [
    {"ab"},
    {"hb", "kb"},
    {"ltd", "plc", "co", "corp", "inc", "llc", "ooo"},
    {"ag", "se"},
    {"gmbh"},
    {"jsc", "oao", "zao", "pao", "corp", "co"},
    {"sarl", "sas", "sa"},
]
UNEXPLAINED_CAP = 0.7


@dataclass
class MatchResult:
    score: float
    features: dict[str, float | str | bool] = field(default_factory=dict)

    def match(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        return self.score >= threshold


def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_SIMILARITY if a[0] == b[0] else 0.0
    s = 0.5 * JaroWinkler.normalized_similarity(a, b) + 0.5 * Indel.normalized_similarity(a, b)
    return s if s >= MIN_TOKEN_SIMILARITY else 0.0


def token_weight(token: str) -> float:
    if len(token) == 1:
        return 0.5
    base = min(len(token), 8) / 8 + 0.5
    return base * (0.25 if token in WEAK_WORDS else 1.0)


@dataclass(frozen=True)
class Alignment:
    covered_short: float
    covered_long: float
    matched: int
    unexplained: int  # strong tokens of the shorter name with no counterpart
    in_order: bool  # the matched tokens keep their order


def _align(a: Name, b: Name) -> Alignment:
    """How the best one-to-one token alignment explains the shorter and the longer name."""
    short, long_ = (a.tokens, b.tokens) if len(a.tokens) <= len(b.tokens) else (b.tokens, a.tokens)
    if not short or not long_:
        return Alignment(0.0, 0.0, 0, len(short), True)
    sim = np.array([[token_similarity(s, t) for t in long_] for s in short])
    rows, cols = linear_sum_assignment(-sim)
    ws = np.array([token_weight(t) for t in short])
    wl = np.array([token_weight(t) for t in long_])
    matched = sim[rows, cols]
    # a pair counts with the lighter of its two weights (a weak word cannot stand in for a strong one)
    pair_weight = np.minimum(ws[rows], wl[cols])
    covered_short = float((matched * pair_weight).sum() / ws.sum())
    covered_long = float((matched * pair_weight).sum() / wl.sum())
    explained = set(rows[matched > 0].tolist())
    unexplained = sum(1 for i, t in enumerate(short) if i not in explained and len(t) > 1 and t not in WEAK_WORDS)
    order = cols[matched > 0]
    return Alignment(
        covered_short, covered_long, int((matched > 0).sum()), unexplained, bool(np.all(np.diff(order) > 0))
    )


def _forms_compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b or a & b:
        return True
    return any(x in group and y in group for group in COMPATIBLE_FORMS for x in a for y in b)


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
    if (
        (a.tokens == b.tokens and a.tokens)
        or (ordered and a.key == b.key and a.tokens)
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
        }
        joined = 0.5 * JaroWinkler.normalized_similarity(a.joined, b.joined) + 0.5 * Indel.normalized_similarity(
            a.joined, b.joined
        )
        if len(a.tokens) != len(b.tokens) and joined >= 0.93 and joined > score:  # "RamiMakhlouf", "Patr ushev"
            score = joined
            features["joined_similarity"] = round(joined, 3)
        elif al.unexplained:
            score = min(score, UNEXPLAINED_CAP)
            features["unexplained_tokens"] = al.unexplained
        if not ordered and not al.in_order:
            score = min(score, UNEXPLAINED_CAP)
            features["patronymic_order_differs"] = True
        if not company and min(len(a.tokens), len(b.tokens)) == 1 and max(len(a.tokens), len(b.tokens)) > 1:
            score = min(score, 0.7)
            features["single_name"] = True
    if company:
        if sorted(a.numbers) != sorted(b.numbers) and (a.numbers or b.numbers):
            score = min(score, 0.6)
            features["numbers_differ"] = True
        if not _forms_compatible(a.forms, b.forms):
            score = min(score, 0.7)
            features["legal_forms_differ"] = f"{'/'.join(sorted(a.forms))} vs {'/'.join(sorted(b.forms))}"
    if birth1 and birth2:
        if birth1 == birth2:
            score = min(1.0, score + 0.1)
            features["birth_date"] = "same"
        elif birth1[:4] != birth2[:4] or len(birth1) == len(birth2):
            score = min(score, 0.3)
            features["birth_date"] = "different"
    return MatchResult(round(float(score), 4), features)
