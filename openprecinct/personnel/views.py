"""Personnel pages: early-intervention alerts and plans, the rules, training, wellness counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from openprecinct.accounts import permissions as perms
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import act_and_return, forbidden
from openprecinct.personnel import eis, selectors, services
from openprecinct.personnel.models import (
    AlertStatus,
    Attendance,
    Course,
    FollowUp,
    IndicatorRule,
    InterventionPlan,
    TrainingSession,
)

ACTION_LABELS = {
    "dismiss": "Dismiss (with reason)",
    "escalate": "Send to the supervisor",
    "no_action": "No action needed",
    "monitor": "Monitor",
    "close": "Close",
    "realert": "Not improving: back to review",
}


def _alert_url(alert_id: int) -> str:
    return reverse("personnel:alert", args=[alert_id])


def _back(alert_id: int) -> HttpResponse:
    return HttpResponseRedirect(_alert_url(alert_id))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_view_early_intervention(user):
        return forbidden(request)
    status = request.GET.get("status", "")
    if status not in AlertStatus.values:
        status = ""
    alerts = selectors.alert_list_for_user(user=user, status=status)[:200]
    due = [f for f in services.follow_ups_due() if perms.can_view_alert(user, f.plan.alert)]
    return render(
        request,
        "personnel/home.html",
        {
            "alerts": alerts,
            "status": status,
            "statuses": AlertStatus.choices,
            "follow_ups_due": due,
            "can_rules": perms.can_manage_eis_rules(user),
            "can_training": perms.can_view_training(user),
            "can_wellness": perms.can_view_wellness_aggregate(user),
        },
    )


@require_GET
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_view_early_intervention(user):
        return forbidden(request)
    alert = selectors.alert_get_for_user(user=user, alert_id=alert_id)
    moves = [
        {"action": action, "label": ACTION_LABELS[action]}
        for (state, action) in services.ALERT_TRANSITIONS
        if state == alert.status and action != "plan" and services._allowed(user, alert, action)
    ]
    plan = getattr(alert, "plan", None)
    return render(
        request,
        "personnel/alert.html",
        {
            "alert": alert,
            "facts": alert.facts,
            "steps": alert.steps.select_related("actor"),
            "moves": moves,
            "can_plan": (alert.status, "plan") in services.ALERT_TRANSITIONS
            and perms.can_review_alert(user, alert),
            "plan": plan,
            "plan_kinds": InterventionPlan.Kind.choices,
            "outcomes": FollowUp.Outcome.choices,
        },
    )


@require_POST
def alert_act(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_view_early_intervention(user):
        return forbidden(request)
    alert = selectors.alert_get_for_user(user=user, alert_id=alert_id)
    action = request.POST.get("action", "")
    return act_and_return(
        request,
        _alert_url(alert.pk),
        lambda: services.alert_transition(
            actor=user, alert=alert, action=action, note=request.POST.get("note", "")
        ),
        f"Done: {ACTION_LABELS.get(action, action)}.",
    )


def _parse_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(f"Give {what} as YYYY-MM-DD.") from None


@require_POST
def plan_create(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_view_early_intervention(user):
        return forbidden(request)
    alert = selectors.alert_get_for_user(user=user, alert_id=alert_id)
    try:
        tasks = []
        for description, due in zip(
            request.POST.getlist("task"), request.POST.getlist("task_due"), strict=False
        ):
            if description.strip():
                tasks.append((description, _parse_day(due, "each task's due date")))
        services.plan_create(
            actor=user,
            alert=alert,
            kind=request.POST.get("kind", ""),
            goals=request.POST.get("goals", ""),
            tasks=tasks,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Intervention plan started; follow-ups at 3, 6 and 12 months.")
    return _back(alert.pk)


@require_POST
def task_done(request: HttpRequest, alert_id: int, task_id: int) -> HttpResponse:
    user = request.user
    alert = selectors.alert_get_for_user(user=user, alert_id=alert_id)
    plan = getattr(alert, "plan", None)
    task = plan.tasks.filter(pk=task_id).first() if plan else None
    if task is None:
        raise Http404
    return act_and_return(
        request,
        _alert_url(alert.pk),
        lambda: services.plan_task_complete(actor=user, task=task),
    )


@require_POST
def follow_up(request: HttpRequest, alert_id: int, follow_up_id: int) -> HttpResponse:
    user = request.user
    alert = selectors.alert_get_for_user(user=user, alert_id=alert_id)
    plan = getattr(alert, "plan", None)
    row = plan.follow_ups.filter(pk=follow_up_id).first() if plan else None
    if row is None:
        raise Http404
    return act_and_return(
        request,
        _alert_url(alert.pk),
        lambda: services.follow_up_record(
            actor=user,
            follow_up=row,
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
        ),
        "Follow-up recorded.",
    )


def rules(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_view_early_intervention(user):
        return forbidden(request)
    if request.method == "POST":
        if not perms.can_manage_eis_rules(user):
            return forbidden(request)
        if request.POST.get("run"):
            result = eis.evaluate_all(timezone.localdate())
            messages.success(
                request,
                f"Evaluated {result['rules']} rules over {result['events']} events: "
                f"{result['raised']} new alerts.",
            )
            return HttpResponseRedirect(reverse("personnel:rules"))
        rule = IndicatorRule.objects.filter(pk=request.POST.get("rule")).first()
        if rule is None:
            raise Http404
        try:
            services.rule_update(
                actor=user,
                rule=rule,
                data={
                    "threshold": request.POST.get("threshold"),
                    "window_days": request.POST.get("window_days"),
                    "exposure": request.POST.get("exposure"),
                    "peer_multiple": request.POST.get("peer_multiple", ""),
                    "active": request.POST.get("active") == "on",
                },
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Rule '{rule.name}' saved.")
        return HttpResponseRedirect(reverse("personnel:rules"))
    if request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "personnel/rules.html",
        {
            "rules": IndicatorRule.objects.all(),
            "can_edit": perms.can_manage_eis_rules(user),
            "exposures": IndicatorRule.Exposure.choices,
        },
    )


def training(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_view_training(user):
        return forbidden(request)
    if request.method == "POST":
        return _training_post(request)
    if request.method != "GET":
        return HttpResponse(status=405)
    from openprecinct.accountability.models import Officer

    command = request.GET.get("command", "")
    statuses = [s for s in selectors.training_status() if not command or s.command == command]
    context: dict[str, Any] = {
        "rows": selectors.training_compliance_by_command(),
        "statuses": [s for s in statuses if s.state != "current"][:300],
        "command": command,
        "courses": Course.objects.all(),
        "sessions": TrainingSession.objects.select_related("course")[:30],
        "officers": Officer.objects.filter(is_active=True).order_by("last_name")[:500],
        "results": Attendance.Result.choices,
        "can_record": perms.can_record_training(user),
    }
    return render(request, "personnel/training.html", context)


def _training_post(request: HttpRequest) -> HttpResponse:
    from openprecinct.accountability.models import Officer

    user = request.user
    try:
        if request.POST.get("form") == "session":
            course = Course.objects.filter(pk=request.POST.get("course")).first()
            if course is None:
                raise ApplicationError("Choose a course.")
            services.training_session_create(
                actor=user,
                course=course,
                held_on=_parse_day(request.POST.get("held_on", ""), "the session's date"),
                location=request.POST.get("location", ""),
                instructor=request.POST.get("instructor", ""),
            )
            messages.success(request, "Session recorded.")
        else:
            session = TrainingSession.objects.filter(pk=request.POST.get("session")).first()
            officer = Officer.objects.filter(pk=request.POST.get("officer")).first()
            if session is None or officer is None:
                raise ApplicationError("Choose a session and an officer.")
            services.attendance_record(
                actor=user, session=session, officer=officer, result=request.POST.get("result", "")
            )
            messages.success(request, "Attendance recorded.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("personnel:training"))


@require_GET
def wellness(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_view_wellness_aggregate(user):
        return forbidden(request)
    return render(
        request,
        "personnel/wellness.html",
        {"rows": selectors.wellness_aggregate(user=user), "minimum": selectors.WELLNESS_MIN_COUNT},
    )
