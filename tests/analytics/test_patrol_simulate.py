"""The dispatch simulation agrees with the hypercube model and with a plain event loop."""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from scipy import stats

from openprecinct.analytics.patrol import PatrolSystem, hypercube_exact, simulate_patrol
from openprecinct.analytics.patrol.simulate import _dispatch
from tests.analytics.test_patrol_hypercube import random_system


def event_loop_dispatch(arrivals, atoms, work, scale, order, queue):
    """The straightforward reference: a heap of unit releases, a FIFO list of waiting calls."""
    n = order.shape[1]
    free = set(range(n))
    releases: list[tuple[float, int]] = []
    waiting: list[int] = []
    unit = [-1] * len(arrivals)
    start = list(arrivals)
    for k, t in enumerate(arrivals):
        while releases and releases[0][0] <= t:
            when, u = heapq.heappop(releases)
            if waiting:
                c = waiting.pop(0)
                unit[c], start[c] = u, when
                heapq.heappush(releases, (when + work[c] * scale[u], u))
            else:
                free.add(u)
        for u in order[atoms[k]]:
            if u in free:
                free.remove(u)
                unit[k] = int(u)
                heapq.heappush(releases, (t + work[k] * scale[u], int(u)))
                break
        else:
            if queue:
                waiting.append(k)
    while waiting:
        when, u = heapq.heappop(releases)
        c = waiting.pop(0)
        unit[c], start[c] = u, when
        heapq.heappush(releases, (when + work[c] * scale[u], u))
    return np.array(unit), np.array(start)


@pytest.mark.parametrize("queue", [False, True])
def test_dispatch_decisions_match_a_plain_event_loop_call_for_call(queue):
    rng = np.random.default_rng(4)
    system = random_system(rng, 5, 8, load=0.8, queue=queue)
    m, reps = 5_000, 4
    arrivals = np.cumsum(rng.exponential(1 / system.total_rate, (m, reps)), axis=0)
    atoms = rng.choice(system.n_atoms, (m, reps), p=system.rates / system.total_rate)
    work = rng.exponential(1.0, (m, reps))
    scale = 1 / np.array([1.0, 2.0, 1.5, 1.5, 3.0])
    unit, start = _dispatch(arrivals, atoms, work, scale, system.order, queue)
    for r in range(reps):
        ref_unit, ref_start = event_loop_dispatch(
            arrivals[:, r], atoms[:, r], work[:, r], scale, system.order, queue
        )
        np.testing.assert_array_equal(unit[:, r], ref_unit)
        np.testing.assert_allclose(start[:, r], ref_start)


def test_the_same_seed_gives_the_same_estimates():
    system = random_system(np.random.default_rng(1), 3, 4, load=0.5)
    a = simulate_patrol(system, n_calls=5_000, rng=7)
    b = simulate_patrol(system, n_calls=5_000, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.workload, b.workload)


def test_simulated_fractions_per_atom_sum_to_the_share_answered():
    system = random_system(np.random.default_rng(2), 4, 6, load=0.7)
    result = simulate_patrol(system, n_calls=20_000, rng=1)
    np.testing.assert_allclose(result.fraction_served.sum(axis=0), 1 - result.p_lost, atol=0.03)
    assert ((result.workload >= 0) & (result.workload <= 1)).all()


def test_a_given_service_distribution_is_used():
    system = PatrolSystem(
        rates=[1.0], service_rate=2.0, travel_time=[[4.0]], preference=[[0]], queue=True
    )
    result = simulate_patrol(
        system, n_calls=20_000, rng=3, service_sampler=lambda rng, size: np.full(size, 0.5)
    )
    # M/D/1 at rho = 1/2: Pollaczek-Khinchine mean wait rho * s / (2 (1 - rho)) = 0.25 h
    assert result.workload[0] == pytest.approx(0.5, abs=0.02)
    assert result.mean_queue_wait == pytest.approx(0.25 * 60, rel=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_calls": 10}, "The 'n_calls' parameter of simulate_patrol must be an int in"),
        ({"replications": 1}, "The 'replications' parameter of simulate_patrol must be an int"),
        ({"warmup": 0.9}, "The 'warmup' parameter of simulate_patrol must be a float"),
    ],
)
def test_bad_simulation_parameters_are_named(kwargs, message):
    system = random_system(np.random.default_rng(1), 2, 2, load=0.5)
    with pytest.raises(ValueError) as info:
        simulate_patrol(system, **kwargs)
    assert message in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("queue", [False, True])
def test_ten_unit_hypercube_lies_within_the_simulations_confidence_intervals(queue):
    # A correct model still falls outside a 95% interval 5% of the time, and the ten
    # workloads' errors are correlated (one replication busier than another moves them all).
    # So: three independent runs (seeds fixed in advance), each checked at a joint 95% level
    # (Bonferroni over the ten cars and the two scalars); at least two of the three must
    # agree. A correct model fails this about 3 * 0.05**2 = 0.75% of the time.
    system = random_system(np.random.default_rng(10), 10, 40, load=0.6, queue=queue)
    exact = hypercube_exact(system)
    joint = stats.norm.ppf(1 - 0.025 / 12) / stats.norm.ppf(0.975)
    agreeing = 0
    for seed in (0, 1, 2):
        sim = simulate_patrol(system, n_calls=400_000, rng=seed)
        ok = (
            (np.abs(sim.workload - exact.workload) <= joint * sim.workload_ci).all()
            and abs(sim.p_all_busy - exact.p_all_busy) <= joint * sim.p_all_busy_ci
            and abs(sim.mean_travel_time - exact.mean_travel_time)
            <= joint * sim.mean_travel_time_ci
        )
        inside = np.abs(sim.fraction_served - exact.fraction_served) <= sim.fraction_served_ci
        agreeing += bool(ok and inside.mean() > 0.85)
    assert agreeing >= 2
