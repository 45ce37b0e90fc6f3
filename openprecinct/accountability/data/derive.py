"""Rebuild the 120th Precinct extracts in this folder from the full CCRB files.

    python -m openprecinct.accountability.data.derive /work/shared/data

ProPublica rows are kept when the incident precinct is 120 or the officer's command (now or at
the incident) is "120 PCT"; MOS officers when their command is "120 PCT", with all their
allegation rows. Rows are copied unchanged (see README.md for credits).
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _pct(value: str) -> bool:
    return (value or "").strip().upper() == "120 PCT"


def derive(source: Path) -> None:
    with gzip.open(source / "ccrb_allegations.csv.gz", "rt", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        p, now, then = (header.index(c) for c in ("precinct", "command_now", "command_at_incident"))
        rows = [r for r in reader if r[p].strip() == "120" or _pct(r[now]) or _pct(r[then])]
    with gzip.open(HERE / "ccrb_propublica_120pct.csv.gz", "wt", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    for status in ("active", "inactive"):
        stem = f"ccrb_mos_20210320_{status}"
        with gzip.open(source / f"{stem}_officers.csv.gz", "rt", newline="") as f:
            reader = csv.reader(f)
            officer_header = next(reader)
            officers = [r for r in reader if _pct(r[1])]
        ids = {r[0] for r in officers}
        with gzip.open(source / f"{stem}_complaints.csv.gz", "rt", newline="") as f:
            reader = csv.reader(f)
            complaint_header = next(reader)
            complaints = [r for r in reader if r[0] in ids]
        for name, head, body in (
            ("officers", officer_header, officers),
            ("complaints", complaint_header, complaints),
        ):
            with gzip.open(HERE / f"{stem}_{name}_120pct.csv.gz", "wt", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(head)
                writer.writerows(body)


if __name__ == "__main__":  # pragma: no cover
    derive(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"))
