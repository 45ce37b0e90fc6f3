"""Two sector plans side by side: predicted response times and workloads.

A *plan* is a :class:`~openprecinct.analytics.patrol.system.PatrolSystem` (the same JSON
model as ``openprecinct patrol hypercube``): the atoms and call rates are usually the same,
the units, their posts (travel times) and the dispatch preferences (sectors) differ.
Both are solved with the hypercube model (exact up to 12 units, Larson's approximation
above), so the comparison carries the model's assumptions, which are listed in the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from openprecinct.analytics.patrol.hypercube import HypercubeResult, hypercube
from openprecinct.analytics.patrol.system import PatrolSystem

__all__ = ["ASSUMPTIONS", "PlanComparison", "compare_plans"]

ASSUMPTIONS: tuple[str, ...] = (
    "Calls arrive from each atom as a Poisson process at the rates given (no surges).",
    "Each call needs one car; time committed to a call (travel included) is exponential "
    "with the service rate given, independent of where the call is.",
    "The dispatcher always sends the most preferred free car on the atom's list; cars return "
    "to their posts between calls (travel times are from posts).",
    "Without a queue a call finding every car busy is lost (handled outside the precinct); "
    "with a queue it waits first come, first served for the first car to free.",
    "Travel time here is the §14-149 travel time (assignment to arrival); dispatch time (call "
    "entry to assignment) is not modelled beyond the queue wait.",
    "Figures are long-run averages for one tour with steady call rates.",
)


@dataclass(frozen=True)
class PlanComparison:
    """Both plans' predictions and the differences (proposed minus current).

    Attributes
    ----------
    current, proposed : HypercubeResult
    travel_time_change : float
        Change of the mean travel time, minutes.
    travel_time_change_by_atom : ndarray or None
        Per atom, when both plans have the same atoms.
    max_workload : tuple of float
        Busiest car's workload, current and proposed.
    workload_spread : tuple of float
        Max minus min workload, current and proposed (imbalance between cars).
    assumptions : tuple of str
    """

    current: HypercubeResult
    proposed: HypercubeResult
    travel_time_change: float
    travel_time_change_by_atom: np.ndarray | None
    max_workload: tuple[float, float]
    workload_spread: tuple[float, float]
    assumptions: tuple[str, ...]

    def to_dict(
        self, current_ids: tuple[str, ...], proposed_ids: tuple[str, ...]
    ) -> dict[str, object]:
        by_atom = self.travel_time_change_by_atom
        return {
            "current": self.current.to_dict(current_ids),
            "proposed": self.proposed.to_dict(proposed_ids),
            "travel_time_change": self.travel_time_change,
            "travel_time_change_by_atom": None if by_atom is None else by_atom.tolist(),
            "max_workload": list(self.max_workload),
            "workload_spread": list(self.workload_spread),
            "assumptions": list(self.assumptions),
        }


def compare_plans(
    current: PatrolSystem,
    proposed: PatrolSystem,
    *,
    method: Literal["exact", "approx", "auto"] = "auto",
) -> PlanComparison:
    """Predict response times and workloads of two plans with the hypercube model.

    Parameters
    ----------
    current, proposed : PatrolSystem
    method : {"auto", "exact", "approx"}
        As :func:`~openprecinct.analytics.patrol.hypercube.hypercube`.

    Returns
    -------
    PlanComparison
    """
    a = hypercube(current, method=method)
    b = hypercube(proposed, method=method)
    by_atom = None
    if current.n_atoms == proposed.n_atoms:
        by_atom = b.mean_travel_time_by_atom - a.mean_travel_time_by_atom
    extra: tuple[str, ...] = ()
    if current.n_atoms == proposed.n_atoms and not np.allclose(current.rates, proposed.rates):
        extra = ("The two plans assume different call rates; differences mix both changes.",)
    return PlanComparison(
        current=a,
        proposed=b,
        travel_time_change=b.mean_travel_time - a.mean_travel_time,
        travel_time_change_by_atom=by_atom,
        max_workload=(float(a.workload.max()), float(b.workload.max())),
        workload_spread=(
            float(np.ptp(a.workload)),
            float(np.ptp(b.workload)),
        ),
        assumptions=ASSUMPTIONS + extra,
    )
