"""Every state change of the community app: explicit transition tables, one function per
action, each inside ``transaction.atomic()`` with its audit entry.

Tip actions taken by the tipster run in the anonymous request context (no user, address or
request id) and their audit entries carry nothing but the tip's database id and the action.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.geography import locate

from . import anonymity, checks, tipcrypto
from .models import (
    SERVICE_CODES,
    AcademyApplication,
    AcademyAttendance,
    AcademySession,
    Agreement,
    Allocation,
    Cohort,
    Donation,
    Drive,
    Event,
    Feedback,
    Grant,
    GrantExpense,
    GrantReport,
    Partner,
    PostRevision,
    Problem,
    ProblemReportBack,
    Rsvp,
    SafetyPost,
    ServiceRequest,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SuspiciousActivityReport,
    Tip,
    TipAttachment,
    TipMessage,
    Volunteer,
    VolunteerShift,
    WatchGroup,
    WatchMember,
)

# Days a closed tip is kept before the purge removes its text, messages and photos.
TIP_RETENTION_DAYS = 365
TIP_RETENTION_DAYS_UNFOUNDED = 90
# A suspicious-activity report not retained is purged after this many days; a retained one
# is reviewed (and purged unless re-validated) after five years (28 CFR 23.20(h)).
SAR_NOT_RETAINED_DAYS = 30
SAR_RETENTION_DAYS = 5 * 365
NARRATIVE_MIN = 20
NARRATIVE_MAX = 10_000
MESSAGE_MAX = 5_000
EMERGENCY_GUIDANCE = (
    "If someone is in danger right now, call 911. This tip line is not watched around the "
    "clock. You do not have to give your name to 911."
)


# --- the transition helper -------------------------------------------------------------------
def _advance(
    obj: Model,
    table: Mapping[tuple[str, str], str],
    action: str,
    *,
    noun: str,
    details: Mapping[str, Any] | None = None,
    field: str = "status",
) -> str:
    """Move ``obj`` along ``table`` for ``action`` (or refuse), save, and audit. Returns the
    old status. Call inside ``transaction.atomic()`` after setting the other fields."""
    current = getattr(obj, field)
    target = table.get((current, action))
    if target is None:
        allowed = sorted({a for (s, a) in table if s == current})
        hint = f" From here: {', '.join(allowed)}." if allowed else " Nothing more can be done."
        raise TransitionNotAllowed(
            f"Cannot {action.replace('_', ' ')} a {noun} that is {current.replace('_', ' ')}."
            + hint
        )
    setattr(obj, field, target)
    obj.save()
    audit_record(
        action=f"community.{noun.replace(' ', '_')}.{action}",
        obj=obj,
        details={"from": current, "to": target, **(details or {})},
    )
    return current


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ApplicationError(message)


def _allowed(ok: bool) -> None:
    if not ok:
        raise ApplicationError("You are not allowed to do this.")


def _text(value: str | None, name: str, *, minimum: int = 1, maximum: int = 5000) -> str:
    text = (value or "").strip()
    _require(
        len(text) >= minimum,
        f"{name} is required" + (f" (at least {minimum} characters)." if minimum > 1 else "."),
    )
    _require(len(text) <= maximum, f"{name} is too long (at most {maximum} characters).")
    return text


def _money(value: Any, name: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(f"{name} must be an amount such as 250.00.") from exc
    _require(amount > 0, f"{name} must be more than zero.")
    return amount


def _point(latitude: Any, longitude: Any) -> tuple[float | None, float | None, str]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, ""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError) as exc:
        raise ApplicationError("The map location needs both a latitude and a longitude.") from exc
    _require(
        40.4 <= lat <= 41.0 and -74.3 <= lon <= -73.6, "The map location is outside New York City."
    )
    # Four decimals (about 10 m) is enough to find a place and no more than that.
    lat, lon = round(lat, 4), round(lon, 4)
    _, sector = locate(latitude=lat, longitude=lon)
    return lat, lon, sector


# ============================================================================================
# Anonymous tips
# ============================================================================================
T = Tip
TIP_TRANSITIONS: dict[tuple[str, str], str] = {
    ("received", "triage"): "triaged",
    ("triaged", "triage"): "triaged",
    ("triaged", "screen"): "screened",
    ("screened", "screen"): "screened",
    ("screened", "assign"): "assigned",
    ("assigned", "assign"): "assigned",
    ("triaged", "record_outcome"): "disposed",
    ("screened", "record_outcome"): "disposed",
    ("assigned", "record_outcome"): "disposed",
    ("disposed", "close"): "closed",
    ("closed", "purge"): "purged",
}


def submit_tip(
    *,
    narrative: str,
    category: str = "",
    latitude: Any = None,
    longitude: Any = None,
    photos: Iterable[bytes] = (),
    today: date | None = None,
) -> tuple[Tip, str]:
    """Store a tip and return it with its passphrase (shown once, never stored)."""
    text = _text(narrative, "What you saw", minimum=NARRATIVE_MIN, maximum=NARRATIVE_MAX)
    lat, lon, sector = _point(latitude, longitude)
    photos = list(photos)
    _require(len(photos) <= anonymity.MAX_ATTACHMENTS, "At most three photos can be attached.")
    cleaned = [anonymity.strip_image(data) for data in photos]
    day = today or timezone.localdate()
    passphrase = tipcrypto.new_passphrase()
    with transaction.atomic():
        reference = tipcrypto.new_reference()
        while Tip.objects.filter(reference=reference).exists():
            reference = tipcrypto.new_reference()
        tip = Tip.objects.create(
            reference=reference,
            key_hash=tipcrypto.derive(passphrase, reference),
            category=(category or "")[:40],
            narrative_original=text,
            latitude=lat,
            longitude=lon,
            sector=sector,
            received_on=day,
            last_message_on=day,
        )
        for data, content_type in cleaned:
            TipAttachment.objects.create(
                tip=tip, content_type=content_type, data=data, size=len(data)
            )
        audit_record(action="community.tip.submit", obj=tip, details={"photos": len(cleaned)})
    return tip, passphrase


def tip_for_tipster(reference: str, passphrase: str) -> Tip | None:
    """The tip if the passphrase is right; ``None`` for an unknown tip *or* a wrong passphrase
    (one scrypt either way, one answer)."""
    ref = tipcrypto.normalise(reference)
    tip = Tip.objects.filter(reference=ref).exclude(status="purged").first() if ref else None
    ok = tipcrypto.matches(passphrase, ref, tip.key_hash if tip is not None else None)
    return tip if ok else None


def tipster_reply(tip: Tip, body: str, *, today: date | None = None) -> TipMessage:
    text = _text(body, "Your message", maximum=MESSAGE_MAX)
    _require(
        tip.status not in ("closed", "purged"), "This tip is closed and cannot take new messages."
    )
    day = today or timezone.localdate()
    with transaction.atomic():
        message = TipMessage.objects.create(tip=tip, author="tipster", body=text, sent_on=day)
        tip.last_message_on = day
        tip.save(update_fields=["last_message_on"])
        audit_record(action="community.tip.tipster_message", obj=tip)
    return message


def staff_reply(user: Any, tip: Tip, body: str) -> TipMessage:
    _allowed(perms.can_reply_to_tip(user, tip))
    text = _text(body, "The reply", maximum=MESSAGE_MAX)
    day = timezone.localdate()
    with transaction.atomic():
        message = TipMessage.objects.create(
            tip=tip, author="staff", staff_user=user, body=text, sent_on=day, screened=True
        )
        tip.last_message_on = day
        tip.save(update_fields=["last_message_on"])
        audit_record(action="community.tip.staff_message", obj=tip)
    return message


def triage_tip(
    user: Any, tip: Tip, *, emergency: bool, route: str, other_agency: str = "", category: str = ""
) -> Tip:
    _allowed(perms.can_triage_tips(user))
    from .models import TipRoute

    _require(route in TipRoute.values, "Choose where the tip goes (route).")
    if route == "other_agency":
        _require(bool(other_agency.strip()), "Name the agency the tip is routed to.")
    with transaction.atomic():
        tip.emergency = bool(emergency)
        tip.route = route
        tip.other_agency = other_agency.strip()[:120]
        if category:
            tip.category = category[:40]
        _advance(
            tip,
            TIP_TRANSITIONS,
            "triage",
            noun="tip",
            details={"route": route, "emergency": tip.emergency},
        )
        if tip.emergency:
            TipMessage.objects.create(
                tip=tip,
                author="staff",
                staff_user=user,
                body=EMERGENCY_GUIDANCE,
                sent_on=timezone.localdate(),
                screened=True,
            )
    return tip


def screen_tip(
    user: Any, tip: Tip, *, screened_text: str, release_photos: Iterable[int] = ()
) -> Tip:
    """The coordinator's scrub: investigators read ``screened_text``, never the original."""
    _allowed(perms.can_triage_tips(user))
    text = _text(screened_text, "The screened text", maximum=NARRATIVE_MAX)
    release = {int(i) for i in release_photos}
    with transaction.atomic():
        tip.narrative_screened = text
        for attachment in tip.attachments.all():
            attachment.released = attachment.pk in release
            attachment.save(update_fields=["released"])
        _advance(
            tip, TIP_TRANSITIONS, "screen", noun="tip", details={"photos_released": len(release)}
        )
    return tip


def screen_message(user: Any, message: TipMessage, *, screened_body: str) -> TipMessage:
    _allowed(perms.can_triage_tips(user))
    _require(message.author == "tipster", "Only the tipster's messages need screening.")
    text = _text(screened_body, "The screened message", maximum=MESSAGE_MAX)
    with transaction.atomic():
        message.screened_body = text
        message.screened = True
        message.save(update_fields=["screened_body", "screened"])
        audit_record(
            action="community.tip.screen_message", obj=message.tip, details={"message": message.pk}
        )
    return message


def assign_tip(user: Any, tip: Tip, assignee: Any) -> Tip:
    _allowed(perms.can_triage_tips(user))
    _require(
        assignee is not None and perms._has(assignee, *perms.TIP_INVESTIGATORS),
        "Assign the tip to an officer, sergeant, the CO or an IA investigator.",
    )
    with transaction.atomic():
        tip.assigned_to = assignee
        _advance(tip, TIP_TRANSITIONS, "assign", noun="tip", details={"assignee": assignee.pk})
    return tip


def record_tip_outcome(user: Any, tip: Tip, outcome: str) -> Tip:
    from .models import TipOutcome

    _allowed(
        perms.can_triage_tips(user) or (perms.can_view_tip(user, tip) and tip.status == "assigned")
    )
    _require(outcome in TipOutcome.values, "Choose an outcome.")
    with transaction.atomic():
        tip.outcome = outcome
        _advance(tip, TIP_TRANSITIONS, "record_outcome", noun="tip", details={"outcome": outcome})
    return tip


def close_tip(user: Any, tip: Tip, *, today: date | None = None) -> Tip:
    _allowed(perms.can_triage_tips(user))
    day = today or timezone.localdate()
    days = TIP_RETENTION_DAYS_UNFOUNDED if tip.outcome == "unfounded" else TIP_RETENTION_DAYS
    with transaction.atomic():
        tip.closed_on = day
        tip.purge_after = day + timedelta(days=days)
        _advance(
            tip, TIP_TRANSITIONS, "close", noun="tip", details={"purge_after": tip.purge_after}
        )
    return tip


def purge_tip(tip: Tip) -> Tip:
    """Remove everything a tip said; keep only the month, route and outcome for statistics."""
    with transaction.atomic():
        tip.messages.all().delete()
        tip.attachments.all().delete()
        tip.narrative_original = ""
        tip.narrative_screened = ""
        tip.key_hash = ""
        tip.latitude = tip.longitude = None
        tip.reference = f"X{tip.pk:07d}"[:16]
        _advance(tip, TIP_TRANSITIONS, "purge", noun="tip")
    return tip


# ============================================================================================
# Suspicious-activity reports
# ============================================================================================
SAR_TRANSITIONS = {
    ("received", "retain"): "retained",
    ("received", "decline"): "not_retained",
    ("retained", "purge"): "purged",
    ("not_retained", "purge"): "purged",
}


def submit_sar(
    *,
    behaviour: str,
    description: str,
    location: str,
    observed_on: date,
    confirmed_behaviour: bool = False,
    today: date | None = None,
) -> SuspiciousActivityReport:
    """A behaviour-focused report. A description that rests on a protected trait alone is
    sent back with a warning until the reporter confirms they described behaviour."""
    codes = [c for c, _ in SuspiciousActivityReport.BEHAVIOURS]
    _require(behaviour in codes, "Choose the behaviour you saw.")
    text = _text(description, "What you saw", minimum=NARRATIVE_MIN, maximum=NARRATIVE_MAX)
    place = _text(location, "Where it happened", maximum=200)
    day = today or timezone.localdate()
    _require(observed_on <= day, "The date you saw it cannot be in the future.")
    warnings = checks.bias_warnings(text)
    if warnings and not confirmed_behaviour:
        raise ApplicationError(warnings[0], extra={"bias_warnings": warnings})
    with transaction.atomic():
        reference = tipcrypto.new_reference()
        while SuspiciousActivityReport.objects.filter(reference=reference).exists():
            reference = tipcrypto.new_reference()
        sar = SuspiciousActivityReport.objects.create(
            reference=reference,
            behaviour=behaviour,
            description=text,
            location=place,
            observed_on=observed_on,
            bias_warnings=warnings,
            received_on=day,
        )
        audit_record(
            action="community.sar.submit", obj=sar, details={"bias_warnings": len(warnings)}
        )
    return sar


def review_sar(
    user: Any,
    sar: SuspiciousActivityReport,
    *,
    retain: bool,
    reason: str,
    today: date | None = None,
) -> SuspiciousActivityReport:
    _allowed(perms.can_review_sars(user))
    why = _text(
        reason,
        "The reason (reasonable suspicion and criminal nexus, or why not)",
        minimum=10,
        maximum=2000,
    )
    day = today or timezone.localdate()
    with transaction.atomic():
        sar.reviewed_by = user
        sar.review_reason = why
        if retain:
            sar.review_due = sar.purge_after = day + timedelta(days=SAR_RETENTION_DAYS)
        else:
            sar.purge_after = day + timedelta(days=SAR_NOT_RETAINED_DAYS)
        _advance(sar, SAR_TRANSITIONS, "retain" if retain else "decline", noun="sar")
    return sar


def purge_sar(sar: SuspiciousActivityReport) -> SuspiciousActivityReport:
    with transaction.atomic():
        sar.description = ""
        sar.location = ""
        sar.review_reason = ""
        sar.bias_warnings = []
        _advance(sar, SAR_TRANSITIONS, "purge", noun="sar")
    return sar


def purge_expired(
    as_of: date, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """The retention job: purge closed tips, SARs and expired safety posts whose time came.
    Idempotent; safe to run every night."""
    tips = list(Tip.objects.filter(status="closed", purge_after__lte=as_of))
    sars = list(
        SuspiciousActivityReport.objects.filter(
            status__in=("retained", "not_retained"), purge_after__lte=as_of
        )
    )
    posts = list(SafetyPost.objects.filter(status="published", expires_on__lt=as_of))
    total = len(tips) + len(sars) + len(posts)
    done = 0
    for tip in tips:
        purge_tip(tip)
        done += 1
        if progress:
            progress(done, total)
    for sar in sars:
        purge_sar(sar)
        done += 1
        if progress:
            progress(done, total)
    for post in posts:
        with transaction.atomic():
            _advance(
                post, POST_TRANSITIONS, "expire", noun="safety post", details={"by": "schedule"}
            )
        done += 1
        if progress:
            progress(done, total)
    return {"tips": len(tips), "sars": len(sars), "posts_expired": len(posts)}


# ============================================================================================
# Service requests (Open311)
# ============================================================================================
SERVICE_TRANSITIONS = {
    ("open", "acknowledge"): "acknowledged",
    ("open", "close"): "closed",
    ("acknowledged", "close"): "closed",
    ("closed", "reopen"): "open",
    ("closed", "archive"): "archived",
}


def submit_service_request(
    *,
    service_code: str,
    description: str,
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
) -> ServiceRequest:
    _require(service_code in SERVICE_CODES, "Choose a kind of problem (service_code).")
    text = _text(description, "The description", minimum=5, maximum=4000)
    lat, lon, sector = _point(latitude, longitude)
    _require(bool(address.strip()) or lat is not None, "Give an address or a place on the map.")
    now = timezone.now()
    with transaction.atomic():
        request = ServiceRequest.objects.create(
            service_code=service_code,
            description=text,
            address=address.strip()[:200],
            latitude=lat,
            longitude=lon,
            sector=sector,
            created_at=now,
            updated_at=now,
        )
        audit_record(action="community.service_request.submit", obj=request)
    return request


def move_service_request(
    user: Any, request: ServiceRequest, action: str, *, notes: str = ""
) -> ServiceRequest:
    _allowed(perms.can_use_open311(user))
    now = timezone.now()
    with transaction.atomic():
        stamp = {
            "acknowledge": "acknowledged_at",
            "close": "closed_at",
            "reopen": "reopened_at",
        }.get(action)
        if stamp:
            setattr(request, stamp, now)
        if notes:
            request.status_notes = notes[:2000]
        request.updated_at = now
        _advance(request, SERVICE_TRANSITIONS, action, noun="service request")
    return request


# ============================================================================================
# Events, RSVPs, feedback, problems
# ============================================================================================
EVENT_TRANSITIONS = {
    ("draft", "publish"): "published",
    ("draft", "cancel"): "cancelled",
    ("published", "cancel"): "cancelled",
    ("published", "hold"): "held",
}
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "sector",
    "venue",
    "languages",
    "starts_at",
    "ends_at",
    "capacity",
)


def create_event(user: Any, **data: Any) -> Event:
    _allowed(perms.can_manage_community(user))
    from .models import EventKind

    _require(data.get("kind") in EventKind.values, "Choose the kind of event.")
    title = _text(data.get("title"), "The title", maximum=160)
    venue = _text(data.get("venue"), "The venue", maximum=200)
    starts, ends = data.get("starts_at"), data.get("ends_at")
    _require(
        isinstance(starts, datetime) and isinstance(ends, datetime), "Give a start and an end time."
    )
    _require(ends > starts, "The event must end after it starts.")
    if data.get("kind") in ("sector_meeting",):
        _require(bool(data.get("sector")), "A Build the Block meeting needs its sector.")
    with transaction.atomic():
        event = Event.objects.create(
            kind=data["kind"],
            title=title,
            venue=venue,
            starts_at=starts,
            ends_at=ends,
            description=(data.get("description") or "")[:5000],
            sector=data.get("sector") or "",
            languages=data.get("languages") or "English",
            capacity=data.get("capacity") or None,
            created_by=user,
        )
        audit_record(action="community.event.create", obj=event)
    return event


def publish_event(user: Any, event: Event) -> Event:
    _allowed(perms.can_manage_community(user))
    with transaction.atomic():
        _advance(event, EVENT_TRANSITIONS, "publish", noun="event")
    return event


def cancel_event(user: Any, event: Event, reason: str = "") -> Event:
    _allowed(perms.can_manage_community(user))
    with transaction.atomic():
        _advance(event, EVENT_TRANSITIONS, "cancel", noun="event", details={"reason": reason[:200]})
    return event


def hold_event(
    user: Any,
    event: Event,
    *,
    attendance: int,
    minutes: str = "",
    attended_rsvps: Iterable[int] = (),
) -> Event:
    """Record that the event took place. For a sector meeting (or the council), every open
    problem of that sector raised before this meeting is reported back with its status."""
    _allowed(perms.can_manage_community(user))
    _require(
        isinstance(attendance, int) and attendance >= 0,
        "Attendance must be a whole number, 0 or more.",
    )
    _require(
        event.starts_at <= timezone.now(),
        "An event can be marked as held only once it has started.",
    )
    attended = {int(i) for i in attended_rsvps}
    with transaction.atomic():
        event.attendance = attendance
        event.minutes = minutes[:20000]
        _advance(event, EVENT_TRANSITIONS, "hold", noun="event", details={"attendance": attendance})
        for rsvp in event.rsvps.filter(pk__in=attended):
            rsvp.attended = True
            rsvp.save(update_fields=["attended"])
        reported = 0
        if event.kind in ("sector_meeting", "council", "town_hall"):
            problems = Problem.objects.filter(raised_on__lt=event.starts_at.date()).exclude(
                raised_at=event
            )
            if event.sector:
                problems = problems.filter(sector=event.sector)
            for problem in problems.exclude(status="closed").exclude(report_backs__status="solved"):
                ProblemReportBack.objects.get_or_create(
                    problem=problem, event=event, defaults={"status": problem.status}
                )
                reported += 1
        if reported:
            audit_record(
                action="community.event.report_back", obj=event, details={"problems": reported}
            )
    return event


def _rsvp_code_hash(code: str) -> str:
    return hashlib.sha256(("rsvp|" + tipcrypto.normalise(code)).encode()).hexdigest()


def rsvp(event: Event, *, name: str, email: str = "", party_size: int = 1) -> tuple[Rsvp, str]:
    """A resident's RSVP. Returns it and a code the resident can use to cancel."""
    _require(event.status == "published", "This event is not taking RSVPs.")
    _require(event.starts_at > timezone.now(), "This event has already started.")
    who = _text(name, "Your name", maximum=120)
    _require(
        isinstance(party_size, int) and 1 <= party_size <= 10,
        "Party size must be between 1 and 10.",
    )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.capacity is not None:
            _require(
                locked.booked + party_size <= locked.capacity,
                f"Sorry, only {max(locked.capacity - locked.booked, 0)} places are left.",
            )
        code = tipcrypto.new_reference()
        row = Rsvp.objects.create(
            event=locked,
            name=who,
            email=(email or "").strip()[:254],
            party_size=party_size,
            code_hash=_rsvp_code_hash(code),
            created_on=timezone.localdate(),
        )
        audit_record(
            action="community.event.rsvp", obj=locked, details={"rsvp": row.pk, "party": party_size}
        )
    return row, code


def cancel_rsvp(code: str) -> Rsvp:
    row = Rsvp.objects.filter(code_hash=_rsvp_code_hash(code), status="confirmed").first()
    _require(row is not None, "No RSVP has that code (or it was already cancelled).")
    assert row is not None
    with transaction.atomic():
        row.status = "cancelled"
        row.save(update_fields=["status"])
        audit_record(action="community.event.rsvp_cancel", obj=row.event, details={"rsvp": row.pk})
    return row


def give_feedback(
    event: Event, *, rating: int, useful: bool | None = None, comment: str = ""
) -> Feedback:
    _require(event.status == "held", "Feedback opens once the event has taken place.")
    _require(isinstance(rating, int) and 1 <= rating <= 5, "Rate the event from 1 to 5.")
    _require(len(comment or "") <= 2000, "The comment is too long (at most 2000 characters).")
    with transaction.atomic():
        row = Feedback.objects.create(
            event=event,
            rating=rating,
            useful=useful,
            comment=(comment or "").strip(),
            submitted_on=timezone.localdate(),
        )
        audit_record(action="community.event.feedback", obj=event, details={"feedback": row.pk})
    return row


PROBLEM_TRANSITIONS = {
    ("scan", "analyse"): "analysis",
    ("analysis", "respond"): "response",
    ("response", "assess"): "assessment",
    ("assessment", "respond"): "response",  # the response did not work: try another
    ("assessment", "solve"): "solved",
    ("scan", "close"): "closed",
    ("analysis", "close"): "closed",
    ("response", "close"): "closed",
    ("assessment", "close"): "closed",
}


def raise_problem(
    user: Any,
    *,
    title: str,
    description: str = "",
    sector: str = "",
    category: str = "",
    event: Event | None = None,
) -> Problem:
    _allowed(perms.can_manage_community(user))
    name = _text(title, "The problem", maximum=160)
    if event is not None:
        _require(event.status == "held", "Concerns are captured at a meeting that took place.")
        sector = sector or event.sector
    with transaction.atomic():
        problem = Problem.objects.create(
            title=name,
            description=(description or "")[:5000],
            sector=sector or "",
            category=(category or "")[:40],
            raised_at=event,
            raised_on=event.starts_at.date() if event is not None else timezone.localdate(),
            owner=user,
        )
        audit_record(
            action="community.problem.raise",
            obj=problem,
            details={"event": event.pk if event else None},
        )
    return problem


def move_problem(
    user: Any, problem: Problem, action: str, *, text: str = "", partners: str = ""
) -> Problem:
    _allowed(perms.can_manage_community(user))
    needed = {
        "analyse": ("analysis", "The analysis"),
        "respond": ("response_plan", "The response plan"),
        "assess": ("assessment", "The assessment"),
        "close": (None, "The reason"),
    }
    with transaction.atomic():
        if action in needed:
            field, label = needed[action]
            value = _text(text, label, maximum=5000)
            if field:
                setattr(problem, field, value)
        if partners:
            problem.partners = partners[:200]
        if action == "solve":
            problem.solved_on = timezone.localdate()
        _advance(
            problem,
            PROBLEM_TRANSITIONS,
            action,
            noun="problem",
            details={"reason": text[:200]} if action == "close" else None,
        )
    return problem


# ============================================================================================
# Watch groups, volunteers
# ============================================================================================
WATCH_TRANSITIONS = {
    ("proposed", "activate"): "active",
    ("active", "suspend"): "inactive",
    ("inactive", "activate"): "active",
}


def create_watch_group(
    user: Any,
    *,
    name: str,
    sector: str = "",
    area_geojson: Any = None,
    liaison: Any = None,
    meeting_cadence: str = "",
) -> WatchGroup:
    _allowed(perms.can_manage_community(user))
    title = _text(name, "The group's name", maximum=120)
    _require(
        not WatchGroup.objects.filter(name__iexact=title).exists(),
        "A watch group with that name exists.",
    )
    if area_geojson is not None:
        _require(
            isinstance(area_geojson, dict) and area_geojson.get("type") == "Polygon",
            "The area must be a GeoJSON Polygon.",
        )
    with transaction.atomic():
        group = WatchGroup.objects.create(
            name=title,
            sector=sector,
            area_geojson=area_geojson,
            liaison=liaison,
            meeting_cadence=meeting_cadence[:80],
        )
        audit_record(action="community.watch_group.create", obj=group)
    return group


def move_watch_group(user: Any, group: WatchGroup, action: str) -> WatchGroup:
    _allowed(perms.can_manage_community(user))
    if action == "activate":
        _require(group.liaison_id is not None, "An active group needs a liaison officer.")
        _require(bool(group.area_geojson), "An active group needs its area on the map.")
    with transaction.atomic():
        _advance(group, WATCH_TRANSITIONS, action, noun="watch group")
    return group


def add_watch_member(
    user: Any, group: WatchGroup, *, name: str, contact: str = "", captain: bool = False
) -> WatchMember:
    _allowed(perms.can_manage_community(user))
    who = _text(name, "The member's name", maximum=120)
    with transaction.atomic():
        member = WatchMember.objects.create(
            group=group, name=who, contact=contact[:160], is_captain=captain
        )
        audit_record(
            action="community.watch_group.add_member", obj=group, details={"member": member.pk}
        )
    return member


def record_watch_training(user: Any, group: WatchGroup, on: date) -> WatchGroup:
    _allowed(perms.can_manage_community(user))
    with transaction.atomic():
        group.training_completed_on = on
        group.save(update_fields=["training_completed_on"])
        audit_record(action="community.watch_group.training", obj=group, details={"on": on})
    return group


CHECK_TRANSITIONS = {
    ("not_started", "start_check"): "pending",
    ("pending", "clear"): "cleared",
    ("pending", "refuse"): "refused",
    ("refused", "start_check"): "pending",
}


def create_volunteer(
    user: Any,
    *,
    name: str,
    contact: str = "",
    roles: str = "",
    application: AcademyApplication | None = None,
) -> Volunteer:
    _allowed(perms.can_manage_community(user))
    who = _text(name, "The volunteer's name", maximum=120)
    with transaction.atomic():
        volunteer = Volunteer.objects.create(
            name=who, contact=contact[:160], roles=roles[:200], academy_application=application
        )
        audit_record(action="community.volunteer.create", obj=volunteer)
    return volunteer


def move_background_check(user: Any, volunteer: Volunteer, action: str) -> Volunteer:
    _allowed(perms.can_manage_community(user))
    with transaction.atomic():
        _advance(
            volunteer, CHECK_TRANSITIONS, action, noun="background check", field="background_check"
        )
    return volunteer


def log_hours(
    user: Any,
    volunteer: Volunteer,
    *,
    worked_on: date,
    hours: Any,
    activity: str,
    event: Event | None = None,
) -> VolunteerShift:
    _allowed(perms.can_manage_community(user))
    _require(
        volunteer.background_check == "cleared",
        "Hours can be logged only for a volunteer whose background check cleared.",
    )
    amount = _money(hours, "Hours")
    _require(amount <= 24, "Hours must be at most 24 for one day.")
    _require(worked_on <= timezone.localdate(), "The day worked cannot be in the future.")
    what = _text(activity, "The activity", maximum=160)
    with transaction.atomic():
        shift = VolunteerShift.objects.create(
            volunteer=volunteer, worked_on=worked_on, hours=amount, activity=what, event=event
        )
        audit_record(
            action="community.volunteer.hours", obj=volunteer, details={"hours": str(amount)}
        )
    return shift


# ============================================================================================
# The Citizens' Police Academy
# ============================================================================================
COHORT_TRANSITIONS = {
    ("planned", "open_applications"): "open",
    ("open", "start"): "in_session",
    ("in_session", "graduate"): "graduated",
}
APPLICATION_TRANSITIONS = {
    ("applied", "screen"): "screened",
    ("screened", "admit"): "admitted",
    ("screened", "waitlist"): "waitlisted",
    ("screened", "decline"): "declined",
    ("waitlisted", "admit"): "admitted",
    ("waitlisted", "decline"): "declined",
    ("admitted", "enrol"): "enrolled",
    ("enrolled", "graduate"): "graduated",
    ("applied", "withdraw"): "withdrawn",
    ("screened", "withdraw"): "withdrawn",
    ("waitlisted", "withdraw"): "withdrawn",
    ("admitted", "withdraw"): "withdrawn",
    ("enrolled", "withdraw"): "withdrawn",
}
GRADUATION_ATTENDANCE = 0.8


def create_cohort(
    user: Any, *, name: str, starts_on: date, ends_on: date, capacity: int = 25
) -> Cohort:
    _allowed(perms.can_manage_community(user))
    title = _text(name, "The cohort's name", maximum=80)
    _require(ends_on > starts_on, "The cohort must end after it starts.")
    _require(1 <= capacity <= 200, "Capacity must be between 1 and 200.")
    with transaction.atomic():
        cohort = Cohort.objects.create(
            name=title, starts_on=starts_on, ends_on=ends_on, capacity=capacity
        )
        audit_record(action="community.cohort.create", obj=cohort)
    return cohort


def move_cohort(user: Any, cohort: Cohort, action: str) -> Cohort:
    _allowed(perms.can_manage_community(user))
    with transaction.atomic():
        _advance(cohort, COHORT_TRANSITIONS, action, noun="cohort")
    return cohort


def apply_to_academy(
    cohort: Cohort,
    *,
    name: str,
    email: str = "",
    phone: str = "",
    statement: str = "",
    lives_or_works_in_precinct: bool = True,
    nominated_by: str = "",
) -> AcademyApplication:
    _require(cohort.status == "open", "This cohort is not taking applications.")
    who = _text(name, "Your name", maximum=120)
    _require(
        bool((email or "").strip() or (phone or "").strip()),
        "Give an email address or a phone number so we can reach you.",
    )
    _require(len(statement or "") <= 4000, "The statement is too long (at most 4000 characters).")
    with transaction.atomic():
        app = AcademyApplication.objects.create(
            cohort=cohort,
            name=who,
            email=(email or "").strip()[:254],
            phone=(phone or "").strip()[:40],
            statement=(statement or "").strip(),
            lives_or_works_in_precinct=lives_or_works_in_precinct,
            nominated_by=(nominated_by or "")[:120],
            applied_on=timezone.localdate(),
        )
        audit_record(action="community.academy.apply", obj=app)
    return app


def move_application(
    user: Any, app: AcademyApplication, action: str, *, notes: str = ""
) -> AcademyApplication:
    _allowed(perms.can_manage_community(user))
    with transaction.atomic():
        if action == "screen":
            app.screening_notes = _text(notes, "The screening notes", maximum=2000)
        if action == "admit":
            taken = app.cohort.applications.filter(
                status__in=("admitted", "enrolled", "graduated")
            ).count()
            _require(
                taken < app.cohort.capacity, "The cohort is full: waitlist the applicant instead."
            )
        if action == "enrol":
            _require(
                app.cohort.status in ("open", "in_session"),
                "Enrol once the cohort is open or in session.",
            )
        if action == "graduate":
            sessions = app.cohort.sessions.count()
            present = app.attendance.filter(present=True).count()
            _require(sessions > 0, "The cohort has no sessions yet.")
            _require(
                present >= GRADUATION_ATTENDANCE * sessions,
                f"Graduation needs {int(GRADUATION_ATTENDANCE * 100)}% attendance: {present} of {sessions} sessions attended.",
            )
        _advance(app, APPLICATION_TRANSITIONS, action, noun="academy application")
    return app


def add_session(user: Any, cohort: Cohort, *, held_on: date, topic: str) -> AcademySession:
    _allowed(perms.can_manage_community(user))
    subject = _text(topic, "The topic", maximum=160)
    _require(
        cohort.starts_on <= held_on <= cohort.ends_on,
        "The session must fall within the cohort's dates.",
    )
    with transaction.atomic():
        session = AcademySession.objects.create(cohort=cohort, held_on=held_on, topic=subject)
        audit_record(action="community.cohort.session", obj=cohort, details={"session": session.pk})
    return session


def record_attendance(user: Any, session: AcademySession, present_ids: Iterable[int]) -> int:
    _allowed(perms.can_manage_community(user))
    present = {int(i) for i in present_ids}
    enrolled = session.cohort.applications.filter(status="enrolled")
    with transaction.atomic():
        for app in enrolled:
            AcademyAttendance.objects.update_or_create(
                session=session, application=app, defaults={"present": app.pk in present}
            )
        audit_record(
            action="community.cohort.attendance",
            obj=session.cohort,
            details={"session": session.pk, "present": len(present)},
        )
    return enrolled.count()


def enlist_alumnus(user: Any, app: AcademyApplication, roles: str = "Academy alumni") -> Volunteer:
    _require(
        app.status == "graduated", "Only graduates of the academy join the volunteer pool this way."
    )
    _require(
        not Volunteer.objects.filter(academy_application=app).exists(),
        "This graduate is already a volunteer.",
    )
    return create_volunteer(
        user, name=app.name, contact=app.email or app.phone, roles=roles, application=app
    )


# ============================================================================================
# Donations, partnerships, grants
# ============================================================================================
DONATION_TRANSITIONS = {
    ("pledged", "clear"): "cleared",
    ("pledged", "decline"): "declined",
    ("cleared", "receive"): "received",
    ("received", "acknowledge"): "acknowledged",
    ("acknowledged", "allocate"): "allocated",
    ("allocated", "disclose"): "disclosed",
}
LARGE_GIFT = Decimal("5000")
DRIVE_TRANSITIONS = {("open", "close"): "closed"}


def create_drive(
    user: Any, *, title: str, purpose: str, goal: Any, opens_on: date, closes_on: date
) -> Drive:
    _allowed(perms.can_manage_donations(user))
    name = _text(title, "The drive's title", maximum=160)
    why = _text(purpose, "The purpose", maximum=2000)
    target = _money(goal, "The goal")
    _require(closes_on > opens_on, "The drive must close after it opens.")
    with transaction.atomic():
        drive = Drive.objects.create(
            title=name, purpose=why, goal=target, opens_on=opens_on, closes_on=closes_on
        )
        audit_record(action="community.drive.create", obj=drive)
    return drive


def close_drive(user: Any, drive: Drive) -> Drive:
    _allowed(perms.can_manage_donations(user))
    with transaction.atomic():
        _advance(drive, DRIVE_TRANSITIONS, "close", noun="drive")
    return drive


def record_pledge(
    user: Any,
    *,
    donor_name: str,
    donor_kind: str,
    amount: Any,
    drive: Any = None,
    restricted_purpose: str = "",
    donor_may_be_named: bool = False,
    in_kind: bool = False,
    description: str = "",
    today: date | None = None,
) -> Donation:
    _allowed(perms.can_manage_donations(user))
    name = _text(donor_name, "The donor's name", maximum=160)
    _require(
        donor_kind in ("individual", "business", "foundation", "nonprofit"),
        "Choose the kind of donor.",
    )
    value = _money(amount, "The amount (or in-kind value)")
    with transaction.atomic():
        donation = Donation.objects.create(
            drive=drive,
            donor_name=name,
            donor_kind=donor_kind,
            amount=value,
            restricted_purpose=restricted_purpose[:200],
            donor_may_be_named=donor_may_be_named,
            in_kind=in_kind,
            description=description[:200],
            pledged_on=today or timezone.localdate(),
            recorded_by=user,
        )
        audit_record(
            action="community.donation.pledge", obj=donation, details={"amount": str(value)}
        )
    return donation


def conflict_findings(donation: Donation) -> list[dict[str, str]]:
    """What the conflict-of-interest check finds; ``block`` findings forbid acceptance."""
    findings: list[dict[str, str]] = []
    for partner in Partner.objects.exclude(pending_matter=""):
        if partner.name.strip().lower() == donation.donor_name.strip().lower():
            findings.append(
                {
                    "level": "block",
                    "text": f"The donor has a matter pending before the precinct: {partner.pending_matter}.",
                }
            )
    purpose = (donation.restricted_purpose or "").lower()
    if any(word in purpose for word in ("officer", "bonus", "personal", "gift card", "cash for")):
        findings.append(
            {"level": "block", "text": "The gift is restricted to a personal benefit for staff."}
        )
    if donation.amount >= LARGE_GIFT and donation.donor_kind == "business":
        findings.append(
            {
                "level": "review",
                "text": f"A business gift of {LARGE_GIFT} or more: the CO's note must explain why it is acceptable.",
            }
        )
    return findings


def check_donation(user: Any, donation: Donation, *, accept: bool, notes: str = "") -> Donation:
    _allowed(perms.can_check_donation_conflicts(user, donation))
    findings = conflict_findings(donation)
    if accept:
        blocking = [f["text"] for f in findings if f["level"] == "block"]
        _require(not blocking, "This donation cannot be accepted: " + " ".join(blocking))
        if findings:
            _require(
                len(notes.strip()) >= 20,
                "Explain in the note (20 characters or more) why this gift is acceptable.",
            )
    with transaction.atomic():
        donation.coi_checked_by = user
        donation.coi_findings = findings
        donation.coi_notes = notes[:2000]
        _advance(
            donation,
            DONATION_TRANSITIONS,
            "clear" if accept else "decline",
            noun="donation",
            details={"findings": len(findings)},
        )
    return donation


def move_donation(
    user: Any, donation: Donation, action: str, *, today: date | None = None
) -> Donation:
    _allowed(perms.can_manage_donations(user))
    _require(action in ("receive", "acknowledge", "disclose"), "Unknown action.")
    with transaction.atomic():
        if action == "receive":
            donation.received_on = today or timezone.localdate()
        _advance(donation, DONATION_TRANSITIONS, action, noun="donation")
    return donation


def allocate_donation(
    user: Any, donation: Donation, *, purpose: str, amount: Any, today: date | None = None
) -> Allocation:
    """Allocate part of a received gift; when all of it is allocated the donation moves on."""
    _allowed(perms.can_manage_donations(user))
    _require(
        donation.status == "acknowledged",
        "Allocate a donation once it is received and acknowledged.",
    )
    what = _text(purpose, "The purpose", maximum=200)
    value = _money(amount, "The amount")
    if donation.restricted_purpose:
        _require(
            donation.restricted_purpose.lower() in what.lower(),
            f"This gift is restricted to: {donation.restricted_purpose}. Name that purpose.",
        )
    with transaction.atomic():
        already = donation.allocations.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        _require(
            already + value <= donation.amount,
            f"Only {donation.amount - already} is left to allocate.",
        )
        row = Allocation.objects.create(
            donation=donation,
            purpose=what,
            amount=value,
            allocated_on=today or timezone.localdate(),
        )
        audit_record(
            action="community.donation.allocation", obj=donation, details={"amount": str(value)}
        )
        if already + value == donation.amount:
            _advance(donation, DONATION_TRANSITIONS, "allocate", noun="donation")
    return row


AGREEMENT_TRANSITIONS = {
    ("draft", "sign"): "active",
    ("active", "renew"): "active",
    ("active", "expire"): "expired",
    ("active", "terminate"): "terminated",
    ("expired", "renew"): "active",
}


def create_partner(user: Any, *, name: str, kind: str, pending_matter: str = "") -> Partner:
    _allowed(perms.can_manage_grants(user))
    title = _text(name, "The partner's name", maximum=160)
    _require(
        not Partner.objects.filter(name__iexact=title).exists(), "A partner with that name exists."
    )
    with transaction.atomic():
        partner = Partner.objects.create(name=title, kind=kind, pending_matter=pending_matter[:200])
        audit_record(action="community.partner.create", obj=partner)
    return partner


def create_agreement(
    user: Any, partner: Partner, *, title: str, data_sharing: str = ""
) -> Agreement:
    _allowed(perms.can_manage_grants(user))
    name = _text(title, "The agreement's title", maximum=160)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            partner=partner, title=name, data_sharing=data_sharing[:5000]
        )
        audit_record(action="community.agreement.create", obj=agreement)
    return agreement


def move_agreement(
    user: Any,
    agreement: Agreement,
    action: str,
    *,
    on: date | None = None,
    renews_on: date | None = None,
) -> Agreement:
    _allowed(perms.can_manage_grants(user))
    with transaction.atomic():
        if action in ("sign", "renew"):
            _require(renews_on is not None, "Give the date the agreement must be renewed by.")
            agreement.renews_on = renews_on
            if action == "sign":
                agreement.signed_on = on or timezone.localdate()
        _advance(agreement, AGREEMENT_TRANSITIONS, action, noun="agreement")
    return agreement


GRANT_TRANSITIONS = {
    ("drafting", "submit"): "submitted",
    ("submitted", "award"): "awarded",
    ("submitted", "reject"): "rejected",
    ("awarded", "close_out"): "closed",
}


def create_grant(
    user: Any,
    *,
    funder: str,
    program: str,
    amount_requested: Any,
    due_on: date | None = None,
    match_required: Any = 0,
) -> Grant:
    _allowed(perms.can_manage_grants(user))
    with transaction.atomic():
        grant = Grant.objects.create(
            funder=_text(funder, "The funder", maximum=160),
            program=_text(program, "The program", maximum=160),
            amount_requested=_money(amount_requested, "The amount requested"),
            due_on=due_on,
            match_required=Decimal(str(match_required or 0)),
        )
        audit_record(action="community.grant.create", obj=grant)
    return grant


def move_grant(
    user: Any,
    grant: Grant,
    action: str,
    *,
    award_number: str = "",
    amount_awarded: Any = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Grant:
    _allowed(perms.can_manage_grants(user))
    with transaction.atomic():
        if action == "award":
            grant.award_number = _text(award_number, "The award number", maximum=60)
            grant.amount_awarded = _money(amount_awarded, "The amount awarded")
            _require(
                period_start is not None and period_end is not None and period_end > period_start,
                "Give the award period (start before end).",
            )
            grant.period_start, grant.period_end = period_start, period_end
        if action == "close_out":
            late = grant.reports.filter(submitted_on__isnull=True).count()
            _require(
                late == 0,
                f"{late} report(s) are not submitted yet: submit them before closing out.",
            )
        _advance(grant, GRANT_TRANSITIONS, action, noun="grant")
    return grant


def record_grant_expense(
    user: Any, grant: Grant, *, spent_on: date, amount: Any, description: str
) -> GrantExpense:
    _allowed(perms.can_manage_grants(user))
    _require(grant.status == "awarded", "Spending is recorded against an awarded grant.")
    value = _money(amount, "The amount")
    assert grant.period_start and grant.period_end and grant.amount_awarded is not None
    _require(
        grant.period_start <= spent_on <= grant.period_end,
        "The expense falls outside the award period (not allowable).",
    )
    with transaction.atomic():
        spent = grant.expenses.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        _require(
            spent + value <= grant.amount_awarded,
            f"Only {grant.amount_awarded - spent} of the award is left.",
        )
        row = GrantExpense.objects.create(
            grant=grant,
            spent_on=spent_on,
            amount=value,
            description=_text(description, "The description", maximum=200),
        )
        audit_record(action="community.grant.expense", obj=grant, details={"amount": str(value)})
    return row


def add_grant_report(user: Any, grant: Grant, *, period: str, due_on: date) -> GrantReport:
    _allowed(perms.can_manage_grants(user))
    with transaction.atomic():
        row = GrantReport.objects.create(
            grant=grant, period=_text(period, "The reporting period", maximum=60), due_on=due_on
        )
        audit_record(action="community.grant.report_due", obj=grant, details={"due_on": due_on})
    return row


def submit_grant_report(user: Any, report: GrantReport, *, on: date | None = None) -> GrantReport:
    _allowed(perms.can_manage_grants(user))
    _require(report.submitted_on is None, "This report was already submitted.")
    with transaction.atomic():
        report.submitted_on = on or timezone.localdate()
        report.save(update_fields=["submitted_on"])
        audit_record(
            action="community.grant.report_submitted",
            obj=report.grant,
            details={"report": report.pk},
        )
    return report


# ============================================================================================
# Safety posts
# ============================================================================================
POST_TRANSITIONS = {
    ("draft", "submit"): "in_review",
    ("in_review", "return"): "draft",
    ("in_review", "publish"): "published",
    ("published", "correct"): "published",
    ("published", "expire"): "expired",
}


def write_post(
    user: Any,
    *,
    title: str,
    body: str,
    sector: str = "",
    context: str = "",
    expires_on: date | None = None,
    post: SafetyPost | None = None,
) -> SafetyPost:
    _allowed(perms.can_manage_community(user) or perms.can_review_safety_post(user))
    heading = _text(title, "The title", maximum=160)
    text = _text(body, "The text", minimum=20, maximum=5000)
    with transaction.atomic():
        if post is None:
            post = SafetyPost(author=user)
        else:
            _require(
                post.status == "draft", "Only a draft can be edited; a published post is corrected."
            )
            _require(
                post.author_id == user.pk or perms.can_manage_community(user),
                "Only the author edits a draft.",
            )
        post.title, post.body, post.sector, post.context, post.expires_on = (
            heading,
            text,
            sector,
            context[:2000],
            expires_on,
        )
        created = post.pk is None
        post.save()
        audit_record(action="community.safety_post." + ("create" if created else "edit"), obj=post)
    return post


def submit_post(user: Any, post: SafetyPost) -> SafetyPost:
    _allowed(post.author_id == user.pk or perms.can_manage_community(user))
    with transaction.atomic():
        post.review_findings = checks.post_findings(f"{post.title}\n{post.body}")
        _advance(
            post,
            POST_TRANSITIONS,
            "submit",
            noun="safety post",
            details={"findings": len(post.review_findings)},
        )
    return post


def review_post(user: Any, post: SafetyPost, *, publish: bool, note: str = "") -> SafetyPost:
    _allowed(perms.can_review_safety_post(user, post))
    with transaction.atomic():
        post.reviewer = user
        post.review_note = note[:2000]
        if publish:
            findings = checks.post_findings(f"{post.title}\n{post.body}")
            _require(
                not findings, "Cannot publish: " + " ".join(findings) + " Return it to the author."
            )
            now = timezone.now()
            post.published_at = post.updated_at = now
            post.revision = 1
            _advance(post, POST_TRANSITIONS, "publish", noun="safety post")
            PostRevision.objects.create(
                post=post, number=1, title=post.title, body=post.body, published_at=now
            )
        else:
            _require(bool(note.strip()), "Say what the author must change.")
            _advance(post, POST_TRANSITIONS, "return", noun="safety post")
    return post


def correct_post(user: Any, post: SafetyPost, *, title: str, body: str, note: str) -> SafetyPost:
    """A published post is never silently changed: a correction is a visible revision."""
    _allowed(perms.can_review_safety_post(user) or perms.can_manage_community(user))
    why = _text(note, "What was corrected", minimum=5, maximum=300)
    heading = _text(title, "The title", maximum=160)
    text = _text(body, "The text", minimum=20, maximum=5000)
    findings = checks.post_findings(f"{heading}\n{text}")
    _require(not findings, "Cannot publish this correction: " + " ".join(findings))
    with transaction.atomic():
        now = timezone.now()
        post.title, post.body, post.updated_at = heading, text, now
        post.revision += 1
        _advance(
            post,
            POST_TRANSITIONS,
            "correct",
            noun="safety post",
            details={"revision": post.revision, "note": why},
        )
        PostRevision.objects.create(
            post=post, number=post.revision, title=heading, body=text, note=why, published_at=now
        )
    return post


def expire_post(user: Any, post: SafetyPost) -> SafetyPost:
    _allowed(perms.can_manage_community(user))
    with transaction.atomic():
        _advance(post, POST_TRANSITIONS, "expire", noun="safety post")
    return post


# ============================================================================================
# The trust survey
# ============================================================================================
SURVEY_TRANSITIONS = {("draft", "publish"): "published", ("published", "close"): "closed"}


def create_survey(
    user: Any, *, title: str, introduction: str = "", statements: Iterable[tuple[str, str]]
) -> Survey:
    """A draft survey of five-point statements, given as (code, text) pairs."""
    _allowed(perms.can_manage_community(user))
    name = _text(title, "The survey's title", maximum=160)
    rows = [(code.strip(), text.strip()) for code, text in statements if text.strip()]
    _require(bool(rows), "Give at least one statement.")
    _require(len(rows) <= 30, "At most 30 statements.")
    codes = [c for c, _ in rows]
    _require(
        all(codes) and len(set(codes)) == len(codes), "Each statement needs its own short code."
    )
    with transaction.atomic():
        survey = Survey.objects.create(title=name, introduction=introduction[:2000])
        for number, (code, text) in enumerate(rows, 1):
            SurveyQuestion.objects.create(
                survey=survey, number=number, code=code[:40], text=text[:300]
            )
        audit_record(
            action="community.survey.create", obj=survey, details={"statements": len(rows)}
        )
    return survey


def move_survey(user: Any, survey: Survey, action: str) -> Survey:
    _allowed(perms.can_manage_community(user))
    if action == "publish":
        _require(survey.questions.exists(), "A survey needs at least one question.")
    with transaction.atomic():
        _advance(survey, SURVEY_TRANSITIONS, action, noun="survey")
    return survey


def submit_survey_response(
    survey: Survey, *, sector: str, answers: Mapping[int, int], today: date | None = None
) -> SurveyResponse:
    """Anonymous: a sector and the answers, nothing else."""
    _require(survey.status == "published", "This survey is not open.")
    questions = {q.pk: q for q in survey.questions.all()}
    _require(bool(answers), "Answer at least one question.")
    for qid, value in answers.items():
        _require(qid in questions, "An answer refers to a question that is not in this survey.")
        _require(isinstance(value, int) and 1 <= value <= 5, "Each answer must be from 1 to 5.")
    with transaction.atomic():
        response = SurveyResponse.objects.create(
            survey=survey, sector=sector[:8], submitted_on=today or timezone.localdate()
        )
        SurveyAnswer.objects.bulk_create(
            [
                SurveyAnswer(response=response, question=questions[q], value=v)
                for q, v in answers.items()
            ]
        )
        audit_record(action="community.survey.response", obj=survey)
    return response


def new_code() -> str:
    return secrets.token_hex(8)
