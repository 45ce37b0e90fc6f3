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

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "DISCRETIONARY_PATTERNS",
    "FeedbackLoopResult",
    "GroupShare",
    "RegionLoop",
    "feedback_loop_on_counts",
    "flag_share_audit",
    "is_discretionary",
    "simulate_feedback_loop",
    "simulate_feedback_loops",
    "exposure_by_group",
    "census_2020",
    "CENSUS_GROUPS",
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


def simulate_feedback_loop(
    true_rates: tuple[float, ...] = (0.1, 0.12),
    *,
    days: int = 1000,
    prior: tuple[float, ...] | None = None,
    corrected: bool = False,
    rng: np.random.Generator | None = None,
) -> FeedbackLoopResult:
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
        raise ValueError(
            "The 'true_rates' parameter of simulate_feedback_loop must be at least two "
            f"probabilities in [0, 1]. Got {true_rates!r} instead."
        )
    if days < 1:
        raise ValueError(
            f"The 'days' parameter of simulate_feedback_loop must be an int in [1, inf). "
            f"Got {days!r} instead."
        )
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


def simulate_feedback_loops(
    true_rates: Sequence[float] | FloatArray,
    *,
    days: int = 1000,
    prior: Sequence[float] | FloatArray | None = None,
    corrected: bool = False,
    replications: int = 20,
    seed: int = 2018,
) -> FloatArray:
    """Many replications of :func:`simulate_feedback_loop` at once (vectorised over runs).

    Returns the final patrol share per replication, shape ``(replications, regions)``. The same
    ``seed`` gives the same result.
    """
    rates = np.asarray(true_rates, dtype=float)
    if rates.ndim != 1 or rates.size < 2 or np.any((rates < 0) | (rates > 1)):
        raise ValueError(
            "The 'true_rates' parameter of simulate_feedback_loops must be at least "
            f"two probabilities in [0, 1]. Got {list(true_rates)!r} instead."
        )
    if days < 1 or replications < 1:
        raise ValueError(
            "simulate_feedback_loops needs days >= 1 and replications >= 1; "
            f"got days={days!r}, replications={replications!r}."
        )
    gen = np.random.default_rng(seed)
    k = rates.size
    start = np.ones(k) if prior is None else np.asarray(prior, dtype=float)
    if start.shape != (k,) or np.any(start <= 0):
        raise ValueError(
            "The 'prior' of simulate_feedback_loops must give a positive number of "
            "balls for every region."
        )
    balls = np.repeat(start[None, :], replications, axis=0).astype(float)
    rows = np.arange(replications)
    for _ in range(days):
        p = balls / balls.sum(axis=1, keepdims=True)
        u = gen.random(replications)
        region = np.minimum((np.cumsum(p, axis=1) < u[:, None]).sum(axis=1), k - 1)
        found = gen.random(replications) < rates[region]
        add = np.where(found, 1.0 / p[rows, region] if corrected else 1.0, 0.0)
        balls[rows, region] += add
    return np.asarray(balls / balls.sum(axis=1, keepdims=True), float)


@dataclass(frozen=True)
class RegionLoop:
    """One region (e.g. a sector) of :func:`feedback_loop_on_counts`."""

    region: str
    crimes: float
    crime_share: float
    enforcement_share: float
    uncorrected_share: float
    corrected_share: float


def feedback_loop_on_counts(
    crimes: Mapping[str, float],
    days_observed: float,
    *,
    enforcement: Mapping[str, float] | None = None,
    days: int = 1095,
    replications: int = 40,
    seed: int = 2018,
) -> tuple[list[RegionLoop], dict[str, float]]:
    """The Ensign et al. urn on real counts: regions with their victim-reported crimes.

    The daily chance of discovering a crime when a patrol visits region r is
    ``1 - exp(-crimes_r / days_observed)`` (Poisson). The urn starts from ``enforcement``
    (e.g. drug arrests per region, plus one ball each: where police looked before) or uniform.
    Returns the regions and a summary: the total-variation distance between the final patrol
    share and the crime share, without and with the correction, and the share of patrols in the
    region the uncorrected urn favours most.
    """
    names = sorted(crimes)
    if len(names) < 2:
        raise ValueError("the feedback-loop simulation needs at least two regions")
    if days_observed <= 0:
        raise ValueError(f"days_observed must be positive; got {days_observed!r}")
    c = np.array([max(float(crimes[n]), 0.0) for n in names])
    rates = 1.0 - np.exp(-c / days_observed)
    enf = np.array([max(float((enforcement or {}).get(n, 0.0)), 0.0) for n in names])
    prior = enf + 1.0
    plain = simulate_feedback_loops(
        rates, days=days, prior=prior, replications=replications, seed=seed
    )
    fixed = simulate_feedback_loops(
        rates, days=days, prior=prior, corrected=True, replications=replications, seed=seed
    )
    crime_share = c / c.sum() if c.sum() > 0 else np.full(c.size, 1.0 / c.size)
    enf_share = enf / enf.sum() if enf.sum() > 0 else np.zeros(c.size)
    rows = [
        RegionLoop(
            n,
            float(c[i]),
            float(crime_share[i]),
            float(enf_share[i]),
            float(plain[:, i].mean()),
            float(fixed[:, i].mean()),
        )
        for i, n in enumerate(names)
    ]
    tv_plain = float(np.mean(0.5 * np.abs(plain - crime_share).sum(axis=1)))
    tv_fixed = float(np.mean(0.5 * np.abs(fixed - crime_share).sum(axis=1)))
    summary = {
        "days": float(days),
        "replications": float(replications),
        "tv_uncorrected": tv_plain,
        "tv_corrected": tv_fixed,
        "max_share_uncorrected": float(np.mean(plain.max(axis=1))),
    }
    return rows, summary


@dataclass(frozen=True)
class GroupShare:
    """Flagged cells of one group (sector, census area) against what lives and happens there."""

    group: str
    cells: int
    flagged: int
    area_share: float
    flagged_share: float
    crime: float
    crime_share: float
    enforcement_share: float | None
    population: float | None
    population_share: float | None

    @property
    def flagged_to_crime(self) -> float | None:
        """Flagged share / victim-reported crime share (1 = in proportion to crime)."""
        return self.flagged_share / self.crime_share if self.crime_share > 0 else None

    @property
    def flagged_per_100k(self) -> float | None:
        """Flagged cells per 100,000 residents."""
        return self.flagged / self.population * 1e5 if self.population else None


def flag_share_audit(
    cell_groups: Sequence[str],
    flagged: npt.ArrayLike,
    crime: npt.ArrayLike,
    *,
    enforcement: npt.ArrayLike | None = None,
    population: Mapping[str, float] | None = None,
) -> list[GroupShare]:
    """Per group of cells: share of the flagged cells against the share of the area, of the
    victim-reported crime (``crime`` per cell), of discretionary enforcement (``enforcement``
    per cell, e.g. drug arrests) and of the resident population (``population`` per group).

    A group whose flagged share is far above its crime share is being sent more patrols than
    its reported crime justifies; one far above its enforcement share but not its crime share
    is not a feedback-loop artefact. Cells in no group are reported under ``""``.
    """
    groups = np.asarray([str(g) for g in cell_groups])
    f = np.asarray(flagged, dtype=bool)
    cr = np.asarray(crime, dtype=float)
    if not (groups.size == f.size == cr.size):
        raise ValueError(
            "cell_groups, flagged and crime must have one entry per cell; got "
            f"{groups.size}, {f.size}, {cr.size}"
        )
    en = None if enforcement is None else np.asarray(enforcement, dtype=float)
    if en is not None and en.size != groups.size:
        raise ValueError("enforcement must have one entry per cell")
    n, nf, tc = groups.size, max(int(f.sum()), 1), float(cr.sum())
    te = float(en.sum()) if en is not None else 0.0
    pop_total = float(sum(population.values())) if population else 0.0
    out = []
    for g in sorted(set(groups.tolist())):
        m = groups == g
        pop = None if population is None else population.get(g)
        out.append(
            GroupShare(
                group=g,
                cells=int(m.sum()),
                flagged=int(f[m].sum()),
                area_share=float(m.sum() / max(n, 1)),
                flagged_share=float(f[m].sum() / nf),
                crime=float(cr[m].sum()),
                crime_share=float(cr[m].sum() / tc) if tc > 0 else 0.0,
                enforcement_share=(
                    None if en is None else (float(en[m].sum() / te) if te > 0 else 0.0)
                ),
                population=None if pop is None else float(pop),
                population_share=(
                    None if pop is None or pop_total <= 0 else float(pop) / pop_total
                ),
            )
        )
    return out


def exposure_by_group(
    shares: Sequence[GroupShare], residents: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Relative exposure of each population group to flagged cells (1 = everyone's average).

    ``residents[area][group]`` is the census count of a group in an area. Each area's residents
    are exposed in proportion to its flagged cells per resident; a group's exposure is its
    residents' average, divided by the whole population's.
    """
    per_res = {s.group: (s.flagged / s.population) if s.population else 0.0 for s in shares}
    totals: dict[str, float] = {}
    weighted: dict[str, float] = {}
    for area, counts in residents.items():
        for grp, v in counts.items():
            totals[grp] = totals.get(grp, 0.0) + float(v)
            weighted[grp] = weighted.get(grp, 0.0) + float(v) * per_res.get(area, 0.0)
    everyone = sum(weighted.values()) / max(sum(totals.values()), 1e-12)
    if everyone <= 0 or not math.isfinite(everyone):
        return {g: math.nan for g in totals}
    return {g: (weighted[g] / totals[g]) / everyone if totals[g] > 0 else math.nan for g in totals}


CENSUS_GROUPS = ("hispanic", "white", "black", "asian", "other")
"""Census groups of :func:`census_2020` (the last four non-Hispanic; ``other`` is the rest)."""


def census_2020() -> dict[str, dict[str, int]]:
    """2020 Census residents per NYPD precinct: ``{"120": {"total": ..., "hispanic": ...}}``.

    Bundled from John Keefe's census-by-precincts (MIT); see ``forecast/data/CREDITS.md``.
    """
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent / "forecast" / "data" / "census2020_precincts.csv"
    with path.open(newline="") as fh:
        return {
            row["precinct"]: {k: int(v) for k, v in row.items() if k != "precinct"}
            for row in csv.DictReader(fh)
        }
