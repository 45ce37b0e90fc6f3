"""Small files for the reliability tests."""

from __future__ import annotations

from pathlib import Path

GENERIC_COLUMNS = "id=case,time=when,x=lon,y=lat,offense=what"
OFFENSES = ("ROBBERY", "BURGLARY", "FELONY ASSAULT", "GRAND LARCENY", "PETIT LARCENY")


def generic_csv(path: Path, rows: int, *, seed: int = 7) -> Path:
    """``rows`` incidents in the 120th Precinct (St. George), deterministic."""
    lines = ["case,when,lon,lat,what"]
    for i in range(rows):
        k = (i * 7919 + seed) % 1000
        lon = -74.085 + (k % 40) * 0.0004
        lat = 40.630 + (k // 40) * 0.0003
        day = 1 + i % 28
        lines.append(
            f"C{i:07d},2015-03-{day:02d}T{(i % 24):02d}:15:00,{lon:.6f},{lat:.6f},{OFFENSES[i % 5]}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
