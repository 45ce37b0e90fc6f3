"""``openprecinct compstat``: the weekly CompStat report, from a file or the database.

With ``--input`` it reads a CSV (gzip too) and never touches Django or a database; without
it, the command is handed to Django's ``compstat`` management command.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from openprecinct.cli.errors import CLIError

SCHEMAS = ("nypd-complaints", "generic", "nypd-weekly-counts")
FORMATS = ("table", "csv", "json", "pdf")


def wants_django(argv: list[str]) -> bool:
    """True when the report should come from the database (no ``--input`` given)."""
    if any(a in ("-h", "--help") for a in argv):
        return False
    return not any(a == "--input" or a.startswith("--input=") for a in argv)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one-line error, exit 1
        raise CLIError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="openprecinct compstat",
        description="Weekly CompStat report (week to date, 28 days, year to date against the "
        "same dates one year earlier, plus 2-, 12- and 20-year changes) from a CSV file.",
    )
    parser.add_argument("--input", required=True, help="CSV file (.csv or .csv.gz)")
    parser.add_argument(
        "--schema",
        choices=SCHEMAS,
        default="nypd-complaints",
        help="file layout: NYPD complaint data (default), any CSV with --columns, or NYPD's "
        "weekly count series",
    )
    parser.add_argument(
        "--precinct",
        default="all",
        help="precinct number, comma-separated list, or 'all' (default)",
    )
    parser.add_argument(
        "--level",
        choices=("precinct", "sector", "borough", "city"),
        default="precinct",
        help="geography of the reports (default precinct; --precinct then filters sectors)",
    )
    parser.add_argument("--week-ending", required=True, help="Sunday ending the report week")
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default table)"
    )
    parser.add_argument("--output", help="file to write (default: standard output)")
    parser.add_argument(
        "--columns",
        help="generic schema: id=..,time=..,category=..,precinct=.. (also report_time, "
        "sector, borough)",
    )
    parser.add_argument(
        "--date-field",
        choices=("occurrence", "report"),
        default="occurrence",
        help="date that places a record in a period (default occurrence)",
    )
    parser.add_argument(
        "--history",
        default="2,12,20",
        help="years back of the longer YTD comparisons (default 2,12,20)",
    )
    parser.add_argument(
        "--complete-from",
        help="first day the file is complete from (default: its earliest record); earlier "
        "periods print as not covered",
    )
    parser.add_argument(
        "--revisions",
        help="CSV of revisions (record_id,time,old_category,new_category): adds "
        "reclassification counts to JSON output",
    )
    parser.add_argument(
        "--sectors",
        help="sector boundaries (GeoJSON with a 'sector' property, e.g. NYPD's sector.geojson): "
        "places records with longitude/latitude in sectors, for --level sector",
    )
    parser.add_argument(
        "--shootings",
        help="NYPD Shooting Incident Data CSV: adds Shooting Vic. and Shooting Inc. lines",
    )
    parser.add_argument(
        "--hate-crimes", help="NYPD Hate Crimes CSV: adds a Hate Crimes line (dated by record)"
    )
    parser.add_argument(
        "--arrests", help="NYPD Arrests Data CSV: adds Drug Arrests and Other Arrests lines"
    )
    parser.add_argument(
        "--annual",
        help="NYPD annual precinct aggregates (nypd_precinct_annual_crime_1993_2025.csv.gz): "
        "adds NYPD's Historical Perspective of complete years, labelled as such",
    )
    parser.add_argument(
        "--perspective-years",
        default="1993,1998,2001",
        help="complete years shown with --annual (default 1993,1998,2001)",
    )
    parser.add_argument(
        "--trend",
        nargs="?",
        const="Total Seven Major Felonies",
        metavar="CATEGORY",
        help="JSON: add the 52-week trend of CATEGORY (default: the seven majors) with a "
        "seasonal baseline",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CLIError(f"{option} must be a date like 2018-06-24. Got {text!r} instead.") from None


def _read_csv(path: Path) -> Any:
    import pandas as pd

    if not path.exists():
        raise CLIError(f"cannot read {path}: no such file", code=2)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, low_memory=False)
    except (OSError, EOFError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CLIError(f"cannot read {path}: {exc}", code=2) from None
    except pd.errors.EmptyDataError:
        raise CLIError(f"cannot read {path}: the file is empty", code=2) from None


def run(argv: list[str]) -> int:
    """Run ``openprecinct compstat`` on a file; return the exit status."""
    args = build_parser().parse_args(argv)
    week_ending = _parse_day(args.week_ending, "--week-ending")
    if week_ending.weekday() != 6:
        raise CLIError(
            f"--week-ending must be a Sunday (CompStat weeks run Monday to Sunday). "
            f"Got {week_ending.isoformat()}, a {week_ending.strftime('%A')}, instead."
        )
    if args.format == "pdf" and not args.output:
        raise CLIError("--format pdf needs --output FILE.pdf")
    try:
        history = tuple(int(x) for x in args.history.split(",") if x.strip())
    except ValueError:
        raise CLIError(f"--history must read like 2,12,20. Got {args.history!r}.") from None
    if any(y < 2 for y in history):
        raise CLIError(f"--history years must be 2 or more. Got {args.history!r}.")
    complete_from = None
    if args.complete_from:
        complete_from = _parse_day(args.complete_from, "--complete-from")

    from openprecinct.analytics import compstat_render as render

    path = Path(args.input)
    if not args.quiet:
        print(f"reading {path}...", file=sys.stderr)
    frame = _read_csv(path)
    try:
        reports, extra = _reports(args, frame, week_ending, history, complete_from)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.annual:
        reports = _with_perspective(args, reports, week_ending)

    if args.format == "pdf":
        Path(args.output).write_bytes(render.render_pdf(reports))
        if not args.quiet:
            print(f"wrote {len(reports)} page(s) to {args.output}", file=sys.stderr)
        return 0
    if args.format == "json":
        text = render.render_json(reports) if extra is None else _json_with(reports, extra)
    elif args.format == "csv":
        text = render.render_csv(reports)
    else:
        text = render.render_table(reports)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _with_perspective(args: argparse.Namespace, reports: Any, week_ending: date) -> Any:
    from dataclasses import replace

    from openprecinct.analytics.compstat_history import (
        annual_counts_from_frame,
        historical_perspective,
    )

    try:
        years = [int(y) for y in args.perspective_years.split(",") if y.strip()]
    except ValueError:
        raise CLIError(
            f"--perspective-years must read like 1993,1998,2001. Got {args.perspective_years!r}."
        ) from None
    try:
        annual = annual_counts_from_frame(_read_csv(Path(args.annual)))
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    return tuple(
        replace(
            report,
            perspective=historical_perspective(
                annual, geography=report.geography, last_year=week_ending.year - 1, years=years
            ),
        )
        for report in reports
    )


def _wanted(args: argparse.Namespace, present: list[str]) -> list[str] | None:
    from openprecinct.analytics.compstat import geography_label

    text = str(args.precinct).strip()
    if text.lower() == "all":
        return None
    wanted = [geography_label(p) for p in text.split(",") if p.strip()]
    bad = [p for p in wanted if not p.isdigit()]
    if bad:
        raise CLIError(f"--precinct takes numbers, a comma-separated list or 'all'. Got {text!r}.")
    missing = [p for p in wanted if p not in present]
    if missing:
        shown = ", ".join(present[:20]) + (", ..." if len(present) > 20 else "")
        raise CLIError(
            f"precinct {', '.join(missing)} does not appear in the file; it holds {shown}"
        )
    return wanted


def _reports(
    args: argparse.Namespace,
    frame: Any,
    week_ending: date,
    history: tuple[int, ...],
    complete_from: Any,
) -> tuple[tuple[Any, ...], Any]:
    import pandas as pd

    from openprecinct.analytics import compstat, compstat_io

    if args.schema == "nypd-weekly-counts":
        from openprecinct.analytics import compstat_weekly

        series = compstat_weekly.weekly_series_from_frame(frame)
        present = sorted(series.geographies(), key=compstat._natural_key)
        wanted = _wanted(args, present) if args.level == "precinct" else None
        if args.level not in ("precinct", "city"):
            raise CLIError("the weekly count series has precincts and citywide only")
        chosen = (
            ["citywide"]
            if args.level == "city"
            else (wanted or [g for g in present if g != "citywide"])
        )
        reports = tuple(
            compstat_weekly.compstat_from_weekly_counts(
                series, geography=g, week_ending=week_ending, with_tests=True
            )
            for g in chosen
        )
        return reports, None

    notes: list[str] = []
    if args.schema == "generic":
        if not args.columns:
            raise CLIError(
                "--schema generic needs --columns, e.g. "
                "--columns id=ID,time=DATE,category=TYPE,precinct=PCT"
            )
        mapping = compstat_io.parse_column_mapping(args.columns)
        records = compstat_io.records_from_generic(frame, mapping)
        if "category" in mapping and mapping["category"] in frame:
            matched = compstat_io.generic_category_map(frame[mapping["category"]])
            if matched:
                shown = ", ".join(f"{k} as {v}" for k, v in list(matched.items())[:8])
                more = f" and {len(matched) - 8} more" if len(matched) > 8 else ""
                notes.append(f"Categories read as CompStat lines: {shown}{more}.")
    else:
        records = compstat_io.records_from_nypd_complaints(frame)
    records, complete_from = _add_sources(args, records, complete_from)
    if args.date_field == "report" and "report_time" not in records.columns:
        raise CLIError("--date-field report needs a report_time column (see --columns)")
    if args.sectors:
        records = _with_sectors(args, records)
        outside = int((records["sector"] == "").sum())
        if outside and args.level == "sector":
            notes.append(f"{outside} record(s) without coordinates inside a sector not counted.")
    level = args.level
    if level != "city" and level not in records.columns:
        raise CLIError(f"the file has no {level} column (see --columns)")
    geographies = None
    if level == "precinct":
        labels = records["precinct"].map(compstat.geography_label)
        present = sorted({p for p in labels.unique() if p}, key=compstat._natural_key)
        wanted = _wanted(args, present)
        if wanted is not None:
            geographies = {"precinct": wanted}
    elif level == "sector" and str(args.precinct).lower() != "all" and "precinct" in records:
        labels = records["precinct"].map(compstat.geography_label)
        wanted_p = _wanted(args, sorted({p for p in labels.unique() if p}))
        records = records[labels.isin(wanted_p or [])]
    dated = records["time" if args.date_field == "occurrence" else "report_time"]
    undated = int(dated.isna().sum())
    if undated:
        notes.append(f"{undated} record(s) without a usable {args.date_field} date not counted.")
    if complete_from is None and dated.notna().any():
        # the engine's default, found once here so the report can say what it left out
        start = compstat.first_complete_day(dated.dropna().to_numpy())
        complete_from = start
        strays = int((dated < pd.Timestamp(start)).sum()) if start is not None else 0
        if start is not None and strays:
            notes.append(
                f"Records look complete from {start.isoformat()}: {strays} record(s) dated "
                "earlier are too few to cover those periods, which print as not covered "
                "(--complete-from sets the date)."
            )
    last = dated.max()
    if last is not None and last == last and last.date() < week_ending:
        notes.append(
            f"The file's last record is dated {last.date().isoformat()}, before the end of "
            "the report week: recent counts may be incomplete."
        )
    reports = compstat.compstat_reports(
        records,
        week_ending=week_ending,
        levels=(level,),
        geographies=geographies,
        date_field=args.date_field,
        id_column="id" if "id" in records.columns else None,
        history_years=history,
        coverage_start=complete_from,
        source=f"{Path(args.input).name} ({args.schema})",
        notes=notes,
    )
    extra: dict[str, dict[str, Any]] | None = None
    if args.revisions:
        extra = {}
        moves = _reclassifications(args, records, reports, week_ending, level)
        for geography, items in moves.items():
            extra.setdefault(geography, {})["reclassifications"] = items
    if args.trend:
        extra = extra if extra is not None else {}
        trends = _trends(args, records, reports, week_ending, level)
        for geography, trend in trends.items():
            extra.setdefault(geography, {})["trend"] = trend
    return reports, extra


def _with_sectors(args: argparse.Namespace, records: Any) -> Any:
    import json

    from openprecinct.analytics.compstat_io import assign_sectors

    if "longitude" not in records.columns or "latitude" not in records.columns:
        raise CLIError(
            "--sectors needs longitude and latitude columns (NYPD's Longitude/Latitude, or "
            "--columns longitude=..,latitude=..)"
        )
    try:
        with open(args.sectors, encoding="utf-8") as handle:
            boundaries = json.load(handle)
    except (OSError, ValueError) as exc:
        raise CLIError(f"cannot read {args.sectors}: {exc}", code=2) from None
    try:
        sectors = assign_sectors(records["longitude"], records["latitude"], boundaries)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    return records.assign(sector=sectors)


def _add_sources(
    args: argparse.Namespace, records: Any, complete_from: date | None
) -> tuple[Any, Any]:
    """Append shootings, hate crimes and arrests.

    Each file covers its own categories from its own first record on, so a shootings file
    from 2006 fills the 12-year shooting columns of complaints that start in 2010.
    """
    import pandas as pd

    from openprecinct.analytics import compstat, compstat_io

    loaders = {
        "shootings": compstat_io.records_from_nypd_shootings,
        "hate_crimes": compstat_io.records_from_nypd_hate_crimes,
        "arrests": compstat_io.records_from_nypd_arrests,
    }
    frames = [records]
    for option, loader in loaders.items():
        path = getattr(args, option)
        if path:
            try:
                frames.append(loader(_read_csv(Path(path))))
            except ValueError as exc:
                option_name = "--" + option.replace("_", "-")
                raise CLIError(f"{option_name} {path}: {exc}") from None
    if len(frames) == 1:
        return records, complete_from
    column = "time" if args.date_field == "occurrence" else "report_time"
    combined = pd.concat(frames, ignore_index=True)
    if complete_from is not None:
        return combined, complete_from
    per_category: dict[str, date] = {}
    for part in frames:
        if column not in part or not part[column].notna().any():
            continue
        start = compstat.first_complete_day(part[column].dropna().to_numpy())
        if start is None:
            continue
        for category in part["category"].dropna().unique():
            known = per_category.get(str(category))
            per_category[str(category)] = start if known is None else min(known, start)
    return combined, per_category


def _trends(
    args: argparse.Namespace, records: Any, reports: Any, week_ending: date, level: str
) -> dict[str, dict[str, Any]]:
    from dataclasses import asdict

    from openprecinct.analytics import compstat
    from openprecinct.analytics.categories import MAJOR_SEVEN
    from openprecinct.analytics.compstat_stats import weekly_trend

    column = "time" if args.date_field == "occurrence" else "report_time"
    wanted = list(MAJOR_SEVEN) if args.trend == "Total Seven Major Felonies" else [args.trend]
    majors = records[records["category"].isin(wanted)]
    labels = majors[level].map(compstat.geography_label) if level != "city" else None
    first = records[column].min()
    out: dict[str, dict[str, Any]] = {}
    for report in reports:
        chosen = majors if labels is None else majors[labels == report.geography]
        weeks = weekly_trend(
            chosen[column],
            week_ending=week_ending,
            coverage_start=None if first != first else first.date(),
        )
        out[report.geography] = {
            "category": args.trend,
            "method": "historical limits: same week +/-2 in the 3 previous years, mean +/- 2 sd",
            "weeks": [{**asdict(w), "week_end": w.week_end.isoformat()} for w in weeks],
        }
    return out


def _reclassifications(
    args: argparse.Namespace, records: Any, reports: Any, week_ending: date, level: str
) -> dict[str, list[dict[str, Any]]]:
    from dataclasses import asdict

    from openprecinct.analytics import compstat
    from openprecinct.analytics.compstat_stats import reclassifications

    revisions = _read_csv(Path(args.revisions))
    out: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        if level == "city":
            ids = None
        else:
            mask = records[level].map(compstat.geography_label) == report.geography
            ids = records.loc[mask, "id"].tolist() if "id" in records else []
        try:
            moves = reclassifications(revisions, week_ending=week_ending, record_ids=ids)
        except ValueError as exc:
            raise CLIError(str(exc)) from None
        out[report.geography] = [asdict(m) for m in moves]
    return out


def _json_with(reports: Any, extra: dict[str, dict[str, Any]]) -> str:
    import json

    from openprecinct.analytics.compstat import report_to_dict

    data = []
    for report in reports:
        item = report_to_dict(report)
        item.update(extra.get(report.geography, {}))
        data.append(item)
    return json.dumps(data, indent=2) + "\n"
