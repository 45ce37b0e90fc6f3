"""Write a synthetic calls-for-service CSV for daily backtests (there are no record-level 911
calls in ``shared/data``; see DESIGN.md).

Calls come from fixed addresses placed on the real 120th Precinct crime-map points (plus 80 m
noise), with log-normal address weights (a few addresses call very often) and repeat calls:
each call triggers Poisson(``--repeat``) more from the same address after Exp(2 days). Output
columns ``t,x,y,category`` in EPSG:32118 metres, one month of history plus ``--test-days``.

Usage: ``python benchmarks/forecast/synthetic_calls.py --seed 1 --per-day 70 --spread 1.5
--repeat 0.3 --out cfs1.csv`` then run ``openprecinct backtest --horizon day`` and
``shared/bench/opencp_baseline.py --period day --train-days 31`` on it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from openprecinct.analytics import geo

DATA = Path("/work/shared/data")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--per-day", type=float, default=70.0)
    p.add_argument("--spread", type=float, default=1.5, help="sigma of log address weights")
    p.add_argument("--repeat", type=float, default=0.3, help="repeat calls per call")
    p.add_argument("--test-days", type=int, default=28)
    p.add_argument(
        "--points",
        help="CSV with x,y columns (metres) to place addresses on, e.g. "
        "the f120.csv that shared/bench/prepare_nypd.py writes (the published runs)",
    )
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    rng = np.random.default_rng(a.seed)
    if a.points:
        base = pd.read_csv(a.points)[["x", "y"]].drop_duplicates().to_numpy()
    else:
        f = pd.read_csv(DATA / "nypd_crime_map_felonies_si_2013_2015.csv.gz")
        f = f[f["_precinct_2024"].astype(str) == "120"]
        bx, by = geo.transform_xy(f["X"].to_numpy(float), f["Y"].to_numpy(float), src_crs=2263)
        base = np.unique(np.column_stack([bx, by]), axis=0)
    n_addr = 6000
    addr = base[rng.integers(0, len(base), n_addr)] + rng.normal(0, 80, (n_addr, 2))
    w = rng.lognormal(0, a.spread, n_addr)
    w /= w.sum()
    days = 31 + a.test_days
    n = rng.poisson(a.per_day * (1 - a.repeat) * days)
    t = list(rng.uniform(0, days, n))
    who = list(rng.choice(n_addr, n, p=w))
    i = 0
    while i < len(t):
        for _ in range(rng.poisson(a.repeat)):
            tt = t[i] + rng.exponential(2.0)
            if tt < days:
                t.append(tt)
                who.append(who[i])
        i += 1
    ts = pd.Timestamp("2024-03-01") + pd.to_timedelta(np.array(t), unit="D")
    idx = np.array(who)
    df = pd.DataFrame(
        {
            "t": ts.strftime("%Y-%m-%dT%H:%M:%S"),
            "x": addr[idx, 0].round(1),
            "y": addr[idx, 1].round(1),
            "category": "CALL",
        }
    )
    df.sort_values("t").to_csv(a.out, index=False)
    print(f"wrote {len(df)} calls to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
