"""Derive the bundled demo records (openprecinct/demo/data/si_*.csv.gz) from ../shared/data.

    python scripts/build_demo_data.py [--data ../shared/data] [--out openprecinct/demo/data]

Staten Island only; original columns and values are kept (rows are filtered, never edited), so
the demo goes through the same importers as the real files. The gzip output is deterministic
(no timestamp), so re-running the script changes nothing in git.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SI_PRECINCTS = {"120", "121", "122", "123"}


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))


def _filtered(src: Path, dst: Path, keep: Callable[[dict[str, str]], bool]) -> tuple[int, int]:
    header, rows = _read(src)
    kept = [row for row in rows if keep(dict(zip(header, row, strict=False)))]
    _write(dst, header, kept)
    return len(kept), len(rows)


def _precinct(value: str) -> str:
    return value.strip().split(".", 1)[0]


def build(data: Path, out: Path) -> list[tuple[str, int, int]]:
    out.mkdir(parents=True, exist_ok=True)
    everything = lambda row: True  # noqa: E731 - the SI extracts are already Staten Island
    jobs: list[tuple[str, str, Callable[[dict[str, str]], bool]]] = [
        ("nypd_complaints_si.csv.gz", "si_complaints.csv.gz", everything),
        (
            "nypd_crime_map_felonies_si_2013_2015.csv.gz",
            "si_crime_map_felonies_2013_2015.csv.gz",
            everything,
        ),
        ("nypd_arrests_si_drug_2013_2018.csv.gz", "si_drug_arrests_2013_2018.csv.gz", everything),
        (
            "nypd_shootings_2006_2023h1.csv.gz",
            "si_shootings_2006_2023h1.csv.gz",
            lambda row: _precinct(row["PRECINCT"]) in SI_PRECINCTS,
        ),
        (
            "nypd_hate_crimes_2019_2023.csv.gz",
            "si_hate_crimes_2019_2023.csv.gz",
            lambda row: (
                _precinct(row["Complaint Precinct Code"]) in SI_PRECINCTS
                or row["County"].strip().upper() == "RICHMOND"
            ),
        ),
    ]
    report = []
    for src, dst, keep in jobs:
        kept, total = _filtered(data / src, out / dst, keep)
        report.append((dst, kept, total))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "openprecinct" / "demo" / "data")
    args = parser.parse_args()
    for name, kept, total in build(args.data, args.out):
        size = (args.out / name).stat().st_size
        print(f"{name:<42} {kept:>6} of {total:>6} rows  {size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
