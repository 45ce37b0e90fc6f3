"""A call from the queue to closed, through the services: clocks, duplicates, re-opening,
self-initiated events, recalls, cancellations, emergencies and who may do what."""

import pytest

from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.models import AuditEntry
from openprecinct.dispatch import selectors, services
from openprecinct.dispatch.models import Call, TimelineEntry

from .conftest import at

pytestmark = pytest.mark.django_db


def _press(unit, action, seconds, actor=None, **kw):
    return services.unit_status_update(actor=actor, unit=unit, action=action, at=at(seconds), **kw)


def test_a_call_is_entered_pending_with_its_radio_codes_priority_and_located(new_call):
    call = new_call("34Q1")

    assert call.status == "pending"
    assert call.priority == "critical"
    assert (call.precinct, call.sector) == ("120", call.sector) and call.sector.startswith("120")
    assert call.number.endswith("-0001")
    assert [e.kind for e in call.timeline.all()] == ["received", "entered"]


def test_full_lifecycle_sets_the_section_14_149_clocks_once(people, unit, new_call):
    officer = people["patrol_officer"]
    call = new_call("34Q1", received=-45, entered=0)

    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(90))
    _press(unit, "en_route", 100, actor=officer)
    _press(unit, "arrive", 400, actor=officer)
    _press(unit, "clear", 1800, actor=officer, disposition="report", report_number="120-2026-1")

    call.refresh_from_db()
    unit.refresh_from_db()
    assert call.status == "closed" and unit.status == "available"
    assert (call.first_assigned_at - call.entered_at).total_seconds() == 90  # dispatch time
    assert (call.first_arrived_at - call.first_assigned_at).total_seconds() == 310  # travel
    assert (call.first_arrived_at - call.received_at).total_seconds() == 445  # end to end
    assert call.report_written and call.report_number == "120-2026-1"
    kinds = [e.kind for e in call.timeline.all()]
    assert kinds == [
        "received",
        "entered",
        "unit_assign",
        "assign",
        "en_route",
        "unit_en_route",
        "arrive",
        "unit_arrive",
        "dispose",
        "close",
        "unit_clear",
    ]
    assert all(e.actor_id for e in call.timeline.exclude(kind="received"))
    assert AuditEntry.objects.filter(action="dispatch.call.close", object_id=str(call.pk)).exists()


def test_the_second_unit_does_not_move_the_clocks(people, unit, second_unit, new_call):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    _press(unit, "arrive", 300)
    services.call_assign(actor=people["dispatcher"], call=call, unit=second_unit, at=at(320))
    _press(second_unit, "arrive", 500)

    call.refresh_from_db()
    assert (call.first_assigned_at, call.first_arrived_at) == (at(60), at(300))
    assert call.status == "on_scene"


def test_the_last_unit_needs_a_disposition_and_then_closes_the_call(
    people, unit, second_unit, new_call
):
    call = new_call()
    for car in (unit, second_unit):
        services.call_assign(actor=people["dispatcher"], call=call, unit=car, at=at(60))
        _press(car, "arrive", 300)

    _press(second_unit, "clear", 600)  # not the last: no disposition needed
    with pytest.raises(ApplicationError, match="choose a disposition"):
        _press(unit, "clear", 700)
    with pytest.raises(ApplicationError, match="needs the report number"):
        _press(unit, "clear", 700, disposition="arrest")
    _press(unit, "clear", 700, disposition="assisted")

    call.refresh_from_db()
    assert call.status == "closed" and not call.report_written and call.closed_at == at(700)


def test_a_disposition_before_the_last_unit_clears_leaves_the_call_dispositioned(
    people, unit, new_call
):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    _press(unit, "arrive", 300)
    services.call_dispose(
        actor=people["dispatcher"], call=call, disposition="unfounded", at=at(400)
    )
    call.refresh_from_db()
    assert call.status == "dispositioned"
    _press(unit, "clear", 500)
    call.refresh_from_db()
    assert call.status == "closed"


def test_recalling_every_unit_before_arrival_puts_the_call_back_in_the_queue(
    people, unit, new_call
):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    _press(unit, "en_route", 70)
    _press(unit, "clear", 80, actor=people["dispatcher"])

    call.refresh_from_db()
    assert call.status == "pending" and call.first_assigned_at == at(60)
    assert call in selectors.call_queue()


def test_a_duplicate_is_attached_and_leaves_the_queue(people, new_call):
    event, dup = new_call(), new_call(entered=30, received=20)

    services.call_attach_duplicate(actor=people["dispatcher"], call=dup, to=event, at=at(40))

    dup.refresh_from_db()
    assert dup.status == "cancelled" and dup.duplicate_of == event
    queue = selectors.call_queue()
    assert queue == [event] and queue[0].duplicate_count == 1
    assert event.timeline.filter(kind="duplicate_attached").exists()
    with pytest.raises(ApplicationError, match="itself a duplicate"):
        services.call_attach_duplicate(actor=people["dispatcher"], call=event, to=dup)
    with pytest.raises(ApplicationError, match="duplicate call can't be re-opened"):
        services.call_reopen(actor=people["dispatcher"], call=dup, reason="x")


def test_reopening_keeps_the_original_clocks_and_logs_the_redispatch(people, unit, new_call):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    _press(unit, "arrive", 300)
    _press(unit, "clear", 900, disposition="gone_on_arrival")

    services.call_reopen(
        actor=people["dispatcher"], call=call, reason="caller called back", at=at(1000)
    )
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(1100))
    _press(unit, "arrive", 1300)

    call.refresh_from_db()
    assert (call.first_assigned_at, call.first_arrived_at) == (at(60), at(300))
    assert call.closed_at is None and call.status == "on_scene"
    assert [e.kind for e in call.timeline.filter(kind__in=["reopen", "assign"])] == [
        "assign",
        "reopen",
        "assign",
    ]


def test_a_self_initiated_event_starts_on_scene(people, unit):
    officer = people["patrol_officer"]
    call = services.call_create_self_initiated(
        actor=officer,
        unit=unit,
        call_type_code="75D",
        address="Bay St & Victory Blvd",
        at=at(0),
    )
    unit.refresh_from_db()
    assert call.status == "on_scene" and call.self_initiated
    assert unit.status == "on_scene"
    assert call.first_assigned_at == call.entered_at == call.first_arrived_at
    _press(unit, "clear", 600, actor=officer, disposition="no_police_action")
    call.refresh_from_db()
    assert call.status == "closed"


def test_someone_else_cannot_self_initiate_for_a_unit(people, unit):
    with pytest.raises(ApplicationError, match="crew"):
        services.call_create_self_initiated(
            actor=people["crime_analyst"], unit=unit, call_type_code="75D", address="x"
        )


def test_cancelling_frees_the_units(people, unit, new_call):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    services.call_cancel(actor=people["dispatcher"], call=call, reason="caller withdrew", at=at(90))
    call.refresh_from_db()
    unit.refresh_from_db()
    assert call.status == "cancelled" and unit.status == "available"
    with pytest.raises(TransitionNotAllowed):
        services.call_cancel(actor=people["dispatcher"], call=call, reason="again")


def test_a_busy_unit_cannot_be_assigned(people, unit, new_call):
    _press(unit, "busy", 0)
    with pytest.raises(TransitionNotAllowed, match="busy"):
        services.call_assign(actor=people["dispatcher"], call=new_call(), unit=unit, at=at(10))
    assert not Call.objects.get().assignments.exists()  # nothing half-written


def test_an_emergency_is_cleared_by_a_supervisor_not_the_officer(people, unit, new_call):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    _press(unit, "arrive", 300)
    _press(unit, "emergency", 320, actor=people["patrol_officer"])
    with pytest.raises(ApplicationError, match="can't change"):
        _press(unit, "resolve_emergency", 400, actor=people["patrol_officer"])
    _press(unit, "resolve_emergency", 400, actor=people["sergeant"])
    unit.refresh_from_db()
    assert unit.status == "on_scene"
    assert call.timeline.filter(kind="emergency").exists()


def test_an_officer_may_press_only_their_own_units_buttons(people, unit, second_unit, new_call):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=second_unit, at=at(60))
    with pytest.raises(ApplicationError, match="can't change"):
        _press(second_unit, "arrive", 100, actor=people["patrol_officer"])
    with pytest.raises(ApplicationError, match="can't assign"):
        services.call_assign(actor=people["patrol_officer"], call=call, unit=unit)
    with pytest.raises(ApplicationError, match="can't enter calls"):
        services.call_create(actor=people["outsider"], call_type_code="34Q1", address="x")


def test_bad_input_names_what_to_fix(people):
    with pytest.raises(ApplicationError, match="radio code"):
        services.call_create(actor=people["dispatcher"], call_type_code="ZZZ", address="x")
    with pytest.raises(ApplicationError, match="priority"):
        services.call_create(
            actor=people["dispatcher"], call_type_code="34Q1", address="x", priority="urgent"
        )
    with pytest.raises(ApplicationError, match="address or a location"):
        services.call_create(actor=people["dispatcher"], call_type_code="34Q1")
    with pytest.raises(ApplicationError, match="latitude"):
        services.call_create(
            actor=people["dispatcher"], call_type_code="34Q1", latitude=140.6, longitude=-74.1
        )
    with pytest.raises(ApplicationError, match="before it was received"):
        services.call_create(
            actor=people["dispatcher"],
            call_type_code="34Q1",
            address="x",
            received_at=at(10),
            entered_at=at(0),
        )
    assert not Call.objects.exists()


def test_a_status_before_the_assignment_is_refused(people, unit, new_call):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    with pytest.raises(ApplicationError, match="earlier than the assignment"):
        _press(unit, "arrive", 30)


def test_priority_changes_are_logged_with_a_reason(people, new_call):
    call = new_call("22Q1")
    services.call_change_priority(
        actor=people["dispatcher"], call=call, priority="serious", reason="suspect still on scene"
    )
    entry = TimelineEntry.objects.get(call=call, kind="priority_changed")
    assert (entry.from_status, entry.to_status) == ("non_critical", "serious")


def test_the_recommended_unit_is_the_nearest_available_with_its_reason(
    people, unit, second_unit, new_call
):
    services.unit_place(unit=unit, latitude=40.6437, longitude=-74.0900)  # about 1 km west
    services.unit_place(unit=second_unit, latitude=40.6437, longitude=-74.0790)
    call = new_call()
    rec = selectors.recommend_unit(call)
    assert rec.unit == second_unit
    assert "nearest" in rec.reason and "km" in rec.reason
    _press(second_unit, "busy", 0)
    assert selectors.recommend_unit(call).unit == unit
