"""Property-based fuzzing of every importer and free-text form (hypothesis).

CI runs the short profile (a few dozen examples per test); ``make fuzz`` runs the long one.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
           "derandomize": False}  # fmt: skip
settings.register_profile("ci", max_examples=25, **_COMMON)
settings.register_profile("long", max_examples=600, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
