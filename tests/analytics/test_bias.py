"""Discretionary categories and the Ensign et al. feedback loop."""

from __future__ import annotations

import numpy as np
import pytest

from openprecinct.analytics.bias import is_discretionary, simulate_feedback_loop


@pytest.mark.parametrize(
    "name",
    ["DANGEROUS DRUGS", "Criminal Trespass", "STOP AND FRISK", "MARIJUANA, POSSESSION 4 & 5"],
)
def test_discretionary_categories(name: str) -> None:
    assert is_discretionary(name)


@pytest.mark.parametrize(
    "name", ["BURGLARY", "ROBBERY", "GRAND LARCENY OF MOTOR VEHICLE", "SHOOTING"]
)
def test_serious_crime_is_not_discretionary(name: str) -> None:
    assert not is_discretionary(name)


def test_uncorrected_urn_runs_away_and_correction_tracks_true_rates() -> None:
    from openprecinct.analytics.bias import simulate_feedback_loops

    rates = (0.3, 0.35)
    runaway = simulate_feedback_loops(rates, days=3000, replications=20, seed=1)
    fixed = simulate_feedback_loops(rates, days=3000, corrected=True, replications=20, seed=1)
    one = simulate_feedback_loop(rates, days=200, rng=np.random.default_rng(3))
    assert one.patrol_share.shape == (200, 2)
    assert np.allclose(one.patrol_share.sum(axis=1), 1.0)
    target = rates[0] / sum(rates)
    err_run = np.mean([abs(r[0] - target) for r in runaway])
    err_fix = np.mean([abs(f[0] - target) for f in fixed])
    assert err_fix < err_run
    assert err_fix < 0.06


def test_bad_rates_message() -> None:
    with pytest.raises(ValueError, match="The 'true_rates' parameter"):
        simulate_feedback_loop((1.5,))


def test_flag_share_audit_by_hand() -> None:
    from openprecinct.analytics.bias import flag_share_audit

    groups = ["A", "A", "B", "B", "B", ""]
    flagged = [True, False, True, True, False, False]
    crime = [4, 0, 1, 1, 0, 2]
    rows = {
        r.group: r
        for r in flag_share_audit(
            groups,
            flagged,
            crime,
            enforcement=[0, 0, 5, 5, 0, 0],
            population={"A": 1000, "B": 3000},
        )
    }
    a, b = rows["A"], rows["B"]
    assert (a.cells, a.flagged, b.flagged) == (2, 1, 2)
    assert a.flagged_share == pytest.approx(1 / 3) and b.flagged_share == pytest.approx(2 / 3)
    assert a.crime_share == pytest.approx(0.5) and b.crime_share == pytest.approx(0.25)
    assert b.flagged_to_crime == pytest.approx((2 / 3) / 0.25)
    assert b.enforcement_share == 1.0 and a.enforcement_share == 0.0
    assert a.population_share == pytest.approx(0.25) and b.flagged_per_100k == pytest.approx(
        200 / 3
    )
    assert rows[""].population is None and rows[""].area_share == pytest.approx(1 / 6)
    with pytest.raises(ValueError, match="one entry per cell"):
        flag_share_audit(["A"], [True, False], [1, 2])


def test_exposure_by_group_by_hand() -> None:
    from openprecinct.analytics.bias import GroupShare, exposure_by_group

    def share(g: str, flagged: int, pop: float) -> GroupShare:
        return GroupShare(g, 10, flagged, 0.5, 0.5, 0, 0, None, pop, 0.5)

    shares = [share("A", 10, 1000), share("B", 0, 1000)]
    residents = {"A": {"x": 900, "y": 100}, "B": {"x": 100, "y": 900}}
    exp = exposure_by_group(shares, residents)
    # everyone: 10 cells per 2,000 residents; x: (900*0.01)/1000 = 0.009 vs 0.005
    assert exp["x"] == pytest.approx(1.8) and exp["y"] == pytest.approx(0.2)


def test_census_is_bundled() -> None:
    from openprecinct.analytics.bias import CENSUS_GROUPS, census_2020

    c = census_2020()
    assert c["120"]["total"] == 122308 and c["120"]["hispanic"] == 35890
    assert all(sum(v[g] for g in CENSUS_GROUPS) == v["total"] for v in c.values())


def test_feedback_loop_on_counts_runs_away_and_the_correction_tracks() -> None:
    from openprecinct.analytics.bias import feedback_loop_on_counts, simulate_feedback_loops

    crimes = {"120A": 300, "120B": 200, "120C": 100, "120D": 50}
    rows, summary = feedback_loop_on_counts(
        crimes, 365, enforcement={"120B": 80}, days=1500, replications=30
    )
    assert summary["tv_corrected"] < 0.5 * summary["tv_uncorrected"]
    assert [r.region for r in rows] == sorted(crimes)
    assert sum(r.corrected_share for r in rows) == pytest.approx(1.0)
    again, _ = feedback_loop_on_counts(
        crimes, 365, enforcement={"120B": 80}, days=1500, replications=30
    )
    assert again == rows  # seeded
    with pytest.raises(ValueError, match="at least two"):
        feedback_loop_on_counts({"A": 1}, 365)
    with pytest.raises(ValueError, match="prior"):
        simulate_feedback_loops((0.1, 0.2), prior=(1.0, 0.0))
