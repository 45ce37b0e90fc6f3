"""``openprecinct compstat`` without ``--input``: the weekly report from the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openprecinct.analytics import compstat_render as render
from openprecinct.analytics.compstat import compstat_reports
from openprecinct.insights.compstat import compstat_frame, default_week_ending


class SystemUser:
    """The console acts with full read rights (it has the database already)."""

    is_authenticated = True
    is_active = True
    locked_at = None
    role = "commanding_officer"
    pk = None


class Command(BaseCommand):
    help = "Weekly CompStat report from the database (see --help; add --input FILE for a file)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--precinct", default="all", help="number, comma-separated list, or all"
        )
        parser.add_argument("--level", choices=("precinct", "sector"), default="precinct")
        parser.add_argument(
            "--week-ending", help="Sunday ending the week (default: latest complete)"
        )
        parser.add_argument("--format", choices=("table", "csv", "json", "pdf"), default="table")
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument("--date-field", choices=("occurrence", "report"), default="occurrence")

    def handle(self, *args: Any, **options: Any) -> None:
        precincts = None
        if options["precinct"] != "all":
            precincts = [p.strip() for p in options["precinct"].split(",") if p.strip()]
        frame = compstat_frame(user=SystemUser(), precincts=precincts)
        if options["week_ending"]:
            try:
                week = date.fromisoformat(options["week_ending"])
            except ValueError:
                raise CommandError(
                    f"--week-ending must be a date like 2015-06-28. Got {options['week_ending']!r}."
                ) from None
            if week.weekday() != 6:
                raise CommandError(f"--week-ending must be a Sunday; {week} is a {week:%A}.")
        else:
            week = default_week_ending(frame, today=timezone.localdate())
        level = options["level"]
        geographies = {level: precincts} if precincts and level == "precinct" else None
        coverage = (
            frame["time"].min().date() if len(frame) and frame["time"].notna().any() else None
        )
        reports = compstat_reports(
            frame,
            week_ending=week,
            levels=(level,),
            geographies=geographies,
            date_field=options["date_field"],
            coverage_start=coverage,
            source="OpenPrecinct records (approved)",
        )
        if level == "sector" and precincts:
            reports = tuple(r for r in reports if any(r.geography.startswith(p) for p in precincts))
        fmt = options["format"]
        if fmt == "pdf":
            if not options["output"]:
                raise CommandError("--format pdf needs --output FILE.pdf")
            Path(options["output"]).write_bytes(render.render_pdf(reports))
            return
        text = {"table": render.render_table, "csv": render.render_csv, "json": render.render_json}[
            fmt
        ](reports)
        if options["output"]:
            Path(options["output"]).write_text(text)
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
