"""Import benchmark: GENERATED NYPD complaint rows into SQLite and PostgreSQL, against pandas.

The rows are generated (not real), in the NYPD complaint schema (the 35 columns of
``nypd_complaints_si.csv.gz``), calibrated on the real files in ../shared/data:

* offence mix: the (KY_CD, OFNS_DESC, PD_CD, PD_DESC, LAW_CAT_CD, attempted) tuples of the 344
  real Staten Island complaints, with their frequencies; premises, victim and suspect fields
  from the same file's marginals;
* spatial spread: the real crime-map felony points and drug-arrest points of Staten Island
  (X/Y in EPSG:2263, crime-map points weighted by TOT) with 150 ft of Gaussian jitter;
  latitude/longitude computed from X/Y; 3% of rows have the location withheld ``(null)``;
* time pattern: month-of-year profile of the crime-map counts, hour of day of the real
  complaints, days 2016-2023; report lag (RPT_DT - CMPLNT_FR_DT) drawn from the real lags.

Each measurement runs in its own process (wall time and peak RSS of that process):

1. ``openprecinct import --schema nypd-complaints FILE`` into a migrated SQLite file, then into a
   scratch PostgreSQL database (created, migrated, dropped after);
2. the plain baseline: ``pandas.read_csv(FILE)`` then ``DataFrame.to_sql`` into the same engine
   (SQLite: a sqlite3 connection; PostgreSQL: SQLAlchemy + psycopg), no validation at all.

The importer does more than the baseline (validates every row, projects, assigns precinct and
sector by point-in-polygon, hashes content, quarantines, upserts idempotently); the ratio says
what that costs or saves.

Target (issue #4): into PostgreSQL at least 3x the baseline's rows per second, with the
importer's peak memory under 300 MB. The script prints the ratios and the machine's load, and
exits with status 1 when the target is missed (``--no-postgres`` checks nothing).

Run:  .venv/bin/python benchmarks/import_bench.py [--rows 1000000] [--pg postgres://...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PYTHON = sys.executable
HEADER = (
    "CMPLNT_NUM,CMPLNT_FR_DT,CMPLNT_FR_TM,CMPLNT_TO_DT,CMPLNT_TO_TM,ADDR_PCT_CD,RPT_DT,KY_CD,"
    "OFNS_DESC,PD_CD,PD_DESC,CRM_ATPT_CPTD_CD,LAW_CAT_CD,BORO_NM,LOC_OF_OCCUR_DESC,PREM_TYP_DESC,"
    "JURIS_DESC,JURISDICTION_CODE,PARKS_NM,HADEVELOPT,HOUSING_PSA,X_COORD_CD,Y_COORD_CD,"
    "SUSP_AGE_GROUP,SUSP_RACE,SUSP_SEX,Latitude,Longitude,Lat_Lon,PATROL_BORO,STATION_NAME,"
    "VIC_AGE_GROUP,VIC_RACE,VIC_SEX,_source"
).split(",")


def _real(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def generate(path: Path, rows: int, seed: int = 120) -> None:
    """Write ``rows`` generated complaints to ``path`` (plain CSV)."""
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    real = _real("nypd_complaints_si.csv.gz")
    offence_cols = ["KY_CD", "OFNS_DESC", "PD_CD", "PD_DESC", "LAW_CAT_CD", "CRM_ATPT_CPTD_CD"]
    offences = real[offence_cols].value_counts(normalize=True)
    pick = rng.choice(len(offences), size=rows, p=offences.to_numpy())
    table = (
        pd.DataFrame(list(offences.index), columns=offence_cols).iloc[pick].reset_index(drop=True)
    )

    def marginal(col: str) -> np.ndarray:
        counts = real[col].replace({"NA": "", "(null)": ""}).value_counts(normalize=True)
        return rng.choice(counts.index.to_numpy(), size=rows, p=counts.to_numpy())

    # where: real SI points (crime map weighted by TOT, drug arrests), jittered
    cmap = _real("nypd_crime_map_felonies_si_2013_2015.csv.gz")
    arrests = _real("nypd_arrests_si_drug_2013_2018.csv.gz")
    px = np.concatenate([cmap.X.astype(float), arrests.x_coord_cd.astype(float)])
    py = np.concatenate([cmap.Y.astype(float), arrests.y_coord_cd.astype(float)])
    pct = np.concatenate([cmap._precinct_2024.to_numpy(), arrests.arrest_precinct.to_numpy()])
    weight = np.concatenate([cmap.TOT.astype(float), np.ones(len(arrests))])
    at = rng.choice(len(px), size=rows, p=weight / weight.sum())
    x = np.round(px[at] + rng.normal(0, 150, rows))
    y = np.round(py[at] + rng.normal(0, 150, rows))
    lon, lat = Transformer.from_crs("EPSG:2263", "EPSG:4326", always_xy=True).transform(x, y)
    withheld = rng.random(rows) < 0.03

    # when: month profile of the crime map, hours of the real complaints, real report lags
    month_w = cmap.groupby(cmap.MO.astype(int)).TOT.apply(lambda s: s.astype(float).sum())
    month_w = month_w.reindex(range(1, 13)).fillna(month_w.mean()).to_numpy()
    days = pd.date_range("2016-01-01", "2023-12-31", freq="D")
    day_w = month_w[days.month - 1]
    day = days[rng.choice(len(days), size=rows, p=day_w / day_w.sum())]
    hours = real.CMPLNT_FR_TM.str.slice(0, 2).replace("", "12").astype(int).to_numpy()
    hour = rng.choice(hours, size=rows)
    minute = rng.integers(0, 60, rows)
    fr = pd.to_datetime(real.CMPLNT_FR_DT, format="%m/%d/%Y", errors="coerce")
    rp = pd.to_datetime(real.RPT_DT, format="%m/%d/%Y", errors="coerce")
    lags = (rp - fr).dt.days.dropna().clip(0, 365).astype(int).to_numpy()
    reported = day + pd.to_timedelta(rng.choice(lags, size=rows), unit="D")

    null = np.where(withheld, "(null)", "")
    frame = pd.DataFrame(
        {
            "CMPLNT_NUM": (100_000_000 + rng.permutation(rows * 3)[:rows]).astype(str),
            "CMPLNT_FR_DT": day.strftime("%m/%d/%Y"),
            "CMPLNT_FR_TM": [f"{h:02d}:{m:02d}:00" for h, m in zip(hour, minute, strict=True)],
            "CMPLNT_TO_DT": "",
            "CMPLNT_TO_TM": "",
            "ADDR_PCT_CD": pct[at],
            "RPT_DT": reported.strftime("%m/%d/%Y"),
            **{c: table[c].to_numpy() for c in offence_cols},
            "BORO_NM": "STATEN ISLAND",
            "LOC_OF_OCCUR_DESC": marginal("LOC_OF_OCCUR_DESC"),
            "PREM_TYP_DESC": marginal("PREM_TYP_DESC"),
            "JURIS_DESC": "N.Y. POLICE DEPT",
            "JURISDICTION_CODE": "0",
            "PARKS_NM": "(null)",
            "HADEVELOPT": "(null)",
            "HOUSING_PSA": "",
            "X_COORD_CD": np.where(withheld, null, x.astype(int).astype(str)),
            "Y_COORD_CD": np.where(withheld, null, y.astype(int).astype(str)),
            "SUSP_AGE_GROUP": marginal("SUSP_AGE_GROUP"),
            "SUSP_RACE": marginal("SUSP_RACE"),
            "SUSP_SEX": marginal("SUSP_SEX"),
            "Latitude": np.where(withheld, null, np.round(lat, 9).astype(str)),
            "Longitude": np.where(withheld, null, np.round(lon, 9).astype(str)),
            "Lat_Lon": "",
            "PATROL_BORO": "PATROL BORO STATEN ISLAND",
            "STATION_NAME": "(null)",
            "VIC_AGE_GROUP": marginal("VIC_AGE_GROUP"),
            "VIC_RACE": marginal("VIC_RACE"),
            "VIC_SEX": marginal("VIC_SEX"),
            "_source": "GENERATED by benchmarks/import_bench.py (calibrated on real NYPD files)",
        },
        columns=HEADER,
    )
    frame.to_csv(path, index=False)


def _hwm_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MB; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of the child process, and its stdout.

    The peak is the child's own high-water mark (VmHWM, polled every 50 ms): the rusage of
    wait4 would report this (large) benchmark process's peak, inherited across fork/exec.
    """
    start = time.perf_counter()
    peak = 0.0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        while proc.poll() is None:
            peak = max(peak, _hwm_mb(proc.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed:\n{stderr[-2000:]}")
    return seconds, peak, stdout


BASELINE = """
import sys, pandas as pd
path, url = sys.argv[1], sys.argv[2]
frame = pd.read_csv(path)
if url.startswith("sqlite"):
    import sqlite3
    con = sqlite3.connect(url.split("///", 1)[1])
    frame.to_sql("baseline_complaints", con, if_exists="replace", index=False)
    con.commit()
else:
    import sqlalchemy
    engine = sqlalchemy.create_engine(url.replace("postgres://", "postgresql+psycopg://", 1))
    frame.to_sql("baseline_complaints", engine, if_exists="replace", index=False)
print(len(frame))
"""


def run_target(name: str, url: str, csv_path: Path, rows: int, *, rerun: bool) -> dict[str, float]:
    env = {**os.environ, "OPENPRECINCT_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    subprocess.run([PYTHON, "-m", "openprecinct", "migrate", "-v0"], env=env, check=True)
    cmd = [PYTHON, "-m", "openprecinct", "import", "--schema", "nypd-complaints"]
    secs, peak, out = measure([*cmd, str(csv_path), "--json", "--quiet"], env)
    summary = json.loads(out)
    assert summary["read"] == rows
    assert summary["read"] == sum(
        summary[k] for k in ("imported", "updated", "unchanged", "quarantined")
    )
    again = float("nan")
    if rerun:
        again, _, out2 = measure([*cmd, str(csv_path), "--json", "--quiet"], env)
        assert json.loads(out2)["unchanged"] == rows - summary["quarantined"]
    b_secs, b_peak, b_out = measure([PYTHON, "-c", BASELINE, str(csv_path), url], env)
    assert int(b_out.strip()) == rows
    result = {
        "rows_per_s": rows / secs,
        "peak_mb": peak,
        "rerun_rows_per_s": rows / again,
        "baseline_rows_per_s": rows / b_secs,
        "baseline_peak_mb": b_peak,
    }
    print(
        f"{name:<11} importer {result['rows_per_s']:>9,.0f} rows/s  peak {peak:6.0f} MB | "
        f"baseline (pandas read_csv + to_sql) {result['baseline_rows_per_s']:>9,.0f} rows/s  "
        f"peak {b_peak:6.0f} MB | speed x{result['rows_per_s'] / result['baseline_rows_per_s']:.2f}"
        f"  memory x{peak / b_peak:.2f}"
        + (f" | re-run (all unchanged) {result['rerun_rows_per_s']:,.0f} rows/s" if rerun else ""),
        flush=True,
    )
    return result


TARGET_SPEED = 3.0
TARGET_PEAK_MB = 300.0


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description="Import benchmark (generated rows)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--pg",
        default="postgres://postgres@127.0.0.1:5432/test",
        help="an existing database to create the scratch database from",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--rerun", action="store_true", help="also time a second, unchanged run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="op_import_bench_") as tmp:
        csv_path = Path(tmp) / "generated_complaints.csv"
        t0 = time.perf_counter()
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        print(
            f"{args.rows:,} GENERATED complaint rows (NYPD schema, calibrated on real files), "
            f"{size:,.0f} MB, written in {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        print(f"load average before: {_load()} ({os.cpu_count()} CPUs)", flush=True)
        if not args.no_sqlite:
            run_target(
                "SQLite", f"sqlite:///{tmp}/bench.sqlite3", csv_path, args.rows, rerun=args.rerun
            )
        verdict = 0
        if not args.no_postgres:
            import psycopg

            scratch = "openprecinct_bench"
            with psycopg.connect(
                args.pg.replace("postgres://", "postgresql://", 1), autocommit=True
            ) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {scratch}")
                admin.execute(f"CREATE DATABASE {scratch}")
            url = args.pg.rsplit("/", 1)[0] + f"/{scratch}"
            try:
                result = run_target("PostgreSQL", url, csv_path, args.rows, rerun=args.rerun)
                speed = result["rows_per_s"] / result["baseline_rows_per_s"]
                ok = speed >= TARGET_SPEED and result["peak_mb"] < TARGET_PEAK_MB
                print(
                    f"target (PostgreSQL >= {TARGET_SPEED:.0f}x the baseline, peak < "
                    f"{TARGET_PEAK_MB:.0f} MB): {'MET' if ok else 'MISSED'} "
                    f"(x{speed:.2f}, {result['peak_mb']:.0f} MB)",
                    flush=True,
                )
                verdict = 0 if ok else 1
            finally:
                with psycopg.connect(
                    args.pg.replace("postgres://", "postgresql://", 1), autocommit=True
                ) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
        print(f"load average after: {_load()}", flush=True)
    raise SystemExit(verdict)


if __name__ == "__main__":
    main()
