"""Discrete-event simulation of calls and patrol units, with batch-means confidence intervals.

Calls arrive at each atom as independent Poisson processes; each goes to the most preferred
free unit on its atom's list (the same policy as the hypercube model); it is lost when every
unit is busy, or with ``queue=True`` waits first come, first served for the first unit to free.
Busy time is drawn per call (exponential at the unit's service rate, or from a given sampler);
travel time is read from the matrix and, as in the hypercube model, is part of busy time.

What is sequential and what is not: which unit answers a call depends on which units are free
at that instant, so the dispatch decisions run in one pass over the calls in time order
(:func:`_dispatch`, about a microsecond a call). Everything else is vectorised with numpy:
arrival times (a cumulative sum of exponential gaps), atoms, busy times and every statistic.
There is no event heap: with calls in arrival order, a unit's "free at" time is all the state
a decision needs.

References
----------
Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed., §9.5.3 (batch means).
Larson, R. C. and Odoni, A. R. (1981). *Urban Operations Research*, ch. 5.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from openprecinct.analytics.patrol.system import PatrolSystem

__all__ = ["SimulationResult", "simulate_patrol"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ServiceSampler = Callable[[np.random.Generator, int], FloatArray]


@dataclass(frozen=True)
class SimulationResult:
    """Estimates from a simulation, each with the half-width of its 95% confidence interval.

    Attributes mirror :class:`~openprecinct.analytics.patrol.hypercube.HypercubeResult`
    (workload, fraction_served (N x J), mean_travel_time (minutes), mean_travel_time_by_atom,
    p_all_busy, p_lost, mean_queue_wait (minutes)); ``<name>_ci`` is the half-width of the 95%
    interval from batch means (Student t with ``batches - 1`` degrees of freedom).
    """

    workload: FloatArray
    workload_ci: FloatArray
    fraction_served: FloatArray
    fraction_served_ci: FloatArray
    mean_travel_time: float
    mean_travel_time_ci: float
    mean_travel_time_by_atom: FloatArray
    mean_travel_time_by_atom_ci: FloatArray
    p_all_busy: float
    p_all_busy_ci: float
    p_lost: float
    p_lost_ci: float
    mean_queue_wait: float
    mean_queue_wait_ci: float
    n_calls: int
    batches: int
    seconds: float

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dictionary."""
        return {
            "workload": self.workload.tolist(),
            "workload_ci": self.workload_ci.tolist(),
            "fraction_served": self.fraction_served.tolist(),
            "fraction_served_ci": self.fraction_served_ci.tolist(),
            "mean_travel_time": {
                "overall": self.mean_travel_time,
                "overall_ci": self.mean_travel_time_ci,
                "by_atom": self.mean_travel_time_by_atom.tolist(),
                "by_atom_ci": self.mean_travel_time_by_atom_ci.tolist(),
            },
            "p_all_busy": self.p_all_busy,
            "p_all_busy_ci": self.p_all_busy_ci,
            "p_lost": self.p_lost,
            "p_lost_ci": self.p_lost_ci,
            "mean_queue_wait": self.mean_queue_wait,
            "mean_queue_wait_ci": self.mean_queue_wait_ci,
            "n_calls": self.n_calls,
            "batches": self.batches,
            "seconds": self.seconds,
        }


def _dispatch(
    arrivals: FloatArray,
    atoms: IntArray,
    work: FloatArray,
    scale: FloatArray,
    order: IntArray,
    queue: bool,
    free_at: list[float],
) -> tuple[IntArray, FloatArray]:
    """The sequential core: who answers each call, and when service starts.

    Call ``k`` keeps unit ``n`` busy for ``work[k] * scale[n]`` hours.
    Returns the unit of each call (-1: lost) and its start time; ``free_at`` (one float per
    unit) is updated in place so blocks can be chained.
    """
    rows = [tuple(r) for r in order.tolist()]
    n_units = len(free_at)
    units = list(range(n_units))
    out_unit = [0] * arrivals.size
    out_start = arrivals.tolist()
    times = out_start
    amount = work.tolist()
    per_unit = scale.tolist()
    for k, a in enumerate(atoms.tolist()):
        t = times[k]
        for u in rows[a]:
            if free_at[u] <= t:
                free_at[u] = t + amount[k] * per_unit[u]
                out_unit[k] = u
                break
        else:
            if queue:
                u = min(units, key=free_at.__getitem__)
                start = free_at[u]
                free_at[u] = start + amount[k] * per_unit[u]
                out_unit[k] = u
                out_start[k] = start
            else:
                out_unit[k] = -1
    return np.asarray(out_unit, dtype=np.int64), np.asarray(out_start, dtype=np.float64)


def _check(system: PatrolSystem, n_calls: int, batches: int, warmup: float) -> None:
    if not isinstance(system, PatrolSystem):
        raise TypeError(f"simulate_patrol needs a PatrolSystem. Got {type(system).__name__}.")
    if isinstance(n_calls, bool) or not isinstance(n_calls, int) or n_calls < 1000:
        raise ValueError(
            f"The 'n_calls' parameter of simulate_patrol must be an int in [1000, inf). "
            f"Got {n_calls!r} instead."
        )
    if isinstance(batches, bool) or not isinstance(batches, int) or not 2 <= batches <= 1000:
        raise ValueError(
            f"The 'batches' parameter of simulate_patrol must be an int in [2, 1000]. "
            f"Got {batches!r} instead."
        )
    if not 0.0 <= warmup < 0.5:
        raise ValueError(
            f"The 'warmup' parameter of simulate_patrol must be a float in [0, 0.5). "
            f"Got {warmup!r} instead."
        )
    if system.queue and system.total_rate >= system.service_rates.sum():
        raise ValueError(
            "With a queue the total call rate must be below the units' total service rate, "
            "or the queue grows without bound; add units or simulate with queue=False."
        )


def _mean_ci(per_batch: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Mean over axis 0 and the 95% half-width (NaN-aware: batches without data skipped)."""
    count = np.sum(~np.isnan(per_batch), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(per_batch, axis=0) if per_batch.size else per_batch
        sd = np.nanstd(per_batch, axis=0, ddof=1)
        half = stats.t.ppf(0.975, np.maximum(count - 1, 1)) * sd / np.sqrt(count)
    return np.asarray(mean, dtype=np.float64), np.asarray(half, dtype=np.float64)


def simulate_patrol(
    system: PatrolSystem,
    *,
    n_calls: int = 200_000,
    batches: int = 20,
    warmup: float = 0.02,
    rng: np.random.Generator | int | None = None,
    service_sampler: ServiceSampler | None = None,
    block: int = 262_144,
) -> SimulationResult:
    """Simulate ``n_calls`` calls through a dispatch system; estimates with 95% intervals.

    Parameters
    ----------
    system : PatrolSystem
        Atoms (call rates per hour), units, travel minutes, preferences, lost or queued calls.
    n_calls : int
        Calls to simulate (at least 1000).
    batches : int
        Number of batch means for the confidence intervals (Law 2015, §9.5.3): the calls
        after the warm-up are cut into this many consecutive batches of equal size.
    warmup : float
        Fraction of the calls discarded at the start (the system starts empty).
    rng : numpy Generator, int seed or None
    service_sampler : callable ``(rng, size) -> ndarray``, optional
        Busy time of each call in hours, for a service distribution other than the
        exponential; when given, units' service rates are not used.
    block : int
        Calls drawn at once (memory versus overhead); results do not depend on it for a
        given seed only when it is left unchanged.

    Returns
    -------
    SimulationResult
    """
    _check(system, n_calls, batches, warmup)
    started = time.perf_counter()
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    lam = system.rates
    total = system.total_rate
    cum = np.cumsum(lam / total)
    cum[-1] = 1.0
    n = system.n_units
    free_at = [0.0] * n
    clock = 0.0
    parts: list[tuple[FloatArray, IntArray, FloatArray, IntArray, FloatArray]] = []
    done = 0
    while done < n_calls:
        m = min(block, n_calls - done)
        gaps = gen.exponential(1.0 / total, m)
        arrivals = clock + np.cumsum(gaps)
        clock = float(arrivals[-1])
        atoms = np.searchsorted(cum, gen.random(m), side="right").astype(np.int64)
        if service_sampler is None:
            work = gen.exponential(1.0, m)
            scale = 1.0 / system.service_rates
        else:
            sample = np.asarray(service_sampler(gen, m), dtype=np.float64)
            if sample.shape != (m,) or not np.isfinite(sample).all() or (sample < 0).any():
                raise ValueError(
                    "The 'service_sampler' parameter of simulate_patrol must return that many "
                    "finite busy times >= 0 (hours)."
                )
            work, scale = sample, np.ones(n)
        unit, start = _dispatch(arrivals, atoms, work, scale, system.order, system.queue, free_at)
        served = unit >= 0
        duration = np.zeros(m)
        duration[served] = work[served] * scale[unit[served]]
        parts.append((arrivals, atoms, start, unit, duration))
        done += m
    arrivals = np.concatenate([p[0] for p in parts])
    atoms = np.concatenate([p[1] for p in parts])
    start = np.concatenate([p[2] for p in parts])
    unit = np.concatenate([p[3] for p in parts])
    duration = np.concatenate([p[4] for p in parts])
    return _summarise(system, arrivals, atoms, start, unit, duration, batches, warmup, started)


def _summarise(
    system: PatrolSystem,
    arrivals: FloatArray,
    atoms: IntArray,
    start: FloatArray,
    unit: IntArray,
    duration: FloatArray,
    batches: int,
    warmup: float,
    started: float,
) -> SimulationResult:
    n, n_atoms = system.n_units, system.n_atoms
    first = int(arrivals.size * warmup)
    per = (arrivals.size - first) // batches
    sl = slice(first, first + per * batches)
    arrivals, atoms, start, unit, duration = (
        arrivals[sl],
        atoms[sl],
        start[sl],
        unit[sl],
        duration[sl],
    )
    batch = np.repeat(np.arange(batches), per)
    edges = np.concatenate([[arrivals[0] - (arrivals[1] - arrivals[0])], arrivals[per - 1 :: per]])
    span = np.diff(edges)  # hours covered by each batch
    served = unit >= 0
    waited = start > arrivals
    all_busy = ~served | waited
    # workload: busy time of the calls arriving in a batch over the batch's length
    busy = np.zeros((batches, n))
    np.add.at(busy, (batch[served], unit[served]), duration[served])
    workload = busy / span[:, None]
    calls = np.zeros((batches, n_atoms))
    np.add.at(calls, (batch, atoms), 1.0)
    answered = np.zeros((batches, n, n_atoms))
    np.add.at(answered, (batch[served], unit[served], atoms[served]), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = answered / calls[:, None, :]
    travel = np.zeros(unit.size)
    travel[served] = system.travel_time[unit[served], atoms[served]]
    trav_sum = np.zeros((batches, n_atoms))
    np.add.at(trav_sum, (batch[served], atoms[served]), travel[served])
    with np.errstate(invalid="ignore", divide="ignore"):
        by_atom = trav_sum / answered.sum(axis=1)
        overall = trav_sum.sum(axis=1) / answered.sum(axis=(1, 2))
    per_batch_busy = np.bincount(batch, weights=all_busy.astype(float), minlength=batches) / per
    per_batch_lost = np.bincount(batch, weights=(~served).astype(float), minlength=batches) / per
    wait_minutes = np.where(served, start - arrivals, 0.0) * 60.0
    per_batch_wait = np.bincount(batch, weights=wait_minutes, minlength=batches) / per

    w, w_ci = _mean_ci(workload)
    f, f_ci = _mean_ci(fraction)
    ba, ba_ci = _mean_ci(by_atom)
    ov, ov_ci = _mean_ci(overall[:, None])
    pb, pb_ci = _mean_ci(per_batch_busy[:, None])
    pl, pl_ci = _mean_ci(per_batch_lost[:, None])
    qw, qw_ci = _mean_ci(per_batch_wait[:, None])
    return SimulationResult(
        workload=w,
        workload_ci=w_ci,
        fraction_served=f,
        fraction_served_ci=f_ci,
        mean_travel_time=float(ov[0]),
        mean_travel_time_ci=float(ov_ci[0]),
        mean_travel_time_by_atom=ba,
        mean_travel_time_by_atom_ci=ba_ci,
        p_all_busy=float(pb[0]),
        p_all_busy_ci=float(pb_ci[0]),
        p_lost=float(pl[0]),
        p_lost_ci=float(pl_ci[0]),
        mean_queue_wait=float(qw[0]),
        mean_queue_wait_ci=float(qw_ci[0]),
        n_calls=int(per * batches),
        batches=batches,
        seconds=time.perf_counter() - started,
    )
