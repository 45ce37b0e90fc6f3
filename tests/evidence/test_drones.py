"""Drones: flight records and the public flight log, map data and capability sheets."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from openprecinct.core.errors import ApplicationError
from openprecinct.evidence import drones
from openprecinct.evidence.models import Aircraft

LAUNCH = datetime(2026, 10, 3, 21, 14, tzinfo=UTC)


@pytest.fixture
def aircraft(db):
    return Aircraft.objects.create(
        registration="FA3XK7QH2P",
        name="Drone 1",
        make="Skydio",
        model="X10",
        serial_number="SECRET-SERIAL-991",
        camera="48 MP wide, 64 MP narrow",
        thermal_camera=True,
        optical_zoom="3x",
        spotlight=True,
        max_flight_minutes=40,
    )


@pytest.fixture
def flights(aircraft, personas):
    pilot = personas["sergeant"]
    common = {"pilot": pilot, "aircraft": aircraft, "legal_authority": "Exigent circumstances"}
    return [
        drones.flight_record(
            **common,
            purpose="Shots fired",
            launched_at=LAUNCH,
            ended_at=LAUNCH + timedelta(minutes=18),
            outcome="arrest",
            recording=True,
            flight_path=[[40.63812, -74.08746], [40.64011, -74.08012]],
            max_altitude_ft=200,
            call_reference="CALL-SECRET-55",
            footage_retention="3 years (arrest)",
        ),
        drones.flight_record(
            **common,
            purpose="Missing person",
            launched_at=LAUNCH + timedelta(days=30),
            ended_at=LAUNCH + timedelta(days=30, minutes=42),
            outcome="person_found",
            flight_path=[[40.6201, -74.0901]],
        ),
        drones.flight_record(
            **common,
            purpose="Training",
            launched_at=LAUNCH + timedelta(days=1),
            ended_at=LAUNCH + timedelta(days=1, minutes=10),
            outcome="completed",
            published=False,
        ),
    ]


def test_the_public_flight_log_needs_no_sign_in_and_names_no_pilot_call_or_serial(client, flights):
    response = client.get(reverse("drones:flight_log"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Shots fired" in page and "Missing person" in page
    assert "Training" not in page  # unpublished
    for secret in ("sergeant", "CALL-SECRET-55", "SECRET-SERIAL-991"):
        assert secret not in page


def test_the_flight_log_shows_monthly_statistics(flights):
    stats = drones.monthly_statistics(drones.public_flights())
    assert [(m.month, m.flights, m.recording) for m in stats] == [
        ("2026-11", 1, 0),
        ("2026-10", 1, 1),
    ]
    assert stats[1].hours == 0.3
    assert stats[1].by_outcome == (("Arrest made", 1),)


def test_the_map_data_is_geojson_in_longitude_latitude_order_rounded_to_about_100_m(
    client, flights
):
    data = client.get(reverse("drones:flights_geojson")).json()
    assert data["type"] == "FeatureCollection"
    line = next(f for f in data["features"] if f["geometry"]["type"] == "LineString")
    assert line["geometry"]["coordinates"] == [[-74.087, 40.638], [-74.08, 40.64]]
    assert "pilot" not in str(data) and "CALL-SECRET" not in str(data)


def test_each_aircraft_has_a_public_capability_sheet(client, aircraft, flights):
    page = client.get(reverse("drones:aircraft", args=[aircraft.pk])).content.decode()
    assert "Thermal (infrared) camera" in page and "Skydio X10" in page
    assert "SECRET-SERIAL-991" not in page


def test_a_flight_needs_a_legal_authority_and_a_sworn_pilot(aircraft, personas):
    base = {
        "aircraft": aircraft,
        "purpose": "x",
        "launched_at": LAUNCH,
        "ended_at": LAUNCH + timedelta(minutes=5),
        "outcome": "completed",
    }
    with pytest.raises(ApplicationError, match="legal authority"):
        drones.flight_record(pilot=personas["sergeant"], legal_authority=" ", **base)
    with pytest.raises(ApplicationError, match="sworn"):
        drones.flight_record(pilot=personas["crime_analyst"], legal_authority="warrant", **base)
    with pytest.raises(ApplicationError, match="Point 1"):
        drones.flight_record(
            pilot=personas["sergeant"], legal_authority="warrant", flight_path=[[200, 0]], **base
        )


def test_a_pilot_records_a_flight_from_the_staff_page(client, personas, aircraft):
    from tests.conftest import login_verified

    login_verified(client, personas["patrol_officer"])
    response = client.post(
        reverse("evidence:drone_flight_create"),
        {
            "aircraft": aircraft.pk,
            "purpose": "Burglary in progress",
            "launched_at": "2026-11-20 22:10",
            "ended_at": "2026-11-20 22:31",
            "outcome": "no_action",
            "legal_authority": "Exigent circumstances",
            "flight_path": "[[40.64, -74.08], [40.641, -74.081]]",
            "published": "on",
        },
    )
    assert response.status_code == 302
    assert "Burglary in progress" in client.get(reverse("drones:flight_log")).content.decode()


def test_staff_drone_pages_are_for_sworn_staff(client, personas):
    from tests.conftest import login_verified

    for name in ("crime_analyst", "oversight_member", "outsider"):
        client.logout()
        login_verified(client, personas[name])
        assert client.get(reverse("evidence:drone_flights")).status_code == 403, name
