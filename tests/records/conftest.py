"""Helpers for the importer tests: small CSV files in the NYPD layouts, written in tmp_path."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"  # ../shared/data of the checkout

COMPLAINT_HEADER = (
    "CMPLNT_NUM,CMPLNT_FR_DT,CMPLNT_FR_TM,CMPLNT_TO_DT,CMPLNT_TO_TM,ADDR_PCT_CD,RPT_DT,KY_CD,"
    "OFNS_DESC,PD_CD,PD_DESC,CRM_ATPT_CPTD_CD,LAW_CAT_CD,BORO_NM,LOC_OF_OCCUR_DESC,PREM_TYP_DESC,"
    "JURIS_DESC,JURISDICTION_CODE,PARKS_NM,HADEVELOPT,HOUSING_PSA,X_COORD_CD,Y_COORD_CD,"
    "SUSP_AGE_GROUP,SUSP_RACE,SUSP_SEX,Latitude,Longitude,Lat_Lon,PATROL_BORO,STATION_NAME,"
    "VIC_AGE_GROUP,VIC_RACE,VIC_SEX"
).split(",")

# A real row of nypd_complaints_si.csv.gz (2010 extract: thousands separators, NA).
COMPLAINT_ROW = {
    "CMPLNT_NUM": "618815229",
    "CMPLNT_FR_DT": "01/01/2010",
    "CMPLNT_FR_TM": "11:00:00",
    "CMPLNT_TO_DT": "",
    "CMPLNT_TO_TM": "",
    "ADDR_PCT_CD": "120",
    "RPT_DT": "01/20/2010",
    "KY_CD": "341",
    "OFNS_DESC": "PETIT LARCENY",
    "PD_CD": "321",
    "PD_DESC": "LARCENY,PETIT FROM AUTO",
    "CRM_ATPT_CPTD_CD": "COMPLETED",
    "LAW_CAT_CD": "MISDEMEANOR",
    "BORO_NM": "STATEN ISLAND",
    "LOC_OF_OCCUR_DESC": "REAR OF",
    "PREM_TYP_DESC": "STREET",
    "JURIS_DESC": "N.Y. POLICE DEPT",
    "JURISDICTION_CODE": "0",
    "PARKS_NM": "NA",
    "HADEVELOPT": "",
    "HOUSING_PSA": "NA",
    "X_COORD_CD": "960,613",
    "Y_COORD_CD": "162,401",
    "SUSP_AGE_GROUP": "",
    "SUSP_RACE": "",
    "SUSP_SEX": "",
    "Latitude": "40.612406294",
    "Longitude": "-74.085135321",
    "Lat_Lon": "(40.612406294, -74.085135321)",
    "PATROL_BORO": "PATROL BORO STATEN ISLAND",
    "STATION_NAME": "",
    "VIC_AGE_GROUP": "45-64",
    "VIC_RACE": "UNKNOWN",
    "VIC_SEX": "M",
}

SHOOTING_HEADER = (
    "INCIDENT_KEY,OCCUR_DATE,OCCUR_TIME,BORO,PRECINCT,JURISDICTION_CODE,LOCATION_DESC,"
    "STATISTICAL_MURDER_FLAG,PERP_AGE_GROUP,PERP_SEX,PERP_RACE,VIC_AGE_GROUP,VIC_SEX,VIC_RACE,"
    "X_COORD_CD,Y_COORD_CD,Latitude,Longitude"
).split(",")
SHOOTING_ROW = {
    "INCIDENT_KEY": "169180023",
    "OCCUR_DATE": "09/09/2017",
    "OCCUR_TIME": "3:57:00",
    "BORO": "STATEN ISLAND",
    "PRECINCT": "120",
    "JURISDICTION_CODE": "0",
    "LOCATION_DESC": "",
    "STATISTICAL_MURDER_FLAG": "false",
    "PERP_AGE_GROUP": "",
    "PERP_SEX": "",
    "PERP_RACE": "",
    "VIC_AGE_GROUP": "25-44",
    "VIC_SEX": "M",
    "VIC_RACE": "BLACK",
    "X_COORD_CD": "959975",
    "Y_COORD_CD": "171772",
    "Latitude": "40.63812599100004",
    "Longitude": "-74.08746692099999",
}


def csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return out.getvalue()


@pytest.fixture
def write_file(tmp_path):
    """write_file(name, text_or_bytes) -> Path; a .gz name is gzipped."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        data = content.encode() if isinstance(content, str) else content
        if name.endswith(".gz"):
            data = gzip.compress(data)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def complaints_file(write_file):
    """complaints_file(rows=[{overrides}...], name=...) -> Path in the complaint layout."""

    def make(*overrides: dict[str, str], name: str = "complaints.csv") -> Path:
        rows = [{**COMPLAINT_ROW, **o} for o in overrides] or [COMPLAINT_ROW]
        return write_file(name, csv_text(COMPLAINT_HEADER, rows))

    return make


@pytest.fixture
def shootings_file(write_file):
    def make(*overrides: dict[str, str], name: str = "shootings.csv") -> Path:
        rows = [{**SHOOTING_ROW, **o} for o in overrides] or [SHOOTING_ROW]
        return write_file(name, csv_text(SHOOTING_HEADER, rows))

    return make


def counts(run) -> dict:
    return {
        "read": run.read,
        "imported": run.imported,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "quarantined": run.quarantined,
    }


def adds_up(run) -> bool:
    return run.read == run.imported + run.updated + run.unchanged + run.quarantined
