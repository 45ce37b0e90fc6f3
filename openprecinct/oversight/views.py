"""The committee's pages: dashboard, reviews, packets (logged), votes, recommendations."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import act_and_return, forbidden
from openprecinct.oversight import deadlines, selectors, services
from openprecinct.oversight.models import (
    Implementation,
    Meeting,
    Recommendation,
    Response,
    ReviewStatus,
    VoteChoice,
)

# Which action buttons a review page offers, with their labels (the table decides).
ACTION_LABELS = {
    "prepare_packet": "Build the redacted packet",
    "open_access": "Open to members",
    "discuss": "Record discussion in closed session",
    "decide": "Close the vote",
    "close": "Close the review",
    "publish": "Publish the public summary",
    "withdraw": "Withdraw",
}


def _moves(user: Any, review: Any) -> list[dict[str, str]]:
    out = []
    for (status, action), (_, who) in services.REVIEW_TRANSITIONS.items():
        if status == review.status and services._may(user, who):
            if action == "prepare_packet" and status != ReviewStatus.ELIGIBLE:
                label = "Rebuild the packet"
            else:
                label = ACTION_LABELS[action]
            out.append({"action": action, "label": label})
    return out


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_use_oversight(user):
        return forbidden(request)
    reviews = list(selectors.reviews_for(user).order_by("-created_at")[:100])
    grants = (
        selectors.open_grants_by_review(member=user) if perms.can_vote_in_committee(user) else {}
    )
    context = {
        "dash": selectors.dashboard(user=user),
        "reviews": [(r, grants.get(r.pk)) for r in reviews],
        "eligible": list(selectors.eligible_complaints_for(user)[:50])
        if perms.can_staff_oversight(user)
        else [],
        "deadlines": deadlines.deadline_summary(
            recommendations=selectors.recommendations_for(user)
        ),
        "is_member": perms.can_vote_in_committee(user),
        "is_staff": perms.can_staff_oversight(user),
        "can_respond": perms.can_respond_to_recommendation(user),
        "can_recommend": perms.can_issue_recommendation(user),
        "kinds": Recommendation.Kind.choices,
    }
    return render(request, "oversight/home.html", context)


@require_POST
def review_open(request: HttpRequest) -> HttpResponse:
    if not perms.can_staff_oversight(request.user):
        return forbidden(request)
    from openprecinct.accountability.selectors import complaints_eligible_for_oversight

    complaint = complaints_eligible_for_oversight().filter(pk=request.POST.get("complaint")).first()
    if complaint is None:
        messages.error(request, "Choose an eligible complaint.")
        return HttpResponseRedirect(reverse("oversight:home"))
    try:
        review = services.review_open(
            actor=request.user, complaint=complaint, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("oversight:home"))
    messages.success(request, f"{review.number} is before the committee.")
    return HttpResponseRedirect(reverse("oversight:review", args=[review.pk]))


@require_GET
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_use_oversight(user):
        return forbidden(request)
    review = selectors.review_get_for(user=user, review_id=review_id)
    grant = selectors.open_grant(member=user, review=review)
    packet = review.packets.order_by("-version").first()
    context = {
        "review": review,
        "moves": _moves(user, review),
        "steps": review.steps.select_related("actor"),
        "votes": review.votes.select_related("member"),
        "my_vote": review.votes.filter(member=user).first(),
        "grant": grant,
        "grants": review.grants.select_related("member") if perms.can_staff_oversight(user) else [],
        "packet": packet,
        "packet_readable": packet is not None
        and perms.can_read_packet(user, access_open=grant is not None),
        "withheld": packet.withheld
        if packet is not None and perms.can_see_packet_withholdings(user)
        else None,
        "can_vote": perms.can_vote_in_committee(user)
        and grant is not None
        and review.status in services.VOTING_STATUSES,
        "vote_choices": VoteChoice.choices,
        "members": User.objects.filter(role="oversight_member", is_active=True).order_by("username")
        if perms.can_staff_oversight(user)
        else [],
        "recommendations": selectors.recommendations_for(user).filter(review=review),
        "can_recommend": perms.can_issue_recommendation(user)
        and review.status in (ReviewStatus.DECIDED, ReviewStatus.CLOSED, ReviewStatus.PUBLISHED),
        "meetings": Meeting.objects.all()[:20],
        "kinds": Recommendation.Kind.choices,
    }
    return render(request, "oversight/review.html", context)


@require_POST
def review_act(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_use_oversight(user):
        return forbidden(request)
    review = selectors.review_get_for(user=user, review_id=review_id)
    action = request.POST.get("action", "")
    kw: dict[str, Any] = {
        "summary": request.POST.get("summary", ""),
        "reason": request.POST.get("reason", ""),
    }
    if action == "open_access":
        kw["members"] = User.objects.filter(pk__in=request.POST.getlist("members"))
        try:
            kw["days"] = int(request.POST.get("days") or services.DEFAULT_ACCESS_DAYS)
        except ValueError:
            messages.error(request, "Access days must be a whole number.")
            return HttpResponseRedirect(reverse("oversight:review", args=[review.pk]))
    if action == "discuss" and request.POST.get("meeting"):
        kw["meeting"] = Meeting.objects.filter(pk=request.POST["meeting"]).first()
    return act_and_return(
        request,
        reverse("oversight:review", args=[review.pk]),
        lambda: services.review_act(actor=user, review=review, action=action, **kw),
        f"Done: {ACTION_LABELS.get(action, action)}.",
    )


@require_POST
def access_grant(request: HttpRequest, review_id: int) -> HttpResponse:
    if not perms.can_staff_oversight(request.user):
        return forbidden(request)
    review = selectors.review_get_for(user=request.user, review_id=review_id)
    member = User.objects.filter(pk=request.POST.get("member")).first()
    try:
        if member is None:
            raise ApplicationError("Choose a committee member.")
        services.access_grant(
            actor=request.user,
            review=review,
            member=member,
            days=int(request.POST.get("days") or services.DEFAULT_ACCESS_DAYS),
        )
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Access days must be a whole number."))
    else:
        messages.success(request, f"{member.username} can read the packet.")
    return HttpResponseRedirect(reverse("oversight:review", args=[review.pk]))


@require_POST
def access_revoke(request: HttpRequest, review_id: int, grant_id: int) -> HttpResponse:
    if not perms.can_staff_oversight(request.user):
        return forbidden(request)
    review = selectors.review_get_for(user=request.user, review_id=review_id)
    grant = review.grants.filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    services.access_revoke(actor=request.user, grant=grant)
    messages.success(request, "Access ended.")
    return HttpResponseRedirect(reverse("oversight:review", args=[review.pk]))


@require_GET
def packet(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_use_oversight(user):
        return forbidden(request)
    review = selectors.review_get_for(user=user, review_id=review_id)
    pkt = selectors.packet_for(user=user, review=review)
    grant = selectors.open_grant(member=user, review=review)
    context = {
        "review": review,
        "packet": pkt,
        "c": pkt.content,
        "grant": grant,
        "watermark": f"{user.username} · {timezone.localtime():%Y-%m-%d %H:%M} · "
        f"packet v{pkt.version} · {pkt.content_sha256[:12]}",
    }
    return render(request, "oversight/packet.html", context)


@require_GET
def packet_export(request: HttpRequest, review_id: int) -> HttpResponse:
    """The packet as JSON (only the redacted content, watermarked with the reader)."""
    user = request.user
    if not perms.can_use_oversight(user):
        return forbidden(request)
    review = selectors.review_get_for(user=user, review_id=review_id)
    pkt = selectors.packet_for(user=user, review=review, via="export")
    body = {
        "review": review.number,
        "version": pkt.version,
        "sha256": pkt.content_sha256,
        "exported_for": user.username,
        "exported_at": timezone.now().isoformat(),
        "content": pkt.content,
    }
    response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{review.number}-packet.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def vote(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_vote_in_committee(user):
        return forbidden(request)
    review = selectors.review_get_for(user=user, review_id=review_id)
    return act_and_return(
        request,
        reverse("oversight:review", args=[review.pk]),
        lambda: services.vote_cast(
            member=user,
            review=review,
            choice=request.POST.get("choice", ""),
            reason=request.POST.get("reason", ""),
        ),
        "Your vote is recorded.",
    )


@require_POST
def recommendation_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_issue_recommendation(user):
        return forbidden(request)
    review = None
    if request.POST.get("review"):
        review = selectors.review_get_for(user=user, review_id=request.POST["review"])
    back = reverse("oversight:review", args=[review.pk]) if review else reverse("oversight:home")
    try:
        rec = services.recommendation_issue(
            actor=user,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            public_summary=request.POST.get("public_summary", ""),
            review=review,
            response_days=int(request.POST.get("response_days") or services.DEFAULT_RESPONSE_DAYS),
        )
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "The response period is a number of days."))
        return HttpResponseRedirect(back)
    messages.success(
        request, f"{rec.number} sent; the department's response is due {rec.response_due_on}."
    )
    return HttpResponseRedirect(reverse("oversight:recommendation", args=[rec.pk]))


@require_GET
def recommendation_detail(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_use_oversight(user):
        return forbidden(request)
    rec = selectors.recommendation_get_for(user=user, recommendation_id=recommendation_id)
    steps = [
        step for (state, step) in services.IMPLEMENTATION_TRANSITIONS if state == rec.implementation
    ]
    context = {
        "rec": rec,
        "updates": rec.updates.select_related("actor"),
        "can_respond": perms.can_respond_to_recommendation(user)
        and rec.response == Response.PENDING,
        "can_implement": perms.can_respond_to_recommendation(user)
        and rec.response in (Response.ACCEPT, Response.PARTLY)
        and bool(steps),
        "implementation_steps": steps,
        "responses": [c for c in Response.choices if c[0] != Response.PENDING],
        "days_left": (rec.response_due_on - timezone.localdate()).days,
        "Implementation": Implementation,
    }
    return render(request, "oversight/recommendation.html", context)


@require_POST
def recommendation_respond(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_respond_to_recommendation(user):
        return forbidden(request)
    rec = selectors.recommendation_get_for(user=user, recommendation_id=recommendation_id)
    return act_and_return(
        request,
        reverse("oversight:recommendation", args=[rec.pk]),
        lambda: services.recommendation_respond(
            actor=user,
            recommendation=rec,
            response=request.POST.get("response", ""),
            reason=request.POST.get("reason", ""),
        ),
        "The department's response is recorded.",
    )


@require_POST
def recommendation_implementation(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    user = request.user
    if not perms.can_respond_to_recommendation(user):
        return forbidden(request)
    rec = selectors.recommendation_get_for(user=user, recommendation_id=recommendation_id)
    return act_and_return(
        request,
        reverse("oversight:recommendation", args=[rec.pk]),
        lambda: services.implementation_update(
            actor=user,
            recommendation=rec,
            step=request.POST.get("step", ""),
            note=request.POST.get("note", ""),
        ),
        "Implementation updated.",
    )


def meetings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_use_oversight(user):
        return forbidden(request)
    if request.method == "POST":
        try:
            held_at = datetime.fromisoformat(request.POST.get("held_at", ""))
            if timezone.is_naive(held_at):
                held_at = timezone.make_aware(held_at)
            services.meeting_create(
                actor=user,
                held_at=held_at,
                kind=request.POST.get("kind", "closed"),
                location=request.POST.get("location", ""),
                minutes=request.POST.get("minutes", ""),
            )
        except ValueError:
            messages.error(request, "Give the meeting's date and time (YYYY-MM-DDTHH:MM).")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Meeting recorded.")
        return HttpResponseRedirect(reverse("oversight:meetings"))
    if request.method != "GET":
        return HttpResponse(status=405)
    visible = set(selectors.reviews_for(user).values_list("pk", flat=True))
    rows = [
        (m, [r for r in m.reviews.all() if r.pk in visible])
        for m in Meeting.objects.prefetch_related("reviews")[:100]
    ]
    return render(
        request,
        "oversight/meetings.html",
        {"rows": rows, "kinds": Meeting.Kind.choices, "can_add": True},
    )
