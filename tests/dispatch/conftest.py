from datetime import datetime, timedelta

import pytest

T0 = datetime.fromisoformat("2026-03-02T10:00:00-05:00")
# A point on Richmond Terrace in St. George (120th Precinct).
ST_GEORGE = (40.6437, -74.0771)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def people(personas, make_user):
    people = dict(personas)
    people["partner"] = make_user("partner", "patrol_officer")
    return people


@pytest.fixture
def unit(people):
    from openprecinct.dispatch import services

    car = services.unit_create(
        actor=None,
        call_sign="120A1",
        home_sector="120A",
        members=[people["patrol_officer"], people["partner"]],
    )
    services.unit_status_update(actor=None, unit=car, action="sign_on", at=at(-3600))
    car.refresh_from_db()
    return car


@pytest.fixture
def second_unit(people, make_user):
    from openprecinct.dispatch import services

    other = make_user("other-officer", "patrol_officer")
    car = services.unit_create(actor=None, call_sign="120B1", home_sector="120B", members=[other])
    services.unit_status_update(actor=None, unit=car, action="sign_on", at=at(-3600))
    car.refresh_from_db()
    return car


@pytest.fixture
def new_call(people):
    from openprecinct.dispatch import services

    def make(code="34Q1", *, entered=0, received=-30, **extra):
        extra.setdefault("latitude", ST_GEORGE[0])
        extra.setdefault("longitude", ST_GEORGE[1])
        return services.call_create(
            actor=people["dispatcher"],
            call_type_code=code,
            address=extra.pop("address", "1 Richmond Terrace"),
            received_at=at(received),
            entered_at=at(entered),
            **extra,
        )

    return make
