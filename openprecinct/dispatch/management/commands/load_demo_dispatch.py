"""Generate the demo's calls for service (simulated, calibrated on real 2024 NYPD data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openprecinct.dispatch.demo import generate


class Command(BaseCommand):
    help = (
        "Replace the generated demo calls for service with a fresh, seeded stream calibrated "
        "on the real 2024 NYPD call profiles and the precinct's records (labelled generated)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=56, help="days of calls (default 56)")
        parser.add_argument("--seed", type=int, default=120, help="random seed (default 120)")
        parser.add_argument("--end", default="", help="ISO time the stream ends (default now)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["days"] <= 730:
            raise CommandError("--days must be from 1 to 730.")
        end = None
        if options["end"]:
            try:
                end = datetime.fromisoformat(options["end"])
            except ValueError:
                raise CommandError(
                    "--end must be an ISO time such as 2026-03-01T08:00:00-05:00."
                ) from None
            if end.tzinfo is None:
                raise CommandError("--end needs a UTC offset, such as -05:00.")
        summary = generate(days=options["days"], seed=options["seed"], end=end)
        self.stdout.write(
            f"Dispatch demo: {summary['calls']:,} generated calls (simulated, not real 911 data), "
            f"{summary['self_initiated']:,} self-initiated, {summary['duplicates']:,} duplicate "
            f"calls, {summary['open']} still open; {summary['units']} units, "
            f"{summary['hazards']} hazard flags, {summary['bolos']} BOLOs."
        )
        for group, row in summary["by_group"].items():
            real = row["real_medians_min"]
            self.stdout.write(
                f"  {group.lower()}: {row['calls']:,} calls; median dispatch "
                f"{row['dispatch_median_min']} min (real {real['dispatch']}), entry to arrival "
                f"{row['arrival_median_min']} min (real {real['arrival']}), entry to close "
                f"{row['close_median_min']} min (real {real['close']})"
            )
        for note in summary["calibration"]:
            self.stdout.write(f"  calibration: {note}")
