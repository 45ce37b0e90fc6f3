"""Patrol allocation models: how many cars, where, and how they will answer calls.

* :mod:`~openprecinct.analytics.patrol.system` - the dispatch system all models share.
* :mod:`~openprecinct.analytics.patrol.hypercube` - Larson's hypercube model, exact (1974)
  and approximate (1975).
* :mod:`~openprecinct.analytics.patrol.simulate` - a discrete-event simulation with 95%
  confidence intervals, to validate the models and evaluate any plan.

See ``docs/patrol.md`` for the methods, assumptions and papers.
"""

from openprecinct.analytics.patrol.hypercube import (
    HypercubeResult,
    hypercube,
    hypercube_approx,
    hypercube_exact,
    larson_q_factors,
    mmn_state_probabilities,
)
from openprecinct.analytics.patrol.simulate import SimulationResult, simulate_patrol
from openprecinct.analytics.patrol.system import PatrolSystem, patrol_system_from_dict

__all__ = [
    "HypercubeResult",
    "PatrolSystem",
    "SimulationResult",
    "hypercube",
    "hypercube_approx",
    "hypercube_exact",
    "larson_q_factors",
    "mmn_state_probabilities",
    "patrol_system_from_dict",
    "simulate_patrol",
]
