"""Rebuild ``radio_codes.csv`` from the NYPD 2024 radio-code workbook (run by hand, not imported).

    python openprecinct/dispatch/data/derive.py nypd_calls_for_service_radio_codes_2024.xlsx

Reads sheet ``Data`` (RADIO_CODE, TYP_DESC, Count, Category) and sheet ``Pivot`` (super
category) with the standard library only, and adds our priority rule (see docs/dispatch.md).
"""

from __future__ import annotations

import csv
import sys
import xml.etree.ElementTree as ET  # noqa: S405 -- a known public workbook, run by hand
import zipfile
from pathlib import Path

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# The NYC Mayor's Management Report groups calls as critical / serious / non-critical crimes
# in progress. Our rule, from the radio code plan (operations.md §1.5): robbery, burglary and
# assault in progress (30, 31, 34), assist police officer (13), shots and panic alarms are
# critical; any other crime in progress, possible crime, ambulance and fire jobs are serious;
# the rest (past crimes, alarms, disputes, patrol and administrative codes) non-critical.
CRITICAL_PREFIXES = ("30", "31", "34", "13")
CRITICAL_WORDS = ("SHOT", "ASSIST POLICE OFFICER", "PANIC", "EXPLOSIVE")
SERIOUS_WORDS = ("IN PROGRESS", "INVESTIGATE/POSSIBLE CRIME", "AMBULANCE", "FIRE", "HOLDING")
SELF_INITIATED_PREFIXES = ("75",)  # visibility patrols, inspections, community time


def _sheet(zf: zipfile.ZipFile, number: int, strings: list[str]) -> list[list[str]]:
    rows = []
    root = ET.fromstring(zf.read(f"xl/worksheets/sheet{number}.xml"))  # noqa: S314
    for row in root.iter(f"{NS}row"):
        values = []
        for cell in row.findall(f"{NS}c"):
            v = cell.find(f"{NS}v")
            text = v.text if v is not None and v.text else ""
            values.append(strings[int(text)] if cell.get("t") == "s" else text)
        rows.append(values)
    return rows


def priority_for(code: str, description: str) -> str:
    if code.startswith(CRITICAL_PREFIXES) or any(w in description for w in CRITICAL_WORDS):
        return "critical"
    if any(w in description for w in SERIOUS_WORDS):
        return "serious"
    return "non_critical"


def main(path: str) -> None:
    with zipfile.ZipFile(path) as zf:
        shared = ET.fromstring(zf.read("xl/sharedStrings.xml"))  # noqa: S314
        strings = ["".join(t.text or "" for t in si.iter(f"{NS}t")) for si in shared]
        data = _sheet(zf, 1, strings)[1:]
        pivot: dict[str, str] = {}
        for r in _sheet(zf, 2, strings)[1:]:  # the first table only: later ones reuse names
            if len(r) > 2 and r[1].isdigit():
                pivot.setdefault(r[0].strip(), r[2])
    out = Path(__file__).with_name("radio_codes.csv")
    with out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "radio_code",
                "description",
                "category",
                "super_category",
                "count_2024",
                "priority",
                "self_initiated",
            ]
        )
        for code, desc, count, category in sorted(data, key=lambda r: r[0]):
            w.writerow(
                [
                    code,
                    desc.strip(),
                    category.strip(),
                    pivot.get(category.strip(), ""),
                    count or 0,
                    priority_for(code, desc),
                    int(code.startswith(SELF_INITIATED_PREFIXES)),
                ]
            )


if __name__ == "__main__":
    main(sys.argv[1])
