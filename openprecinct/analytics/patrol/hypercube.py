"""Larson's hypercube queueing model: exact (1974) and approximate (1975).

The state of the system is which of the N units are busy, a vertex of the N-dimensional unit
hypercube. A call from atom ``j`` goes to the most preferred free unit on ``j``'s list; a unit
frees at its service rate. The exact model solves the 2**N balance equations of that
continuous-time Markov chain (a sparse matrix, solved iteratively); the
approximation solves N nonlinear equations for the workloads, correcting the product of
independent busy probabilities with Larson's M/M/N factors ``Q(N, rho, j)``.

References
----------
Larson, R. C. (1974). A hypercube queuing model for facility location and redistricting in
urban emergency services. *Computers & Operations Research* 1(1), 67-95.
Larson, R. C. (1975). Approximating the performance of urban emergency service systems.
*Operations Research* 23(5), 845-868.
Larson, R. C. and Odoni, A. R. (1981). *Urban Operations Research*, ch. 5 (Prentice-Hall).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray
from scipy.special import gammaln, logsumexp

from openprecinct.analytics.patrol.system import PatrolSystem

__all__ = [
    "EXACT_MAX_UNITS",
    "HypercubeResult",
    "hypercube",
    "hypercube_approx",
    "hypercube_exact",
    "hypercube_generator",
    "larson_q_factors",
    "mmn_state_probabilities",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: The exact model's state space doubles with every unit; beyond this it is refused.
EXACT_MAX_UNITS = 18


@dataclass(frozen=True)
class HypercubeResult:
    """Steady-state performance of a dispatch system.

    Attributes
    ----------
    workload : ndarray, shape (N,)
        Fraction of time each unit is busy.
    fraction_served : ndarray, shape (N, J)
        ``fraction_served[n, j]``: probability that a call from atom ``j`` is answered by
        unit ``n``. Each column sums to ``1 - p_lost``.
    mean_travel_time : float
        Mean travel time of answered calls, minutes, weighted by call rates.
    mean_travel_time_by_atom : ndarray, shape (J,)
        Mean travel time of answered calls from each atom, minutes.
    p_all_busy : float
        Probability that every unit is busy (with a queue: that a call has to wait).
    p_lost : float
        Fraction of calls lost (zero line capacity) ; 0 with a queue.
    mean_queue_wait : float
        Mean wait in queue over all calls, minutes (0 without a queue).
    method : str
        ``"exact"`` or ``"approx"``.
    solve_seconds : float
        Wall-clock time of the solve.
    """

    workload: FloatArray
    fraction_served: FloatArray
    mean_travel_time: float
    mean_travel_time_by_atom: FloatArray
    p_all_busy: float
    p_lost: float
    mean_queue_wait: float
    method: str
    solve_seconds: float

    def to_dict(self, unit_ids: tuple[str, ...] | None = None) -> dict[str, object]:
        """Plain JSON-ready dictionary (lists of floats)."""
        out: dict[str, object] = {
            "method": self.method,
            "workload": [float(x) for x in self.workload],
            "fraction_served": self.fraction_served.tolist(),
            "mean_travel_time": {
                "overall": float(self.mean_travel_time),
                "by_atom": [float(x) for x in self.mean_travel_time_by_atom],
            },
            "p_all_busy": float(self.p_all_busy),
            "p_lost": float(self.p_lost),
            "mean_queue_wait": float(self.mean_queue_wait),
            "solve_seconds": float(self.solve_seconds),
        }
        if unit_ids is not None:
            out["units"] = list(unit_ids)
        return out


def _group_atoms(system: PatrolSystem) -> tuple[IntArray, FloatArray, IntArray]:
    """Distinct preference lists, their summed call rates, and each atom's group."""
    orders, inv = np.unique(system.order, axis=0, return_inverse=True)
    inverse: IntArray = np.asarray(inv, dtype=np.int64).reshape(-1)
    rates = np.asarray(
        np.bincount(inverse, weights=system.rates, minlength=orders.shape[0]), dtype=np.float64
    )
    return np.asarray(orders, dtype=np.int64), rates, inverse


def _dispatch_tables(orders: IntArray, n_units: int) -> IntArray:
    """``table[g, s]``: the unit sent to a call of group ``g`` in state ``s`` (-1: none free)."""
    states = np.arange(1 << n_units, dtype=np.int64)
    free = ((states[:, None] >> np.arange(n_units)) & 1) == 0  # (S, N)
    table = np.full((orders.shape[0], states.size), -1, dtype=np.int64)
    for g, order in enumerate(orders):
        row = table[g]
        for u in order[::-1]:  # the most preferred free unit is written last
            row[free[:, u]] = u
    return table


def hypercube_generator(system: PatrolSystem) -> sp.csr_matrix:
    """Sparse generator matrix (2**N x 2**N) of the hypercube chain, zero line capacity.

    State ``s`` has bit ``n`` set when unit ``n`` is busy. Off-diagonal ``Q[s, t]`` is the
    rate of moving from ``s`` to ``t``; rows sum to zero. With a queue the balance equations
    of these 2**N states are the same (see :func:`hypercube_exact`).
    """
    n = system.n_units
    orders, group_rates, _ = _group_atoms(system)
    table = _dispatch_tables(orders, n)
    n_states = 1 << n
    states = np.arange(n_states, dtype=np.int64)
    # rate at which each (state, unit) pair receives a dispatch
    up_flat = np.zeros(n_states * n)
    for g in range(orders.shape[0]):
        ok = table[g] >= 0
        up_flat += np.bincount(
            states[ok] * n + table[g][ok],
            weights=np.full(int(ok.sum()), group_rates[g]),
            minlength=n_states * n,
        )
    up = up_flat.reshape(n_states, n)
    s_up, u_up = np.nonzero(up)
    busy = ((states[:, None] >> np.arange(n)) & 1).astype(bool)
    s_dn, u_dn = np.nonzero(busy)
    rows = np.concatenate([s_up, s_dn])
    cols = np.concatenate([s_up | (1 << u_up), s_dn ^ (1 << u_dn)])
    vals = np.concatenate([up[s_up, u_up], system.service_rates[u_dn]])
    out = np.bincount(rows, weights=vals, minlength=n_states)
    rows = np.concatenate([rows, states])
    cols = np.concatenate([cols, states])
    vals = np.concatenate([vals, -out])
    return sp.csr_matrix((vals, (rows, cols)), shape=(n_states, n_states))


def _stationary(generator: sp.csr_matrix) -> FloatArray:
    """Solve pi Q = 0, sum(pi) = 1.

    Fixes ``pi[0] = 1``, drops state 0's balance equation and solves the rest by BiCGSTAB
    with a diagonal (Jacobi) preconditioner, then normalises. Sparse LU fills the hypercube
    in almost completely (4096 states: 5 million factor entries), the iterative solve needs
    only sparse products. Falls back to sparse LU if BiCGSTAB does not converge.
    """
    qt = generator.T.tocsr()
    m = qt[1:, 1:].tocsc()
    rhs = -np.asarray(qt[1:, 0].toarray()).ravel()
    diag = m.diagonal()
    precond = spla.LinearOperator(m.shape, matvec=lambda x: x / diag, dtype=np.float64)
    y, info = spla.bicgstab(m, rhs, M=precond, rtol=1e-13, atol=0.0, maxiter=20_000)
    if info != 0:  # pragma: no cover - a safety net; never seen on hypercube chains
        y = spla.spsolve(m, rhs, permc_spec="MMD_AT_PLUS_A")
    pi = np.clip(np.concatenate([[1.0], np.asarray(y, dtype=np.float64)]), 0.0, None)
    return np.asarray(pi / pi.sum(), dtype=np.float64)


def _check_stable(system: PatrolSystem) -> None:
    if system.queue and system.total_rate >= system.service_rates.sum():
        raise ValueError(
            f"With a queue the total call rate ({system.total_rate:g}/h) must be below the "
            f"units' total service rate ({system.service_rates.sum():g}/h): the queue would "
            "grow without bound. Add units or use the zero-line-capacity model (queue=false)."
        )


def _finish(
    system: PatrolSystem,
    served: FloatArray,
    workload: FloatArray,
    p_all_busy: float,
    method: str,
    started: float,
) -> HypercubeResult:
    """Add queued calls, travel times and queue waits to the dispatch fractions."""
    lam = system.total_rate
    mu = system.service_rates
    if system.queue:
        served = served + p_all_busy * (mu / mu.sum())[:, None]
        p_lost = 0.0
        wait_hours = p_all_busy / (mu.sum() - lam)
    else:
        p_lost = p_all_busy
        wait_hours = 0.0
    answered = served.sum(axis=0)
    travel = system.travel_time
    with np.errstate(invalid="ignore", divide="ignore"):
        by_atom = np.where(answered > 0, (served * travel).sum(axis=0) / answered, np.nan)
    weights = system.rates * answered
    overall = float((weights * np.nan_to_num(by_atom)).sum() / weights.sum())
    return HypercubeResult(
        workload=np.clip(workload, 0.0, 1.0),
        fraction_served=served,
        mean_travel_time=overall,
        mean_travel_time_by_atom=by_atom,
        p_all_busy=float(p_all_busy),
        p_lost=float(p_lost),
        mean_queue_wait=float(wait_hours * 60.0),
        method=method,
        solve_seconds=time.perf_counter() - started,
    )


def hypercube_exact(system: PatrolSystem) -> HypercubeResult:
    """Solve Larson's hypercube model exactly (Larson 1974).

    Builds the sparse 2**N x 2**N transition-rate matrix and solves its balance equations
    with scipy.sparse (preconditioned BiCGSTAB); never a dense matrix. Practical to about 15 units.

    With a queue (``system.queue``), calls that find all units busy wait first come, first
    served and go to whichever unit frees first. The standard treatment (Larson 1974; Larson
    and Odoni 1981, §5.4) is exact here: the states with a queue form a birth-death tail
    above "all busy" with birth rate lambda and death rate sum(mu), so the 2**N balance
    equations are those of the loss model and only the normalisation changes,
    ``P(k queued) = P(all busy, none queued) * r**k``, ``r = lambda / sum(mu)``. A queued call
    is answered by unit ``n`` with probability ``mu_n / sum(mu)`` and its travel time is taken
    from the unit's post (``travel_time[n, j]``), the usual approximation.

    Parameters
    ----------
    system : PatrolSystem

    Returns
    -------
    HypercubeResult
    """
    started = time.perf_counter()
    n = system.n_units
    if n > EXACT_MAX_UNITS:
        raise ValueError(
            f"The exact hypercube has 2**{n} states for {n} units, too many; use "
            f"method='approx' (Larson 1975) above {EXACT_MAX_UNITS} units."
        )
    _check_stable(system)
    pi = _stationary(hypercube_generator(system))
    n_states = 1 << n
    full = n_states - 1
    if system.queue:
        r = system.total_rate / system.service_rates.sum()
        tail = pi[full] * r / (1.0 - r)
        pi = pi / (1.0 + tail)
        tail = tail / (1.0 + tail)
        p_all_busy = float(pi[full] + tail)
    else:
        tail = 0.0
        p_all_busy = float(pi[full])
    states = np.arange(n_states, dtype=np.int64)
    busy = (states[:, None] >> np.arange(n)) & 1
    workload = pi @ busy + tail
    orders, _, group_of_atom = _group_atoms(system)
    table = _dispatch_tables(orders, n)
    by_group = np.zeros((orders.shape[0], n))
    for g in range(orders.shape[0]):
        ok = table[g] >= 0
        by_group[g] = np.bincount(table[g][ok], weights=pi[ok], minlength=n)
    served = by_group[group_of_atom].T.copy()  # (N, J)
    return _finish(system, served, workload, p_all_busy, "exact", started)


def mmn_state_probabilities(
    arrival_rate: float, service_rate: float, n_servers: int, *, queue: bool
) -> FloatArray:
    """P(k busy servers), k = 0..N, of the M/M/N queue (Erlang C) or loss system (Erlang B).

    With a queue the last entry is P(all N busy, any number waiting), the probability of
    waiting (Erlang C). Computed in logs, so safe for hundreds of servers.
    """
    a = arrival_rate / service_rate
    k = np.arange(n_servers + 1)
    logp = k * np.log(a) - gammaln(k + 1)
    if queue:
        r = a / n_servers
        logp[-1] -= np.log1p(-r)  # sum over the queue lengths of r**q
    logp -= logsumexp(logp)
    return np.asarray(np.exp(logp), dtype=np.float64)


def larson_q_factors(
    arrival_rate: float, service_rate: float, n_servers: int, *, queue: bool
) -> FloatArray:
    """Larson's correction factors ``Q(N, rho, j)``, j = 0..N-1 (Larson 1975, eq. 5.48 of
    Larson and Odoni 1981).

    ``Q(N, rho, j) * rho**j * (1 - rho)`` is the exact M/M/N probability that ``j`` given units
    are busy and a given other one is free, where ``rho`` is the mean workload:
    ``Q(N, rho, j) = sum_{k=j}^{N-1} P_k C(N-j-1, k-j) / C(N, k) / (rho**j (1 - rho))``.
    For N=3, rho=1/2 (infinite queue) this gives 1, 0.73684, 0.63158 (Larson and Odoni
    1981, §5.5.3).
    """
    p = mmn_state_probabilities(arrival_rate, service_rate, n_servers, queue=queue)
    n = n_servers
    rho = (
        arrival_rate / (n * service_rate)
        if queue
        else float(arrival_rate / service_rate * (1.0 - p[-1]) / n)
    )
    q = np.empty(n)
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    for j in range(n):
        k = np.arange(j, n)
        log_terms = (
            logp[k]
            + gammaln(n - j)
            - gammaln(k - j + 1)
            - gammaln(n - k)  # C(N-j-1, k-j)
            - (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1))  # / C(N, k)
        )
        q[j] = np.exp(logsumexp(log_terms) - j * np.log(rho) - np.log1p(-rho))
    return q


def _esp(r: FloatArray) -> FloatArray:
    """Elementary symmetric polynomials e_0..e_n of ``r`` (coefficients of prod(1 + r_i z))."""
    e = np.zeros(r.size + 1)
    e[0] = 1.0
    for x in r:
        e[1:] = e[1:] + x * e[:-1]
    return e


def _conditional_dispatch(
    r: FloatArray, p: FloatArray, orders: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Dispatch probabilities and marginal busy probabilities when the busy set, given its
    size m, has probability proportional to the product of the busy units' odds ``r``
    (a conditional-Bernoulli law) and the size follows the M/M/N distribution ``p``.

    Returns ``probs`` (G, N): P(first k units on group g's list busy and the next free),
    and ``marginal`` (N,): P(unit n busy). All positive sums (no cancellation): the sets
    behind each list position are built up one unit at a time from the end of the list.
    """
    n = r.size
    big_e = _esp(r)
    w = np.zeros(n + 1)
    ok = big_e > 0
    w[ok] = p[ok] / big_e[ok]  # P(m busy) / e_m(all units)
    g = orders.shape[0]
    e = np.zeros((g, n + 1))
    e[:, 0] = 1.0  # units after position n-1 of each list: none
    tail = np.empty((g, n))
    for k in range(n - 1, -1, -1):
        width = n - k  # R_k has n-k-1 units: coefficients 0..n-k-1
        tail[:, k] = e[:, :width] @ w[k:n]
        # add unit l_k (the right side is evaluated into a temporary first)
        e[:, 1 : width + 1] += r[orders[:, k]][:, None] * e[:, :width]
    prefix = np.ones((g, n))
    prefix[:, 1:] = np.cumprod(r[orders[:, :-1]], axis=1)
    probs = prefix * tail
    # marginals: r_u * sum_m w_m e_{m-1}(all but u), from prefix and suffix polynomials
    pre = np.zeros((n, n + 1))
    suf = np.zeros((n, n + 1))
    acc = np.zeros(n + 1)
    acc[0] = 1.0
    for u in range(n):
        pre[u] = acc
        acc[1:] += r[u] * acc[:-1]
    acc = np.zeros(n + 1)
    acc[0] = 1.0
    for u in range(n - 1, -1, -1):
        suf[u] = acc
        acc[1:] += r[u] * acc[:-1]
    idx = np.arange(n + 1)
    hankel_index = idx[:, None] + idx[None, :] + 1
    hankel = np.where(hankel_index <= n, w[np.minimum(hankel_index, n)], 0.0)
    marginal = r * ((pre @ hankel) * suf).sum(axis=1)
    return probs, marginal


def hypercube_approx(
    system: PatrolSystem,
    *,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    correction: Literal["conditional", "larson"] = "conditional",
) -> HypercubeResult:
    """Larson's approximation of the hypercube model (Larson 1975), with a sharper correction.

    ``correction="larson"`` is Larson's procedure as published (below). The default,
    ``"conditional"``, keeps its structure (the number of busy units follows the M/M/N
    distribution; units are dispatched in preference order; N equations in the workloads)
    but replaces the single factor ``Q(N, rho, k)``, which treats every unit as equally
    busy, by unit-specific odds: given that m units are busy, the busy set has probability
    proportional to the product of their odds ``r_n``, fitted so that each unit's marginal
    busy probability equals its workload. With equal workloads this is exactly Larson's Q.
    On random uneven plans it halves the worst workload error (docs/patrol.md: under
    1.3 points where Larson's is up to 2.6); it costs O(N**2) per list and iteration.

    Larson's procedure:

    Solves N equations for the workloads ``rho_n`` instead of 2**N: the probability that the
    first ``k`` units on an atom's list are busy and the next is free is taken as
    ``Q(N, rho, k) * prod(rho_first_k) * (1 - rho_next)``, and

        rho_n = (1 - rho_n) V_n + c,   V_n = (1 / mu_n) sum_j lambda_j Q(N, rho, k_nj) prod(...)

    with ``c = lambda P_Q / sum(mu)`` the share of queued calls (zero without a queue). Each
    iteration rescales the workloads so that ``sum(mu_n rho_n)`` equals the calls answered
    per hour, as Larson's procedure does. Larson reports errors of 1-2% against the exact
    model; unequal service rates use the M/M/N factors at the mean service rate
    (an extension, less studied).

    Parameters
    ----------
    system : PatrolSystem
    tol : float
        Stop when no workload moves by more than this.
    max_iter : int

    Returns
    -------
    HypercubeResult
    """
    started = time.perf_counter()
    _check_stable(system)
    if correction not in ("conditional", "larson"):
        raise ValueError(
            "The 'correction' parameter of hypercube_approx must be 'conditional' or "
            f"'larson'. Got {correction!r} instead."
        )
    if correction == "conditional" and system.n_units > 1:
        return _approx_conditional(system, tol=tol, max_iter=max_iter, started=started)
    n = system.n_units
    lam = system.rates
    total = system.total_rate
    mu = system.service_rates
    mu_bar = float(mu.mean())
    p = mmn_state_probabilities(total, mu_bar, n, queue=system.queue)
    p_all_busy = float(p[-1])
    q = larson_q_factors(total, mu_bar, n, queue=system.queue)
    order = system.order
    answered_rate = total * (1.0 - (0.0 if system.queue else p_all_busy))
    c = total * p_all_busy / mu.sum() if system.queue else 0.0
    rho = np.full(n, answered_rate / mu.sum())
    share = np.empty_like(order, dtype=np.float64)
    for _ in range(max_iter):
        busy_ahead = np.ones(order.shape)
        busy_ahead[:, 1:] = np.cumprod(rho[order[:, :-1]], axis=1)
        share = q[None, :] * busy_ahead  # P(first k busy, next free) / (1 - rho_next)
        v = np.bincount(order.ravel(), weights=(lam[:, None] * share).ravel(), minlength=n) / mu
        new = (v + c) / (1.0 + v)
        new *= answered_rate / float((mu * new).sum())
        new = np.clip(new, 0.0, 1.0 - 1e-12)
        done = float(np.abs(new - rho).max()) < tol
        rho = new
        if done:
            break
    busy_ahead = np.ones(order.shape)
    busy_ahead[:, 1:] = np.cumprod(rho[order[:, :-1]], axis=1)
    probs = q[None, :] * busy_ahead * (1.0 - rho[order])  # (J, N) in preference order
    probs *= ((1.0 - p_all_busy) / probs.sum(axis=1))[:, None]
    served = np.zeros((n, system.n_atoms))
    served[order.T, np.arange(system.n_atoms)[None, :]] = probs.T
    return _finish(system, served, rho, p_all_busy, "approx", started)


def _approx_conditional(
    system: PatrolSystem, *, tol: float, max_iter: int, started: float
) -> HypercubeResult:
    """The fixed point of :func:`hypercube_approx` with the conditional correction."""
    n = system.n_units
    total = system.total_rate
    mu = system.service_rates
    p = mmn_state_probabilities(total, float(mu.mean()), n, queue=system.queue)
    p_all_busy = float(p[-1])
    answered_rate = total * (1.0 - (0.0 if system.queue else p_all_busy))
    c = total * p_all_busy / mu.sum() if system.queue else 0.0
    orders, group_rates, group_of_atom = _group_atoms(system)
    rho = np.full(n, answered_rate / mu.sum())
    r = rho / (1.0 - rho)
    probs = np.zeros(orders.shape)
    for _ in range(max_iter):
        r = r / np.exp(np.log(r).mean())  # the law depends only on ratios of odds
        probs, marginal = _conditional_dispatch(r, p, orders)
        probs *= ((1.0 - p_all_busy) / probs.sum(axis=1))[:, None]
        dispatched = np.bincount(
            orders.ravel(), weights=(group_rates[:, None] * probs).ravel(), minlength=n
        )
        new = np.clip(dispatched / mu + c, 1e-12, 1.0 - 1e-12)
        done = max(float(np.abs(new - rho).max()), float(np.abs(marginal - new).max())) < tol
        rho = new
        r = r * (new / np.clip(marginal, 1e-300, None))  # full steps converge in ~30 rounds
        if done:
            break
    served = np.zeros((n, system.n_atoms))
    by_group = probs[group_of_atom]  # (J, N) in preference order
    served[system.order.T, np.arange(system.n_atoms)[None, :]] = by_group.T
    return _finish(system, served, rho, p_all_busy, "approx", started)


def hypercube(
    system: PatrolSystem, *, method: Literal["exact", "approx", "auto"] = "auto"
) -> HypercubeResult:
    """Solve the hypercube model; ``method="auto"`` is exact up to 12 units, else approx."""
    if method == "exact" or (method == "auto" and system.n_units <= 12):
        return hypercube_exact(system)
    if method in ("approx", "auto"):
        return hypercube_approx(system)
    raise ValueError(
        f"The 'method' parameter of hypercube must be 'exact', 'approx' or 'auto'. "
        f"Got {method!r} instead."
    )
