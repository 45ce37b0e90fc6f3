"""Held-out check of the default method: series it was not tuned on.

The blend's design choices were made looking at the 120th Precinct's runs (``accuracy.py``).
This script scores it on series that played no part in those choices, next to the best of the
open_cp-style baselines (our ``naive``, ``naivelong``, ``kde``, ``retro``, ``prohot``,
``seppgrid``, ``sepp``: the predictors open_cp's harness runs) chosen per coverage after the
fact, which is how the acceptance bar reads open_cp's side:

* monthly, 150 m cells, train 2013-01..2014-12, test 2015-01..11: burglary, vehicle theft and
  robbery in each of the 121st, 122nd and 123rd Precincts (the other felonies as context), and
  the same offences in the 120th (tuned on) and over Staten Island;
* monthly, shootings in the 120th and over Staten Island, a test year (2011, 2013, ..., 2019)
  after four years of history: the sparse long-history case of the acceptance bar;
* daily, one month of history, 28 test days: synthetic calls for service
  (``synthetic_calls.py``) on the 120th's points with seeds 1-3 (the published runs) and 4-6,
  and on the 121st-123rd's points with seeds 11-13.

Usage: ``python benchmarks/forecast/heldout.py [--only SUBSTRING] [--blend JSON_KWARGS] [--hindsight]
[--work DIR] [--json out.json]``. Baselines are cached (they do not change when
the blend does); a few minutes on 2 cores without the cache.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from openprecinct.analytics import backtest as bt
from openprecinct.analytics import geo
from openprecinct.analytics.forecast import BlendForecast, Events, days_from_datetime64
from openprecinct.analytics.forecast.registry import make_method
from openprecinct.analytics.grid import SquareGrid

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hindsight as hs  # noqa: E402
import synthetic_calls  # noqa: E402

DATA = Path("/work/shared/data")
PREPARE = Path("/work/shared/bench/prepare_nypd.py")
COVS = (0.01, 0.05, 0.10, 0.20)
BASELINES = ("naive", "naivelong", "kde", "retro", "prohot", "seppgrid", "sepp")
OFFENCES = {
    "burglary": "BURGLARY",
    "vehicle theft": "GRAND LARCENY OF MOTOR VEHICLE",
    "robbery": "ROBBERY",
}
SHOOTING_YEARS = (2011, 2013, 2015, 2017, 2019)
"""Test years of the shooting runs, each after four years of history (monthly, sparse)."""
CALLS = {  # seed: (calls a day, sigma of log address weights, repeats per call, precinct)
    1: (70, 1.5, 0.3, "120"),
    2: (70, 1.0, 0.5, "120"),
    3: (40, 2.0, 0.1, "120"),
    4: (70, 1.5, 0.3, "120"),
    5: (70, 1.0, 0.5, "120"),
    6: (40, 2.0, 0.1, "120"),
    11: (70, 1.5, 0.3, "121"),
    12: (70, 1.0, 0.5, "122"),
    13: (40, 2.0, 0.1, "123"),
}


def felony_points() -> pd.DataFrame:
    d = pd.read_csv(DATA / "nypd_crime_map_felonies_si_2013_2015.csv.gz")
    d = d.loc[d.index.repeat(d["TOT"].astype(int))]
    x, y = geo.transform_xy(d["X"].to_numpy(float), d["Y"].to_numpy(float), src_crs="EPSG:2263")
    t = pd.to_datetime({"year": d["YR"], "month": d["MO"], "day": 1}).to_numpy()
    return pd.DataFrame(
        {
            "t": t,
            "x": x,
            "y": y,
            "category": d["CR"].to_numpy(),
            "precinct": d["_precinct_2024"].astype(str).to_numpy(),
        }
    )


def shootings() -> pd.DataFrame:
    d = pd.read_csv(DATA / "nypd_shootings_2006_2023h1.csv.gz", dtype=str)
    d = d[d["BORO"] == "STATEN ISLAND"].drop_duplicates("INCIDENT_KEY")
    t = pd.to_datetime(d["OCCUR_DATE"] + " " + d["OCCUR_TIME"], format="%m/%d/%Y %H:%M:%S")
    x = d["X_COORD_CD"].str.replace(",", "").astype(float).to_numpy()
    y = d["Y_COORD_CD"].str.replace(",", "").astype(float).to_numpy()
    xm, ym = geo.transform_xy(x, y, src_crs="EPSG:2263")
    return pd.DataFrame({"t": t.to_numpy(), "x": xm, "y": ym, "precinct": d["PRECINCT"].to_numpy()})


def events(df: pd.DataFrame) -> Events:
    return Events(
        days_from_datetime64(df["t"].to_numpy()), df["x"].to_numpy(float), df["y"].to_numpy(float)
    )


def area(precincts: list[str]) -> shapely.Geometry:
    return shapely.union_all(
        [
            geo.load_area(DATA / "nypd_precincts.geojson", property_filter=("precinct", p))
            for p in precincts
        ]
    )


def calls_file(seed: int, out: Path) -> pd.DataFrame:
    per_day, spread, repeat, precinct = CALLS[seed]
    if not out.exists():
        pts = out.with_suffix(".points.csv")
        # the published runs place addresses on shared/bench/prepare_nypd.py's output
        subprocess.run(
            [
                sys.executable,
                str(PREPARE),
                "nypd-felonies",
                str(DATA / "nypd_crime_map_felonies_si_2013_2015.csv.gz"),
                f"--out={pts}",
                f"--precincts={precinct}",
            ],
            check=True,
            capture_output=True,
        )
        synthetic_calls.main(
            [
                f"--seed={seed}",
                f"--per-day={per_day}",
                f"--spread={spread}",
                f"--repeat={repeat}",
                f"--points={pts}",
                f"--out={out}",
            ]
        )
    df = pd.read_csv(out)
    df["t"] = pd.to_datetime(df["t"]).to_numpy()
    return df


def runs(work: Path) -> list[tuple[str, dict[str, object]]]:
    fp = felony_points()
    out: list[tuple[str, dict[str, object]]] = []
    groups = [["121"], ["122"], ["123"], ["120"], ["120", "121", "122", "123"]]
    for pcts in groups:
        where = "SI" if len(pcts) > 1 else pcts[0]
        df = fp[fp["precinct"].isin(pcts)]
        for label, cat in OFFENCES.items():
            for test, suffix in (
                (("2015-01-01", "2015-11-30"), ""),
                (("2014-01-01", "2014-12-31"), " 2014"),
            ):
                out.append(
                    (
                        f"{where} {label}{suffix}",
                        {
                            "own": events(df[df["category"] == cat]),
                            "context": events(df),
                            "area": pcts,
                            "train": "2013-01-01",
                            "test": (*test, "month"),
                            "held_out": where != "120" or bool(suffix),
                        },
                    )
                )
    shots = shootings()
    for where, pcts in (("120", ["120"]), ("SI", ["120", "121", "122", "123"])):
        df = shots[shots["precinct"].isin(pcts)]
        for year in SHOOTING_YEARS:
            out.append(
                (
                    f"{where} shootings {year}",
                    {
                        "own": events(df),
                        "context": None,
                        "area": pcts,
                        "train": f"{year - 4}-01-01",
                        "test": (f"{year}-01-01", f"{year}-12-31", "month"),
                        "held_out": True,
                    },
                )
            )
    for seed, (_, _, _, precinct) in CALLS.items():
        df = calls_file(seed, work / f"calls{seed}.csv")
        out.append(
            (
                f"calls seed {seed} ({precinct})",
                {
                    "own": events(df),
                    "context": None,
                    "area": [precinct],
                    "train": "2024-03-01",
                    "test": ("2024-04-01", "2024-04-28", "day"),
                    "held_out": seed > 3,
                },
            )
        )
    return out


def score(spec: dict[str, object], methods: dict[str, object]) -> dict[str, list[float]]:
    grid = SquareGrid(area(spec["area"]), 150.0)  # type: ignore[arg-type]
    test_start, test_end, horizon = spec["test"]  # type: ignore[misc]
    res = bt.backtest(
        spec["own"],  # type: ignore[arg-type]
        grid,
        methods,  # type: ignore[arg-type]
        bt.make_periods(test_start, test_end, horizon),
        coverages=COVS,
        train_start=float(days_from_datetime64(np.datetime64(spec["train"]))),
        context=spec["context"],  # type: ignore[arg-type]
    )
    return {
        m: [round(s.coverage[c].hit_rate * 100, 1) for c in COVS] for m, s in res.methods.items()
    }


def _bar_summary(rows: list[dict[str, object]]) -> str:
    """Means of the best baseline, the blend and the hindsight ranking over the runs, and on
    how many runs each meets the sparse bar (at least 5 % ahead of the best baseline at 5, 10
    and 20 %, not behind at 1 %)."""

    def meets(v: list[float], best: list[float]) -> bool:
        return v[0] >= best[0] and all(x >= 1.05 * b for x, b in zip(v[1:], best[1:], strict=True))

    lines = []
    for key in ("best", "blend", "hindsight"):
        vals = np.array([r[key] for r in rows], float)
        met = sum(meets(list(r[key]), list(r["best"])) for r in rows)  # type: ignore[arg-type]
        lines.append(
            f"{key:9s}: mean " + " / ".join(f"{v:4.1f}" for v in vals.mean(axis=0))
            + (f", sparse bar met on {met} of {len(rows)} runs" if key != "best" else "")
        )  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="")
    p.add_argument("--blend", default="{}", help="BlendForecast keyword arguments, JSON")
    p.add_argument(
        "--work",
        default=str(Path(tempfile.gettempdir()) / "openprecinct-heldout"),
        help="where the generated call files and the cached baseline scores go",
    )
    p.add_argument(
        "--hindsight",
        action="store_true",
        help="also score the monthly runs with rankings that see the test year (hindsight.py)",
    )
    p.add_argument("--json")
    a = p.parse_args(argv)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    cache_path = work / "baselines.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    kwargs = json.loads(a.blend)
    started = time.perf_counter()
    table = {}
    for name, spec in runs(work):
        if a.only and a.only not in name:
            continue
        if name not in cache:
            cache[name] = score(spec, {m: make_method(m) for m in BASELINES})
            cache_path.write_text(json.dumps(cache, indent=1))
        blend = score(spec, {"blend": BlendForecast(**kwargs)})["blend"]
        base = cache[name]
        best = [max(base[m][i] for m in BASELINES) for i in range(len(COVS))]
        gap = [round(b - o, 1) for b, o in zip(blend, best, strict=True)]
        table[name] = {"best": best, "blend": blend, "gap": gap, "held_out": spec["held_out"]}
        flag = "" if all(g >= 0 for g in gap) else "  behind"
        if a.hindsight and spec["test"][2] == "month":  # type: ignore[index]
            seen = hs.best(score(spec, hs.methods(spec["own"])))  # type: ignore[arg-type]
            table[name]["hindsight"] = seen
            flag += "  hindsight " + " / ".join(f"{v:4.1f}" for v in seen)
        print(
            f"{name:26s} {'held-out' if spec['held_out'] else 'tuned   '}  best "
            + " / ".join(f"{v:4.1f}" for v in best)
            + "  blend "
            + " / ".join(f"{v:4.1f}" for v in blend)
            + "  gap "
            + " ".join(f"{v:+5.1f}" for v in gap)
            + flag,
            flush=True,
        )
    groups = {
        "monthly": [r for n, r in table.items() if not n.startswith("calls")],
        "daily": [r for n, r in table.items() if n.startswith("calls")],
        "held-out": [r for r in table.values() if r["held_out"]],
    }
    for label, rows in groups.items():
        if not rows:
            continue
        gaps = np.array([r["gap"] for r in rows])
        print(
            f"{label:9s}: mean gap (points) "
            + " / ".join(f"{v:+.2f}" for v in gaps.mean(axis=0))
            + f", runs behind somewhere {int((gaps < 0).any(axis=1).sum())}/{len(gaps)}"
            + ", behind at 1 % "
            + str(int((gaps[:, 0] < 0).sum()))
            + f", sum of shortfalls {float(np.minimum(gaps, 0).sum()):.1f}"
        )
    seen_rows = [r for r in table.values() if "hindsight" in r]
    if seen_rows:
        print(_bar_summary(seen_rows))
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if a.json:
        Path(a.json).write_text(json.dumps(table, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
