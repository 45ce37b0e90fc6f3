"""Bias audit helpers: discretionary-enforcement categories and the predictive-policing
feedback loop.

Arrests, stops and similar records measure where police looked as much as where crime
happened. Lum & Isaac (2016, "To predict and serve?", Significance 13(5):14-19) showed that a
forecast trained on drug arrests sends patrols back to the neighbourhoods already policed;
Ensign et al. (2018, "Runaway feedback loops in predictive policing", FAT* PMLR 81:160-171)
modelled it as a Pólya urn and showed that counting only *discovered* incidents, weighted by
the inverse of the probability of discovering them, removes the runaway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "DISCRETIONARY_PATTERNS",
    "FeedbackLoopResult",
    "is_discretionary",
    "simulate_feedback_loop",
]

DISCRETIONARY_PATTERNS: tuple[str, ...] = (
    r"\bDRUG",
    r"DANGEROUS DRUGS",
    r"\bNARCOTIC",
    r"MARIJUANA|CANNABIS",
    r"CONTROLLED SUBSTANCE",
    r"\bSTOP\b|STOP[- ]AND[- ]FRISK|\bSQF\b|PED(ESTRIAN)? STOP|VEHICLE STOP|TRAFFIC STOP",
    r"TRESPASS",
    r"LOITERING",
    r"PROSTITUTION",
    r"DISORDERLY CONDUCT",
    r"RESISTING ARREST",
    r"WEAPON.*POSSESS|POSSESS.*WEAPON",
)
"""Categories whose counts depend mostly on police discretion (regular expressions, upper case).
Forecasts exclude them by default, with a warning; see ``docs/forecasting.md``."""

_RX = re.compile("|".join(DISCRETIONARY_PATTERNS))


def is_discretionary(category: str) -> bool:
    """True when a category name looks like discretionary enforcement (drugs, stops, trespass...)."""
    return bool(_RX.search(str(category).upper()))


@dataclass(frozen=True)
class FeedbackLoopResult:
    """Share of patrols sent to each region, per day, of an Ensign et al. urn simulation."""

    patrol_share: npt.NDArray[np.float64]
    """Shape (days, regions): share of the day's patrols sent to each region."""
    true_rates: tuple[float, ...]
    corrected: bool

    @property
    def final_share(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.patrol_share[-1], float)


def simulate_feedback_loop(true_rates: tuple[float, ...] = (0.1, 0.12), *, days: int = 1000,
                           prior: tuple[float, ...] | None = None, corrected: bool = False,
                           rng: np.random.Generator | None = None) -> FeedbackLoopResult:
    """Pólya-urn model of predictive policing (Ensign et al. 2018, §3).

    Each day one officer goes to a region drawn in proportion to the urn's balls; a crime there
    is discovered with probability ``true_rates[region]`` and adds a ball. Crime elsewhere is
    never seen. Without correction the urn locks onto a region whatever the true rates; with the
    correction a discovered crime adds ``1 / P(visit region)`` balls, so the urn estimates the
    true rates.

    Parameters
    ----------
    true_rates : tuple of float in [0, 1]
        Daily probability of a crime in each region.
    days : int
    prior : initial balls per region (default 1 each)
    corrected : bool
        Apply the Ensign et al. importance weighting.
    rng : numpy Generator, optional
    """
    rates = np.asarray(true_rates, dtype=float)
    if rates.ndim != 1 or rates.size < 2 or np.any((rates < 0) | (rates > 1)):
        raise ValueError("The 'true_rates' parameter of simulate_feedback_loop must be at least two "
                         f"probabilities in [0, 1]. Got {true_rates!r} instead.")
    if days < 1:
        raise ValueError(f"The 'days' parameter of simulate_feedback_loop must be an int in [1, inf). "
                         f"Got {days!r} instead.")
    gen = rng if rng is not None else np.random.default_rng()
    balls = np.ones(rates.size) if prior is None else np.asarray(prior, dtype=float).copy()
    share = np.zeros((days, rates.size))
    for d in range(days):
        p = balls / balls.sum()
        share[d] = p
        region = int(gen.choice(rates.size, p=p))
        if gen.random() < rates[region]:
            balls[region] += 1.0 / p[region] if corrected else 1.0
    return FeedbackLoopResult(share, tuple(float(r) for r in rates), corrected)
