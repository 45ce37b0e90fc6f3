"""Staff pages at /community/: the tip coordinator's queue, events and meetings, problems,
safety posts, donations, grants and partners, the academy, watch groups, volunteers,
suspicious-activity reports, service requests and surveys.

Every form posts to one ``act`` view per record kind, which calls exactly one service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import forbidden

from . import checks, selectors, services
from .models import (
    SERVICE_CODES,
    AcademyApplication,
    AcademySession,
    Agreement,
    Cohort,
    Donation,
    Drive,
    Event,
    EventKind,
    Grant,
    GrantReport,
    Partner,
    Problem,
    SafetyPost,
    ServiceRequest,
    Survey,
    SuspiciousActivityReport,
    TipAttachment,
    TipMessage,
    TipOutcome,
    TipRoute,
    Volunteer,
    WatchGroup,
)


def _date(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError as exc:
        raise ApplicationError(f"{name}: give a date as YYYY-MM-DD.") from exc


def _opt_date(value: str | None, name: str) -> date | None:
    return _date(value, name) if value else None


def _datetime(value: str | None, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value or "")
    except ValueError as exc:
        raise ApplicationError(f"{name}: give a date and time as YYYY-MM-DDTHH:MM.") from exc
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _int(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise ApplicationError(f"{name} must be a whole number.") from exc


def _user(value: str | None) -> User | None:
    if not value:
        return None
    return User.objects.filter(pk=value, is_active=True).first()


def _staff_choices(*roles: str) -> list[User]:
    return list(User.objects.filter(role__in=roles, is_active=True).order_by("username"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if perms.can_manage_community(user) or perms.can_triage_tips(user):
        return render(
            request,
            "community/home.html",
            {
                "counts": selectors.dashboard_counts(),
                "tips": selectors.tips_for_user(user)[:10],
                "events": Event.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at")[
                    :8
                ],
                "posts": SafetyPost.objects.filter(status="in_review")[:8],
            },
        )
    if perms._has(user, *perms.TIP_INVESTIGATORS) or perms.can_review_sars(user):
        return render(
            request,
            "community/home.html",
            {"tips": selectors.tips_for_user(user)[:50], "investigator": True},
        )
    return forbidden(request)


# --- tips -----------------------------------------------------------------------------------
@require_GET
def tip_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.tips_for_user(request.user)
    if not (
        perms.can_triage_tips(request.user) or perms._has(request.user, *perms.TIP_INVESTIGATORS)
    ):
        return forbidden(request)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    return render(request, "community/tips.html", {"tips": qs[:200], "status": status})


@require_GET
def tip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tip = selectors.tip_for_user(request.user, pk)
    view = selectors.tip_view(request.user, tip)
    coordinator = perms.can_triage_tips(request.user)
    return render(
        request,
        "community/tip.html",
        {
            "tip": tip,
            "view": view,
            "coordinator": coordinator,
            "hints": checks.identifying_hints(tip.narrative_original) if coordinator else [],
            "routes": TipRoute.choices,
            "outcomes": TipOutcome.choices,
            "investigators": _staff_choices(*perms.TIP_INVESTIGATORS) if coordinator else [],
            "can_reply": perms.can_reply_to_tip(request.user, tip),
            "can_outcome": coordinator or tip.status == "assigned",
            "unscreened": [
                m for m in tip.messages.all() if m.author == "tipster" and not m.screened
            ],
        },
    )


@require_GET
def tip_photo(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(TipAttachment.objects.select_related("tip"), pk=pk)
    tip = selectors.tip_for_user(request.user, attachment.tip_id)
    if not (perms.can_view_tip_original(request.user, tip) or attachment.released):
        raise Http404
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="tip-photo-{attachment.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _tip_action(user: Any, tip: Any, action: str, data: Any) -> str:
    if action == "triage":
        services.triage_tip(
            user,
            tip,
            emergency=data.get("emergency") == "on",
            route=data.get("route", ""),
            other_agency=data.get("other_agency", ""),
            category=data.get("category", ""),
        )
        return "Tip triaged."
    if action == "screen":
        services.screen_tip(
            user,
            tip,
            screened_text=data.get("screened_text", ""),
            release_photos=data.getlist("release_photos"),
        )
        return "Screened text saved: investigators will read only that."
    if action == "screen_message":
        message = get_object_or_404(TipMessage, pk=_int(data.get("message"), "Message"), tip=tip)
        services.screen_message(user, message, screened_body=data.get("screened_body", ""))
        return "Message screened."
    if action == "assign":
        assignee = _user(data.get("assignee"))
        services.assign_tip(user, tip, assignee)
        return "Tip assigned."
    if action == "reply":
        services.staff_reply(user, tip, data.get("body", ""))
        return "Reply sent: the tipster reads it with their tip ID and passphrase."
    if action == "record_outcome":
        services.record_tip_outcome(user, tip, data.get("outcome", ""))
        return "Outcome recorded."
    if action == "close":
        services.close_tip(user, tip)
        return "Tip closed; it will be purged on schedule."
    raise ApplicationError("Unknown action.")


@require_POST
def tip_act(request: HttpRequest, pk: int) -> HttpResponse:
    tip = selectors.tip_for_user(request.user, pk)
    try:
        messages.success(
            request, _tip_action(request.user, tip, request.POST.get("action", ""), request.POST)
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    try:
        selectors.tip_for_user(request.user, pk)
    except Http404:
        return HttpResponseRedirect(reverse("community:tips"))
    return HttpResponseRedirect(reverse("community:tip", args=[pk]))


# --- the generic area pages -----------------------------------------------------------------
def _guard(request: HttpRequest, rule: Callable[[Any], bool]) -> HttpResponse | None:
    return None if rule(request.user) else forbidden(request)


def _done(request: HttpRequest, target: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(target)


def _failed(request: HttpRequest, target: str, exc: ApplicationError) -> HttpResponse:
    messages.error(request, exc.message)
    return HttpResponseRedirect(target)


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    return render(
        request,
        "community/events.html",
        {
            "events": Event.objects.order_by("-starts_at")[:200],
            "kinds": EventKind.choices,
            "sectors": _sectors(),
        },
    )


def _sectors() -> list[str]:
    from django.conf import settings

    return [f"{settings.OPENPRECINCT_PRECINCT}{s}" for s in "ABCD"]


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    event = get_object_or_404(Event, pk=pk)
    feedback = list(event.feedback.all())
    avg = round(sum(f.rating for f in feedback) / len(feedback), 2) if feedback else None
    return render(
        request,
        "community/event.html",
        {
            "event": event,
            "rsvps": event.rsvps.all(),
            "feedback": feedback,
            "average": avg,
            "report_backs": event.report_backs.select_related("problem"),
            "raised": event.problems_raised.all(),
        },
    )


@require_GET
def problems(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    return render(
        request,
        "community/problems.html",
        {
            "problems": Problem.objects.select_related("raised_at")[:300],
            "sectors": _sectors(),
            "transitions": services.PROBLEM_TRANSITIONS,
        },
    )


@require_GET
def posts(request: HttpRequest) -> HttpResponse:
    if not (perms.can_manage_community(request.user) or perms.can_review_safety_post(request.user)):
        return forbidden(request)
    return render(
        request,
        "community/posts.html",
        {"posts": SafetyPost.objects.order_by("-id")[:200], "sectors": _sectors()},
    )


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not (perms.can_manage_community(request.user) or perms.can_review_safety_post(request.user)):
        return forbidden(request)
    post = get_object_or_404(SafetyPost, pk=pk)
    return render(
        request,
        "community/post.html",
        {
            "post": post,
            "findings": checks.post_findings(f"{post.title}\n{post.body}"),
            "can_review": perms.can_review_safety_post(request.user, post),
            "revisions": post.revisions.all(),
            "sectors": _sectors(),
        },
    )


@require_GET
def donations(request: HttpRequest) -> HttpResponse:
    if not (
        perms.can_manage_donations(request.user) or perms.can_check_donation_conflicts(request.user)
    ):
        return forbidden(request)
    rows = []
    for d in Donation.objects.select_related("drive")[:300]:
        rows.append(
            {
                "d": d,
                "findings": services.conflict_findings(d)
                if d.status == "pledged"
                else d.coi_findings,
            }
        )
    return render(
        request,
        "community/donations.html",
        {
            "rows": rows,
            "drives": Drive.objects.all(),
            "can_check": perms.can_check_donation_conflicts(request.user),
            "ledger": selectors.public_ledger(),
        },
    )


@require_GET
def grants(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_manage_grants)
    if refused:
        return refused
    return render(
        request,
        "community/grants.html",
        {
            "grants": Grant.objects.prefetch_related("expenses", "reports"),
            "partners": Partner.objects.prefetch_related("agreements"),
            "today": timezone.localdate(),
        },
    )


@require_GET
def academy(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    return render(request, "community/academy.html", {"cohorts": Cohort.objects.all()})


@require_GET
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    cohort = get_object_or_404(Cohort, pk=pk)
    sessions = list(cohort.sessions.all())
    apps = []
    for app in cohort.applications.all():
        present = app.attendance.filter(present=True).count()
        apps.append(
            {
                "app": app,
                "present": present,
                "volunteer": Volunteer.objects.filter(academy_application=app).first(),
            }
        )
    return render(
        request,
        "community/cohort.html",
        {
            "cohort": cohort,
            "apps": apps,
            "sessions": sessions,
            "enrolled": cohort.applications.filter(status="enrolled"),
        },
    )


@require_GET
def watch_groups(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    return render(
        request,
        "community/watch.html",
        {
            "groups": WatchGroup.objects.prefetch_related("members").select_related("liaison"),
            "liaisons": _staff_choices("patrol_officer", "sergeant", "community_affairs"),
            "sectors": _sectors(),
        },
    )


@require_GET
def volunteers(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    from django.db.models import Sum

    rows = Volunteer.objects.annotate(total_hours=Sum("shifts__hours"))
    return render(
        request, "community/volunteers.html", {"volunteers": rows, "today": timezone.localdate()}
    )


@require_GET
def sars(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_review_sars)
    if refused:
        return refused
    return render(
        request,
        "community/sars.html",
        {"sars": SuspiciousActivityReport.objects.exclude(status="purged")[:200]},
    )


@require_GET
def service_requests(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_use_open311)
    if refused:
        return refused
    return render(
        request,
        "community/service_requests.html",
        {
            "requests": ServiceRequest.objects.all()[:300],
            "codes": SERVICE_CODES,
            "transitions": services.SERVICE_TRANSITIONS,
        },
    )


@require_GET
def surveys(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, perms.can_manage_community)
    if refused:
        return refused
    return render(
        request,
        "community/surveys.html",
        {
            "surveys": [
                (s, selectors.survey_results(s, suppress=False)) for s in Survey.objects.all()
            ]
        },
    )


# --- one POST endpoint per area --------------------------------------------------------------
def _event_act(user: Any, data: Any, obj: Event | None) -> tuple[str, str]:
    action = data.get("action", "")
    if action == "create":
        event = services.create_event(
            user,
            kind=data.get("kind", ""),
            title=data.get("title", ""),
            description=data.get("description", ""),
            sector=data.get("sector", ""),
            venue=data.get("venue", ""),
            languages=data.get("languages", ""),
            starts_at=_datetime(data.get("starts_at"), "Start"),
            ends_at=_datetime(data.get("ends_at"), "End"),
            capacity=_int(data.get("capacity"), "Capacity") if data.get("capacity") else None,
        )
        return reverse("community:event", args=[event.pk]), "Event created as a draft."
    assert obj is not None
    target = reverse("community:event", args=[obj.pk])
    if action == "publish":
        services.publish_event(user, obj)
        return target, "Published: it is on the public calendar."
    if action == "cancel":
        services.cancel_event(user, obj, data.get("reason", ""))
        return target, "Event cancelled."
    if action == "hold":
        services.hold_event(
            user,
            obj,
            attendance=_int(data.get("attendance"), "Attendance"),
            minutes=data.get("minutes", ""),
            attended_rsvps=data.getlist("attended"),
        )
        return target, "Recorded as held."
    if action == "raise_problem":
        services.raise_problem(
            user,
            title=data.get("title", ""),
            description=data.get("description", ""),
            category=data.get("category", ""),
            event=obj,
        )
        return target, "Concern recorded as a problem."
    raise ApplicationError("Unknown action.")


def _problem_act(user: Any, data: Any, obj: Problem | None) -> tuple[str, str]:
    action = data.get("action", "")
    target = reverse("community:problems")
    if action == "create":
        services.raise_problem(
            user,
            title=data.get("title", ""),
            description=data.get("description", ""),
            sector=data.get("sector", ""),
            category=data.get("category", ""),
        )
        return target, "Problem recorded."
    assert obj is not None
    services.move_problem(
        user, obj, action, text=data.get("text", ""), partners=data.get("partners", "")
    )
    return target, f"Problem moved to {obj.get_status_display().lower()}."


def _post_act(user: Any, data: Any, obj: SafetyPost | None) -> tuple[str, str]:
    action = data.get("action", "")
    fields = {
        "title": data.get("title", ""),
        "body": data.get("body", ""),
        "sector": data.get("sector", ""),
        "context": data.get("context", ""),
        "expires_on": _opt_date(data.get("expires_on"), "Expires"),
    }
    if action == "create":
        post = services.write_post(user, **fields)
        return reverse("community:post", args=[post.pk]), "Draft saved."
    assert obj is not None
    target = reverse("community:post", args=[obj.pk])
    if action == "edit":
        services.write_post(user, post=obj, **fields)
        return target, "Draft saved."
    if action == "submit":
        services.submit_post(user, obj)
        return target, "Sent for review."
    if action == "publish":
        services.review_post(user, obj, publish=True, note=data.get("note", ""))
        return target, "Published."
    if action == "return":
        services.review_post(user, obj, publish=False, note=data.get("note", ""))
        return target, "Returned to the author."
    if action == "correct":
        services.correct_post(
            user, obj, title=fields["title"], body=fields["body"], note=data.get("note", "")
        )
        return target, "Correction published as a new revision."
    if action == "expire":
        services.expire_post(user, obj)
        return target, "Post expired."
    raise ApplicationError("Unknown action.")


def _donation_act(user: Any, data: Any, obj: Donation | None) -> tuple[str, str]:
    action = data.get("action", "")
    target = reverse("community:donations")
    if action == "create_drive":
        services.create_drive(
            user,
            title=data.get("title", ""),
            purpose=data.get("purpose", ""),
            goal=data.get("goal", ""),
            opens_on=_date(data.get("opens_on"), "Opens"),
            closes_on=_date(data.get("closes_on"), "Closes"),
        )
        return target, "Drive created; it shows on the public ledger page."
    if action == "close_drive":
        drive = get_object_or_404(Drive, pk=_int(data.get("drive"), "Drive"))
        services.close_drive(user, drive)
        return target, "Drive closed."
    if action == "pledge":
        drive = Drive.objects.filter(pk=data.get("drive") or 0).first()
        services.record_pledge(
            user,
            donor_name=data.get("donor_name", ""),
            donor_kind=data.get("donor_kind", ""),
            amount=data.get("amount", ""),
            drive=drive,
            restricted_purpose=data.get("restricted_purpose", ""),
            donor_may_be_named=data.get("donor_may_be_named") == "on",
            in_kind=data.get("in_kind") == "on",
            description=data.get("description", ""),
        )
        return (
            target,
            "Pledge recorded; the commanding officer checks it for conflicts of interest.",
        )
    assert obj is not None
    if action in ("clear", "decline"):
        services.check_donation(user, obj, accept=action == "clear", notes=data.get("notes", ""))
        return target, "Conflict-of-interest check recorded."
    if action == "allocate":
        services.allocate_donation(
            user, obj, purpose=data.get("purpose", ""), amount=data.get("amount", "")
        )
        return target, "Allocation recorded."
    services.move_donation(user, obj, action)
    return target, f"Donation {obj.get_status_display().lower()}."


def _cohort_act(user: Any, data: Any, obj: Cohort | None) -> tuple[str, str]:
    action = data.get("action", "")
    if action == "create":
        cohort = services.create_cohort(
            user,
            name=data.get("name", ""),
            starts_on=_date(data.get("starts_on"), "Start"),
            ends_on=_date(data.get("ends_on"), "End"),
            capacity=_int(data.get("capacity") or "25", "Capacity"),
        )
        return reverse("community:cohort", args=[cohort.pk]), "Cohort created."
    assert obj is not None
    target = reverse("community:cohort", args=[obj.pk])
    if action in ("open_applications", "start", "graduate"):
        services.move_cohort(user, obj, action)
        return target, "Cohort updated."
    if action == "add_session":
        services.add_session(
            user,
            obj,
            held_on=_date(data.get("held_on"), "Session date"),
            topic=data.get("topic", ""),
        )
        return target, "Session added."
    if action == "attendance":
        session = get_object_or_404(
            AcademySession, pk=_int(data.get("session"), "Session"), cohort=obj
        )
        services.record_attendance(user, session, data.getlist("present"))
        return target, "Attendance recorded."
    app = get_object_or_404(
        AcademyApplication, pk=_int(data.get("application"), "Application"), cohort=obj
    )
    if action == "enlist":
        services.enlist_alumnus(user, app)
        return target, f"{app.name} joined the volunteer pool."
    services.move_application(user, app, action, notes=data.get("notes", ""))
    return target, f"{app.name}: {app.get_status_display().lower()}."


def _watch_act(user: Any, data: Any, obj: WatchGroup | None) -> tuple[str, str]:
    import json

    action = data.get("action", "")
    target = reverse("community:watch")
    if action == "create":
        area = None
        if data.get("area"):
            try:
                area = json.loads(data["area"])
            except ValueError as exc:
                raise ApplicationError("The area must be GeoJSON (a Polygon).") from exc
        services.create_watch_group(
            user,
            name=data.get("name", ""),
            sector=data.get("sector", ""),
            area_geojson=area,
            liaison=_user(data.get("liaison")),
            meeting_cadence=data.get("meeting_cadence", ""),
        )
        return target, "Watch group created."
    assert obj is not None
    if action == "add_member":
        services.add_watch_member(
            user,
            obj,
            name=data.get("name", ""),
            contact=data.get("contact", ""),
            captain=data.get("captain") == "on",
        )
        return target, "Member added."
    if action == "training":
        services.record_watch_training(user, obj, _date(data.get("on"), "Training date"))
        return target, "Training recorded."
    services.move_watch_group(user, obj, action)
    return target, "Watch group updated."


def _volunteer_act(user: Any, data: Any, obj: Volunteer | None) -> tuple[str, str]:
    action = data.get("action", "")
    target = reverse("community:volunteers")
    if action == "create":
        services.create_volunteer(
            user,
            name=data.get("name", ""),
            contact=data.get("contact", ""),
            roles=data.get("roles", ""),
        )
        return target, "Volunteer added."
    assert obj is not None
    if action == "hours":
        services.log_hours(
            user,
            obj,
            worked_on=_date(data.get("worked_on"), "Day"),
            hours=data.get("hours", ""),
            activity=data.get("activity", ""),
        )
        return target, "Hours logged."
    services.move_background_check(user, obj, action)
    return target, "Background check updated."


def _grant_act(user: Any, data: Any, obj: Grant | None) -> tuple[str, str]:
    action = data.get("action", "")
    target = reverse("community:grants")
    if action == "create":
        services.create_grant(
            user,
            funder=data.get("funder", ""),
            program=data.get("program", ""),
            amount_requested=data.get("amount_requested", ""),
            due_on=_opt_date(data.get("due_on"), "Application due"),
        )
        return target, "Grant application recorded."
    if action == "create_partner":
        services.create_partner(
            user,
            name=data.get("name", ""),
            kind=data.get("kind", "nonprofit"),
            pending_matter=data.get("pending_matter", ""),
        )
        return target, "Partner added."
    if action in ("create_agreement", "sign", "renew", "expire", "terminate"):
        if action == "create_agreement":
            partner = get_object_or_404(Partner, pk=_int(data.get("partner"), "Partner"))
            services.create_agreement(
                user,
                partner,
                title=data.get("title", ""),
                data_sharing=data.get("data_sharing", ""),
            )
            return target, "Agreement drafted."
        agreement = get_object_or_404(Agreement, pk=_int(data.get("agreement"), "Agreement"))
        services.move_agreement(
            user, agreement, action, renews_on=_opt_date(data.get("renews_on"), "Renewal date")
        )
        return target, "Agreement updated."
    assert obj is not None
    if action == "expense":
        services.record_grant_expense(
            user,
            obj,
            spent_on=_date(data.get("spent_on"), "Date"),
            amount=data.get("amount", ""),
            description=data.get("description", ""),
        )
        return target, "Expense recorded."
    if action == "report_due":
        services.add_grant_report(
            user, obj, period=data.get("period", ""), due_on=_date(data.get("due_on"), "Due")
        )
        return target, "Report deadline added."
    if action == "report_submitted":
        report = get_object_or_404(GrantReport, pk=_int(data.get("report"), "Report"), grant=obj)
        services.submit_grant_report(user, report)
        return target, "Report marked as submitted."
    services.move_grant(
        user,
        obj,
        action,
        award_number=data.get("award_number", ""),
        amount_awarded=data.get("amount_awarded"),
        period_start=_opt_date(data.get("period_start"), "Period start"),
        period_end=_opt_date(data.get("period_end"), "Period end"),
    )
    return target, "Grant updated."


def _sar_act(user: Any, data: Any, obj: SuspiciousActivityReport | None) -> tuple[str, str]:
    assert obj is not None
    action = data.get("action", "")
    _require_action(action, ("retain", "decline"))
    services.review_sar(user, obj, retain=action == "retain", reason=data.get("reason", ""))
    return reverse("community:sars"), "Review recorded."


def _request_act(user: Any, data: Any, obj: ServiceRequest | None) -> tuple[str, str]:
    assert obj is not None
    services.move_service_request(user, obj, data.get("action", ""), notes=data.get("notes", ""))
    return reverse("community:service_requests"), "Request updated."


def _survey_act(user: Any, data: Any, obj: Survey | None) -> tuple[str, str]:
    action = data.get("action", "")
    if action == "create":
        statements = []
        for line in (data.get("statements") or "").splitlines():
            code, sep, text = line.partition(":")
            if line.strip():
                if not sep:
                    raise ApplicationError(
                        "Write each statement as 'code: text', e.g. 'respect: Police treat people with respect.'"
                    )
                statements.append((code.strip(), text.strip()))
        services.create_survey(
            user,
            title=data.get("title", ""),
            introduction=data.get("introduction", ""),
            statements=statements,
        )
        return reverse("community:surveys"), "Survey drafted."
    if obj is None:
        raise Http404
    services.move_survey(user, obj, action)
    return reverse("community:surveys"), "Survey updated."


def _require_action(action: str, allowed: tuple[str, ...]) -> None:
    if action not in allowed:
        raise ApplicationError("Unknown action.")


# kind -> (model, rule to act at all, handler, page to return to on error)
AREAS: dict[str, tuple[type[Model], Callable[[Any], bool], Callable[..., tuple[str, str]], str]] = {
    "events": (Event, perms.can_manage_community, _event_act, "community:events"),
    "problems": (Problem, perms.can_manage_community, _problem_act, "community:problems"),
    "posts": (
        SafetyPost,
        lambda u: perms.can_manage_community(u) or perms.can_review_safety_post(u),
        _post_act,
        "community:posts",
    ),
    "donations": (
        Donation,
        lambda u: perms.can_manage_donations(u) or perms.can_check_donation_conflicts(u),
        _donation_act,
        "community:donations",
    ),
    "academy": (Cohort, perms.can_manage_community, _cohort_act, "community:academy"),
    "watch": (WatchGroup, perms.can_manage_community, _watch_act, "community:watch"),
    "volunteers": (Volunteer, perms.can_manage_community, _volunteer_act, "community:volunteers"),
    "grants": (Grant, perms.can_manage_grants, _grant_act, "community:grants"),
    "sars": (SuspiciousActivityReport, perms.can_review_sars, _sar_act, "community:sars"),
    "requests": (ServiceRequest, perms.can_use_open311, _request_act, "community:service_requests"),
    "surveys": (Survey, perms.can_manage_community, _survey_act, "community:surveys"),
}


@require_POST
def act(request: HttpRequest, area: str, pk: int = 0) -> HttpResponse:
    if area not in AREAS:
        raise Http404
    model, rule, handler, back = AREAS[area]
    if not rule(request.user):
        return forbidden(request)
    obj = get_object_or_404(model, pk=pk) if pk else None
    fallback = request.META.get("HTTP_REFERER") or reverse(back)
    if not fallback.startswith("/") and request.get_host() not in fallback:
        fallback = reverse(back)
    try:
        target, message = handler(request.user, request.POST, obj)
    except ApplicationError as exc:
        return _failed(request, fallback, exc)
    return _done(request, target, message)
