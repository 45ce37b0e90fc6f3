"""Discretionary categories and the Ensign et al. feedback loop."""

from __future__ import annotations

import numpy as np
import pytest

from openprecinct.analytics.bias import is_discretionary, simulate_feedback_loop


@pytest.mark.parametrize("name", ["DANGEROUS DRUGS", "Criminal Trespass", "STOP AND FRISK",
                                  "MARIJUANA, POSSESSION 4 & 5"])
def test_discretionary_categories(name: str) -> None:
    assert is_discretionary(name)


@pytest.mark.parametrize("name", ["BURGLARY", "ROBBERY", "GRAND LARCENY OF MOTOR VEHICLE",
                                  "SHOOTING"])
def test_serious_crime_is_not_discretionary(name: str) -> None:
    assert not is_discretionary(name)


def test_uncorrected_urn_runs_away_and_correction_tracks_true_rates() -> None:
    rates = (0.3, 0.35)
    runaway = [simulate_feedback_loop(rates, days=3000, rng=np.random.default_rng(s)).final_share
               for s in range(20)]
    fixed = [simulate_feedback_loop(rates, days=3000, corrected=True,
                                    rng=np.random.default_rng(s)).final_share for s in range(20)]
    target = rates[0] / sum(rates)
    err_run = np.mean([abs(r[0] - target) for r in runaway])
    err_fix = np.mean([abs(f[0] - target) for f in fixed])
    assert err_fix < err_run
    assert err_fix < 0.06


def test_bad_rates_message() -> None:
    with pytest.raises(ValueError, match="The 'true_rates' parameter"):
        simulate_feedback_loop((1.5,))
