"""The exposure of a period counted over part of its days, weighted by the season.

A baseline year missing a source for two winter months is counted over its other days (see
:mod:`trygg.situation.source_check`). Counted as plain days, those remaining days hold more of the summer than a
whole year does, and a year in which most incidents happen in summer then looks busier than it was. The fix is an
offset, as in a Poisson regression with a seasonal term: each day weighs by its calendar month's share of the
incidents of the complete years (its weight is 1 when the month is as busy as the year's average day), and the
period's exposure is the sum of the weights of the days counted. A whole year's exposure is then its number of
days; a year counted over March–December only, its share of a year's incidents in days.

The monthly shares are shrunk towards an even year by ``PRIOR`` pseudo-incidents, so that a thin history does not
make a season of its noise.

References
----------
* Farrington, C. P. et al. (1996). A statistical algorithm for the early detection of outbreaks of infectious
  disease. JRSS A 159(3), 547–563 (seasonal baselines from comparable periods of earlier years).
* McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., §6.2.3 (offsets for exposure).
"""

from __future__ import annotations

import numpy as np

MONTHS = 12
PRIOR = 120.0  # pseudo-incidents spread evenly over the year's days (ten a month)


def month_weights(months: np.ndarray, counts: np.ndarray, prior: float = PRIOR) -> np.ndarray:
    """Each calendar month's weight (index 1–12; index 0 unused) from daily ``counts`` on days of the calendar
    months ``months`` (1–12) of complete periods: the month's incidents per day over the average day's, shrunk."""
    months = np.asarray(months, dtype=int)
    counts = np.asarray(counts, dtype=float)
    if months.shape != counts.shape:
        raise ValueError("months and counts must have one value per day")
    if months.size and (months.min() < 1 or months.max() > MONTHS):
        raise ValueError("months must be 1–12")
    days = np.bincount(months, minlength=MONTHS + 1).astype(float)
    events = np.bincount(months, weights=counts, minlength=MONTHS + 1)
    weights = np.ones(MONTHS + 1)
    if not months.size:
        return weights
    per_day = prior / months.size  # the prior's incidents on each day
    rate = (events + per_day * days) / np.where(days > 0, days, 1)
    mean = (events.sum() + prior) / months.size
    seen = days > 0
    weights[seen] = rate[seen] / mean
    return weights


def exposure(months: np.ndarray, counted: np.ndarray, weights: np.ndarray) -> float:
    """The exposure of a period, in days: the weights of its days that are ``counted`` (``months`` gives each day's
    calendar month)."""
    months = np.asarray(months, dtype=int)
    counted = np.asarray(counted, dtype=bool)
    if months.shape != counted.shape:
        raise ValueError("months and counted must have one value per day")
    return float(weights[months[counted]].sum())
