"""Safety-survey indices on the 0–6 scale of the Swedish Police's trygghetsmätning.

Each answer is coded 0, 2, 4 or 6 (no problem / small / fairly big / very big problem; very safe / fairly
safe / fairly unsafe / very unsafe; never / sometimes / fairly often / very often worried); "don't know" and
"never go out" are missing. A respondent's index is the mean of their coded answers on the index's items,
when at least half of them are answered; a group's index is the mean over respondents, with a 95 % interval
from the t distribution. Groups with fewer than ``min_n`` respondents are not reported (default 15), so that
no small group can be singled out. Change between waves is the difference of the group means with Welch's
interval and test.

Reference: Polismyndigheten, *Trygghetsmätningen — metod och frågor* (indices on the 0–6 scale);
Brå, *Nationella trygghetsundersökningen* (question wording on worry and safety outdoors at night).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

SCALE_MAX = 6.0
MIN_N = 15


def respondent_index(answers: Mapping[str, float | None], items: Sequence[str]) -> float | None:
    values = [answers.get(item) for item in items]
    given = [float(v) for v in values if v is not None]
    if len(given) * 2 < len(items) or not given:
        return None
    return float(np.mean(given))


@dataclass(frozen=True)
class GroupIndex:
    n: int
    mean: float | None
    low: float | None
    high: float | None
    suppressed: bool  # fewer than min_n respondents: not shown


def group_index(values: Sequence[float], min_n: int = MIN_N) -> GroupIndex:
    x = np.asarray([v for v in values if v is not None], float)
    n = int(x.size)
    if n < min_n:
        return GroupIndex(n, None, None, None, True)
    mean = float(x.mean())
    if n < 2 or x.std(ddof=1) == 0:
        return GroupIndex(n, mean, mean, mean, False)
    half = float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return GroupIndex(n, mean, max(0.0, mean - half), min(SCALE_MAX, mean + half), False)


@dataclass(frozen=True)
class Change:
    difference: float | None
    low: float | None
    high: float | None
    p_value: float | None


def change_between_waves(before: Sequence[float], after: Sequence[float], min_n: int = MIN_N) -> Change:
    a = np.asarray([v for v in before if v is not None], float)
    b = np.asarray([v for v in after if v is not None], float)
    if a.size < min_n or b.size < min_n:
        return Change(None, None, None, None)
    diff = float(b.mean() - a.mean())
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(np.sqrt(va + vb))
    if se == 0:
        return Change(diff, diff, diff, 1.0 if diff == 0 else 0.0)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(stats.t.ppf(0.975, df) * se)
    p = float(stats.ttest_ind(b, a, equal_var=False).pvalue)
    return Change(diff, diff - half, diff + half, p)
