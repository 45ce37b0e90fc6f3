"""NIBRS-style export: documented mapping, one row per valid incident, errors per record."""

from datetime import date

from openprecinct.records.nibrs import NIBRS_BY_KY_CD, nibrs_export
from openprecinct.records.offenses import OFFENSES
from tests.conftest import login_verified
from tests.records.factories import imported_incident


def test_every_catalogue_offence_has_a_nibrs_code():
    assert set(OFFENSES) <= set(NIBRS_BY_KY_CD)


def test_the_seven_major_felonies_map_to_their_nibrs_offences():
    expected = {101: "09A", 104: "11A", 105: "120", 106: "13A", 107: "220", 109: "23H", 110: "240"}
    assert {k: NIBRS_BY_KY_CD[k][0] for k in expected} == expected


def test_a_valid_incident_becomes_one_row(db):
    incident = imported_incident(ky_cd=105, pd_cd=None, victim_sex="F", victim_age_group="25-44")
    export = nibrs_export(incidents=[incident], today=date(2026, 1, 1))
    assert export.errors == []
    (row,) = export.rows
    assert (row["offense_code"], row["attempted_completed"], row["location_type"]) == (
        "120",
        "C",
        "13",
    )
    assert (row["victim_sex"], row["victim_age"], row["incident_date"]) == ("F", "34", "20250301")


def test_problems_are_reported_per_record(db):
    group_b = imported_incident(source_key="B", ky_cd=572)
    unmapped = imported_incident(source_key="U", ky_cd=999)
    no_date = imported_incident(source_key="D", occurred_from=None)
    undecided = imported_incident(source_key="A", attempted=None)
    export = nibrs_export(incidents=[group_b, unmapped, no_date, undecided], today=date(2026, 1, 1))
    assert export.rows == []
    by_record = {(e.incident_number, e.field) for e in export.errors}
    assert by_record == {("B", "ky_cd"), ("U", "ky_cd"), ("D", "occurred_from"), ("A", "attempted")}
    assert "Group B" in export.errors_csv()


def test_the_export_page_is_for_clerks_and_never_includes_sealed_records(client, personas):
    imported_incident(source_key="OPEN")
    imported_incident(source_key="SEALED", is_sealed=True)
    login_verified(client, personas["records_clerk"])
    response = client.get("/records/nibrs.csv")
    assert response.status_code == 200
    body = response.content.decode()
    assert "OPEN" in body and "SEALED" not in body
    client.logout()
    login_verified(client, personas["crime_analyst"])
    assert client.get("/records/nibrs.csv").status_code == 403
