"""How concentrated incidents are among places — the "law of crime concentration".

References
----------
* Weisburd, D. (2015). The law of crime concentration and the criminology of place. Criminology 53(2),
  133–157 (share of incidents in the top 1, 5, 10 % of places).
* Bernasco, W. & Steenbeek, W. (2017). More places than crimes: implications for evaluating the law of crime
  concentration at place. Journal of Quantitative Criminology 33, 451–467 (the generalised Gini for when
  there are fewer incidents than places).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Concentration:
    cells: int
    incidents: float
    top_shares: dict[float, float]  # share of cells (0.01, 0.05, 0.10) -> share of incidents
    gini: float
    gini_generalised: float
    lorenz_x: np.ndarray  # cumulative share of cells (most incidents first)
    lorenz_y: np.ndarray  # cumulative share of incidents


def gini(counts) -> float:
    """The Gini coefficient of counts over places (0 = even, → 1 = all in one place)."""
    c = np.sort(np.asarray(counts, float).ravel())
    n = c.size
    total = c.sum()
    if n == 0 or total == 0:
        return 0.0
    index = np.arange(1, n + 1)
    return float((2 * np.sum(index * c) / (n * total)) - (n + 1) / n)


def gini_generalised(counts) -> float:
    """Bernasco & Steenbeek's generalised Gini: when incidents N < places n, the maximum possible
    concentration is N places with one incident each, so the Gini is rescaled by (n / N) · … ; equals the
    ordinary Gini when N ≥ n."""
    c = np.asarray(counts, float).ravel()
    n = c.size
    total = c.sum()
    if n == 0 or total == 0:
        return 0.0
    if total >= n:
        return gini(c)
    g = gini(c)
    minimum = 1 - total / n  # the Gini when the N incidents are in N different places
    return float(max(0.0, (g - minimum) / (1 - minimum)))


def concentration(counts, shares=(0.01, 0.05, 0.10)) -> Concentration:
    c = np.sort(np.asarray(counts, float).ravel())[::-1]
    n = c.size
    total = float(c.sum())
    top = {}
    for share in shares:
        k = max(1, int(np.ceil(share * n))) if n else 0
        top[share] = float(c[:k].sum() / total) if total else 0.0
    cum = np.concatenate([[0.0], np.cumsum(c) / total]) if total else np.zeros(n + 1)
    x = np.linspace(0, 1, n + 1)
    return Concentration(
        cells=n, incidents=total, top_shares=top, gini=gini(c), gini_generalised=gini_generalised(c),
        lorenz_x=x, lorenz_y=cum,
    )  # fmt: skip
