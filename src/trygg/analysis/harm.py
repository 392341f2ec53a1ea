"""Harm weighting: incidents weighted by how harmful their kind is, not just counted.

The default weights follow the principle of the Cambridge Crime Harm Index (Sherman, L., Neyroud, P. W. &
Neyroud, E. (2016). The Cambridge Crime Harm Index. Policing 10(3), 171–183) as adapted to Swedish law by
the Swedish Crime Harm Index (Kärrholm, J., Neyroud, P. & Smaaland, J. (2020). Designing the Swedish Crime
Harm Index: an evidence-based strategy. Cambridge Journal of Evidence-Based Policing 4, 15–33): the weight of
an offence is the minimum sentence for it in days of imprisonment under the Swedish Penal Code
(Brottsbalken), with offences whose minimum is a fine counted as 1 day.

Trygg's categories are broader than offences, so each default is the minimum-sentence value of the
category's typical offence, chosen by Trygg (not copied from the SCHI tables):

==================  =====  ==========================================================================
category            days   typical offence and its minimum (Brottsbalken, BrB)
==================  =====  ==========================================================================
grovt_vald          3650   murder (BrB 3:1, 10 years); shootings and explosions as attempted murder or
                           public endangerment are weighted the same to keep the category whole
ran                 365    robbery (BrB 8:5, 1 year)
sexualbrott         1095   rape (BrB 6:1, 3 years)
vald_hot            14     assault (BrB 3:5, the general minimum prison term of 14 days)
stold_inbrott       14     theft (BrB 8:1, 14 days)
narkotika           14     drug offence (Narkotikastrafflagen 1 §, 14 days)
vapen               14     weapons offence (Vapenlagen 9 kap. 1 §, 14 days)
bedrageri           14     fraud (BrB 9:1, 14 days)
brand               14     arson-related damage (weighted as criminal damage to property by fire risk)
skadegorelse        1      criminal damage (BrB 12:1, fine)
klotter             1      graffiti as criminal damage (fine)
buskorning          1      traffic offence (fine)
nedskrapning        1      littering (Miljöbalken 29:7, fine)
samling_som_stor    1      public-order disturbance (fine)
berusning           1      public intoxication (not an offence; counted as 1 for its effect on safety)
otrygg_plats        1      not an offence; counted as 1 for its effect on safety
ovrigt              1
trafik              1
olycka              0      not crime
polis_ovrigt        0      police operations, notices
sammanfattning      0      summaries, not incidents
==================  =====  ==========================================================================

Municipalities may set their own weights (``TRYGG_HARM_WEIGHTS``); the report states which were used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

DEFAULT_WEIGHTS: dict[str, float] = {
    "grovt_vald": 3650, "ran": 365, "sexualbrott": 1095, "vald_hot": 14, "stold_inbrott": 14, "narkotika": 14,
    "vapen": 14, "bedrageri": 14, "brand": 14, "skadegorelse": 1, "klotter": 1, "buskorning": 1,
    "nedskrapning": 1, "samling_som_stor": 1, "berusning": 1, "otrygg_plats": 1, "ovrigt": 1, "trafik": 1,
    "olycka": 0, "polis_ovrigt": 0, "sammanfattning": 0,
}  # fmt: skip


def harm_weights(categories: Sequence[str], weights: Mapping[str, float] | None = None, default: float = 1.0):
    """The weight of each incident from its category code (unknown categories get ``default``)."""
    table = DEFAULT_WEIGHTS if weights is None else weights
    return np.array([float(table.get(code, default)) for code in categories])


def harm_total(categories: Sequence[str], weights: Mapping[str, float] | None = None) -> float:
    return float(harm_weights(categories, weights).sum())
