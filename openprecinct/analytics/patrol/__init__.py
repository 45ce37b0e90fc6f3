"""Patrol allocation models: how many cars, where, and how they will answer calls.

* :mod:`~openprecinct.analytics.patrol.system` - the dispatch system all models share.
* :mod:`~openprecinct.analytics.patrol.hypercube` - Larson's hypercube model, exact (1974)
  and approximate (1975).
* :mod:`~openprecinct.analytics.patrol.simulate` - a discrete-event simulation with 95%
  confidence intervals, to validate the models and evaluate any plan.
* :mod:`~openprecinct.analytics.patrol.pcam` - cars needed per tour (Chaiken and Dormont).
* :mod:`~openprecinct.analytics.patrol.coverage` - patrol posts: maximal covering, p-median.
* :mod:`~openprecinct.analytics.patrol.plans` - two sector plans side by side.

See ``docs/patrol.md`` for the methods, assumptions and papers.
"""

from openprecinct.analytics.patrol.coverage import CoverageResult, max_covering, p_median
from openprecinct.analytics.patrol.hypercube import (
    HypercubeResult,
    hypercube,
    hypercube_approx,
    hypercube_exact,
    larson_q_factors,
    mmn_state_probabilities,
)
from openprecinct.analytics.patrol.pcam import PcamResult, PcamTour, erlang_c, pcam, pcam_from_dict
from openprecinct.analytics.patrol.plans import PlanComparison, compare_plans
from openprecinct.analytics.patrol.simulate import SimulationResult, simulate_patrol
from openprecinct.analytics.patrol.system import PatrolSystem, patrol_system_from_dict

__all__ = [
    "CoverageResult",
    "HypercubeResult",
    "PatrolSystem",
    "PcamResult",
    "PcamTour",
    "PlanComparison",
    "SimulationResult",
    "compare_plans",
    "erlang_c",
    "hypercube",
    "hypercube_approx",
    "hypercube_exact",
    "larson_q_factors",
    "max_covering",
    "mmn_state_probabilities",
    "p_median",
    "patrol_system_from_dict",
    "pcam",
    "pcam_from_dict",
    "simulate_patrol",
]
