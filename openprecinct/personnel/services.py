"""Writing personnel data: alert triage and review, intervention plans, rules, training, wellness.

Every change goes through one function here, inside one transaction with its audit entry.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.personnel.models import (
    Alert,
    AlertStatus,
    AlertStep,
    Attendance,
    Course,
    FollowUp,
    IndicatorRule,
    InterventionPlan,
    PlanTask,
    TrainingSession,
    WellnessParticipation,
    WellnessProgram,
)

S = AlertStatus

# (from status, action) -> to status. Anything else is refused.
ALERT_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RAISED, "dismiss"): S.DISMISSED,
    (S.RAISED, "escalate"): S.SUPERVISOR_REVIEW,
    (S.SUPERVISOR_REVIEW, "no_action"): S.CLOSED,
    (S.SUPERVISOR_REVIEW, "monitor"): S.MONITORING,
    (S.SUPERVISOR_REVIEW, "plan"): S.PLAN_ACTIVE,
    (S.MONITORING, "plan"): S.PLAN_ACTIVE,
    (S.MONITORING, "close"): S.CLOSED,
    (S.PLAN_ACTIVE, "close"): S.CLOSED,
    (S.PLAN_ACTIVE, "realert"): S.SUPERVISOR_REVIEW,
}
# Who may take each action: triage is the coordinator's, the rest the supervisors'.
TRIAGE_ACTIONS = {"dismiss", "escalate"}
ACTIONS_NEEDING_A_NOTE = {"dismiss", "no_action", "close", "realert"}
FOLLOW_UP_MONTHS = (3, 6, 12)


def _audit(actor: Any, **kw: Any) -> None:
    """An audit entry naming ``actor`` (the same person the request context names, and still
    right when a service runs outside a request: a command, a job, a test)."""
    audit_record(
        actor_id=getattr(actor, "pk", None), actor_username=getattr(actor, "username", ""), **kw
    )


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _allowed(actor: Any, alert: Alert, action: str) -> bool:
    if action in TRIAGE_ACTIONS:
        return perms.can_triage_alert(actor, alert)
    return perms.can_review_alert(actor, alert)


def alert_transition(*, actor: Any, alert: Alert, action: str, note: str = "") -> Alert:
    """Move an alert one step along ALERT_TRANSITIONS (not ``plan``: use plan_create)."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if not _allowed(actor, alert, action):
            raise ApplicationError("Your role can't take that step on this alert.")
        target = ALERT_TRANSITIONS.get((alert.status, action))
        if target is None:
            raise TransitionNotAllowed(
                f"An alert that is '{alert.get_status_display()}' can't take the step '{action}'."
            )
        if action in ACTIONS_NEEDING_A_NOTE and not note.strip():
            raise ApplicationError(f"Write the reason for '{action}' in the note.")
        before = alert.status
        alert.status = target
        if action in ("no_action", "monitor", "plan"):
            alert.determination = action
        alert.save(update_fields=["status", "determination", "updated_at"])
        AlertStep.objects.create(
            alert=alert,
            action=action,
            from_status=before,
            to_status=target,
            actor=actor,
            at=timezone.now(),
            note=note.strip(),
        )
        _audit(
            actor,
            action=f"eis.alert.{action}",
            obj=alert,
            details={"from": before, "to": target, **({"note": note.strip()} if note else {})},
        )
    return alert


def plan_create(
    *,
    actor: Any,
    alert: Alert,
    kind: str,
    goals: str,
    tasks: list[tuple[str, date]] | None = None,
    started_on: date | None = None,
) -> InterventionPlan:
    """A non-disciplinary intervention plan; follow-ups at 3, 6 and 12 months are scheduled."""
    if kind not in InterventionPlan.Kind.values:
        raise ApplicationError(
            "Choose the plan's kind: " + ", ".join(InterventionPlan.Kind.values) + "."
        )
    if not goals.strip():
        raise ApplicationError("Write the plan's goals.")
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        alert = alert_transition(actor=actor, alert=alert, action="plan", note=goals)
        plan = InterventionPlan.objects.create(
            alert=alert, kind=kind, goals=goals.strip(), started_on=started_on, created_by=actor
        )
        for description, due_on in tasks or []:
            if not description.strip():
                raise ApplicationError("Every task needs a description.")
            PlanTask.objects.create(plan=plan, description=description.strip(), due_on=due_on)
        for months in FOLLOW_UP_MONTHS:
            FollowUp.objects.create(
                plan=plan, months=months, due_on=_add_months(started_on, months)
            )
        _audit(
            actor,
            action="eis.plan.create",
            obj=plan,
            details={"alert": alert.pk, "kind": kind, "tasks": len(tasks or [])},
        )
    return plan


def plan_task_complete(*, actor: Any, task: PlanTask, on: date | None = None) -> PlanTask:
    with transaction.atomic():
        task = (
            PlanTask.objects.select_for_update()
            .select_related("plan__alert__officer")
            .get(pk=task.pk)
        )
        if not perms.can_review_alert(actor, task.plan.alert):
            raise ApplicationError("Your role can't update this plan.")
        if task.done_on is not None:
            raise ApplicationError("That task is already done.")
        task.done_on = on or timezone.localdate()
        task.done_by = actor
        task.save(update_fields=["done_on", "done_by"])
        _audit(actor, action="eis.plan.task_done", obj=task, details={"plan": task.plan_id})
    return task


def follow_up_record(
    *, actor: Any, follow_up: FollowUp, outcome: str, notes: str, on: date | None = None
) -> FollowUp:
    """Record a follow-up. 'Not improving' sends the alert back to the supervisor (re-alert)."""
    if outcome not in FollowUp.Outcome.values:
        raise ApplicationError("Choose an outcome: " + ", ".join(FollowUp.Outcome.values) + ".")
    if not notes.strip():
        raise ApplicationError("Write what the follow-up found.")
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update()
            .select_related("plan__alert__officer")
            .get(pk=follow_up.pk)
        )
        alert = follow_up.plan.alert
        if not perms.can_review_alert(actor, alert):
            raise ApplicationError("Your role can't record follow-ups on this plan.")
        if follow_up.completed_on is not None:
            raise ApplicationError("That follow-up is already recorded.")
        if alert.status != S.PLAN_ACTIVE:
            raise ApplicationError("Follow-ups are recorded while the plan is active.")
        follow_up.completed_on = on or timezone.localdate()
        follow_up.outcome = outcome
        follow_up.notes = notes.strip()
        follow_up.completed_by = actor
        follow_up.save()
        _audit(
            actor,
            action="eis.follow_up.record",
            obj=follow_up,
            details={"months": follow_up.months, "outcome": outcome},
        )
        if outcome == FollowUp.Outcome.NOT_IMPROVING:
            alert_transition(
                actor=actor,
                alert=alert,
                action="realert",
                note=f"{follow_up.months}-month follow-up: not improving",
            )
    return follow_up


def follow_ups_due(*, on: date | None = None) -> Any:
    on = on or timezone.localdate()
    return FollowUp.objects.filter(
        completed_on__isnull=True, due_on__lte=on, plan__alert__status=S.PLAN_ACTIVE
    ).select_related("plan__alert__officer")


# --- rules ------------------------------------------------------------------------------------
def rule_update(*, actor: Any, rule: IndicatorRule, data: dict[str, Any]) -> IndicatorRule:
    """Change a rule's threshold, window, exposure, peer multiple or active flag."""
    if not perms.can_manage_eis_rules(actor):
        raise ApplicationError("Only the commanding officer can change early-intervention rules.")
    problems = []
    threshold = data.get("threshold", rule.threshold)
    window = data.get("window_days", rule.window_days)
    try:
        threshold, window = int(threshold), int(window)
    except (TypeError, ValueError):
        raise ApplicationError("The threshold and the window must be whole numbers.") from None
    if not 1 <= threshold <= 100:
        problems.append("the threshold must be between 1 and 100")
    if not 1 <= window <= 1830:
        problems.append("the window must be between 1 and 1830 days")
    exposure = data.get("exposure", rule.exposure)
    if exposure not in IndicatorRule.Exposure.values:
        problems.append("the exposure must be one of " + ", ".join(IndicatorRule.Exposure.values))
    multiple = data.get("peer_multiple", rule.peer_multiple)
    if multiple in ("", None):
        multiple = None
    else:
        try:
            multiple = Decimal(str(multiple)).quantize(Decimal("0.01"))
        except InvalidOperation:
            multiple = Decimal("-1")
        if not Decimal("1") <= multiple <= Decimal("10"):
            problems.append("the peer multiple must be between 1 and 10, or blank")
    if problems:
        raise ApplicationError("Fix the rule: " + "; ".join(problems) + ".")
    with transaction.atomic():
        before = {
            "threshold": rule.threshold,
            "window_days": rule.window_days,
            "exposure": rule.exposure,
            "peer_multiple": str(rule.peer_multiple) if rule.peer_multiple else None,
            "active": rule.active,
        }
        rule.threshold, rule.window_days, rule.exposure = threshold, window, exposure
        rule.peer_multiple = multiple
        rule.active = bool(data.get("active", rule.active))
        rule.save()
        after = {
            "threshold": rule.threshold,
            "window_days": rule.window_days,
            "exposure": rule.exposure,
            "peer_multiple": str(rule.peer_multiple) if rule.peer_multiple else None,
            "active": rule.active,
        }
        _audit(actor, action="eis.rule.update", obj=rule, details={"from": before, "to": after})
    return rule


# --- training ---------------------------------------------------------------------------------
def training_session_create(
    *, actor: Any, course: Course, held_on: date, location: str = "", instructor: str = ""
) -> TrainingSession:
    if not perms.can_record_training(actor):
        raise ApplicationError("Your role can't record training.")
    with transaction.atomic():
        session = TrainingSession.objects.create(
            course=course, held_on=held_on, location=location, instructor=instructor
        )
        _audit(
            actor,
            action="training.session.create",
            obj=session,
            details={"course": course.code, "held_on": held_on.isoformat()},
        )
    return session


def attendance_record(
    *, actor: Any, session: TrainingSession, officer: Any, result: str
) -> Attendance:
    """Record (or correct) one officer's attendance at a session."""
    if not perms.can_record_training(actor):
        raise ApplicationError("Your role can't record training.")
    if result not in Attendance.Result.values:
        raise ApplicationError("Choose a result: " + ", ".join(Attendance.Result.values) + ".")
    if session.held_on > timezone.localdate():
        raise ApplicationError("Attendance is recorded after the session has been held.")
    with transaction.atomic():
        row, created = Attendance.objects.update_or_create(
            session=session, officer=officer, defaults={"result": result, "recorded_by": actor}
        )
        _audit(
            actor,
            action="training.attendance." + ("record" if created else "correct"),
            obj=row,
            details={"session": session.pk, "officer_id": officer.pk, "result": result},
        )
    return row


def wellness_participation_record(
    *, actor: Any, program: WellnessProgram, officer: Any, started_on: date
) -> WellnessParticipation:
    """Confidential. The audit entry names the programme, not the officer."""
    if not perms.can_record_wellness(actor):
        raise ApplicationError("Only the wellness coordinator's account records participation.")
    with transaction.atomic():
        row, _ = WellnessParticipation.objects.get_or_create(
            program=program, officer=officer, started_on=started_on
        )
        _audit(
            actor,
            action="wellness.participation.record",
            object_type="personnel.wellnessparticipation",
            object_id="confidential",
            details={"program": program.code},
        )
    return row
