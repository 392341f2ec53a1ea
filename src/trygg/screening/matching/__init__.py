"""Name matching for screening: Swedish-aware normalisation and an explainable scorer (no Django).

``normalise`` turns a name into comparable tokens; ``scorer.compare`` returns a score in [0, 1] with the
features that produced it; ``keys`` gives the blocking keys of the candidate index.
"""

from trygg.screening.matching.scorer import DEFAULT_THRESHOLD, MatchResult, compare

__all__ = ["DEFAULT_THRESHOLD", "MatchResult", "compare"]
