"""What the importers make of NYPD rows: each quirk of the real files, idempotence, revisions."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.timezone import localtime

from openprecinct.analytics import categories as cats
from openprecinct.records.importing import ImportFileError, records_import_file
from openprecinct.records.models import (
    Arrest,
    ImportRun,
    Incident,
    IncidentRevision,
    QuarantinedRow,
)
from tests.records.conftest import adds_up, counts, csv_text

pytestmark = pytest.mark.django_db

LATE_REPORT_2025 = {  # a real 2025 year-to-date row: (null), occurred 2017, reported 2025
    "CMPLNT_NUM": "312800297",
    "CMPLNT_FR_DT": "01/01/2017",
    "CMPLNT_FR_TM": "00:00:00",
    "CMPLNT_TO_DT": "07/03/2025",
    "CMPLNT_TO_TM": "23:59:00",
    "ADDR_PCT_CD": "123",
    "RPT_DT": "09/12/2025",
    "KY_CD": "104",
    "OFNS_DESC": "RAPE",
    "PD_CD": "157",
    "PD_DESC": "RAPE 1",
    "LAW_CAT_CD": "FELONY",
    "PARKS_NM": "(null)",
    "HADEVELOPT": "(null)",
    "X_COORD_CD": "914803",
    "Y_COORD_CD": "125922",
    "Latitude": "40.51203825352",
    "Longitude": "-74.24975495245",
    "STATION_NAME": "(null)",
    "VIC_AGE_GROUP": "<18",
    "VIC_RACE": "WHITE",
    "VIC_SEX": "F",
}


def test_a_2010_row_with_thousands_separators_and_na_is_imported_whole(complaints_file):
    run = records_import_file(path=complaints_file(), schema="nypd-complaints")

    assert counts(run) == {"read": 1, "imported": 1, "updated": 0, "unchanged": 0, "quarantined": 0}
    incident = Incident.objects.get(source="nypd-complaints", source_key="618815229")
    assert incident.occurred_date == date(2010, 1, 1)
    assert incident.reported_date == date(2010, 1, 20)
    assert incident.ky_cd == 341 and incident.pd_cd == 321
    assert incident.compstat_category == cats.PETIT_LARCENY
    assert incident.law_category == "misdemeanor" and incident.attempted is False
    # "960,613" ft east -> metres in EPSG:32118 (x 1200/3937 exactly)
    assert incident.x_m == pytest.approx(960613 * 1200 / 3937 - 0, abs=1)
    assert incident.latitude == pytest.approx(40.6124063)
    assert (incident.precinct, incident.sector, incident.reported_precinct) == (
        "120",
        "120D",
        "120",
    )
    assert incident.victim_age_group == "45-64" and incident.suspect_sex == ""
    assert incident.import_run == run


def test_a_late_report_keeps_occurrence_and_report_dates_apart(complaints_file):
    records_import_file(path=complaints_file(LATE_REPORT_2025), schema="nypd-complaints")

    incident = Incident.objects.get(source_key="312800297")
    assert incident.occurred_date == date(2017, 1, 1)
    assert incident.reported_date == date(2025, 9, 12)
    assert incident.occurred_to.year == 2025
    assert incident.compstat_category == cats.RAPE
    assert incident.precinct == "123"


def test_a_row_before_2013_that_says_120_but_lies_in_todays_121_keeps_both(complaints_file):
    # real 2010 complaint 785794589: ADDR_PCT_CD 120, point in today's 121A
    row = {
        "CMPLNT_NUM": "785794589",
        "X_COORD_CD": "",
        "Y_COORD_CD": "",
        "Latitude": "40.6334868",
        "Longitude": "-74.1634272",
    }
    records_import_file(path=complaints_file(row), schema="nypd-complaints")

    incident = Incident.objects.get(source_key="785794589")
    assert incident.reported_precinct == "120"
    assert incident.precinct == "121"
    assert incident.sector == "121A"
    assert incident.x_m is not None


def test_withheld_locations_are_imported_when_the_precinct_is_known(complaints_file):
    path = complaints_file(
        {"CMPLNT_NUM": "1", "X_COORD_CD": "", "Y_COORD_CD": "", "Latitude": "", "Longitude": ""},
        {
            "CMPLNT_NUM": "2",
            "X_COORD_CD": "(null)",
            "Y_COORD_CD": "(null)",
            "Latitude": "NA",
            "Longitude": "NA",
            "ADDR_PCT_CD": "",
        },
    )
    run = records_import_file(path=path, schema="nypd-complaints")

    assert (run.imported, run.quarantined) == (1, 1)
    withheld = Incident.objects.get(source_key="1")
    assert withheld.latitude is None and withheld.x_m is None
    assert (withheld.precinct, withheld.sector) == ("120", "")
    refused = QuarantinedRow.objects.get(run=run)
    assert (refused.line_number, refused.reason_code) == (3, "missing_location")


def test_points_outside_new_york_city_are_quarantined(complaints_file):
    path = complaints_file(
        {"CMPLNT_NUM": "1", "X_COORD_CD": "0", "Y_COORD_CD": "0", "Latitude": "", "Longitude": ""},
        {"CMPLNT_NUM": "2", "X_COORD_CD": "", "Y_COORD_CD": "", "Latitude": "41.9"},
        {"CMPLNT_NUM": "3", "X_COORD_CD": "", "Y_COORD_CD": "", "Longitude": ""},
    )
    run = records_import_file(path=path, schema="nypd-complaints")

    assert run.quarantined == 3
    assert run.reasons == {"out_of_bounds": 2, "bad_coordinates": 1}


def test_unknown_offence_codes_and_bad_dates_are_quarantined_with_line_numbers(complaints_file):
    path = complaints_file(
        {"CMPLNT_NUM": "1"},
        {"CMPLNT_NUM": "2", "KY_CD": "1500", "OFNS_DESC": "", "LAW_CAT_CD": ""},
        {"CMPLNT_NUM": "3", "RPT_DT": "13/45/2010"},
        {"CMPLNT_NUM": "4", "KY_CD": "x41"},
    )
    run = records_import_file(path=path, schema="nypd-complaints")

    assert adds_up(run) and run.imported == 1
    rows = list(QuarantinedRow.objects.filter(run=run).values_list("line_number", "reason_code"))
    assert rows == [(3, "unknown_offense"), (4, "bad_date"), (5, "bad_code")]
    assert "13/45/2010" in QuarantinedRow.objects.get(line_number=4).raw


def test_running_the_same_import_twice_changes_nothing(complaints_file):
    path = complaints_file({"CMPLNT_NUM": "1"}, LATE_REPORT_2025, {"CMPLNT_NUM": "3"})
    records_import_file(path=path, schema="nypd-complaints")
    before = list(Incident.objects.order_by("pk").values())

    again = records_import_file(path=path, schema="nypd-complaints")

    assert counts(again) == {
        "read": 3,
        "imported": 0,
        "updated": 0,
        "unchanged": 3,
        "quarantined": 0,
    }
    assert list(Incident.objects.order_by("pk").values()) == before
    assert not IncidentRevision.objects.exists()


def test_a_corrected_file_updates_what_changed_and_records_the_reclassification(
    complaints_file,
):
    records_import_file(
        path=complaints_file({"CMPLNT_NUM": "1"}, {"CMPLNT_NUM": "2"}), schema="nypd-complaints"
    )
    corrected = complaints_file(
        {"CMPLNT_NUM": "1"},
        {"CMPLNT_NUM": "2", "KY_CD": "109", "OFNS_DESC": "GRAND LARCENY", "LAW_CAT_CD": "FELONY"},
        name="corrected.csv",
    )

    run = records_import_file(path=corrected, schema="nypd-complaints")

    assert (run.updated, run.unchanged) == (1, 1)
    revision = IncidentRevision.objects.get()
    assert revision.incident.source_key == "2"
    assert (revision.old_category, revision.new_category) == (cats.PETIT_LARCENY, cats.GR_LARCENY)
    assert revision.changes["ky_cd"] == [341, 109]
    assert revision.changes["law_category"] == ["misdemeanor", "felony"]
    assert revision.import_run == run
    assert Incident.objects.get(source_key="2").compstat_category == cats.GR_LARCENY


def test_duplicate_keys_in_one_file_are_unchanged_when_equal_and_quarantined_when_not(
    complaints_file,
):
    path = complaints_file(
        {"CMPLNT_NUM": "1"},
        {"CMPLNT_NUM": "1"},
        {"CMPLNT_NUM": "1", "KY_CD": "109", "OFNS_DESC": "GRAND LARCENY"},
    )
    run = records_import_file(path=path, schema="nypd-complaints")

    assert counts(run) == {"read": 3, "imported": 1, "updated": 0, "unchanged": 1, "quarantined": 1}
    assert run.reasons == {"duplicate_conflict": 1}
    assert Incident.objects.get().compstat_category == cats.PETIT_LARCENY


def test_duplicate_keys_are_caught_across_batches(complaints_file):
    path = complaints_file(
        {"CMPLNT_NUM": "1"}, {"CMPLNT_NUM": "2"}, {"CMPLNT_NUM": "1", "KY_CD": "109"}
    )
    run = records_import_file(path=path, schema="nypd-complaints", batch_size=1)

    assert run.reasons == {"duplicate_conflict": 1}
    assert adds_up(run)


def test_shooting_rows_of_one_incident_become_one_incident_with_its_victims(shootings_file):
    path = shootings_file(
        {"INCIDENT_KEY": "7", "STATISTICAL_MURDER_FLAG": "false"},
        {"INCIDENT_KEY": "8"},
        {"INCIDENT_KEY": "7", "STATISTICAL_MURDER_FLAG": "true", "VIC_SEX": "F"},
        {"INCIDENT_KEY": "7", "STATISTICAL_MURDER_FLAG": "N"},
    )
    run = records_import_file(path=path, schema="nypd-shootings", batch_size=2)

    assert counts(run) == {"read": 4, "imported": 4, "updated": 0, "unchanged": 0, "quarantined": 0}
    assert Incident.objects.count() == 2
    seven = Incident.objects.get(source_key="7")
    assert seven.kind == "shooting" and seven.compstat_category == cats.SHOOTING_INCIDENTS
    assert (seven.victim_count, seven.fatal) == (3, True)
    assert localtime(seven.occurred_from).hour == 3 and seven.precinct == "120"

    again = records_import_file(path=path, schema="nypd-shootings", batch_size=2)
    assert again.unchanged == 4


def test_hate_crime_rows_of_one_complaint_join_their_bias_motives(write_file):
    header = [
        "Full Complaint ID",
        "Complaint Year Number",
        "Month Number",
        "Record Create Date",
        "Complaint Precinct Code",
        "Patrol Borough Name",
        "County",
        "Law Code Category Description",
        "Offense Description",
        "PD Code Description",
        "Bias Motive Description",
        "Offense Category",
        "Arrest Date",
        "Arrest Id",
    ]
    row = dict(
        zip(
            header,
            [
                "202112012345",
                "2021",
                "6",
                "06/14/2021",
                "120",
                "",
                "RICHMOND",
                "FELONY",
                "MISCELLANEOUS PENAL LAW",
                "AGGRAVATED HARASSMENT 1",
                "ANTI-JEWISH",
                "Religion/Religious Practice",
                "",
                "",
            ],
            strict=True,
        )
    )
    text = csv_text(header, [row, {**row, "Bias Motive Description": "ANTI-ASIAN"}])
    run = records_import_file(path=write_file("hate.csv", text), schema="nypd-hate-crimes")

    assert (run.read, run.imported) == (2, 2)
    incident = Incident.objects.get()
    assert incident.compstat_category == cats.HATE_CRIMES and incident.kind == "hate_crime"
    assert incident.bias_motive == "ANTI-ASIAN; ANTI-JEWISH"
    assert incident.occurred_date == date(2021, 6, 14)
    assert (localtime(incident.occurred_from).day, localtime(incident.occurred_to).day) == (1, 30)
    assert incident.latitude is None and incident.precinct == "120"
    assert incident.borough == "STATEN ISLAND"


def test_arrests_are_arrests_and_drug_arrests_count_as_such(write_file):
    header = (
        ",age_group,arrest_boro,arrest_date,arrest_key,arrest_precinct,jurisdiction_code,ky_cd,"
        "latitude,law_cat_cd,law_code,longitude,ofns_desc,pd_cd,pd_desc,perp_race,perp_sex,"
        "x_coord_cd,y_coord_cd,year,month"
    )
    text = (
        header
        + '\n"1","25-44","S",2017-12-31,173129262,120,0,235,40.612939762,"M","PL 2211500",'
        + '-74.087487945,"DANGEROUS DRUGS",567,"MARIJUANA, POSSESSION 4 & 5","BLACK","M",'
        + "959960,162596,2017,12\n"
    )
    run = records_import_file(path=write_file("arrests.csv", text), schema="nypd-arrests")

    assert run.imported == 1 and not Incident.objects.exists()
    arrest = Arrest.objects.get()
    assert arrest.compstat_category == "Drug Arrests"
    assert arrest.arrest_date == date(2017, 12, 31)
    assert (arrest.precinct, arrest.borough, arrest.law_category) == (
        "120",
        "STATEN ISLAND",
        "misdemeanor",
    )
    assert arrest.sector.startswith("120")


def test_each_run_writes_one_audit_entry_with_its_summary(complaints_file):
    from openprecinct.core.models import AuditEntry

    run = records_import_file(path=complaints_file(), schema="nypd-complaints")

    entry = AuditEntry.objects.get(action="records.import")
    assert entry.object_id == str(run.pk)
    assert entry.details["imported"] == 1


def test_an_interrupted_import_keeps_whole_batches_and_resumes(complaints_file, monkeypatch):
    from django.db import DatabaseError

    from openprecinct.records.importing import service

    path = complaints_file(*({"CMPLNT_NUM": str(n)} for n in range(1, 6)))
    real = service._Importer._write
    calls = {"n": 0}

    def flaky(self, to_write):
        calls["n"] += 1
        if calls["n"] == 3:
            raise DatabaseError("disk full")
        return real(self, to_write)

    monkeypatch.setattr(service._Importer, "_write", flaky)
    with pytest.raises(ImportFileError, match="disk full"):
        records_import_file(path=path, schema="nypd-complaints", batch_size=2)
    failed = ImportRun.objects.get()
    assert failed.status == "failed" and "disk full" in failed.error
    assert Incident.objects.count() == 4  # two whole batches of two
    assert (failed.read, failed.imported) == (4, 4)  # the run's counts match what was kept

    monkeypatch.setattr(service._Importer, "_write", real)
    run = records_import_file(path=path, schema="nypd-complaints", batch_size=2)
    assert (run.unchanged, run.imported) == (4, 1)
