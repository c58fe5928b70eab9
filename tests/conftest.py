"""Hypothesis profiles: the suite is deterministic by default.

"ci" (the default, and what ``CI=true`` selects) derandomizes Hypothesis, so two runs draw the same
examples whatever the random seed; examples it once found are kept as explicit ``@example`` cases.
``HYPOTHESIS_PROFILE=explore`` draws fresh examples, to hunt for new failures by hand.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
