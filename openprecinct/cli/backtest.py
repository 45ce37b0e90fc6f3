"""``openprecinct backtest``: rolling-origin backtest of hotspot forecasts on a CSV file.

Reads a plain CSV (gzip fine), no database. Bad rows (duplicates, unparseable dates, missing
coordinates, events outside the area) are counted and reported, never fatal. Progress and those
counts go to stderr; the table (or, with ``--json``, exactly one JSON object) to stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
from pyproj import CRS

from openprecinct.analytics import backtest as bt
from openprecinct.analytics import geo
from openprecinct.analytics.bias import is_discretionary
from openprecinct.analytics.forecast import Events, days_from_datetime64
from openprecinct.analytics.forecast.registry import DEFAULT_METHOD, METHODS, make_method
from openprecinct.analytics.grid import Grid, make_grid
from openprecinct.analytics.times import parse_times
from openprecinct.cli.errors import CLIError

__all__ = ["build_parser", "run"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{message} (see 'openprecinct backtest --help')")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="openprecinct backtest",
        description="Rolling-origin backtest of hotspot forecasts: for each test period every "
        "method predicts from earlier events only; scores are hit rate, PAI and PEI at each "
        "coverage, averaged over periods with events.",
    )
    p.add_argument("--input", required=True, help="CSV file of events (.csv or .csv.gz)")
    p.add_argument(
        "--columns",
        required=True,
        help="t=COL,x=COL,y=COL[,category=COL]: which columns hold time, x, y, category",
    )
    p.add_argument(
        "--date-format",
        help="strftime format of the time column (default: ISO 8601, else the common "
        "format, month or day first, that reads most of a sample; a zone or UTC offset is "
        "dropped, keeping the clock time the file shows)",
    )
    p.add_argument(
        "--crs",
        required=True,
        help="CRS of x/y, e.g. EPSG:2263 (NYPD feet) or EPSG:4326 (x=longitude)",
    )
    p.add_argument(
        "--analysis-crs",
        help="metric CRS for the grid (default: the events' CRS if in metres, "
        "EPSG:32118 for EPSG:2263, the area's CRS if projected, else the UTM zone)",
    )
    p.add_argument(
        "--area", required=True, help="GeoJSON study area, in the CRS it declares (WGS84 when none)"
    )
    p.add_argument(
        "--area-crs",
        help="CRS of the area file when it declares none and is not longitude/latitude",
    )
    p.add_argument("--area-filter", help="PROPERTY=VALUE: keep area features with that property")
    p.add_argument("--category", help="keep only these categories (comma separated, any case)")
    p.add_argument(
        "--encoding",
        help="text encoding of the CSV (default: UTF-8, or Windows-1252 when the file is not "
        "valid UTF-8)",
    )
    p.add_argument(
        "--include-discretionary",
        action="store_true",
        help="keep discretionary-enforcement categories (drug arrests, stops, "
        "trespass...), which are excluded by default because they measure policing",
    )
    p.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="keep rows that repeat another row exactly (dropped by default)",
    )
    p.add_argument("--cell-size", type=float, default=150.0, help="metres (default 150)")
    p.add_argument("--grid", choices=["square", "hex"], default="square")
    p.add_argument("--train-start", required=True, help="first day of history, YYYY-MM-DD")
    p.add_argument("--test-start", required=True, help="first test day, YYYY-MM-DD")
    p.add_argument("--test-end", required=True, help="last test day (inclusive), YYYY-MM-DD")
    p.add_argument("--horizon", choices=["day", "week", "month"], default="day")
    p.add_argument(
        "--method",
        default="default",
        help=f"one of {', '.join(METHODS)}, 'default' ({DEFAULT_METHOD}), 'all', "
        "or a comma-separated list",
    )
    p.add_argument(
        "--coverage", default="1,5,10,20", help="percent of cells flagged (default 1,5,10,20)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--quiet", action="store_true", help="no progress or data report on stderr")
    return p


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr)


def _parse_columns(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise CLIError(
                f"--columns takes ROLE=COLUMN pairs such as t=date,x=X,y=Y; got {part!r}"
            )
        role, col = (s.strip() for s in part.split("=", 1))
        if role not in ("t", "x", "y", "category"):
            raise CLIError(f"--columns: unknown role {role!r}; roles are t, x, y and category")
        out[role] = col
    missing = [r for r in ("t", "x", "y") if r not in out]
    if missing:
        raise CLIError(f"--columns must name the {', '.join(missing)} column(s)")
    return out


def _parse_date(text: str, flag: str) -> np.datetime64:
    try:
        return np.datetime64(pd.Timestamp(text).date(), "D")
    except (ValueError, TypeError) as exc:
        raise CLIError(f"{flag} must be a date like 2015-01-01; got {text!r}") from exc


def _coverages(text: str) -> list[float]:
    try:
        vals = [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise CLIError(f"--coverage takes percentages like 1,5,10,20; got {text!r}") from exc
    if not vals or any(not (0 < v <= 100) for v in vals):
        raise CLIError(f"--coverage percentages must be in (0, 100]; got {text!r}")
    return vals


def _methods(text: str) -> list[str]:
    if text == "all":
        return list(METHODS)
    names = []
    for n in (s.strip() for s in text.split(",")):
        if not n:
            continue
        key = DEFAULT_METHOD if n == "default" else n
        if key not in METHODS:
            raise CLIError(f"unknown method {n!r}; choose from default, all, {', '.join(METHODS)}")
        if key not in names:
            names.append(key)
    if not names:
        raise CLIError("--method is empty")
    return names


def load_events(
    args: argparse.Namespace,
) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, int]]:
    """Read and clean the CSV.

    Returns the events (t as datetime64, x, y), the context events (every category but the
    discretionary ones, when ``--category`` selects some; else None) and a report of drops.
    """
    cols = _parse_columns(args.columns)
    path = Path(args.input)
    if not path.exists():
        raise CLIError(f"input file {path} does not exist")
    wanted = list(dict.fromkeys(cols.values()))
    try:
        parts, hashes = _read_rows(path, wanted, args.encoding or "utf-8")
    except UnicodeDecodeError:
        if args.encoding:
            raise CLIError(
                f"{path} is not valid {args.encoding}: give its encoding with --encoding "
                "(e.g. cp1252, latin-1)"
            ) from None
        # many cities export from Windows tools: read the bytes as Windows-1252 rather than
        # refuse the file, and say so
        _say(
            args,
            f"note: {path.name} is not valid UTF-8; read as Windows-1252 (cp1252). Give "
            "--encoding if it is another encoding.",
        )
        parts, hashes = _read_rows(path, wanted, "cp1252")
    if not parts:
        raise CLIError(f"{path} has a header but no rows")
    df = pd.concat(parts, ignore_index=True)
    report: dict[str, int] = {"rows_read": int(len(df))}
    dup = pd.Series(np.concatenate(hashes)).duplicated(keep="first").to_numpy()
    report["duplicate_rows"] = int(dup.sum())
    if not args.keep_duplicates:
        df = df[~dup]
    context: pd.DataFrame | None = None
    if "category" in cols:
        cat = df[cols["category"]].astype(str).str.strip()
        if not args.include_discretionary:
            flags = {c: is_discretionary(c) for c in cat.unique()}  # once per category
            disc = cat.map(flags).astype(bool)
            report["discretionary_excluded"] = int(disc.sum())
            if disc.any():
                names = sorted(set(cat[disc]))[:5]
                _say(
                    args,
                    f"warning: excluded {int(disc.sum())} discretionary-enforcement events "
                    f"({', '.join(names)}{'...' if len(set(cat[disc])) > 5 else ''}): they "
                    "measure where police looked; --include-discretionary keeps them",
                )
            df, cat = df[~disc], cat[~disc]
        if args.category:
            chosen = {c.strip().upper() for c in args.category.split(",") if c.strip()}
            upper = cat.str.upper()
            keep = upper.isin(chosen)
            absent = sorted(chosen - set(upper[keep].unique()))
            if absent:
                common = cat.value_counts().index[:12]
                listed = ", ".join(map(str, common)) + (" ..." if cat.nunique() > 12 else "")
                message = f"no row has the category {', '.join(map(repr, absent))}"
                if not keep.any():
                    raise CLIError(f"{message}; the most common in the file are: {listed}")
                _say(args, f"warning: {message}")
            report["other_categories"] = int((~keep).sum())
            context = _clean(df, cols, args)[0]
            df = df[keep]
    elif args.category:
        raise CLIError("--category needs a category column: add category=COL to --columns")
    out, bad_t, bad_xy = _clean(df, cols, args)
    report["unparseable_dates"] = bad_t
    report["missing_coordinates"] = bad_xy
    return out, context, report


def _read_rows(
    path: Path, wanted: list[str], encoding: str
) -> tuple[list[pd.DataFrame], list[np.ndarray]]:
    """The wanted columns of ``path`` in chunks, with a hash of each whole row (duplicates).

    Reading in chunks keeps memory to the columns used, not the width of the file. Raises
    ``UnicodeDecodeError`` when the file is not valid UTF-8 and ``encoding`` is UTF-8 (the
    caller decides); any other encoding replaces the bytes it cannot decode.
    """
    parts: list[pd.DataFrame] = []
    hashes: list[np.ndarray] = []
    strict = encoding.replace("_", "-").lower() in ("utf-8", "utf8")
    try:
        reader = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            chunksize=200_000,
            encoding=encoding,
            encoding_errors="strict" if strict else "replace",
        )
        for chunk in reader:
            absent = [c for c in wanted if c not in chunk.columns]
            if absent:
                raise CLIError(
                    f"column(s) {', '.join(absent)} not in {path.name}; its columns "
                    f"are: {', '.join(map(str, chunk.columns[:30]))}"
                )
            hashes.append(pd.util.hash_pandas_object(chunk, index=False).to_numpy())
            parts.append(chunk[wanted].copy())
    except LookupError:
        raise CLIError(f"unknown --encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)") from None
    except (pd.errors.ParserError, OSError, EOFError) as exc:
        raise CLIError(f"cannot read {path} as CSV: {str(exc).splitlines()[0]}") from exc
    except pd.errors.EmptyDataError as exc:
        raise CLIError(f"{path} is empty") from exc
    return parts, hashes


def _clean(
    df: pd.DataFrame, cols: dict[str, str], args: argparse.Namespace
) -> tuple[pd.DataFrame, int, int]:
    t = parse_times(df[cols["t"]].astype(str), args.date_format)
    x = pd.to_numeric(df[cols["x"]].astype(str).str.replace(",", "").str.strip(), errors="coerce")
    y = pd.to_numeric(df[cols["y"]].astype(str).str.replace(",", "").str.strip(), errors="coerce")
    bad_t = t.isna()
    # (0, 0) is how many cities' exports say "not geocoded": missing, not a far-away point
    bad_xy = ~bad_t & (~(np.isfinite(x) & np.isfinite(y)) | ((x == 0) & (y == 0)))
    keep = ~(bad_t | bad_xy)
    out = pd.DataFrame(
        {
            "t": t[keep].to_numpy(dtype="datetime64[ms]"),
            "x": x[keep].to_numpy(float),
            "y": y[keep].to_numpy(float),
        }
    )
    return out, int(bad_t.sum()), int(bad_xy.sum())


def _area_crs(args: argparse.Namespace) -> Any:
    if args.area_crs:
        return geo.parse_crs(args.area_crs)
    try:
        with open(args.area, encoding="utf-8") as fh:
            obj = json.load(fh)
    except (OSError, ValueError):
        return geo.parse_crs(geo.WGS84)  # load_area reports the problem
    return geo.parse_crs(geo.geojson_crs(obj) if isinstance(obj, dict) else geo.WGS84)


def _warn_if_misplaced(
    args: argparse.Namespace, rows: pd.DataFrame, dst: CRS, grid: Grid, inside: int
) -> None:
    """Say what to check when the events look misplaced: x and y the other way round would put
    more of them in the area, or none falls in it. (A precinct of a citywide file holds a few
    per cent of its events: that is no reason to warn.)"""
    n = len(rows)
    if n == 0 or inside >= 0.5 * n:
        return
    try:
        sx, sy = geo.transform_xy(
            rows["y"].to_numpy(), rows["x"].to_numpy(), src_crs=args.crs, dst_crs=dst
        )
        swapped = int((grid.locate(sx, sy) >= 0).sum())
    except geo.GeoError:
        swapped = 0
    if swapped > 2 * inside:
        _say(
            args,
            f"warning: {inside / n:.1%} of the events fall in the area, and {swapped / n:.1%} "
            "would with x and y the other way round: check --columns (x is the easting or "
            "longitude, y the northing or latitude)",
        )
    elif inside == 0:
        _say(
            args,
            "warning: no event falls in the area: check --crs (the events' coordinates), the "
            "area's CRS (--area-crs when the file declares none) and --area-filter",
        )


def run(argv: Sequence[str]) -> int:
    """Run the command; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    coverages = _coverages(args.coverage)
    names = _methods(args.method)
    if not (
        isinstance(args.cell_size, float) and math.isfinite(args.cell_size) and args.cell_size > 0
    ):
        raise CLIError(f"--cell-size must be a positive number of metres; got {args.cell_size}")
    train_start = _parse_date(args.train_start, "--train-start")
    test_start = _parse_date(args.test_start, "--test-start")
    test_end = _parse_date(args.test_end, "--test-end")
    if not train_start <= test_start <= test_end:
        raise CLIError("dates must satisfy --train-start <= --test-start <= --test-end")
    try:
        periods = bt.make_periods(test_start, test_end, args.horizon)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    if not periods:
        raise CLIError(f"the test window {test_start}..{test_end} holds no whole {args.horizon}")

    rows, context_rows, report = load_events(args)
    if rows.empty:
        raise CLIError(
            "no usable event in the input (see the counts above); check --columns, "
            "--date-format and --category"
        )
    try:
        src = geo.parse_crs(args.crs)
        if args.analysis_crs:
            dst = geo.parse_crs(args.analysis_crs)
        elif src.is_geographic and _area_crs(args).is_projected:
            dst = geo.analysis_crs_for(_area_crs(args), [0.0], [0.0])
        else:
            dst = geo.analysis_crs_for(src, rows["x"].to_numpy(), rows["y"].to_numpy())
        if not dst.is_projected:
            raise CLIError(f"--analysis-crs must be a projected CRS in metres; got {dst.name}")
        xm, ym = geo.transform_xy(
            rows["x"].to_numpy(), rows["y"].to_numpy(), src_crs=args.crs, dst_crs=dst
        )
        filt = None
        if args.area_filter:
            if "=" not in args.area_filter:
                raise CLIError("--area-filter takes PROPERTY=VALUE, e.g. precinct=120")
            k, v = args.area_filter.split("=", 1)
            filt = (k.strip(), v.strip())
        area = geo.load_area(
            args.area, property_filter=filt, dst_crs=dst, src_crs=args.area_crs or None
        )
    except geo.GeoError as exc:
        raise CLIError(str(exc)) from exc
    grid = make_grid(area, args.cell_size, args.grid)
    cells = grid.locate(xm, ym)
    bad_proj = ~(np.isfinite(xm) & np.isfinite(ym))
    report["missing_coordinates"] += int(bad_proj.sum())
    outside = (cells < 0) & ~bad_proj
    report["outside_area"] = int(outside.sum())
    keep = cells >= 0
    t_days = days_from_datetime64(rows["t"].to_numpy()[keep])
    events = Events(t_days, xm[keep], ym[keep])
    t0 = float(days_from_datetime64(train_start))
    report["before_train_start"] = int((t_days < t0).sum())
    report["events_used"] = int((t_days >= t0).sum())
    for k, v in report.items():
        _say(args, f"{k.replace('_', ' ')}: {v}")
    _warn_if_misplaced(args, rows, dst, grid, inside=int((cells >= 0).sum()))
    _say(
        args,
        f"grid: {grid.n_cells} {args.grid} cells of {args.cell_size:g} m "
        f"({area.area / 1e6:.2f} km2, analysis CRS {geo.crs_label(dst)}); "
        f"{len(periods)} test {args.horizon}s; methods: {', '.join(names)}",
    )
    methods = {n: make_method(n) for n in names}
    context = None
    if context_rows is not None and not context_rows.empty:
        cx, cy = geo.transform_xy(
            context_rows["x"].to_numpy(),
            context_rows["y"].to_numpy(),
            src_crs=args.crs,
            dst_crs=dst,
        )
        ok = np.isfinite(cx) & np.isfinite(cy)
        context = Events(days_from_datetime64(context_rows["t"].to_numpy()[ok]), cx[ok], cy[ok])
    result = bt.backtest(
        events,
        grid,
        methods,
        periods,
        coverages=[c / 100 for c in coverages],
        train_start=t0,
        context=context,
    )
    if result.periods_scored == 0:
        _say(args, "warning: no test period has events; nothing was scored")
    out = result.to_dict()
    out["default_method"] = DEFAULT_METHOD
    out["best_method"] = bt.select_winner(result) if result.periods_scored else None
    if DEFAULT_METHOD in result.methods and result.periods_scored > 1:
        # per-period paired comparison of every other method with the default (Wilcoxon)
        for name in result.methods:
            if name == DEFAULT_METHOD:
                continue
            tests = {}
            for c in result.coverages:
                pt = bt.paired_test(result, DEFAULT_METHOD, name, c)
                tests[f"{c * 100:g}"] = {
                    "mean_difference": None
                    if not math.isfinite(pt.mean_difference)
                    else round(pt.mean_difference, 6),
                    "p_value": None if not math.isfinite(pt.p_value) else round(pt.p_value, 6),
                }
            out["methods"][name]["paired_test_vs_default"] = tests
    out["input"] = report
    out["analysis_crs"] = dst.to_string()
    out["horizon"] = args.horizon
    if args.json:
        print(json.dumps(out, allow_nan=False))
    else:
        print(_table(out, coverages))
    return 0


def _table(out: dict[str, Any], coverages: list[float]) -> str:
    hdr = "".join(f" | HR@{c:g}%  PAI   PEI " for c in coverages)
    lines = [f"{'method':14s}{hdr} | fit s | pred s", "-" * (14 + len(hdr) + 18)]
    items = list(out["methods"].items()) + [("oracle", out["oracle"])]
    for name, m in items:
        cells = ""
        for c in coverages:
            s = m["coverage"][f"{c:g}"]
            hr = "  -  " if s["hit_rate"] is None else f"{s['hit_rate'] * 100:5.1f}%"
            pai = "  - " if s["pai"] is None else f"{s['pai']:5.2f}"
            pei = "  - " if s["pei"] is None else f"{s['pei']:4.2f}"
            cells += f" | {hr} {pai} {pei}"
        fit = m["fit_seconds"] or 0.0
        pred = m["predict_seconds_per_period"] or 0.0
        lines.append(f"{name:14s}{cells} | {fit:5.2f} | {pred:.3f}")
    lines.append(
        f"periods scored: {out['periods']} of {out['periods_total']} "
        f"({out['periods_skipped_no_events']} without events skipped); test events: "
        f"{out['events_test']}; cells: {out['cells']}; default method: "
        f"{out['default_method']}; best here: {out['best_method']}"
    )
    return "\n".join(lines)
