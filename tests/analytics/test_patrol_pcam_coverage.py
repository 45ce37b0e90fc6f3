"""PCAM cars per tour, coverage optimisation and plan comparison."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from openprecinct.analytics.patrol import (
    PatrolSystem,
    compare_plans,
    erlang_c,
    max_covering,
    p_median,
    pcam,
)


def test_erlang_c_matches_the_textbook_two_server_formula():
    # M/M/2, a = lambda/mu = 1: P(wait) = a^2 / (2 + a)... for c = 2: a^2/(c! (1-rho)) / sum
    p, w = erlang_c(1.0, 1.0, 2)
    assert p == pytest.approx(1 / 3)
    assert w == pytest.approx((1 / 3) / (2 - 1))


def test_pcam_finds_the_fewest_cars_meeting_the_wait_target_in_the_busiest_hour():
    calls = [2.0] * 8 + [6.0] * 8 + [9.0] * 8
    result = pcam(calls_per_hour=calls, service_minutes=40, max_p_wait=0.2)
    for tour in result.tours:
        lam = max(calls[h] for h in tour.hours)
        mu = 60 / 40
        assert erlang_c(lam, mu, tour.cars)[0] <= 0.2
        assert tour.cars == 1 or erlang_c(lam, mu, tour.cars - 1)[0] > 0.2
    assert [t.cars for t in result.tours] == sorted(t.cars for t in result.tours)


def test_pcam_patrol_frequency_target_can_bind():
    calls = [1.0] * 24
    result = pcam(
        calls_per_hour=calls,
        service_minutes=30,
        min_patrol_frequency=1.0,
        street_miles=100,
        patrol_speed_mph=10,
    )
    tour = result.tours[0]
    # free cars * 10 mph / 100 miles >= 1  ->  c - 0.5 >= 10
    assert tour.cars == 11
    assert tour.binding == "patrol_frequency"
    assert tour.patrol_frequency >= 1.0


def test_pcam_mean_wait_target_in_minutes():
    result = pcam(calls_per_hour=[4.0] * 24, service_minutes=30, max_mean_wait_minutes=1.0)
    for tour in result.tours:
        assert tour.mean_wait_minutes <= 1.0
        assert erlang_c(4.0, 2.0, tour.cars - 1)[1] * 60 > 1.0


def test_pcam_parameters_are_checked():
    with pytest.raises(
        ValueError,
        match="The 'service_minutes' parameter of pcam must be a "
        r"float in \(0, inf\). Got -5 instead.",
    ):
        pcam(calls_per_hour=[1.0] * 24, service_minutes=-5)
    with pytest.raises(ValueError, match="'calls_per_hour' parameter of pcam"):
        pcam(calls_per_hour=[-1.0] * 24, service_minutes=30)


def brute_force_best(w, d, p, score):
    best = None
    for sites in itertools.combinations(range(d.shape[0]), p):
        s = score(sites)
        if best is None or s > best[0] + 1e-9:
            best = (s, sites)
    return best


@pytest.mark.parametrize("seed", range(5))
def test_max_covering_matches_brute_force_on_small_cases(seed):
    rng = np.random.default_rng(seed)
    w = rng.uniform(0, 5, 12)
    d = rng.uniform(1, 20, (7, 12))
    result = max_covering(w, d, p=3, radius=8.0)
    best, _ = brute_force_best(w, d, 3, lambda s: w[(d[list(s)] <= 8.0).any(axis=0)].sum())
    assert result.covered_demand == pytest.approx(best)
    assert len(result.sites) == 3


@pytest.mark.parametrize("seed", range(5))
def test_p_median_matches_brute_force_on_small_cases(seed):
    rng = np.random.default_rng(seed)
    w = rng.uniform(0, 5, 10)
    d = rng.uniform(1, 20, (6, 10))
    result = p_median(w, d, p=2)
    best, _ = brute_force_best(w, d, 2, lambda s: -(w * d[list(s)].min(axis=0)).sum())
    assert result.mean_travel_time == pytest.approx(-best / w.sum())
    assert math.isnan(result.covered_demand)


def test_coverage_parameters_are_checked():
    with pytest.raises(ValueError, match="The 'p' parameter of max_covering must be an int in"):
        max_covering([1.0, 2.0], [[1.0, 2.0]], p=3, radius=5)
    with pytest.raises(ValueError, match="'travel_time' parameter of p_median"):
        p_median([1.0, 2.0], [[1.0]], p=1)


def two_car_plan(posts_travel):
    return PatrolSystem(
        rates=[1.0, 1.0, 1.0],
        service_rate=2.0,
        travel_time=posts_travel,
        preference=[[0, 1], [0, 1], [1, 0]],
    )


def test_compare_plans_reports_the_change_in_travel_time_and_lists_assumptions():
    current = two_car_plan([[2.0, 4.0, 9.0], [9.0, 6.0, 2.0]])
    proposed = two_car_plan([[2.0, 3.0, 9.0], [9.0, 6.0, 2.0]])  # post moved toward atom 1
    result = compare_plans(current, proposed)
    assert result.travel_time_change < 0
    assert result.travel_time_change_by_atom[1] < 0
    assert result.travel_time_change_by_atom[0] == pytest.approx(0, abs=1e-12)
    assert any("Poisson" in a for a in result.assumptions)
