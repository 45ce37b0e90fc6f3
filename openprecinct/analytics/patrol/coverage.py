"""Where to put patrol posts: maximal covering location and p-median, solved exactly.

Both are small integer programmes solved with ``scipy.optimize.milp`` (HiGHS branch and
bound), so results are optimal, not heuristic. PySAL's ``spopt`` solves the same models but
needs a modelling layer (PuLP) and is outside the packages ``analytics`` may import
(docs/architecture.md).

* Maximal covering (Church and ReVelle 1974): open ``p`` posts to maximise the call demand
  within ``radius`` minutes of an open post.
* p-median (Hakimi 1964; ReVelle and Swain 1970): open ``p`` posts to minimise the
  demand-weighted travel time from each atom to its nearest open post.

References
----------
Church, R. and ReVelle, C. (1974). The maximal covering location problem. *Papers of the
Regional Science Association* 32, 101-118.
ReVelle, C. and Swain, R. (1970). Central facilities location. *Geographical Analysis* 2(1),
30-42.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["CoverageResult", "max_covering", "p_median"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CoverageResult:
    """Chosen posts and what they achieve.

    Attributes
    ----------
    sites : tuple of int
        Indices of the chosen candidate posts, ascending.
    assignment : ndarray of int, shape (J,)
        Nearest chosen post of each demand atom.
    covered_demand : float
        Demand within the radius of a chosen post (maximal covering; for p-median, within
        the radius given, or NaN without one).
    covered_fraction : float
    mean_travel_time : float
        Demand-weighted travel time to the nearest chosen post, minutes.
    objective : str
    """

    sites: tuple[int, ...]
    assignment: NDArray[np.int64]
    covered_demand: float
    covered_fraction: float
    mean_travel_time: float
    objective: str

    def to_dict(self) -> dict[str, object]:
        return {
            "objective": self.objective,
            "sites": list(self.sites),
            "assignment": self.assignment.tolist(),
            "covered_demand": self.covered_demand,
            "covered_fraction": self.covered_fraction,
            "mean_travel_time": self.mean_travel_time,
        }


def _inputs(
    demand: ArrayLike, travel_time: ArrayLike, p: int, owner: str
) -> tuple[FloatArray, FloatArray]:
    w = np.asarray(demand, dtype=np.float64)
    d = np.asarray(travel_time, dtype=np.float64)
    if w.ndim != 1 or w.size == 0 or not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(
            f"The 'demand' parameter of {owner} must be a list of call rates >= 0. "
            f"Got shape {w.shape} instead."
        )
    if d.ndim != 2 or d.shape[1] != w.size or not np.isfinite(d).all() or (d < 0).any():
        raise ValueError(
            f"The 'travel_time' parameter of {owner} must be a candidates x atoms matrix "
            f"(I x {w.size}) of minutes >= 0. Got shape {d.shape} instead."
        )
    if isinstance(p, bool) or not isinstance(p, int | np.integer) or not 1 <= p <= d.shape[0]:
        raise ValueError(
            f"The 'p' parameter of {owner} must be an int in [1, {d.shape[0]}] (the number of "
            f"candidate posts). Got {p!r} instead."
        )
    return w, d


def _result(
    sites: list[int], w: FloatArray, d: FloatArray, radius: float | None, objective: str
) -> CoverageResult:
    chosen = np.array(sorted(sites), dtype=np.int64)
    sub = d[chosen]
    assignment = chosen[np.argmin(sub, axis=0)]
    nearest = sub.min(axis=0)
    total = float(w.sum())
    mean_travel = float((w * nearest).sum() / total) if total > 0 else 0.0
    if radius is None:
        covered = float("nan")
    else:
        covered = float(w[nearest <= radius].sum())
    return CoverageResult(
        sites=tuple(int(s) for s in chosen),
        assignment=assignment,
        covered_demand=covered,
        covered_fraction=covered / total if total > 0 else float("nan"),
        mean_travel_time=mean_travel,
        objective=objective,
    )


def _solve(c: FloatArray, constraints: list[LinearConstraint], n_vars: int) -> FloatArray:
    res = milp(
        c,
        constraints=constraints,
        integrality=np.ones(n_vars),
        bounds=Bounds(np.zeros(n_vars), np.ones(n_vars)),
        options={"disp": False},
    )
    if not res.success or res.x is None:  # pragma: no cover - feasible by construction
        raise RuntimeError(f"The integer programme was not solved: {res.message}")
    return np.asarray(res.x, dtype=np.float64)


def max_covering(
    demand: ArrayLike, travel_time: ArrayLike, *, p: int, radius: float
) -> CoverageResult:
    """Maximal covering location problem (Church and ReVelle 1974), solved exactly.

    Parameters
    ----------
    demand : array_like, shape (J,)
        Calls per hour (or any weight) of each atom.
    travel_time : array_like, shape (I, J)
        Minutes from candidate post ``i`` to atom ``j``.
    p : int
        Number of posts to open.
    radius : float
        Coverage standard, minutes: an atom is covered within ``radius`` of an open post.

    Returns
    -------
    CoverageResult
    """
    w, d = _inputs(demand, travel_time, p, "max_covering")
    if not (isinstance(radius, int | float) and radius >= 0 and np.isfinite(radius)):
        raise ValueError(
            f"The 'radius' parameter of max_covering must be a float in [0, inf). Got "
            f"{radius!r} instead."
        )
    n_sites, n_atoms = d.shape
    covers = sp.csr_matrix((d <= radius).T.astype(np.float64))  # (J, I)
    # variables: x (I sites) then y (J covered flags); maximise w . y
    c = np.concatenate([np.zeros(n_sites), -w])
    link = sp.hstack([-covers, sp.identity(n_atoms)])  # y_j - sum_i a_ji x_i <= 0
    count = sp.hstack([sp.csr_matrix(np.ones((1, n_sites))), sp.csr_matrix((1, n_atoms))])
    x = _solve(
        c,
        [LinearConstraint(link, -np.inf, 0.0), LinearConstraint(count, p, p)],
        n_sites + n_atoms,
    )
    sites = np.flatnonzero(x[:n_sites] > 0.5).tolist()
    return _result(sites, w, d, float(radius), "max_covering")


def p_median(
    demand: ArrayLike, travel_time: ArrayLike, *, p: int, radius: float | None = None
) -> CoverageResult:
    """p-median problem (ReVelle and Swain 1970), solved exactly.

    Parameters
    ----------
    demand : array_like, shape (J,)
        Calls per hour (or any weight) of each atom.
    travel_time : array_like, shape (I, J)
        Minutes from candidate post ``i`` to atom ``j``.
    p : int
        Number of posts to open.
    radius : float, optional
        Only to report the demand covered within it.

    Returns
    -------
    CoverageResult
    """
    w, d = _inputs(demand, travel_time, p, "p_median")
    n_sites, n_atoms = d.shape
    n_z = n_sites * n_atoms  # z[i, j] = 1 when atom j is served from post i (index i*J + j)
    c = np.concatenate([np.zeros(n_sites), (d * w[None, :]).ravel()])
    rows_j = sp.hstack(
        [sp.csr_matrix((n_atoms, n_sites)), sp.hstack([sp.identity(n_atoms)] * n_sites)]
    )  # sum_i z_ij = 1
    link = sp.hstack(
        [-sp.kron(sp.identity(n_sites), np.ones((n_atoms, 1))), sp.identity(n_z)]
    )  # z_ij - x_i <= 0
    count = sp.hstack([sp.csr_matrix(np.ones((1, n_sites))), sp.csr_matrix((1, n_z))])
    x = _solve(
        c,
        [
            LinearConstraint(rows_j, 1.0, 1.0),
            LinearConstraint(link, -np.inf, 0.0),
            LinearConstraint(count, p, p),
        ],
        n_sites + n_z,
    )
    sites = np.flatnonzero(x[:n_sites] > 0.5).tolist()
    return _result(sites, w, d, radius, "p_median")
