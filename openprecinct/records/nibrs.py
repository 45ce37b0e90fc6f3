"""NIBRS-style export of approved incidents for state reporting.

The mapping from NYPD key codes (KY_CD, refined by PD_CD where one key code spans several
NIBRS offences) to FBI NIBRS offence codes is documented in ``docs/nibrs.md``. Each incident
becomes one row of the export (administrative + offence + victim + offender fields flattened),
or one or more validation errors naming the incident and what to fix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone

from openprecinct.records.models import Incident, ReportStatus

# NYPD KY_CD -> (NIBRS code, NIBRS offence name). Group A unless the code starts with 90.
NIBRS_BY_KY_CD: dict[int, tuple[str, str]] = {
    101: ("09A", "Murder and Nonnegligent Manslaughter"),
    102: ("09B", "Negligent Manslaughter"),
    103: ("09B", "Negligent Manslaughter"),
    104: ("11A", "Rape"),
    105: ("120", "Robbery"),
    106: ("13A", "Aggravated Assault"),
    107: ("220", "Burglary/Breaking & Entering"),
    109: ("23H", "All Other Larceny"),
    110: ("240", "Motor Vehicle Theft"),
    111: ("280", "Stolen Property Offenses"),
    112: ("26A", "False Pretenses/Swindle/Confidence Game"),
    113: ("250", "Counterfeiting/Forgery"),
    114: ("200", "Arson"),
    115: ("40B", "Assisting or Promoting Prostitution"),
    116: ("11D", "Fondling"),
    117: ("35A", "Drug/Narcotic Violations"),
    118: ("520", "Weapon Law Violations"),
    119: ("90D", "Driving Under the Influence"),
    120: ("90F", "Family Offenses, Nonviolent"),
    121: ("290", "Destruction/Damage/Vandalism of Property"),
    122: ("39B", "Operating/Promoting/Assisting Gambling"),
    124: ("100", "Kidnapping/Abduction"),
    125: ("90Z", "All Other Offenses"),
    126: ("90Z", "All Other Offenses"),
    230: ("23A", "Pocket-picking"),
    231: ("90Z", "All Other Offenses"),
    232: ("280", "Stolen Property Offenses"),
    233: ("11D", "Fondling"),
    234: ("40A", "Prostitution"),
    235: ("35A", "Drug/Narcotic Violations"),
    236: ("520", "Weapon Law Violations"),
    237: ("90Z", "All Other Offenses"),
    238: ("26A", "False Pretenses/Swindle/Confidence Game"),
    340: ("26A", "False Pretenses/Swindle/Confidence Game"),
    341: ("23H", "All Other Larceny"),
    342: ("240", "Motor Vehicle Theft"),
    343: ("23H", "All Other Larceny"),
    344: ("13B", "Simple Assault"),
    345: ("90F", "Family Offenses, Nonviolent"),
    346: ("90G", "Liquor Law Violations"),
    347: ("90D", "Driving Under the Influence"),
    348: ("90Z", "All Other Offenses"),
    349: ("90C", "Disorderly Conduct"),
    350: ("39A", "Betting/Wagering"),
    351: ("290", "Destruction/Damage/Vandalism of Property"),
    352: ("90J", "Trespass of Real Property"),
    353: ("240", "Motor Vehicle Theft"),
    354: ("90Z", "All Other Offenses"),
    355: ("13C", "Intimidation"),
    356: ("40A", "Prostitution"),
    357: ("26A", "False Pretenses/Swindle/Confidence Game"),
    358: ("26A", "False Pretenses/Swindle/Confidence Game"),
    359: ("90Z", "All Other Offenses"),
    360: ("90B", "Curfew/Loitering/Vagrancy Violations"),
    361: ("90C", "Disorderly Conduct"),
    363: ("90Z", "All Other Offenses"),
    364: ("90Z", "All Other Offenses"),
    365: ("90Z", "All Other Offenses"),
    366: ("90Z", "All Other Offenses"),
    571: ("39A", "Betting/Wagering"),
    572: ("90C", "Disorderly Conduct"),
    577: ("90Z", "All Other Offenses"),
    578: ("13C", "Intimidation"),
    672: ("90B", "Curfew/Loitering/Vagrancy Violations"),
    675: ("90Z", "All Other Offenses"),
    676: ("90Z", "All Other Offenses"),
    677: ("90Z", "All Other Offenses"),
    678: ("90Z", "All Other Offenses"),
    685: ("90Z", "All Other Offenses"),
    881: ("90Z", "All Other Offenses"),
}

# PD_CD refinements where one NYPD key code spans several NIBRS offences.
NIBRS_BY_PD_CD: dict[int, tuple[str, str]] = {
    438: ("23F", "Theft From Motor Vehicle"),  # larceny, grand, from vehicle
    321: ("23F", "Theft From Motor Vehicle"),  # larceny, petit, from auto
    333: ("23C", "Shoplifting"),  # larceny, petit, from store-shoplifting
    338: ("23C", "Shoplifting"),
    439: ("23C", "Shoplifting"),  # larceny, grand, from store-shoplift
    418: ("23B", "Purse-snatching"),
    404: ("23A", "Pocket-picking"),
    339: ("23D", "Theft From Building"),
    421: ("26B", "Credit Card/Automated Teller Machine Fraud"),
}

# NYPD premises -> NIBRS location type code.
NIBRS_LOCATION: dict[str, str] = {
    "RESIDENCE-HOUSE": "20",
    "RESIDENCE - APT. HOUSE": "20",
    "RESIDENCE - PUBLIC HOUSING": "20",
    "STREET": "13",
    "HIGHWAY/PARKWAY": "13",
    "BRIDGE": "13",
    "PARK/PLAYGROUND": "50",
    "COMMERCIAL BUILDING": "05",
    "DEPARTMENT STORE": "08",
    "CHAIN STORE": "24",
    "VARIETY STORE": "08",
    "GROCERY/BODEGA": "12",
    "DRUG STORE": "09",
    "RESTAURANT/DINER": "21",
    "FAST FOOD": "21",
    "BAR/NIGHT CLUB": "03",
    "BANK": "02",
    "CHECK CASHING BUSINESS": "02",
    "PARKING LOT/GARAGE (PUBLIC)": "18",
    "PARKING LOT/GARAGE (PRIVATE)": "18",
    "PUBLIC SCHOOL": "53",
    "PRIVATE/PAROCHIAL SCHOOL": "53",
    "HOSPITAL": "09",
    "HOTEL/MOTEL": "14",
    "FERRY/FERRY TERMINAL": "01",
    "TRANSIT FACILITY (OTHER)": "01",
    "BUS (NYC TRANSIT)": "01",
    "TAXI (YELLOW LICENSED)": "13",
    "GAS STATION": "23",
    "CHURCH": "04",
    "OPEN AREAS (OPEN LOTS)": "10",
    "STORE UNCLASSIFIED": "24",
    "SMALL MERCHANT": "24",
    "DRY CLEANER/LAUNDRY": "24",
    "OTHER": "25",
}

SEX = {"M": "M", "F": "F", "E": "U", "D": "U", "L": "U", "U": "U", "": "U"}
RACE = {
    "WHITE": "W",
    "WHITE HISPANIC": "W",
    "BLACK": "B",
    "BLACK HISPANIC": "B",
    "ASIAN / PACIFIC ISLANDER": "A",
    "AMERICAN INDIAN/ALASKAN NATIVE": "I",
}
AGE = {"<18": "17", "18-24": "21", "25-44": "34", "45-64": "54", "65+": "65"}

COLUMNS = [
    "ori",
    "incident_number",
    "incident_date",
    "incident_hour",
    "offense_code",
    "offense_name",
    "attempted_completed",
    "location_type",
    "victim_type",
    "victim_age",
    "victim_sex",
    "victim_race",
    "offender_age",
    "offender_sex",
    "offender_race",
    "nypd_ky_cd",
    "nypd_pd_cd",
    "precinct",
]


@dataclass(frozen=True)
class NibrsError:
    incident_id: int
    incident_number: str
    field: str
    message: str


@dataclass
class NibrsExport:
    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[NibrsError] = field(default_factory=list)

    def rows_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return buffer.getvalue()

    def errors_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["incident_id", "incident_number", "field", "message"])
        for e in self.errors:
            writer.writerow([e.incident_id, e.incident_number, e.field, e.message])
        return buffer.getvalue()


def nibrs_offense(incident: Incident) -> tuple[str, str] | None:
    if incident.pd_cd is not None and incident.pd_cd in NIBRS_BY_PD_CD:
        return NIBRS_BY_PD_CD[incident.pd_cd]
    if incident.ky_cd is not None:
        return NIBRS_BY_KY_CD.get(incident.ky_cd)
    return None


def _incident_number(incident: Incident) -> str:
    return (incident.report_number or incident.source_key)[:12]


def nibrs_row(
    incident: Incident, *, ori: str, today: date
) -> tuple[dict[str, str] | None, list[NibrsError]]:
    """One export row for an incident, or the validation errors that keep it out."""
    number = _incident_number(incident)
    errors: list[NibrsError] = []

    def error(field_name: str, message: str) -> None:
        errors.append(NibrsError(incident.pk, number, field_name, message))

    if incident.status != ReportStatus.APPROVED:
        error("status", "only approved reports are exported; approve it first")
    if incident.is_sealed:
        error("is_sealed", "sealed records are never exported")
    offense = nibrs_offense(incident)
    if offense is None:
        error("ky_cd", f"NYPD key code {incident.ky_cd} has no NIBRS mapping; reclassify it")
    elif offense[0].startswith("90"):
        error(
            "ky_cd",
            f"{offense[0]} {offense[1]} is a Group B offence: NIBRS takes it only with an arrest",
        )
    occurred = incident.occurred_from
    if occurred is None:
        error("occurred_from", "the incident date is missing")
    elif occurred.date() > today:
        error("occurred_from", "the incident date is in the future")
    if incident.attempted is None:
        error("attempted", "say whether the offence was attempted or completed")
    if errors:
        return None, errors
    assert offense is not None and occurred is not None
    local = timezone.localtime(occurred)
    row = {
        "ori": ori,
        "incident_number": number,
        "incident_date": local.strftime("%Y%m%d"),
        "incident_hour": local.strftime("%H"),
        "offense_code": offense[0],
        "offense_name": offense[1],
        "attempted_completed": "A" if incident.attempted else "C",
        "location_type": NIBRS_LOCATION.get(incident.premises.upper(), "25"),
        "victim_type": "I",
        "victim_age": AGE.get(incident.victim_age_group, "00"),
        "victim_sex": SEX.get(incident.victim_sex.upper()[:1], "U"),
        "victim_race": RACE.get(incident.victim_race.upper(), "U"),
        "offender_age": AGE.get(incident.suspect_age_group, "00"),
        "offender_sex": SEX.get(incident.suspect_sex.upper()[:1], "U"),
        "offender_race": RACE.get(incident.suspect_race.upper(), "U"),
        "nypd_ky_cd": str(incident.ky_cd or ""),
        "nypd_pd_cd": str(incident.pd_cd or ""),
        "precinct": incident.precinct,
    }
    return row, []


def nibrs_export(*, incidents: Iterable[Incident], today: date | None = None) -> NibrsExport:
    ori = getattr(settings, "OPENPRECINCT_NIBRS_ORI", "NY0303000")
    today = today or timezone.localdate()
    export = NibrsExport()
    for incident in incidents:
        row, errors = nibrs_row(incident, ori=ori, today=today)
        if row is not None:
            export.rows.append(row)
        export.errors.extend(errors)
    return export
