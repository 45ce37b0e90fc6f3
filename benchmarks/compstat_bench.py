"""CompStat engine benchmark: 10 million GENERATED records, all 77 precincts and their sectors.

The records are generated (not real), calibrated on the real files in /work/shared/data:

* precinct sizes: each precinct's share of all complaints in 2025 (quarterly complaint file;
  78 precincts there, as the 116th opened in 2024 -- the "77 precincts" plus the new one);
* category mix: the 2025 citywide offence mix of the same file, classified with
  ``compstat_category`` (so the seven majors and the other groups keep their real shares);
* sectors: the 303 real sector names of ``nypd_sectors_all.geojson`` with random sizes
  within their precinct (precincts without a listed sector get one sector "<pct>Z");
* seasonality: the citywide weekly TotalMajor7 series (week-of-year profile) and the yearly
  trend of the annual seven-major totals 2006-2025; the time of day is uniform.

One report week (ending 2025-06-22) is computed three ways, in the same run:

1. the engine: ``compstat_counts`` (every figure of every sector and precinct: WTD, 28-day
   and YTD against the prior year plus 2-, 12- and 20-year YTD; precincts summed from their
   sectors) and ``compstat_reports`` (the same plus the report objects);
2. a straightforward pandas implementation: a boolean mask per period and a
   ``groupby(...).size()`` per level;
3. the floor: one ``numpy.bincount`` over precomputed (sector, category, period-bin) keys,
   then sectors summed into precincts.

Run:  .venv/bin/python benchmarks/compstat_bench.py [--rows N] [--seed S]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from openprecinct.analytics.categories import compstat_category
from openprecinct.analytics.compstat import (
    compstat_counts,
    compstat_periods,
    compstat_reports,
)

DATA = Path("/work/shared/data")
WEEK_ENDING = date(2025, 6, 22)
HISTORY = (2, 12, 20)
FIRST_YEAR, LAST_YEAR = 2006, 2025


def calibration() -> dict[str, Any]:
    quarterly = pd.read_csv(DATA / "nypd_complaints_quarterly_by_precinct_offense_2006_2025.csv.gz")
    groups = {
        "All crime",
        "Major crimes",
        "Major violent crimes",
        "Major property crimes",
        "All assaults",
    }
    recent = quarterly[(quarterly.rpt_year == 2025) & ~quarterly.ofns_desc.isin(groups)]
    recent = recent[recent.addr_pct_cd.between(1, 123)]
    by_precinct = recent.groupby("addr_pct_cd").complaints.sum()
    by_offence = recent.groupby("ofns_desc").complaints.sum()
    mix: dict[str, float] = {}
    for desc, n in by_offence.items():
        category = compstat_category(ky_cd=None, pd_cd=None, ofns_desc=str(desc), law_cat=None)
        mix[category or "Other Misdemeanors"] = mix.get(category or "Other Misdemeanors", 0) + n
    sectors = json.loads((DATA / "nypd_sectors_all.geojson").read_text())["features"]
    names = [f["properties"]["sector"] for f in sectors]
    weekly = pd.read_csv(DATA / "nypd_compstat_weekly_series_2024_2026.csv.gz")
    city = weekly[(weekly.geography == "Citywide") & (weekly.metric == "TotalMajor7")].copy()
    days = pd.to_datetime(city.week_date)
    city = city[days.dt.day_of_week == 6]  # Monday-Sunday weeks
    week_of_year = (pd.to_datetime(city.week_date).dt.day_of_year - 1) // 7
    season = city.groupby(week_of_year)["count"].mean().reindex(range(53)).interpolate()
    season = season.bfill().ffill().to_numpy()
    annual = pd.read_csv(DATA / "nypd_precinct_annual_crime_1993_2025.csv.gz")
    majors = annual[
        (annual.geography == "citywide")
        & annual.crime.isin(
            ["Murder", "Rape", "Robbery", "Fel. Assault", "Burglary", "Gr. Larceny", "G.L.A."]
        )
    ]
    per_year = majors.groupby("year")["count"].sum().reindex(range(FIRST_YEAR, LAST_YEAR + 1))
    return {
        "precincts": by_precinct,
        "mix": pd.Series(mix).sort_values(ascending=False),
        "sectors": names,
        "season": season,
        "per_year": per_year.to_numpy(dtype=float),
    }


def generate(rows: int, seed: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Generated records (labelled as such): categorical precinct, sector and category."""
    rng = np.random.default_rng(seed)
    cal = calibration()
    precincts = [str(p) for p in cal["precincts"].index]
    p_share = cal["precincts"].to_numpy(dtype=float)
    p_share /= p_share.sum()
    sectors_of: dict[str, list[str]] = {p: [] for p in precincts}
    for name in cal["sectors"]:
        digits = "".join(ch for ch in name if ch.isdigit())
        if str(int(digits)) in sectors_of:
            sectors_of[str(int(digits))].append(name)
    sector_names: list[str] = []
    sector_parent: dict[str, str] = {}
    sector_weights: list[float] = []
    for p, share in zip(precincts, p_share, strict=True):
        names = sectors_of[p] or [f"{p}Z"]
        weights = rng.dirichlet(np.full(len(names), 4.0)) * share
        for name, weight in zip(names, weights, strict=True):
            sector_names.append(name)
            sector_parent[name] = p
            sector_weights.append(weight)
    sector_code = rng.choice(len(sector_names), size=rows, p=np.asarray(sector_weights))
    parent_code = np.array([precincts.index(sector_parent[s]) for s in sector_names])
    precinct_code = parent_code[sector_code]
    mix = cal["mix"]
    categories = list(mix.index)
    category_code = rng.choice(len(categories), size=rows, p=(mix / mix.sum()).to_numpy())
    # day weights: yearly trend x week-of-year season
    start = np.datetime64(f"{FIRST_YEAR}-01-01")
    end = np.datetime64(f"{LAST_YEAR}-12-31")
    all_days = np.arange(start, end + 1)
    years = all_days.astype("datetime64[Y]").astype(int) + 1970
    day_of_year = (all_days - all_days.astype("datetime64[Y]")).astype(int)
    weights = (
        cal["per_year"][years - FIRST_YEAR]
        / np.bincount(years - FIRST_YEAR)[years - FIRST_YEAR]
        * cal["season"][np.minimum(day_of_year // 7, 52)]
    )
    day = rng.choice(len(all_days), size=rows, p=weights / weights.sum())
    seconds = rng.integers(0, 86_400, size=rows)
    times = (start + day).astype("datetime64[us]") + (seconds * 1_000_000).astype("timedelta64[us]")
    frame = pd.DataFrame(
        {
            "time": times,
            "category": pd.Categorical.from_codes(category_code, categories=categories),
            "precinct": pd.Categorical.from_codes(precinct_code, categories=precincts),
            "sector": pd.Categorical.from_codes(sector_code, categories=sector_names),
        }
    )
    return frame, sector_parent


def pandas_straightforward(frame: pd.DataFrame) -> dict[tuple[str, int, str], pd.Series]:
    """What one would write first: a mask per period, a groupby per level."""
    out: dict[tuple[str, int, str], pd.Series] = {}
    for years in (0, 1, *HISTORY):
        periods = compstat_periods(week_ending=WEEK_ENDING, years_back=years)
        for name, (first, last) in periods.items():
            if years >= 2 and name != "ytd":
                continue
            day = frame["time"].dt.normalize()
            mask = (day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))
            subset = frame[mask]
            for level in ("sector", "precinct"):
                out[(level, years, name)] = subset.groupby(
                    [level, "category"], observed=True
                ).size()
    return out


def floor_keys(frame: pd.DataFrame) -> tuple[np.ndarray, int, int, int]:
    """Precompute (sector, category, period-bin) keys; not timed."""
    day = frame["time"].to_numpy().astype("datetime64[D]")
    bins = np.full(len(frame), -1, dtype=np.int64)
    n_bins = 0
    for years in (0, 1, *HISTORY):
        periods = compstat_periods(week_ending=WEEK_ENDING, years_back=years)
        for name, (first, last) in periods.items():
            if years >= 2 and name != "ytd":
                continue
            inside = (day >= np.datetime64(first)) & (day <= np.datetime64(last))
            # disjoint bins are enough to time one counting pass
            bins[inside & (bins < 0)] = n_bins
            n_bins += 1
    n_cat = len(frame["category"].cat.categories)
    n_sec = len(frame["sector"].cat.categories)
    keys = (
        np.asarray(frame["sector"].cat.codes, dtype=np.int64) * n_cat
        + np.asarray(frame["category"].cat.codes, dtype=np.int64)
    ) * (n_bins + 1) + (bins + 1)
    return keys, n_sec, n_cat, n_bins + 1


def best_times(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best wall time of each function over ``repeat`` interleaved rounds.

    Interleaving keeps a busy machine (other processes) from favouring one contender.
    """
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def traced_peak(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Peak bytes allocated (numpy included) while ``fn`` runs, and its result."""
    gc.collect()
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return float(peak), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="generated records")
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds (best is kept)")
    args = parser.parse_args()

    print(f"Generating {args.rows:,} records (GENERATED, calibrated on real NYPD files)...")
    start = time.perf_counter()
    frame, parents = generate(args.rows, args.seed)
    print(
        f"  done in {time.perf_counter() - start:.1f} s: {frame['precinct'].nunique()} "
        f"precincts, {frame['sector'].nunique()} sectors, "
        f"{frame['category'].nunique()} categories, {FIRST_YEAR}-{LAST_YEAR}; "
        f"input frame {frame.memory_usage(deep=True).sum() / 2**20:.0f} MiB"
    )
    print(f"Report week ending {WEEK_ENDING}, every sector and precinct, history {HISTORY}:")

    rollups = {"precinct": ("sector", parents)}

    def engine_counts() -> Any:
        codes = {
            "sector": (np.asarray(frame["sector"].cat.codes), list(frame["sector"].cat.categories))
        }
        return compstat_counts(
            times=frame["time"].to_numpy(),
            categories=np.asarray(frame["category"].cat.codes),
            category_labels=list(frame["category"].cat.categories),
            geographies=codes,
            week_ending=WEEK_ENDING,
            history_years=HISTORY,
            rollups=rollups,
        )

    def engine_reports() -> Any:
        return compstat_reports(
            frame,
            week_ending=WEEK_ENDING,
            levels=("sector", "precinct"),
            history_years=HISTORY,
            with_tests=False,
            rollups=rollups,
        )

    keys, n_sec, n_cat, n_bins = floor_keys(frame)
    parent_index = np.array(
        [
            list(frame["precinct"].cat.categories).index(parents[s])
            for s in frame["sector"].cat.categories
        ]
    )

    def floor() -> Any:
        per_sector = np.bincount(keys, minlength=n_sec * n_cat * n_bins).reshape(
            n_sec, n_cat, n_bins
        )
        per_precinct = np.zeros((parent_index.max() + 1, n_cat, n_bins), dtype=np.int64)
        np.add.at(per_precinct, parent_index, per_sector)
        return per_sector, per_precinct

    times = best_times(
        {"engine": engine_counts, "reports": engine_reports, "floor": floor}, args.repeat
    )
    start = time.perf_counter()
    m_pandas, by_pandas = traced_peak(lambda: pandas_straightforward(frame))
    times["pandas"] = time.perf_counter() - start
    m_engine, counted = traced_peak(engine_counts)
    m_reports, reports = traced_peak(engine_reports)
    m_floor, _ = traced_peak(floor)
    t_engine, t_reports, t_floor, t_pandas = (
        times["engine"],
        times["reports"],
        times["floor"],
        times["pandas"],
    )
    rows = [
        ("engine: compstat_counts (every figure)", t_engine, m_engine),
        ("engine: compstat_reports (+ report objects)", t_reports, m_reports),
        ("straightforward pandas (one run)", t_pandas, m_pandas),
        ("floor: one bincount over precomputed keys", t_floor, m_floor),
    ]
    for label, seconds, peak in rows:
        print(f"  {label:<44} {seconds * 1000:10.1f} ms   peak {peak / 2**20:8.1f} MiB")

    # the three agree
    check = 0
    for (level, years, name), series in by_pandas.items():
        counts = counted[level]
        for (geo, cat), n in series.items():
            assert counts.value(str(geo), str(cat), years, name) == n, (level, geo, cat)
            check += 1
    print(f"  engine == pandas on {check:,} non-zero figures; {len(reports)} reports built")

    print("Ratios:")
    print(f"  pandas / engine counts    {t_pandas / t_engine:7.1f}x faster   (target >= 10x)")
    print(f"  pandas / engine reports   {t_pandas / t_reports:7.1f}x faster")
    print(f"  engine counts / floor     {t_engine / t_floor:7.2f}x          (target <= 3x)")
    print(f"  engine reports / floor    {t_reports / t_floor:7.2f}x")
    print(
        f"  peak memory: engine {m_engine / 2**20:.0f} MiB, with reports "
        f"{m_reports / 2**20:.0f} MiB, pandas {m_pandas / 2**20:.0f} MiB, "
        f"floor {m_floor / 2**20:.0f} MiB (target < 2048 MiB; traced, input excluded)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  whole process max RSS {rss:.0f} MiB (generation and pandas included)")


if __name__ == "__main__":
    main()
