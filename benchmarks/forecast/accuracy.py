"""Accuracy benchmark: our forecasters on the real NYPD data, with the protocol of
``shared/bench/opencp_baseline.py``, next to open_cp's published figures.

Runs (monthly forecasts, 150 m cells touching the study area, each period sees only earlier
events, hit rate = share of the period's events in the top c % of cells):

* 120th Precinct felony points (crime map), train 2013-01..2014-08, test 2015-01..11, all
  felonies and each of burglary, vehicle theft and robbery (the other offences are context);
* all Staten Island felonies and burglary / vehicle theft (7,036 cells);
* 120th Precinct shootings, history from 2006, test 2020-2022.

It also applies the rule that picks the default method (``docs/forecasting.md``): the method
with the highest hit rate averaged over 1/5/10/20 % and over these runs.

Usage: ``python benchmarks/forecast/accuracy.py [--methods all] [--json out.json]``
(about a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from openprecinct.analytics import backtest as bt
from openprecinct.analytics import geo
from openprecinct.analytics.forecast import Events, days_from_datetime64
from openprecinct.analytics.forecast.registry import DEFAULT_METHOD, METHODS, make_method
from openprecinct.analytics.grid import SquareGrid

DATA = Path("/work/shared/data")
COVS = (0.01, 0.05, 0.10, 0.20)

# open_cp 0.2.0 figures from shared/bench/README.md (hit rate %, 1/5/10/20 %): best open_cp
# predictor per run; None where the README gives none.
OPENCP = {
    "120 felonies": (11.0, 32.2, 46.6, 64.1),
    "SI felonies": (17.7, 40.7, 56.1, 71.9),
    "120 shootings": (10.3, 52.6, 69.0, 74.1),
}


def felonies(precincts: list[str]) -> pd.DataFrame:
    d = pd.read_csv(DATA / "nypd_crime_map_felonies_si_2013_2015.csv.gz")
    d = d[d["_precinct_2024"].astype(str).isin(precincts)]
    d = d.loc[d.index.repeat(d["TOT"].astype(int))]
    x, y = geo.transform_xy(d["X"].to_numpy(float), d["Y"].to_numpy(float), src_crs="EPSG:2263")
    t = pd.to_datetime({"year": d["YR"], "month": d["MO"], "day": 1}).to_numpy()
    return pd.DataFrame({"t": t, "x": x, "y": y, "category": d["CR"].to_numpy()})


def shootings(precincts: list[str]) -> pd.DataFrame:
    d = pd.read_csv(DATA / "nypd_shootings_2006_2023h1.csv.gz", dtype=str)
    d = d[d["PRECINCT"].isin(precincts)].drop_duplicates("INCIDENT_KEY")
    t = pd.to_datetime(d["OCCUR_DATE"] + " " + d["OCCUR_TIME"], format="%m/%d/%Y %H:%M:%S")
    x = d["X_COORD_CD"].str.replace(",", "").astype(float).to_numpy()
    y = d["Y_COORD_CD"].str.replace(",", "").astype(float).to_numpy()
    xm, ym = geo.transform_xy(x, y, src_crs="EPSG:2263")
    return pd.DataFrame({"t": t.to_numpy(), "x": xm, "y": ym, "category": "SHOOTING"})


def events(df: pd.DataFrame) -> Events:
    return Events(
        days_from_datetime64(df["t"].to_numpy()), df["x"].to_numpy(float), df["y"].to_numpy(float)
    )


def run_one(
    name: str,
    df: pd.DataFrame,
    category: str | None,
    precincts: list[str],
    train: str,
    test: str,
    end: str,
    methods: list[str],
) -> dict[str, object]:
    areas = [
        geo.load_area(DATA / "nypd_precincts.geojson", property_filter=("precinct", p))
        for p in precincts
    ]
    import shapely

    grid = SquareGrid(shapely.union_all(areas), 150.0)
    own = df if category is None else df[df["category"] == category]
    ctx = None if category is None else events(df)
    periods = bt.make_periods(test, end, "month")
    t0 = float(days_from_datetime64(np.datetime64(train)))
    res = bt.backtest(
        events(own),
        grid,
        {m: make_method(m) for m in methods},
        periods,
        coverages=COVS,
        train_start=t0,
        context=ctx,
    )
    out = {
        "cells": res.cells,
        "periods": res.periods_scored,
        "events_test": res.events_test,
        "methods": {},
    }
    for m, s in res.methods.items():
        out["methods"][m] = {  # type: ignore[index]
            "hit_rate": [round(s.coverage[c].hit_rate * 100, 1) for c in COVS],
            "fit_s": round(s.fit_seconds, 3),
            "predict_s": round(s.predict_seconds_per_period, 4),
        }
    if "blend" in res.methods and "naivelong" in res.methods:
        out["paired_blend_vs_naivelong"] = {
            f"{c * 100:g}": round(bt.paired_test(res, "blend", "naivelong", c).p_value, 3)
            for c in COVS
        }
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--methods", default="all")
    p.add_argument("--json")
    a = p.parse_args(argv)
    methods = list(METHODS) if a.methods == "all" else a.methods.split(",")
    f120 = felonies(["120"])
    fsi = felonies(["120", "121", "122", "123"])
    s120 = shootings(["120"])
    runs = [
        ("120 felonies", f120, None, ["120"], "2013-01-01", "2015-01-01", "2015-11-30"),
        ("120 burglary", f120, "BURGLARY", ["120"], "2013-01-01", "2015-01-01", "2015-11-30"),
        (
            "120 vehicle theft",
            f120,
            "GRAND LARCENY OF MOTOR VEHICLE",
            ["120"],
            "2013-01-01",
            "2015-01-01",
            "2015-11-30",
        ),
        ("120 robbery", f120, "ROBBERY", ["120"], "2013-01-01", "2015-01-01", "2015-11-30"),
        (
            "SI felonies",
            fsi,
            None,
            ["120", "121", "122", "123"],
            "2013-01-01",
            "2015-01-01",
            "2015-11-30",
        ),
        (
            "SI burglary",
            fsi,
            "BURGLARY",
            ["120", "121", "122", "123"],
            "2013-01-01",
            "2015-01-01",
            "2015-11-30",
        ),
        (
            "SI vehicle theft",
            fsi,
            "GRAND LARCENY OF MOTOR VEHICLE",
            ["120", "121", "122", "123"],
            "2013-01-01",
            "2015-01-01",
            "2015-11-30",
        ),
        ("120 shootings", s120, None, ["120"], "2006-01-01", "2020-01-01", "2022-12-31"),
    ]
    results: dict[str, dict[str, object]] = {}
    started = time.perf_counter()
    for name, df, cat, pcts, tr, ts, te in runs:
        results[name] = run_one(name, df, cat, pcts, tr, ts, te, methods)
        r = results[name]
        print(
            f"\n{name}: {r['cells']} cells, {r['periods']} months, {r['events_test']} test events"
            "  (hit rate % at 1 / 5 / 10 / 20 % of cells)"
        )
        for m, s in r["methods"].items():  # type: ignore[attr-defined]
            hr = " / ".join(f"{v:5.1f}" for v in s["hit_rate"])
            print(f"  {m:13s} {hr}   fit {s['fit_s']:.2f}s  predict {s['predict_s']:.3f}s")
        if name in OPENCP:
            print(
                f"  {'open_cp best':13s} "
                + " / ".join(f"{v:5.1f}" for v in OPENCP[name])
                + "   (shared/bench/README.md)"
            )
        if "paired_blend_vs_naivelong" in r:
            print(f"  Wilcoxon p, blend vs naivelong: {r['paired_blend_vs_naivelong']}")
    score = {
        m: float(
            np.mean(
                [
                    np.mean(r["methods"][m]["hit_rate"])  # type: ignore[index]
                    for r in results.values()
                ]
            )
        )
        for m in methods
    }
    winner = max(score, key=lambda m: (score[m], -methods.index(m)))
    print(
        "\nmean hit rate over runs and coverages: "
        + ", ".join(f"{m} {v:.1f}" for m, v in sorted(score.items(), key=lambda kv: -kv[1]))
    )
    print(
        f"rule winner: {winner}; DEFAULT_METHOD in the library: {DEFAULT_METHOD}"
        f"{'' if winner == DEFAULT_METHOD else '  <-- update registry.DEFAULT_METHOD'}"
    )
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if a.json:
        Path(a.json).write_text(
            json.dumps(
                {"runs": results, "score": score, "winner": winner},
                indent=1,
                allow_nan=False,
                default=str,
            )
        )
    return 0 if not math.isnan(score[winner]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
