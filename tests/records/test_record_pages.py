"""The records pages: list with filters and sorting in fixed queries, detail, forms, exports."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprecinct.records import services
from tests.conftest import login_verified
from tests.records.factories import imported_incident, report_data


@pytest.fixture
def analyst_client(client, personas):
    login_verified(client, personas["crime_analyst"])
    return client


@pytest.fixture
def records(db):
    made = []
    for i, (cat, ky, sector, day) in enumerate(
        [
            ("Burglary", 107, "120A", date(2025, 1, 5)),
            ("Robbery", 105, "120B", date(2025, 2, 5)),
            ("Gr. Larceny", 109, "120A", date(2025, 3, 5)),
            ("Petit Larceny", 341, "120C", date(2025, 4, 5)),
        ]
    ):
        made.append(
            imported_incident(
                source_key=f"R{i}",
                compstat_category=cat,
                ky_cd=ky,
                sector=sector,
                occurred_date=day,
            )
        )
    return made


def keys(response):
    return [r.source_key for r in response.context["page"]]


def test_filters_by_category_sector_and_dates(analyst_client, records):
    url = reverse("records:list")
    assert keys(analyst_client.get(url, {"category": "Burglary"})) == ["R0"]
    assert sorted(keys(analyst_client.get(url, {"sector": "120A"}))) == ["R0", "R2"]
    in_range = {"date_from": "2025-02-01", "date_to": "2025-03-31"}
    assert keys(analyst_client.get(url, in_range)) == ["R2", "R1"]  # newest first by default


def test_sorting_by_category(analyst_client, records):
    response = analyst_client.get(reverse("records:list"), {"sort": "category"})
    cats = [r.compstat_category for r in response.context["page"]]
    assert cats == sorted(cats)


def test_the_list_runs_in_a_fixed_number_of_queries(analyst_client, records):
    url = reverse("records:list")
    with CaptureQueriesContext(connection) as few:
        analyst_client.get(url)
    for i in range(30):
        imported_incident(source_key=f"more{i}")
    with CaptureQueriesContext(connection) as many:
        analyst_client.get(url)
    assert len(many) == len(few) <= 12


def test_csv_export_follows_the_filters(analyst_client, records):
    response = analyst_client.get(reverse("records:export_csv"), {"sector": "120A"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(r["source_key"] for r in rows) == ["R0", "R2"]
    assert rows[0]["compstat_category"]


def test_detail_shows_the_record_and_its_map(analyst_client, records):
    response = analyst_client.get(reverse("records:detail", args=[records[0].pk]))
    assert response.status_code == 200
    assert b'data-point="' in response.content
    assert b"Burglary" in response.content


def test_an_officer_files_a_report_through_the_form(client, personas):
    officer = personas["patrol_officer"]
    login_verified(client, officer)
    data = report_data()
    form = {
        "occurred_from": "2026-11-20T22:15",
        "ky_cd": "107",
        "attempted": "false",
        "premises": data["premises"],
        "address": data["address"],
        "latitude": data["latitude"],
        "longitude": data["longitude"],
        "narrative": data["narrative"],
    }
    response = client.post(reverse("records:create"), form)
    assert response.status_code == 302
    incident = officer.authored_incidents.get()
    assert incident.compstat_category == "Burglary"
    client.post(reverse("records:submit", args=[incident.pk]))
    incident.refresh_from_db()
    assert incident.status == "submitted"


def test_the_form_refuses_a_point_outside_the_precinct(client, personas):
    login_verified(client, personas["patrol_officer"])
    response = client.post(
        reverse("records:create"),
        {
            "occurred_from": "2026-11-20T22:15",
            "ky_cd": "107",
            "attempted": "false",
            "premises": "STREET",
            "address": "Times Square",
            "latitude": 40.758,
            "longitude": -73.9855,
            "narrative": "x",
        },
    )
    assert response.status_code == 200
    assert "outside the precinct" in response.content.decode()


def test_validation_as_you_type_answers_json(client, personas):
    login_verified(client, personas["patrol_officer"])
    response = client.post(
        reverse("records:validate"), {"ky_cd": "105", "occurred_from": "not a date"}
    )
    body = response.json()
    assert "occurred_from" in body["errors"]
    assert body["compstat_category"] == "Robbery"


def test_a_sergeant_returns_a_report_from_the_page(client, personas):
    officer, sergeant = personas["patrol_officer"], personas["sergeant"]
    incident = services.incident_create_report(author=officer, data=report_data())
    services.incident_submit(actor=officer, incident=incident)
    login_verified(client, sergeant)
    assert incident.report_number.encode() in client.get(reverse("records:approvals")).content
    client.post(reverse("records:return", args=[incident.pk]), {"reasons": "Name the witness."})
    incident.refresh_from_db()
    assert incident.status == "returned"
    client.logout()
    login_verified(client, officer)
    assert b"Name the witness." in client.get(reverse("records:detail", args=[incident.pk])).content
