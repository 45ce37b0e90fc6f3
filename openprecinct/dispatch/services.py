"""Changing dispatch state: calls, units, assignments, hazards and BOLOs.

Two explicit transition tables, one for calls and one for units; anything not in them is
refused with ``TransitionNotAllowed``. Each change runs in one ``transaction.atomic()`` that
also appends a ``TimelineEntry`` (the timestamp, with actor and source) and an audit entry.
A call's state follows from its units: the first unit en route moves the call en route, the
first arrival puts it on scene, and the last unit to clear closes it once it has a disposition.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_xy
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.geography import locate
from openprecinct.dispatch.models import (
    ACTIVE_ASSIGNMENT,
    REPORT_DISPOSITIONS,
    Assignment,
    AssignmentStatus,
    Bolo,
    Call,
    CallStatus,
    CallType,
    Disposition,
    Hazard,
    HazardCategory,
    Priority,
    Source,
    TimelineEntry,
    Unit,
    UnitStatus,
)

C = CallStatus
U = UnitStatus
AS = AssignmentStatus

# (call status, action) -> call status
CALL_TRANSITIONS: dict[tuple[str, str], str] = {
    (C.PENDING, "assign"): C.DISPATCHED,
    (C.REOPENED, "assign"): C.DISPATCHED,
    (C.DISPATCHED, "en_route"): C.EN_ROUTE,
    (C.DISPATCHED, "arrive"): C.ON_SCENE,
    (C.EN_ROUTE, "arrive"): C.ON_SCENE,
    (C.DISPATCHED, "recall"): C.PENDING,  # every unit taken off before arriving: back in queue
    (C.EN_ROUTE, "recall"): C.PENDING,
    (C.ON_SCENE, "dispose"): C.DISPOSITIONED,
    (C.DISPOSITIONED, "close"): C.CLOSED,
    (C.PENDING, "cancel"): C.CANCELLED,
    (C.REOPENED, "cancel"): C.CANCELLED,
    (C.DISPATCHED, "cancel"): C.CANCELLED,
    (C.EN_ROUTE, "cancel"): C.CANCELLED,
    (C.CLOSED, "reopen"): C.REOPENED,
    (C.CANCELLED, "reopen"): C.REOPENED,
}

# Actions that add a unit to a call already being worked leave the call where it is.
CALL_ACTIVE = (C.DISPATCHED, C.EN_ROUTE, C.ON_SCENE, C.DISPOSITIONED)

# (unit status, action) -> unit status
UNIT_TRANSITIONS: dict[tuple[str, str], str] = {
    (U.OFF_DUTY, "sign_on"): U.AVAILABLE,
    (U.AVAILABLE, "sign_off"): U.OFF_DUTY,
    (U.AVAILABLE, "assign"): U.DISPATCHED,
    (U.AVAILABLE, "self_initiate"): U.ON_SCENE,
    (U.DISPATCHED, "en_route"): U.EN_ROUTE,
    (U.DISPATCHED, "arrive"): U.ON_SCENE,
    (U.EN_ROUTE, "arrive"): U.ON_SCENE,
    (U.ON_SCENE, "transport"): U.TRANSPORTING,
    (U.DISPATCHED, "clear"): U.AVAILABLE,
    (U.EN_ROUTE, "clear"): U.AVAILABLE,
    (U.ON_SCENE, "clear"): U.AVAILABLE,
    (U.TRANSPORTING, "clear"): U.AVAILABLE,
    (U.AVAILABLE, "busy"): U.BUSY,
    (U.BUSY, "back_in_service"): U.AVAILABLE,
    (U.AVAILABLE, "out_of_service"): U.OUT_OF_SERVICE,
    (U.OUT_OF_SERVICE, "back_in_service"): U.AVAILABLE,
    (U.AVAILABLE, "emergency"): U.EMERGENCY,
    (U.DISPATCHED, "emergency"): U.EMERGENCY,
    (U.EN_ROUTE, "emergency"): U.EMERGENCY,
    (U.ON_SCENE, "emergency"): U.EMERGENCY,
    (U.TRANSPORTING, "emergency"): U.EMERGENCY,
    (U.BUSY, "emergency"): U.EMERGENCY,
    (U.OUT_OF_SERVICE, "emergency"): U.EMERGENCY,
    (U.EMERGENCY, "resolve_emergency"): U.AVAILABLE,
}

# The assignment's own status for unit actions on a call.
ASSIGNMENT_FOR_ACTION = {
    "en_route": AS.EN_ROUTE,
    "arrive": AS.ON_SCENE,
    "transport": AS.TRANSPORTING,
    "clear": AS.CLEARED,
}

RESUME_AFTER_EMERGENCY = {
    AS.DISPATCHED: U.DISPATCHED,
    AS.EN_ROUTE: U.EN_ROUTE,
    AS.ON_SCENE: U.ON_SCENE,
    AS.TRANSPORTING: U.TRANSPORTING,
}

# Status buttons an officer may press on the phone (the rest are the dispatcher's).
MDT_ACTIONS = (
    "en_route",
    "arrive",
    "transport",
    "clear",
    "busy",
    "back_in_service",
    "out_of_service",
    "emergency",
)


def call_next_status(status: str, action: str) -> str:
    target = CALL_TRANSITIONS.get((status, action))
    if target is None:
        raise TransitionNotAllowed(
            f"A call that is {C(status).label.lower()} can't be {action.replace('_', ' ')}ed "
            f"(allowed: {', '.join(a for (s, a) in CALL_TRANSITIONS if s == status) or 'none'})."
        )
    return target


def unit_next_status(status: str, action: str) -> str:
    target = UNIT_TRANSITIONS.get((status, action))
    if target is None:
        allowed = ", ".join(a.replace("_", " ") for (s, a) in UNIT_TRANSITIONS if s == status)
        raise TransitionNotAllowed(
            f"A unit that is {U(status).label.lower()} can't do '{action.replace('_', ' ')}' "
            f"(allowed now: {allowed or 'nothing'})."
        )
    return target


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _log(
    *,
    kind: str,
    at: datetime,
    actor: User | None,
    source: str,
    call: Call | None = None,
    unit: Unit | None = None,
    before: str = "",
    after: str = "",
    note: str = "",
) -> None:
    TimelineEntry.objects.create(
        call=call,
        unit=unit,
        kind=kind,
        at=at,
        actor=actor,
        source=source,
        from_status=before,
        to_status=after,
        note=note[:300],
    )
    audit_record(
        action=f"dispatch.{'call' if call is not None else 'unit'}.{kind}",
        obj=call if call is not None else unit,
        details={
            "from": before,
            "to": after,
            "source": source,
            **({"unit": unit.call_sign} if unit is not None and call is not None else {}),
            **({"note": note[:300]} if note else {}),
        },
    )


def _move_call(
    call: Call,
    action: str,
    *,
    at: datetime,
    actor: User | None,
    source: str,
    unit: Unit | None = None,
    note: str = "",
) -> None:
    before = call.status
    call.status = call_next_status(before, action)
    call.save(update_fields=["status", *_clock_fields(call, action, at)])
    _log(
        kind=action,
        at=at,
        actor=actor,
        source=source,
        call=call,
        unit=unit,
        before=before,
        after=call.status,
        note=note,
    )


def _clock_fields(call: Call, action: str, at: datetime) -> list[str]:
    """Set the §14-149 clocks the first time only; a re-opened call keeps its originals."""
    changed = []
    if action == "assign" and call.first_assigned_at is None:
        call.first_assigned_at = at
        changed.append("first_assigned_at")
    if action == "en_route" and call.first_en_route_at is None:
        call.first_en_route_at = at
        changed.append("first_en_route_at")
    if action == "arrive" and call.first_arrived_at is None:
        call.first_arrived_at = at
        changed.append("first_arrived_at")
    if action in ("close", "cancel"):
        call.closed_at = at
        changed.append("closed_at")
    if action == "reopen":
        call.closed_at = None
        changed.append("closed_at")
    return changed


def _move_unit(
    unit: Unit,
    action: str,
    *,
    at: datetime,
    actor: User | None,
    source: str,
    call: Call | None = None,
    note: str = "",
) -> None:
    before = unit.status
    unit.status = unit_next_status(before, action)
    unit.status_since = at
    unit.save(update_fields=["status", "status_since", "latitude", "longitude", "x_m", "y_m"])
    _log(
        kind=f"unit_{action}",
        at=at,
        actor=actor,
        source=source,
        call=call,
        unit=unit,
        before=before,
        after=unit.status,
        note=note,
    )


def _place(latitude: float | None, longitude: float | None) -> dict[str, Any]:
    if latitude is None or longitude is None:
        return {}
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ApplicationError(
            f"The location {latitude}, {longitude} is not a latitude/longitude: check the order "
            "(latitude is about 40.6 on Staten Island, longitude about -74.1)."
        )
    x, y = transform_xy([longitude], [latitude], src_crs=WGS84, dst_crs=ANALYSIS_CRS)
    precinct, sector = locate(latitude=latitude, longitude=longitude)
    return {"x_m": float(x[0]), "y_m": float(y[0]), "precinct": precinct, "sector": sector}


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ApplicationError(message)


def _call_number(at: datetime) -> str:
    day = timezone.localtime(at).strftime("%Y%m%d")
    prefix = f"{day}-"
    last = (
        Call.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


# --- calls ------------------------------------------------------------------------------------
def call_create(
    *,
    actor: User | None,
    call_type_code: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    priority: str | None = None,
    caller_name: str = "",
    caller_callback: str = "",
    remarks: str = "",
    received_at: datetime | None = None,
    entered_at: datetime | None = None,
    source: str = Source.CAD,
) -> Call:
    """A new event in the queue (pending). Priority defaults to the radio code's."""
    if actor is not None:
        _require(perms.can_dispatch(actor), "Your role can't enter calls for service.")
    call_type = CallType.objects.filter(code=call_type_code.strip().upper()).first()
    _require(
        call_type is not None,
        f"Unknown call type {call_type_code!r}: use an NYPD radio code such as 34Q1 or 10H1.",
    )
    if priority is not None and priority not in Priority.values:
        raise ApplicationError(
            f"Unknown priority {priority!r}: use one of {', '.join(Priority.values)}."
        )
    _require(bool(address.strip()) or latitude is not None, "Give an address or a location.")
    entered = _now(entered_at)
    received = received_at or entered
    _require(received <= entered, "The call can't be entered before it was received.")
    with transaction.atomic():
        call = Call(
            number=_call_number(entered),
            call_type=call_type,
            priority=priority or call_type.priority,
            address=address.strip()[:200],
            latitude=latitude,
            longitude=longitude,
            caller_name=caller_name.strip()[:100],
            caller_callback=caller_callback.strip()[:32],
            remarks=remarks.strip(),
            received_at=received,
            entered_at=entered,
            created_by=actor,
            **_place(latitude, longitude),
        )
        call.save()
        _log(
            kind="received",
            at=received,
            actor=actor,
            source=source,
            call=call,
            after="",
            note="911 call picked up",
        )
        _log(
            kind="entered",
            at=entered,
            actor=actor,
            source=source,
            call=call,
            after=C.PENDING,
            note=f"{call_type} ({call.get_priority_display()})",
        )
    return call


def call_create_self_initiated(
    *,
    actor: User,
    unit: Unit,
    call_type_code: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    remarks: str = "",
    at: datetime | None = None,
    source: str = Source.MDT,
) -> Call:
    """A car stop or pick-up job: the event starts on scene; workload, not a response time."""
    _require(
        perms.can_dispatch(actor) or _on_unit(actor, unit),
        "Only the unit's crew or a dispatcher can start a self-initiated event for it.",
    )
    call_type = CallType.objects.filter(code=call_type_code.strip().upper()).first()
    _require(call_type is not None, f"Unknown call type {call_type_code!r}: use a radio code.")
    _require(bool(address.strip()) or latitude is not None, "Give an address or a location.")
    now = _now(at)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        call = Call(
            number=_call_number(now),
            call_type=call_type,
            priority=call_type.priority,
            status=C.ON_SCENE,
            self_initiated=True,
            address=address.strip()[:200],
            latitude=latitude,
            longitude=longitude,
            remarks=remarks.strip(),
            received_at=now,
            entered_at=now,
            first_assigned_at=now,
            first_arrived_at=now,
            created_by=actor,
            **_place(latitude, longitude),
        )
        call.save()
        _log(
            kind="self_initiated",
            at=now,
            actor=actor,
            source=source,
            call=call,
            after=C.ON_SCENE,
            unit=unit,
        )
        assignment = Assignment.objects.create(
            call=call, unit=unit, status=AS.ON_SCENE, assigned_at=now, arrived_at=now
        )
        assignment.crew.set(unit.members.all())
        _locate_unit_at(unit, call)
        _move_unit(unit, "self_initiate", at=now, actor=actor, source=source, call=call)
    return call


def call_attach_duplicate(
    *,
    actor: User | None,
    call: Call,
    to: Call,
    at: datetime | None = None,
    source: str = Source.CAD,
) -> Call:
    """A further 911 call about an event already in the system: attached, not worked twice."""
    if actor is not None:
        _require(perms.can_dispatch(actor), "Your role can't manage calls.")
    _require(call.pk != to.pk, "A call can't be a duplicate of itself.")
    _require(
        to.duplicate_of_id is None, f"{to} is itself a duplicate: attach to {to.duplicate_of}."
    )
    _require(
        call.status in (C.PENDING, C.REOPENED) and not call.assignments.exists(),
        "Only a call still waiting in the queue, with no unit, can be marked a duplicate.",
    )
    now = _now(at)
    with transaction.atomic():
        call.duplicate_of = to
        call.cancel_reason = f"duplicate of {to.number}"
        call.save(update_fields=["duplicate_of", "cancel_reason"])
        _move_call(
            call, "cancel", at=now, actor=actor, source=source, note=f"duplicate of {to.number}"
        )
        _log(
            kind="duplicate_attached",
            at=now,
            actor=actor,
            source=source,
            call=to,
            before=to.status,
            after=to.status,
            note=f"{call.number} attached",
        )
    return call


def call_change_priority(
    *, actor: User, call: Call, priority: str, reason: str, at: datetime | None = None
) -> Call:
    _require(perms.can_dispatch(actor), "Your role can't change a call's priority.")
    if priority not in Priority.values:
        raise ApplicationError(
            f"Unknown priority {priority!r}: use one of {', '.join(Priority.values)}."
        )
    _require(bool(reason.strip()), "Say why the priority changes.")
    _require(call.status not in (C.CLOSED, C.CANCELLED), "A finished call's priority is final.")
    with transaction.atomic():
        before = call.priority
        call.priority = priority
        call.save(update_fields=["priority"])
        _log(
            kind="priority_changed",
            at=_now(at),
            actor=actor,
            source=Source.CAD,
            call=call,
            before=before,
            after=priority,
            note=reason,
        )
    return call


def call_add_remark(
    *, actor: User, call: Call, text: str, at: datetime | None = None, source: str = Source.CAD
) -> Call:
    _require(
        perms.can_dispatch(actor) or perms.can_use_mobile_view(actor),
        "Your role can't add remarks to calls.",
    )
    _require(bool(text.strip()), "The remark is empty.")
    with transaction.atomic():
        now = _now(at)
        stamp = timezone.localtime(now).strftime("%H:%M")
        call.remarks = (call.remarks + "\n" if call.remarks else "") + f"[{stamp}] {text.strip()}"
        call.save(update_fields=["remarks"])
        _log(
            kind="remark",
            at=now,
            actor=actor,
            source=source,
            call=call,
            before=call.status,
            after=call.status,
            note=text.strip(),
        )
    return call


def call_assign(
    *,
    actor: User | None,
    call: Call,
    unit: Unit,
    at: datetime | None = None,
    source: str = Source.CAD,
) -> Assignment:
    """Send a unit. The first assignment ends the dispatch time (§14-149)."""
    if actor is not None:
        _require(perms.can_dispatch(actor), "Your role can't assign units.")
    now = _now(at)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        _require(
            call.duplicate_of_id is None,
            f"{call} is a duplicate of {call.duplicate_of}: assign to that call.",
        )
        if call.status not in CALL_ACTIVE:
            call_next_status(call.status, "assign")  # raises with the allowed actions
        _require(now >= call.entered_at, "A unit can't be assigned before the call was entered.")
        _move_unit(unit, "assign", at=now, actor=actor, source=source, call=call)
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(call=call, unit=unit, assigned_at=now)
        except IntegrityError as exc:  # pragma: no cover - the unit lock makes this rare
            raise ApplicationError(f"{unit} is already on another call.") from exc
        assignment.crew.set(unit.members.all())
        if call.status in CALL_ACTIVE:
            _log(
                kind="unit_added",
                at=now,
                actor=actor,
                source=source,
                call=call,
                unit=unit,
                before=call.status,
                after=call.status,
            )
        else:
            _move_call(call, "assign", at=now, actor=actor, source=source, unit=unit)
    return assignment


def _on_unit(user: User, unit: Unit) -> bool:
    return unit.members.filter(pk=user.pk).exists()


def _active_assignment(unit: Unit) -> Assignment | None:
    return (
        Assignment.objects.select_for_update()
        .filter(unit=unit, status__in=ACTIVE_ASSIGNMENT)
        .select_related("call")
        .first()
    )


def _locate_unit_at(unit: Unit, call: Call) -> None:
    if call.x_m is not None:
        unit.latitude, unit.longitude, unit.x_m, unit.y_m = (
            call.latitude,
            call.longitude,
            call.x_m,
            call.y_m,
        )


def unit_status_update(
    *,
    actor: User | None,
    unit: Unit,
    action: str,
    at: datetime | None = None,
    source: str = Source.CAD,
    disposition: str = "",
    report_number: str = "",
    note: str = "",
) -> Unit:
    """One status button (the officer's phone or the dispatcher's console).

    On a call, the unit's action moves its assignment and, through the table, the call.
    Clearing the last unit from a call that is on scene needs a disposition, which closes it.
    """
    if actor is not None:
        allowed = perms.can_dispatch(actor) or (
            perms.can_use_mobile_view(actor) and action in MDT_ACTIONS and _on_unit(actor, unit)
        )
        if action == "resolve_emergency":
            allowed = perms.can_resolve_unit_emergency(actor)
        _require(allowed, "You can't change this unit's status.")
    if disposition and disposition not in Disposition.values:
        raise ApplicationError(
            f"Unknown disposition {disposition!r}: use one of {', '.join(Disposition.values)}."
        )
    now = _now(at)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        assignment = _active_assignment(unit)
        call = assignment.call if assignment is not None else None
        if call is not None:
            call = Call.objects.select_for_update().get(pk=call.pk)
        unit_next_status(unit.status, action)  # refuse before touching anything
        if call is not None and action in ASSIGNMENT_FOR_ACTION:
            _require(
                now >= assignment.assigned_at, "A status can't be earlier than the assignment."
            )
            if action == "clear":
                _clear_from_call(
                    call,
                    assignment,
                    actor=actor,
                    at=now,
                    source=source,
                    disposition=disposition,
                    report_number=report_number,
                    unit=unit,
                )
            else:
                assignment.status = ASSIGNMENT_FOR_ACTION[action]
                field = {"en_route": "en_route_at", "arrive": "arrived_at"}.get(action)
                if field and getattr(assignment, field) is None:
                    setattr(assignment, field, now)
                assignment.save()
                if action == "arrive":
                    _locate_unit_at(unit, call)
                if (call.status, action) in CALL_TRANSITIONS:
                    _move_call(call, action, at=now, actor=actor, source=source, unit=unit)
        elif action == "emergency" and call is not None:
            _log(
                kind="emergency",
                at=now,
                actor=actor,
                source=source,
                call=call,
                unit=unit,
                before=call.status,
                after=call.status,
                note="10-13: officer needs assistance",
            )
        _move_unit(unit, action, at=now, actor=actor, source=source, call=call, note=note)
        if action == "resolve_emergency" and assignment is not None:
            # Back to the call it was on: the table's "available" would orphan the assignment.
            unit.status = RESUME_AFTER_EMERGENCY[assignment.status]
            unit.save(update_fields=["status"])
            _log(
                kind="unit_resume",
                at=now,
                actor=actor,
                source=source,
                call=call,
                unit=unit,
                before=U.AVAILABLE,
                after=unit.status,
                note="back on the call",
            )
    return unit


def _clear_from_call(
    call: Call,
    assignment: Assignment,
    *,
    actor: User | None,
    at: datetime,
    source: str,
    disposition: str,
    report_number: str,
    unit: Unit,
) -> None:
    others = call.assignments.filter(status__in=ACTIVE_ASSIGNMENT).exclude(pk=assignment.pk)
    last = not others.exists()
    arrived = call.first_arrived_at is not None
    if last and arrived and call.status == C.ON_SCENE and not disposition:
        raise ApplicationError(
            "This is the last unit on the call: choose a disposition to clear it."
        )
    assignment.status = AS.CLEARED
    assignment.cleared_at = at
    assignment.save(update_fields=["status", "cleared_at"])
    if disposition:
        _dispose(
            call,
            actor=actor,
            at=at,
            source=source,
            disposition=disposition,
            report_number=report_number,
            unit=unit,
        )
    if last:
        if call.status == C.DISPOSITIONED:
            _move_call(call, "close", at=at, actor=actor, source=source, unit=unit)
        elif call.status in (C.DISPATCHED, C.EN_ROUTE):
            _move_call(
                call,
                "recall",
                at=at,
                actor=actor,
                source=source,
                unit=unit,
                note="every unit recalled before arrival: back in the queue",
            )


def _dispose(
    call: Call,
    *,
    actor: User | None,
    at: datetime,
    source: str,
    disposition: str,
    report_number: str,
    unit: Unit | None = None,
) -> None:
    written = disposition in REPORT_DISPOSITIONS
    if written and not report_number.strip():
        raise ApplicationError(
            f"A '{Disposition(disposition).label}' disposition needs the report number."
        )
    if call.status != C.ON_SCENE:
        call_next_status(call.status, "dispose")
    call.disposition = disposition
    call.report_written = written
    call.report_number = report_number.strip()[:32] if written else ""
    if written:
        from openprecinct.records.models import Incident

        call.incident = Incident.objects.filter(report_number=call.report_number).first()
    call.save(update_fields=["disposition", "report_written", "report_number", "incident"])
    _move_call(
        call,
        "dispose",
        at=at,
        actor=actor,
        source=source,
        unit=unit,
        note=f"{call.get_disposition_display()}"
        + (f", report {call.report_number}" if written else ""),
    )


def call_dispose(
    *,
    actor: User,
    call: Call,
    disposition: str,
    report_number: str = "",
    at: datetime | None = None,
    source: str = Source.CAD,
) -> Call:
    """The disposition, while units may still be on scene (the last to clear closes it)."""
    _require(
        perms.can_dispatch(actor) or perms.can_use_mobile_view(actor),
        "Your role can't enter dispositions.",
    )
    if disposition not in Disposition.values:
        raise ApplicationError(
            f"Unknown disposition {disposition!r}: use one of {', '.join(Disposition.values)}."
        )
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        now = _now(at)
        _dispose(
            call,
            actor=actor,
            at=now,
            source=source,
            disposition=disposition,
            report_number=report_number,
        )
        if not call.assignments.filter(status__in=ACTIVE_ASSIGNMENT).exists():
            _move_call(call, "close", at=now, actor=actor, source=source)
    return call


def call_cancel(*, actor: User, call: Call, reason: str, at: datetime | None = None) -> Call:
    """Caller withdrew, handled by phone...: the call leaves the queue; its units are freed."""
    _require(perms.can_dispatch(actor), "Your role can't cancel calls.")
    _require(bool(reason.strip()), "Say why the call is cancelled.")
    now = _now(at)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        call_next_status(call.status, "cancel")
        for assignment in call.assignments.filter(status__in=ACTIVE_ASSIGNMENT).select_related(
            "unit"
        ):
            assignment.status = AS.CLEARED
            assignment.cleared_at = now
            assignment.save(update_fields=["status", "cleared_at"])
            _move_unit(
                assignment.unit,
                "clear",
                at=now,
                actor=actor,
                source=Source.CAD,
                call=call,
                note="call cancelled",
            )
        call.cancel_reason = reason.strip()[:200]
        call.save(update_fields=["cancel_reason"])
        _move_call(call, "cancel", at=now, actor=actor, source=Source.CAD, note=reason)
    return call


def call_reopen(*, actor: User, call: Call, reason: str, at: datetime | None = None) -> Call:
    """Back in the queue; the original §14-149 clocks are kept, the re-dispatch is logged."""
    _require(perms.can_dispatch(actor), "Your role can't re-open calls.")
    _require(bool(reason.strip()), "Say why the call is re-opened.")
    _require(
        call.duplicate_of_id is None, "A duplicate call can't be re-opened: re-open the event."
    )
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _move_call(call, "reopen", at=_now(at), actor=actor, source=Source.CAD, note=reason)
    return call


# --- units ------------------------------------------------------------------------------------
def unit_create(
    *,
    actor: User | None,
    call_sign: str,
    home_sector: str = "",
    members: Iterable[User] = (),
    precinct: str = "120",
) -> Unit:
    if actor is not None:
        _require(perms.can_dispatch(actor), "Your role can't set up units.")
    sign = call_sign.strip().upper()
    _require(bool(sign), "Give the unit a call sign (for example 120A1).")
    _require(not Unit.objects.filter(call_sign=sign).exists(), f"Unit {sign} already exists.")
    with transaction.atomic():
        unit = Unit.objects.create(call_sign=sign, home_sector=home_sector, precinct=precinct)
        unit.members.set(list(members))
    return unit


def unit_set_crew(*, actor: User, unit: Unit, members: Iterable[User]) -> Unit:
    _require(perms.can_dispatch(actor), "Your role can't change crews.")
    with transaction.atomic():
        unit.members.set(list(members))
        audit_record(
            action="dispatch.unit.crew",
            obj=unit,
            details={"members": sorted(m.pk for m in unit.members.all())},
        )
    return unit


def unit_place(*, unit: Unit, latitude: float, longitude: float) -> Unit:
    """A position fix (AVL or the phone's location)."""
    place = _place(latitude, longitude)
    unit.latitude, unit.longitude = latitude, longitude
    unit.x_m, unit.y_m = place["x_m"], place["y_m"]
    unit.save(update_fields=["latitude", "longitude", "x_m", "y_m"])
    return unit


# --- hazards and BOLOs -------------------------------------------------------------------------
def hazard_create(
    *,
    actor: User,
    address: str,
    category: str,
    guidance: str,
    source: str,
    latitude: float | None = None,
    longitude: float | None = None,
    review_by=None,
) -> Hazard:
    """A premise flag. Review date defaults to 12 months: unreviewed flags must not linger."""
    _require(perms.can_flag_hazard(actor), "Your role can't add hazard flags.")
    if category not in HazardCategory.values:
        raise ApplicationError(
            f"Unknown hazard category {category!r}: use one of {', '.join(HazardCategory.values)}."
        )
    _require(bool(address.strip()), "Give the address the hazard is at.")
    _require(bool(guidance.strip()), "Describe the hazard as guidance for responders.")
    _require(bool(source.strip()), "Name the source (a report number or call number).")
    now = timezone.now()
    review = review_by or (timezone.localdate() + timedelta(days=365))
    _require(review > timezone.localdate(), "The review date must be in the future.")
    place = _place(latitude, longitude)
    with transaction.atomic():
        hazard = Hazard.objects.create(
            address=address.strip(),
            category=category,
            guidance=guidance.strip(),
            source=source.strip(),
            author=actor,
            created_at=now,
            review_by=review,
            latitude=latitude,
            longitude=longitude,
            x_m=place.get("x_m"),
            y_m=place.get("y_m"),
        )
        audit_record(
            action="dispatch.hazard.create",
            obj=hazard,
            details={"category": category, "review_by": review.isoformat()},
        )
    return hazard


def hazard_review(*, actor: User, hazard: Hazard, keep: bool, months: int = 12) -> Hazard:
    """A supervisor's review: keep the flag for another period, or retire it."""
    _require(perms.can_review_hazards(actor), "Only a supervisor reviews hazard flags.")
    _require(hazard.retired_at is None, "This hazard flag is already retired.")
    _require(1 <= months <= 24, "Keep a flag for 1 to 24 months at a time.")
    with transaction.atomic():
        if keep:
            hazard.review_by = timezone.localdate() + timedelta(days=30 * months)
        else:
            hazard.retired_at = timezone.now()
        hazard.save(update_fields=["review_by", "retired_at"])
        audit_record(
            action="dispatch.hazard.review",
            obj=hazard,
            details={"kept": keep, "review_by": hazard.review_by.isoformat()},
        )
    return hazard


def bolo_create(
    *,
    actor: User,
    kind: str,
    description: str,
    reason: str,
    name: str = "",
    plate: str = "",
    armed_and_dangerous: bool = False,
    case_number: str = "",
    hours: int = 72,
) -> Bolo:
    _require(
        perms.can_dispatch(actor) or perms.can_flag_hazard(actor), "Your role can't issue BOLOs."
    )
    if kind not in Bolo.Kind.values:
        raise ApplicationError(f"Unknown BOLO kind {kind!r}: use person or vehicle.")
    _require(bool(name.strip() or plate.strip()), "A BOLO needs a name or a plate to match.")
    _require(bool(description.strip()) and bool(reason.strip()), "Give a description and a reason.")
    _require(1 <= hours <= 24 * 30, "A BOLO lasts from 1 hour to 30 days.")
    now = timezone.now()
    with transaction.atomic():
        bolo = Bolo.objects.create(
            kind=kind,
            name=name.strip(),
            plate=plate.strip().upper(),
            description=description.strip(),
            reason=reason.strip(),
            armed_and_dangerous=armed_and_dangerous,
            case_number=case_number.strip(),
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        audit_record(action="dispatch.bolo.create", obj=bolo, details={"kind": kind})
    return bolo


def bolo_cancel(*, actor: User, bolo: Bolo) -> Bolo:
    _require(
        perms.can_dispatch(actor) or perms.can_flag_hazard(actor), "Your role can't cancel BOLOs."
    )
    _require(bolo.cancelled_at is None, "This BOLO is already cancelled.")
    with transaction.atomic():
        bolo.cancelled_at = timezone.now()
        bolo.save(update_fields=["cancelled_at"])
        audit_record(action="dispatch.bolo.cancel", obj=bolo)
    return bolo


def record_query(*, actor: User, query: str) -> list[Bolo]:
    """An officer's name/plate/address query: audited, and any live BOLO it matches returned."""
    from openprecinct.dispatch.selectors import bolo_hits

    hits = bolo_hits(query)
    audit_record(
        action="dispatch.query",
        object_type="dispatch.query",
        details={"length": len(query), "bolo_hits": [b.pk for b in hits]},
    )
    return hits
